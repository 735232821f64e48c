// The archive is readable with h5py as docs/archive-format.md describes.
#include "nuflare/campaign/partition.hpp"
#include "nuflare/io/archive.hpp"

#include "nuflare_mpi.hpp"

#include <cstdlib>
#include <fstream>
#include <mpi.h>

using namespace nuflare;

TEST_CASE("h5py reads an archive written by all ranks", "[archive][mpi][h5py]") {
  const int rank = test::rank_of(), size = test::size_of();
  const auto dir = test::shared_temp_dir("h5py");
  const auto input = dir / "input.txt";
  if (rank == 0)
    std::ofstream(input) << "abc\n";
  MPI_Barrier(MPI_COMM_WORLD);

  io::RunInfo info;
  info.analysis = "toy";
  info.master_seed = 5;
  info.config = {{"trials", "64"}};
  info.inputs = {input};
  auto archive = io::Archive::create(dir / "run.h5", MPI_COMM_WORLD, info);
  archive.create_rows<double>("/toy/trials/values", 64, 2, "deg", "index and its square");
  const auto w = campaign::work_range(64, rank, size);
  std::vector<double> rows;
  for (auto g = w.begin; g < w.end; ++g) {
    rows.push_back(static_cast<double>(g));
    rows.push_back(static_cast<double>(g * g));
  }
  archive.write_rows("/toy/trials/values", w.begin, std::span<const double>(rows));
  io::Table t;
  t.columns.push_back({"name", std::vector<std::string>{"a", "bb"}, "", ""});
  t.columns.push_back({"value", std::vector<double>{1.5, 2.5}, "", ""});
  archive.write_table("/toy/summary", t);
  archive.commit();

  if (rank == 0) {
    // SHA-256 of "abc\n" (sha256sum).
    CHECK(io::sha256_file(input) ==
          "edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb");
    const std::string cmd = "/usr/bin/python3 " +
                            (test::source_dir() / "tests/mpi/io/read_archive.py").string() + " " +
                            (dir / "run.h5").string();
    const int status = std::system(cmd.c_str());
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
      WARN("skipped: h5py is not installed for /usr/bin/python3");
    else
      CHECK(status == 0);
    std::filesystem::remove_all(dir);
  }
}
