#include "nuflare/sim/icecube.hpp"

#include "nuflare/campaign/rng.hpp"
#include "nuflare/sim/quantize.hpp"
#include "nuflare/sim/random.hpp"
#include "nuflare/sky/coordinates.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <numeric>

namespace nuflare::sim {

using campaign::TrialRng;

std::string season_name(const EventsConfig& config, int index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d", index + 1);
  return config.prefix + buf;
}

io::GoodRunList simulate_good_runs(const EventsConfig& config, int index, std::uint64_t seed) {
  TrialRng rng(seed, "sim.uptime", static_cast<std::uint64_t>(index));
  io::GoodRunList runs;
  runs.season = season_name(config, index);
  const double start = config.start_mjd + index * config.season_days;
  const double stop = start + config.season_days;
  const double mean_run_days = config.run_hours / 24.0;
  // Gaps scale with the run length so that on average livetime/span = uptime.
  const double gap_ratio = 1.0 / config.uptime - 1.0;
  double t = start;
  while (t < stop) {
    const double run = mean_run_days * rng.uniform(0.5, 1.5);
    const double gap = run * gap_ratio * rng.uniform(0.0, 2.0);
    const double begin = quantize(t, 8);
    const double end = quantize(std::min(t + run, stop), 8);
    if (end > begin + 1e-6) {
      runs.start_mjd.push_back(begin);
      runs.stop_mjd.push_back(end);
    }
    t += run + gap;
  }
  return runs;
}

double draw_angerr_deg(TrialRng& rng, double log10_e) {
  // IC40 fit, docs/methods.md (simulator) §1.3.
  const double lo = std::log10(ic40::ANGERR_MIN_DEG), hi = std::log10(ic40::ANGERR_MAX_DEG);
  const double mean = ic40::ANGERR_A + ic40::ANGERR_B * log10_e;
  return std::pow(10.0, draw_truncated_normal(rng, mean, ic40::ANGERR_SIGMA, lo, hi));
}

EventDraw draw_background_event(TrialRng& rng) {
  EventDraw e{};
  const double sin_dec = draw_binned(rng, ic40::SIN_DEC_PDF, -1.0, 0.1);
  e.dec_deg = std::asin(std::clamp(sin_dec, -1.0, 1.0)) / sky::DEG;
  const auto& pdf =
      sin_dec < ic40::SPLIT_SIN_DEC ? ic40::LOG10_E_PDF_SOUTH : ic40::LOG10_E_PDF_NORTH;
  e.log10_e = draw_binned(rng, pdf, ic40::LOG10_E_MIN, ic40::LOG10_E_BIN);
  e.angerr_deg = draw_angerr_deg(rng, e.log10_e);
  return e;
}

double draw_uptime_mjd(TrialRng& rng, const io::GoodRunList& runs) {
  const double live = runs.livetime_days();
  double u = rng.uniform() * live;
  for (std::size_t i = 0; i < runs.start_mjd.size(); ++i) {
    const double d = runs.stop_mjd[i] - runs.start_mjd[i];
    if (u < d || i + 1 == runs.start_mjd.size())
      return runs.start_mjd[i] + std::min(u, d);
    u -= d;
  }
  return runs.start_mjd.empty() ? 0.0 : runs.start_mjd.front();
}

namespace {

//! Greenwich mean sidereal time [deg] (IAU 1982, enough for a plausible azimuth).
double gmst_deg(double mjd) {
  const double g = 280.46061837 + 360.98564736629 * (mjd - 51544.5);
  return g - 360.0 * std::floor(g / 360.0);
}

//! log10(E/GeV) from dN/dlog10E ∝ 10^((1 - index) x) on [lo, hi] (inverse CDF).
double draw_power_law_log10_e(TrialRng& rng, double index, double lo, double hi) {
  const double k = (1.0 - index) * std::log(10.0);
  const double u = rng.uniform();
  if (std::abs(k) < 1e-12)
    return lo + u * (hi - lo);
  const double a = std::exp(k * lo), b = std::exp(k * hi);
  return std::log(a + u * (b - a)) / k;
}

//! Position at angular distance `dist_deg` from (ra, dec) in direction
//! `bearing` [rad] (the spherical destination-point formula).
void offset_position(double ra_deg, double dec_deg, double dist_deg, double bearing, double& ra_out,
                     double& dec_out) {
  const double d = dist_deg * sky::DEG, dec = dec_deg * sky::DEG;
  const double sin_dec2 =
      std::sin(dec) * std::cos(d) + std::cos(dec) * std::sin(d) * std::cos(bearing);
  const double dec2 = std::asin(std::clamp(sin_dec2, -1.0, 1.0));
  const double dra = std::atan2(std::sin(bearing) * std::sin(d) * std::cos(dec),
                                std::cos(d) - std::sin(dec) * sin_dec2);
  ra_out = ra_deg + dra / sky::DEG;
  ra_out -= 360.0 * std::floor(ra_out / 360.0);
  dec_out = dec2 / sky::DEG;
}

} // namespace

Season simulate_season(const EventsConfig& config, const InjectionConfig& injection, int index,
                       std::uint64_t seed, const std::vector<SignalSource>& signal) {
  Season s;
  s.runs = simulate_good_runs(config, index, seed);
  s.area = simulate_effective_area(s.runs.season);

  struct Row {
    double mjd, log10_e, angerr, ra, dec;
  };
  std::vector<Row> rows;
  rows.reserve(config.per_season);
  TrialRng rng(seed, "sim.events", static_cast<std::uint64_t>(index));
  for (std::size_t i = 0; i < config.per_season; ++i) {
    const auto e = draw_background_event(rng);
    Row r{};
    r.mjd = draw_uptime_mjd(rng, s.runs);
    r.ra = rng.uniform(0.0, 360.0);
    r.dec = e.dec_deg;
    r.log10_e = e.log10_e;
    r.angerr = e.angerr_deg;
    rows.push_back(r);
  }
  // Signal: Poisson counts around each source, E^-index energies, directions
  // offset by a 2-D Gaussian of width AngErr (Rayleigh-distributed distance).
  TrialRng srng(seed, "sim.signal", static_cast<std::uint64_t>(index));
  for (const auto& src : signal) {
    const auto n = draw_poisson(srng, src.mean_events);
    for (std::uint64_t k = 0; k < n; ++k) {
      Row r{};
      r.mjd = draw_uptime_mjd(srng, s.runs);
      r.log10_e = draw_power_law_log10_e(srng, injection.spectral_index, injection.log10_e_min,
                                         injection.log10_e_max);
      r.angerr = draw_angerr_deg(srng, r.log10_e);
      const double dist = r.angerr * std::sqrt(-2.0 * std::log(1.0 - srng.uniform()));
      offset_position(src.ra_deg, src.dec_deg, dist, srng.uniform(0.0, 2.0 * std::numbers::pi),
                      r.ra, r.dec);
      rows.push_back(r);
    }
  }
  for (auto& r : rows) {
    // Quantise to the precision written in the file, so the file reads back
    // to exactly these values.
    r.mjd = quantize(r.mjd, 8);
    r.log10_e = quantize(r.log10_e, 2);
    r.angerr = std::max(quantize(r.angerr, 2), 0.01);
    r.ra = quantize_ra(r.ra, 3);
    r.dec = std::clamp(quantize(r.dec, 3), -90.0, 90.0);
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.mjd < b.mjd; });

  auto& ev = s.events;
  ev.season = {s.runs.season};
  for (const auto& r : rows) {
    ev.mjd.push_back(r.mjd);
    ev.log10_e.push_back(r.log10_e);
    ev.angerr_deg.push_back(r.angerr);
    ev.ra_deg.push_back(r.ra);
    ev.dec_deg.push_back(r.dec);
    ev.season_index.push_back(0);
    // At the South Pole zenith = Dec + 90°; azimuth follows the hour angle.
    double az = r.ra - gmst_deg(r.mjd);
    az -= 360.0 * std::floor(az / 360.0);
    s.azimuth_deg.push_back(quantize_ra(az, 3));
    s.zenith_deg.push_back(quantize(90.0 + r.dec, 3));
  }
  return s;
}

io::EffectiveArea simulate_effective_area(const std::string& season) {
  io::EffectiveArea a;
  a.season = season;
  constexpr int N_E = 20, N_DEC = 20;
  for (int i = 0; i < N_E; ++i) {
    const double e_lo = 2.0 + 0.25 * i, e_hi = e_lo + 0.25;
    const double x = 0.5 * (e_lo + e_hi);
    // Rising with energy, flattening above a PeV (shape of the IC40-IC86 tables).
    const double log10_a = -0.5 + 1.6 * (x - 2.0) - 0.15 * (x - 2.0) * (x - 2.0);
    for (int j = 0; j < N_DEC; ++j) {
      const double s_lo = -1.0 + 0.1 * j, s_hi = s_lo + 0.1;
      const double sd = 0.5 * (s_lo + s_hi);
      double factor = 1.0;
      if (sd > 0) // Earth absorption of up-going neutrinos above ~100 TeV
        factor = std::exp(-std::pow(10.0, x - 6.0) * sd);
      if (sd < ic40::SPLIT_SIN_DEC) // the southern veto's energy threshold (IC40 events peak at
                                    // 10^5.5 GeV)
        factor = 1.0 / (1.0 + std::pow(10.0, 2.0 * (5.0 - x)));
      a.log10_e_min.push_back(e_lo);
      a.log10_e_max.push_back(e_hi);
      a.dec_min_deg.push_back(quantize(std::asin(s_lo) / sky::DEG, 2));
      a.dec_max_deg.push_back(quantize(std::asin(std::min(s_hi, 1.0)) / sky::DEG, 2));
      a.area_cm2.push_back(quantize_significant(std::pow(10.0, log10_a) * factor, 5));
    }
  }
  return a;
}

} // namespace nuflare::sim
