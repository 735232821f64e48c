#pragma once
//! Neutrino-alert tables of the ZTF follow-up programme (ZTF paper §2, §6,
//! Tables 1, 4, A1) and the per-alert probabilities of eq. 1.
//!
//! Readers:
//!  - read_overview_fu: the paper's `OVERVIEW_FU` sheet exported as CSV
//!    (`nuztfpaper/followup_xlsx_as_csv/OVERVIEW_FU.csv`): title rows, then a
//!    header line starting with `Event`, then one row per alert with columns
//!    `Event, Class, RA, RA Unc (rectangle), Dec, Dec Unc (rectangle),
//!    Area (rectangle), Observed area (from Healpix), Observed area (corrected
//!    for chip gaps), Signalness, ...`; the uncertainties are "[plus, minus]"
//!    strings; rows with an empty Event and the summary row `ALL` are skipped.
//!  - read_overview_not_fu: the `OVERVIEW_NOT_FU` sheet (header line starting
//!    with `Event`; columns `Event, Class, RA, ..., Signalness, Energy estimate [TeV],
//!    Rejection reason, Code`); coordinates may be empty (retracted alerts).
//!  - read_campaign_csv: a simple CSV for other campaigns, one header line and
//!    the columns
//!      name,ra,dec,ra_plus,ra_minus,dec_plus,dec_minus,area_rect,area_obs,signalness[,retracted][,latency_hours]
//!    RA/Dec in degrees (RA in [0, 360], Dec in [−90, 90]); the four rectangle
//!    half-widths in degrees of the coordinate (RA not multiplied by cos Dec),
//!    the minus ones given as non-positive offsets or as magnitudes (the sign is
//!    dropped); area_rect > 0 and area_obs ≥ 0 in deg²; signalness in [0, 1] or
//!    empty / "nan" (unknown); retracted a flag (1/0, true/false, yes/no);
//!    latency_hours ≥ 0 or empty.
//! In every table: RA 360 is stored as 0; half-widths lie in [0, 360] (RA) and
//! [0, 180] (Dec); areas are at most the whole sky (41253 deg²) and
//! A_obs ≤ A_rect / 0.9, so that P_obs (eq. 1) is a probability; an alert name
//! appears once (a repeat is refused naming both lines). All readers throw
//! core::InputError naming file, line and column of the first bad value
//! (docs/input-formats.md).
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nuflare::followup {

//! One alert of a follow-up campaign.
struct FollowupAlert {
  std::string name;
  std::string alert_class;                  //!< GOLD, BRONZE, EHE, EXTRA, ... (may be empty)
  double ra_deg = 0, dec_deg = 0;           //!< best-fit position (J2000)
  double ra_plus_deg = 0, ra_minus_deg = 0; //!< 90% rectangle half-widths (magnitudes)
  double dec_plus_deg = 0, dec_minus_deg = 0;
  double area_rect_deg2 = 0;        //!< 90% rectangle area A_IC
  double area_obs_deg2 = 0;         //!< observed area corrected for chip gaps A_ZTF
  std::optional<double> signalness; //!< P_astro as reported; empty when unknown
  bool retracted = false;
  std::optional<double> latency_hours; //!< first-coverage latency (Fig. 1), if known
  std::size_t line = 0;                //!< line in the source file
};

//! One alert that was not followed up (Table A1).
struct NotFollowedAlert {
  std::string name;
  std::string alert_class;
  std::optional<double> ra_deg, dec_deg;
  std::optional<double> signalness;
  std::string reason; //!< "Rejection reason" text
  int code = -1;      //!< rejection code (0 Pre-ZTF, 1 retraction, 2 Sun, ... 8 Galactic plane)
  std::size_t line = 0;
};

[[nodiscard]] std::vector<FollowupAlert> read_overview_fu(const std::string& path);
[[nodiscard]] std::vector<NotFollowedAlert> read_overview_not_fu(const std::string& path);
[[nodiscard]] std::vector<FollowupAlert> read_campaign_csv(const std::string& path);

//! P_obs = 0.9 · A_obs / A_rect (eq. 1).
[[nodiscard]] double p_obs(const FollowupAlert& alert);
//! P_astro = signalness, or `missing_signalness` when unknown (the notebook's 0.5
//! for IC200107A).
[[nodiscard]] double p_astro(const FollowupAlert& alert, double missing_signalness = 0.5);

//! A row of Table 4.
struct ProbabilityRow {
  std::string name;
  double p_astro;
  double p_obs;
  double product; //!< P_astro · P_obs
};
[[nodiscard]] std::vector<ProbabilityRow> probability_table(std::span<const FollowupAlert> alerts,
                                                            double missing_signalness = 0.5);
//! The products P_astro·P_obs of a probability table (input of limits.hpp).
[[nodiscard]] std::vector<double> products(std::span<const ProbabilityRow> rows);

//! Area of the 90% rectangle as the notebook computes it:
//! (ra_plus + ra_minus)(dec_plus + dec_minus) cos(dec) [deg²].
[[nodiscard]] double rectangle_area_deg2(const FollowupAlert& alert);

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
[[nodiscard]] Rejection select_alert(const FollowupAlert& alert,
                                     const SelectionConfig& config = {});

//! Count of not-followed-up alerts per rejection reason, in order of first code.
struct RejectionCount {
  int code;
  std::string reason;
  std::size_t count;
};
//! Counts per reason; with `since_yymmdd` (e.g. 190617 for V2) only alerts whose
//! name ICyymmdd… is on or after that date.
[[nodiscard]] std::vector<RejectionCount> rejection_counts(std::span<const NotFollowedAlert> alerts,
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
[[nodiscard]] std::optional<LatencyStats> latency_stats(std::span<const FollowupAlert> alerts);

} // namespace nuflare::followup
