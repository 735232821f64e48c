// The readings that reproduce the blazar paper's printed numbers (docs/methods.md,
// "Reproducing the papers"): the alert selection of Table 2 (§3.1, §3.2) and
// the exposure of the flux upper limit (§7.4, eq. 2). The synthetic cases pin
// each selection key; the [data] cases pin the paper's numbers on the real
// data in ../shared/data.
#include "nuflare/campaign/flux_limits.hpp"
#include "nuflare/campaign/inputs.hpp"
#include "nuflare/campaign/spatial_campaign.hpp"
#include "nuflare/coincidence/spatial.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/catalog.hpp"

#include "nuflare_catch.hpp"

#include <cmath>
#include <map>
#include <string>
#include <vector>

using namespace nuflare;

namespace {

io::Alert alert(double mjd, double dec, double half_width, std::string stream,
                std::optional<double> signalness) {
  io::Alert a;
  a.name = "A" + std::to_string(mjd);
  a.mjd = mjd;
  a.dec_deg = dec;
  a.ra_plus_deg = a.ra_minus_deg = a.dec_plus_deg = a.dec_minus_deg = half_width;
  a.stream = std::move(stream);
  a.signalness = signalness;
  return a;
}

std::vector<std::string> names(const std::vector<io::Alert>& alerts) {
  std::vector<std::string> out;
  for (const auto& a : alerts)
    out.push_back(a.name);
  return out;
}

const std::string ICECUBE = "icecube_10year_ps/";

} // namespace

TEST_CASE("alert area: the IceCat-1 rectangle shrinks with cos(dec); the ellipse is pi/4 of it",
          "[paper][alerts]") {
  const auto a = alert(59000, 60, 2, "gfu-gold", 0.5); // 4 deg x 4 deg in RA, Dec
  CHECK(io::alert_area_deg2(a, io::AlertAreaShape::rectangle) == Approx(16 * 0.5));
  CHECK(io::alert_area_deg2(a, io::AlertAreaShape::ellipse) == Approx(16 * 0.5 * M_PI / 4));
}

TEST_CASE("alert selection: each key cuts on its own, retracted alerts never pass",
          "[paper][alerts]") {
  std::vector<io::Alert> all = {
      alert(58000, 0, 1, "gfu-gold", 0.9),    // 4 deg2
      alert(58500, 0, 3, "gfu-bronze", 0.3),  // 36 deg2
      alert(59000, 0, 4, "hese-gold", {}),    // 64 deg2, no signalness
      alert(59366, 0, 1, "gfu-bronze", 0.6)}; // on the window's end: out with mjd_max 59366
  auto retracted = alert(58100, 0, 1, "gfu-gold", 0.9);
  retracted.retracted = true;
  all.push_back(retracted);

  io::AlertSelection s;
  CHECK(io::select_alerts(all, s).size() == 4);

  s.mjd_max = 59366;
  CHECK(names(io::select_alerts(all, s)) ==
        std::vector<std::string>{all[0].name, all[1].name, all[2].name});
  s.mjd_min = 58500;
  CHECK(io::select_alerts(all, s).size() == 2);

  s = {};
  s.max_area_deg2 = 50;
  CHECK(io::select_alerts(all, s).size() == 3);
  s.area_shape = io::AlertAreaShape::ellipse; // 64 pi/4 = 50.3: still out; 36 pi/4 in
  CHECK(io::select_alerts(all, s).size() == 3);
  s.max_area_deg2 = 51;
  CHECK(io::select_alerts(all, s).size() == 4);

  s = {};
  s.stream = io::AlertStream::gold;
  CHECK(names(io::select_alerts(all, s)) == std::vector<std::string>{all[0].name, all[2].name});
  s.stream = io::AlertStream::bronze;
  CHECK(names(io::select_alerts(all, s)) == std::vector<std::string>{all[1].name, all[3].name});

  s = {};
  s.min_signalness = 0.5; // an alert without signalness is dropped, not kept
  CHECK(names(io::select_alerts(all, s)) == std::vector<std::string>{all[0].name, all[3].name});

  s = {};
  s.mjd_min = 59366;
  s.mjd_max = 59000;
  CHECK_THROWS_WITH(io::select_alerts(all, s), Catch::Contains("alerts_mjd_max"));
}

TEST_CASE("the selection keys are declared once, with the prefix alerts_ in the runs",
          "[paper][alerts]") {
  io::AlertSelection s;
  const auto& table = io::AlertSelection::options();
  const auto set = [&](const char* key, const char* text) {
    const auto* row = table.find(key);
    REQUIRE(row);
    row->set(s, core::parse_text(row->spec, text));
  };
  set("max_area", "50");
  set("stream", "Gold");
  REQUIRE(s.max_area_deg2);
  CHECK(*s.max_area_deg2 == 50);
  CHECK(s.stream == io::AlertStream::gold);
  CHECK_THROWS_WITH(set("stream", "platinum"), Catch::Contains("stream"));
  CHECK_THROWS_WITH(set("min_signalness", "1.5"), Catch::Contains("min_signalness"));
}

TEST_CASE("Table 2: 4/32 and 2/62 with alerts before MJD 59366, rectangle area < 50 deg2",
          "[paper][data]") {
  const auto alerts_file = test::data_file("icecube_alerts_icecat1/IceCube_Gold_Bronze_Tracks.csv");
  const auto sources_file = test::data_file("paper_groups/txs_like_and_cfs_4fgl.csv");
  NUFLARE_REQUIRE_DATA(alerts_file);
  NUFLARE_REQUIRE_DATA(sources_file);
  const auto catalog = io::read_catalog(sources_file.string());
  const auto groups = campaign::source_groups(catalog);
  io::AlertSelection s;
  s.mjd_max = 59366;
  s.max_area_deg2 = 50;
  const auto alerts = io::select_alerts(io::read_alerts(alerts_file.string()), s);
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> got;
  for (const auto& g : groups) {
    const auto c = coincidence::count_potential_sources(catalog, g.members, alerts, 1.0,
                                                        sky::RegionShape::rectangle);
    got[g.name] = {c.n_potential, c.n_sources};
  }
  CHECK(got["txs_like"] == std::pair<std::int64_t, std::int64_t>{4, 32});
  CHECK(got["cfs"] == std::pair<std::int64_t, std::int64_t>{2, 62});
}

namespace {

std::vector<campaign::FluxLimitRow> paper_flux_rows(const campaign::FluxExposureReading& reading,
                                                    bool with_uptime) {
  std::vector<std::string> uptime, irfs;
  for (const char* s : {"IC40", "IC59", "IC79", "IC86_I", "IC86_II", "IC86_III", "IC86_IV",
                        "IC86_V", "IC86_VI", "IC86_VII"})
    if (with_uptime)
      uptime.push_back(test::data_file(ICECUBE + "uptime/" + s + "_exp.csv").string());
  for (const char* s : {"IC40", "IC59", "IC79", "IC86_I", "IC86_II"})
    irfs.push_back(test::data_file(ICECUBE + "irfs/" + s + "_effectiveArea.csv").string());
  std::vector<std::filesystem::path> inputs;
  return campaign::flux_limit_rows(uptime, irfs, {4.8, 5.0, 5.2}, {},
                                   coincidence::DecAverage::solid_angle, reading, inputs);
}

} // namespace

TEST_CASE("eq. 2: 1.458e-18 and 1.645e-18 with dT = 3652.5 d and IC86_II's area for all",
          "[paper][data]") {
  NUFLARE_REQUIRE_DATA(test::data_file(ICECUBE + "irfs/IC86_II_effectiveArea.csv"));
  NUFLARE_REQUIRE_DATA(test::data_file(ICECUBE + "uptime/IC86_VII_exp.csv"));
  campaign::FluxExposureReading paper;
  paper.livetime_days = 3652.5;
  paper.area_season = "IC86_II";
  for (bool with_uptime : {false, true}) {
    // With the good-run lists, one area for all: the seasons' shares do not matter.
    const auto rows = paper_flux_rows(paper, with_uptime);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].livetime_days == 3652.5);
    CHECK(std::abs(rows[0].limit.phi0 / 1.458e-18 - 1) < 1e-3);
    CHECK(std::abs(rows[1].limit.phi0 / 1.645e-18 - 1) < 1e-3);
  }
  // The default reading (each season's good-run livetime and own area) is
  // the other number the report shows: about 9 % above the print.
  const auto rows = paper_flux_rows({}, true);
  CHECK(rows[0].livetime_days == Approx(3577.866).epsilon(1e-5));
  CHECK(rows[0].limit.phi0 > 1.5e-18);
  CHECK(rows[0].limit.phi0 < 1.7e-18);

  campaign::FluxExposureReading unknown;
  unknown.area_season = "IC99";
  CHECK_THROWS_WITH(paper_flux_rows(unknown, true), Catch::Contains("flux_area_season"));
  campaign::FluxExposureReading no_area;
  no_area.livetime_days = 3652.5;
  CHECK_THROWS_WITH(paper_flux_rows(no_area, false), Catch::Contains("flux_area_season"));
}

TEST_CASE("the time test's inputs take the same alert selection (temporal, scan, sensitivity)",
          "[paper][data]") {
  const auto alerts = test::data_file("icecube_alerts_icecat1/IceCube_Gold_Bronze_Tracks.csv");
  const auto sources = test::data_file("fermi_4fgl_dr2/4fgl_dr2_v27_main.csv");
  const auto curves = test::data_file("fermi_4fgl_dr2/4fgl_dr2_v27_flux_history_yearly.csv");
  NUFLARE_REQUIRE_DATA(alerts);
  NUFLARE_REQUIRE_DATA(sources);
  NUFLARE_REQUIRE_DATA(curves);
  campaign::TemporalSelection s;
  s.alerts = alerts.string();
  s.sources = sources.string();
  s.lightcurves = {curves.string()};
  s.format = campaign::LightCurveFormat::fermi_yearly;
  s.band = "fermi_yearly";
  s.cuts.max_abs_dec_deg = 40; // blazar paper §4.1
  s.cuts.min_abs_glat_deg = 10;
  s.cuts.min_variability_index = 18.48;
  const auto all = campaign::read_temporal_inputs(s, MPI_COMM_NULL);
  CHECK(all.series.size() == 992); // the paper's 992 4FGL-DR2 sources
  s.alert_selection.mjd_max = 59366;
  const auto paper = campaign::read_temporal_inputs(s, MPI_COMM_NULL);
  CHECK(paper.series.size() == 992);
  REQUIRE(paper.alerts.size() < all.alerts.size());
  for (const auto& a : paper.alerts)
    CHECK(a.mjd < 59366);
  s.alert_selection.stream = io::AlertStream::gold;
  const auto gold = campaign::read_temporal_inputs(s, MPI_COMM_NULL);
  REQUIRE(!gold.alerts.empty());
  CHECK(gold.alerts.size() < paper.alerts.size());
  for (const auto& a : gold.alerts)
    CHECK(a.stream.find("gold") != std::string::npos);
}
