#pragma once
//! Reader for neutrino alert tables in the IceCat-1 CSV layout
//! (docs/input-formats.md).
#include "nuflare/io/records.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace nuflare::io {

//! Reads an IceCat-1 style alert CSV (plain, `.gz` or `.xz`).
//!
//! Required columns: NAME, EVENTMJD, RA, DEC, RA_ERR_PLUS, RA_ERR_MINUS,
//! DEC_ERR_PLUS, DEC_ERR_MINUS. Optional: ENERGY [TeV], SIGNAL, I3TYPE, START
//! (ISO UTC time), RUNID, EVENTID, RETRACTED. Rules (docs/input-formats.md):
//! - EVENTMJD (or START) lies in ranges::ICECUBE_MJD; RA in [0, 360] (360 is
//!   stored as 0), DEC in [-90, 90]; the RA half-widths in [0, 360], the DEC
//!   ones in [0, 180] degrees;
//! - EVENTMJD empty or `None` falls back to START; neither is an error;
//! - ENERGY / SIGNAL empty or `None` give NaN; ENERGY lies in [0, 1e9] TeV,
//!   SIGNAL in [0, 1];
//! - a row repeating an earlier (RUNID, EVENTID) is a revised notice of the
//!   same event and replaces the earlier row;
//! - retracted: RETRACTED flag true, or "retract" in NAME or I3TYPE;
//! - the result is sorted by time (stable).
[[nodiscard]] std::vector<Alert> read_alerts(const std::string& path);

//! MJD of an ISO-8601 UTC time `YYYY-MM-DD[ T]hh:mm[:ss[.fff]]`, or
//! NaN when the text is not such a time (leap seconds are ignored).
[[nodiscard]] double mjd_from_iso(std::string_view text);

} // namespace nuflare::io
