// The parallel archive: collective per-trial writes, rank-invariant contents,
// the .partial → final rename (docs/methods.md, docs/archive-format.md). Registered at 1, 2 and 4
// ranks.
#include "nuflare/campaign/partition.hpp"
#include "nuflare/campaign/rng.hpp"
#include "nuflare/io/archive.hpp"

#include "nuflare_mpi.hpp"

#include <mpi.h>

using namespace nuflare;

namespace {
//! A toy trial: three uniforms and an integer count from trial g's stream.
void toy_trial(std::uint64_t g, double* row, std::int64_t* count) {
  campaign::TrialRng rng(2024, "toy", g);
  for (int j = 0; j < 3; ++j)
    row[j] = rng.uniform();
  *count = static_cast<std::int64_t>(rng.below(100));
}
} // namespace

TEST_CASE("a toy campaign's archive is the same for every rank count", "[archive][mpi]") {
  const MPI_Comm comm = MPI_COMM_WORLD;
  const int rank = test::rank_of(comm), size = test::size_of(comm);
  const auto dir = test::shared_temp_dir("archive", comm);
  const auto final_path = dir / "toy.h5";
  const std::uint64_t n_trials = 1001; // not divisible by 2 or 4

  io::RunInfo info;
  info.analysis = "toy";
  info.master_seed = 2024;
  info.config = {{"trials", "1001"}, {"seed", "2024"}};
  {
    auto archive = io::Archive::create(final_path, comm, info);
    REQUIRE(std::filesystem::exists(io::partial_path(final_path)));
    archive.create_group("/toy");
    archive.create_rows<double>("/toy/trials/values", n_trials, 3, "", "three uniforms per trial");
    archive.create_rows<std::int64_t>("/toy/trials/counts", n_trials, 1, "", "a count per trial");
    const auto work = campaign::work_range(n_trials, rank, size);
    std::vector<double> rows(work.size() * 3);
    std::vector<std::int64_t> counts(work.size());
    for (std::uint64_t g = work.begin; g < work.end; ++g)
      toy_trial(g, &rows[(g - work.begin) * 3], &counts[g - work.begin]);
    archive.write_rows("/toy/trials/values", work.begin, std::span<const double>(rows));
    CHECK(archive.last_transfer_collective());
    archive.write_rows("/toy/trials/counts", work.begin, std::span<const std::int64_t>(counts));
    CHECK(archive.last_transfer_collective());
    io::Table table;
    table.columns.push_back({"threshold", std::vector<double>{4.8, 4.9}, "log10(E/GeV)", "cut"});
    table.columns.push_back({"n", std::vector<std::int64_t>{3, 1}, "", "count"});
    table.columns.push_back({"group", std::vector<std::string>{"txs_like", "cfs"}, "", "label"});
    archive.write_table("/toy/summary", table);
    archive.commit();
  }
  MPI_Barrier(comm);
  CHECK(std::filesystem::exists(final_path));
  CHECK_FALSE(std::filesystem::exists(io::partial_path(final_path)));
  MPI_Barrier(comm); // every rank has looked before rank 0 cleans up below

  if (rank == 0) {
    auto archive = io::Archive::open_read(final_path);
    CHECK(archive.string_attribute("/", "format") == io::ARCHIVE_FORMAT);
    CHECK(archive.string_attribute("/config", "trials") == "1001");
    CHECK(archive.number_attribute("/", "master_seed") == 2024.0);
    CHECK(archive.shape("/toy/trials/values") == std::vector<std::uint64_t>{n_trials, 3});
    const auto values = archive.read<double>("/toy/trials/values");
    const auto counts = archive.read<std::int64_t>("/toy/trials/counts");
    for (std::uint64_t g = 0; g < n_trials; ++g) {
      double row[3];
      std::int64_t count = 0;
      toy_trial(g, row, &count);
      for (int j = 0; j < 3; ++j)
        REQUIRE(values[g * 3 + j] == row[j]); // bit-identical, whatever the rank count
      REQUIRE(counts[g] == count);
    }
    const auto table = archive.read_table("/toy/summary");
    REQUIRE(table.rows() == 2);
    CHECK(std::get<std::vector<std::string>>(table.column("group").values)[1] == "cfs");
    CHECK(std::get<std::vector<double>>(table.column("threshold").values)[0] == 4.8);
    CHECK(table.column("threshold").unit == "log10(E/GeV)");
    std::filesystem::remove_all(dir);
  }
}
