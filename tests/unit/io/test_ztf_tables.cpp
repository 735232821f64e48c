// Readers of the ZTF follow-up alert tables (io/ztf_tables.hpp): the paper's
// OVERVIEW sheets and the campaign CSV, their bad input (docs/input-formats.md:
// errors name file, line and column), and the choice between them.
#include "io_test_util.hpp"
#include "nuflare/io/ztf_tables.hpp"

#include "nuflare/core/error.hpp"

#include <fstream>

using namespace nuflare::io;
using nuflare::core::InputError;

namespace {

const char* HEADER =
    "name,ra,dec,ra_plus,ra_minus,dec_plus,dec_minus,area_rect,area_obs,signalness";

std::string write(const std::filesystem::path& dir, const std::string& name,
                  const std::string& text) {
  return nuflare::test::write_text(dir, name, text);
}

// Runs `reader` on `path` and returns the InputError it raises.
template <typename Reader>
InputError error_of(Reader reader, const std::string& path) {
  try {
    (void)reader(path);
  } catch (const InputError& e) {
    return e;
  }
  FAIL("no InputError for " << path);
  throw;
}

} // namespace

TEST_CASE("bad input names file, line and column", "[io][ztf][bad-input]") {
  const auto dir = nuflare::test::temp_dir("fu_alerts_bad");
  const std::string good = "IC1,120.28,6.35,0.57,-0.77,0.76,-0.7,1.944,1.374,0.36\n";
  struct Case {
    std::string name, text;
    std::size_t line;
    std::string field;
  };
  const std::vector<Case> cases{
      {"bad_number.csv", std::string(HEADER) + "\n" + good + "IC2,12x,6,1,1,1,1,2,1,0.5\n", 3,
       "column 2 (ra)"},
      {"nan.csv", std::string(HEADER) + "\n" + good + "IC2,12,6,1,1,1,1,2,nan,0.5\n", 3,
       "column 9 (area_obs)"},
      {"negative_area.csv", std::string(HEADER) + "\n" + "IC2,12,6,1,1,1,1,-2,1,0.5\n", 2,
       "column 8 (area_rect)"},
      {"dec.csv",
       std::string(HEADER) + "\n" + good + "IC0,12,6,1,1,1,1,2,1,0.5\n" +
           "IC2,12,95,1,1,1,1,2,1,0.5\n",
       4, "column 3 (dec)"},
      // One row per alert: a repeat would count the alert twice in eq. 1's product.
      {"duplicate.csv", std::string(HEADER) + "\n" + good + "IC0,12,6,1,1,1,1,2,1,0.5\n" + good, 4,
       "column 1 (name)"},
      // P_obs = 0.9 A_obs / A_rect must be a probability.
      {"p_obs.csv", std::string(HEADER) + "\n" + "IC2,12,6,1,1,1,1,2,2.3,0.5\n", 2,
       "column 9 (area_obs)"},
      {"area_huge.csv", std::string(HEADER) + "\n" + "IC2,12,6,1,1,1,1,1e308,1,0.5\n", 2,
       "column 8 (area_rect)"},
      {"half_width.csv", std::string(HEADER) + "\n" + "IC2,12,6,1,-400,1,1,2,1,0.5\n", 2,
       "column 5 (ra_minus)"},
      {"dec_half_width.csv", std::string(HEADER) + "\n" + "IC2,12,6,1,1,181,1,2,1,0.5\n", 2,
       "column 6 (dec_plus)"},
      {"ra.csv", std::string(HEADER) + "\n" + "IC2,360.5,6,1,1,1,1,2,1,0.5\n", 2, "column 2 (ra)"},
      {"columns.csv", std::string(HEADER) + "\n" + "IC2,12,6,1,1,1,1,2,1\n", 2, "*"},
      {"signalness.csv", std::string(HEADER) + "\n" + "IC2,12,6,1,1,1,1,2,1,1.5\n", 2,
       "column 10 (signalness)"},
      {"missing_column.csv",
       "name,ra,dec,ra_plus,ra_minus,dec_plus,dec_minus,area_rect,area_obs\n" + good, 1,
       "signalness"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const auto path = write(dir, c.name, c.text);
    const auto e = error_of(read_campaign_csv, path);
    CHECK(e.file() == path);
    CHECK(e.line() == c.line);
    if (c.field != "*") // a wrong column count is a fault of the whole line
      CHECK(e.field() == c.field);
    CHECK_THAT(std::string(e.what()), Catch::Contains(c.name));
  }
  // The messages give the allowed range or both lines.
  CHECK_THAT(std::string(error_of(read_campaign_csv, (dir / "duplicate.csv").string()).what()),
             Catch::Contains("duplicated alert \"IC1\" (also at line 2)"));
  CHECK_THAT(std::string(error_of(read_campaign_csv, (dir / "p_obs.csv").string()).what()),
             Catch::Contains("would exceed 1"));
  CHECK_THAT(std::string(error_of(read_campaign_csv, (dir / "area_huge.csv").string()).what()),
             Catch::Contains("1e308 is outside the allowed range (0, 41253] deg^2"));
  CHECK_THAT(std::string(error_of(read_campaign_csv, (dir / "half_width.csv").string()).what()),
             Catch::Contains("-400 is outside the allowed range [0, 360] deg (as a magnitude)"));
  const auto latency =
      write(dir, "latency.csv",
            std::string(HEADER) + ",latency_hours\n" + "IC2,12,6,1,1,1,1,2,1,0.5,1e308\n");
  auto le = error_of(read_campaign_csv, latency);
  CHECK(le.line() == 2);
  CHECK(le.field() == "column 11 (latency_hours)");
  CHECK_THAT(std::string(le.what()), Catch::Contains("outside the allowed range [0, 1e+05] h"));

  const auto empty = write(dir, "empty.csv", "");
  CHECK(error_of(read_campaign_csv, empty).line() == 0);
  CHECK_THAT(std::string(error_of(read_campaign_csv, empty).what()), Catch::Contains("empty"));
  const auto missing = (dir / "absent.csv").string();
  CHECK_THAT(std::string(error_of(read_campaign_csv, missing).what()),
             Catch::Contains("absent.csv"));

  // The OVERVIEW sheet reader: title rows, header on line 3, bad values on data rows.
  const std::string fu_head =
      "OVERVIEW,,,,,,,,,\n,,,,,,,,,\nEvent,Class,RA,RA Unc (rectangle),Dec,Dec Unc (rectangle),"
      "Area (rectangle),Observed area (from Healpix),Observed area (corrected for chip gaps),"
      "Signalness\n";
  const std::string fu_row =
      "IC1,GOLD,120.28,\"[0.57, -0.77]\",6.35,\"[0.76, -0.7]\",1.94,1.6,1.37,0.36\n";
  const auto fu_ok =
      write(dir, "fu_ok.csv", fu_head + fu_row + ",,,,,,,,,\nALL,,,,,,1.94,1.6,1.37,\n");
  CHECK(read_overview_fu(fu_ok).size() == 1);
  const auto fu_dec =
      write(dir, "fu_dec.csv",
            fu_head + fu_row +
                "IC2,GOLD,120.28,\"[0.57, -0.77]\",-91,\"[0.76, -0.7]\",1.94,1.6,1.37,0.36\n");
  auto e = error_of(read_overview_fu, fu_dec);
  CHECK(e.line() == 5);
  CHECK(e.field() == "column 5 (Dec)");
  const auto fu_unc =
      write(dir, "fu_unc.csv",
            fu_head + "IC2,GOLD,120.28,\"[0.57 -0.77]\",6,\"[0.76, -0.7]\",1.94,1.6,1.37,0.36\n");
  e = error_of(read_overview_fu, fu_unc);
  CHECK(e.line() == 4);
  CHECK(e.field() == "column 4 (RA Unc (rectangle))");
  const auto fu_nohead = write(dir, "fu_nohead.csv", "OVERVIEW,,\n1,2,3\n");
  CHECK(error_of(read_overview_fu, fu_nohead).field() == "Event");
  const auto fu_missing = write(dir, "fu_missing.csv",
                                "Event,Class,RA,RA Unc (rectangle),Dec,Dec Unc (rectangle),"
                                "Area (rectangle),Signalness\n");
  e = error_of(read_overview_fu, fu_missing);
  CHECK(e.line() == 1);
  CHECK(e.field() == "Observed area (corrected for chip gaps)");
  CHECK_THAT(std::string(error_of(read_overview_fu, empty).what()), Catch::Contains("empty"));

  // The reproducer: a duplicated overview row was counted twice.
  const auto fu_dup = write(dir, "fu_dup.csv", fu_head + fu_row + fu_row);
  e = error_of(read_overview_fu, fu_dup);
  CHECK(e.line() == 5);
  CHECK(e.field() == "column 1 (Event)");
  CHECK_THAT(std::string(e.what()), Catch::Contains("duplicated alert \"IC1\" (also at line 4)"));
  const auto fu_width =
      write(dir, "fu_width.csv",
            fu_head + "IC2,GOLD,120.28,\"[0.57, -0.77]\",6,\"[0.76, -190]\",1.94,1.6,1.37,0.36\n");
  e = error_of(read_overview_fu, fu_width);
  CHECK(e.field() == "column 6 (Dec Unc (rectangle))");
  CHECK_THAT(std::string(e.what()),
             Catch::Contains("half-width 190 is outside the allowed range [0, 180] deg"));
  const auto fu_obs =
      write(dir, "fu_obs.csv",
            fu_head + "IC2,GOLD,120.28,\"[0.57, -0.77]\",6,\"[0.76, -0.7]\",1.94,1.6,1e308,0.36\n");
  e = error_of(read_overview_fu, fu_obs);
  CHECK(e.field() == "column 9 (Observed area (corrected for chip gaps))");

  // The not-followed-up sheet refuses repeated alerts too.
  const std::string nfu_head =
      "OVERVIEW NOT FOLLOWED UP,,,,,,,,,\nEvent,Class,RA,RA Unc (rectangle),Dec,Dec Unc "
      "(rectangle),Signalness,Energy estimate [TeV],Rejection reason,Code\n";
  const std::string nfu_row =
      "IC160427A,HESE,240.57,\"[0.6, -0.6]\",9.34,\"[0.6, -0.6]\",,,Pre-ZTF,0\n";
  CHECK(read_overview_not_fu(write(dir, "nfu_ok.csv", nfu_head + nfu_row)).size() == 1);
  e = error_of(read_overview_not_fu, write(dir, "nfu_dup.csv", nfu_head + nfu_row + nfu_row));
  CHECK(e.line() == 4);
  CHECK_THAT(std::string(e.what()), Catch::Contains("(also at line 3)"));
  e = error_of(read_overview_not_fu,
               write(dir, "nfu_code.csv",
                     nfu_head + "IC1,HESE,240.57,\"[0.6, -0.6]\",9.34,\"[0.6, -0.6]\",,,x,1e9\n"));
  CHECK(e.field() == "column 10 (Code)");
}

TEST_CASE("follow-up tables with a byte-order mark and RA 360", "[io][ztf]") {
  const auto dir = nuflare::test::temp_dir("fu_alerts_bom");
  const std::string bom = "\xEF\xBB\xBF";
  // A spreadsheet export with a UTF-8 mark: the first header name is still "name".
  const auto c = read_campaign_csv(
      write(dir, "c.csv", bom + HEADER + "\nIC1,360,6.35,0.57,-0.77,0.76,-0.7,1.944,1.374,0.36\n"));
  REQUIRE(c.size() == 1);
  CHECK(c[0].ra_deg == 0); // 360 is the direction RA 0
  const auto fu = read_overview_fu(
      write(dir, "fu.csv",
            bom + "Event,Class,RA,RA Unc (rectangle),Dec,Dec Unc (rectangle),Area (rectangle),"
                  "Observed area (from Healpix),Observed area (corrected for chip gaps),"
                  "Signalness\nIC1,GOLD,120.28,\"[0.57, -0.77]\",6.35,\"[0.76, -0.7]\",1.94,1.6,"
                  "1.37,0.36\n"));
  REQUIRE(fu.size() == 1);
  CHECK(fu[0].area_obs_deg2 == 1.37);
}

TEST_CASE("the table format: campaign by its `name` column, else the overview sheet", "[io][ztf]") {
  const auto dir = nuflare::test::temp_dir("ztf_table_format");
  const std::string row = "IC1,120.28,6.35,0.57,-0.77,0.76,-0.7,1.944,1.374,0.36\n";
  const auto campaign = write(dir, "c.csv", std::string(HEADER) + "\n" + row);
  CHECK(followup_table_format(campaign) == "campaign");
  CHECK(followup_table_format(write(dir, "blank.csv", "\n  \n\"Name\",ra\n")) == "campaign");
  CHECK(followup_table_format(write(dir, "sheet.csv", "OVERVIEW,,\nEvent,Class\n")) == "overview");
  // As the readers read it: a byte-order mark and compression do not hide the header.
  CHECK(followup_table_format(write(
            dir, "bom.csv", "\xEF\xBB\xBF" + std::string(HEADER) + "\n" + row)) == "campaign");
  CHECK(followup_table_format(nuflare::test::compress(campaign, "gzip")) == "campaign");
  // Empty or absent: "overview", whose reader then names the problem.
  const auto empty = write(dir, "empty.csv", "");
  CHECK(followup_table_format(empty) == "overview");
  CHECK(followup_table_format((dir / "absent.csv").string()) == "overview");
  CHECK_THAT(
      std::string(error_of([](const std::string& p) { return read_followup_table(p, "overview"); },
                           (dir / "absent.csv").string())
                      .what()),
      Catch::Contains("absent.csv"));

  CHECK(read_followup_table(campaign, "campaign").size() == 1);
  CHECK_THROWS_AS(read_followup_table(campaign, "auto"), nuflare::core::ConfigError);
}
