#pragma once
//! Swift-XRT light curves as the UK Swift Science Data Centre builds them
//! (Evans et al. 2007, https://www.swift.ac.uk/xrt_curves/docs.php): a QDP
//! file with the 0.3–10 keV count rate of one source. The blazar paper's X-ray
//! band is Swift-XRT (§3.3, there as 3 keV flux densities from Giommi et al.);
//! flares are found against each curve's own quiescent level and scatter
//! (§4.2.2), so the count rate serves the same analysis.
//! docs/input-formats-xray-radio.md describes the format and every check.
//!
//! The file, as the reader expects it:
//!
//!     ! Swift/XRT lightcurve of trigger: 30901, name: oj287     <- comments: '!'
//!     READ TERR 1 2                                             <- error columns
//!     ! WT data                                                 <- section label
//!     !MJD  T_+ve  T_-ve  Rate  Ratepos  Rateneg
//!     54782.1497  5.8e-05  -5.8e-05  0.547  0.822  -0.401
//!     NO NO NO NO NO                                            <- separator
//!     ! PC data
//!     ...
//!     NO NO NO NO NO NO
//!     ! PC Upper limit
//!     53510.4051  0.00058  -0.00058  0.882  0  0                <- rate = limit
//!
//! The two data vectors are time [MJD] and rate [count s^-1]; `READ TERR n`
//! gives vector n a plus and a minus error column, `READ SERR n` one symmetric
//! error column. A section is labelled by a comment `! <mode> data` or
//! `! <mode> Upper limit` (mode WT or PC, any case) and ends at a line of NO
//! or at the next label.
//!
//! What the reader returns (see the format document for the reasons):
//!  - flux = the count rate [s^-1], 0.3–10 keV; flux_err = the mean of the two
//!    half-widths, (Ratepos + |Rateneg|)/2 — the symmetric σ whose ±1σ interval
//!    is as wide as the asymmetric one, as read_4fgl_flux_history does for the
//!    4FGL yearly fluxes; the time-bin half-widths are checked and dropped;
//!  - upper-limit rows: flux = the limit, flux_err = 0, upper_limit = 1;
//!  - WT and PC are one band, `xrt`, by default: both are the same pile-up,
//!    PSF and exposure corrected rate, the mode only follows the source's
//!    brightness, so together they are one light curve of the source;
//!    `merge_modes = false` returns them as `xrt_wt` and `xrt_pc`.
//! Every bad line raises core::InputError naming the file, the line and the
//! column (e.g. `curve.qdp:57: column 4 (Rate): not a number: "0.5x"`).
#include "nuflare/io/records.hpp"

#include <string>
#include <vector>

namespace nuflare::io {

//! Options of read_swift_xrt_qdp.
struct XrtReadOptions {
  //! Source name. Empty: the `name:` of the file's first comment line
  //! (`! Swift/XRT lightcurve of trigger: 30901, name: oj287`), else the file
  //! name without folders and extensions.
  std::string source;
  //! Band label of the merged curve; the split curves are `<band>_wt`, `<band>_pc`.
  std::string band = "xrt";
  //! One curve with both modes (default) or one curve per mode.
  bool merge_modes = true;
};

//! Reads a UKSSDC Swift-XRT light-curve QDP file (plain, `.gz` or `.xz`).
//! Returns one curve (merged) or up to two (per mode, WT first, modes without
//! rows left out), each sorted by time. Within a section times must increase
//! strictly (the product is time-ordered); two points of one returned curve at
//! the same MJD are an error.
[[nodiscard]] std::vector<LightCurve> read_swift_xrt_qdp(const std::string& path,
                                                         const XrtReadOptions& options = {});

} // namespace nuflare::io
