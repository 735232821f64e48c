// Signal injection and the sensitivity summary (issue 7; docs/methods.md).
#include "nuflare/campaign/rng.hpp"
#include "nuflare/coincidence/injection.hpp"

#include "nuflare_catch.hpp"

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
