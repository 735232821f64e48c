// Long-CSV light curves read in parts by every rank (campaign::LongCsvParts,
// docs/scaling.md "Read once per job"): rank 0 gets exactly what
// io::read_lightcurves_csv returns, and a bad row read by any rank stops
// every rank with the serial reader's message. Registered at 1, 2 and 4 ranks.
#include "nuflare/campaign/flares_campaign.hpp"
#include "nuflare/campaign/partition.hpp"
#include "nuflare/campaign/read_once.hpp"
#include "nuflare/io/lightcurves.hpp"
#include "nuflare/io/line_reader.hpp"

#include "nuflare_lightcurves.hpp"
#include "nuflare_mpi.hpp"

#include <mpi.h>

#include <fstream>

using namespace nuflare;

namespace {

//! The demo sky's long CSV (inputs/demo, 3.6 MB, 61 941 lines) as a plain
//! file in `dir`, with line `bad_line` (if any) given the flux `bad_flux`
//! (rank 0 writes; every rank gets the path).
std::string demo_lightcurves(const std::filesystem::path& dir, const std::string& name,
                             std::size_t bad_line = 0, const std::string& bad_flux = {}) {
  const auto path = (dir / name).string();
  if (test::rank_of() == 0) {
    io::LineReader lines((test::source_dir() / "inputs/demo/data/lightcurves.csv.xz").string());
    std::ofstream out(path, std::ios::binary);
    std::string_view line;
    while (lines.next(line)) {
      if (lines.line_number() != bad_line) {
        out << line << '\n';
        continue;
      }
      // source,band,mjd,flux,...: the fourth field replaced.
      std::string row(line);
      std::size_t at = 0;
      for (int k = 0; k < 3; ++k)
        at = row.find(',', at) + 1;
      row.replace(at, row.find(',', at) - at, bad_flux);
      out << row << '\n';
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return path;
}

//! What every rank caught from `read` (what()), "" when nothing was thrown.
template <class Read>
std::string caught(Read&& read) {
  try {
    read();
  } catch (const core::InputError& e) {
    return e.what();
  }
  return {};
}

} // namespace

TEST_CASE("long CSVs read in parts by every rank equal the serial reader's",
          "[read_once][lightcurves][mpi]") {
  const auto dir = test::shared_temp_dir("long_csv_parts");
  const auto demo = demo_lightcurves(dir, "demo.csv");
  // Two more files: a small one (fewer parts than ranks) and a compressed one.
  const auto small = (dir / "small.csv").string();
  if (test::rank_of() == 0)
    std::ofstream(small) << "source,band,mjd,flux,flux_err\nA,x,55003,2,3\nB,y,55001,1,1\n"
                            "A,x,55001,2,3\n";
  const auto packed = (test::source_dir() / "inputs/demo/data/lightcurves.csv.xz").string();
  MPI_Barrier(MPI_COMM_WORLD);
  const std::vector<std::string> paths{demo, small, packed};
  for (const std::uint64_t part_bytes : {std::uint64_t{64} << 10, io::LIGHTCURVE_PART_BYTES}) {
    INFO("parts of " << part_bytes << " bytes");
    campaign::LongCsvParts parts(MPI_COMM_WORLD, paths, part_bytes);
    if (test::rank_of() != 0)
      continue;
    for (std::size_t k = 0; k < paths.size(); ++k)
      test::require_same_curves(parts.take(k), io::read_lightcurves_csv(paths[k]));
  }
}

TEST_CASE("nuflare flares' inputs are the same read in parts", "[read_once][lightcurves][mpi]") {
  const auto dir = test::shared_temp_dir("long_csv_flares");
  campaign::FlaresInputs in;
  in.lightcurves = {demo_lightcurves(dir, "demo.csv")}; // 2 parts of 2 MiB
  in.sources = (test::source_dir() / "inputs/demo/data/catalog.csv").string();
  const lightcurve::FlaresConfig config;
  std::vector<std::filesystem::path> files;
  const auto got = campaign::read_flares_inputs(MPI_COMM_WORLD, in, config, files);
  std::vector<std::filesystem::path> serial_files;
  const auto want = campaign::read_flares_inputs(in, serial_files);
  CHECK(files == serial_files);
  REQUIRE(got.size() == want.size());
  const auto block = campaign::work_range(want.size(), test::rank_of(), test::size_of());
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO("source " << want[i].name);
    CHECK(got[i].name == want[i].name);
    CHECK(test::same_bytes(std::span<const double>(&got[i].variability_index, 1),
                           std::span<const double>(&want[i].variability_index, 1)));
    // Rank 0 keeps every curve, the others those of their own block.
    if (test::rank_of() == 0 || (i >= block.begin && i < block.end))
      test::require_same_curves(got[i].curves, want[i].curves);
    else
      CHECK(got[i].curves.empty());
  }
}

TEST_CASE("a bad row in any rank's part stops every rank with the serial reader's message",
          "[read_once][lightcurves][mpi]") {
  const auto dir = test::shared_temp_dir("long_csv_bad");
  // Line 50 000 lies in the second 2 MiB part, which rank 1 reads at 2 and 4
  // ranks; with 64 KiB parts the two lines fall into parts of other ranks.
  for (const std::size_t line : {std::size_t{50000}, std::size_t{61000}}) {
    const auto path = demo_lightcurves(dir, "bad" + std::to_string(line) + ".csv", line, "1.0e");
    const std::string want =
        path + ":" + std::to_string(line) + ": column 4 (flux): not a number: \"1.0e\"";
    REQUIRE(caught([&] { (void)io::read_lightcurves_csv(path); }) == want);
    for (const std::uint64_t part_bytes : {std::uint64_t{64} << 10, io::LIGHTCURVE_PART_BYTES}) {
      INFO("parts of " << part_bytes << " bytes");
      const auto got = caught([&] {
        campaign::LongCsvParts parts(MPI_COMM_WORLD, {path}, part_bytes);
        (void)campaign::read_once(MPI_COMM_WORLD, [&] { return parts.take(0); });
      });
      CHECK(got == want);
    }
    campaign::FlaresInputs in;
    in.lightcurves = {path};
    const lightcurve::FlaresConfig config;
    std::vector<std::filesystem::path> files;
    CHECK(caught([&] { (void)campaign::read_flares_inputs(MPI_COMM_WORLD, in, config, files); }) ==
          want);
  }
}
