#include "nuflare/coincidence/injection.hpp"

#include "nuflare/core/error.hpp"

#include <algorithm>

namespace nuflare::coincidence {

sky::UnitVector offset_direction(double ra_deg, double dec_deg, double r_deg, double phi_rad) {
  const double d = dec_deg * sky::DEG, r = r_deg * sky::DEG;
  const double sin_dec2 = std::sin(d) * std::cos(r) + std::cos(d) * std::sin(r) * std::cos(phi_rad);
  const double dec2 = std::asin(std::clamp(sin_dec2, -1.0, 1.0));
  const double dra = std::atan2(std::sin(phi_rad) * std::sin(r) * std::cos(d),
                                std::cos(r) - std::sin(d) * sin_dec2);
  return sky::unit_vector(ra_deg + dra / sky::DEG, dec2 / sky::DEG);
}

double p_value_sorted(std::span<const std::int64_t> background_sorted, std::int64_t statistic) {
  // M = number of background trials with a statistic ≥ the value (SPEC §6).
  const auto first =
      std::lower_bound(background_sorted.begin(), background_sorted.end(), statistic);
  const auto m = static_cast<double>(background_sorted.end() - first);
  return (m + 1.0) / (static_cast<double>(background_sorted.size()) + 1.0);
}

namespace {
//! The strength where `fraction` first reaches `target`, linearly
//! interpolated between grid points; NaN when it never does.
double crossing(std::span<const double> strengths, std::span<const double> fraction,
                double target) {
  for (std::size_t i = 0; i < fraction.size(); ++i) {
    if (fraction[i] < target)
      continue;
    if (i == 0)
      return strengths[0];
    const double f0 = fraction[i - 1], f1 = fraction[i];
    return strengths[i - 1] + (target - f0) / (f1 - f0) * (strengths[i] - strengths[i - 1]);
  }
  return NAN;
}
} // namespace

SensitivityResult summarize_sensitivity(std::span<const std::int64_t> background,
                                        std::span<const std::int64_t> signal,
                                        std::span<const double> strengths) {
  if (background.empty() || strengths.empty() || signal.size() % strengths.size() != 0)
    throw core::Error("summarize_sensitivity: inconsistent trial arrays");
  std::vector<std::int64_t> bg(background.begin(), background.end());
  std::sort(bg.begin(), bg.end());
  const std::size_t per = signal.size() / strengths.size();
  constexpr double P_3SIGMA = 1.349898e-3; // one-sided Gaussian tail at 3σ
  constexpr double P_5SIGMA = 2.866516e-7; // at 5σ
  SensitivityResult r;
  r.strengths.assign(strengths.begin(), strengths.end());
  r.p_floor = 1.0 / (static_cast<double>(bg.size()) + 1.0);
  std::vector<double> p(per);
  for (std::size_t s = 0; s < strengths.size(); ++s) {
    std::size_t n05 = 0, n3 = 0, n5 = 0;
    for (std::size_t k = 0; k < per; ++k) {
      p[k] = p_value_sorted(bg, signal[s * per + k]);
      n05 += p[k] < 0.05;
      n3 += p[k] <= P_3SIGMA;
      n5 += p[k] <= P_5SIGMA;
    }
    const double n = static_cast<double>(per);
    r.frac_p05.push_back(static_cast<double>(n05) / n);
    r.frac_3sigma.push_back(static_cast<double>(n3) / n);
    r.frac_5sigma.push_back(static_cast<double>(n5) / n);
    std::nth_element(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(per / 2), p.end());
    r.median_p.push_back(per > 0 ? p[per / 2] : NAN);
  }
  r.sensitivity = crossing(r.strengths, r.frac_p05, 0.9);
  r.discovery_3sigma = r.p_floor <= P_3SIGMA ? crossing(r.strengths, r.frac_3sigma, 0.5) : NAN;
  r.discovery_5sigma = r.p_floor <= P_5SIGMA ? crossing(r.strengths, r.frac_5sigma, 0.5) : NAN;
  return r;
}

} // namespace nuflare::coincidence
