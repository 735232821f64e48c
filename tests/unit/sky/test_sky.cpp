// Sky geometry against ../shared/ORACLES.md ("Sky") and astropy.
#include "nuflare/core/error.hpp"
#include "nuflare/sky/coordinates.hpp"
#include "nuflare/sky/region.hpp"

#include "nuflare_catch.hpp"

using namespace nuflare;
using Catch::Matchers::WithinAbs;

TEST_CASE("angular distance matches the ORACLES table at all separations", "[sky]") {
  CHECK_THAT(sky::angular_distance_deg(0, 0, 1, 1), WithinAbs(1.414177660952, 1e-11));
  CHECK_THAT(sky::angular_distance_deg(10, 80, 190, 80), WithinAbs(20.0, 1e-11));
  CHECK_THAT(sky::angular_distance_deg(359.5, 0, 0.5, 0), WithinAbs(1.0, 1e-11));
  CHECK_THAT(sky::angular_distance_deg(120.28, 6.35, 121, 7), WithinAbs(0.966379858380, 1e-11));
  // Tiny and antipodal separations stay accurate (where cos / haversine fail).
  CHECK_THAT(sky::angular_distance_deg(10, 20, 10, 20 + 1e-9), WithinAbs(1e-9, 1e-14));
  CHECK_THAT(sky::angular_distance_deg(0, 0, 180, 0), WithinAbs(180.0, 1e-12));
  CHECK_THAT(sky::angular_distance_deg(0, 10, 180, -10 + 1e-7), WithinAbs(180.0 - 1e-7, 1e-9));
}

TEST_CASE("unit vectors are consistent with the angular distance", "[sky]") {
  const auto a = sky::unit_vector(120.28, 6.35);
  const auto b = sky::unit_vector(121, 7);
  CHECK_THAT(std::acos(a.dot(b)) / sky::DEG, WithinAbs(0.966379858380, 1e-9));
  CHECK_THAT(a.dot(a), WithinAbs(1.0, 1e-15));
}

TEST_CASE("J2000 to Galactic agrees with astropy", "[sky]") {
  // ORACLES.md: TXS 0506+056, to 1e-4; the others computed with astropy here.
  auto g = sky::to_galactic(77.3593, 5.7014);
  CHECK_THAT(g.l_deg, WithinAbs(195.39853905419713, 1e-6));
  CHECK_THAT(g.b_deg, WithinAbs(-19.630776531047804, 1e-6));
  g = sky::to_galactic(10, -30);
  CHECK_THAT(g.l_deg, WithinAbs(343.4275191023234, 1e-6));
  CHECK_THAT(g.b_deg, WithinAbs(-86.18536792186119, 1e-6));
  g = sky::to_galactic(250, 70);
  CHECK_THAT(g.l_deg, WithinAbs(102.01508671890674, 1e-6));
  CHECK_THAT(g.b_deg, WithinAbs(36.41594002147859, 1e-6));
}

namespace {
io::Alert make_alert(double ra, double dec, double rp, double rm, double dp, double dm) {
  io::Alert a;
  a.name = "IC000000A";
  a.ra_deg = ra;
  a.dec_deg = dec;
  a.ra_plus_deg = rp;
  a.ra_minus_deg = rm;
  a.dec_plus_deg = dp;
  a.dec_minus_deg = dm;
  return a;
}
} // namespace

TEST_CASE("rectangle regions use the quadrant's half-widths and wrap in RA", "[sky]") {
  const auto a = make_alert(359.0, 10.0, 2.0, 1.0, 1.0, 0.5);
  using sky::RegionShape;
  CHECK(sky::in_region(a, 0.9, 10.0, 1.0, RegionShape::rectangle));       // +1.9 in RA, wraps
  CHECK_FALSE(sky::in_region(a, 1.1, 10.0, 1.0, RegionShape::rectangle)); // +2.1
  CHECK(sky::in_region(a, 358.1, 10.0, 1.0, RegionShape::rectangle));     // -0.9
  CHECK_FALSE(sky::in_region(a, 357.9, 10.0, 1.0, RegionShape::rectangle));
  CHECK_FALSE(sky::in_region(a, 359.0, 9.4, 1.0, RegionShape::rectangle)); // -0.6 > 0.5
  // The containment factor scales every half-width linearly.
  CHECK(sky::in_region(a, 359.0, 9.4, 1.3, RegionShape::rectangle));
  CHECK(sky::in_region(a, 1.5, 10.0, 1.3, RegionShape::rectangle)); // 2.5 <= 2.6
}

TEST_CASE("ellipse regions are inscribed in the rectangle", "[sky]") {
  const auto a = make_alert(100.0, 40.0, 2.0, 1.0, 1.0, 0.5);
  using sky::RegionShape;
  // On the axes the ellipse reaches the rectangle's edges.
  CHECK(sky::in_region(a, 101.99, 40.0, 1.0, RegionShape::ellipse));
  CHECK(sky::in_region(a, 100.0, 40.99, 1.0, RegionShape::ellipse));
  // Near the rectangle's corner it does not: (0.9·2)² /2² + (0.9)² > 1.
  CHECK(sky::in_region(a, 101.8, 40.9, 1.0, RegionShape::rectangle));
  CHECK_FALSE(sky::in_region(a, 101.8, 40.9, 1.0, RegionShape::ellipse));
  // (0.6)² + (0.6)² = 0.72 <= 1 in the lower-left quadrant.
  CHECK(sky::in_region(a, 100.0 - 0.6, 40.0 - 0.3, 1.0, RegionShape::ellipse));
  CHECK_FALSE(sky::in_region(a, 100.0 - 0.8, 40.0 - 0.4, 1.0, RegionShape::ellipse)); // 1.28
  CHECK(sky::in_region(a, 100.0 - 0.8, 40.0 - 0.4, 1.5, RegionShape::ellipse));       // 0.57
}

TEST_CASE("scrambled alert centres move the region in RA only", "[sky]") {
  const auto a = make_alert(100.0, 0.0, 1.0, 1.0, 1.0, 1.0);
  CHECK(sky::in_region_at(a, 200.0, 200.5, 0.0, 1.0, sky::RegionShape::ellipse));
  CHECK_FALSE(sky::in_region_at(a, 200.0, 100.0, 0.0, 1.0, sky::RegionShape::ellipse));
  std::vector<io::Alert> alerts{a, make_alert(200.0, 0.0, 1.0, 1.0, 1.0, 1.0)};
  CHECK(sky::in_any_region(alerts, 200.2, 0.1, 1.0, sky::RegionShape::ellipse));
  CHECK(sky::alerts_containing(alerts, 200.2, 0.1, 1.0, sky::RegionShape::ellipse) ==
        std::vector<std::size_t>{1});
  CHECK_THROWS_AS(sky::parse_region_shape("circle"), core::ConfigError);
}
