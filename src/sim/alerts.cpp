#include "nuflare/sim/alerts.hpp"

#include "nuflare/campaign/rng.hpp"
#include "nuflare/sim/quantize.hpp"
#include "nuflare/sim/random.hpp"
#include "nuflare/sky/coordinates.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace nuflare::sim {

namespace {

//! Civil date of a day count since 1970-01-01 (H. Hinnant's algorithm).
void civil_from_days(long z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long yy = static_cast<long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yy + (m <= 2));
}

constexpr double MJD_UNIX_EPOCH = 40587.0; // 1970-01-01

} // namespace

std::string alert_name(double mjd, int letter) {
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(static_cast<long>(std::floor(mjd - MJD_UNIX_EPOCH)), y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "IC%02d%02u%02u%c", y % 100, m, d, 'A' + letter % 26);
  return buf;
}

std::string iso_time(double mjd) {
  const double day = std::floor(mjd);
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(static_cast<long>(day - MJD_UNIX_EPOCH), y, m, d);
  auto us = static_cast<long long>(std::llround((mjd - day) * 86400e6));
  us = std::min(us, 86400LL * 1000000 - 1);
  const long long s = us / 1000000;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld:%02lld.%06lld", y, m, d, s / 3600,
                (s / 60) % 60, s % 60, us % 1000000);
  return buf;
}

std::vector<io::Alert> simulate_alerts(const AlertsConfig& config, std::uint64_t seed) {
  using namespace icecat1;
  campaign::TrialRng rng(seed, "sim.alerts", 0);
  std::vector<io::Alert> out;
  for (std::size_t i = 0; i < config.count; ++i) {
    io::Alert a;
    a.mjd = quantize(rng.uniform(config.start_mjd, config.stop_mjd), 8);
    a.ra_deg = quantize_ra(rng.uniform(0.0, 360.0), 2);
    a.dec_deg =
        quantize(std::asin(rng.uniform(config.sin_dec_min, config.sin_dec_max)) / sky::DEG, 2);
    const bool gold = rng.uniform() < config.gold_fraction;
    a.stream = gold ? "gfu-gold" : "gfu-bronze";
    // Rectangle: Dec width log-normal, RA width relative to it (in true
    // angle, then divided by cos Dec), each split asymmetrically.
    const double w_dec = std::clamp(std::exp(LN_DEC_WIDTH_MU + LN_DEC_WIDTH_SIGMA * rng.normal()),
                                    0.1, MAX_HALF_WIDTH_DEG);
    const double cos_dec = std::max(std::cos(a.dec_deg * sky::DEG), 0.05);
    const double w_ra =
        std::clamp(w_dec * std::exp(LN_RA_RATIO_MU + LN_RA_RATIO_SIGMA * rng.normal()) / cos_dec,
                   0.1, MAX_HALF_WIDTH_DEG);
    const double asym_dec = LN_ASYM_DEC_SIGMA * rng.normal();
    const double asym_ra = LN_ASYM_RA_SIGMA * rng.normal();
    a.dec_plus_deg = std::max(quantize(w_dec * std::exp(0.5 * asym_dec), 2), 0.05);
    a.dec_minus_deg = std::max(quantize(w_dec * std::exp(-0.5 * asym_dec), 2), 0.05);
    a.ra_plus_deg = std::max(quantize(w_ra * std::exp(0.5 * asym_ra), 2), 0.05);
    a.ra_minus_deg = std::max(quantize(w_ra * std::exp(-0.5 * asym_ra), 2), 0.05);
    a.signalness = quantize(gold ? draw_truncated_normal(rng, SIGNAL_GOLD_MEAN, SIGNAL_GOLD_SD,
                                                         SIGNAL_GOLD_MIN, SIGNAL_GOLD_MAX)
                                 : draw_truncated_normal(rng, SIGNAL_BRONZE_MEAN, SIGNAL_BRONZE_SD,
                                                         SIGNAL_BRONZE_MIN, SIGNAL_BRONZE_MAX),
                            3);
    a.energy_tev = quantize(
        std::max(ENERGY_MIN_TEV, std::exp(LN_ENERGY_MU + LN_ENERGY_SIGMA * rng.normal())), 1);
    out.push_back(std::move(a));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const io::Alert& x, const io::Alert& y) { return x.mjd < y.mjd; });
  // Names: one letter per alert of the same UT day, as IceCube does.
  for (std::size_t i = 0; i < out.size(); ++i) {
    int letter = 0;
    for (std::size_t j = i; j > 0 && std::floor(out[j - 1].mjd) == std::floor(out[i].mjd); --j)
      ++letter;
    out[i].name = alert_name(out[i].mjd, letter);
  }
  return out;
}

double rectangle_area_deg2(const io::Alert& a) {
  return (a.ra_plus_deg + a.ra_minus_deg) * std::cos(a.dec_deg * sky::DEG) *
         (a.dec_plus_deg + a.dec_minus_deg);
}

std::vector<FollowupRow> simulate_followup(const FollowupConfig& config,
                                           const std::vector<io::Alert>& alerts,
                                           std::uint64_t seed) {
  campaign::TrialRng rng(seed, "sim.followup", 0);
  std::vector<FollowupRow> out;
  for (const auto& a : alerts) {
    // Draw for every alert so that the selection does not shift the stream.
    const double healpix_fraction = rng.uniform(0.85, 1.0);
    const double chip_fraction = rng.uniform(0.80, 0.92);
    const double area = rectangle_area_deg2(a);
    if (a.mjd < config.start_mjd || a.retracted)
      continue;
    if (!(a.signalness > config.min_signalness || area < config.max_area_deg2))
      continue;
    FollowupRow r;
    r.alert = a;
    r.alert_class = a.stream == "gfu-gold" ? "GOLD" : "BRONZE";
    r.area_rect_deg2 = quantize(area, 6);
    r.area_healpix_deg2 = quantize(area * healpix_fraction, 6);
    r.area_obs_deg2 = quantize(area * healpix_fraction * chip_fraction, 6);
    r.glat_deg = quantize(sky::to_galactic(a.ra_deg, a.dec_deg).b_deg, 2);
    out.push_back(std::move(r));
  }
  return out;
}

} // namespace nuflare::sim
