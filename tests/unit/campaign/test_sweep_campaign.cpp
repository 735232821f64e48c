// Sweeps as one campaign (docs/methods.md "Sweeps"): axes applied through the
// option tables, the grid, and the exact look-elsewhere correction.
#include "nuflare/campaign/sweep_campaign.hpp"

#include "nuflare/coincidence/temporal_scan.hpp"
#include "nuflare/core/error.hpp"

#include "nuflare_catch.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace nuflare;
using namespace nuflare::campaign;

TEST_CASE("an axis is a key of the test and values that key reads", "[sweep]") {
  const auto list = parse_axis("band: wise_w2, fermi");
  CHECK(list.key == "band");
  CHECK(list.values == std::vector<std::string>{"wise_w2", "fermi"});

  const auto range = parse_axis(" delta_t : 100:1000:10");
  CHECK(range.key == "delta_t");
  REQUIRE(range.values.size() == 10);
  CHECK(std::stod(range.values.front()) == 100);
  CHECK(std::stod(range.values[1]) == 200);
  CHECK(std::stod(range.values.back()) == 1000);

  CHECK_THROWS_AS(parse_axis("delta_t 100,200"), core::FieldError);        // no colon
  CHECK_THROWS_AS(parse_axis("no_such_key: 1,2"), core::FieldError);       // unknown key
  CHECK_THROWS_AS(parse_axis("alerts: a.csv,b.csv"), core::FieldError);    // an input file
  CHECK_THROWS_AS(parse_axis("delta_t: 100,-5"), core::FieldError);        // out of range
  CHECK_THROWS_AS(parse_axis("factor: 1,x"), core::FieldError);            // not a number
  CHECK_THROWS_AS(parse_axis("region: ellipse,circle"), core::FieldError); // not a choice
  CHECK_THROWS_AS(parse_axis("band: a:b:3"), core::FieldError);            // range of text
}

TEST_CASE("the grid is the product of the axes, the first outermost", "[sweep]") {
  TimePoint base;
  base.in.band = "fermi";
  base.delta_t = 365;
  const auto grid =
      make_grid(base, {parse_axis("delta_t: 180,365,730"), parse_axis("factor: 1.0,1.3"),
                       parse_axis("region: ellipse,rectangle")});
  REQUIRE(grid.size() == 12);
  CHECK(*grid.points[0].delta_t == 180);
  CHECK(grid.points[0].factor == 1.0);
  CHECK(grid.points[0].in.region == sky::RegionShape::ellipse);
  CHECK(grid.points[1].in.region == sky::RegionShape::rectangle);
  CHECK(grid.points[2].factor == 1.3);
  CHECK(*grid.points[4].delta_t == 365);
  CHECK(*grid.points[11].delta_t == 730);
  CHECK(grid.points[11].in.band == "fermi"); // unswept keys keep the base value
  CHECK(grid.value_index[11] == std::vector<std::size_t>{2, 1, 1});

  const auto one = make_grid(base, {});
  REQUIRE(one.size() == 1);
  CHECK(*one.points[0].delta_t == 365);

  CHECK_THROWS_AS(make_grid(base, {parse_axis("factor: 1"), parse_axis("factor: 2")}),
                  core::FieldError);
  CHECK_THROWS_AS(make_grid(TimePoint{}, {parse_axis("factor: 1,2")}), core::FieldError);
}

TEST_CASE("a run's plan holds the grid of its test only", "[sweep]") {
  SweepRun run;
  run.sources = "catalog.csv";
  run.point.delta_t = 365;
  run.axis = {"factor: 1.0,1.3"};
  const auto plan = plan_sweep(run, parse_axes(run));
  REQUIRE(plan.grid.size() == 2);
  CHECK(plan.grid.points[1].factor == 1.3);
  CHECK(plan.grid.points[0].in.sources == "catalog.csv"); // the time tests read `sources`
  CHECK(plan.spatial_grid.size() == 0);
  CHECK(plan.files.empty()); // nothing read yet

  run.test = SweepTest::spatial;
  run.axis = {"angerr_scale: 0.5,1,2"};
  const auto spatial = plan_sweep(run, parse_axes(run));
  CHECK(spatial.spatial_grid.size() == 3);
  CHECK(spatial.grid.size() == 0);
  run.axis = {"factor: 1,2"}; // a time key: no axis of the spatial test
  CHECK_THROWS_AS(parse_axes(run), core::FieldError);

  CHECK(sweep_required_keys(SweepTest::spatial) == std::vector<std::string>{"events"});
  CHECK(sweep_required_keys(SweepTest::simultaneity) == std::vector<std::string>{"alerts", "rho"});
  CHECK(sweep_required_keys(SweepTest::temporal) ==
        std::vector<std::string>{"alerts", "lightcurves", "band"});
  for (auto test :
       {SweepTest::scan, SweepTest::temporal, SweepTest::spatial, SweepTest::simultaneity}) {
    INFO(to_string(test));
    for (const auto& key : sweep_required_keys(test))
      CHECK(sweep_key_applies(key, test));
  }
  CHECK(std::string(to_string(SweepTest::simultaneity)) == "simultaneity");

  LookElsewhere le;
  le.p_min = 0.25;
  le.post_trial_p = 0.5;
  le.sidak_p = 0.75;
  le.n_eff = 2;
  CHECK(to_string(le) == "p_min=0.25 post_trial_p=0.5 sidak_p=0.75 n_eff=2");
}

TEST_CASE("N_eff is the number of points for independent points", "[sweep]") {
  const double p = 0.01;
  for (double k : {1.0, 7.0, 360.0})
    CHECK(effective_trials(p, -std::expm1(k * std::log1p(-p))) == Approx(k).epsilon(1e-9));
  CHECK(std::isnan(effective_trials(0.0, 0.5)));
  CHECK(std::isnan(effective_trials(0.01, 1.0)));
}

namespace {

//! `rows` rows of K correlated standard normals: x_k = ρ x_{k-1} + √(1−ρ²) z_k,
//! the shape of a statistic along a ΔT axis.
std::vector<double> correlated_rows(std::mt19937_64& rng, std::size_t rows, std::size_t k_n,
                                    double rho) {
  std::normal_distribution<double> z;
  std::vector<double> out(rows * k_n);
  for (std::size_t i = 0; i < rows; ++i) {
    double x = z(rng);
    for (std::size_t k = 0; k < k_n; ++k) {
      if (k > 0)
        x = rho * x + std::sqrt(1 - rho * rho) * z(rng);
      out[i * k_n + k] = x;
    }
  }
  return out;
}

//! Kolmogorov–Smirnov distance of `p` from the uniform distribution.
double ks_uniform(std::vector<double> p) {
  std::sort(p.begin(), p.end());
  const double n = static_cast<double>(p.size());
  double d = 0;
  for (std::size_t i = 0; i < p.size(); ++i)
    d = std::max({d, static_cast<double>(i + 1) / n - p[i], p[i] - static_cast<double>(i) / n});
  return d;
}

} // namespace

TEST_CASE("under the null the post-trial p is uniform, Šidák's is not", "[sweep]") {
  // 200 sweeps of 10 strongly correlated points, each with 400 trials and an
  // observation from the same null: the exact p is uniform (KS at 1%:
  // 1.63/√200 = 0.115) while Šidák's, which takes the points as independent,
  // piles up near 1; N_eff stays below the 10 points.
  const std::size_t k_n = 10, n = 400, sweeps = 200;
  std::vector<double> post, sidak, n_eff;
  for (std::size_t s = 0; s < sweeps; ++s) {
    std::mt19937_64 rng(1000 + s);
    const auto observed = correlated_rows(rng, 1, k_n, 0.95);
    const auto trials = correlated_rows(rng, n, k_n, 0.95);
    const auto le = look_elsewhere(observed, trials, trial_min_p(trials, k_n, 0, k_n));
    post.push_back(le.post_trial_p);
    sidak.push_back(le.sidak_p);
    if (!std::isnan(le.n_eff))
      n_eff.push_back(le.n_eff);
  }
  CHECK(ks_uniform(post) < 0.115);
  CHECK(ks_uniform(sidak) > 0.2);
  std::sort(n_eff.begin(), n_eff.end());
  REQUIRE(!n_eff.empty());
  CHECK(n_eff[n_eff.size() / 2] < 0.7 * static_cast<double>(k_n));
}

TEST_CASE("look_elsewhere: p per point, the best point, NaN points skipped", "[sweep]") {
  // 4 trials × 2 points; point 1's observation is above every trial.
  const std::vector<double> trials = {1, 1, 2, 2, 3, 3, 4, 4};
  const std::vector<double> observed = {2.5, 10};
  const auto le = look_elsewhere(observed, trials, trial_min_p(trials, 2, 0, 2));
  CHECK(le.p_value[0] == Approx(3.0 / 5));
  CHECK(le.p_value[1] == Approx(1.0 / 5));
  CHECK(le.best == 1);
  CHECK(le.p_min == Approx(0.2));
  // Every trial's min p is ≥ 1/4 > 0.2: none counts.
  CHECK(le.post_trial_p == Approx(1.0 / 5));
  CHECK(le.sidak_p == Approx(1 - 0.8 * 0.8));

  const std::vector<double> nan_obs = {std::nan(""), 10};
  CHECK(look_elsewhere(nan_obs, trials, trial_min_p(trials, 2, 0, 2)).best == 1);
}

TEST_CASE("the scan pipeline under the null: post-trial p uniform, Šidák's not", "[sweep]") {
  // The demo sky's engine and alert-RA scrambles, a 10-step ΔT axis. Each of
  // 200 sweeps (seeds) takes as its "observation" one more scrambled sky
  // (trial index N, outside its N = 100 trials), so the null holds by
  // construction; the exact post-trial p must be uniform (KS at 1%: 0.115),
  // Šidák's, which treats the 10 correlated ΔT as independent, must not be.
  const auto data = test::source_dir() / "inputs" / "demo" / "data";
  TimePoint base;
  base.in.alerts = (data / "alerts.csv").string();
  base.in.sources = (data / "catalog.csv").string();
  base.in.lightcurves = std::vector<std::string>{(data / "lightcurves.csv.xz").string()};
  base.in.band = "fermi";
  const auto grid = make_grid(base, {parse_axis("delta_t: 100:1000:10")});
  const auto inputs = read_sweep_inputs(grid, MPI_COMM_NULL);
  REQUIRE(inputs.inputs.size() == 1);
  const auto& in = inputs.inputs[0];
  std::vector<double> delta_t;
  for (const auto& p : grid.points)
    delta_t.push_back(*p.delta_t);
  const coincidence::ScanEngine engine(in.series, in.alerts, delta_t, {1.0},
                                       sky::RegionShape::ellipse, 0.0);
  const std::size_t k_n = delta_t.size(), n = 100;
  std::vector<double> ra(in.alerts.size()), trials(n * k_n), observed(k_n);
  std::vector<std::int64_t> pairs(k_n);
  std::vector<double> post, sidak;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    for (std::uint64_t g = 0; g < n; ++g) {
      scramble_alert_ra(seed, SCAN_RA_STREAM, g, ra);
      engine.evaluate(ra, std::span<double>(trials).subspan(g * k_n, k_n), pairs);
    }
    scramble_alert_ra(seed, SCAN_RA_STREAM, n, ra);
    engine.evaluate(ra, observed, pairs);
    const auto le = look_elsewhere(observed, trials, trial_min_p(trials, k_n, 0, k_n));
    REQUIRE(!std::isnan(le.post_trial_p));
    post.push_back(le.post_trial_p);
    sidak.push_back(le.sidak_p);
  }
  CHECK(ks_uniform(post) < 0.115);
  CHECK(ks_uniform(sidak) > 0.2);
}
