// Build once per node (docs/scaling.md): the spatial index and the groups'
// interval tables in memory shared by a node's ranks equal what every rank
// would build alone, array by array, and count the same. Registered at 1, 2
// and 4 ranks (one node: 2 and 4 ranks share one copy).
#include "nuflare/campaign/collective.hpp"
#include "nuflare/campaign/node_memory.hpp"
#include "nuflare/campaign/shared_spatial.hpp"

#include "nuflare_mpi.hpp"
#include "nuflare_sky.hpp"
#include "spatial_compare.hpp"

#include <mpi.h>

#include <cmath>
#include <cstdlib>
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
  test::check_same_index(a, shared.view());

  const auto decs = group_decs();
  const campaign::SharedSpatialTables tables(MPI_COMM_WORLD, shared, decs);
  REQUIRE(tables.n_groups() == decs.size());
  std::mt19937_64 gen(static_cast<unsigned>(17 + test::rank_of())); // each rank its own skies
  std::uniform_real_distribution<double> u(0, 1);
  for (std::size_t j = 0; j < decs.size(); ++j) {
    INFO("group " << j);
    const coincidence::SpatialTables alone(a, decs[j]);
    test::check_same_tables(tables.group(j), alone.view());
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

TEST_CASE("tables built straight into the block at any thread count equal one private build",
          "[shared][mpi]") {
  // Counted first, then every (rank, thread) part built at its offsets: at 1,
  // 2 and 4 ranks and 1, 2 and 3 threads a rank (one rank and one thread is
  // the plain private build), the bytes of one single-threaded build.
  const auto events = random_sky(6000);
  coincidence::SpatialConfig cfg;
  cfg.max_angerr_deg = 4;
  const coincidence::SpatialIndex own(events, cfg);
  const auto decs = group_decs();
  for (const unsigned threads : {1u, 2u, 3u}) {
    INFO(threads << " threads a rank, " << test::size_of() << " ranks");
    const campaign::SharedSpatialTables tables(MPI_COMM_WORLD, own.view(), decs, threads);
    for (std::size_t j = 0; j < decs.size(); ++j) {
      INFO("group " << j);
      const coincidence::SpatialTables alone(own.view(), decs[j]);
      test::check_same_tables(tables.group(j), alone.view());
    }
  }
}

TEST_CASE("a counting pass sizes the tables exactly; parts built in place equal one build",
          "[shared]") {
  const auto events = random_sky(6000);
  coincidence::SpatialConfig cfg;
  cfg.max_angerr_deg = 4;
  const coincidence::SpatialIndex own(events, cfg);
  const auto decs = group_decs()[2];
  const coincidence::SpatialTables alone(own.view(), decs);
  const auto whole = coincidence::SpatialTables::count(own.view(), decs);
  const auto built = alone.size();
  CHECK(whole.sources == built.sources);
  CHECK(whole.spans == built.spans);
  CHECK(whole.bucket_starts == built.bucket_starts);
  CHECK(whole.tiers == built.tiers);
  CHECK(whole.always == built.always);

  // Parts [0, 9), [9, 9), [9, 30), [30, 37) built in reverse order into one
  // group's arrays: no part depends on another.
  std::vector<coincidence::SpatialSpan> spans(whole.spans);
  std::vector<std::uint32_t> span_offset(whole.sources + 1, 7), bucket_start(whole.bucket_starts),
      tier_offset(whole.sources + 1, 7), always(whole.always);
  std::vector<coincidence::SpatialTier> tiers(whole.tiers);
  const coincidence::SpatialTablesOut out{spans, span_offset, bucket_start,
                                          tiers, tier_offset, always};
  span_offset[0] = tier_offset[0] = 0;
  const std::vector<std::size_t> cuts{0, 9, 9, 30, decs.size()};
  std::vector<coincidence::SpatialTablesSize> before(cuts.size()), size(cuts.size() - 1);
  const auto part = [&](std::size_t k) {
    return std::span<const double>(decs).subspan(cuts[k], cuts[k + 1] - cuts[k]);
  };
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
    size[k] = coincidence::SpatialTables::count(own.view(), part(k));
    before[k + 1] = before[k];
    before[k + 1] += size[k];
  }
  for (std::size_t k = size.size(); k-- > 0;)
    coincidence::SpatialTables::build(own.view(), part(k), out, before[k], size[k]);
  test::check_same_tables({spans, span_offset, bucket_start, tiers, tier_offset, always},
                          alone.view());

  // A part told a size other than its own is refused, not written past.
  auto short_of_one = size[3];
  --short_of_one.spans;
  CHECK_THROWS(
      coincidence::SpatialTables::build(own.view(), part(3), out, before[3], short_of_one));
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

TEST_CASE("the node's rank count is asked of the communicator once, then kept on it and its "
          "duplicates",
          "[shared][mpi]") {
  // ranks_on_node splits the communicator the first time only (collective.hpp;
  // docs/scaling.md, "Cost model"): afterwards one rank may ask alone. Were it
  // collective still, the lone asker would wait for the others forever and
  // the test would run out of time.
  MPI_Comm comm = MPI_COMM_NULL;
  MPI_Comm_dup(MPI_COMM_WORLD, &comm);
  const int n = campaign::ranks_on_node(comm);
  CHECK(n == test::size_of()); // the tests run on one node
  MPI_Comm copy = MPI_COMM_NULL;
  MPI_Comm_dup(comm, &copy);
  if (test::rank_of() == 0) {
    CHECK(campaign::ranks_on_node(comm) == n);
    CHECK(campaign::ranks_on_node(copy) == n);
    CHECK(campaign::threads_per_rank(copy) >= 1);
  }
  MPI_Barrier(comm);
  MPI_Comm_free(&copy);
  MPI_Comm_free(&comm);
  // A fresh communicator knows nothing yet: every rank asks together.
  MPI_Comm fresh = MPI_COMM_NULL;
  MPI_Comm_dup(MPI_COMM_WORLD, &fresh);
  CHECK(campaign::ranks_on_node(fresh) == n);
  MPI_Comm_free(&fresh);
  CHECK(campaign::ranks_on_node(MPI_COMM_NULL) == 1);
}
