// Simultaneity subgroups and mean ρ (blazar paper §6.2, Table 1),
// and the p-value helpers of the time campaigns (docs/methods.md), by hand.
#include "nuflare_catch.hpp"

#include "nuflare/campaign/temporal_campaign.hpp"
#include "nuflare/coincidence/simultaneity.hpp"

#include <cmath>
#include <limits>

using namespace nuflare;
using coincidence::RhoSource;

namespace {
const double NaN = std::numeric_limits<double>::quiet_NaN();
}

TEST_CASE("region subgroups split at 1 degree from the alert centre", "[simultaneity]") {
  io::Alert a;
  a.ra_deg = 100;
  a.dec_deg = 0;
  a.ra_plus_deg = a.ra_minus_deg = a.dec_plus_deg = a.dec_minus_deg = 3;
  const std::vector<io::Alert> alerts = {a};
  const std::vector<RhoSource> s = {
      {100.5, 0.5, 0.8, false}, // 0.707° from the centre: near
      {102.0, 0.0, 0.2, false}, // 2°: far
      {102.9, 2.9, 0.4, false}, // corner of the rectangle (outside the ellipse): far
      {100.2, 0.0, NaN, false}, // does not flare in both bands: never counted
      {110.0, 0.0, 0.9, true},  // outside every region, warm spot
      {120.0, 0.0, 0.1, false}, // pool
  };
  const auto g = coincidence::region_subgroups(s, alerts, 1.0, 1.0);
  REQUIRE(g.near == std::vector<std::uint32_t>{0});
  REQUIRE(g.far == std::vector<std::uint32_t>{1, 2});
  CHECK(coincidence::mean_rho(s, g.far) == Approx(0.3));
  // Factor 0.5 shrinks the rectangle to ±1.5°: only the two near the centre stay.
  const auto half = coincidence::region_subgroups(s, alerts, 0.5, 1.0);
  CHECK(half.near.size() == 1);
  CHECK(half.far.empty());
  // Scrambled centre at RA 120: source 5 is at the centre.
  const std::vector<double> ra = {120.0};
  const auto moved = coincidence::region_subgroups(s, alerts, 1.0, 1.0, ra);
  CHECK(moved.near == std::vector<std::uint32_t>{5});
  const auto w = coincidence::warm_spot_split(s);
  CHECK(w.warm == std::vector<std::uint32_t>{4});
  CHECK(w.pool.size() == 4);
  CHECK(std::isnan(coincidence::mean_rho(s, std::vector<std::uint32_t>{3})));
}

TEST_CASE("p-value helpers", "[temporal][stats]") {
  const std::vector<double> t = {1, 2, 3, 4, NaN};
  CHECK(campaign::right_tail_p(3, t) == Approx(3.0 / 6.0)); // 3 and 4 are >= 3
  CHECK(std::isnan(campaign::right_tail_p(NaN, t)));
  CHECK(campaign::percentile(t, 50) == Approx(2.5));
  CHECK(campaign::percentile(t, 16) == Approx(1.48));
  CHECK(campaign::finite_mean(t) == Approx(2.5));
  // Two columns, four trials: trial p = #{>= value}/N per column, min over columns.
  const std::vector<double> m = {1, 4, //
                                 2, 3, //
                                 3, 2, //
                                 4, NaN};
  const auto mins = campaign::trial_min_p(m, 2, 0, 2);
  REQUIRE(mins.size() == 4);
  CHECK(mins[0] == Approx(0.25)); // column 1: 4 is the largest of 3 finite -> 1/4
  CHECK(mins[1] == Approx(0.5));
  CHECK(mins[2] == Approx(0.5));
  CHECK(mins[3] == Approx(0.25));
  // Observed smallest p 0.25: trials 0 and 3 reach it -> (2+1)/(4+1).
  const std::vector<double> obs = {0.25, NaN};
  CHECK(campaign::post_trial_p(obs, mins) == Approx(0.6));
}
