// Follow-up programme statistics: eq. 1, selection (§2), rejection counts
// (Table A1), latency (Fig. 1), on alerts read by io/ztf_tables.hpp (whose own
// tests, bad input included, are tests/unit/io/test_ztf_tables.cpp).
#include "nuflare/followup/alert_statistics.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/ztf_tables.hpp"

#include "nuflare_catch.hpp"

#include <fstream>

using namespace nuflare::followup;
using nuflare::io::Alert;
using nuflare::io::read_campaign_csv;
using nuflare::io::read_overview_fu;
using nuflare::io::read_overview_not_fu;

namespace {

const char* HEADER =
    "name,ra,dec,ra_plus,ra_minus,dec_plus,dec_minus,area_rect,area_obs,signalness";

std::string write(const std::filesystem::path& dir, const std::string& name,
                  const std::string& text) {
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
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
  const auto lat = latency_stats(std::span<const Alert>(a));
  REQUIRE(lat);
  CHECK(lat->n == 2);
  CHECK(lat->median_hours == Approx(6.6));
}

TEST_CASE("Galactic coordinates (ORACLES.md Sky: TXS 0506+056)", "[followup][alerts]") {
  const auto g = to_galactic(77.3593, 5.7014);
  CHECK(g.l_deg == Approx(195.39854).margin(1e-4));
  CHECK(g.b_deg == Approx(-19.63078).margin(1e-4));
  Alert low;
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
    rect += *a.area_rect_deg2;
    obs += *a.area_obs_deg2;
    CHECK(select_alert(a) == Rejection::none); // all 24 met the §2 criteria
    // the table's rectangle area is the notebook's (Δα)(Δδ) cos δ
    CHECK(rectangle_area_deg2(a) == Approx(*a.area_rect_deg2).epsilon(0.02));
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

TEST_CASE("alerts without the follow-up areas (IceCat-1 rows)", "[followup][alerts]") {
  // An alert read from IceCat-1 carries a rectangle but no A_IC / A_ZTF.
  Alert a;
  a.name = "IC1";
  a.ra_deg = 120.0;
  a.dec_deg = 60.0;
  a.ra_plus_deg = a.ra_minus_deg = 2.0; // 4 × 2 × cos 60° = 4 deg²
  a.dec_plus_deg = a.dec_minus_deg = 1.0;
  a.signalness = 0.3;
  // Eq. 1 needs both areas: no silent zero.
  CHECK_THROWS_AS(p_obs(a), nuflare::core::ConfigError);
  CHECK_THROWS_AS(probability_table(std::vector<Alert>{a}), nuflare::core::ConfigError);
  // §2's area criterion falls back on the rectangle (the sheets' areas match it to 2%).
  CHECK(select_alert(a) == Rejection::none);
  a.dec_plus_deg = a.dec_minus_deg = 3.0; // 12 deg²
  CHECK(select_alert(a) == Rejection::poor_signalness_and_localization);
  a.area_rect_deg2 = 9.0; // a given area wins
  CHECK(select_alert(a) == Rejection::none);
  a.area_obs_deg2 = 4.5;
  CHECK(p_obs(a) == Approx(0.45));
}
