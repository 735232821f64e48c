// Build once per node (docs/scaling.md): the spatial index and the groups'
// interval tables in memory shared by a node's ranks equal what every rank
// would build alone, array by array, and count the same. Registered at 1, 2
// and 4 ranks (one node: 2 and 4 ranks share one copy).
#include "nuflare/campaign/node_memory.hpp"
#include "nuflare/campaign/shared_spatial.hpp"

#include "nuflare_mpi.hpp"
#include "nuflare_sky.hpp"

#include <mpi.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>

using namespace nuflare;

namespace {

io::EventSample random_sky(std::size_t n) {
  return test::isotropic_events(n, 11, 4.5, 1.8, 4.0);
}

//! Three groups of unequal size, with sources at the poles and the RA seam's
//! declinations, so that parts hold "always" events and empty stretches.
std::vector<std::vector<double>> group_decs() {
  std::mt19937_64 gen(4);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::vector<double>> decs(3);
  for (int i = 0; i < 5; ++i)
    decs[0].push_back(std::asin(2 * u(gen) - 1) * 57.29577951308232);
  decs[1] = {89.99, -90.0};
  for (int i = 0; i < 37; ++i)
    decs[2].push_back(std::asin(2 * u(gen) - 1) * 57.29577951308232);
  return decs;
}

template <class T>
bool same(std::span<const T> a, std::span<const T> b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size_bytes()) == 0);
}

//! The arrays of two table views, compared byte for byte.
void check_same_tables(const coincidence::SpatialTablesView& a,
                       const coincidence::SpatialTablesView& b) {
  CHECK(a.spans.size() == b.spans.size());
  for (std::size_t i = 0; i < std::min(a.spans.size(), b.spans.size()); ++i)
    if (a.spans[i].lo != b.spans[i].lo || a.spans[i].hi != b.spans[i].hi ||
        a.spans[i].event != b.spans[i].event) {
      FAIL_CHECK("interval " << i << " differs");
      break;
    }
  CHECK(same(a.span_offset, b.span_offset));
  CHECK(same(a.bucket_start, b.bucket_start));
  CHECK(same(a.tier_offset, b.tier_offset));
  CHECK(same(a.always_event, b.always_event));
  REQUIRE(a.tiers.size() == b.tiers.size());
  for (std::size_t t = 0; t < a.tiers.size(); ++t) {
    CHECK(a.tiers[t].bucket_begin == b.tiers[t].bucket_begin);
    CHECK(a.tiers[t].n_buckets == b.tiers[t].n_buckets);
    CHECK(a.tiers[t].reach == b.tiers[t].reach);
    CHECK(a.tiers[t].origin == b.tiers[t].origin);
    CHECK(a.tiers[t].per_deg == b.tiers[t].per_deg);
  }
}

//! Index and tables shared, checked against every rank's own build.
void check_shared_equals_own() {
  const auto events = random_sky(6000);
  coincidence::SpatialConfig cfg;
  cfg.max_angerr_deg = 4;
  const coincidence::SpatialIndex own(events, cfg);
  // Only rank 0 has the events, as after read_once(..., Deliver::first_rank).
  const io::EventSample none;
  const campaign::SharedSpatialIndex shared(MPI_COMM_WORLD, test::rank_of() == 0 ? events : none,
                                            cfg);

  const auto a = own.view();
  const auto& b = shared.view();
  REQUIRE(b.n_selected() == a.n_selected());
  CHECK(same(a.thresholds, b.thresholds));
  CHECK(same(a.events_above, b.events_above));
  CHECK(same(a.dec_deg, b.dec_deg));
  CHECK(same(a.ra_deg, b.ra_deg));
  CHECK(same(a.cos_dec, b.cos_dec));
  CHECK(same(a.radius_deg, b.radius_deg));
  CHECK(same(a.hav_radius, b.hav_radius));
  CHECK(same(a.bin, b.bin));
  CHECK(a.max_radius_deg == b.max_radius_deg);

  const auto decs = group_decs();
  const campaign::SharedSpatialTables tables(MPI_COMM_WORLD, shared, decs);
  REQUIRE(tables.n_groups() == decs.size());
  std::mt19937_64 gen(static_cast<unsigned>(17 + test::rank_of())); // each rank its own skies
  std::uniform_real_distribution<double> u(0, 1);
  for (std::size_t j = 0; j < decs.size(); ++j) {
    INFO("group " << j);
    const coincidence::SpatialTables alone(a, decs[j]);
    check_same_tables(tables.group(j), alone.view());
    // And they count alike, trial by trial and in a batch.
    coincidence::SpatialCounter mine(own, decs[j]);
    coincidence::SpatialCounter ours(shared, tables.group(j));
    const std::size_t n_src = decs[j].size(), n_thr = own.n_thresholds(), n = 40;
    std::vector<double> ra(n * n_src);
    for (double& x : ra)
      x = 360 * u(gen);
    std::vector<std::int64_t> x(n * n_thr), y(n * n_thr);
    mine.count(ra, x);
    ours.count(ra, y);
    CHECK(x == y);
    CHECK(x.front() > 0);
  }
}

} // namespace

TEST_CASE("shared index and tables equal each rank's own, and count alike", "[shared][mpi]") {
  check_shared_equals_own();
}

TEST_CASE("NUFLARE_NO_SHARED_MEMORY gives every rank its own copy, same results", "[shared][mpi]") {
  ::setenv("NUFLARE_NO_SHARED_MEMORY", "1", 1);
  {
    const campaign::NodeGroup group(MPI_COMM_WORLD);
    CHECK(group.node_size() == 1);
    CHECK(group.n_nodes() == test::size_of());
  }
  check_shared_equals_own();
  ::unsetenv("NUFLARE_NO_SHARED_MEMORY");
}

TEST_CASE("a node's ranks see one block: what one writes, all read", "[shared][mpi]") {
  const campaign::NodeGroup group(MPI_COMM_WORLD);
  // The test machine is one node.
  CHECK(group.node_size() == test::size_of());
  CHECK(group.n_nodes() == 1);
  CHECK(group.leader() == (test::rank_of() == 0));
  campaign::SharedBlock block(group, 4096);
  auto* words = reinterpret_cast<std::int32_t*>(block.data());
  // Every rank writes its own word; after publish() every rank reads all.
  words[group.node_rank()] = 1000 + group.node_rank();
  block.publish();
  for (int r = 0; r < group.node_size(); ++r)
    CHECK(words[r] == 1000 + r);
}

TEST_CASE("a configuration error seen by rank 0 alone stops every rank", "[shared][mpi]") {
  coincidence::SpatialConfig cfg;
  cfg.max_angerr_deg = 0; // refused by the index, which only rank 0 builds
  const auto events = random_sky(100);
  CHECK_THROWS_WITH(campaign::SharedSpatialIndex(MPI_COMM_WORLD, events, cfg),
                    "max_angerr: must be > 0, got 0");
}
