// The spatial and simultaneity sweeps' axes (docs/methods.md "Sweeps"): which
// keys each test reads, the spatial point's keys and its grid.
#include "nuflare/campaign/sweep_campaign.hpp"

#include "nuflare/core/error.hpp"

#include "nuflare_catch.hpp"

#include <string>
#include <vector>

using namespace nuflare;
using namespace nuflare::campaign;

TEST_CASE("each test reads its own keys", "[sweep]") {
  for (const char* key : {"angerr_scale", "max_angerr", "log10e_min", "group", "events"}) {
    CHECK(sweep_key_applies(key, SweepTest::spatial));
    CHECK_FALSE(sweep_key_applies(key, SweepTest::scan));
    CHECK_FALSE(sweep_key_applies(key, SweepTest::simultaneity));
  }
  for (const char* key : {"band", "delta_t", "flare_cut", "lightcurves"}) {
    CHECK(sweep_key_applies(key, SweepTest::scan));
    CHECK(sweep_key_applies(key, SweepTest::temporal));
    CHECK_FALSE(sweep_key_applies(key, SweepTest::spatial));
    CHECK_FALSE(sweep_key_applies(key, SweepTest::simultaneity));
  }
  for (const char* key : {"factor", "split_deg", "alerts", "alerts_max_area", "rho"})
    CHECK(sweep_key_applies(key, SweepTest::simultaneity));
  CHECK_FALSE(sweep_key_applies("split_deg", SweepTest::scan));
  CHECK_FALSE(sweep_key_applies("rho", SweepTest::temporal));
  // Keys of no test's point: every test's.
  for (const char* key : {"trials", "seed", "output", "sources", "axis"})
    for (auto t :
         {SweepTest::scan, SweepTest::temporal, SweepTest::spatial, SweepTest::simultaneity})
      CHECK(sweep_key_applies(key, t));
}

TEST_CASE("a spatial axis is a key of the spatial test", "[sweep]") {
  const auto scale = parse_axis("angerr_scale: 0.5:1.5:3", SweepTest::spatial);
  CHECK(scale.values == std::vector<std::string>{"0.5", "1", "1.5"});
  const auto group = parse_axis("group: TXS-like, CFS", SweepTest::spatial);
  CHECK(group.values == std::vector<std::string>{"TXS-like", "CFS"});
  CHECK_THROWS_AS(parse_axis("band: a,b", SweepTest::spatial), core::FieldError);
  CHECK_THROWS_AS(parse_axis("angerr_scale: 1,2", SweepTest::scan), core::FieldError);
  CHECK_THROWS_AS(parse_axis("angerr_scale: 1,-2", SweepTest::spatial), core::FieldError);
  CHECK_THROWS_AS(parse_axis("events: a.csv", SweepTest::spatial), core::FieldError);
  CHECK_THROWS_AS(parse_axis("delta_t: 100,200", SweepTest::simultaneity), core::FieldError);
  CHECK(parse_axis("split_deg: 0.5, 2", SweepTest::simultaneity).key == "split_deg");
}

TEST_CASE("the spatial grid applies and checks each point", "[sweep]") {
  SpatialPoint base;
  base.spatial.log10e_step = 0.2;
  const auto grid = make_grid(base, {parse_axis("max_angerr: 3, 5", SweepTest::spatial),
                                     parse_axis("group: a, b", SweepTest::spatial)});
  REQUIRE(grid.size() == 4);
  CHECK(grid.points[0].spatial.max_angerr_deg == 3);
  CHECK(grid.points[0].group == "a");
  CHECK(grid.points[1].group == "b");
  CHECK(grid.points[3].spatial.max_angerr_deg == 5);
  CHECK(grid.points[3].spatial.log10e_step == 0.2); // unswept keys keep the base value
  const auto axes = sweep_axes(grid);
  REQUIRE(axes.spec.size() == 2);
  CHECK(axes.spec[0]->key == "max_angerr");
  // A point whose thresholds are inverted is refused with the field named.
  CHECK_THROWS_AS(make_grid(base, {parse_axis("log10e_min: 4, 7", SweepTest::spatial)}),
                  core::FieldError);
  // A time grid without delta_t is refused for scan, not for simultaneity.
  CHECK_THROWS_AS(make_grid(TimePoint{}, {}, SweepTest::scan), core::FieldError);
  CHECK(make_grid(TimePoint{}, {parse_axis("split_deg: 1, 2", SweepTest::simultaneity)},
                  SweepTest::simultaneity)
            .size() == 2);
}
