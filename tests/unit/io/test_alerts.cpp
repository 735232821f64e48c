// IceCat-1 alert CSV reader, and the one alert type all alert readers fill.
#include "io_test_util.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/ztf_tables.hpp"

#include <algorithm>
#include <cmath>

using namespace nuflare;
using nuflare::test::require_input_error;
using nuflare::test::write_text;

namespace {

const std::string HEADER =
    "NAME,RUNID,EVENTID,START,EVENTMJD,I3TYPE,RA,DEC,RA_ERR_PLUS,RA_ERR_MINUS,"
    "DEC_ERR_PLUS,DEC_ERR_MINUS,ENERGY,FAR,SIGNAL\n";

const io::Alert& by_name(const std::vector<io::Alert>& alerts, const std::string& name) {
  auto it = std::find_if(alerts.begin(), alerts.end(),
                         [&](const io::Alert& a) { return a.name == name; });
  REQUIRE(it != alerts.end());
  return *it;
}

} // namespace

TEST_CASE("ISO times convert to MJD", "[io][alerts]") {
  CHECK(io::mjd_from_iso("1970-01-01") == 40587.0);
  CHECK(io::mjd_from_iso("2023-11-03 09:17:35.29") == Approx(60251.38721400463).margin(1e-9));
  CHECK(io::mjd_from_iso("2017-09-22T20:54:30.436262") == Approx(58018.87118560489).margin(1e-8));
  CHECK(std::isnan(io::mjd_from_iso("2017-02-30 00:00")));
  CHECK(std::isnan(io::mjd_from_iso("None")));
  CHECK(std::isnan(io::mjd_from_iso("2017-09-22 20:54:3x")));
}

TEST_CASE("the real IceCat-1 gold/bronze track file", "[io][alerts][data]") {
  const auto path = test::data_file("icecube_alerts_icecat1/IceCube_Gold_Bronze_Tracks.csv");
  NUFLARE_REQUIRE_DATA(path);
  const auto alerts = io::read_alerts(path.string());
  // 364 rows; IC231103A appears twice (a first notice without EVENTMJD and a
  // revision), so 363 events.
  REQUIRE(alerts.size() == 363);
  CHECK(std::is_sorted(alerts.begin(), alerts.end(),
                       [](const auto& a, const auto& b) { return a.mjd < b.mjd; }));
  CHECK(alerts.front().name == "IC110514A");
  CHECK(alerts.back().name == "IC240424A");
  CHECK(std::count_if(alerts.begin(), alerts.end(), [](const auto& a) {
          return a.mjd <= 59205.99;
        }) == 275); // the IceCat-1 part, 2011-05-14 .. 2020-12-22
  CHECK(std::count_if(alerts.begin(), alerts.end(),
                      [](const auto& a) { return a.stream == "gfu-gold"; }) == 98);
  CHECK(std::count_if(alerts.begin(), alerts.end(),
                      [](const auto& a) { return a.name == "IC240327A"; }) == 2);
  CHECK(std::none_of(alerts.begin(), alerts.end(), [](const auto& a) { return a.retracted; }));

  const auto& txs = by_name(alerts, "IC170922A");
  CHECK(txs.mjd == Approx(58018.87118560489).margin(1e-9));
  CHECK(txs.ra_deg == 77.43);
  CHECK(txs.dec_deg == 5.79);
  CHECK(txs.ra_plus_deg == 1.14);
  CHECK(txs.ra_minus_deg == 0.75);
  CHECK(txs.dec_plus_deg == 0.64);
  CHECK(txs.dec_minus_deg == 0.41);
  CHECK(txs.energy_tev == 264.0);
  CHECK(txs.signalness == 0.631);
  CHECK(txs.stream == "gfu-gold");

  const auto& revised = by_name(alerts, "IC231103A");
  CHECK(revised.mjd == Approx(60251.38721400463).margin(1e-9));
  CHECK(revised.ra_plus_deg == 0.92); // the later notice wins
}

TEST_CASE("the real IceCube cascade alert file has no signalness", "[io][alerts][data]") {
  const auto path = test::data_file("icecube_alerts_icecat1/IceCube_cascade.csv");
  NUFLARE_REQUIRE_DATA(path);
  const auto alerts = io::read_alerts(path.string());
  CHECK(alerts.size() == 26); // 26 rows (MANIFEST.md says 24; the file has 26)
  CHECK(std::all_of(alerts.begin(), alerts.end(), [](const auto& a) { return !a.signalness; }));
}

TEST_CASE("synthetic alerts: missing times, retractions, compression", "[io][alerts]") {
  const auto dir = test::temp_dir("alerts");
  const std::string text =
      HEADER +
      "IC200101A,1,10,2020-01-01 12:00:00,None,gfu-gold,10.0,-5.0,1.0,0.5,0.7,0.6,None,0.1,None\n"
      "IC190101A,2,20,2019-01-01 00:00:00,58484.0,gfu-bronze,359.9,89.0,2,2,1,1,120,1.0,0.3\n"
      "\n"
      "IC190201A-retracted,3,30,2019-02-01 00:00:00,58515.0,gfu-bronze,1,1,1,1,1,1,100,1,0.4\n";
  for (const std::string tool : {"", "gzip", "xz"}) {
    const auto plain = write_text(dir, "alerts_" + tool + ".csv", text);
    const auto path = tool.empty() ? plain : test::compress(plain, tool);
    const auto a = io::read_alerts(path);
    REQUIRE(a.size() == 3);
    CHECK(a[0].name == "IC190101A");
    CHECK(a[0].signalness == 0.3);
    CHECK(a[1].retracted);
    CHECK(a[2].name == "IC200101A");
    CHECK(a[2].mjd == Approx(58849.5).margin(1e-9)); // from START
    CHECK_FALSE(a[2].energy_tev);                    // "None": unknown, not a number
    CHECK_FALSE(a[2].signalness);
    CHECK_FALSE(a[2].retracted);
  }
  // A second row for the same (RUNID, EVENTID) is a revision and replaces the first.
  const auto revised = write_text(dir, "revised.csv",
                                  HEADER + "IC1,5,6,2020-01-01,None,g,10,5,2,2,2,2,1,1,0.5\n" +
                                      "IC1,5,6,2020-01-01,58849.25,g,11,6,1,1,1,1,1,1,0.6\n");
  const auto r = io::read_alerts(revised);
  REQUIRE(r.size() == 1);
  CHECK(r[0].mjd == 58849.25);
  CHECK(r[0].ra_deg == 11);
  CHECK(r[0].signalness == 0.6);

  // RA 360 (a writer rounding 359.9996) is the direction RA 0; the range edges are allowed.
  const auto edges = write_text(dir, "edges.csv",
                                HEADER + "IC1,1,1,,54000,g,360,-90,0,360,180,0,0,1,0\n" +
                                    "IC2,2,2,,70000,g,0,90,1,1,1,1,1e9,1,1\n");
  const auto e = io::read_alerts(edges);
  REQUIRE(e.size() == 2);
  CHECK(e[0].ra_deg == 0);
  CHECK(e[0].ra_minus_deg == 360);
  CHECK(e[1].energy_tev == 1e9);
  CHECK(e[1].signalness == 1);

  const auto flagged = write_text(dir, "flagged.csv",
                                  "NAME,EVENTMJD,RA,DEC,RA_ERR_PLUS,RA_ERR_MINUS,DEC_ERR_PLUS,"
                                  "DEC_ERR_MINUS,RETRACTED\nA,58000,1,1,1,1,1,1,TRUE\n");
  CHECK(io::read_alerts(flagged).at(0).retracted);
}

TEST_CASE("bad alert files are rejected with file, line and column", "[io][alerts][bad]") {
  const auto dir = test::temp_dir("alerts_bad");
  const std::string good = "IC1,1,1,2019-01-01 00:00:00,58484.0,gfu-gold,10,5,1,1,1,1,100,1,0.5\n";
  auto read = [](const std::string& p) { return [p] { (void)io::read_alerts(p); }; };
  const test::BadRow cases[] = {
      {"bad_number", "IC2,2,2,2019-01-01,58484.1,gfu,10,5,1,1,1.x,1,100,1,0.5",
       "column 11 (DEC_ERR_PLUS)", "not a number: \"1.x\""},
      {"nan", "IC2,2,2,2019-01-01,NaN,gfu,10,5,1,1,1,1,100,1,0.5", "column 5 (EVENTMJD)",
       "not a finite number"},
      {"inf", "IC2,2,2,2019-01-01,58484.1,gfu,inf,5,1,1,1,1,100,1,0.5", "column 7 (RA)",
       "not a finite number"},
      {"column_count", "IC2,2,2,2019-01-01,58484.1,gfu,10,5,1,1,1,1,100,1", "columns",
       "expected 15 columns, found 14"},
      {"negative_error", "IC2,2,2,2019-01-01,58484.1,gfu,10,5,1,-0.5,1,1,100,1,0.5",
       "column 10 (RA_ERR_MINUS)", "-0.5 is outside the allowed range [0, 360] deg"},
      {"dec_range", "IC2,2,2,2019-01-01,58484.1,gfu,10,-91,1,1,1,1,100,1,0.5", "column 8 (DEC)",
       "-91 is outside the allowed range [-90, 90] deg"},
      {"ra_range", "IC2,2,2,2019-01-01,58484.1,gfu,-1,5,1,1,1,1,100,1,0.5", "column 7 (RA)",
       "-1 is outside the allowed range [0, 360] deg"},
      {"no_time", "IC2,2,2,not a time,None,gfu,10,5,1,1,1,1,100,1,0.5", "column 5 (EVENTMJD)",
       "missing time"},
      {"signalness_range", "IC2,2,2,2019-01-01,58484.1,gfu,10,5,1,1,1,1,100,1,1.5",
       "column 15 (SIGNAL)", "1.5 is outside the allowed range [0, 1]"},
      // The reproducer and its relatives.
      {"mjd_huge", "IC2,2,2,2019-01-01,1e308,gfu,10,5,1,1,1,1,100,1,0.5", "column 5 (EVENTMJD)",
       "1e308 is outside the allowed range [54000, 70000] MJD"},
      {"mjd_as_jd", "IC2,2,2,2019-01-01,2458484.5,gfu,10,5,1,1,1,1,100,1,0.5",
       "column 5 (EVENTMJD)", "2458484.5 is outside the allowed range [54000, 70000] MJD"},
      {"start_outside_window", "IC2,2,2,1999-01-01 00:00:00,None,gfu,10,5,1,1,1,1,100,1,0.5",
       "column 4 (START)", "outside the allowed range [54000, 70000] MJD (the time of START"},
      {"ra_error_range", "IC2,2,2,2019-01-01,58484.1,gfu,10,5,361,1,1,1,100,1,0.5",
       "column 9 (RA_ERR_PLUS)", "361 is outside the allowed range [0, 360] deg"},
      {"dec_error_range", "IC2,2,2,2019-01-01,58484.1,gfu,10,5,1,1,1,180.5,100,1,0.5",
       "column 12 (DEC_ERR_MINUS)", "180.5 is outside the allowed range [0, 180] deg"},
      {"energy_huge", "IC2,2,2,2019-01-01,58484.1,gfu,10,5,1,1,1,1,1e308,1,0.5",
       "column 13 (ENERGY)", "1e308 is outside the allowed range [0, 1e+09] TeV"},
      {"energy_negative", "IC2,2,2,2019-01-01,58484.1,gfu,10,5,1,1,1,1,-5,1,0.5",
       "column 13 (ENERGY)", "-5 is outside the allowed range [0, 1e+09] TeV"},
      {"signalness_negative", "IC2,2,2,2019-01-01,58484.1,gfu,10,5,1,1,1,1,100,1,-0.1",
       "column 15 (SIGNAL)", "-0.1 is outside the allowed range [0, 1]"},
  };
  test::require_bad_rows(dir, HEADER + good, 3, cases, read);
  SECTION("bad value in a gzip file") {
    const auto p =
        write_text(dir, "gz.csv", HEADER + good + good + "IC3,3,3,x,58000,g,1,1,1,1,1,1,1,1,x\n");
    const auto gz = test::compress(p, "gzip");
    require_input_error(read(gz), gz, 4, "column 15 (SIGNAL)", "not a number");
  }
  SECTION("missing column") {
    const auto p = write_text(dir, "missing.csv",
                              "NAME,EVENTMJD,RA,DEC,RA_ERR_PLUS,RA_ERR_MINUS,"
                              "DEC_ERR_PLUS\nA,1,1,1,1,1,1\n");
    require_input_error(read(p), p, 1, "DEC_ERR_MINUS", "missing column");
  }
  SECTION("empty and missing file") {
    test::require_empty_and_absent(dir, HEADER, read);
  }
}

TEST_CASE("one alert type: each table fills what it carries, the rest stays empty",
          "[io][alerts]") {
  const auto dir = test::temp_dir("alert_fields");
  // Nothing is known until a reader says so.
  const io::Alert blank;
  CHECK(std::isnan(blank.mjd));
  CHECK_FALSE(blank.signalness);
  CHECK_FALSE(blank.energy_tev);
  CHECK_FALSE(blank.area_rect_deg2);
  CHECK_FALSE(blank.area_obs_deg2);
  CHECK_FALSE(blank.latency_hours);
  CHECK(blank.stream.empty());
  CHECK(blank.alert_class.empty());
  CHECK(blank.line == 0);

  // IceCat-1: time, energy, signalness and stream; no ZTF areas or latency.
  const auto icecat =
      io::read_alerts(write_text(dir, "icecat.csv",
                                 HEADER + "IC1,1,1,,58484.5,gfu-gold,10,5,1,1,1,1,120,1,0.3\n" +
                                     "IC2,2,2,,58485.5,gfu-bronze,20,5,1,1,1,1,,1,\n"));
  REQUIRE(icecat.size() == 2);
  CHECK(icecat[0].mjd == 58484.5);
  CHECK(icecat[0].energy_tev == 120.0);
  CHECK(icecat[0].signalness == 0.3);
  CHECK(icecat[0].stream == "gfu-gold");
  CHECK(icecat[0].line == 2);
  CHECK_FALSE(icecat[1].energy_tev);
  CHECK_FALSE(icecat[1].signalness);
  CHECK(icecat[1].line == 3);
  for (const auto& a : icecat) {
    CHECK_FALSE(a.area_rect_deg2);
    CHECK_FALSE(a.area_obs_deg2);
    CHECK_FALSE(a.latency_hours);
    CHECK(a.alert_class.empty());
  }

  // The paper's OVERVIEW sheet: class, areas and signalness; no time, energy or latency.
  const auto sheet = io::read_overview_fu(write_text(
      dir, "sheet.csv",
      "OVERVIEW,,,,,,,,,\nEvent,Class,RA,RA Unc (rectangle),Dec,Dec Unc (rectangle),"
      "Area (rectangle),Observed area (from Healpix),Observed area (corrected for chip gaps),"
      "Signalness\nIC1,GOLD,120.28,\"[0.57, -0.77]\",6.35,\"[0.76, -0.7]\",1.94,1.6,1.37,0.36\n"
      "IC2,BRONZE,12,\"[1, -1]\",6,\"[1, -1]\",2,1.6,1.5,\n"));
  REQUIRE(sheet.size() == 2);
  CHECK(sheet[0].alert_class == "GOLD");
  CHECK(sheet[0].area_rect_deg2 == 1.94);
  CHECK(sheet[0].area_obs_deg2 == 1.37);
  CHECK(sheet[0].signalness == 0.36);
  CHECK(sheet[0].ra_minus_deg == 0.77);
  CHECK(sheet[0].line == 3);
  CHECK_FALSE(sheet[1].signalness); // empty: unknown (P_astro then defaults, ZTF paper §6)
  for (const auto& a : sheet) {
    CHECK(std::isnan(a.mjd));
    CHECK_FALSE(a.energy_tev);
    CHECK_FALSE(a.latency_hours);
    CHECK(a.stream.empty());
  }

  // The campaign CSV: areas, retraction and latency where given.
  const auto campaign = io::read_campaign_csv(
      write_text(dir, "campaign.csv",
                 "name,ra,dec,ra_plus,ra_minus,dec_plus,dec_minus,area_rect,area_obs,signalness,"
                 "retracted,latency_hours\nIC1,12,6,1,-1,1,-1,2,1,0.5,yes,10.5\n"
                 "IC2,12,6,1,1,1,1,2,1,nan,0,\n"));
  REQUIRE(campaign.size() == 2);
  CHECK(campaign[0].retracted);
  CHECK(campaign[0].latency_hours == 10.5);
  CHECK(campaign[0].area_rect_deg2 == 2.0);
  CHECK(campaign[0].area_obs_deg2 == 1.0);
  CHECK_FALSE(campaign[1].latency_hours);
  CHECK_FALSE(campaign[1].signalness);
  CHECK(campaign[1].alert_class.empty());
  CHECK(std::isnan(campaign[1].mjd));
}
