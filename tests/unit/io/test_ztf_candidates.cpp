// Candidate tables of the ZTF follow-up (ZTF paper §2–3, Appendix B): the
// per-alert sheets exported as CSV. Synthetic tables in the layout of the real
// ones, malformed variants, and the 24 real tables (MANIFEST.md §8).
#include "io_test_util.hpp"
#include "nuflare/io/ztf_candidates.hpp"

#include <cmath>
#include <set>

using namespace nuflare;
using nuflare::test::require_input_error;
using nuflare::test::write_text;

namespace {

// Six title rows, the header on line 7, candidates from line 8; the Artifact
// label carries a line break inside its quoted cell (lines 9–10), as the
// spreadsheet export writes it.
const std::string TITLE = "Original GCN:,https://gcn.gsfc.nasa.gov/gcn3/24910.gcn3,,,,,,,\n"
                          "Response:,http://www.astronomerstelegram.org/?read=12879,,,,,,,\n"
                          ",,,,,,,,\n"
                          ",,,,,,,,\n"
                          "sep from plane,,,,,,,,\n"
                          ",,,,,,,,\n";
const std::string HEADER = "Transients:,Name,IAU Name,Classification,Notes,max brightness,max "
                           "range,Catalogue Name,Distance\n";
const std::string ROWS =
    ",ZTF19aadaszg,SN2019rg,SN Ia,,15.9 (r),5.0 (r),,\n"                               // 8
    ",ZTF19aangwsm,,\"Artifact\n\",\"SDSS galaxy, seems offset\",19.8 (g),0.5 (g),,\n" // 9-10
    ",ZTF18abolwbb,,AGN Variability,\"QX, No \"\"significant\"\" evolution\",19.4 (r),1.1 "
    "(g),LAMOSTJ225850.59+081426.4,0.27\n"                // 11
    ",ZTF20aaxcdok,AT2020lpq,Unclassified,,20.1 (r),,,\n" // 12
    ",,,,,,,,\n";                                         // 13: an empty row

} // namespace

TEST_CASE("ZTF candidate table: fields, quotes and line breaks", "[io][ztf_candidates]") {
  const auto dir = test::temp_dir("ztf_cand");
  for (const std::string tool : {"", "gzip", "xz"}) {
    const auto plain = write_text(dir, "IC190619A" + tool + ".csv", TITLE + HEADER + ROWS);
    const auto v =
        io::read_ztf_candidates(tool.empty() ? plain : test::compress(plain, tool), "IC190619A");
    REQUIRE(v.size() == 4);
    CHECK(v[0].alert == "IC190619A");
    CHECK(v[0].name == "ZTF19aadaszg");
    CHECK(v[0].iau_name == "SN2019rg");
    CHECK(v[0].classification == "SN Ia");
    CHECK(v[0].peak_mag == 15.9);
    CHECK(v[0].peak_filter == 'r');
    CHECK(v[0].range_mag == 5.0);
    CHECK(v[0].range_filter == 'r');
    CHECK(std::isnan(v[0].catalogue_distance));
    CHECK(v[0].line == 8);
    CHECK(v[1].classification == "Artifact"); // the line break is trimmed
    CHECK(v[1].notes == "SDSS galaxy, seems offset");
    CHECK(v[1].line == 9);
    CHECK(v[2].notes == "QX, No \"significant\" evolution");
    CHECK(v[2].catalogue_name == "LAMOSTJ225850.59+081426.4");
    CHECK(v[2].catalogue_distance == 0.27);
    CHECK(v[2].line == 11);
    CHECK(v[3].classification == "Unclassified");
    CHECK(std::isnan(v[3].range_mag));
    CHECK(v[3].range_filter == 0);
    CHECK(v[3].line == 12);
  }
  SECTION("the alert name defaults to the file name; empty tables are fine") {
    const auto p = write_text(dir, "IC201007A.csv", TITLE + HEADER);
    CHECK(io::read_ztf_candidates(p).empty());
    const auto q = write_text(dir, "IC200109A.csv", TITLE + HEADER + ROWS);
    CHECK(io::read_ztf_candidates(q)[0].alert == "IC200109A");
  }
  SECTION("tables of several alerts, in the order given") {
    write_text(dir, "IC1.csv", TITLE + HEADER + ROWS);
    write_text(dir, "IC2.csv", TITLE + HEADER + ",ZTF21a,,Star,,17.0,,,\n");
    const std::vector<std::string> alerts{"IC2", "IC1"};
    const auto all = io::read_ztf_candidate_tables(dir.string(), alerts);
    REQUIRE(all.size() == 5);
    CHECK(all[0].alert == "IC2");
    CHECK(all[0].peak_filter == 0);
    CHECK(all[1].alert == "IC1");
    const std::vector<std::string> missing{"IC1", "IC3"};
    require_input_error([&] { (void)io::read_ztf_candidate_tables(dir.string(), missing); },
                        (dir / "IC3.csv").string(), 0, "", "missing candidate table");
  }
}

TEST_CASE("ZTF candidate table: malformed tables name file, line and column",
          "[io][ztf_candidates]") {
  const auto dir = test::temp_dir("ztf_cand_bad");
  auto check = [&](const std::string& name, const std::string& text, std::size_t line,
                   const std::string& field, const std::string& detail) {
    const auto p = write_text(dir, name, text);
    require_input_error([&] { (void)io::read_ztf_candidates(p); }, p, line, field, detail);
  };
  check("no_header.csv", TITLE + ROWS, 0, "Transients:", "no header line");
  check("empty.csv", "", 0, "Transients:", "empty file");
  check("no_peak.csv",
        TITLE + "Transients:,Name,IAU Name,Classification,Notes,max range\n" +
            ",ZTF1,,Star,,1.0 (g)\n",
        7, "max brightness", "missing column");
  check("bad_mag.csv", TITLE + HEADER + ",ZTF1,,Star,,19.x (g),,,\n", 8,
        "column 6 (max brightness)", "not a magnitude");
  check("bad_filter.csv", TITLE + HEADER + ",ZTF1,,Star,,19.5 (g,,,\n", 8,
        "column 6 (max brightness)", "not a magnitude");
  check("nan_mag.csv", TITLE + HEADER + ",ZTF1,,Star,,nan (g),,,\n", 8, "column 6 (max brightness)",
        "not a magnitude");
  check("far_mag.csv", TITLE + HEADER + ",ZTF1,,Star,,58001 (g),,,\n", 8,
        "column 6 (max brightness)", "outside [-30, 40]");
  check("empty_mag.csv", TITLE + HEADER + ",ZTF1,,Star,,,,,\n", 8, "column 6 (max brightness)",
        "empty magnitude");
  check("bad_range.csv", TITLE + HEADER + ",ZTF1,,Star,,19.5 (g),x,,\n", 8, "column 7 (max range)",
        "not a magnitude");
  check("bad_distance.csv", TITLE + HEADER + ",ZTF1,,Star,,19.5 (g),,cat,0.3x\n", 8,
        "column 9 (Distance)", "not a number");
  check("inf_distance.csv", TITLE + HEADER + ",ZTF1,,Star,,19.5 (g),,cat,inf\n", 8,
        "column 9 (Distance)", "not a finite number");
  check("no_name.csv", TITLE + HEADER + ",,,Star,,19.5 (g),,,\n", 8, "column 2 (Name)",
        "empty candidate name");
  check("twice.csv", TITLE + HEADER + ",ZTF1,,Star,,19.5 (g),,,\n,ZTF1,,Star,,19.6 (g),,,\n", 9,
        "column 2 (Name)", "listed twice (also at line 8)");
  check("short.csv", TITLE + HEADER + ",ZTF1,,Star,,19.5 (g),,\n", 8, "columns",
        "expected 9 columns, found 8");
  // A file cut inside the last value (no final line break), and one cut inside
  // a quoted multi-line cell.
  check("cut.csv", TITLE + HEADER + ",ZTF1,,Star,,19.5 (g),,cat,0.2", 8, "",
        "ends inside this candidate's record");
  check("truncated.csv", TITLE + HEADER + ",ZTF1,,\"Artifact\n", 8, "column 4",
        "unterminated quoted field");
}

TEST_CASE("ZTF candidate tables of the paper's 24 alerts", "[io][ztf_candidates][data]") {
  const auto folder = test::data_file("nuztfpaper/followup_xlsx_as_csv");
  NUFLARE_REQUIRE_DATA(folder / "IC190503A.csv");
  const std::vector<std::string> alerts{
      "IC190503A", "IC190619A", "IC190730A", "IC190922B", "IC191001A", "IC200107A",
      "IC200109A", "IC200117A", "IC200512A", "IC200530A", "IC200620A", "IC200916A",
      "IC200926A", "IC200929A", "IC201007A", "IC201021A", "IC201130A", "IC201209A",
      "IC201222A", "IC210210A", "IC210510A", "IC210629A", "IC210811A", "IC210922A"};
  const auto all = io::read_ztf_candidate_tables(folder.string(), alerts);
  // MANIFEST.md §8 and ZTF paper §2: 172 candidates.
  CHECK(all.size() == 172);
  std::set<std::string> with_candidates;
  std::size_t filters = 0;
  for (const auto& c : all) {
    with_candidates.insert(c.alert);
    CHECK(c.classification.find('\n') == std::string::npos);
    CHECK(c.peak_mag >= 12.9);
    CHECK(c.peak_mag <= 22.1);
    filters += (c.peak_filter == 'g' || c.peak_filter == 'r' || c.peak_filter == 'i') ? 1 : 0;
  }
  CHECK(filters == 172);
  // §2: no candidates for IC200107A, IC201007A, IC201222A and IC210922A.
  CHECK(with_candidates.size() == 20);
  CHECK(with_candidates.count("IC200107A") == 0);
  CHECK(with_candidates.count("IC210922A") == 0);
  // IC200530A (41 candidates): SN 2020lam = ZTF20abbpkpa, 18.8 (g).
  const auto lam = std::find_if(all.begin(), all.end(),
                                [](const io::ZtfCandidate& c) { return c.name == "ZTF20abbpkpa"; });
  REQUIRE(lam != all.end());
  CHECK(lam->alert == "IC200530A");
  CHECK(lam->classification == "SN II");
  CHECK(lam->peak_mag == 18.8);
  CHECK(lam->peak_filter == 'g');
}
