// Alert tables, eq. 1, selection (§2), rejection counts (Table A1), latency (Fig. 1)
// and bad input (docs/input-formats.md: errors name file, line and column).
#include "nuflare/followup/alerts.hpp"

#include "nuflare/core/error.hpp"

#include "nuflare_catch.hpp"

#include <fstream>

using namespace nuflare::followup;
using nuflare::core::InputError;

namespace {

const char* HEADER =
    "name,ra,dec,ra_plus,ra_minus,dec_plus,dec_minus,area_rect,area_obs,signalness";

std::string write(const std::filesystem::path& dir, const std::string& name,
                  const std::string& text) {
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

// Reads `text` as a campaign CSV and returns the InputError it raises.
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

std::string fu_path() {
  return nuflare::test::data_file("nuztfpaper/followup_xlsx_as_csv/OVERVIEW_FU.csv").string();
}

} // namespace

TEST_CASE("campaign CSV: values, P_obs (eq. 1) and missing signalness", "[followup][alerts]") {
  const auto dir = nuflare::test::temp_dir("fu_alerts_ok");
  const auto path =
      write(dir, "c.csv",
            std::string(HEADER) + ",retracted,latency_hours\n"
                                  "IC1,120.28,6.35,0.57,-0.77,0.76,-0.7,1.944,1.374,0.36,0,10.2\n"
                                  "IC2,148.18,35.46,2.2,1.83,1.1,1.22,7.62,6.28,,no,\n"
                                  "IC3,10,-80,1,1,1,1,30,10,0.2,yes,3\n");
  const auto a = read_campaign_csv(path);
  REQUIRE(a.size() == 3);
  CHECK(a[0].ra_minus_deg == Approx(0.77));
  CHECK(p_obs(a[0]) == Approx(0.9 * 1.374 / 1.944));
  CHECK_FALSE(a[1].signalness);
  CHECK(p_astro(a[1]) == 0.5);
  CHECK(p_astro(a[1], 0.3) == 0.3);
  CHECK(a[2].retracted);
  CHECK(rectangle_area_deg2(a[0]) == Approx(1.34 * 1.46 * std::cos(6.35 * M_PI / 180)));
  const auto rows = probability_table(a);
  REQUIRE(rows.size() == 2); // the retracted alert is out
  CHECK(rows[1].product == Approx(0.5 * 0.9 * 6.28 / 7.62));
  CHECK(select_alert(a[0]) == Rejection::none); // area < 10
  CHECK(select_alert(a[2]) == Rejection::retracted);
  auto weak = a[0];
  weak.area_rect_deg2 = 12.0;
  CHECK(select_alert(weak) == Rejection::poor_signalness_and_localization);
  weak.signalness = 0.51;
  CHECK(select_alert(weak) == Rejection::none);
  const auto lat = latency_stats(std::span<const FollowupAlert>(a));
  REQUIRE(lat);
  CHECK(lat->n == 2);
  CHECK(lat->median_hours == Approx(6.6));
}

TEST_CASE("Galactic coordinates (ORACLES.md Sky: TXS 0506+056)", "[followup][alerts]") {
  const auto g = to_galactic(77.3593, 5.7014);
  CHECK(g.l_deg == Approx(195.39854).margin(1e-4));
  CHECK(g.b_deg == Approx(-19.63078).margin(1e-4));
  FollowupAlert low;
  low.ra_deg = 295.18; // IC200512A: |b| = 3.4 in the paper's table
  low.dec_deg = 15.79;
  low.area_rect_deg2 = 9.77;
  low.signalness = 0.32;
  SelectionConfig cut;
  cut.galactic_cut = true;
  CHECK(select_alert(low) == Rejection::none);
  CHECK(select_alert(low, cut) == Rejection::galactic_plane);
}

TEST_CASE("latency statistics reproduce §2 from Table 1", "[followup][alerts]") {
  // Table 1 latencies [h]; §2: median 12.2 h, 20 per cent above 24 h.
  const std::vector<double> lat{10.2, 20.9, 7.5,  8.0,  7.4, 2.0,  32.4, 22.0,
                                1.7,  0.2,  25.8, 14.7, 4.1, 14.1, 4.8,  43.7,
                                7.1,  16.9, 35.2, 0.2,  5.1, 15.4, 26.7, 16.1};
  const auto s = latency_stats(std::span<const double>(lat));
  CHECK(s.median_hours == Approx(12.15));
  CHECK(s.fraction_above_24h == Approx(5.0 / 24.0));
}

TEST_CASE("regression: OVERVIEW_FU.csv gives Table 4", "[followup][alerts][regression][data]") {
  NUFLARE_REQUIRE_DATA(fu_path());
  const auto alerts = read_overview_fu(fu_path());
  REQUIRE(alerts.size() == 24);
  CHECK(alerts.front().name == "IC190503A");
  CHECK(alerts.back().name == "IC210922A");
  double rect = 0, obs = 0;
  for (const auto& a : alerts) {
    rect += a.area_rect_deg2;
    obs += a.area_obs_deg2;
    CHECK(select_alert(a) == Rejection::none); // all 24 met the §2 criteria
    // the table's rectangle area is the notebook's (Δα)(Δδ) cos δ
    CHECK(rectangle_area_deg2(a) == Approx(a.area_rect_deg2).epsilon(0.02));
  }
  CHECK(rect == Approx(178.2191474).epsilon(1e-9)); // the sheet's ALL row
  CHECK(obs == Approx(154.3278118).epsilon(1e-9));
  const auto rows = probability_table(alerts, 0.5);
  REQUIRE(rows.size() == 24);
  // Table 4 rows, two decimals as printed.
  auto find = [&](const std::string& n) {
    for (const auto& r : rows)
      if (r.name == n)
        return r;
    FAIL(n);
    return rows[0];
  };
  CHECK(find("IC190730A").p_obs == Approx(0.75).margin(0.005));
  CHECK(find("IC190730A").product == Approx(0.50).margin(0.005));
  CHECK(find("IC200107A").p_astro == 0.5);
  CHECK(find("IC200107A").p_obs == Approx(0.74).margin(0.005));
  CHECK(find("IC201007A").product == Approx(0.77).margin(0.005));
  CHECK(find("IC210922A").p_obs == Approx(0.67).margin(0.005));
  // Galactic latitude agrees with the sheet's "Separation from gal. plane" column
  // (IC190503A 18.38, IC201130A -67.62).
  CHECK(to_galactic(alerts[0].ra_deg, alerts[0].dec_deg).b_deg == Approx(18.38).margin(0.05));
  CHECK(to_galactic(30.54, -12.10).b_deg == Approx(-67.62).margin(0.05));
}

TEST_CASE("regression: OVERVIEW_NOT_FU.csv rejection counts",
          "[followup][alerts][regression][data]") {
  const auto path =
      nuflare::test::data_file("nuztfpaper/followup_xlsx_as_csv/OVERVIEW_NOT_FU.csv").string();
  NUFLARE_REQUIRE_DATA(path);
  const auto alerts = read_overview_not_fu(path);
  CHECK(alerts.size() == 68); // the sheet's "Total not followed up: 68"
  const auto counts = rejection_counts(alerts);
  auto count_of = [&](int code) {
    for (const auto& c : counts)
      if (c.code == code)
        return c.count;
    return std::size_t{0};
  };
  // The sheet's own summary block: Pre-ZTF 11, retraction 12, Sun 18, maintenance 3,
  // poor signalness/localization 15, southern sky 3, low altitude 2, Galactic plane 4.
  CHECK(count_of(0) == 11);
  CHECK(count_of(1) == 12);
  CHECK(count_of(2) == 18);
  CHECK(count_of(3) == 3);
  CHECK(count_of(4) == 15);
  CHECK(count_of(5) == 3);
  CHECK(count_of(6) == 2);
  CHECK(count_of(8) == 4);
  // V2 alerts (from 2019 June 17): the sheet's right-hand block gives 43 not followed up.
  std::size_t v2 = 0;
  for (const auto& c : rejection_counts(alerts, 190617))
    v2 += c.count;
  CHECK(v2 == 43);
  CHECK(alert_date_yymmdd("IC190730A") == 190730);
  CHECK_FALSE(alert_date_yymmdd("S190425z"));
}

TEST_CASE("bad input names file, line and column", "[followup][alerts][bad-input]") {
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

TEST_CASE("follow-up tables with a byte-order mark and RA 360", "[followup][alerts]") {
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
