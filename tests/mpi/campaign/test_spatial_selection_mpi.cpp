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
#include "spatial_compare.hpp"

#include <cstdlib>
#include <random>

using namespace nuflare;

namespace {

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

//! `events` cut into consecutive samples at `cuts` (the seasons of one sample).
std::vector<io::EventSample> in_parts(const io::EventSample& events,
                                      const std::vector<std::size_t>& cuts) {
  std::vector<io::EventSample> parts;
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
    io::EventSample p;
    const auto from = static_cast<std::ptrdiff_t>(cuts[k]);
    const auto to = static_cast<std::ptrdiff_t>(cuts[k + 1]);
    const auto take = [&](std::vector<double>& out, const std::vector<double>& in) {
      out.assign(in.begin() + from, in.begin() + to);
    };
    take(p.mjd, events.mjd);
    take(p.log10_e, events.log10_e);
    take(p.angerr_deg, events.angerr_deg);
    take(p.ra_deg, events.ra_deg);
    take(p.dec_deg, events.dec_deg);
    p.season = {"part" + std::to_string(k)};
    p.season_index.assign(cuts[k + 1] - cuts[k], 0);
    parts.push_back(std::move(p));
  }
  return parts;
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
    test::check_same_index(whole.view(), mine);
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
  test::check_same_index(own.view(), shared.view());

  SECTION("and with every rank its own copy (NUFLARE_NO_SHARED_MEMORY)") {
    ::setenv("NUFLARE_NO_SHARED_MEMORY", "1", 1);
    const campaign::SharedSpatialIndex apart(MPI_COMM_WORLD, test::rank_of() == 0 ? events : none,
                                             config());
    ::unsetenv("NUFLARE_NO_SHARED_MEMORY");
    test::check_same_index(own.view(), apart.view());
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
  test::check_same_index(own.view(), shared.view());
  CHECK(shared.events_above() == std::vector<std::int64_t>(own.n_thresholds(), 0));
}

TEST_CASE("the index of the seasons as read equals the index of their concatenation",
          "[shared][mpi]") {
  // Ties across the seasons' boundaries keep the concatenation's order: the
  // cuts fall between events of one declination (every 7th repeats the one
  // before it), and one season is empty.
  const auto events = tied_sky(20000);
  const std::vector<std::size_t> cuts{0, 7, 7, 3500, 14000, 20000};
  REQUIRE(events.dec_deg[6] == events.dec_deg[7]);
  REQUIRE(events.dec_deg[14000] == events.dec_deg[13999]);
  const coincidence::SpatialIndex whole(events, config());
  const auto parts = in_parts(events, cuts);

  const coincidence::SpatialIndex from_span(
      coincidence::SpatialSelection(std::span<const io::EventSample>(parts), config()));
  test::check_same_index(whole.view(), from_span.view());
  auto consumed = parts;
  const coincidence::SpatialIndex from_moved(
      coincidence::SpatialSelection(std::move(consumed), config()));
  test::check_same_index(whole.view(), from_moved.view());
  for (const auto& p : consumed)
    CHECK(p.size() == 0); // each season freed once selected from

  // Shared: only rank 0 has the seasons (read_event_parts_once).
  const std::vector<io::EventSample> none;
  auto mine = test::rank_of() == 0 ? parts : none;
  const campaign::SharedSpatialIndex by_span(MPI_COMM_WORLD, std::span<const io::EventSample>(mine),
                                             config());
  test::check_same_index(whole.view(), by_span.view());
  const campaign::SharedSpatialIndex by_move(MPI_COMM_WORLD, std::move(mine), config());
  test::check_same_index(whole.view(), by_move.view());
}
