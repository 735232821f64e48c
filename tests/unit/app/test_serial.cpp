// One process without MPI (docs/cli.md, "When nuflare starts MPI"): which
// environments count as an MPI launcher, and the collective helpers of
// campaign/gather on MPI_COMM_NULL. This program never calls MPI_Init, so any
// MPI call on the serial path would abort it.
#include "nuflare/campaign/gather.hpp"
#include "nuflare/campaign/launcher.hpp"

#include "nuflare_catch.hpp"

#include <map>
#include <sstream>
#include <string>

namespace {

using nuflare::campaign::launcher_variable;

std::optional<std::string> launcher_of(const std::map<std::string, std::string>& env) {
  return launcher_variable([&env](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

} // namespace

TEST_CASE("launchers are recognised by the variables they give every rank", "[app][mpi-start]") {
  CHECK(launcher_of({{"OMPI_COMM_WORLD_SIZE", "4"}, {"OMPI_COMM_WORLD_RANK", "2"}}) ==
        "OMPI_COMM_WORLD_SIZE");
  CHECK(launcher_of({{"PMIX_RANK", "0"}, {"PMIX_NAMESPACE", "x"}}) == "PMIX_RANK");
  CHECK(launcher_of({{"PMI_RANK", "1"}, {"PMI_SIZE", "2"}}) == "PMI_RANK");
  CHECK(launcher_of({{"PMI_SIZE", "2"}}) == "PMI_SIZE");
  // An srun step of an MPI program: Slurm's variables and PMI's.
  CHECK(launcher_of({{"SLURM_JOB_ID", "7"}, {"SLURM_STEP_ID", "0"}, {"PMIX_RANK", "3"}}) ==
        "PMIX_RANK");
}

TEST_CASE("a shell, a batch script or an empty variable is no launcher", "[app][mpi-start]") {
  CHECK_FALSE(launcher_of({}));
  CHECK_FALSE(launcher_of({{"HOME", "/root"}, {"PATH", "/usr/bin"}}));
  // sbatch's own shell, and a plain srun step without PMI: one process each.
  CHECK_FALSE(launcher_of({{"SLURM_JOB_ID", "7"}, {"SLURM_NTASKS", "64"}, {"SLURM_NODEID", "0"}}));
  CHECK_FALSE(launcher_of({{"SLURM_JOB_ID", "7"}, {"SLURM_STEP_ID", "0"}, {"SLURM_PROCID", "0"}}));
  CHECK_FALSE(launcher_of({{"OMPI_COMM_WORLD_SIZE", ""}, {"PMI_RANK", ""}}));
  // Open MPI's MCA settings in a user's environment say nothing about a launcher.
  CHECK_FALSE(launcher_of({{"OMPI_MCA_btl", "self,vader"}, {"PMIX_MCA_psec", "native"}}));
}

TEST_CASE("collectives on MPI_COMM_NULL are those of one rank", "[app][mpi-start]") {
  using namespace nuflare::campaign;
  const MPI_Comm one = MPI_COMM_NULL;
  CHECK(serial(one));
  CHECK_FALSE(serial(MPI_COMM_WORLD));
  CHECK(broadcast_from_root(one, 42) == 42);
  synchronise(one);

  const std::function<int(std::uint64_t)> square = [](std::uint64_t i) {
    return static_cast<int>(i * i);
  };
  const std::function<std::string(std::uint64_t)> name = [](std::uint64_t i) {
    return "item " + std::to_string(i);
  };
  CHECK(gather_in_order(one, 5, square, name) == std::vector<int>{0, 1, 4, 9, 16});
  CHECK(gather_in_order(one, 0, square, name).empty());

  // The first failing item's error, with its context and exit status.
  const std::function<int(std::uint64_t)> fails_at_3 = [](std::uint64_t i) -> int {
    if (i >= 3)
      throw nuflare::core::InputError("lc.csv", 4, "flux", "not a number");
    return 0;
  };
  try {
    (void)gather_in_order(one, 6, fails_at_3, name);
    FAIL("no error");
  } catch (const SharedError& e) {
    CHECK(std::string(e.what()) == "item 3: lc.csv:4: flux: not a number");
    CHECK(e.exit_status() == 2);
  }

  bool ran = false;
  run_on_root(one, [&] { ran = true; });
  CHECK(ran);
  CHECK_THROWS_AS(run_on_root(one, [] { throw nuflare::core::IoError("disk full"); }),
                  nuflare::core::IoError);

  std::vector<std::byte> mine{std::byte{1}, std::byte{2}};
  CHECK(all_gather_bytes(one, mine) == mine);

  std::ostringstream out;
  PhaseTimer timer(one, &out);
  timer.mark("read");
  CHECK(out.str().rfind("timing: read ", 0) == 0);

  std::ostringstream err;
  auto* old = std::cerr.rdbuf(err.rdbuf());
  const int status = end_after_error(one, "nuflare: ", "bad", 74);
  std::cerr.rdbuf(old);
  CHECK(status == 74);
  CHECK(err.str() == "nuflare: bad\n");
}
