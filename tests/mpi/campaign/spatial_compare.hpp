#pragma once
// Byte-for-byte comparison of spatial indexes and interval tables, shared by
// the tests of the index and tables built once per node (docs/scaling.md,
// "Build once per node").
#include "nuflare/coincidence/spatial.hpp"

#include "nuflare_bytes.hpp"
#include "nuflare_catch.hpp"

#include <algorithm>
#include <cstring>
#include <span>

namespace nuflare::test {

//! The columns, thresholds and counts of two index views.
inline void check_same_index(const coincidence::SpatialIndexView& a,
                             const coincidence::SpatialIndexView& b) {
  REQUIRE(a.n_selected() == b.n_selected());
  CHECK(same_bytes(a.thresholds, b.thresholds));
  CHECK(same_bytes(a.events_above, b.events_above));
  CHECK(same_bytes(a.dec_deg, b.dec_deg));
  CHECK(same_bytes(a.ra_deg, b.ra_deg));
  CHECK(same_bytes(a.cos_dec, b.cos_dec));
  CHECK(same_bytes(a.radius_deg, b.radius_deg));
  CHECK(same_bytes(a.hav_radius, b.hav_radius));
  CHECK(same_bytes(a.bin, b.bin));
  CHECK(a.max_radius_deg == b.max_radius_deg);
}

//! The arrays of two table views, field by field (a SpatialSpan's padding
//! bytes are not part of the tables).
inline void check_same_tables(const coincidence::SpatialTablesView& a,
                              const coincidence::SpatialTablesView& b) {
  CHECK(a.spans.size() == b.spans.size());
  for (std::size_t i = 0; i < std::min(a.spans.size(), b.spans.size()); ++i)
    if (std::memcmp(&a.spans[i].lo, &b.spans[i].lo, sizeof(double)) != 0 ||
        std::memcmp(&a.spans[i].hi, &b.spans[i].hi, sizeof(double)) != 0 ||
        a.spans[i].event != b.spans[i].event) {
      FAIL_CHECK("interval " << i << " differs");
      break;
    }
  CHECK(same_bytes(a.span_offset, b.span_offset));
  CHECK(same_bytes(a.bucket_start, b.bucket_start));
  CHECK(same_bytes(a.tier_offset, b.tier_offset));
  CHECK(same_bytes(a.always_event, b.always_event));
  REQUIRE(a.tiers.size() == b.tiers.size());
  for (std::size_t t = 0; t < a.tiers.size(); ++t) {
    INFO("tier " << t);
    CHECK(a.tiers[t].bucket_begin == b.tiers[t].bucket_begin);
    CHECK(a.tiers[t].n_buckets == b.tiers[t].n_buckets);
    CHECK(std::memcmp(&a.tiers[t].reach, &b.tiers[t].reach, sizeof(double)) == 0);
    CHECK(std::memcmp(&a.tiers[t].origin, &b.tiers[t].origin, sizeof(double)) == 0);
    CHECK(std::memcmp(&a.tiers[t].per_deg, &b.tiers[t].per_deg, sizeof(double)) == 0);
  }
}

} // namespace nuflare::test
