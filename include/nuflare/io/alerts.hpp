#pragma once
//! Reader for neutrino alert tables in the IceCat-1 CSV layout (SPEC §1).
#include "nuflare/io/records.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace nuflare::io {

//! Reads an IceCat-1 style alert CSV (plain, `.gz` or `.xz`).
//!
//! Required columns: NAME, EVENTMJD, RA, DEC, RA_ERR_PLUS, RA_ERR_MINUS,
//! DEC_ERR_PLUS, DEC_ERR_MINUS. Optional: ENERGY [TeV], SIGNAL, I3TYPE, START
//! (ISO UTC time), RUNID, EVENTID, RETRACTED. Rules (docs/methods.md (input readers)):
//! - EVENTMJD empty or `None` falls back to START; neither is an error;
//! - ENERGY / SIGNAL empty or `None` give NaN; SIGNAL must lie in [0, 1];
//! - a row repeating an earlier (RUNID, EVENTID) is a revised notice of the
//!   same event and replaces the earlier row;
//! - retracted: RETRACTED flag true, or "retract" in NAME or I3TYPE;
//! - the result is sorted by time (stable).
[[nodiscard]] std::vector<Alert> read_alerts(const std::string& path);

//! MJD of an ISO-8601 UTC time `YYYY-MM-DD[ T]hh:mm[:ss[.fff]]`, or
//! NaN when the text is not such a time (leap seconds are ignored).
[[nodiscard]] double mjd_from_iso(std::string_view text);

} // namespace nuflare::io
