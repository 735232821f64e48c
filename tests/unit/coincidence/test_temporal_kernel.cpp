// R(t) around alert times (blazar paper §5, eq. 1): hand-computed
// values on tiny samples, exactness of the fast paths, and the behaviour of
// the scan statistic on synthetic skies with and without injected flares.
#include "nuflare_catch.hpp"

#include "nuflare/campaign/rng.hpp"
#include "nuflare/coincidence/temporal.hpp"
#include "nuflare/lightcurve/flares.hpp"
#include "nuflare/sky/coordinates.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

using namespace nuflare;
using coincidence::FlareSeries;
using coincidence::Pair;
using coincidence::RKernel;

namespace {

std::vector<FlareSeries> tiny() {
  // A: alert at 20; B: alert at 110 (the pairs below).
  return {{"A", 10, 0, {0, 10, 20, 30, 40}, {1, 1, 6, 1, 1}},
          {"B", 50, 0, {100, 110, 120}, {2, 0.5, 4}}};
}
const std::vector<Pair> TINY_PAIRS = {{0, 0, 20.0}, {1, 1, 110.0}};

io::Alert alert(double ra, double dec, double half, double mjd) {
  io::Alert a;
  a.ra_deg = ra;
  a.dec_deg = dec;
  a.ra_plus_deg = a.ra_minus_deg = a.dec_plus_deg = a.dec_minus_deg = half;
  a.mjd = mjd;
  return a;
}

} // namespace

TEST_CASE("R(t) by hand on two pairs", "[temporal]") {
  const auto s = tiny();
  const RKernel k(s, 0.0);
  // ΔT = 10, no shift: A in {20} (6), out 4 over 4; B in {110} (0.5), out 6 over 2.
  // R = (6.5/2) / (10/6) = 1.95
  CHECK(k.r(TINY_PAIRS, 0, 10) == Approx(1.95).epsilon(1e-14));
  // shift +10: A window t in [5,15] -> {10}; B t in [95,105] -> {100}.
  // in (1 + 2)/2 = 1.5, out (9 + 4.5)/6 = 2.25
  CHECK(k.r(TINY_PAIRS, 10, 10) == Approx(1.5 / 2.25).epsilon(1e-14));
  // ΔT = 20: boundaries |t - t_a| = 10 are inside. A in {10,20,30} = 8, out 2 over 2;
  // B all inside. R = (14.5/6) / (2/2)
  CHECK(k.r(TINY_PAIRS, 0, 20) == Approx(14.5 / 6).epsilon(1e-14));
  // Flare cut 1.5: contributions A [0,0,6,0,0], B [2,0,4]. in 6/2, out 6/6 -> 3
  const RKernel k15(s, 1.5);
  CHECK(k15.r(TINY_PAIRS, 0, 10) == Approx(3.0).epsilon(1e-14));
  // Every point inside: undefined.
  const std::vector<Pair> only_b = {{1, 0, 110.0}};
  CHECK(std::isnan(k.r(only_b, 0, 1000)));
  // No point inside: undefined too.
  CHECK(std::isnan(k.r(only_b, 5000, 10)));
  const auto w = k.window(0, 20, 0, 10);
  CHECK(w.n_in == 1);
  CHECK(w.n_out == 4);
  CHECK(w.sum_in == 6.0);
  CHECK(w.sum_out == 4.0);
}

TEST_CASE("shift grid: k*step with |k*step| <= 3600", "[temporal]") {
  const auto g = coincidence::shift_grid(11);
  CHECK(g.size() == 2 * 327 + 1);
  CHECK(g.front() == -3597);
  CHECK(std::count(g.begin(), g.end(), 0.0) == 1);
  CHECK(coincidence::shift_grid(360).size() == 21);
  CHECK(coincidence::shift_grid(3600).size() == 3);
  CHECK(coincidence::shift_grid(285).back() == 12 * 285);
  CHECK_THROWS(coincidence::shift_grid(0));
}

TEST_CASE("quiescent flux (the counts of docs/methods.md)", "[temporal]") {
  const std::vector<double> f5 = {5, 1, 4, 2, 3};
  CHECK(lightcurve::quiescent_flux(f5) == 1.5); // no skip, round(1.5) = 2 points
  std::vector<double> f20(20);
  std::iota(f20.begin(), f20.end(), 1.0);
  CHECK(lightcurve::quiescent_flux(f20) == 4.5); // skip 1, average 2..7
}

TEST_CASE("sweep over shifts equals the per-shift formula bit for bit", "[temporal]") {
  campaign::TrialRng rng(7, "test.sweep", 0);
  std::vector<FlareSeries> s(30);
  std::vector<Pair> pairs;
  for (std::size_t i = 0; i < s.size(); ++i) {
    double t = 54000 + rng.uniform(0, 30);
    for (int j = 0; j < 25; ++j) {
      s[i].mjd.push_back(t);
      s[i].level.push_back(std::exp(rng.normal()));
      t += rng.uniform(1, 300);
    }
    pairs.push_back({static_cast<std::uint32_t>(i), 0, 55000 + rng.uniform(0, 3000)});
  }
  const auto shifts = coincidence::shift_grid(15); // ΔT = 30
  for (double cut : {0.0, 1.5}) {
    const RKernel k(s, cut);
    std::vector<double> out(shifts.size());
    k.r_shifts(pairs, shifts, 30, out);
    for (std::size_t i = 0; i < shifts.size(); ++i) {
      const double direct = k.r(pairs, shifts[i], 30);
      if (std::isnan(direct))
        CHECK(std::isnan(out[i]));
      else
        CHECK(out[i] == direct);
    }
  }
}

namespace {

bool same_bits(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

//! Every trial of `engine` (and r_shifts, evaluate_pairs) against r() at each
//! shift, bit for bit, with the table loop `simd`.
void check_control_engine(const std::vector<FlareSeries>& s, std::vector<double> alert_mjd,
                          std::vector<double> shifts, double delta_t, double cut, int n_trials,
                          std::size_t n_draw, std::uint64_t seed, coincidence::SimdLevel simd) {
  std::vector<std::uint32_t> pool(s.size());
  std::iota(pool.begin(), pool.end(), 0u);
  std::reverse(pool.begin(), pool.end()); // pool positions ≠ series indices
  const coincidence::ControlEngine engine(s, pool, alert_mjd, shifts, delta_t, cut, simd);
  CHECK(engine.simd_level() == simd); // the loop asked for (simd never exceeds the processor's)
  const auto& k = engine.kernel();
  std::vector<double> out(shifts.size()), out2(shifts.size()), out3(shifts.size());
  int bad = 0;
  for (int g = 0; g < n_trials; ++g) {
    campaign::TrialRng rng(seed, "test.control", static_cast<std::uint64_t>(g));
    std::vector<std::uint32_t> dp, da;
    std::vector<Pair> pairs;
    std::vector<bool> used(pool.size());
    while (dp.size() < n_draw) {
      const auto q = static_cast<std::uint32_t>(rng.below(pool.size()));
      if (used[q])
        continue;
      used[q] = true;
      dp.push_back(q);
      da.push_back(static_cast<std::uint32_t>(rng.below(alert_mjd.size())));
      pairs.push_back({pool[q], da.back(), alert_mjd[da.back()]});
    }
    engine.evaluate(dp, da, out);
    engine.evaluate_pairs(pairs, out2);
    k.r_shifts(pairs, shifts, delta_t, out3);
    for (std::size_t i = 0; i < shifts.size(); ++i) {
      const double direct = k.r(pairs, shifts[i], delta_t);
      bad += !same_bits(out[i], direct) + !same_bits(out2[i], direct) + !same_bits(out3[i], direct);
    }
  }
  CHECK(bad == 0);
}

std::vector<FlareSeries> random_series(campaign::TrialRng& rng, std::size_t n_sources,
                                       int min_points, int max_points, double span,
                                       bool integer_days) {
  std::vector<FlareSeries> s(n_sources);
  for (auto& x : s) {
    const auto n =
        min_points +
        static_cast<int>(rng.below(static_cast<std::uint64_t>(max_points - min_points + 1)));
    for (int j = 0; j < n; ++j) {
      double t = 54500 + rng.uniform(0, span);
      if (integer_days)
        t = std::floor(t / 10) * 10; // many ties with the window edges
      x.mjd.push_back(t);
      x.level.push_back(std::exp(0.7 * rng.normal()));
    }
    std::sort(x.mjd.begin(), x.mjd.end());
  }
  return s;
}

} // namespace

TEST_CASE("control engine equals r() bit for bit on every path", "[temporal]") {
  // Both table loops: AVX2 where the processor has it (else SSE2 twice), and SSE2.
  const auto simd = GENERATE(coincidence::best_simd_level(), coincidence::SimdLevel::sse2);
  campaign::TrialRng rng(5, "test.engine", 0);
  std::vector<double> alerts;
  for (int a = 0; a < 40; ++a)
    alerts.push_back(55000 + rng.uniform(0, 3000));
  SECTION("phase tables (regular grid, ΔT below and above the step)") {
    const auto s = random_series(rng, 300, 0, 40, 4000, false);
    check_control_engine(s, alerts, coincidence::shift_grid(3600.0 / 7), 100, 0.0, 200, 120, 1,
                         simd);
    check_control_engine(s, alerts, coincidence::shift_grid(50), 100, 1.2, 100, 120, 2, simd);
    check_control_engine(s, alerts, coincidence::shift_grid(365), 730, 1.5, 100, 120, 3, simd);
  }
  SECTION("window edges on the points: the exact predicate decides") {
    std::vector<double> int_alerts;
    for (int a = 0; a < 30; ++a)
      int_alerts.push_back(55000 + 10 * static_cast<double>(rng.below(300)));
    const auto s = random_series(rng, 200, 1, 30, 4000, true);
    check_control_engine(s, int_alerts, coincidence::shift_grid(10), 20, 0.0, 100, 80, 4, simd);
    check_control_engine(s, int_alerts, coincidence::shift_grid(15), 30, 0.0, 100, 80, 5, simd);
    check_control_engine(s, int_alerts, coincidence::shift_grid(0.1 * 3), 0.6, 0.0, 20, 80, 6,
                         simd);
  }
  SECTION("sources too large for a table, irregular and one-shift grids") {
    auto s = random_series(rng, 60, 2, 20, 4000, false);
    s[3] = random_series(rng, 1, 3000, 3000, 4000, false)[0]; // table over its budget
    s[7].mjd.clear();                                         // no points at all
    s[7].level.clear();
    check_control_engine(s, alerts, coincidence::shift_grid(15), 30, 0.0, 50, 40, 7, simd);
    check_control_engine(s, alerts, {-700, -3, 0, 7, 250, 2000}, 100, 0.0, 50, 40, 8, simd);
    check_control_engine(s, alerts, {0.0}, 100, 0.0, 50, 40, 9, simd);
    check_control_engine(s, alerts, coincidence::shift_grid(200, 1000), 3000, 0.0, 50, 40, 10,
                         simd);
  }
}

TEST_CASE("the table loop is the caller's choice, never beyond the processor", "[temporal]") {
  campaign::TrialRng rng(9, "test.simd", 0);
  const auto s = random_series(rng, 20, 5, 10, 4000, false);
  const std::vector<std::uint32_t> pool{0, 1, 2, 3};
  const std::vector<double> alerts{55500, 56000};
  const auto shifts = coincidence::shift_grid(100, 500);
  using coincidence::SimdLevel;
  // No environment is read: the default is what the processor offers.
  CHECK(coincidence::ControlEngine(s, pool, alerts, shifts, 50, 0.0).simd_level() ==
        coincidence::best_simd_level());
  CHECK(
      coincidence::ControlEngine(s, pool, alerts, shifts, 50, 0.0, SimdLevel::sse2).simd_level() ==
      SimdLevel::sse2);
  // AVX2 asked on a processor without it falls back to the SSE2 loop.
  CHECK(
      coincidence::ControlEngine(s, pool, alerts, shifts, 50, 0.0, SimdLevel::avx2).simd_level() ==
      coincidence::best_simd_level());
}

TEST_CASE("scan engine pairs equal brute-force region pairs", "[temporal]") {
  campaign::TrialRng rng(11, "test.pairs", 0);
  std::vector<FlareSeries> s(500);
  for (auto& x : s) {
    x.ra_deg = rng.uniform(0, 360);
    x.dec_deg = rng.uniform(-40, 40);
    x.mjd = {1, 2, 3};
    x.level = {1, 2, 3};
  }
  std::vector<io::Alert> alerts;
  for (int a = 0; a < 40; ++a) {
    auto al = alert(rng.uniform(0, 360), rng.uniform(-40, 40), 0, 2);
    al.ra_plus_deg = rng.uniform(0.5, 8);
    al.ra_minus_deg = rng.uniform(0.5, 8);
    al.dec_plus_deg = rng.uniform(0.5, 5);
    al.dec_minus_deg = rng.uniform(0.5, 5);
    alerts.push_back(al);
  }
  alerts.push_back(alert(359.5, 3, 4, 2)); // wraps through RA 0
  std::vector<double> scrambled;
  for (std::size_t a = 0; a < alerts.size(); ++a)
    scrambled.push_back(rng.uniform(0, 360));
  for (auto shape : {sky::RegionShape::ellipse, sky::RegionShape::rectangle}) {
    const coincidence::ScanEngine engine(s, alerts, {1, 10}, {1.0, 1.5}, shape, 0.0);
    for (std::size_t f = 0; f < 2; ++f)
      for (bool scramble : {false, true}) {
        const std::span<const double> ra =
            scramble ? std::span<const double>(scrambled) : std::span<const double>();
        const auto fast = engine.pairs(f, ra);
        const auto brute = coincidence::make_pairs(s, alerts, engine.factors()[f], shape, ra);
        REQUIRE(fast.size() == brute.size());
        for (std::size_t i = 0; i < fast.size(); ++i) {
          CHECK(fast[i].source == brute[i].source);
          CHECK(fast[i].alert == brute[i].alert);
        }
      }
  }
}

TEST_CASE("selection cuts and exclusion", "[temporal]") {
  io::SourceCatalog cat;
  cat.name = {"in", "polar", "plane", "steady", "excluded", "nolc"};
  cat.ra_deg = {150, 150, 266.4, 150, 150, 150};
  cat.dec_deg = {10, 60, -28.9, 10, 10, 10};
  cat.variability_index = {30, 30, 30, 5, 30, 30};
  cat.glat_deg.assign(6, std::numeric_limits<double>::quiet_NaN());
  std::vector<io::LightCurve> curves;
  for (const auto& n : cat.name) {
    if (n == "nolc")
      continue;
    io::LightCurve lc;
    lc.source = n;
    lc.band = "fermi";
    lc.mjd = {1, 2, 3, 4};
    lc.flux = {1, 2, 3, 99};
    lc.flux_err = {0.1, 0.1, 0.1, 0};
    lc.upper_limit = {0, 0, 0, 1};
    curves.push_back(lc);
  }
  coincidence::SelectionCuts cuts;
  cuts.max_abs_dec_deg = 40;
  cuts.min_abs_glat_deg = 10;
  cuts.min_variability_index = 18.48;
  const std::vector<std::string> exclude = {"excluded"};
  coincidence::SeriesReport rep;
  const auto s = coincidence::build_series(cat, curves, "fermi", cuts, exclude, &rep);
  REQUIRE(s.size() == 1);
  CHECK(s[0].name == "in");
  CHECK(s[0].mjd.size() == 3);               // the upper limit is dropped
  CHECK(s[0].level[0] == Approx(1.0 / 1.0)); // F_q = lowest round(0.9)=1 point = 1
  CHECK(s[0].level[2] == Approx(3.0));
  CHECK(rep.cut_sky == 2);
  CHECK(rep.cut_variability == 1);
  CHECK(rep.excluded == 1);
  CHECK(rep.no_lightcurve == 1);
  cuts.min_detections = 4;
  CHECK(coincidence::build_series(cat, curves, "fermi", cuts, exclude).empty());
  // No cut set: everything with a light curve survives.
  CHECK(coincidence::build_series(cat, curves, "fermi", {}).size() == 5);
}

namespace {

//! A synthetic sky: sources on |δ| < 40°, light curves of lognormal noise,
//! alerts at random positions and times; with `inject`, every source in an
//! alert's region gets a flare (×6) at the alert time. Returns the scan p-value
//! of R(0) from `n_trials` alert-RA scrambles (§5.1.1).
double synthetic_p(std::uint64_t seed, bool inject, int n_trials) {
  campaign::TrialRng rng(seed, "test.sky", 0);
  const double dt = 60;
  std::vector<io::Alert> alerts;
  for (int a = 0; a < 30; ++a)
    alerts.push_back(alert(rng.uniform(0, 360), std::asin(rng.uniform(-0.64, 0.64)) / sky::DEG, 6,
                           55000 + rng.uniform(0, 3000)));
  std::vector<FlareSeries> s(500);
  for (auto& x : s) {
    x.ra_deg = rng.uniform(0, 360);
    x.dec_deg = std::asin(rng.uniform(-0.64, 0.64)) / sky::DEG;
    double t = 54500 + rng.uniform(0, 60);
    while (t < 58500) {
      x.mjd.push_back(t);
      x.level.push_back(std::exp(0.3 * rng.normal()));
      t += rng.uniform(20, 100);
    }
  }
  if (inject)
    for (const auto& a : alerts)
      for (auto& x : s)
        if (sky::in_region(a, x.ra_deg, x.dec_deg, 1.0, sky::RegionShape::ellipse))
          for (std::size_t i = 0; i < x.mjd.size(); ++i)
            if (std::abs(x.mjd[i] - a.mjd) <= dt / 2)
              x.level[i] *= 6;
  const coincidence::ScanEngine engine(s, alerts, {dt}, {1.0}, sky::RegionShape::ellipse, 0.0);
  double r_obs = 0;
  std::int64_t n_pairs = 0;
  engine.evaluate({}, {&r_obs, 1}, {&n_pairs, 1});
  int m = 0;
  std::vector<double> ra(alerts.size());
  for (int g = 0; g < n_trials; ++g) {
    campaign::TrialRng tr(seed, "test.scramble", static_cast<std::uint64_t>(g));
    for (auto& r : ra)
      r = tr.uniform(0, 360);
    double r0 = 0;
    std::int64_t np = 0;
    engine.evaluate(ra, {&r0, 1}, {&np, 1});
    if (r0 >= r_obs) // NaN trials never count; a NaN observation gives p = 1
      ++m;
  }
  if (std::isnan(r_obs))
    return 1.0;
  return (m + 1.0) / (n_trials + 1.0);
}

} // namespace

TEST_CASE("synthetic sky: injected flares at alert times are found", "[temporal][synthetic]") {
  for (std::uint64_t seed : {1u, 2u, 3u})
    CHECK(synthetic_p(seed, true, 300) < 0.01);
}

TEST_CASE("synthetic sky without injection: p uniform (KS)", "[temporal][synthetic]") {
  const int n_seeds = 150;
  std::vector<double> p;
  for (int seed = 0; seed < n_seeds; ++seed)
    p.push_back(synthetic_p(1000 + static_cast<std::uint64_t>(seed), false, 99));
  std::sort(p.begin(), p.end());
  // One-sample KS against U(0,1). (M+1)/(N+1) is discrete (steps of 1/100)
  // and conservative, which the 1 % critical value 1.63/sqrt(n) absorbs.
  double d = 0;
  for (int i = 0; i < n_seeds; ++i) {
    const double cdf = p[static_cast<std::size_t>(i)];
    d = std::max({d, (i + 1.0) / n_seeds - cdf, cdf - static_cast<double>(i) / n_seeds});
  }
  INFO("KS D = " << d);
  CHECK(d < 1.63 / std::sqrt(static_cast<double>(n_seeds)));
}
