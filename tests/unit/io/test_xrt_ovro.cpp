// X-ray and radio bands: the UKSSDC Swift-XRT QDP light curve and the OVRO
// 15 GHz CSV (docs/input-formats-xray-radio.md). Synthetic files with
// hand-computed values, every malformed variant of the format, and the real
// files of ../shared/data (MANIFEST.md §12).
#include "io_test_util.hpp"
#include "nuflare/io/ovro.hpp"
#include "nuflare/io/xrt_qdp.hpp"

#include <algorithm>
#include <cmath>

using namespace nuflare;
using nuflare::test::require_input_error;
using nuflare::test::write_text;

namespace {

bool strictly_increasing(const std::vector<double>& t) {
  return std::adjacent_find(t.begin(), t.end(), std::greater_equal<>()) == t.end();
}

// A small product with the layout of the real one: a WT section, a PC section
// and a PC upper-limit section (lines numbered in the comments).
const std::string HEAD = "! Swift/XRT lightcurve of trigger: 30901, name: oj287\n" // 1
                         "! Data covers 0.3-10 keV\n"                              // 2
                         "\n"                                                      // 3
                         "READ TERR 1 2\n";                                        // 4
const std::string WT = "! WT data\n"                                               // 5
                       "!MJD    \tT_+ve   \tT_-ve   \tRate    \tRatepos \tRateneg\n"
                       "58000.5\t5e-05\t-5e-05\t1.0\t0.3\t-0.1\n"  // 7
                       "58002.5\t5e-05\t-5e-05\t2.0\t0.2\t-0.2\n"; // 8
const std::string PC = "NO\tNO\tNO\tNO\tNO\n"                      // 9
                       "! PC data\n"                               // 10
                       "!MJD    \tT_+ve   \tT_-ve   \tRate    \tRatepos \tRateneg\n"
                       "58001.5\t0.0005\t-0.0005\t0.5\t0.05\t-0.03\n"   // 12
                       "58003.5\t0.0005\t-0.0005\t0.25\t0.04\t-0.04\n"; // 13
const std::string UL = "NO\tNO\tNO\tNO\tNO\tNO\n"                       // 14
                       "! PC Upper limit\n"                             // 15
                       "58004.5\t0.0005\t-0.0005\t0.9\t0\t0\n";         // 16

std::string replace_line(const std::string& text, std::size_t line, const std::string& by) {
  std::size_t begin = 0;
  for (std::size_t i = 1; i < line; ++i)
    begin = text.find('\n', begin) + 1;
  const std::size_t end = text.find('\n', begin);
  return text.substr(0, begin) + by + text.substr(end);
}

} // namespace

TEST_CASE("Swift-XRT QDP: modes merged into one xrt band", "[io][xrt]") {
  const auto dir = test::temp_dir("xrt_merge");
  for (const std::string tool : {"", "gzip", "xz"}) {
    const auto plain = write_text(dir, "oj_" + tool + ".qdp", HEAD + WT + PC + UL);
    const auto v = io::read_swift_xrt_qdp(tool.empty() ? plain : test::compress(plain, tool));
    REQUIRE(v.size() == 1);
    const auto& lc = v[0];
    CHECK(lc.source == "oj287"); // from the "name:" of the first comment
    CHECK(lc.band == "xrt");
    CHECK(lc.mjd == std::vector<double>{58000.5, 58001.5, 58002.5, 58003.5, 58004.5});
    CHECK(lc.flux == std::vector<double>{1.0, 0.5, 2.0, 0.25, 0.9});
    // flux_err = (Ratepos + |Rateneg|) / 2; the limit carries no error.
    CHECK(lc.flux_err[0] == Approx(0.2));
    CHECK(lc.flux_err[1] == Approx(0.04));
    CHECK(lc.flux_err[2] == Approx(0.2));
    CHECK(lc.flux_err[3] == Approx(0.04));
    CHECK(lc.flux_err[4] == 0.0);
    CHECK(lc.upper_limit == std::vector<std::uint8_t>{0, 0, 0, 0, 1});
    CHECK(lc.ts.empty());
  }
}

TEST_CASE("Swift-XRT QDP: one curve per mode, names and error forms", "[io][xrt]") {
  const auto dir = test::temp_dir("xrt_split");
  const auto path = write_text(dir, "curve.qdp", HEAD + WT + PC + UL);
  io::XrtReadOptions options;
  options.merge_modes = false;
  options.source = "OJ 287";
  const auto v = io::read_swift_xrt_qdp(path, options);
  REQUIRE(v.size() == 2);
  CHECK(v[0].band == "xrt_wt");
  CHECK(v[0].source == "OJ 287");
  CHECK(v[0].mjd == std::vector<double>{58000.5, 58002.5});
  CHECK(v[1].band == "xrt_pc");
  CHECK(v[1].mjd == std::vector<double>{58001.5, 58003.5, 58004.5});
  CHECK(v[1].upper_limit == std::vector<std::uint8_t>{0, 0, 1});

  SECTION("without a name comment the file name gives the source") {
    const auto p = write_text(dir, "Mrk421_xrt.qdp", "READ TERR 1 2\n" + WT);
    CHECK(io::read_swift_xrt_qdp(p)[0].source == "Mrk421_xrt");
  }
  SECTION("a final comment without a line break is fine") {
    const auto p = write_text(dir, "tail.qdp", HEAD + WT + "! end");
    CHECK(io::read_swift_xrt_qdp(p)[0].size() == 2);
  }
  SECTION("READ SERR: one symmetric error column per vector") {
    const auto p = write_text(dir, "serr.qdp",
                              "READ SERR 1 2\n! PC data\n58000.5 0.0005 1.5 0.25\n"
                              "58001.5 0.0005 1.0 0.5\n");
    const auto lc = io::read_swift_xrt_qdp(p)[0];
    CHECK(lc.flux == std::vector<double>{1.5, 1.0});
    CHECK(lc.flux_err == std::vector<double>{0.25, 0.5});
  }
  SECTION("READ TERR 2 only: no time-error columns; limits may omit the rate errors") {
    const auto p = write_text(dir, "terr2.qdp",
                              "read terr 2\n! wt data\n58000.5 1.5 0.2 -0.4\n"
                              "NO NO NO NO\n! PC Upper limits\n58001.5 0.7\n");
    const auto lc = io::read_swift_xrt_qdp(p)[0];
    CHECK(lc.flux == std::vector<double>{1.5, 0.7});
    CHECK(lc.flux_err[0] == Approx(0.3));
    CHECK(lc.upper_limit == std::vector<std::uint8_t>{0, 1});
  }
}

TEST_CASE("Swift-XRT QDP: malformed files name file, line and column", "[io][xrt]") {
  const auto dir = test::temp_dir("xrt_bad");
  const std::string good = HEAD + WT + PC + UL;
  auto check = [&](const std::string& name, const std::string& text, std::size_t line,
                   const std::string& field, const std::string& detail) {
    const auto p = write_text(dir, name, text);
    require_input_error([&] { (void)io::read_swift_xrt_qdp(p); }, p, line, field, detail);
  };
  // The brief's list: a missing READ line, a NO separator inside data, a
  // non-number, a non-finite value, an empty section, a truncated file.
  check("no_read.qdp", replace_line(good, 4, ""), 7, "READ", "no READ SERR/TERR line");
  check("no_inside.qdp",
        replace_line(good, 8, "NO\tNO\tNO\tNO\tNO\tNO\n58002.5 5e-05 -5e-05 2 0.2 -0.2"), 9,
        "section", "after a NO separator without a section label");
  check("no_value.qdp", replace_line(good, 12, "58001.5\t0.0005\t-0.0005\tNO\t0.05\t-0.03"), 12,
        "column 4 (Rate)", "NO (a missing value)");
  check("not_number.qdp", replace_line(good, 13, "58003.5\t0.0005\t-0.0005\t0.25x\t0.04\t-0.04"),
        13, "column 4 (Rate)", "not a number: \"0.25x\"");
  check("nan.qdp", replace_line(good, 7, "58000.5\t5e-05\t-5e-05\t1.0\tnan\t-0.1"), 7,
        "column 5 (Ratepos)", "not a finite number");
  check("inf.qdp", replace_line(good, 7, "inf\t5e-05\t-5e-05\t1.0\t0.3\t-0.1"), 7, "column 1 (MJD)",
        "not a finite number");
  check("empty_section.qdp", HEAD + "! WT data\nNO NO NO NO NO NO\n" + PC.substr(PC.find('!')), 5,
        "\"WT data\"", "empty section");
  check("truncated_label.qdp", HEAD + WT + "NO NO NO NO NO\n! PC data\n", 10, "\"PC data\"",
        "empty section: the file ends after the label");
  check("truncated_row.qdp", HEAD + WT + PC.substr(0, PC.size() - 7), 13, "columns",
        "expected 6 columns (MJD T_+ve T_-ve Rate Ratepos Rateneg), found 5");
  // Cut inside the last number: every column still parses, but the missing
  // final line break gives the truncation away.
  check("truncated_number.qdp", HEAD + WT + PC.substr(0, PC.size() - 2), 13, "",
        "ends inside this data row");
  check("empty.qdp", "", 0, "", "no data rows");
  check("only_head.qdp", HEAD, 0, "", "no data rows");

  // Further checks of the format.
  check("no_label.qdp", "READ TERR 1 2\n58000.5 5e-05 -5e-05 1 0.1 -0.1\n", 2, "section",
        "before any section label");
  check("late_read.qdp", good + "READ SERR 1\n", 17, "READ", "after the first data row");
  check("read_col3.qdp", replace_line(good, 4, "READ TERR 1 3"), 4, "READ", "does not exist");
  check("read_serr1.qdp", replace_line(good, 4, "READ SERR 1"), 7, "READ",
        "give the rate (column 2) no error columns");
  check("unsorted.qdp", replace_line(good, 8, "58000.5\t5e-05\t-5e-05\t2.0\t0.2\t-0.2"), 8,
        "column 1 (MJD)", "does not follow the previous row of the \"WT data\" section");
  check("dup_modes.qdp", replace_line(good, 12, "58000.5\t0.0005\t-0.0005\t0.5\t0.05\t-0.03"), 12,
        "column 1 (MJD)", "duplicated time 58000.5 in band xrt (also at line 7)");
  check("neg_err.qdp", replace_line(good, 7, "58000.5\t5e-05\t-5e-05\t1.0\t-0.3\t-0.1"), 7,
        "column 5 (Ratepos)", "negative error");
  check("neg_terr.qdp", replace_line(good, 7, "58000.5\t-5e-05\t-5e-05\t1.0\t0.3\t-0.1"), 7,
        "column 2 (T_+ve)", "negative time error");
  check("ul_err.qdp", replace_line(good, 16, "58004.5\t0.0005\t-0.0005\t0.9\t0.1\t0"), 16,
        "column 5 (Ratepos)", "carries no error");
  check("ul_neg.qdp", replace_line(good, 16, "58004.5\t0.0005\t-0.0005\t-0.9\t0\t0"), 16,
        "column 4 (Rate)", "negative upper limit");
  check("command.qdp", replace_line(good, 4, "SKIP SINGLE"), 4, "command",
        "unknown QDP command \"SKIP\"");
}

TEST_CASE("Swift-XRT QDP of OJ 287 (UKSSDC product)", "[io][xrt][data]") {
  const auto path = test::data_file("swift_xrt_blazars/OJ287_swift_xrt_curve.qdp");
  NUFLARE_REQUIRE_DATA(path);
  // MANIFEST.md §12: 4732 WT, 6915 PC and 176 PC upper-limit rows.
  const auto merged = io::read_swift_xrt_qdp(path.string());
  REQUIRE(merged.size() == 1);
  const auto& lc = merged[0];
  CHECK(lc.source == "oj287");
  CHECK(lc.band == "xrt");
  CHECK(lc.size() == 4732 + 6915 + 176);
  CHECK(std::count(lc.upper_limit.begin(), lc.upper_limit.end(), 1) == 176);
  CHECK(strictly_increasing(lc.mjd));
  CHECK(lc.mjd.front() == Approx(53510.2719692416).epsilon(1e-15));
  CHECK(lc.mjd.back() == Approx(59005.382784294).epsilon(1e-15));
  // First WT row of the file (line 14): 0.5472678 +0.8219963 -0.4006001.
  const auto first_wt = std::find(lc.mjd.begin(), lc.mjd.end(), 54782.1496995308);
  REQUIRE(first_wt != lc.mjd.end());
  const auto i = static_cast<std::size_t>(first_wt - lc.mjd.begin());
  CHECK(lc.flux[i] == 5.472678e-01);
  CHECK(lc.flux_err[i] == Approx(0.5 * (8.219963e-01 + 4.006001e-01)));
  for (std::size_t k = 0; k < lc.size(); ++k) {
    REQUIRE(std::isfinite(lc.flux[k]));
    REQUIRE(lc.flux_err[k] >= 0);
    if (lc.upper_limit[k])
      REQUIRE(lc.flux_err[k] == 0);
    else
      REQUIRE(lc.flux_err[k] > 0);
  }

  io::XrtReadOptions split;
  split.merge_modes = false;
  const auto modes = io::read_swift_xrt_qdp(path.string(), split);
  REQUIRE(modes.size() == 2);
  CHECK(modes[0].band == "xrt_wt");
  CHECK(modes[0].size() == 4732);
  CHECK(modes[1].band == "xrt_pc");
  CHECK(modes[1].size() == 6915 + 176);
}

TEST_CASE("OVRO 15 GHz CSV with and without header", "[io][ovro]") {
  const auto dir = test::temp_dir("ovro");
  const std::string rows = "54473.25,2.5,0.03\n54474.25,2.75,0.06\n54475.5,2.625,0.016\n";
  for (const std::string tool : {"", "gzip", "xz"}) {
    const auto plain = write_text(dir, "J0854+2006" + tool + "_15GHz.csv", rows);
    const auto lc = io::read_ovro_csv(tool.empty() ? plain : test::compress(plain, tool));
    CHECK(lc.source == "J0854+2006" + tool);
    CHECK(lc.band == "ovro_15ghz");
    CHECK(lc.mjd == std::vector<double>{54473.25, 54474.25, 54475.5});
    CHECK(lc.flux == std::vector<double>{2.5, 2.75, 2.625});
    CHECK(lc.flux_err == std::vector<double>{0.03, 0.06, 0.016});
    CHECK(lc.upper_limit == std::vector<std::uint8_t>{0, 0, 0});
  }
  const auto with_header = write_text(dir, "Mrk421_15GHz.csv", "#mjd,flux,flux err\n" + rows);
  const auto lc = io::read_ovro_csv(with_header);
  CHECK(lc.source == "Mrk421");
  CHECK(lc.size() == 3);
  const auto plain_header = write_text(dir, "plain_header.csv", "MJD,flux_Jy,err_Jy\n" + rows);
  CHECK(io::read_ovro_csv(plain_header, {"Mrk 421", "radio15"}).band == "radio15");
  CHECK(io::source_from_ovro_path("/x/OJ287_J0854+2006_15GHz.csv.xz") == "OJ287_J0854+2006");
}

TEST_CASE("OVRO 15 GHz CSV: malformed files name file, line and column", "[io][ovro]") {
  const auto dir = test::temp_dir("ovro_bad");
  auto check = [&](const std::string& name, const std::string& text, std::size_t line,
                   const std::string& field, const std::string& detail) {
    const auto p = write_text(dir, name, text);
    require_input_error([&] { (void)io::read_ovro_csv(p); }, p, line, field, detail);
  };
  check("nonnum.csv", "54473.25,2.5,0.03\n54474.25,2.x,0.06\n", 2, "column 2 (flux_Jy)",
        "not a number");
  check("nan.csv", "#mjd,flux,flux err\n54473.25,nan,0.03\n", 2, "column 2 (flux)",
        "not a finite number");
  check("negerr.csv", "54473.25,2.5,-0.03\n", 1, "column 3 (err_Jy)", "must not be negative");
  check("cols.csv", "54473.25,2.5,0.03\n54474.25,2.5\n", 2, "columns",
        "expected 3 columns, found 2");
  check("unsorted.csv", "54473.25,2.5,0.03\n54473.25,2.6,0.03\n", 2, "column 1 (MJD)",
        "does not follow the previous row");
  check("header_only.csv", "#mjd,flux,flux err\n", 0, "", "no data rows");
  check("cut.csv", "54473.25,2.5,0.03\n54474.25,2.5,0.0", 2, "", "ends inside its last line");
  check("empty.csv", "\n\n", 0, "", "empty file");
  check("wrong_header.csv", "#ra,dec,flux\n1,2,3\n", 1, "header", "expected the columns mjd");
  check("four.csv", "#mjd,flux,flux err,flag\n1,2,3,4\n", 1, "header", "expected three columns");
}

TEST_CASE("OVRO 15 GHz light curves of OJ 287 and Mrk 421", "[io][ovro][data]") {
  const auto oj = test::data_file("radio_ovro_blazars/OJ287_J0854+2006_15GHz.csv");
  const auto mrk = test::data_file("radio_ovro_blazars/Mrk421_15GHz.csv");
  NUFLARE_REQUIRE_DATA(oj);
  NUFLARE_REQUIRE_DATA(mrk);
  // MANIFEST.md §12: 624 rows MJD 54473.27–58875.20; 820 rows 54473.30–58873.31.
  const auto a = io::read_ovro_csv(oj.string());
  CHECK(a.source == "OJ287_J0854+2006");
  CHECK(a.size() == 624);
  CHECK(a.mjd.front() == Approx(54473.26866898148).epsilon(1e-15));
  CHECK(a.flux.front() == Approx(2.679779303493288).epsilon(1e-15));
  CHECK(a.mjd.back() == Approx(58875.196550925924).epsilon(1e-15));
  const auto b = io::read_ovro_csv(mrk.string());
  CHECK(b.source == "Mrk421");
  CHECK(b.size() == 820);
  CHECK(b.mjd.front() == Approx(54473.3010069).epsilon(1e-15));
  CHECK(b.flux_err.back() == Approx(0.0064920579680).epsilon(1e-12));
  CHECK(strictly_increasing(a.mjd));
  CHECK(strictly_increasing(b.mjd));
}
