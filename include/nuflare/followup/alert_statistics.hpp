#pragma once
//! Statistics of a neutrino follow-up programme (ZTF paper §2, §6, Tables 1,
//! 4, A1): the per-alert probabilities of eq. 1, the trigger criteria of §2,
//! rejection counts and coverage latencies. The alert tables are read by
//! io/ztf_tables.hpp into io::Alert.
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/ztf_tables.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nuflare::followup {

//! P_obs = 0.9 · A_obs / A_rect (eq. 1); throws core::ConfigError when the
//! alert lacks either area (its table is not a follow-up table).
[[nodiscard]] double p_obs(const io::Alert& alert);
//! P_astro = signalness, or `missing_signalness` when unknown (the notebook's 0.5
//! for IC200107A).
[[nodiscard]] double p_astro(const io::Alert& alert, double missing_signalness = 0.5);

//! A row of Table 4.
struct ProbabilityRow {
  std::string name;
  double p_astro;
  double p_obs;
  double product; //!< P_astro · P_obs
};
[[nodiscard]] std::vector<ProbabilityRow> probability_table(std::span<const io::Alert> alerts,
                                                            double missing_signalness = 0.5);
//! The products P_astro·P_obs of a probability table (input of limits.hpp).
[[nodiscard]] std::vector<double> products(std::span<const ProbabilityRow> rows);

//! Area of the 90% rectangle as the notebook computes it:
//! (ra_plus + ra_minus)(dec_plus + dec_minus) cos(dec) [deg²].
[[nodiscard]] double rectangle_area_deg2(const io::Alert& alert);

//! J2000 (FK5/ICRS) → Galactic coordinates with the standard rotation matrix
//! (Hipparcos/ICRS definition, as astropy); degrees.
struct Galactic {
  double l_deg;
  double b_deg;
};
[[nodiscard]] Galactic to_galactic(double ra_deg, double dec_deg);

//! Trigger criteria of §2.
struct SelectionConfig {
  double min_signalness = 0.5;     //!< follow up if signalness > this ...
  double max_area_deg2 = 10.0;     //!< ... or the 90% area < this
  double missing_signalness = 0.5; //!< signalness used when unknown
  bool galactic_cut = false;       //!< apply |b| > min_abs_b_deg (introduced mid-programme)
  double min_abs_b_deg = 10.0;
};

//! Why an alert fails the selection (codes follow the paper's sheet where they exist).
enum class Rejection {
  none,                             //!< selected
  retracted,                        //!< code 1
  poor_signalness_and_localization, //!< code 4
  galactic_plane,                   //!< code 8
};
[[nodiscard]] std::string to_string(Rejection r);
//! The §2 criteria for one alert. Its 90% area is area_rect_deg2, or for an
//! alert without one (an IceCat-1 row) the rectangle's rectangle_area_deg2,
//! which the sheets' areas match to 2%.
[[nodiscard]] Rejection select_alert(const io::Alert& alert, const SelectionConfig& config = {});

//! Count of not-followed-up alerts per rejection reason, in order of first code.
struct RejectionCount {
  int code;
  std::string reason;
  std::size_t count;
};
//! Counts per reason; with `since_yymmdd` (e.g. 190617 for V2) only alerts whose
//! name ICyymmdd… is on or after that date.
[[nodiscard]] std::vector<RejectionCount>
rejection_counts(std::span<const io::NotFollowedAlert> alerts,
                 std::optional<int> since_yymmdd = {});
//! yymmdd from an IceCube alert name "ICyymmddX"; empty when the name has no date.
[[nodiscard]] std::optional<int> alert_date_yymmdd(const std::string& name);

//! Latency statistics (§2, Fig. 1).
struct LatencyStats {
  std::size_t n = 0;
  double median_hours = 0;
  double fraction_above_24h = 0;
};
//! Median (mean of the two middle values for even n) and fraction > 24 h.
[[nodiscard]] LatencyStats latency_stats(std::span<const double> latencies_hours);
//! The same over the alerts that carry a latency; empty when none does.
[[nodiscard]] std::optional<LatencyStats> latency_stats(std::span<const io::Alert> alerts);

} // namespace nuflare::followup
