// Flares, excess variance and filters (blazar paper §4.2); excess-variance reference
// values from ../shared/ORACLES.md ("Normalised excess variance").
#include "nuflare_catch.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/lightcurve/flares.hpp"

#include <cmath>
#include <numeric>

using namespace nuflare;
using namespace nuflare::lightcurve;

TEST_CASE("excess variance oracle rows", "[flares]") {
  auto a = excess_variance(std::vector<double>{1, 2, 3, 4, 5}, std::vector<double>(5, 0.1));
  CHECK(a.nxs == Approx(0.276666667).epsilon(1e-8));
  CHECK(a.nxs_err == Approx(0.0156977627).epsilon(1e-8));
  CHECK(a.fvar == Approx(0.525991128).epsilon(1e-8));
  CHECK(a.fvar_err == Approx(0.0149220793).epsilon(1e-8));
  auto b = excess_variance(std::vector<double>{10, 12, 11, 30, 13, 9},
                           std::vector<double>{1, 1, 1, 2, 1, 1});
  CHECK(b.nxs == Approx(0.302283737).epsilon(1e-8));
  CHECK(b.nxs_err == Approx(0.0390488070).epsilon(1e-8));
  CHECK(b.fvar == Approx(0.549803362).epsilon(1e-8));
  CHECK(b.fvar_err == Approx(0.0355116117).epsilon(1e-8));
  // noise-dominated: negative σ²_NXS kept, F_var NaN
  auto c = excess_variance(std::vector<double>{10, 10.1, 9.9}, std::vector<double>(3, 1.0));
  CHECK(c.nxs < 0);
  CHECK(std::isnan(c.fvar));
  CHECK(std::isnan(c.fvar_err));
  CHECK_THROWS_AS(excess_variance(std::vector<double>{1}, std::vector<double>{1}),
                  core::InputError);
}

TEST_CASE("quiescent flux: skip and rounding", "[flares]") {
  // n = 9 < 10: no skip; round(0.3*9 = 2.7) = 3 -> mean of 1,2,3
  std::vector<double> f9{9, 8, 7, 6, 5, 4, 3, 2, 1};
  CHECK(quiescent_flux(f9) == Approx(2.0));
  // n = 10: skip max(1, floor(0.5)) = 1, take round(3.0) = 3 -> mean of 2,3,4
  std::vector<double> f10(10);
  std::iota(f10.begin(), f10.end(), 1.0);
  CHECK(quiescent_flux(f10) == Approx(3.0));
  // n = 5: round half up 1.5 -> 2 -> mean of 1,2
  CHECK(quiescent_flux(std::vector<double>{5, 4, 3, 2, 1}) == Approx(1.5));
  // n = 45: skip floor(2.25) = 2, take round(13.5) = 14 -> mean of 3..16
  std::vector<double> f45(45);
  std::iota(f45.begin(), f45.end(), 1.0);
  CHECK(quiescent_flux(f45) == Approx(9.5));
  // n = 1: one point
  CHECK(quiescent_flux(std::vector<double>{7}) == 7.0);
  // n = 100: skip 5, take 30 -> mean of 6..35
  std::vector<double> f100(100);
  std::iota(f100.begin(), f100.end(), 1.0);
  CHECK(quiescent_flux(f100) == Approx(20.5));
}

TEST_CASE("flaring blocks merge into flare intervals", "[flares]") {
  // 20 points: quiet at 1, a flare at 5 for points 8..11, quiet, a flare 4 at 16..17
  std::vector<double> f(20, 1.0);
  for (int i = 8; i < 12; ++i)
    f[static_cast<std::size_t>(i)] = 5;
  f[16] = f[17] = 4;
  Blocks b;
  b.edges = {0, 7.5, 9.5, 11.5, 15.5, 17.5, 19};
  b.flux = {1, 5, 5, 1, 4, 1};
  auto r = find_flares(b, f);
  CHECK(r.f_quiescent == Approx(1.0));
  const FluxStats st = flux_stats(f);
  CHECK(r.s == Approx(st.std));
  CHECK(r.threshold == Approx(1 + 1.3 * st.std));
  REQUIRE(r.n_flares() == 2);
  CHECK(r.flares[0] == Interval{7.5, 11.5});
  CHECK(r.flares[1] == Interval{15.5, 17.5});
  CHECK(r.flare_days() == Approx(6.0));
  CHECK(r.flaring_block == std::vector<bool>{false, true, true, false, true, false});
  // infrared: F_avg + S condition additionally
  FlareOptions ir;
  ir.infrared = true;
  ir.avg_s_factor = 1.0;
  auto r_ir = find_flares(b, f, ir);
  CHECK(r_ir.threshold == Approx(std::max(1 + 1.3 * st.std, st.mean + st.std)));
  // larger factor: the weaker flare disappears
  FlareOptions strict;
  strict.s_factor = 2.0;
  CHECK(find_flares(b, f, strict).n_flares() == 1);
  // flare levels
  auto lv = flare_levels(f, r.f_quiescent);
  CHECK(lv[8] == Approx(5.0));
}

TEST_CASE("non-variable and ambiguous filters", "[flares]") {
  std::vector<double> t(20), f(20, 1.0);
  std::iota(t.begin(), t.end(), 0.0);
  for (int i = 8; i < 12; ++i)
    f[static_cast<std::size_t>(i)] = 5;
  Blocks b;
  b.edges = {0, 7.5, 11.5, 19};
  b.flux = {1, 5, 1};
  auto fl = find_flares(b, f);
  auto ev = excess_variance(f, std::vector<double>(20, 0.1));
  auto r = apply_filters(t, f, b, fl, ev, 10.0, false);
  CHECK_FALSE(r.non_variable);
  CHECK(r.block_ratio == Approx(5.0));
  CHECK(r.std_ratio == Approx(0.0)); // quiet phases are flat
  CHECK_FALSE(r.ambiguous);
  CHECK_FALSE(r.dropped());
  // a nearly flat catalogue-non-variable curve: block ratio < 1.7
  Blocks flat = b;
  flat.flux = {1, 1.5, 1};
  r = apply_filters(t, f, flat, fl, ev, 10.0, false);
  CHECK(r.non_variable);
  CHECK(r.dropped());
  r = apply_filters(t, f, flat, fl, ev, 30.0, false); // variable in the catalogue: filter off
  CHECK_FALSE(r.non_variable);
  r = apply_filters(t, f, flat, fl, ev, 10.0, true); // potential neutrino source: exempt
  CHECK(r.non_variable);
  CHECK_FALSE(r.dropped());
  // ambiguous: the "flare" removes little of the scatter
  std::vector<double> g{1, 5, 1, 5, 1, 5, 1, 5, 6, 6, 1, 5, 1, 5, 1, 5, 1, 5, 1, 5};
  FlareResult fake;
  fake.flares = {{7.5, 9.5}};
  r = apply_filters(t, g, b, fake, ev, NAN, false);
  CHECK(r.std_ratio > 0.9);
  CHECK(r.ambiguous);
  FilterOptions other;
  other.ambiguous_when_greater = false; // the paper's literal "less than"
  r = apply_filters(t, g, b, fake, ev, NAN, false, other);
  CHECK_FALSE(r.ambiguous);
}
