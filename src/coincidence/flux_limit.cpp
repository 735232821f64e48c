// E⁻² flux upper limit from an excess (blazar paper §7.4, eq. 2).
#include "nuflare/coincidence/flux_limit.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/core/validation.hpp"
#include "nuflare/sky/coordinates.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

namespace nuflare::coincidence {

DecAverage parse_dec_average(const std::string& text) {
  if (text == "solid_angle")
    return DecAverage::solid_angle;
  if (text == "declination")
    return DecAverage::declination;
  throw core::FieldError("flux_dec_average",
                         "expected solid_angle or declination, got \"" + text + "\"");
}

AveragedArea average_over_declination(const io::EffectiveArea& table, DecAverage weighting) {
  // Energy bin (rounded edges as key) -> (Σ w·A, Σ w).
  std::map<std::pair<long long, long long>, std::pair<double, double>> sums;
  std::map<std::pair<long long, long long>, std::pair<double, double>> edges;
  const std::size_t n = table.area_cm2.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto key = std::make_pair(std::llround(table.log10_e_min[i] * 1e6),
                                    std::llround(table.log10_e_max[i] * 1e6));
    const double w =
        weighting == DecAverage::solid_angle
            ? std::sin(table.dec_max_deg[i] * sky::DEG) - std::sin(table.dec_min_deg[i] * sky::DEG)
            : table.dec_max_deg[i] - table.dec_min_deg[i];
    auto& s = sums[key];
    s.first += w * table.area_cm2[i];
    s.second += w;
    edges[key] = {table.log10_e_min[i], table.log10_e_max[i]};
  }
  AveragedArea out;
  for (const auto& [key, s] : sums) {
    const auto [lo, hi] = edges[key];
    if (!out.log10_e_max.empty() && lo < out.log10_e_max.back() - 1e-9)
      throw core::InputError(table.season, 0, "log10(E_nu/GeV)",
                             "energy bins of the effective area overlap");
    out.log10_e_min.push_back(lo);
    out.log10_e_max.push_back(hi);
    out.area_cm2.push_back(s.second > 0 ? s.first / s.second : 0.0);
  }
  return out;
}

double power_law_integral_gev(double e1, double e2, double gamma, double e0) noexcept {
  if (std::abs(gamma - 1.0) < 1e-12)
    return e0 * std::log(e2 / e1);
  const double k = 1.0 - gamma;
  return e0 / k * (std::pow(e2 / e0, k) - std::pow(e1 / e0, k));
}

FluxLimit flux_upper_limit(std::span<const SeasonExposure> seasons, const FluxLimitConfig& c) {
  if (!(c.log10e_max > c.log10e_min))
    throw core::ConfigError("flux limit: empty energy bin");
  if (!(c.n_events >= 0) || !(c.pivot_gev > 0))
    throw core::ConfigError("flux limit: need N ≥ 0 and a positive pivot energy");
  FluxLimit out;
  // Eq. 2 per season: ΔT ∫ A_eff(E) (E/E₀)^−γ dE with A_eff constant inside
  // each tabulated bin, integrated exactly over the overlap with the bin.
  for (const auto& s : seasons) {
    double integral = 0;
    for (std::size_t j = 0; j < s.area.area_cm2.size(); ++j) {
      const double lo = std::max(s.area.log10_e_min[j], c.log10e_min);
      const double hi = std::min(s.area.log10_e_max[j], c.log10e_max);
      if (hi <= lo)
        continue;
      integral +=
          s.area.area_cm2[j] * power_law_integral_gev(std::pow(10.0, lo), std::pow(10.0, hi),
                                                      c.spectral_index, c.pivot_gev);
    }
    out.exposure_cm2_s_gev += s.livetime_s * integral;
  }
  if (!(out.exposure_cm2_s_gev > 0))
    throw core::ConfigError("flux limit: zero exposure (no livetime or no effective area in the "
                            "energy bin)");
  out.phi0 = c.n_events / out.exposure_cm2_s_gev;
  const double four_pi = 4.0 * std::numbers::pi;
  const double diffuse_norm = four_pi * DIFFUSE_NORM_PER_SR;
  out.diffuse_at_pivot = diffuse_norm * std::pow(c.pivot_gev / DIFFUSE_PIVOT_GEV, -DIFFUSE_INDEX);
  out.fraction_at_pivot = out.phi0 / out.diffuse_at_pivot;
  const double e1 = std::pow(10.0, c.log10e_min), e2 = std::pow(10.0, c.log10e_max);
  out.fraction_in_bin =
      out.phi0 * power_law_integral_gev(e1, e2, c.spectral_index, c.pivot_gev) /
      (diffuse_norm * power_law_integral_gev(e1, e2, DIFFUSE_INDEX, DIFFUSE_PIVOT_GEV));
  return out;
}

} // namespace nuflare::coincidence
