#pragma once
//! OVRO 40 m blazar monitoring at 15 GHz (Richards et al. 2011): radio light
//! curves for the blazar paper's flare analysis. The paper's own radio band is
//! ALMA millimetre data (§3.3); OVRO 15 GHz is the band of the radio–neutrino
//! studies it builds on (§1). The public exports are small CSV files of flux
//! density in Jy, in one of two shapes:
//!
//!     54473.26866898148,2.679779303493288,0.031769319084625304    (no header)
//!
//!     #mjd,flux,flux err                                          (header)
//!     54473.3010069,0.469896353764,0.0225204131487
//!
//! Columns: time [MJD], flux density [Jy], its 1σ error [Jy]. Returned as one
//! light curve, band `ovro_15ghz`, flux and flux_err in Jy, no upper limits.
//! docs/input-formats-xray-radio.md describes the format and every check.
#include "nuflare/io/records.hpp"

#include <string>

namespace nuflare::io {

//! Options of read_ovro_csv.
struct OvroReadOptions {
  //! Source name. Empty: the file name without folders, extensions and a
  //! trailing `_15GHz` (`OJ287_J0854+2006_15GHz.csv` -> `OJ287_J0854+2006`).
  std::string source;
  std::string band = "ovro_15ghz"; //!< band label
};

//! Reads an OVRO 15 GHz light curve (plain, `.gz` or `.xz`). The first
//! non-blank line is a header when its first field is not a number (a leading
//! `#` is dropped); the header must then name three columns, time (`mjd`),
//! flux and its error. Without a header the three columns are taken as
//! `MJD,flux_Jy,err_Jy`. Other lines starting with `#` are comments. Times must
//! increase strictly down the file (the export is time-ordered; disorder or a
//! repeated time means a damaged file); flux must be finite, its error finite
//! and >= 0. Bad input raises core::InputError naming file, line and column.
[[nodiscard]] LightCurve read_ovro_csv(const std::string& path,
                                       const OvroReadOptions& options = {});

//! The source name read_ovro_csv takes from a file name.
[[nodiscard]] std::string source_from_ovro_path(const std::string& path);

} // namespace nuflare::io
