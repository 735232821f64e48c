// TrialRunner: rank-invariant per-trial rows, interruption and resume end
// bit-identical to an uninterrupted run (docs/methods.md, docs/cli.md). Runs at 1, 2, 4 ranks.
#include "nuflare/campaign/rng.hpp"
#include "nuflare/campaign/runner.hpp"
#include "nuflare/core/error.hpp"

#include "nuflare_mpi.hpp"
#include "toy_campaign.hpp"

#include <algorithm>
#include <csignal>
#include <hdf5.h>
#include <limits>
#include <mpi.h>

using namespace nuflare;

using namespace nuflare::test::toy; // toy_trial, toy_options, declare_toy, ...
constexpr std::uint64_t N = 777;

TEST_CASE("an interrupted and resumed campaign equals an uninterrupted one", "[runner][mpi]") {
  const auto dir = test::shared_temp_dir("runner");
  campaign::RunnerOptions opts = toy_options();

  // Uninterrupted reference.
  std::vector<double> ref_f;
  std::vector<std::int64_t> ref_i;
  {
    auto archive = io::Archive::create(dir / "ref.h5", MPI_COMM_WORLD, toy_info());
    campaign::TrialRunner runner(archive, MPI_COMM_WORLD, "/toy", N, opts);
    const auto [f, i] = declare_toy(runner);
    runner.run(toy_trial);
    ref_f = runner.gather<double>(f);
    ref_i = runner.gather<std::int64_t>(i);
    archive.commit();
  }
  // Every trial's rows equal what its global index gives, whatever the ranks.
  for (std::uint64_t g = 0; g < N; ++g) {
    campaign::TrialRng rng(11, "toy", g);
    REQUIRE(ref_f[2 * g] == rng.uniform());
    REQUIRE(ref_f[2 * g + 1] == rng.normal());
    REQUIRE(ref_i[g] == static_cast<std::int64_t>(rng.below(1000)));
  }

  // Interrupted: rank 0 "receives SIGTERM" during trial 100.
  {
    auto archive = io::Archive::create(dir / "run.h5", MPI_COMM_WORLD, toy_info());
    campaign::TrialRunner runner(archive, MPI_COMM_WORLD, "/toy", N, opts);
    declare_toy(runner);
    run_toy_until_sigterm(runner, 100);
    CHECK(runner.computed() < N);
  }
  CHECK(std::filesystem::exists(io::partial_path(dir / "run.h5")));
  CHECK_FALSE(std::filesystem::exists(dir / "run.h5"));
  {
    // Forget the signal and resume.
    campaign::clear_stop_request();
    auto archive = io::Archive::open_partial(dir / "run.h5", MPI_COMM_WORLD);
    opts.resume = true;
    campaign::TrialRunner runner(archive, MPI_COMM_WORLD, "/toy", N, opts);
    const auto [f, i] = declare_toy(runner);
    std::uint64_t again = 0;
    runner.run([&](std::uint64_t g, campaign::TrialRows& rows) {
      ++again;
      toy_trial(g, rows);
    });
    std::uint64_t total_again = 0;
    MPI_Allreduce(&again, &total_again, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    CHECK(total_again < N); // finished trials were not recomputed
    CHECK(runner.gather<double>(f) == ref_f);
    CHECK(runner.gather<std::int64_t>(i) == ref_i);
    archive.commit();
  }
  if (test::rank_of() == 0) {
    auto a = io::Archive::open_read(dir / "run.h5");
    auto b = io::Archive::open_read(dir / "ref.h5");
    CHECK(a.read<double>("/toy/trials/values") == b.read<double>("/toy/trials/values"));
    CHECK(a.read<std::int64_t>("/toy/trials/counts") == b.read<std::int64_t>("/toy/trials/counts"));
    CHECK(a.read<std::int64_t>("/toy/trials/done") == std::vector<std::int64_t>(N, 1));
    std::filesystem::remove_all(dir);
  }
}

TEST_CASE("sweep point p runs the global trials p*N + k (docs/methods.md)", "[runner][mpi]") {
  const auto dir = test::shared_temp_dir("runner_sweep");
  campaign::RunnerOptions opts = toy_options();
  constexpr std::uint64_t n = 100, p = 3;
  std::vector<double> whole;
  {
    auto archive = io::Archive::create(dir / "whole.h5", MPI_COMM_WORLD, toy_info());
    campaign::TrialRunner runner(archive, MPI_COMM_WORLD, "/toy", (p + 1) * n, opts);
    const auto f = declare_toy(runner).values;
    runner.run(toy_trial);
    whole = runner.gather<double>(f);
    archive.commit();
  }
  opts.sweep_point = p;
  auto archive = io::Archive::create(dir / "point.h5", MPI_COMM_WORLD, toy_info());
  campaign::TrialRunner runner(archive, MPI_COMM_WORLD, "/toy", n, opts);
  CHECK(runner.first_index() == p * n);
  const auto f = declare_toy(runner).values;
  std::uint64_t lowest = std::numeric_limits<std::uint64_t>::max();
  runner.run([&](std::uint64_t g, campaign::TrialRows& rows) {
    lowest = std::min(lowest, g);
    toy_trial(g, rows);
  });
  const auto point = runner.gather<double>(f);
  CHECK(archive.number_attribute("/toy/trials", "first_trial_index") == static_cast<double>(p * n));
  archive.commit();
  CHECK(lowest >= p * n);
  REQUIRE(point.size() == 2 * n);
  CHECK(std::equal(point.begin(), point.end(), whole.begin() + 2 * p * n));
}

TEST_CASE("batched runs hand over a round's pending trials, in order", "[runner][mpi]") {
  const auto dir = test::shared_temp_dir("runner_batched");
  campaign::RunnerOptions opts = toy_options();
  std::vector<double> ref;
  {
    auto archive = io::Archive::create(dir / "ref.h5", MPI_COMM_WORLD, toy_info());
    campaign::TrialRunner runner(archive, MPI_COMM_WORLD, "/toy", N, opts);
    const auto f = declare_toy(runner).values;
    runner.run(toy_trial);
    ref = runner.gather<double>(f);
    archive.commit();
  }
  // Interrupted during the batch holding trial 100, then resumed in batches.
  {
    auto archive = io::Archive::create(dir / "run.h5", MPI_COMM_WORLD, toy_info());
    campaign::TrialRunner runner(archive, MPI_COMM_WORLD, "/toy", N, opts);
    declare_toy(runner);
    CHECK_THROWS_AS(runner.run_batched(
                        [](std::span<const std::uint64_t> g, std::span<campaign::TrialRows> rows) {
                          for (std::size_t k = 0; k < g.size(); ++k) {
                            if (g[k] == 100)
                              std::raise(SIGTERM);
                            toy_trial(g[k], rows[k]);
                          }
                        }),
                    campaign::Interrupted);
  }
  campaign::clear_stop_request();
  auto archive = io::Archive::open_partial(dir / "run.h5", MPI_COMM_WORLD);
  opts.resume = true;
  campaign::TrialRunner runner(archive, MPI_COMM_WORLD, "/toy", N, opts);
  const auto f = declare_toy(runner).values;
  std::vector<std::uint64_t> seen;
  std::size_t largest = 0;
  runner.run_batched([&](std::span<const std::uint64_t> g, std::span<campaign::TrialRows> rows) {
    REQUIRE(rows.size() == g.size());
    largest = std::max(largest, g.size());
    for (std::size_t k = 0; k < g.size(); ++k) {
      seen.push_back(g[k]);
      toy_trial(g[k], rows[k]);
    }
  });
  CHECK(largest <= 16);
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  std::uint64_t mine = seen.size(), total = 0;
  MPI_Allreduce(&mine, &total, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
  CHECK(total < N); // trials done before the interruption are not handed over again
  CHECK(runner.gather<double>(f) == ref);
  archive.commit();
  if (test::rank_of() == 0)
    std::filesystem::remove_all(dir);
}

namespace {
//! Interrupts a toy campaign of `n` trials in `dir`/run.h5 at trial 300
//! (rank 0's SIGTERM), leaving run.h5.partial with some chunks saved.
void interrupted_toy_run(const std::filesystem::path& dir, std::uint64_t n) {
  auto archive = io::Archive::create(dir / "run.h5", MPI_COMM_WORLD, toy_info());
  campaign::TrialRunner runner(archive, MPI_COMM_WORLD, "/toy", n, toy_options());
  declare_toy(runner);
  run_toy_until_sigterm(runner, 300);
  campaign::clear_stop_request();
}
//! Changes one value of a saved row behind the archive's back (rank 0).
void tamper(const std::filesystem::path& partial, const char* dataset, std::uint64_t row) {
  if (test::rank_of() == 0) {
    const hid_t f = H5Fopen(partial.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    const hid_t d = H5Dopen2(f, dataset, H5P_DEFAULT);
    const hid_t space = H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    H5Sget_simple_extent_dims(space, dims, nullptr);
    std::vector<double> values(dims[0] * dims[1]);
    H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    values.at(row * dims[1]) = values[row * dims[1]] == 0 ? 1 : 0;
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Sclose(space);
    H5Dclose(d);
    H5Fclose(f);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}
std::string resume_error(const std::filesystem::path& dir, std::uint64_t n) {
  auto archive = io::Archive::open_partial(dir / "run.h5", MPI_COMM_WORLD);
  campaign::TrialRunner runner(archive, MPI_COMM_WORLD, "/toy", n, toy_resume_options());
  declare_toy(runner);
  try {
    runner.run(toy_trial);
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "";
}
} // namespace

TEST_CASE("a resume refuses saved rows or done flags changed since the checkpoint",
          "[runner][mpi]") {
  const auto dir = test::shared_temp_dir("runner_tamper");
  const auto partial = io::partial_path(dir / "run.h5");
  for (const char* dataset : {"/toy/trials/values", "/toy/trials/counts", "/toy/trials/done"}) {
    interrupted_toy_run(dir, N);
    tamper(partial, dataset, 5);
    const std::string error = resume_error(dir, N);
    CHECK_THAT(error, Catch::Contains(std::string(dataset) + ": checksum mismatch — the "
                                                             "checkpoint was modified; rerun "
                                                             "without --resume"));
  }
  // Untouched, the same partial archive resumes to the uninterrupted result.
  interrupted_toy_run(dir, N);
  CHECK(resume_error(dir, N).empty());
  MPI_Barrier(MPI_COMM_WORLD);
  if (test::rank_of() == 0)
    std::filesystem::remove_all(dir);
}

TEST_CASE("a resume refuses a dataset of another shape before opening it", "[runner][mpi]") {
  const auto dir = test::shared_temp_dir("runner_shape");
  interrupted_toy_run(dir, N);
  // The same campaign with one more column is another campaign.
  auto archive = io::Archive::open_partial(dir / "run.h5", MPI_COMM_WORLD);
  campaign::TrialRunner runner(archive, MPI_COMM_WORLD, "/toy", N, toy_resume_options());
  runner.add<double>("values", 3, "", "uniform, normal and more");
  runner.add<std::int64_t>("counts", 1, "", "integer");
  CHECK_THROWS_WITH(runner.run(toy_trial), Catch::Contains("/toy/trials/values: expected [") &&
                                               Catch::Contains(" × 3] float64") &&
                                               Catch::Contains("found ["));
  MPI_Barrier(MPI_COMM_WORLD);
  if (test::rank_of() == 0)
    std::filesystem::remove_all(dir);
}

TEST_CASE("10^12 trials are refused before anything is allocated", "[runner][mpi]") {
  const auto dir = test::shared_temp_dir("runner_huge");
  auto archive = io::Archive::create(dir / "huge.h5", MPI_COMM_WORLD, toy_info());
  campaign::TrialRunner runner(archive, MPI_COMM_WORLD, "/toy", 1000000000000ull, toy_options());
  declare_toy(runner);
  try {
    runner.run(toy_trial);
    FAIL("10^12 trials ran");
  } catch (const core::ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("/toy: 1000000000000 trials need") &&
                             Catch::Contains("of memory per rank") &&
                             Catch::Contains("use fewer trials"));
  }
  CHECK(runner.computed() == 0);
  MPI_Barrier(MPI_COMM_WORLD);
  if (test::rank_of() == 0)
    std::filesystem::remove_all(dir);
}

TEST_CASE("a run stopped before anything was saved resumes cleanly, on any rank count",
          "[runner][mpi]") {
  const auto dir = test::shared_temp_dir("runner_early");
  std::vector<double> ref;
  {
    auto archive = io::Archive::create(dir / "ref.h5", MPI_COMM_WORLD, toy_info());
    campaign::TrialRunner runner(archive, MPI_COMM_WORLD, "/toy", N, toy_options());
    const auto f = declare_toy(runner).values;
    runner.run(toy_trial);
    ref = runner.gather<double>(f);
    archive.commit();
  }
  {
    // The signal came while the archive was being created: the first round
    // ends the run with at most that round's whole chunks saved.
    auto archive = io::Archive::create(dir / "run.h5", MPI_COMM_WORLD, toy_info());
    campaign::TrialRunner runner(archive, MPI_COMM_WORLD, "/toy", N, toy_options());
    declare_toy(runner);
    std::raise(SIGTERM);
    CHECK_THROWS_AS(runner.run(toy_trial), campaign::Interrupted);
    campaign::clear_stop_request();
  }
  // Resumed by rank 0 alone: the split of work does not matter.
  if (test::rank_of() == 0) {
    std::uint64_t saved = 0;
    {
      auto partial = io::Archive::open_read(io::partial_path(dir / "run.h5"));
      saved = static_cast<std::uint64_t>(partial.number_attribute("/toy/trials", "rows"));
      // Usually fewer than N; a loaded machine may let a rank finish its
      // rounds before the stop is agreed, which is allowed (nothing is lost).
      CHECK(saved <= N);
      CHECK(partial.shape("/toy/trials/values") == std::vector<std::uint64_t>{saved, 2});
    }
    auto archive = io::Archive::open_partial(dir / "run.h5", MPI_COMM_SELF);
    campaign::TrialRunner runner(archive, MPI_COMM_SELF, "/toy", N, toy_resume_options());
    const auto f = declare_toy(runner).values;
    runner.run(toy_trial);
    CHECK(runner.computed() == N - saved);
    CHECK(runner.gather<double>(f) == ref);
    archive.commit();
  }
  MPI_Barrier(MPI_COMM_WORLD);
  // Interrupted again at every rank count, then resumed on rank 0 alone.
  interrupted_toy_run(dir, N);
  if (test::rank_of() == 0) {
    auto archive = io::Archive::open_partial(dir / "run.h5", MPI_COMM_SELF);
    campaign::TrialRunner runner(archive, MPI_COMM_SELF, "/toy", N, toy_resume_options());
    const auto f = declare_toy(runner).values;
    runner.run(toy_trial);
    CHECK(runner.computed() < N);
    CHECK(runner.gather<double>(f) == ref);
    archive.commit();
    std::filesystem::remove_all(dir);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}
