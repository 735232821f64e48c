// Signal injection and the sensitivity summary (issue 7; docs/methods.md).
#include "nuflare/campaign/rng.hpp"
#include "nuflare/coincidence/injection.hpp"

#include "nuflare_catch.hpp"

#include <algorithm>
#include <cmath>

using namespace nuflare;
using Catch::Matchers::WithinAbs;

TEST_CASE("offset_direction lands at the requested distance", "[injection]") {
  for (double dec : {-89.0, -30.0, 0.0, 45.0, 89.5})
    for (double r : {0.01, 1.0, 5.0})
      for (double phi : {0.0, 1.0, 3.0, 5.5}) {
        const auto v = coincidence::offset_direction(120.0, dec, r, phi);
        const auto c = sky::unit_vector(120.0, dec);
        const double d = std::acos(std::min(1.0, v.dot(c))) / sky::DEG;
        REQUIRE_THAT(d, WithinAbs(r, 1e-6));
      }
  // phi = 0 points north: the declination grows by r.
  const auto north = coincidence::offset_direction(10.0, 20.0, 2.0, 0.0);
  CHECK_THAT(std::asin(north.z) / sky::DEG, WithinAbs(22.0, 1e-9));
}

TEST_CASE("injected events fall in their circle at the 2-D Gaussian rate", "[injection]") {
  const std::vector<double> ra{10.0}, dec{-20.0}, pool{1.0};
  campaign::TrialRng rng(3, "test", 0);
  const auto uniform = [&rng] { return rng.uniform(); };
  const std::int64_t n = 40000;
  // P(r < σ) = 1 − exp(−1/2) = 0.3935; P(r < 2σ) = 1 − exp(−2) = 0.8647.
  const auto one = coincidence::inject_and_count(ra, dec, n, pool, 1.0, uniform);
  CHECK_THAT(static_cast<double>(one) / n, WithinAbs(0.3935, 0.01));
  const auto two = coincidence::inject_and_count(ra, dec, n, pool, 2.0, uniform);
  CHECK_THAT(static_cast<double>(two) / n, WithinAbs(0.8647, 0.01));
  CHECK(coincidence::inject_and_count(ra, dec, 100, pool, 1e3, uniform) == 100);
  CHECK(coincidence::inject_and_count(ra, dec, 0, pool, 1.0, uniform) == 0);
  CHECK(coincidence::inject_and_count({}, {}, 10, pool, 1.0, uniform) == 0);
}

TEST_CASE("p-values against a sorted background", "[injection]") {
  const std::vector<std::int64_t> bg{1, 2, 2, 3, 5};
  CHECK(coincidence::p_value_sorted(bg, 2) == Approx(5.0 / 6.0)); // M = 4
  CHECK(coincidence::p_value_sorted(bg, 5) == Approx(2.0 / 6.0));
  CHECK(coincidence::p_value_sorted(bg, 6) == Approx(1.0 / 6.0));
  CHECK(coincidence::p_value_sorted(bg, 0) == Approx(1.0));
}

TEST_CASE("sensitivity interpolates where 90% of trials reach p < 0.05", "[injection]") {
  // Background 0..99 (each once): p(T) = (#bg ≥ T + 1)/101, so T ≥ 96 gives
  // p = 5/101 < 0.05 and T ≥ 100 gives the floor 1/101.
  std::vector<std::int64_t> bg(100);
  for (int i = 0; i < 100; ++i)
    bg[i] = i;
  // Strength 0: no trial detected; strength 10: 50 %; strength 20: all.
  std::vector<std::int64_t> signal;
  for (int k = 0; k < 10; ++k)
    signal.push_back(0);
  for (int k = 0; k < 10; ++k)
    signal.push_back(k < 5 ? 200 : 0);
  for (int k = 0; k < 10; ++k)
    signal.push_back(200);
  const std::vector<double> strengths{0, 10, 20};
  const auto r = coincidence::summarize_sensitivity(bg, signal, strengths);
  CHECK(r.frac_p05 == std::vector<double>{0.0, 0.5, 1.0});
  // 0.9 is reached between 10 (0.5) and 20 (1.0): 10 + 0.4/0.5·10 = 18.
  CHECK_THAT(r.sensitivity, WithinAbs(18.0, 1e-12));
  CHECK(std::isnan(r.discovery_3sigma)); // the floor 1/101 cannot reach 3σ
  CHECK(std::isnan(r.discovery_5sigma));
  CHECK_THAT(r.p_floor, WithinAbs(1.0 / 101.0, 1e-15));
  CHECK_THROWS(coincidence::summarize_sensitivity(bg, signal, std::vector<double>{0, 1, 2, 3}));
}

// ------------------------------------------------ flares at alert times

namespace {
coincidence::FlareSeries series_of(std::vector<double> mjd, std::vector<double> level) {
  coincidence::FlareSeries s;
  s.name = "S";
  s.mjd = std::move(mjd);
  s.level = std::move(level);
  return s;
}
} // namespace

TEST_CASE("inject_flares raises the existing points inside ΔT/2 of the alert", "[injection]") {
  const auto s = series_of({0, 100, 200, 300, 400}, {1, 2, 1, 0.5, 1});
  // Window [100, 300], both ends inclusive (blazar paper §5).
  CHECK(coincidence::inject_flares(s, std::vector<double>{200}, 200, 5) ==
        std::vector<double>{1, 5, 5, 5, 1});
  // max(level, amplitude): the level-2 point stays 2.
  CHECK(coincidence::inject_flares(s, std::vector<double>{200}, 200, 1.5) ==
        std::vector<double>{1, 2, 1.5, 1.5, 1});
  // Two flares on one source.
  CHECK(coincidence::inject_flares(s, std::vector<double>{0, 400}, 20, 3) ==
        std::vector<double>{3, 2, 1, 0.5, 3});
  // A sparse curve hides a flare between its points.
  CHECK(coincidence::inject_flares(s, std::vector<double>{150}, 20, 5) == s.level);
  CHECK(coincidence::inject_flares(s, {}, 20, 5) == s.level);
}

TEST_CASE("R(0) with injected flares, computed by hand", "[injection]") {
  const std::vector<coincidence::FlareSeries> series{
      series_of({0, 100, 200, 300, 400}, {1, 1, 1, 1, 1}), series_of({0, 50, 100}, {1, 1, 1})};
  const coincidence::RKernel kernel(series, 0.0);
  const double dt = 100; // windows [t_a − 50, t_a + 50]
  // Pairs (A, 200) and (B, 50): A has 1 point inside, 4 outside; B 3 inside, 0 outside.
  const std::vector<coincidence::Pair> pairs{{0, 0, 200.0}, {1, 1, 50.0}};
  using Flags = std::vector<std::uint8_t>;
  // No flare: (4/4)/(4/4) = 1, the kernel's value.
  CHECK(coincidence::r0_with_flares(kernel, series, pairs, Flags{0, 0}, dt, 5) ==
        kernel.r(pairs, 0.0, dt));
  CHECK_THAT(coincidence::r0_with_flares(kernel, series, pairs, Flags{0, 0}, dt, 5),
             WithinAbs(1.0, 1e-15));
  // Flare in A: inside (5 + 3)/4 = 2, outside 4/4 = 1.
  CHECK_THAT(coincidence::r0_with_flares(kernel, series, pairs, Flags{1, 0}, dt, 5),
             WithinAbs(2.0, 1e-15));
  // Flares in both: inside (5 + 15)/4 = 5, outside 4/4.
  CHECK_THAT(coincidence::r0_with_flares(kernel, series, pairs, Flags{1, 1}, dt, 5),
             WithinAbs(5.0, 1e-15));
  CHECK_THROWS(coincidence::r0_with_flares(kernel, series, pairs, Flags{1}, dt, 5));
}

TEST_CASE("a flared source shows its flare in its other pairs too", "[injection]") {
  const std::vector<coincidence::FlareSeries> series{
      series_of({0, 100, 200, 300, 400}, {1, 1, 1, 1, 1})};
  const coincidence::RKernel kernel(series, 0.0);
  using Flags = std::vector<std::uint8_t>;
  // (A, 200) chosen, (A, 400) not: pair 1 in 5, out 1+1+1+1; pair 2 in 1, out
  // 1+1+5+1. R = ((5 + 1)/2)/((4 + 8)/8) = 3/1.5 = 2.
  const std::vector<coincidence::Pair> one{{0, 0, 200.0}, {0, 1, 400.0}};
  CHECK_THAT(coincidence::r0_with_flares(kernel, series, one, Flags{1, 0}, 100, 5),
             WithinAbs(2.0, 1e-15));
  // A source chosen for two alerts gets both flares: (A, 100) in 5, out
  // 1+1+5+1; (A, 300) in 5, out 1+5+1+1. R = (10/2)/(16/8) = 2.5.
  const std::vector<coincidence::Pair> two{{0, 0, 100.0}, {0, 1, 300.0}};
  CHECK_THAT(coincidence::r0_with_flares(kernel, series, two, Flags{1, 1}, 100, 5),
             WithinAbs(2.5, 1e-15));
}

TEST_CASE("injected flares respect the flare-level cut", "[injection]") {
  const std::vector<coincidence::FlareSeries> series{
      series_of({0, 100, 200, 300, 400}, {1, 3, 1, 1, 1})};
  const coincidence::RKernel kernel(series, 2.0); // contributions: L if L ≥ 2, else 0
  const std::vector<coincidence::Pair> pairs{{0, 0, 200.0}};
  using Flags = std::vector<std::uint8_t>;
  // Background: inside 0/1, outside 3/4 → R = 0.
  CHECK(coincidence::r0_with_flares(kernel, series, pairs, Flags{0}, 100, 5) == 0.0);
  // Amplitude 5 passes the cut: (5/1)/(3/4) = 20/3.
  CHECK_THAT(coincidence::r0_with_flares(kernel, series, pairs, Flags{1}, 100, 5),
             WithinAbs(20.0 / 3.0, 1e-14));
  // Amplitude 1.5 stays below it: still 0.
  CHECK(coincidence::r0_with_flares(kernel, series, pairs, Flags{1}, 100, 1.5) == 0.0);
}

TEST_CASE("pairs are drawn without replacement", "[injection]") {
  campaign::TrialRng rng(5, "test", 0);
  const auto below = [&rng](std::uint64_t n) { return rng.below(n); };
  for (std::size_t n : {0u, 1u, 3u, 7u, 10u, 25u}) {
    auto idx = coincidence::draw_without_replacement(10, n, below);
    REQUIRE(idx.size() == std::min<std::size_t>(n, 10));
    std::sort(idx.begin(), idx.end());
    CHECK(std::adjacent_find(idx.begin(), idx.end()) == idx.end());
    for (auto i : idx)
      CHECK(i < 10);
  }
  // Every pair is equally likely: each of 4 pairs is drawn ~half the time for n = 2.
  std::vector<int> count(4, 0);
  for (int t = 0; t < 20000; ++t)
    for (auto i : coincidence::draw_without_replacement(4, 2, below))
      ++count[i];
  for (int c : count)
    CHECK_THAT(c / 20000.0, WithinAbs(0.5, 0.02));
  CHECK(coincidence::draw_without_replacement(0, 3, below).empty());
}

TEST_CASE("p-values of real statistics: NaN never counts, NaN signal is p = 1", "[injection]") {
  std::vector<double> bg{2.0, NAN, INFINITY, 1.0, 2.0};
  coincidence::sort_background(bg);
  CHECK(std::isnan(bg[0]));
  CHECK(coincidence::p_value_sorted(std::span<const double>(bg), 2.0) == Approx(4.0 / 6.0));
  CHECK(coincidence::p_value_sorted(std::span<const double>(bg), 3.0) == Approx(2.0 / 6.0));
  CHECK(coincidence::p_value_sorted(std::span<const double>(bg), INFINITY) == Approx(2.0 / 6.0));
  CHECK(coincidence::p_value_sorted(std::span<const double>(bg), 0.5) == Approx(5.0 / 6.0));
  CHECK(coincidence::p_value_sorted(std::span<const double>(bg), NAN) == 1.0);
}

TEST_CASE("the real-valued summary equals the count summary on the same numbers", "[injection]") {
  campaign::TrialRng rng(8, "test", 0);
  std::vector<std::int64_t> bg(500), sig(3 * 40);
  for (auto& b : bg)
    b = static_cast<std::int64_t>(rng.below(30));
  for (std::size_t i = 0; i < sig.size(); ++i)
    sig[i] = static_cast<std::int64_t>(rng.below(30) + 10 * (i / 40));
  const std::vector<double> strengths{0, 5, 10};
  const auto a = coincidence::summarize_sensitivity(bg, sig, strengths);
  const std::vector<double> bgd(bg.begin(), bg.end()), sigd(sig.begin(), sig.end());
  const auto b = coincidence::summarize_sensitivity(std::span<const double>(bgd),
                                                    std::span<const double>(sigd), strengths);
  CHECK(a.frac_p05 == b.frac_p05);
  CHECK(a.frac_3sigma == b.frac_3sigma);
  CHECK(a.median_p == b.median_p);
  CHECK(((a.sensitivity == b.sensitivity) ||
         (std::isnan(a.sensitivity) && std::isnan(b.sensitivity))));
  // A NaN signal trial is no detection.
  std::vector<double> nan_signal(40, NAN);
  const auto c = coincidence::summarize_sensitivity(
      std::span<const double>(bgd), std::span<const double>(nan_signal), std::vector<double>{0});
  CHECK(c.frac_p05 == std::vector<double>{0.0});
  CHECK(c.median_p == std::vector<double>{1.0});
}
