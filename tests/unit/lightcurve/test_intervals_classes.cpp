// Interval algebra, flaring stages, simultaneity ratio and classes (blazar paper §4.2
// "Multi-frequency stages"), and the whole chain on constructed light-curve
// pairs shaped like the blazar paper's Fig. 1 (TXS-like), Fig. 2 (CFS),
// orphan flares (NFS) and the §4.2.4 rejection.
#include "nuflare_catch.hpp"

#include "nuflare/lightcurve/analyse.hpp"

#include <cmath>
#include <random>

using namespace nuflare;
using namespace nuflare::lightcurve;

TEST_CASE("interval algebra", "[intervals]") {
  const IntervalSet a{{5, 7}, {0, 2}, {1, 3}, {9, 9}}; // unsorted, overlapping, empty piece
  CHECK(normalise(a) == IntervalSet{{0, 3}, {5, 7}});
  CHECK(normalise({{0, 1}, {1, 2}}) == IntervalSet{{0, 2}}); // touching pieces merge
  const IntervalSet b{{2, 6}, {10, 11}};
  CHECK(unite(a, b) == IntervalSet{{0, 7}, {10, 11}});
  CHECK(intersect(a, b) == IntervalSet{{2, 3}, {5, 6}});
  CHECK(subtract(a, b) == IntervalSet{{0, 2}, {6, 7}});
  CHECK(subtract(b, a) == IntervalSet{{3, 5}, {10, 11}});
  CHECK(intersect(IntervalSet{{0, 1}}, IntervalSet{{1, 2}}).empty()); // zero-length overlap
  CHECK(clip(b, {3, 10.5}) == IntervalSet{{3, 6}, {10, 10.5}});
  CHECK(total_length_days(a) == Approx(5.0));
  CHECK(total_length_days({}) == 0.0);
  CHECK(overlap_days({0, 2}, {1, 5}) == 1.0);
  CHECK(overlap_days({0, 2}, {3, 5}) == 0.0);
  CHECK(subtract(IntervalSet{{0, 10}}, IntervalSet{{1, 2}, {3, 4}, {9, 12}}) ==
        IntervalSet{{0, 1}, {2, 3}, {4, 9}});
}

TEST_CASE("stages and classes on interval sets", "[classes]") {
  const Interval span{0, 3000};
  // Fig. 1 shape: short γ-ray flare, long infrared flare starting 240 d later
  IntervalSet h{{1000, 1060}}, l{{1300, 1900}};
  auto s = flaring_stages(h, l, span, span);
  CHECK(s.rho == 0.0);
  CHECK(s.high_only == h);
  CHECK(s.low_only == l);
  CHECK(classify(s, h, l) == FlareClass::txs_like);
  // lag 500 d or more: not TXS-like, but orphan flares -> NFS
  IntervalSet l_late{{1560, 2000}};
  s = flaring_stages(h, l_late, span, span);
  CHECK(classify(s, h, l_late) == FlareClass::nfs);
  ClassOptions longer;
  longer.txs_max_lag_days = 600;
  CHECK(classify(s, h, l_late, longer) == FlareClass::txs_like);
  // simultaneous: CFS
  IntervalSet h2{{1000, 1200}}, l2{{1020, 1210}};
  s = flaring_stages(h2, l2, span, span);
  CHECK(s.rho == Approx(180.0 / 210.0));
  CHECK(s.simultaneous == IntervalSet{{1020, 1200}});
  CHECK(classify(s, h2, l2) == FlareClass::cfs);
  // no flare in one band: none, rho 0
  s = flaring_stages(h, {}, span, span);
  CHECK(s.rho == 0.0);
  CHECK(classify(s, h, {}) == FlareClass::none);
  // flares outside the common span do not count
  s = flaring_stages(h, l, {0, 3000}, {1250, 3000});
  CHECK(s.common_span == Interval{1250, 3000});
  CHECK(classify(s, h, l) == FlareClass::none);
  // §4.2.4 rejection: several γ-ray flares inside one infrared flare
  IntervalSet hs{{900, 950}, {1100, 1150}, {1400, 1450}, {1600, 1650}}, lr{{1000, 1800}};
  s = flaring_stages(hs, lr, span, span);
  CHECK(s.rho == Approx(150.0 / 850.0));
  CHECK(classify(s, hs, lr) == FlareClass::none);
  ClassOptions lenient;
  lenient.txs_max_gamma_in_low = 3;
  CHECK(classify(s, hs, lr, lenient) == FlareClass::txs_like);
  CHECK(class_name(FlareClass::txs_like) == "TXS-like");
  CHECK(class_name(FlareClass::nfs) == "NFS");
  CHECK(class_name(FlareClass::cfs) == "CFS");
  CHECK(class_name(FlareClass::none) == "none");
}

namespace {

struct Flare {
  double start, stop, level;
};

//! A prepared light curve sampled every `step` days on [0, 3000], quiet at 1
//! with `flares` added, small Gaussian noise with a fixed seed.
PreparedCurve curve(const std::string& band, double step, const std::vector<Flare>& flares,
                    unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, 1);
  PreparedCurve p;
  p.curve.source = "J0000+0000";
  p.curve.band = band;
  for (double t = 0; t <= 3000; t += step) {
    double f = 1.0;
    for (const auto& fl : flares)
      if (t >= fl.start && t <= fl.stop)
        f = fl.level;
    p.curve.mjd.push_back(55000 + t);
    p.curve.flux.push_back(f + 0.05 * noise(rng));
    p.curve.flux_err.push_back(0.05);
  }
  p.curve.upper_limit.assign(p.curve.mjd.size(), 0);
  return p;
}

} // namespace

TEST_CASE("Fig. 1: gamma-ray flare, long infrared flare ~300 d later -> TXS-like", "[analyse]") {
  auto g = curve("fermi", 7, {{1000, 1060, 5}}, 1);
  auto ir = curve("wise_w2", 20, {{1300, 1900, 3}}, 2);
  auto r = analyse_source(&g, &ir);
  REQUIRE(r.multi);
  REQUIRE(r.high->n_flares() == 1);
  REQUIRE(r.low->n_flares() == 1);
  CHECK(r.high->p0_used == 0.01);
  CHECK(r.high->flares.flares[0].start == Approx(55000 + 997.5).margin(4));
  CHECK(r.low->flares.flares[0].start == Approx(55000 + 1290).margin(11));
  CHECK(r.rho == 0.0);
  CHECK(r.flare_class == FlareClass::txs_like);
  CHECK_FALSE(r.dropped);
  CHECK(r.high->f_quiescent() == Approx(1.0).margin(0.05));
  CHECK(r.high->nxs() > 0);
  CHECK(r.high->blocks.flux.size() + 1 == r.high->blocks.edges.size());
}

TEST_CASE("Fig. 2: simultaneous flares -> CFS", "[analyse]") {
  auto g = curve("fermi", 7, {{1000, 1300, 4}}, 3);
  auto ir = curve("wise_w2", 20, {{1000, 1300, 3}}, 4);
  auto r = analyse_source(&g, &ir);
  REQUIRE(r.multi);
  CHECK(r.rho > 0.5);
  CHECK(r.flare_class == FlareClass::cfs);
  CHECK_FALSE(r.stages.simultaneous.empty());
}

TEST_CASE("orphan flares -> NFS", "[analyse]") {
  auto g = curve("fermi", 7, {{2000, 2100, 5}}, 5);
  auto ir = curve("wise_w2", 20, {{500, 900, 3}}, 6);
  auto r = analyse_source(&g, &ir);
  REQUIRE(r.multi);
  CHECK(r.rho == 0.0);
  CHECK(r.flare_class == FlareClass::nfs);
}

TEST_CASE("§4.2.4 rejection: several gamma-ray flares inside one infrared flare", "[analyse]") {
  auto g = curve("fermi", 7, {{900, 950, 5}, {1100, 1150, 5}, {1400, 1450, 5}, {1600, 1650, 5}}, 7);
  auto ir = curve("wise_w2", 20, {{1000, 1800, 3}}, 8);
  auto r = analyse_source(&g, &ir);
  REQUIRE(r.multi);
  CHECK(r.high->n_flares() == 4);
  CHECK(r.rho > 0);
  CHECK(r.rho <= 0.25);
  CHECK(r.flare_class == FlareClass::none);
}

TEST_CASE("p0 fallback, absent and too-short bands", "[analyse]") {
  auto flat = curve("fermi", 7, {}, 9);
  auto r = analyse_source(&flat, nullptr);
  REQUIRE(r.high);
  CHECK(r.high->p0_used == 0.05); // nothing at p0 = 0.01: rerun at 0.05
  CHECK(r.high->n_flares() == 0);
  CHECK_FALSE(r.multi);
  CHECK(std::isnan(r.rho));
  CHECK(r.flare_class == FlareClass::none);
  BandOptions no_fallback;
  no_fallback.use_fallback = false;
  CHECK(analyse_band(flat, no_fallback).p0_used == 0.01);

  PreparedCurve tiny;
  tiny.curve.band = "wise_w2";
  tiny.curve.mjd = {1, 2};
  tiny.curve.flux = {1, 2};
  tiny.curve.flux_err = {0.1, 0.1};
  tiny.too_short = true;
  auto g = curve("fermi", 7, {{1000, 1060, 5}}, 1);
  r = analyse_source(&g, &tiny);
  CHECK(r.low->too_short);
  CHECK(std::isnan(r.low->p0_used));
  CHECK_FALSE(r.multi);
  r = analyse_source(nullptr, &g);
  CHECK(r.low);
  CHECK_FALSE(r.high);
}
