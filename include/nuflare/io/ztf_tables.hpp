#pragma once
//! Neutrino-alert tables of the ZTF follow-up programme (ZTF paper §2, §6,
//! Tables 1, 4, A1), read into io::Alert (alerts.hpp). The statistics of the
//! programme (eq. 1, selection, rejection counts, latencies) live in
//! followup/alert_statistics.hpp.
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
//!
//! What the follow-up readers fill in io::Alert: name, position, rectangle,
//! signalness, both areas and line; alert_class (sheets); retracted and
//! latency_hours (campaign CSV). mjd stays NaN and energy_tev empty.
#include "nuflare/io/alerts.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace nuflare::io {

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

[[nodiscard]] std::vector<Alert> read_overview_fu(const std::string& path);
[[nodiscard]] std::vector<NotFollowedAlert> read_overview_not_fu(const std::string& path);
[[nodiscard]] std::vector<Alert> read_campaign_csv(const std::string& path);

//! Which reader a follow-up alert table needs: "campaign" when its first
//! non-blank line starts with a `name` column, else "overview" (the paper's
//! sheet starts with title rows, its header with `Event`). The file is read
//! as the readers read it (`.gz`/`.xz`, a UTF-8 byte-order mark); an empty or
//! unreadable file gives "overview", whose reader then names the problem.
[[nodiscard]] std::string followup_table_format(const std::string& path);

//! read_overview_fu for "overview", read_campaign_csv for "campaign"; throws
//! core::ConfigError for any other format.
[[nodiscard]] std::vector<Alert> read_followup_table(const std::string& path,
                                                     const std::string& format);

} // namespace nuflare::io
