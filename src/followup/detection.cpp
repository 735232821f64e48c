#include "nuflare/followup/detection.hpp"

#include "nuflare/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <utility>

namespace nuflare::followup {

DetectionConfig DetectionConfig::deep_survey(double limit_mag, double efficiency) {
  DetectionConfig c;
  c.steps = {{limit_mag, efficiency}};
  return c;
}

void DetectionConfig::validate() const {
  if (!(epsilon0 >= 0 && epsilon0 <= 1))
    throw core::ConfigError("followup: epsilon0 must be in [0, 1]");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (!std::isfinite(steps[i].m_max) || !(steps[i].efficiency >= 0 && steps[i].efficiency <= 1))
      throw core::ConfigError("followup: efficiency steps need finite magnitudes and "
                              "efficiencies in [0, 1]");
    if (i > 0 && !(steps[i].m_max > steps[i - 1].m_max))
      throw core::ConfigError("followup: efficiency step magnitudes must increase");
  }
}

double selection_efficiency(const DetectionConfig& config, double apparent_mag) {
  for (const auto& s : config.steps)
    if (apparent_mag <= s.m_max)
      return config.epsilon0 * s.efficiency;
  return 0.0;
}

DetectionModel::DetectionModel(DetectionConfig config)
    : config_(std::move(config)), cosmology_(config_.magnitude_cosmology) {
  config_.validate();
}

double DetectionModel::apparent_magnitude(double abs_mag, double z) const {
  return abs_mag + cosmology_.distance_modulus(z);
}

double DetectionModel::max_luminosity_distance_mpc(double abs_mag, double apparent_mag) {
  return std::pow(10.0, 0.2 * (apparent_mag - abs_mag)) * 1e-5; // 10 pc in Mpc
}

double DetectionModel::threshold_redshift(const RedshiftPdf& pdf, double abs_mag,
                                          double apparent_mag) const {
  return redshift_at_distance(pdf, max_luminosity_distance_mpc(abs_mag, apparent_mag),
                              grid_luminosity_distances(pdf));
}

std::vector<double> DetectionModel::grid_luminosity_distances(const RedshiftPdf& pdf) const {
  if (pdf.mode() != GridMode::stein2023)
    return {};
  auto dl = cosmology_.comoving_distances_mpc(pdf.grid_z());
  for (std::size_t i = 0; i < dl.size(); ++i)
    dl[i] *= 1.0 + pdf.grid_z()[i];
  return dl;
}

double DetectionModel::redshift_at_distance(const RedshiftPdf& pdf, double dl_max_mpc,
                                            const std::vector<double>& dl_grid) const {
  if (pdf.mode() == GridMode::exact)
    return cosmology_.redshift_at_luminosity_distance(dl_max_mpc, pdf.z_max());
  // stein2023: D_L tabulated at the grid midpoints, z from numpy.interp(dl_max, D_L, z).
  return interp_clamped(dl_max_mpc, dl_grid, pdf.grid_z());
}

namespace {

//! Eq. 5 with a step ε, up to redshift z: the integral splits at the redshifts
//! z_k where m(M, z) crosses the step edges, P = ε₀ Σ_k e_k [CDF(z_k) − CDF(z_{k−1})].
//! `threshold(dl_max)` is the redshift of D_L = dl_max, `cdf(z)` the PDF's CDF and
//! `cdf0` = CDF(0). The one-magnitude and the grid forms both add through here,
//! so that they agree bit for bit.
template <class Threshold, class Cdf>
double step_integral(const DetectionConfig& config, double abs_mag, double z, double cdf0,
                     Threshold&& threshold, Cdf&& cdf) {
  double total = 0.0;
  double z_prev = 0.0;
  double cdf_prev = cdf0;
  for (const auto& s : config.steps) {
    const double z_k =
        std::min(threshold(DetectionModel::max_luminosity_distance_mpc(abs_mag, s.m_max)), z);
    if (z_k > z_prev) {
      const double cdf_k = cdf(z_k);
      total += s.efficiency * (cdf_k - cdf_prev);
      cdf_prev = cdf_k;
      z_prev = z_k;
    }
  }
  return config.epsilon0 * total;
}

//! f(x) computed once per distinct x (the same x gives the same bits).
template <class F>
class Memo {
public:
  explicit Memo(F f) : f_(std::move(f)) {}
  double operator()(double x) {
    const auto [it, fresh] = values_.try_emplace(x, 0.0);
    if (fresh)
      it->second = f_(x);
    return it->second;
  }

private:
  F f_;
  std::unordered_map<double, double> values_;
};

} // namespace

double DetectionModel::cumulative_detection(const RedshiftPdf& pdf, double abs_mag,
                                            double z) const {
  const std::vector<double> dl_grid = grid_luminosity_distances(pdf);
  return step_integral(
      config_, abs_mag, z, pdf.cdf(0.0),
      [&](double dl_max) { return redshift_at_distance(pdf, dl_max, dl_grid); },
      [&](double z_k) { return pdf.cdf(z_k); });
}

double DetectionModel::p_detectable(const RedshiftPdf& pdf, double abs_mag) const {
  return cumulative_detection(pdf, abs_mag, pdf.z_max());
}

std::vector<double> DetectionModel::p_detectable(const RedshiftPdf& pdf,
                                                 std::span<const double> abs_mags) const {
  const std::vector<double> dl_grid = grid_luminosity_distances(pdf);
  const double cdf0 = pdf.cdf(0.0);
  Memo threshold([&](double dl_max) { return redshift_at_distance(pdf, dl_max, dl_grid); });
  Memo cdf([&](double z_k) { return pdf.cdf(z_k); });
  std::vector<double> out;
  out.reserve(abs_mags.size());
  for (double m : abs_mags)
    out.push_back(step_integral(config_, m, pdf.z_max(), cdf0, threshold, cdf));
  return out;
}

} // namespace nuflare::followup
