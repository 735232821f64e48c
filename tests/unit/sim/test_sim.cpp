// Sky simulator: same seed -> same bytes, distributions as documented in
// docs/methods.md (simulator), flares and neutrinos where injected, every file read
// back by nuflare's readers.
#include "nuflare/campaign/rng.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/icecube.hpp"
#include "nuflare/io/lightcurves.hpp"
#include "nuflare/io/ztf_tables.hpp"
#include "nuflare/sim/catalog.hpp"
#include "nuflare/sim/sky.hpp"
#include "nuflare/sim/writers.hpp"
#include "nuflare/sky/coordinates.hpp"
#include "nuflare_catch.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <unistd.h>

using namespace nuflare;
namespace fs = std::filesystem;

namespace {

//! A small sky: fast, but every component present.
sim::SkyConfig small_config(std::uint64_t seed = 11) {
  sim::SkyConfig c;
  c.seed = seed;
  c.events.per_season = 3000;
  c.alerts.count = 12;
  c.catalog.count = 60;
  return c;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

//! A fresh folder under the system temp dir, removed at scope exit.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag)
      : path(fs::temp_directory_path() /
             ("nuflare_sim_" + tag + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

} // namespace

TEST_CASE("same seed gives the same bytes, another seed different ones", "[sim]") {
  TempDir tmp("determinism");
  for (auto compression : {sim::Compression::xz, sim::Compression::gz}) {
    auto c = small_config();
    c.compression = compression;
    sim::write_sky(sim::simulate_sky(c), tmp.path / "a", true);
    sim::write_sky(sim::simulate_sky(c), tmp.path / "b", true);
    c.seed = 12;
    sim::write_sky(sim::simulate_sky(c), tmp.path / "c", true);
    const auto files = sim::output_files(sim::simulate_sky(c));
    int differing = 0;
    for (const auto& f : files) {
      INFO(f);
      REQUIRE(fs::exists(tmp.path / "a" / f));
      CHECK(read_bytes(tmp.path / "a" / f) == read_bytes(tmp.path / "b" / f));
      differing += read_bytes(tmp.path / "a" / f) != read_bytes(tmp.path / "c" / f);
    }
    // Everything random differs (not the effective areas, which are fixed, nor
    // the empty truth tables of a sky without injection).
    CHECK(differing >= static_cast<int>(files.size()) - 4);
  }
}

TEST_CASE("streams are independent: more alerts do not change the events", "[sim]") {
  auto c = small_config();
  const auto a = sim::simulate_sky(c);
  c.alerts.count = 20;
  c.catalog.count = 80;
  const auto b = sim::simulate_sky(c);
  CHECK(sim::events_text(a.seasons[0]) == sim::events_text(b.seasons[0]));
  CHECK(a.seasons[1].runs.start_mjd == b.seasons[1].runs.start_mjd);
}

TEST_CASE("background events follow the IC40 parametrisation", "[sim]") {
  campaign::TrialRng rng(5, "test.ic40", 0);
  constexpr int N = 200000;
  std::array<double, 20> sin_dec_hist{};
  double south_high = 0, south = 0, north_high = 0, north = 0;
  // Mean log10 AngErr in two energy ranges, against the linear fit.
  double sum_lo = 0, n_lo = 0, sum_hi = 0, n_hi = 0;
  for (int i = 0; i < N; ++i) {
    const auto e = sim::draw_background_event(rng);
    const double s = std::sin(e.dec_deg * sky::DEG);
    sin_dec_hist[std::min<std::size_t>(19, static_cast<std::size_t>((s + 1) * 10))] += 1.0 / N;
    if (s < sim::ic40::SPLIT_SIN_DEC) {
      south += 1;
      south_high += e.log10_e >= 4.8;
    } else {
      north += 1;
      north_high += e.log10_e >= 4.8;
    }
    REQUIRE(e.angerr_deg >= sim::ic40::ANGERR_MIN_DEG - 1e-12);
    REQUIRE(e.angerr_deg <= sim::ic40::ANGERR_MAX_DEG + 1e-12);
    REQUIRE(e.log10_e >= 2.5);
    REQUIRE(e.log10_e <= 7.0);
    if (e.log10_e > 3.0 && e.log10_e < 3.5) {
      sum_lo += std::log10(e.angerr_deg);
      n_lo += 1;
    } else if (e.log10_e > 5.5 && e.log10_e < 6.0) {
      sum_hi += std::log10(e.angerr_deg);
      n_hi += 1;
    }
  }
  double total = 0;
  for (double p : sim::ic40::SIN_DEC_PDF)
    total += p;
  for (std::size_t i = 0; i < 20; ++i)
    CHECK(sin_dec_hist[i] == Approx(sim::ic40::SIN_DEC_PDF[i] / total).margin(0.003));
  // IC40: 19260 of 36900 events have log10 E >= 4.8, nearly all in the south.
  CHECK((south_high + north_high) / N == Approx(19260.0 / 36900.0).margin(0.02));
  CHECK(south_high / south > 0.85);
  CHECK(north_high / north < 0.05);
  // IC40 binned means of log10 AngErr: -0.082 (3.0-3.5), -0.233 (5.5-6.0); the
  // linear fit reproduces them to ~0.05 (docs/methods.md (simulator)).
  CHECK(sum_lo / n_lo == Approx(-0.082).margin(0.05));
  CHECK(sum_hi / n_hi == Approx(-0.233).margin(0.05));
}

TEST_CASE("good runs give the requested uptime and events lie inside them", "[sim]") {
  const auto c = small_config();
  const auto sky = sim::simulate_sky(c);
  for (const auto& s : sky.seasons) {
    CHECK(s.runs.livetime_days() / c.events.season_days == Approx(c.events.uptime).margin(0.02));
    CHECK(std::is_sorted(s.events.mjd.begin(), s.events.mjd.end()));
    for (double t : s.events.mjd) {
      const auto it = std::upper_bound(s.runs.start_mjd.begin(), s.runs.start_mjd.end(), t);
      REQUIRE(it != s.runs.start_mjd.begin());
      const auto k = static_cast<std::size_t>(it - s.runs.start_mjd.begin()) - 1;
      REQUIRE(t <= s.runs.stop_mjd[k] + 1e-8);
    }
  }
}

TEST_CASE("alerts look like IceCat-1 tracks", "[sim]") {
  auto c = small_config();
  c.alerts.count = 2000;
  const auto alerts = sim::simulate_alerts(c.alerts, 3);
  REQUIRE(alerts.size() == 2000);
  double gold = 0, median_dec = 0;
  std::vector<double> dec_w;
  for (const auto& a : alerts) {
    gold += a.stream == "gfu-gold";
    CHECK(a.mjd >= c.alerts.start_mjd);
    CHECK(a.mjd <= c.alerts.stop_mjd);
    CHECK(a.signalness > 0.1);
    CHECK(a.signalness < 1.0);
    CHECK(a.ra_plus_deg > 0);
    CHECK(a.dec_minus_deg > 0);
    dec_w.push_back(0.5 * (a.dec_plus_deg + a.dec_minus_deg));
  }
  std::nth_element(dec_w.begin(), dec_w.begin() + 1000, dec_w.end());
  median_dec = dec_w[1000];
  CHECK(gold / 2000 == Approx(c.alerts.gold_fraction).margin(0.04));
  CHECK(median_dec == Approx(std::exp(sim::icecat1::LN_DEC_WIDTH_MU)).margin(0.12));
  // Names are unique (letters for alerts of the same day).
  std::vector<std::string> names;
  for (const auto& a : alerts)
    names.push_back(a.name);
  std::sort(names.begin(), names.end());
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
  CHECK(sim::alert_name(58018.87118560489, 0) == "IC170922A");
  CHECK(sim::iso_time(58018.5) == "2017-09-22 12:00:00.000000");
}

namespace {

//! Mean flux of the points of `lc` inside / outside [start, stop].
std::pair<double, double> mean_inside_outside(const io::LightCurve& lc, double start, double stop) {
  double in = 0, n_in = 0, out = 0, n_out = 0;
  for (std::size_t i = 0; i < lc.size(); ++i) {
    if (lc.upper_limit[i])
      continue;
    if (lc.mjd[i] >= start && lc.mjd[i] <= stop) {
      in += lc.flux[i];
      n_in += 1;
    } else if (lc.mjd[i] < start - 200 || lc.mjd[i] > stop + 200) {
      out += lc.flux[i];
      n_out += 1;
    }
  }
  return {n_in > 0 ? in / n_in : NAN, n_out > 0 ? out / n_out : NAN};
}

} // namespace

TEST_CASE("flares are where they were injected", "[sim]") {
  auto c = small_config();
  c.injection.alert_flares = 4;
  const auto sky = sim::simulate_sky(c);
  std::map<std::string, std::size_t> row;
  for (std::size_t i = 0; i < sky.catalog.size(); ++i)
    row[sky.catalog.name[i]] = i;
  auto curve = [&](const std::string& src, const std::string& band) -> const io::LightCurve& {
    const std::size_t i = row.at(src);
    return sky.lightcurves[2 * i + (band == c.lightcurves.gamma_band ? 0 : 1)];
  };
  std::map<std::string, int> kinds;
  for (const auto& f : sky.flares) {
    kinds[f.kind] += 1;
    const auto& lc = curve(f.source, f.band);
    REQUIRE(lc.source == f.source);
    REQUIRE(lc.band == f.band);
    const auto [in, out] = mean_inside_outside(lc, f.start_mjd, f.stop_mjd);
    if (std::isnan(in) || std::isnan(out))
      continue; // no sample inside the flare (e.g. infrared gap) or no quiet part
    INFO(f.source << " " << f.band << " " << f.kind << " " << f.start_mjd << " in/out " << in / out
                  << " amplitude " << f.amplitude);
    // Upper limits are left out, which biases the quiet mean of faint sources up.
    CHECK(in > (f.band == c.lightcurves.gamma_band ? 2.0 : 1.5) * out);
  }
  CHECK(kinds["CFS"] > 0);
  CHECK(kinds["NFS"] > 0);
  CHECK(kinds["TXS-like"] > 0);
  CHECK(kinds["alert"] == 8);

  // Flare geometry per class.
  for (std::size_t i = 0; i + 1 < sky.flares.size(); ++i) {
    const auto& g = sky.flares[i];
    const auto& l = sky.flares[i + 1];
    if (g.source != l.source || g.band != c.lightcurves.gamma_band || l.kind != g.kind)
      continue;
    if (g.kind == "CFS") {
      CHECK(g.start_mjd == l.start_mjd);
      CHECK(g.stop_mjd == l.stop_mjd);
    } else if (g.kind == "NFS") {
      CHECK((g.stop_mjd < l.start_mjd - 599 || g.start_mjd > l.stop_mjd + 599));
    } else if (g.kind == "TXS-like") {
      CHECK(l.start_mjd > g.stop_mjd);
      CHECK(l.start_mjd - g.stop_mjd < 500);
      CHECK(l.stop_mjd - l.start_mjd > g.stop_mjd - g.start_mjd);
    }
  }

  // Alert flares: the source lies inside the alert's rectangle and the flare
  // brackets the alert time.
  REQUIRE(sky.alert_flares.size() == 4);
  for (const auto& p : sky.alert_flares) {
    const auto a = std::find_if(sky.alerts.begin(), sky.alerts.end(),
                                [&](const io::Alert& x) { return x.name == p.alert; });
    REQUIRE(a != sky.alerts.end());
    const std::size_t s = row.at(p.source);
    const double d_ra = sky::wrap_delta_ra_deg(sky.catalog.ra_deg[s] - a->ra_deg);
    const double d_dec = sky.catalog.dec_deg[s] - a->dec_deg;
    CHECK(d_ra <= a->ra_plus_deg);
    CHECK(-d_ra <= a->ra_minus_deg);
    CHECK(d_dec <= a->dec_plus_deg);
    CHECK(-d_dec <= a->dec_minus_deg);
    bool found = false;
    for (const auto& f : sky.flares)
      found |= f.kind == "alert" && f.source == p.source && f.start_mjd <= a->mjd &&
               f.stop_mjd >= a->mjd;
    CHECK(found);
  }
}

TEST_CASE("neutrinos are injected around the chosen sources", "[sim]") {
  auto c = small_config();
  c.injection.random_sources = 2;
  c.injection.strength = 40;
  const auto with = sim::simulate_sky(c);
  c.injection.strength = 0;
  const auto without = sim::simulate_sky(c);
  REQUIRE(with.neutrino_sources.size() == 2);
  for (const auto& src : with.neutrino_sources) {
    CHECK(with.catalog.group[static_cast<std::size_t>(
              std::find(with.catalog.name.begin(), with.catalog.name.end(), src.name) -
              with.catalog.name.begin())] == c.injection.group);
    auto count = [&](const sim::SimulatedSky& sky) {
      int n = 0;
      for (const auto& s : sky.seasons)
        for (std::size_t i = 0; i < s.events.size(); ++i)
          n += sky::angular_distance_deg(s.events.ra_deg[i], s.events.dec_deg[i], src.ra_deg,
                                         src.dec_deg) < s.events.angerr_deg[i];
      return n;
    };
    // Rayleigh: 39 % of the signal within 1 AngErr; background is a handful.
    CHECK(count(with) - count(without) >= 6);
  }
  // Unknown source names are a configuration error.
  c.injection.sources = {"no such source"};
  CHECK_THROWS_AS(sim::simulate_sky(c), core::ConfigError);
}

TEST_CASE("every written file reads back through nuflare's readers", "[sim]") {
  TempDir tmp("readback");
  auto c = small_config(21);
  c.injection.alert_flares = 2;
  c.injection.random_sources = 1;
  c.injection.strength = 5;
  const auto sky = sim::simulate_sky(c);
  const auto dir = tmp.path / "sky";
  sim::write_sky(sky, dir, false, "[simulate]\nseed = 21\n");
  const auto files = sim::output_files(sky);

  for (std::size_t s = 0; s < sky.seasons.size(); ++s) {
    const auto& season = sky.seasons[s];
    const auto ev = io::read_icecube_events((dir / files[3 * s]).string());
    REQUIRE(ev.season.size() == 1);
    CHECK(ev.season[0] == season.runs.season);
    CHECK(ev.mjd == season.events.mjd);
    CHECK(ev.log10_e == season.events.log10_e);
    CHECK(ev.angerr_deg == season.events.angerr_deg);
    CHECK(ev.ra_deg == season.events.ra_deg);
    CHECK(ev.dec_deg == season.events.dec_deg);
    const auto runs = io::read_good_run_list((dir / files[3 * s + 1]).string());
    CHECK(runs.start_mjd == season.runs.start_mjd);
    CHECK(runs.stop_mjd == season.runs.stop_mjd);
    const auto area = io::read_effective_area((dir / files[3 * s + 2]).string());
    CHECK(area.area_cm2 == season.area.area_cm2);
    CHECK(area.dec_min_deg == season.area.dec_min_deg);
  }
  const auto alerts = io::read_alerts((dir / "alerts.csv").string());
  REQUIRE(alerts.size() == sky.alerts.size());
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    CHECK(alerts[i].name == sky.alerts[i].name);
    CHECK(alerts[i].mjd == sky.alerts[i].mjd);
    CHECK(alerts[i].ra_deg == sky.alerts[i].ra_deg);
    CHECK(alerts[i].dec_minus_deg == sky.alerts[i].dec_minus_deg);
    CHECK(alerts[i].signalness == sky.alerts[i].signalness);
    CHECK(alerts[i].stream == sky.alerts[i].stream);
  }
  const auto cat = io::read_catalog((dir / "catalog.csv").string());
  CHECK(cat.name == sky.catalog.name);
  CHECK(cat.ra_deg == sky.catalog.ra_deg);
  CHECK(cat.dec_deg == sky.catalog.dec_deg);
  CHECK(cat.group == sky.catalog.group);
  CHECK(cat.warm_spot == sky.catalog.warm_spot);
  CHECK(cat.variability_index == sky.catalog.variability_index);
  CHECK(cat.glat_deg == sky.catalog.glat_deg);

  const auto curves = io::read_lightcurves_csv((dir / "lightcurves.csv.xz").string());
  REQUIRE(curves.size() == sky.lightcurves.size());
  for (std::size_t i = 0; i < curves.size(); ++i) {
    CHECK(curves[i].source == sky.lightcurves[i].source);
    CHECK(curves[i].band == sky.lightcurves[i].band);
    CHECK(curves[i].mjd == sky.lightcurves[i].mjd);
    CHECK(curves[i].flux == sky.lightcurves[i].flux);
    CHECK(curves[i].flux_err == sky.lightcurves[i].flux_err);
    CHECK(curves[i].upper_limit == sky.lightcurves[i].upper_limit);
  }
  // Fermi-like curves have some upper limits, WISE-like ones respect the gap.
  std::size_t n_ul = 0;
  for (const auto& lc : curves) {
    if (lc.band == c.lightcurves.gamma_band) {
      n_ul += static_cast<std::size_t>(std::count(lc.upper_limit.begin(), lc.upper_limit.end(), 1));
      CHECK(lc.mjd[1] - lc.mjd[0] == Approx(c.lightcurves.gamma_bin_days));
    } else {
      for (double t : lc.mjd)
        CHECK(!(t > c.lightcurves.ir_gap_start_mjd + 2 && t < c.lightcurves.ir_gap_stop_mjd));
    }
  }
  CHECK(n_ul > 0);

  const auto fu = io::read_overview_fu((dir / "followup/ztf_overview.csv").string());
  REQUIRE(fu.size() == sky.followup.size());
  for (std::size_t i = 0; i < fu.size(); ++i) {
    CHECK(fu[i].name == sky.followup[i].alert.name);
    CHECK(fu[i].area_obs_deg2 == sky.followup[i].area_obs_deg2);
    CHECK(fu[i].ra_minus_deg == sky.followup[i].alert.ra_minus_deg);
    CHECK(fu[i].signalness.value() == sky.followup[i].alert.signalness);
    CHECK(fu[i].area_obs_deg2 < fu[i].area_rect_deg2);
  }
  CHECK(fs::exists(dir / "simulate.ini"));
}

TEST_CASE("write_sky leaves nothing behind on error", "[sim]") {
  TempDir tmp("atomic");
  const auto sky = sim::simulate_sky(small_config());
  const auto dir = tmp.path / "sky";
  fs::create_directories(dir);
  std::ofstream(dir / "keep.txt") << "old";
  // An existing folder is refused without overwrite, and left as it was.
  CHECK_THROWS_AS(sim::write_sky(sky, dir, false), core::ConfigError);
  CHECK(read_bytes(dir / "keep.txt") == "old");
  // A file in the way of the parent folder: the write fails, no temp folder remains.
  std::ofstream(tmp.path / "afile") << "x";
  CHECK_THROWS_AS(sim::write_sky(sky, tmp.path / "afile" / "sky", false), core::Error);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(tmp.path))
    ++entries;
  CHECK(entries == 2); // "sky" and "afile" only
  // Overwrite of a folder the simulator did not write replaces only the
  // sky's files: nothing else is removed, and no marker claims the folder.
  CHECK(sim::write_sky(sky, dir, true) == sim::SkyWrite::updated);
  CHECK(read_bytes(dir / "keep.txt") == "old");
  CHECK(fs::exists(dir / "catalog.csv"));
  CHECK(!fs::exists(dir / sim::SKY_MARKER));
  // A folder it wrote itself (marker) is replaced as a whole.
  const auto own = tmp.path / "own";
  CHECK(sim::write_sky(sky, own, false) == sim::SkyWrite::created);
  CHECK(fs::exists(own / sim::SKY_MARKER));
  std::ofstream(own / "extra.txt") << "x";
  CHECK(sim::write_sky(sky, own, true) == sim::SkyWrite::replaced);
  CHECK(!fs::exists(own / "extra.txt"));
  CHECK(fs::exists(own / "catalog.csv"));
}

TEST_CASE("configuration errors name the key", "[sim]") {
  auto c = small_config();
  c.events.uptime = 1.5;
  try {
    (void)sim::simulate_sky(c);
    FAIL("no error");
  } catch (const core::ConfigError& e) {
    CHECK(std::string(e.what()).find("events.uptime") != std::string::npos);
  }
  c = small_config();
  c.catalog.fraction_cfs = 0.6;
  c.catalog.fraction_nfs = 0.6;
  CHECK_THROWS_AS(sim::simulate_sky(c), core::ConfigError);
}
