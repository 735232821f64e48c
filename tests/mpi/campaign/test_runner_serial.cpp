// TrialRunner on MPI_COMM_NULL: one process that never calls MPI_Init (docs/cli.md,
// "When nuflare starts MPI") computes the same rows as any rank count, checkpoints,
// stops on SIGTERM and resumes bit-identical to an uninterrupted run. A plain program:
// any MPI call before MPI_Init would abort it, and MPI_Initialized is checked at the end.
#include "nuflare/campaign/collective.hpp"
#include "nuflare/campaign/node_memory.hpp"
#include "nuflare/campaign/rng.hpp"
#include "nuflare/campaign/runner.hpp"
#include "nuflare/core/error.hpp"

#include "nuflare_catch.hpp"
#include "toy_campaign.hpp"

#include <csignal>
#include <cstring>
#include <mpi.h>

using namespace nuflare;

using namespace nuflare::test::toy; // toy_trial, toy_options, declare_toy, ...

namespace {
const MPI_Comm ONE = MPI_COMM_NULL; //!< one process without MPI
constexpr std::uint64_t N = 777;

bool mpi_initialised() {
  int on = 0;
  MPI_Initialized(&on); // one of the two MPI calls allowed before MPI_Init
  return on != 0;
}
} // namespace

TEST_CASE("without MPI, trial rows are those of their global index", "[runner][serial]") {
  const auto dir = test::temp_dir("runner_serial_rows");
  auto archive = io::Archive::create(dir / "run.h5", ONE, toy_info());
  campaign::TrialRunner runner(archive, ONE, "/toy", N, toy_options());
  const auto [f, i] = declare_toy(runner);
  runner.run(toy_trial);
  const auto values = runner.gather<double>(f);
  const auto counts = runner.gather<std::int64_t>(i, 0); // on "rank 0": this process
  archive.commit();
  REQUIRE(values.size() == 2 * N);
  REQUIRE(counts.size() == N);
  for (std::uint64_t g = 0; g < N; ++g) {
    campaign::TrialRng rng(11, "toy", g);
    REQUIRE(values[2 * g] == rng.uniform());
    REQUIRE(values[2 * g + 1] == rng.normal());
    REQUIRE(counts[g] == static_cast<std::int64_t>(rng.below(1000)));
  }
  auto saved = io::Archive::open_read(dir / "run.h5");
  CHECK(saved.read<double>("/toy/trials/values") == values);
  CHECK(saved.read<std::int64_t>("/toy/trials/done") == std::vector<std::int64_t>(N, 1));
  CHECK_THROWS_WITH(runner.gather<double>(f, 1), Catch::Contains("no rank 1"));
  std::filesystem::remove_all(dir);
  CHECK_FALSE(mpi_initialised());
}

TEST_CASE("without MPI, a run stopped by SIGTERM after checkpoints resumes bit-identical",
          "[runner][serial]") {
  const auto dir = test::temp_dir("runner_serial_resume");
  std::vector<double> ref_f;
  std::vector<std::int64_t> ref_i;
  {
    auto archive = io::Archive::create(dir / "ref.h5", ONE, toy_info());
    campaign::TrialRunner runner(archive, ONE, "/toy", N, toy_options());
    const auto [f, i] = declare_toy(runner);
    runner.run(toy_trial);
    ref_f = runner.gather<double>(f);
    ref_i = runner.gather<std::int64_t>(i);
    archive.commit();
  }
  std::uint64_t saved_rows = 0;
  {
    // A checkpoint after every round (any positive interval has passed by
    // the next agreement), then SIGTERM during trial 500.
    auto archive = io::Archive::create(dir / "run.h5", ONE, toy_info());
    campaign::RunnerOptions opts = toy_options();
    opts.checkpoint_seconds = 1e-9;
    campaign::TrialRunner runner(archive, ONE, "/toy", N, opts);
    declare_toy(runner);
    CHECK_THROWS_WITH(runner.run([](std::uint64_t g, campaign::TrialRows& rows) {
      if (g == 500)
        std::raise(SIGTERM);
      toy_trial(g, rows);
    }),
                      Catch::Contains("/toy: interrupted after") &&
                          Catch::Contains("rerun with --resume to continue"));
    CHECK(runner.computed() < N);
    saved_rows = static_cast<std::uint64_t>(archive.number_attribute("/toy/trials", "rows"));
  }
  campaign::clear_stop_request();
  CHECK(saved_rows > 0); // the checkpoints before the signal saved rows
  CHECK(saved_rows < N);
  CHECK(std::filesystem::exists(io::partial_path(dir / "run.h5")));
  CHECK_FALSE(std::filesystem::exists(dir / "run.h5"));
  {
    auto archive = io::Archive::open_partial(dir / "run.h5", ONE);
    campaign::TrialRunner runner(archive, ONE, "/toy", N, toy_resume_options());
    const auto [f, i] = declare_toy(runner);
    std::uint64_t again = 0;
    runner.run([&](std::uint64_t g, campaign::TrialRows& rows) {
      CHECK(g >= saved_rows); // saved trials are not recomputed
      ++again;
      toy_trial(g, rows);
    });
    CHECK(again == N - saved_rows);
    CHECK(runner.gather<double>(f) == ref_f);
    CHECK(runner.gather<std::int64_t>(i) == ref_i);
    archive.commit();
  }
  auto a = io::Archive::open_read(dir / "run.h5");
  auto b = io::Archive::open_read(dir / "ref.h5");
  CHECK(a.read<double>("/toy/trials/values") == b.read<double>("/toy/trials/values"));
  CHECK(a.read<std::int64_t>("/toy/trials/counts") == b.read<std::int64_t>("/toy/trials/counts"));
  std::filesystem::remove_all(dir);
  CHECK_FALSE(mpi_initialised());
}

TEST_CASE("without MPI, a resume still refuses a checkpoint changed since it was saved",
          "[runner][serial]") {
  const auto dir = test::temp_dir("runner_serial_tamper");
  {
    auto archive = io::Archive::create(dir / "run.h5", ONE, toy_info());
    campaign::TrialRunner runner(archive, ONE, "/toy", N, toy_options());
    declare_toy(runner);
    run_toy_until_sigterm(runner, 300);
  }
  campaign::clear_stop_request();
  {
    // Another checksum on the values: as if rows had been rewritten.
    auto archive = io::Archive::open_partial(dir / "run.h5", ONE);
    archive.set_attribute("/toy/trials/values", "checksum", std::string(63, '0') + "1");
    archive.flush();
  }
  auto archive = io::Archive::open_partial(dir / "run.h5", ONE);
  campaign::TrialRunner runner(archive, ONE, "/toy", N, toy_resume_options());
  declare_toy(runner);
  CHECK_THROWS_WITH(runner.run(toy_trial),
                    Catch::Contains("/toy/trials/values: checksum mismatch — the checkpoint was "
                                    "modified; rerun without --resume"));
  std::filesystem::remove_all(dir);
  CHECK_FALSE(mpi_initialised());
}

TEST_CASE("without MPI, the collective helpers are one process's identity", "[collective]") {
  CHECK(campaign::comm_rank(ONE) == 0);
  CHECK(campaign::comm_size(ONE) == 1);
  CHECK(campaign::ranks_on_node(ONE) == 1);
  CHECK(campaign::threads_per_rank(ONE) >= 1);
  std::vector<double> d{3.5, -1.0};
  campaign::allreduce(std::span<double>(d), MPI_MIN, ONE);
  CHECK(d == std::vector<double>{3.5, -1.0});
  int flag = 1;
  campaign::allreduce(std::span<int>(&flag, 1), MPI_MAX, ONE);
  CHECK(flag == 1);
  char text[] = "unchanged";
  campaign::broadcast_quietly(text, sizeof text, 0, ONE);
  CHECK(std::strcmp(text, "unchanged") == 0);
  campaign::barrier_quietly(ONE);
  // A node of one process: ordinary memory, the same view.
  const campaign::NodeGroup group(ONE);
  CHECK(group.leader());
  CHECK(group.node_size() == 1);
  CHECK(group.n_nodes() == 1);
  CHECK(group.comm() == MPI_COMM_NULL);
  const campaign::SharedBlock block(group, 4096);
  REQUIRE(block.data() != nullptr);
  block.data()[4095] = std::byte{7};
  block.publish();
  CHECK(block.data()[4095] == std::byte{7});
  CHECK_FALSE(mpi_initialised());
}
