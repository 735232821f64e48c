// The spatial index written in parts (docs/scaling.md, "Build once per
// node"): rank 0 selects and orders the events once and writes the columns
// straight into its node's shared block, split over its threads. Any split
// of the rows must give the bytes SpatialIndex builds in one piece, and the
// shared index must equal every rank's own at 1, 2 and 4 ranks — including
// an empty selection and events that share a declination (ties keep input
// order). Registered at 1, 2 and 4 ranks.
#include "nuflare/campaign/shared_spatial.hpp"
#include "nuflare/coincidence/spatial.hpp"

#include "nuflare_mpi.hpp"
#include "nuflare_sky.hpp"

#include <cstdlib>
#include <cstring>
#include <random>

using namespace nuflare;

namespace {

template <class T>
bool same(std::span<const T> a, std::span<const T> b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size_bytes()) == 0);
}

void check_same_index(const coincidence::SpatialIndexView& a,
                      const coincidence::SpatialIndexView& b) {
  REQUIRE(a.n_selected() == b.n_selected());
  CHECK(same(a.thresholds, b.thresholds));
  CHECK(same(a.events_above, b.events_above));
  CHECK(same(a.dec_deg, b.dec_deg));
  CHECK(same(a.ra_deg, b.ra_deg));
  CHECK(same(a.cos_dec, b.cos_dec));
  CHECK(same(a.radius_deg, b.radius_deg));
  CHECK(same(a.hav_radius, b.hav_radius));
  CHECK(same(a.bin, b.bin));
  CHECK(a.max_radius_deg == b.max_radius_deg);
}

//! An isotropic sky where every 7th event repeats the declination of the one
//! before it (ties), with a few events that the selection drops.
io::EventSample tied_sky(std::size_t n) {
  auto events = test::isotropic_events(n, 23, 4.5, 1.8, 3.0);
  for (std::size_t i = 7; i < n; i += 7)
    events.dec_deg[i] = events.dec_deg[i - 1];
  for (std::size_t i = 5; i < n; i += 101)
    events.angerr_deg[i] = 50; // above max_angerr_deg
  return events;
}

coincidence::SpatialConfig config() {
  coincidence::SpatialConfig cfg;
  cfg.max_angerr_deg = 4;
  return cfg;
}

} // namespace

TEST_CASE("a selection written in any split of its rows equals the index built in one piece",
          "[shared][mpi]") {
  const auto events = tied_sky(20000);
  const coincidence::SpatialSelection selection(events, config());
  const coincidence::SpatialIndex whole(events, config());
  const std::size_t n = selection.n_selected();
  REQUIRE(n == whole.n_selected());
  REQUIRE(n > 15000);
  REQUIRE(n < events.size()); // the selection dropped some
  CHECK(selection.events_above() == whole.events_above());
  CHECK(selection.max_radius_deg() == whole.selected().max_radius_deg);

  std::mt19937_64 gen(static_cast<unsigned>(3 + test::rank_of()));
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::vector<double> dec(n), ra(n), cos_dec(n), radius(n), hav(n);
    std::vector<std::uint16_t> bin(n);
    const coincidence::SpatialIndexOut out{dec, ra, cos_dec, radius, hav, bin};
    // Cuts at random rows, written in reverse order: no part depends on another.
    std::vector<std::size_t> cuts{0, n};
    for (int k = 0; k < attempt * 3; ++k)
      cuts.push_back(std::uniform_int_distribution<std::size_t>(0, n)(gen));
    std::sort(cuts.begin(), cuts.end());
    for (std::size_t k = cuts.size() - 1; k-- > 0;)
      selection.write(out, cuts[k], cuts[k + 1]);
    INFO("attempt " << attempt);
    coincidence::SpatialIndexView mine = whole.view();
    mine.dec_deg = dec;
    mine.ra_deg = ra;
    mine.cos_dec = cos_dec;
    mine.radius_deg = radius;
    mine.hav_radius = hav;
    mine.bin = bin;
    check_same_index(whole.view(), mine);
  }
}

TEST_CASE("the shared index, written in parts into the node's block, equals each rank's own",
          "[shared][mpi]") {
  // Large enough that rank 0 may split the write over threads where it has
  // processors to spare; only rank 0 has the events (Deliver::first_rank).
  const auto events = tied_sky(200000);
  const io::EventSample none;
  const coincidence::SpatialIndex own(events, config());
  const campaign::SharedSpatialIndex shared(MPI_COMM_WORLD, test::rank_of() == 0 ? events : none,
                                            config());
  check_same_index(own.view(), shared.view());

  SECTION("and with every rank its own copy (NUFLARE_NO_SHARED_MEMORY)") {
    ::setenv("NUFLARE_NO_SHARED_MEMORY", "1", 1);
    const campaign::SharedSpatialIndex apart(MPI_COMM_WORLD, test::rank_of() == 0 ? events : none,
                                             config());
    ::unsetenv("NUFLARE_NO_SHARED_MEMORY");
    check_same_index(own.view(), apart.view());
  }
}

TEST_CASE("an empty selection gives an empty shared index on every rank", "[shared][mpi]") {
  auto events = tied_sky(50);
  for (double& e : events.angerr_deg)
    e = 50; // nothing passes
  const io::EventSample none;
  const coincidence::SpatialIndex own(events, config());
  const campaign::SharedSpatialIndex shared(MPI_COMM_WORLD, test::rank_of() == 0 ? events : none,
                                            config());
  CHECK(shared.n_selected() == 0);
  check_same_index(own.view(), shared.view());
  CHECK(shared.events_above() == std::vector<std::int64_t>(own.n_thresholds(), 0));
}
