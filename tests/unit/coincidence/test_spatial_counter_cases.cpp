// Spatial counter (blazar paper §6.3) on the cases where an event can be
// counted twice: overlapping sources, seam copies at RA 0/360, circles that
// hold every RA near the poles, large radii, one source, no source, batches
// of 1 and 256 trials, more than 16 thresholds (a histogram in memory, not
// register lanes) and more than 32 767 hits in one trial (the lanes' flush).
// Every trial against the brute-force Vincenty count.
#include "nuflare/coincidence/spatial.hpp"

#include "nuflare_catch.hpp"

#include <cmath>
#include <random>

using namespace nuflare;
using coincidence::SpatialConfig;

namespace {

constexpr double DEG = 0.017453292519943295;

struct Sky {
  io::EventSample events;
  void add(double log10e, double err, double ra, double dec) {
    events.mjd.push_back(55000);
    events.log10_e.push_back(log10e);
    events.angerr_deg.push_back(err);
    events.ra_deg.push_back(ra);
    events.dec_deg.push_back(dec);
    events.season_index.push_back(0);
  }
  Sky() { events.season = {"SIM"}; }
};

//! Events crowded where double counts happen: near the sources' declinations
//! (given), at the RA seam and around both poles, with energies over every
//! threshold bin and radii up to `max_err`.
Sky crowded_sky(std::size_t n, std::span<const double> source_dec, double max_err,
                std::mt19937_64& gen) {
  std::uniform_real_distribution<double> u(0, 1);
  Sky sky;
  for (std::size_t i = 0; i < n; ++i) {
    const double log10e = 4.4 + 2.4 * u(gen);
    const double err = 0.05 + (max_err - 0.05) * u(gen) * u(gen);
    double ra = 360.0 * u(gen), dec = std::asin(2 * u(gen) - 1) / DEG;
    switch (i % 4) {
    case 0: // near a source's declination
      dec = std::clamp(source_dec[i / 4 % source_dec.size()] + 4 * (u(gen) - 0.5), -90.0, 90.0);
      break;
    case 1: // at the seam
      ra = u(gen) < 0.5 ? 3 * u(gen) : 360.0 - 3 * u(gen);
      break;
    case 2: // around a pole
      dec = (u(gen) < 0.5 ? 1 : -1) * (90.0 - 6 * u(gen));
      break;
    default:
      break;
    }
    sky.add(log10e, err, ra, dec);
  }
  return sky;
}

//! Counts `n_trials` random skies of the sources at `dec` in one batch and
//! checks every trial against the brute force.
void check_batch(const Sky& sky, const SpatialConfig& cfg, std::span<const double> dec,
                 std::size_t n_trials, std::mt19937_64& gen, bool near_seam = false) {
  std::uniform_real_distribution<double> u(0, 1);
  const coincidence::SpatialIndex index(sky.events, cfg);
  coincidence::SpatialCounter counter(index, dec);
  const std::size_t n_src = dec.size(), n_thr = index.n_thresholds();
  std::vector<double> ra(n_trials * n_src);
  for (std::size_t i = 0; i < ra.size(); ++i)
    ra[i] =
        near_seam && i % 2 == 0 ? (u(gen) < 0.5 ? 2 * u(gen) : 360.0 - 2 * u(gen)) : 360.0 * u(gen);
  std::vector<std::int64_t> n_obs(n_trials * n_thr);
  counter.count(ra, n_obs);
  std::int64_t hits = 0;
  for (std::size_t b = 0; b < n_trials; ++b) {
    const std::span<const double> trial(ra.data() + b * n_src, n_src);
    const auto slow = coincidence::count_near_sources_brute_force(sky.events, cfg, trial, dec);
    INFO("trial " << b << " of " << n_trials << ", " << n_src << " sources, " << n_thr
                  << " thresholds");
    REQUIRE(std::vector<std::int64_t>(n_obs.begin() + static_cast<std::ptrdiff_t>(b * n_thr),
                                      n_obs.begin() +
                                          static_cast<std::ptrdiff_t>((b + 1) * n_thr)) == slow);
    hits += slow.front();
  }
  if (n_src > 0)
    CHECK(hits > 0); // the case is not empty
}

} // namespace

TEST_CASE("overlapping sources, seam and poles: batches of 1 and 256 trials", "[spatial]") {
  std::mt19937_64 gen(2027);
  std::uniform_real_distribution<double> u(0, 1);
  // Sources in clumps of nearly equal declination (their intervals hold the
  // same events), at the poles and the equator.
  std::vector<double> dec;
  for (int c = 0; c < 6; ++c) {
    const double centre = std::asin(2 * u(gen) - 1) / DEG;
    for (int k = 0; k < 4; ++k)
      dec.push_back(std::clamp(centre + 0.3 * (u(gen) - 0.5), -90.0, 90.0));
  }
  dec.insert(dec.end(), {89.9, 90.0, -89.5, -90.0, 0.0, 0.0});
  const Sky sky = crowded_sky(1200, dec, 6.0, gen);
  SpatialConfig cfg;
  cfg.log10e_min = 4.5;
  cfg.log10e_max = 6.0; // 16 thresholds: every register lane in use
  cfg.max_angerr_deg = 6;
  for (std::size_t n_trials : {1u, 256u}) {
    check_batch(sky, cfg, dec, n_trials, gen);
    check_batch(sky, cfg, dec, n_trials, gen, /*near_seam=*/true);
  }
}

TEST_CASE("large radii, one source, no source", "[spatial]") {
  std::mt19937_64 gen(31);
  const std::vector<double> one = {-12.0};
  const Sky sky = crowded_sky(1500, one, 40.0, gen);
  SpatialConfig cfg;
  cfg.max_angerr_deg = 40;
  cfg.angerr_scale = 2.5; // circles up to 100°: many hold every RA of a source
  check_batch(sky, cfg, one, 256, gen);
  check_batch(sky, cfg, one, 1, gen);
  const std::vector<double> several = {-12.0, -11.0, 30.0, 85.0, -88.0};
  check_batch(sky, cfg, several, 200, gen, /*near_seam=*/true);

  // No source: every trial counts nothing.
  const coincidence::SpatialIndex index(sky.events, cfg);
  coincidence::SpatialCounter empty(index, std::vector<double>{});
  std::vector<std::int64_t> n_obs(3 * index.n_thresholds(), -1);
  empty.count(std::vector<double>{}, n_obs);
  CHECK(n_obs == std::vector<std::int64_t>(n_obs.size(), 0));
}

TEST_CASE("16, 17 and 41 thresholds count alike", "[spatial]") {
  // Up to 16 thresholds are counted in register lanes, more in a histogram.
  std::mt19937_64 gen(5);
  const std::vector<double> dec = {10.0, 10.2, 9.9, -45.0, 60.0, 0.5, 0.4, -89.0};
  const Sky sky = crowded_sky(1500, dec, 5.0, gen);
  for (double log10e_max : {6.0, 6.1}) { // 16, 17 thresholds from 4.5
    SpatialConfig cfg;
    cfg.log10e_min = 4.5;
    cfg.log10e_max = log10e_max;
    check_batch(sky, cfg, dec, 64, gen);
  }
  SpatialConfig fine;
  fine.log10e_min = 4.5;
  fine.log10e_max = 6.5;
  fine.log10e_step = 0.05; // 41 thresholds
  check_batch(sky, fine, dec, 64, gen, /*near_seam=*/true);
  SpatialConfig single; // one threshold
  single.log10e_min = single.log10e_max = 5.0;
  check_batch(sky, single, dec, 16, gen);
}

TEST_CASE("a trial with more than 32 767 hits", "[spatial]") {
  // 40 000 events around one point, every one inside the circle of a source
  // there; two sources at the same place hit each event twice.
  std::mt19937_64 gen(99);
  std::uniform_real_distribution<double> u(0, 1);
  Sky sky;
  for (int i = 0; i < 40000; ++i)
    sky.add(4.8 + 1.3 * u(gen), 1.0 + u(gen), 100.0 + 0.2 * (u(gen) - 0.5),
            20.0 + 0.2 * (u(gen) - 0.5));
  const coincidence::SpatialIndex index(sky.events, SpatialConfig{});
  const std::vector<double> ra = {100.0, 100.01, 100.0, 100.02}, dec = {20.0, 20.01};
  coincidence::SpatialCounter counter(index, dec);
  std::vector<std::int64_t> n_obs(2 * index.n_thresholds());
  counter.count(ra, n_obs);
  const auto slow =
      coincidence::count_near_sources_brute_force(sky.events, SpatialConfig{}, {ra.data(), 2}, dec);
  REQUIRE(slow.front() == 40000);
  CHECK(std::vector<std::int64_t>(n_obs.begin(), n_obs.begin() + 13) == slow);
  CHECK(std::vector<std::int64_t>(n_obs.begin() + 13, n_obs.end()) == slow);
}
