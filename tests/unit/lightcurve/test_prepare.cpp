// Light-curve preparation, blazar paper §3.3, §4.2.5, on hand-made curves.
#include "nuflare_catch.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/lightcurve/prepare.hpp"

#include <cmath>

using namespace nuflare;
using lightcurve::PrepareOptions;

namespace {
io::LightCurve make(std::vector<double> t, std::vector<double> f, std::vector<double> e,
                    std::vector<std::uint8_t> ul = {}) {
  io::LightCurve lc;
  lc.source = "SRC";
  lc.band = "test";
  lc.mjd = std::move(t);
  lc.flux = std::move(f);
  lc.flux_err = std::move(e);
  lc.upper_limit = ul.empty() ? std::vector<std::uint8_t>(lc.mjd.size(), 0) : std::move(ul);
  return lc;
}
PrepareOptions nothing() {
  PrepareOptions o;
  o.handle_upper_limits = false;
  return o;
}
} // namespace

TEST_CASE("upper limits: replace or drop", "[prepare]") {
  auto lc =
      make({3, 1, 2, 4}, {5e-13, 1e-12, 7e-14, 2e-12}, {1e-13, 2e-13, 1e-13, 1e-13}, {0, 0, 1, 0});
  PrepareOptions o;
  auto p = lightcurve::prepare(lc, o);
  REQUIRE(p.size() == 4);
  CHECK(p.curve.mjd == std::vector<double>{1, 2, 3, 4}); // sorted
  CHECK(p.curve.flux[1] == 3e-14);
  CHECK(p.curve.flux_err[1] == 3e-14);
  CHECK(p.n_upper_limits == 1);
  o.upper_limit_policy = lightcurve::UpperLimitPolicy::drop;
  p = lightcurve::prepare(lc, o);
  CHECK(p.curve.mjd == std::vector<double>{1, 3, 4});
  // flux_err >= flux counts as an upper limit for Fermi likelihood curves
  o = lightcurve::default_prepare_options("fermi");
  CHECK(o.err_ge_flux_is_upper_limit);
  lc.flux_err[3] = 3e-12;
  p = lightcurve::prepare(lc, o);
  CHECK(p.n_upper_limits == 2);
  CHECK(p.curve.flux[3] == 3e-14);
  // switched off: untouched
  p = lightcurve::prepare(lc, nothing());
  CHECK(p.curve.flux[1] == 7e-14);
}

TEST_CASE("S/N cut drops flux/err <= min_snr", "[prepare]") {
  auto lc = make({0, 1, 2, 3}, {2.0, 2.1, 10, 1}, {1, 1, 1, 1});
  auto o = nothing();
  o.snr_cut = true;
  auto p = lightcurve::prepare(lc, o);
  CHECK(p.curve.mjd == std::vector<double>{1, 2}); // S/N = 2 exactly is dropped
  CHECK(p.n_low_snr == 2);
  CHECK(p.too_short);
}

TEST_CASE("visit merging: window from the group's first point, mean, error", "[prepare]") {
  // group 1: t = 0, 5, 14.9 (within 15 d of 0); group 2: 15, 20; group 3: 100
  auto lc = make({0, 5, 14.9, 15, 20, 100}, {1, 2, 3, 4, 6, 7}, {0.3, 0.4, 0.0, 1, 1, 0.5});
  auto o = nothing();
  o.merge_visits = true;
  auto p = lightcurve::prepare(lc, o);
  REQUIRE(p.size() == 3);
  CHECK(p.n_groups == 3);
  CHECK(p.curve.mjd[0] == Approx((0 + 5 + 14.9) / 3));
  CHECK(p.curve.flux[0] == Approx(2.0));
  CHECK(p.curve.flux_err[0] == Approx(0.5 / 3)); // sqrt(0.09+0.16)/3
  CHECK(p.curve.mjd[1] == Approx(17.5));
  CHECK(p.curve.flux[1] == Approx(5.0));
  CHECK(p.curve.flux_err[1] == Approx(std::sqrt(2.0) / 2));
  CHECK(p.curve.flux[2] == 7.0);
  CHECK(p.curve.flux_err[2] == 0.5);
}

TEST_CASE("visit merging: iterative 3-sigma clipping", "[prepare]") {
  // 20 points at 10 ± 0.1 and one at 100 within one visit: 100 is clipped,
  // then nothing else (the rest lies within 3 sample standard deviations).
  std::vector<double> t, f, e;
  for (int i = 0; i < 20; ++i) {
    t.push_back(0.1 * i);
    f.push_back(10 + ((i % 2) ? 0.1 : -0.1));
    e.push_back(0.1);
  }
  t.push_back(2.5);
  f.push_back(100);
  e.push_back(0.1);
  auto o = nothing();
  o.merge_visits = true;
  auto p = lightcurve::prepare(make(t, f, e), o);
  REQUIRE(p.size() == 1);
  CHECK(p.n_clipped == 1);
  CHECK(p.curve.flux[0] == Approx(10.0));
  CHECK(p.curve.flux_err[0] == Approx(std::sqrt(20 * 0.01) / 20));
  // clipping off keeps the outlier
  o.clip = false;
  p = lightcurve::prepare(make(t, f, e), o);
  CHECK(p.curve.flux[0] == Approx((200 + 100) / 21.0));
  // groups of two are never clipped
  o.clip = true;
  p = lightcurve::prepare(make({0, 1}, {1, 100}, {1, 1}), o);
  CHECK(p.curve.flux[0] == Approx(50.5));
}

TEST_CASE("survey-gap points", "[prepare]") {
  auto o = nothing();
  o.fill_gap = true;
  auto p = lightcurve::prepare(
      make({55000, 55300, 56800, 57000}, {1, 2, 3, 6}, {0.1, 0.2, 0.3, 0.2}), o);
  REQUIRE(p.size() == 6);
  CHECK(p.gap_filled);
  CHECK(p.curve.mjd == std::vector<double>{55000, 55300, 55780, 56320, 56800, 57000});
  CHECK(p.curve.flux[2] == Approx(3.0));
  CHECK(p.curve.flux_err[3] == Approx(0.2));
  CHECK(p.artificial == std::vector<std::uint8_t>{0, 0, 1, 1, 0, 0});
  // a point inside the gap, or no points after it: nothing added
  p = lightcurve::prepare(make({55000, 56000, 56800}, {1, 2, 3}, {1, 1, 1}), o);
  CHECK_FALSE(p.gap_filled);
  p = lightcurve::prepare(make({55000, 55100, 55200}, {1, 2, 3}, {1, 1, 1}), o);
  CHECK_FALSE(p.gap_filled);
}

TEST_CASE("too short and bad input", "[prepare]") {
  auto p = lightcurve::prepare(make({1, 2}, {1, 2}, {1, 1}), PrepareOptions{});
  CHECK(p.too_short);
  p = lightcurve::prepare(make({1, 2, 3}, {1, 2, 3}, {1, 1, 1}), PrepareOptions{});
  CHECK_FALSE(p.too_short);
  CHECK_THROWS_AS(lightcurve::prepare(make({1, 2}, {1}, {1, 1}), PrepareOptions{}),
                  core::InputError);
  CHECK_THROWS_AS(lightcurve::prepare(make({1, NAN}, {1, 1}, {1, 1}), PrepareOptions{}),
                  core::InputError);
  CHECK_THROWS_AS(lightcurve::prepare(make({1, 2}, {1, 1}, {1, -1}), PrepareOptions{}),
                  core::InputError);
}

TEST_CASE("per-band defaults", "[prepare]") {
  auto w = lightcurve::default_prepare_options("wise_w2");
  CHECK((w.snr_cut && w.merge_visits && w.fill_gap));
  auto a = lightcurve::default_prepare_options("alma_b3");
  CHECK((a.merge_visits && !a.snr_cut && !a.fill_gap));
  auto x = lightcurve::default_prepare_options("xrt");
  CHECK((!x.merge_visits && !x.snr_cut && x.handle_upper_limits));
}

TEST_CASE("clipping never empties a group", "[prepare]") {
  auto o = nothing();
  o.merge_visits = true;
  o.clip_sigma = 0.1; // every point lies beyond 0.1 sd here
  auto p = lightcurve::prepare(make({0, 1, 2, 3}, {0, 0, 10, 10}, {1, 1, 1, 1}), o);
  REQUIRE(p.size() == 1);
  CHECK(p.n_clipped == 0);
  CHECK(p.curve.flux[0] == Approx(5.0));
}
