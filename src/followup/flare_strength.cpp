// AGN flare strength around a neutrino (ZTF paper §4, Table 3).
#include "nuflare/followup/flare_strength.hpp"

#include "nuflare/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace nuflare::followup {

namespace {

int band_order(const std::string& b) {
  if (b == "g")
    return 0;
  if (b == "r")
    return 1;
  if (b == "i")
    return 2;
  return 3;
}

} // namespace

double median(std::vector<double> v) {
  if (v.empty())
    throw core::NumericalError("median of an empty set");
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::vector<FlareStrength> flare_strength(const std::vector<io::PhotometryPoint>& points,
                                          double alert_mjd, double half_window_days,
                                          double threshold) {
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> by_band;
  for (const auto& p : points) {
    auto& [all, window] = by_band[p.band];
    all.push_back(p.nu_f_nu_erg_cm2_s);
    if (std::abs(p.mjd - alert_mjd) <= half_window_days)
      window.push_back(p.nu_f_nu_erg_cm2_s);
  }
  std::vector<FlareStrength> rows;
  for (auto& [band, lists] : by_band) {
    FlareStrength r;
    r.band = band;
    r.n_total = lists.first.size();
    r.n_window = lists.second.size();
    r.baseline_median = median(lists.first);
    if (r.n_window > 0) {
      r.window_median = median(lists.second);
      r.ratio = r.window_median / r.baseline_median;
    } else {
      r.window_median = r.ratio = std::numeric_limits<double>::quiet_NaN();
    }
    r.flaring = r.ratio > threshold; // §4: ">50 per cent above the baseline median"
    rows.push_back(r);
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::pair(band_order(a.band), a.band) < std::pair(band_order(b.band), b.band);
  });
  return rows;
}

} // namespace nuflare::followup
