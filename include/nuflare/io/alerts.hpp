#pragma once
//! Neutrino alerts: the one alert type every analysis takes, and the reader of
//! IceCat-1 alert tables (docs/input-formats.md). The ZTF follow-up tables
//! (ztf_tables.hpp) are read into the same type.
#include "nuflare/core/options.hpp"

#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nuflare::io {

//! One neutrino alert, whichever table it comes from. Every reader fills the
//! name, the position and the 90 % rectangle; the optional fields are filled
//! only by the tables that carry them (in brackets) and stay empty otherwise,
//! so that "unknown" is never confused with a value.
struct Alert {
  std::string name;
  //! Event time [MJD] (IceCat-1); NaN when the table gives none (the ZTF
  //! follow-up tables name the alert but carry no time).
  double mjd = std::numeric_limits<double>::quiet_NaN();
  double ra_deg = 0, dec_deg = 0; //!< best-fit position (J2000) [deg]
  //! 90 % rectangle half-widths as magnitudes, in degrees of the coordinate
  //! itself (RA not multiplied by cos Dec).
  double ra_plus_deg = 0, ra_minus_deg = 0;
  double dec_plus_deg = 0, dec_minus_deg = 0;
  bool retracted = false;
  std::optional<double> signalness; //!< P_astro as reported, in [0, 1] (all tables)
  std::optional<double> energy_tev; //!< energy estimate [TeV] (IceCat-1 ENERGY)
  std::string stream;      //!< alert stream, e.g. "gfu-gold" (IceCat-1 I3TYPE); empty if absent
  std::string alert_class; //!< GOLD, BRONZE, EHE, ... (ZTF sheets' Class); empty if absent
  //! 90 % rectangle area A_IC of ZTF paper eq. 1 [deg²] (ZTF tables).
  std::optional<double> area_rect_deg2;
  //! Area ZTF observed, corrected for chip gaps, A_ZTF of eq. 1 [deg²] (ZTF tables).
  std::optional<double> area_obs_deg2;
  //! Latency of the first ZTF coverage [h] (ZTF paper Fig. 1; campaign tables).
  std::optional<double> latency_hours;
  std::size_t line = 0; //!< line of the alert in its table (0: not read from a file)
};

//! Reads an IceCat-1 style alert CSV (plain, `.gz` or `.xz`).
//!
//! Required columns: NAME, EVENTMJD, RA, DEC, RA_ERR_PLUS, RA_ERR_MINUS,
//! DEC_ERR_PLUS, DEC_ERR_MINUS. Optional: ENERGY [TeV], SIGNAL, I3TYPE, START
//! (ISO UTC time), RUNID, EVENTID, RETRACTED. Rules (docs/input-formats.md):
//! - EVENTMJD (or START) lies in ranges::ICECUBE_MJD; RA in [0, 360] (360 is
//!   stored as 0), DEC in [-90, 90]; the RA half-widths in [0, 360], the DEC
//!   ones in [0, 180] degrees;
//! - EVENTMJD empty or `None` falls back to START; neither is an error;
//! - ENERGY / SIGNAL empty or `None` leave energy_tev / signalness empty;
//!   ENERGY lies in [0, 1e9] TeV, SIGNAL in [0, 1];
//! - a row repeating an earlier (RUNID, EVENTID) is a revised notice of the
//!   same event and replaces the earlier row;
//! - retracted: RETRACTED flag true, or "retract" in NAME or I3TYPE;
//! - the result is sorted by time (stable).
[[nodiscard]] std::vector<Alert> read_alerts(const std::string& path);

//! How an alert's 90 % area is measured for AlertSelection::max_area_deg2.
enum class AlertAreaShape {
  rectangle, //!< (RA⁺ + RA⁻) cos δ × (Dec⁺ + Dec⁻), IceCat-1's rectangle; the default
  ellipse,   //!< π/4 of the rectangle: the ellipse inscribed in it
};

//! Which alert streams an analysis takes (IceCat-1 I3TYPE, or the ZTF tables'
//! Class when a table has no stream).
enum class AlertStream { any, gold, bronze };

//! Which alerts an analysis uses: the choices the papers leave open, each
//! off by default; retracted alerts are always dropped (docs/methods.md, "Reproducing the papers").
//! The blazar paper uses alerts up to the end of May 2021 (§3.1) and leaves out those "with
//! relatively large angular uncertainty" (§3.2) without saying where the line is; the decks under
//! inputs/paper/ spell the readings out.
struct AlertSelection {
  std::optional<double> mjd_min;       //!< keep alerts at or after [MJD]
  std::optional<double> mjd_max;       //!< keep alerts before [MJD]
  std::optional<double> max_area_deg2; //!< keep alerts whose 90 % area is below [deg²]
  AlertAreaShape area_shape = AlertAreaShape::rectangle;
  AlertStream stream = AlertStream::any;
  std::optional<double> min_signalness; //!< keep alerts with signalness ≥ value (unknown: dropped)

  //! The keys of the selection (docs/cli.md): every subcommand reading
  //! alerts includes them with the prefix `alerts_`.
  static const core::OptionTable<AlertSelection>& options();
};

inline const core::OptionTable<AlertSelection>& AlertSelection::options() {
  using S = AlertSelection;
  static const auto table =
      core::OptionTable<S>()
          .add("mjd_min", &S::mjd_min, "MJD", "only alerts at or after this time")
          .no_default("no limit")
          .add("mjd_max", &S::mjd_max, "MJD",
               "only alerts before this time (blazar paper §3.1: end of May 2021, 59366)")
          .no_default("no limit")
          .add("max_area", &S::max_area_deg2, "deg2",
               "only alerts whose 90% area (alerts_area_shape) is below this (blazar paper "
               "§3.2: large uncertainties left out; 50 reproduces Table 2)",
               core::POSITIVE)
          .no_default("no limit")
          .choice("area_shape", &S::area_shape,
                  {{"rectangle", AlertAreaShape::rectangle}, {"ellipse", AlertAreaShape::ellipse}},
                  "how alerts_max_area measures an alert: the 90% rectangle "
                  "(RA+ + RA-) cos(dec) (Dec+ + Dec-), or the ellipse inside it")
          .choice("stream", &S::stream,
                  {{"any", AlertStream::any},
                   {"gold", AlertStream::gold},
                   {"bronze", AlertStream::bronze}},
                  "alert stream: any, gold or bronze (IceCat-1 I3TYPE, e.g. gfu-gold)")
          .add("min_signalness", &S::min_signalness, "",
               "only alerts with signalness at or above this (alerts without one are dropped)",
               core::UNIT_INTERVAL)
          .no_default("no cut");
  return table;
}

//! The 90 % area of an alert [deg²] measured as `shape`.
[[nodiscard]] double alert_area_deg2(const Alert& alert, AlertAreaShape shape) noexcept;

//! True when `alert` passes `selection` (retracted alerts never do).
[[nodiscard]] bool selected(const Alert& alert, const AlertSelection& selection) noexcept;

//! The alerts that pass `selection`, in order. Throws core::RelationError
//! (alerts_mjd_min, alerts_mjd_max) when the MJD window is empty.
[[nodiscard]] std::vector<Alert> select_alerts(std::span<const Alert> alerts,
                                               const AlertSelection& selection);

//! MJD of an ISO-8601 UTC time `YYYY-MM-DD[ T]hh:mm[:ss[.fff]]`, or
//! NaN when the text is not such a time (leap seconds are ignored).
[[nodiscard]] double mjd_from_iso(std::string_view text);

} // namespace nuflare::io
