#pragma once
//! Neutrino alerts with asymmetric 90 % rectangles and signalness, modelled
//! on IceCat-1, and the ZTF-like follow-up table derived from them
//! (docs/methods.md (simulator) §2, §5).
#include "nuflare/io/records.hpp"
#include "nuflare/sim/config.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace nuflare::sim {

//! IceCat-1 parametrisation (fitted to the 364 Gold/Bronze tracks).
namespace icecat1 {
//! ln(Dec half-width / deg) ~ N(mu, sigma) (mean of the plus and minus widths).
inline constexpr double LN_DEC_WIDTH_MU = 0.19;
inline constexpr double LN_DEC_WIDTH_SIGMA = 0.77;
//! ln(RA half-width · cos Dec / Dec half-width) ~ N(mu, sigma).
inline constexpr double LN_RA_RATIO_MU = 0.346;
inline constexpr double LN_RA_RATIO_SIGMA = 0.472;
//! Asymmetry: ln(plus / minus) ~ N(0, sigma) per coordinate.
inline constexpr double LN_ASYM_RA_SIGMA = 0.379;
inline constexpr double LN_ASYM_DEC_SIGMA = 0.269;
//! Signalness ~ N(mean, sd) truncated to the observed range, per stream.
inline constexpr double SIGNAL_GOLD_MEAN = 0.65, SIGNAL_GOLD_SD = 0.145;
inline constexpr double SIGNAL_GOLD_MIN = 0.25, SIGNAL_GOLD_MAX = 0.997;
inline constexpr double SIGNAL_BRONZE_MEAN = 0.366, SIGNAL_BRONZE_SD = 0.078;
inline constexpr double SIGNAL_BRONZE_MIN = 0.178, SIGNAL_BRONZE_MAX = 0.571;
//! ln(ENERGY / TeV) ~ N(mu, sigma), at least 54 TeV.
inline constexpr double LN_ENERGY_MU = 5.19, LN_ENERGY_SIGMA = 0.81, ENERGY_MIN_TEV = 54.0;
//! Largest half-width kept [deg] (IceCat-1 has a few > 10° RA widths near the pole).
inline constexpr double MAX_HALF_WIDTH_DEG = 20.0;
} // namespace icecat1

//! IceCat-1 style name ICyymmddA from an MJD; `letter` 0 -> 'A'.
[[nodiscard]] std::string alert_name(double mjd, int letter);
//! ISO UTC time "YYYY-MM-DD hh:mm:ss.ffffff" of an MJD (the START column).
[[nodiscard]] std::string iso_time(double mjd);

//! `count` alerts sorted by time (stream "sim.alerts").
[[nodiscard]] std::vector<io::Alert> simulate_alerts(const AlertsConfig& config,
                                                     std::uint64_t seed);

//! 90 % rectangle area [deg^2] as in the ZTF paper's table:
//! (ra_plus + ra_minus) cos(Dec) (dec_plus + dec_minus).
[[nodiscard]] double rectangle_area_deg2(const io::Alert& alert);

//! One row of the ZTF-like follow-up overview (OVERVIEW_FU columns).
struct FollowupRow {
  io::Alert alert;
  std::string alert_class;      //!< GOLD or BRONZE
  double area_rect_deg2 = 0;    //!< Area (rectangle)
  double area_healpix_deg2 = 0; //!< Observed area (from Healpix)
  double area_obs_deg2 = 0;     //!< Observed area (corrected for chip gaps)
  double glat_deg = 0;          //!< Separation from gal. plane (signed b)
};

//! The alerts a ZTF-like programme follows up (signalness > min or area <
//! max, after start_mjd) with simulated observed areas (stream "sim.followup").
[[nodiscard]] std::vector<FollowupRow> simulate_followup(const FollowupConfig& config,
                                                         const std::vector<io::Alert>& alerts,
                                                         std::uint64_t seed);

} // namespace nuflare::sim
