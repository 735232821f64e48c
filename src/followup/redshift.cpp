#include "nuflare/followup/redshift.hpp"

#include "nuflare/core/error.hpp"

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>

namespace nuflare::followup {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

} // namespace

std::string to_string(Evolution e) {
  switch (e) {
  case Evolution::sfr:
    return "sfr";
  case Evolution::grb:
    return "grb";
  case Evolution::blazar:
    return "blazar";
  case Evolution::madau:
    return "madau";
  }
  return "?";
}

Evolution evolution_from_string(const std::string& name) {
  const auto n = lower(name);
  for (auto e : {Evolution::sfr, Evolution::grb, Evolution::blazar, Evolution::madau})
    if (n == to_string(e))
      return e;
  throw core::ConfigError("unknown evolution \"" + name + "\" (sfr, grb, blazar, madau)");
}

std::string to_string(GridMode g) {
  return g == GridMode::exact ? "exact" : "stein2023";
}

GridMode grid_mode_from_string(const std::string& name) {
  const auto n = lower(name);
  if (n == "exact")
    return GridMode::exact;
  if (n == "stein2023")
    return GridMode::stein2023;
  throw core::ConfigError("unknown followup.grid \"" + name + "\" (exact, stein2023)");
}

double source_evolution(Evolution e, double z, double blazar_log10_l_gamma_erg_s) {
  const double zp1 = 1.0 + z;
  switch (e) {
  case Evolution::sfr: // Strolger et al. 2015 (CLASH/CANDELS), normalised at z = 0
    return std::pow(zp1, 5.0) / (1.0 + std::pow(zp1 / 1.5, 6.1)) * (1.0 + std::pow(1.0 / 1.5, 6.1));
  case Evolution::grb: // Lien et al. 2014 broken power law, continuous at z = 3.6
    return z < 3.6 ? std::pow(zp1, 2.07) : std::pow(4.6, 2.07 + 0.7) * std::pow(zp1, -0.7);
  case Evolution::blazar: { // Ajello et al. 2015 PDE
    const double k_d = 12.14 + 2.79 * (blazar_log10_l_gamma_erg_s - 46.0);
    const double xi = -0.15;
    return std::pow(zp1, k_d) * std::exp(z / xi);
  }
  case Evolution::madau: // Madau & Dickinson 2014 eq. 15, normalised at z = 0
    return std::pow(zp1, 2.7) / (1.0 + std::pow(zp1 / 2.9, 5.6)) * (1.0 + std::pow(1.0 / 2.9, 5.6));
  }
  return 0.0;
}

double interp_clamped(double x, const std::vector<double>& xs, const std::vector<double>& ys) {
  if (xs.empty())
    throw core::NumericalError("interpolation on an empty grid");
  if (x <= xs.front())
    return ys.front();
  if (x >= xs.back())
    return ys.back();
  const auto it = std::upper_bound(xs.begin(), xs.end(), x);
  const auto i = static_cast<std::size_t>(it - xs.begin());
  const double t = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
  return ys[i - 1] + t * (ys[i] - ys[i - 1]);
}

RedshiftPdf::RedshiftPdf(Evolution evolution, RedshiftConfig config)
    : evolution_(evolution), config_(std::move(config)), volume_(config_.volume_cosmology),
      flux_(config_.flux_cosmology
                ? *config_.flux_cosmology
                : (config_.mode == GridMode::exact ? config_.volume_cosmology
                                                   : CosmologyParams::planck18())) {
  if (!(config_.z_max > 0))
    throw core::ConfigError("followup: z_max must be > 0");
  same_cosmology_ = volume_.params() == flux_.params();
  if (config_.mode == GridMode::exact) {
    norm_ = integral(0.0, config_.z_max);
  } else {
    if (config_.grid_bins < 2)
      throw core::ConfigError("followup: grid_bins must be >= 2");
    const std::size_t n = config_.grid_bins;
    const double dz = config_.z_max / static_cast<double>(n);
    grid_z_.resize(n);
    grid_w_.resize(n);
    grid_cdf_.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      grid_z_[i] = (static_cast<double>(i) + 0.5) * dz;
    // Same values as flux_per_z at each midpoint, with the distances tabulated
    // by piecewise integration (cosmology.hpp comoving_distances_mpc).
    const auto dc_volume = volume_.comoving_distances_mpc(grid_z_);
    const auto dc_flux = same_cosmology_ ? dc_volume : flux_.comoving_distances_mpc(grid_z_);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double z = grid_z_[i];
      const double zp1 = 1.0 + z;
      const double evo = source_evolution(evolution_, z, config_.blazar_log10_l_gamma_erg_s) *
                         std::pow(zp1, 2.0 - config_.gamma);
      const double dvc =
          volume_.hubble_distance_mpc() * dc_volume[i] * dc_volume[i] * volume_.inv_efunc(z);
      const double dl = zp1 * dc_flux[i];
      grid_w_[i] = evo * dvc / (dl * dl);
      sum += grid_w_[i];
    }
    double running = 0;
    for (std::size_t i = 0; i < n; ++i) {
      grid_w_[i] /= sum;
      grid_cdf_[i] = running; // exclusive: the bin's own weight is not yet included
      running += grid_w_[i];
    }
    norm_ = sum * dz;
  }
}

double RedshiftPdf::flux_per_z(double z) const {
  const double zp1 = 1.0 + z;
  const double evo = source_evolution(evolution_, z, config_.blazar_log10_l_gamma_erg_s) *
                     std::pow(zp1, 2.0 - config_.gamma);
  if (same_cosmology_) {
    // Flat universe: D_L = (1+z) D_M and dV_c/dz/dΩ = D_H D_M² / E, so
    // (dV_c/dz)/D_L² = D_H / (E(z) (1+z)²) — exact, and finite at z = 0.
    return evo * volume_.hubble_distance_mpc() * volume_.inv_efunc(z) / (zp1 * zp1);
  }
  const double dl = flux_.luminosity_distance_mpc(z);
  return evo * volume_.differential_comoving_volume_mpc3_sr(z) / (dl * dl);
}

double RedshiftPdf::integral(double a, double b) const {
  if (b <= a)
    return 0.0;
  double error = 0;
  return boost::math::quadrature::gauss_kronrod<double, 61>::integrate(
      [this](double z) { return flux_per_z(z); }, a, b, 12, 1e-12, &error);
}

double RedshiftPdf::density(double z) const {
  if (z < 0 || z > config_.z_max)
    return 0.0;
  if (config_.mode == GridMode::exact)
    return flux_per_z(z) / norm_;
  const double dz = config_.z_max / static_cast<double>(grid_z_.size());
  const auto i = std::min(grid_z_.size() - 1, static_cast<std::size_t>(z / dz));
  return grid_w_[i] / dz;
}

double RedshiftPdf::cdf(double z) const {
  if (config_.mode == GridMode::stein2023)
    return interp_clamped(z, grid_z_, grid_cdf_);
  if (z <= 0)
    return 0.0;
  if (z >= config_.z_max)
    return 1.0;
  return integral(0.0, z) / norm_;
}

double RedshiftPdf::median() const {
  if (config_.mode == GridMode::stein2023) {
    for (std::size_t i = 0; i < grid_z_.size(); ++i)
      if (grid_cdf_[i] > 0.5)
        return grid_z_[i];
    throw core::NumericalError("redshift grid: CDF never exceeds 0.5");
  }
  std::uintmax_t iterations = 200;
  auto tol = [](double a, double b) { return std::abs(a - b) <= 1e-12; };
  auto [a, b] = boost::math::tools::toms748_solve([this](double z) { return cdf(z) - 0.5; }, 0.0,
                                                  config_.z_max, -0.5, 0.5, tol, iterations);
  return 0.5 * (a + b);
}

} // namespace nuflare::followup
