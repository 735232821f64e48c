#pragma once
//! Optical AGN flare strength around a neutrino (ZTF paper §4, Table 3): the
//! median flux in ±25 d around the alert divided by the median flux over the
//! whole ZTF baseline, per filter; "flaring" when the ratio exceeds 1.5 (the
//! >50 per cent rise seen for TXS 0506+056). The light curves are read by
//! io/ztf_photometry.hpp.
#include "nuflare/io/ztf_photometry.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace nuflare::followup {

//! One row of Table 3.
struct FlareStrength {
  std::string band;
  std::size_t n_window = 0;   //!< points within ±half_window of the alert
  std::size_t n_total = 0;    //!< points over the whole baseline
  double window_median = 0;   //!< "Inst. flux" [erg cm^-2 s^-1]
  double baseline_median = 0; //!< "Med. flux" [erg cm^-2 s^-1]
  double ratio = 0;           //!< window_median / baseline_median (NaN without window points)
  bool flaring = false;       //!< ratio > threshold
};

//! Table 3 for one source: per band (sorted g, r, i, others), median νF_ν in
//! [t − half_window, t + half_window] over the median of the whole light curve.
[[nodiscard]] std::vector<FlareStrength>
flare_strength(const std::vector<io::PhotometryPoint>& points, double alert_mjd,
               double half_window_days = 25.0, double threshold = 1.5);

//! Median of a non-empty set (mean of the middle two for even size).
[[nodiscard]] double median(std::vector<double> values);

} // namespace nuflare::followup
