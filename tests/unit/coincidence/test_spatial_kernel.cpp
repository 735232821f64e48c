// Spatial counting kernel (blazar paper §6.3): the banded,
// RA-sorted search against a brute-force Vincenty count on random skies,
// thresholds, each event counted once, trial summaries, Table 2 counts.
#include "nuflare/coincidence/spatial.hpp"
#include "nuflare/core/error.hpp"

#include "nuflare_catch.hpp"

#include <cmath>
#include <random>

using namespace nuflare;
using coincidence::SpatialConfig;

namespace {

//! Uniform sky of events with radii spread over several radius classes.
io::EventSample random_events(std::size_t n, std::mt19937_64& gen, double max_err = 6.0) {
  std::uniform_real_distribution<double> u(0, 1);
  io::EventSample ev;
  ev.season = {"SIM"};
  for (std::size_t i = 0; i < n; ++i) {
    ev.mjd.push_back(55000 + i);
    ev.log10_e.push_back(4.5 + 2.0 * u(gen));
    ev.angerr_deg.push_back(0.1 + (max_err - 0.1) * u(gen) * u(gen));
    ev.ra_deg.push_back(360.0 * u(gen));
    ev.dec_deg.push_back(std::asin(2 * u(gen) - 1) / 0.017453292519943295);
    ev.season_index.push_back(0);
  }
  return ev;
}

} // namespace

TEST_CASE("thresholds are decimal values and include the end point", "[spatial]") {
  const auto t = coincidence::energy_thresholds(SpatialConfig{});
  REQUIRE(t.size() == 13);
  CHECK(t.front() == 4.8);
  CHECK(t[3] == 5.1);
  CHECK(t[7] == 5.5);
  CHECK(t.back() == 6.0);
  SpatialConfig bad;
  bad.log10e_step = 0;
  CHECK_THROWS_AS(coincidence::energy_thresholds(bad), core::ConfigError);
  bad = {};
  bad.log10e_max = 4.0;
  CHECK_THROWS_AS(coincidence::energy_thresholds(bad), core::ConfigError);
}

TEST_CASE("kernel equals the brute-force count on random skies", "[spatial]") {
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> u(0, 1);
  for (int sky = 0; sky < 6; ++sky) {
    const auto ev = random_events(4000, gen);
    SpatialConfig cfg;
    if (sky == 1)
      cfg.angerr_scale = 1.7;
    if (sky == 2)
      cfg.max_angerr_deg = 2.5;
    if (sky == 3) {
      cfg.log10e_min = 4.55;
      cfg.log10e_max = 6.45;
      cfg.log10e_step = 0.05;
    }
    const coincidence::SpatialIndex index(ev, cfg);
    coincidence::SpatialCounter dummy(index, std::vector<double>{});
    std::vector<double> ra, dec;
    for (int s = 0; s < 60; ++s) {
      ra.push_back(360.0 * u(gen));
      dec.push_back(std::asin(2 * u(gen) - 1) / 0.017453292519943295);
    }
    // Edge positions: the RA seam, the poles, the equator.
    ra.insert(ra.end(), {0.0, 359.999, 0.01, 180.0, 359.5, 12.0});
    dec.insert(dec.end(), {0.0, 45.0, -88.9, 89.95, -90.0, 90.0});
    coincidence::SpatialCounter counter(index, dec);
    std::vector<std::int64_t> fast(index.n_thresholds());
    // Several trials through the same counter (the bit set must reset between trials).
    for (int trial = 0; trial < 3; ++trial) {
      for (std::size_t s = 0; s < 60; ++s)
        ra[s] = 360.0 * u(gen);
      counter.count(ra, fast);
      const auto slow = coincidence::count_near_sources_brute_force(ev, cfg, ra, dec);
      INFO("sky " << sky << " trial " << trial);
      REQUIRE(fast == slow);
      CHECK(fast.front() > 0);
    }
  }
}

TEST_CASE("a batch of trials counts like its trials one by one", "[spatial]") {
  // Batches stream each source's tables ahead (from 32 trials on), reuse the
  // per-trial hit lists and the bit set, and wrap RAs outside [0, 360).
  std::mt19937_64 gen(23);
  std::uniform_real_distribution<double> u(0, 1);
  const auto ev = random_events(5000, gen, 8.0);
  SpatialConfig cfg;
  cfg.max_angerr_deg = 8;
  const coincidence::SpatialIndex index(ev, cfg);
  std::vector<double> dec;
  for (int s = 0; s < 40; ++s)
    dec.push_back(std::asin(2 * u(gen) - 1) / 0.017453292519943295);
  dec.insert(dec.end(), {89.99, -90.0, 0.0}); // circles around a pole hold every RA
  const std::size_t n_src = dec.size(), n_thr = index.n_thresholds();
  coincidence::SpatialCounter batch_counter(index, dec), single_counter(index, dec);
  for (std::size_t n_trials : {1u, 5u, 64u, 300u}) {
    std::vector<double> ra(n_trials * n_src);
    for (double& x : ra)
      x = 1080.0 * u(gen) - 360.0; // [-360, 720)
    std::vector<std::int64_t> together(n_trials * n_thr), alone(n_thr);
    batch_counter.count(ra, together);
    for (std::size_t b = 0; b < n_trials; ++b) {
      const std::span<const double> sky(ra.data() + b * n_src, n_src);
      single_counter.count(sky, alone);
      INFO(n_trials << " trials, trial " << b);
      REQUIRE(std::vector<std::int64_t>(together.begin() + b * n_thr,
                                        together.begin() + (b + 1) * n_thr) == alone);
      if (b % 50 == 0) {
        std::vector<double> wrapped(sky.begin(), sky.end());
        for (double& x : wrapped)
          x = std::fmod(x + 360.0, 360.0);
        REQUIRE(alone == coincidence::count_near_sources_brute_force(ev, cfg, wrapped, dec));
      }
    }
  }
  std::vector<std::int64_t> wrong(n_thr + 1);
  CHECK_THROWS_AS(batch_counter.count(std::vector<double>(n_src), wrong), core::ConfigError);
}

TEST_CASE("wide circles near the poles and the RA seam", "[spatial]") {
  std::mt19937_64 gen(11);
  auto ev = random_events(3000, gen, 20.0);
  SpatialConfig cfg;
  cfg.max_angerr_deg = 20;
  cfg.angerr_scale = 2.0;
  const coincidence::SpatialIndex index(ev, cfg);
  const std::vector<double> ra = {0.0, 359.9, 90.0, 270.0, 1.0};
  const std::vector<double> dec = {85.0, -85.0, 60.0, -70.0, 0.0};
  CHECK(coincidence::count_near_sources(index, ra, dec) ==
        coincidence::count_near_sources_brute_force(ev, cfg, ra, dec));
}

TEST_CASE("an event near several sources counts once; thresholds are cumulative", "[spatial]") {
  io::EventSample ev;
  ev.season = {"T"};
  auto add = [&](double e, double err, double ra, double dec) {
    ev.mjd.push_back(0);
    ev.log10_e.push_back(e);
    ev.angerr_deg.push_back(err);
    ev.ra_deg.push_back(ra);
    ev.dec_deg.push_back(dec);
    ev.season_index.push_back(0);
  };
  add(5.1, 1.0, 10.0, 0.0);   // near all three sources, passes 4.8..5.1
  add(6.3, 0.5, 200.0, 30.0); // near nothing
  add(4.79, 1.0, 10.0, 0.0);  // below the lowest threshold
  add(5.5, 6.0, 10.0, 0.0);   // AngErr above the 5° cut
  add(6.0, 0.5, 10.2, 0.1);   // passes every threshold
  const coincidence::SpatialIndex index(ev, SpatialConfig{});
  CHECK(index.n_selected() == 3);
  const std::vector<double> ra = {10.0, 10.3, 9.8}, dec = {0.0, 0.2, -0.3};
  const auto n = coincidence::count_near_sources(index, ra, dec);
  REQUIRE(n.size() == 13);
  CHECK(n[0] == 2);  // 4.8
  CHECK(n[3] == 2);  // 5.1: the event at exactly 5.1 passes
  CHECK(n[4] == 1);  // 5.2
  CHECK(n[12] == 1); // 6.0: the event at exactly 6.0 passes
  CHECK(index.events_above()[0] == 3);
  CHECK(index.events_above()[12] == 2);
}

TEST_CASE("trial summaries are exact and follow docs/methods.md", "[spatial]") {
  // Two thresholds, five trials.
  const std::vector<std::int64_t> trials = {1, 0, 2, 0, 3, 1, 4, 1, 5, 2};
  const std::vector<std::int64_t> observed = {4, 0};
  const auto s = coincidence::summarize_trials(trials, observed);
  REQUIRE(s.size() == 2);
  CHECK(s[0].n_expected == 3.0);
  CHECK(s[0].sigma == Approx(std::sqrt(2.5)).epsilon(1e-15));
  CHECK(s[0].p16 == Approx(1.64)); // numpy.percentile([1..5], 16)
  CHECK(s[0].p84 == Approx(4.36));
  CHECK(s[0].n_at_least == 2);
  CHECK(s[0].p_value == Approx(3.0 / 6.0));
  CHECK(s[0].excess == 1.0);
  CHECK(s[1].n_at_least == 5); // every trial ≥ 0
  CHECK(s[1].p_value == 1.0);
  CHECK_THROWS_AS(coincidence::summarize_trials(std::vector<std::int64_t>{1, 2, 3}, observed),
                  core::ConfigError);
  // Unsorted trials with ties: numpy.percentile([5,1,4,1,3,9,2,7,1,6], [16, 84])
  // = [1.0, 6.56].
  const auto u = coincidence::summarize_trials(
      std::vector<std::int64_t>{5, 1, 4, 1, 3, 9, 2, 7, 1, 6}, std::vector<std::int64_t>{6});
  CHECK(u[0].p16 == Approx(1.0));
  CHECK(u[0].p84 == Approx(6.56));
  CHECK(u[0].n_at_least == 3);
}

TEST_CASE("potential neutrino sources: alert regions and warm spots (Table 2)", "[spatial]") {
  io::SourceCatalog cat;
  cat.name = {"in", "out", "warm", "retracted_only"};
  cat.ra_deg = {77.4, 150.0, 300.0, 20.0};
  cat.dec_deg = {5.7, -20.0, 10.0, 0.0};
  cat.group = {"g", "g", "g", "g"};
  cat.warm_spot = {0, 0, 1, 0};
  io::Alert a;
  a.name = "IC170922A";
  a.ra_deg = 77.43;
  a.dec_deg = 5.72;
  a.ra_plus_deg = 1.14;
  a.ra_minus_deg = 0.75;
  a.dec_plus_deg = 0.64;
  a.dec_minus_deg = 0.41;
  io::Alert r = a;
  r.name = "retracted";
  r.ra_deg = 20.0;
  r.dec_deg = 0.0;
  r.retracted = true;
  const std::vector<io::Alert> alerts = {a, r};
  const std::vector<std::size_t> members = {0, 1, 2, 3};
  const auto p = coincidence::count_potential_sources(cat, members, alerts);
  CHECK(p.n_sources == 4);
  CHECK(p.n_in_alert_region == 1);
  CHECK(p.n_warm_spot == 1);
  CHECK(p.n_potential == 2);
  CHECK(p.fraction() == 0.5);
}

TEST_CASE("the counting pass sizes every source's tables as the build does", "[spatial]") {
  // SpatialTables::count takes most tiers and widest half-widths without an
  // arcsine per interval (docs/scaling.md, "Cost model"); its sizes must be
  // the build's, source by source: wide circles for many tiers, sources near
  // the poles (every RA inside), at the seam's RAs, and on the events.
  std::mt19937_64 gen(17);
  std::uniform_real_distribution<double> u(0, 1);
  for (const double max_err : {3.0, 12.0, 40.0}) {
    auto ev = random_events(3000, gen, max_err);
    for (std::size_t i = 0; i < 200; ++i) // intervals that wrap at 0° and 360°
      ev.ra_deg[i] = i % 2 == 0 ? 1e-3 * u(gen) : 360.0 - 1e-3 * u(gen);
    SpatialConfig cfg;
    cfg.max_angerr_deg = 90;
    const coincidence::SpatialIndex index(ev, cfg);
    std::vector<double> decs{-90, -89.999, -60, -1e-9, 0, 1e-9, 33.3, 75, 89.5, 89.999, 90};
    for (int k = 0; k < 150; ++k)
      decs.push_back(std::asin(2 * u(gen) - 1) / 0.017453292519943295);
    for (std::size_t i = 0; i < 40; ++i)
      decs.push_back(ev.dec_deg[i]);
    for (const double dec : decs) {
      INFO("max_err " << max_err << ", source at dec " << dec);
      const std::vector<double> one{dec};
      const auto counted = coincidence::SpatialTables::count(index.view(), one);
      const auto built = coincidence::SpatialTables(index.view(), one).size();
      CHECK(counted.spans == built.spans);
      CHECK(counted.bucket_starts == built.bucket_starts);
      CHECK(counted.tiers == built.tiers);
      CHECK(counted.always == built.always);
      CHECK(counted.sources == built.sources);
    }
  }
}
