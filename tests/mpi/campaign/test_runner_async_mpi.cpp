// Trials without stalls (docs/scaling.md, "Synchronisations"): between
// checkpoints no rank waits for another. Rank 1 holds its first round until
// rank 0 has computed every trial of its share; with a synchronisation per
// round rank 0 could never get there. Registered at 1, 2 and 4 ranks.
#include "nuflare/campaign/partition.hpp"
#include "nuflare/campaign/rng.hpp"
#include "nuflare/campaign/runner.hpp"

#include "nuflare_mpi.hpp"

#include <mpi.h>

#include <chrono>
#include <thread>

using namespace nuflare;

namespace {

double toy(std::uint64_t g) {
  campaign::TrialRng rng(5, "async", g);
  return rng.uniform();
}

} // namespace

TEST_CASE("a rank that is late holds no other rank up between checkpoints", "[runner][mpi]") {
  constexpr std::uint64_t N = 203, ROUND = 4;
  const int rank = test::rank_of(), size = test::size_of();
  // Rank 0's share: its piece of every round.
  std::uint64_t share = 0;
  const std::uint64_t round_rows = ROUND * static_cast<std::uint64_t>(size);
  for (std::uint64_t lo = 0; lo < N; lo += round_rows)
    share += campaign::work_range(std::min(round_rows, N - lo), 0, size).size();

  const auto dir = test::shared_temp_dir("runner_async");
  io::RunInfo info;
  info.analysis = "toy";
  auto archive = io::Archive::create(dir / "run.h5", MPI_COMM_WORLD, info);
  campaign::RunnerOptions opts;
  opts.quiet = true;
  opts.round_trials = ROUND;
  campaign::TrialRunner runner(archive, MPI_COMM_WORLD, "/toy", N, opts);
  const auto values = runner.add<double>("value", 1, "", "uniform");
  std::uint64_t done = 0;
  bool first = true, heard = false;
  runner.run([&](std::uint64_t g, campaign::TrialRows& rows) {
    rows.f64[values][0] = toy(g);
    ++done;
    if (size > 1 && rank == 0 && done == share) {
      // Rank 0 is through all its rounds while rank 1 still holds its first.
      int token = 1;
      MPI_Send(&token, 1, MPI_INT, 1, 99, MPI_COMM_WORLD);
    }
    if (size > 1 && rank == 1 && first) {
      first = false;
      int token = 0;
      MPI_Request request = MPI_REQUEST_NULL;
      MPI_Irecv(&token, 1, MPI_INT, 0, 99, MPI_COMM_WORLD, &request);
      // A deadlock guard, not a timing: a runner that waits for rank 1 after
      // each round never lets rank 0 send, and the test fails after 30 s.
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      int got = 0;
      while (got == 0 && std::chrono::steady_clock::now() < deadline) {
        MPI_Test(&request, &got, MPI_STATUS_IGNORE);
        if (got == 0)
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      if (got == 0) {
        MPI_Cancel(&request);
        MPI_Wait(&request, MPI_STATUS_IGNORE);
      }
      heard = got != 0 && token == 1;
    }
  });
  if (rank == 1)
    CHECK(heard);
  // The rows are those of the trial indices, as always.
  const auto all = runner.gather<double>(values);
  REQUIRE(all.size() == N);
  for (std::uint64_t g = 0; g < N; ++g)
    REQUIRE(all[g] == toy(g));
  archive.commit();
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0)
    std::filesystem::remove_all(dir);
}
