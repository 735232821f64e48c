#include "nuflare/followup/detection.hpp"

#include "nuflare/core/error.hpp"

#include <algorithm>
#include <cmath>

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
  const double dl_max = max_luminosity_distance_mpc(abs_mag, apparent_mag);
  if (pdf.mode() == GridMode::exact)
    return cosmology_.redshift_at_luminosity_distance(dl_max, pdf.z_max());
  // stein2023: D_L tabulated at the grid midpoints, z from numpy.interp(dl_max, D_L, z).
  return interp_clamped(dl_max, grid_luminosity_distances(pdf), pdf.grid_z());
}

std::vector<double> DetectionModel::grid_luminosity_distances(const RedshiftPdf& pdf) const {
  auto dl = cosmology_.comoving_distances_mpc(pdf.grid_z());
  for (std::size_t i = 0; i < dl.size(); ++i)
    dl[i] *= 1.0 + pdf.grid_z()[i];
  return dl;
}

double DetectionModel::cumulative_detection(const RedshiftPdf& pdf, double abs_mag,
                                            double z) const {
  const std::vector<double> dl_grid =
      pdf.mode() == GridMode::stein2023 ? grid_luminosity_distances(pdf) : std::vector<double>{};
  auto threshold = [&](double m) {
    const double dl_max = max_luminosity_distance_mpc(abs_mag, m);
    if (pdf.mode() == GridMode::exact)
      return cosmology_.redshift_at_luminosity_distance(dl_max, pdf.z_max());
    return interp_clamped(dl_max, dl_grid, pdf.grid_z());
  };
  // eq. 5 with a step ε: the integral splits at the redshifts of the step edges.
  double total = 0.0;
  double z_prev = 0.0;
  double cdf_prev = pdf.cdf(0.0);
  for (const auto& s : config_.steps) {
    const double z_k = std::min(threshold(s.m_max), z);
    if (z_k > z_prev) {
      const double cdf_k = pdf.cdf(z_k);
      total += s.efficiency * (cdf_k - cdf_prev);
      cdf_prev = cdf_k;
      z_prev = z_k;
    }
  }
  return config_.epsilon0 * total;
}

double DetectionModel::p_detectable(const RedshiftPdf& pdf, double abs_mag) const {
  return cumulative_detection(pdf, abs_mag, pdf.z_max());
}

} // namespace nuflare::followup
