#pragma once
//! Neutrino alerts: the one alert type every analysis takes, and the reader of
//! IceCat-1 alert tables (docs/input-formats.md). The ZTF follow-up tables
//! (ztf_tables.hpp) are read into the same type.
#include <cstddef>
#include <limits>
#include <optional>
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

//! MJD of an ISO-8601 UTC time `YYYY-MM-DD[ T]hh:mm[:ss[.fff]]`, or
//! NaN when the text is not such a time (leap seconds are ignored).
[[nodiscard]] double mjd_from_iso(std::string_view text);

} // namespace nuflare::io
