#include "nuflare/followup/cosmology.hpp"

#include "nuflare/core/error.hpp"

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace nuflare::followup {

namespace {

// Physical constants exactly as astropy 5.2 holds them (CODATA 2018, IAU 2015).
constexpr double C_KM_S = 299792.458;                // speed of light [km/s]
constexpr double C_CM_S = 2.99792458e10;             // [cm/s]
constexpr double SIGMA_SB_CGS = 5.670374419e-5;      // Stefan-Boltzmann [erg cm^-2 s^-1 K^-4]
constexpr double G_CGS = 6.67430e-8;                 // [cm^3 g^-1 s^-2]
constexpr double K_B_EV_K = 8.617333262145179e-05;   // Boltzmann [eV/K]
constexpr double MPC_KM = 3.0856775814913673e19;     // [km]
constexpr double TNU_OVER_TCMB = 0.7137658555036082; // (4/11)^(1/3)
constexpr double NU_PREFAC = 0.22710731766;          // 7/8 (4/11)^(4/3)

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

} // namespace

CosmologyParams CosmologyParams::wmap9() {
  return {"WMAP9", 69.32, 0.2865, 2.725, 3.04, {0.0, 0.0, 0.0}};
}
CosmologyParams CosmologyParams::planck15() {
  return {"Planck15", 67.74, 0.3075, 2.7255, 3.046, {0.0, 0.0, 0.06}};
}
CosmologyParams CosmologyParams::planck18() {
  return {"Planck18", 67.66, 0.30966, 2.7255, 3.046, {0.0, 0.0, 0.06}};
}
CosmologyParams CosmologyParams::flat(double h0_km_s_mpc, double omega_m0, double tcmb0_k) {
  return {"custom", h0_km_s_mpc, omega_m0, tcmb0_k, 3.04, {0.0, 0.0, 0.0}};
}
CosmologyParams CosmologyParams::without_radiation() const {
  CosmologyParams p = *this;
  p.tcmb0_k = 0.0;
  p.name += " (no radiation)";
  return p;
}
CosmologyParams CosmologyParams::by_name(const std::string& name) {
  const std::string n = lower(name);
  if (n == "wmap9")
    return wmap9();
  if (n == "planck15")
    return planck15();
  if (n == "planck18")
    return planck18();
  throw core::ConfigError("unknown cosmology \"" + name + "\" (wmap9, planck15, planck18)");
}

FlatLambdaCdm::FlatLambdaCdm(CosmologyParams params) : params_(std::move(params)) {
  const auto& p = params_;
  if (!(p.h0_km_s_mpc > 0) || !(p.omega_m0 >= 0) || !(p.tcmb0_k >= 0) || !(p.neff >= 0))
    throw core::ConfigError("cosmology " + p.name + ": H0 > 0, Om0 >= 0, Tcmb0 >= 0, Neff >= 0");
  for (double m : p.m_nu_ev)
    if (!(m >= 0))
      throw core::ConfigError("cosmology " + p.name + ": neutrino masses must be >= 0");
  hubble_distance_mpc_ = C_KM_S / p.h0_km_s_mpc;
  neff_per_nu_ = p.neff / 3.0;
  if (p.tcmb0_k > 0) {
    // astropy: Ogamma0 = a_B c^-2 T^4 / rho_crit, rho_crit = 3 H0^2 / (8 pi G), cgs units.
    const double h0_s = p.h0_km_s_mpc / MPC_KM;
    const double rho_crit = 3.0 * h0_s * h0_s / (8.0 * std::numbers::pi * G_CGS);
    const double a_b_c2 = 4.0 * SIGMA_SB_CGS / (C_CM_S * C_CM_S * C_CM_S);
    ogamma0_ = a_b_c2 * std::pow(p.tcmb0_k, 4) / rho_crit;
    const double tnu0 = TNU_OVER_TCMB * p.tcmb0_k;
    n_massless_nu_ = 0;
    for (double m : p.m_nu_ev) {
      if (m > 0)
        nu_y_[static_cast<std::size_t>(n_massive_nu_++)] = m / (K_B_EV_K * tnu0);
      else
        ++n_massless_nu_;
    }
    massive_nu_ = n_massive_nu_ > 0;
    onu0_ = ogamma0_ * nu_relative_density(0.0);
  }
  // Without radiation astropy sets both photon and neutrino densities to zero.
  ode0_ = 1.0 - p.omega_m0 - ogamma0_ - onu0_;
}

double FlatLambdaCdm::nu_relative_density(double z) const {
  if (!massive_nu_)
    return NU_PREFAC * params_.neff;
  // Komatsu et al. (2011) eq. 26 fitting function, per massive species.
  constexpr double p = 1.83;
  constexpr double invp = 0.54644808743;
  constexpr double k = 0.3173;
  double rel_mass = n_massless_nu_;
  for (int i = 0; i < n_massive_nu_; ++i) {
    const double y = nu_y_[static_cast<std::size_t>(i)] / (1.0 + z);
    rel_mass += std::pow(1.0 + std::pow(k * y, p), invp);
  }
  return NU_PREFAC * neff_per_nu_ * rel_mass;
}

double FlatLambdaCdm::efunc(double z) const {
  return 1.0 / inv_efunc(z);
}

double FlatLambdaCdm::inv_efunc(double z) const {
  const double zp1 = 1.0 + z;
  const double o_r = ogamma0_ > 0 ? ogamma0_ * (1.0 + nu_relative_density(z)) : 0.0;
  return 1.0 / std::sqrt(zp1 * zp1 * zp1 * params_.omega_m0 + zp1 * zp1 * zp1 * zp1 * o_r + ode0_);
}

double FlatLambdaCdm::comoving_distance_mpc(double z) const {
  if (!(z >= 0))
    throw core::NumericalError("comoving distance: redshift must be >= 0");
  if (z == 0)
    return 0.0;
  // 1/E(z) is smooth: 61-point Gauss-Kronrod with adaptive bisection reaches
  // machine precision (astropy uses QUADPACK with its default 1.5e-8 tolerance).
  double error = 0;
  const double integral = boost::math::quadrature::gauss_kronrod<double, 61>::integrate(
      [this](double x) { return inv_efunc(x); }, 0.0, z, 10, 1e-12, &error);
  return hubble_distance_mpc_ * integral;
}

std::vector<double> FlatLambdaCdm::comoving_distances_mpc(const std::vector<double>& z) const {
  std::vector<double> out(z.size());
  double previous_z = 0.0;
  double sum = 0.0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    if (!(z[i] >= previous_z))
      throw core::NumericalError("comoving distances: redshifts must be >= 0 and increasing");
    if (z[i] > previous_z) {
      double error = 0;
      sum += boost::math::quadrature::gauss_kronrod<double, 61>::integrate(
          [this](double x) { return inv_efunc(x); }, previous_z, z[i], 5, 1e-12, &error);
    }
    out[i] = hubble_distance_mpc_ * sum;
    previous_z = z[i];
  }
  return out;
}

double FlatLambdaCdm::luminosity_distance_mpc(double z) const {
  return (1.0 + z) * comoving_distance_mpc(z);
}

double FlatLambdaCdm::differential_comoving_volume_mpc3_sr(double z) const {
  const double dm = comoving_distance_mpc(z);
  return hubble_distance_mpc_ * dm * dm * inv_efunc(z);
}

double FlatLambdaCdm::distance_modulus(double z) const {
  return 5.0 * std::log10(luminosity_distance_mpc(z) * 1e5); // D_L / 10 pc, 1 Mpc = 1e5 x 10 pc
}

double FlatLambdaCdm::redshift_at_luminosity_distance(double dl_mpc, double z_max) const {
  if (!(dl_mpc > 0))
    return 0.0;
  if (luminosity_distance_mpc(z_max) <= dl_mpc)
    return z_max;
  // D_L is strictly increasing; solve in log D_L, which is close to linear in log z.
  const double target = std::log(dl_mpc);
  auto f = [&](double z) {
    return z <= 0 ? -1e300 : std::log(luminosity_distance_mpc(z)) - target;
  };
  double lo = std::min(z_max, dl_mpc / hubble_distance_mpc_) * 0.5;
  while (f(lo) > 0)
    lo *= 0.5;
  std::uintmax_t iterations = 200;
  auto tol = [](double a, double b) {
    return std::abs(a - b) <= 1e-14 * std::max(1.0, std::abs(a));
  };
  auto [a, b] = boost::math::tools::toms748_solve(f, lo, z_max, tol, iterations);
  return 0.5 * (a + b);
}

} // namespace nuflare::followup
