#pragma once
//! The values every reader accepts, column by column. A value outside its
//! range is refused with the file, the line, the column and the range itself
//! (`events.csv:12: column 1 (MJD[days]): 1e308 is outside the allowed range
//! [54000, 70000] MJD`). docs/input-formats.md has one table per reader built
//! from these constants; keep the two in step.
//!
//! The windows are wide enough for every real file in the project's data set
//! and for `nuflare simulate`, and narrow enough to catch the usual mistakes:
//! a Julian Date or a Fermi MET where an MJD belongs, a decimal year, a
//! placeholder such as 1e308 or -999, and values whose squares overflow.
#include <charconv>
#include <limits>
#include <string>
#include <string_view>

namespace nuflare::io {

//! A closed or half-open interval of allowed values with its unit.
struct Range {
  double lo;
  double hi;
  std::string_view unit = {}; //!< printed after the interval, e.g. "deg"
  bool lo_open = false;       //!< true: lo itself is not allowed
  bool hi_open = false;       //!< true: hi itself is not allowed

  //! false for NaN, like every comparison with NaN.
  [[nodiscard]] constexpr bool contains(double v) const noexcept {
    return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  }
  //! "[0, 360) deg", "(0, 180] deg", "[54000, 70000] MJD".
  [[nodiscard]] std::string describe() const {
    std::string out(1, lo_open ? '(' : '[');
    out.append(shortest(lo)).append(", ").append(shortest(hi)).push_back(hi_open ? ')' : ']');
    if (!unit.empty())
      out.append(" ").append(unit);
    return out;
  }
  //! The shortest text that reads back as `v`: "54000", "1e+09", "2415020.5".
  [[nodiscard]] static std::string shortest(double v) {
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    return std::string(buf, end);
  }
};

namespace ranges {

//! Any finite number (columns a reader parses but does not interpret).
inline constexpr Range ANY_NUMBER{-std::numeric_limits<double>::infinity(),
                                  std::numeric_limits<double>::infinity()};

// --- Sky positions (J2000) -------------------------------------------------
//! Right ascension. 360 itself is accepted (writers that round 359.9996 to
//! three decimals print it) and stored as 0, the same direction.
inline constexpr Range RA_DEG{0, 360, "deg"};
inline constexpr Range DEC_DEG{-90, 90, "deg"};
inline constexpr Range GLON_DEG{0, 360, "deg"};
inline constexpr Range GLAT_DEG{-90, 90, "deg"};

// --- IceCube (10-year point-source release, alerts) -------------------------
//! Event, run and alert times: 2006-09-22 to 2050-07-13. The first IceCube
//! configuration in the release (IC40) starts at MJD 54562; IceCat-1 at 55695.
inline constexpr Range ICECUBE_MJD{54000, 70000, "MJD"};
//! Reconstructed or true neutrino energy, log10(E/GeV): 1 GeV to 10^21 eV. The
//! release's effective-area tables reach log10 E = 10.
inline constexpr Range LOG10_E_GEV{0, 12, "log10(E/GeV)"};
//! Angular uncertainty: a radius, so > 0, and no more than the whole sky.
inline constexpr Range ANGERR_DEG{0, 180, "deg", true, false};
inline constexpr Range AZIMUTH_DEG{0, 360, "deg"};
inline constexpr Range ZENITH_DEG{0, 180, "deg"};
//! Effective area: 10^12 cm^2 is 100 km^2, a hundred times IceCube's
//! geometric area (the release peaks at 2.6e8 cm^2).
inline constexpr Range AEFF_CM2{0, 1e12, "cm^2"};
//! Good runs may overlap the previous run by this much (IC86_V..VII overlap by
//! up to 0.87 s as published, a rounding of the run boundaries); a larger
//! overlap would count livetime twice and is refused.
inline constexpr double RUN_OVERLAP_TOLERANCE_DAYS = 1e-4; // 8.64 s
//! Alert rectangle half-widths (degrees of the coordinate itself; an RA
//! half-width near a pole can exceed 180, IceCat-1 has 151.5).
inline constexpr Range ALERT_RA_ERR_DEG{0, 360, "deg"};
inline constexpr Range ALERT_DEC_ERR_DEG{0, 180, "deg"};
//! Alert energy estimate: up to 10^21 eV, as LOG10_E_GEV.
inline constexpr Range ALERT_ENERGY_TEV{0, 1e9, "TeV"};
//! Signalness (probability of astrophysical origin).
inline constexpr Range SIGNALNESS{0, 1};

// --- Catalogues ---------------------------------------------------------------
//! Fermi variability index (a chi^2-like sum over light-curve bins; 4LAC-DR3
//! reaches 84341).
inline constexpr Range VARIABILITY_INDEX{0, 1e7};

// --- Light curves ---------------------------------------------------------------
//! Light-curve times: 1900-01-01 to 2050-07-13 (archival radio and optical
//! photometry starts long before Fermi). A decimal year or a JD falls outside.
inline constexpr Range LIGHTCURVE_MJD{15020, 70000, "MJD"};
//! Julian Date of the same window (Fermi LCR exports).
inline constexpr Range LIGHTCURVE_JD{15020 + 2400000.5, 70000 + 2400000.5, "JD"};
//! Flux or flux density in the band's own unit (erg cm^-2 s^-1, ph cm^-2 s^-1,
//! mJy, DN, ...): any unit in use stays far inside, and squares and sums of
//! squares stay finite (a flux of 1e308 made the variability NaN).
inline constexpr Range FLUX{-1e30, 1e30};
//! A flux that cannot be negative (Fermi likelihood fluxes and their limits).
inline constexpr Range FLUX_NON_NEGATIVE{0, 1e30};
//! 1-sigma flux error of a measured point: > 0, since an error of 0 gives the
//! point infinite weight; the floor keeps 1/sigma^2 finite.
inline constexpr Range FLUX_ERR{1e-30, 1e30};
//! Fermi mission elapsed time: 2001-01-01 to 2064-05-18.
inline constexpr Range FERMI_MET_S{0, 2e9, "s"};
//! Likelihood test statistic (3C 454.3 reaches 1.2e5 in a month).
inline constexpr Range TS{0, 1e8};
inline constexpr Range SQRT_TS{0, 1e4};
//! Fitted photon index (the LCR writes it negative, e.g. -2.2).
inline constexpr Range PHOTON_INDEX{-10, 10};
//! Vega magnitudes of WISE detections (used to calibrate DN to mJy).
inline constexpr Range WISE_MAG{-10, 40, "mag"};

// --- ZTF follow-up tables -------------------------------------------------------
//! Areas on the sky: the whole sky is 41253 deg^2.
inline constexpr Range SKY_AREA_DEG2{0, 41253, "deg^2"};
//! A rectangle area must be > 0: P_obs divides by it (ZTF paper eq. 1).
inline constexpr Range RECT_AREA_DEG2{0, 41253, "deg^2", true, false};
//! First-coverage latency (ZTF paper Fig. 1): up to about 11 years.
inline constexpr Range LATENCY_HOURS{0, 1e5, "h"};

} // namespace ranges

} // namespace nuflare::io
