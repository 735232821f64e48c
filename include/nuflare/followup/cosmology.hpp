#pragma once
//! Flat ΛCDM with photons and (massive) neutrinos, computed exactly as astropy's
//! `FlatLambdaCDM` does (astropy 5.2): photon density from T_cmb, neutrino
//! density from N_eff and m_ν through astropy's `nu_relative_density` fitting
//! function (Komatsu et al. 2011, eq. 26). Distances by adaptive Gauss–Kronrod
//! quadrature (Boost.Math). ZTF paper §6 uses WMAP9 for apparent magnitudes and
//! Planck15 (flarestack) for the neutrino-source redshift distribution.
#include <array>
#include <string>
#include <vector>

namespace nuflare::followup {

//! Parameters of a flat ΛCDM cosmology (astropy names in brackets).
struct CosmologyParams {
  std::string name = "custom";
  double h0_km_s_mpc = 70.0;              //!< Hubble constant [H0, km s^-1 Mpc^-1]
  double omega_m0 = 0.3;                  //!< matter density today [Om0]
  double tcmb0_k = 0.0;                   //!< CMB temperature [Tcmb0, K]; 0 = no radiation
  double neff = 3.04;                     //!< effective number of neutrino species [Neff]
  std::array<double, 3> m_nu_ev{0, 0, 0}; //!< neutrino masses [m_nu, eV]

  //! astropy.cosmology.WMAP9 (Hinshaw et al. 2013).
  static CosmologyParams wmap9();
  //! astropy.cosmology.Planck15 (Planck 2015 XIII, Table 4 last column).
  static CosmologyParams planck15();
  //! astropy.cosmology.Planck18 (Planck 2018 VI, Table 2 TT,TE,EE+lowE+lensing+BAO).
  static CosmologyParams planck18();
  //! FlatLambdaCDM(H0, Om0) with astropy's defaults (Tcmb0 = 0: no radiation).
  static CosmologyParams flat(double h0_km_s_mpc, double omega_m0, double tcmb0_k = 0.0);
  //! The same parameters with Tcmb0 = 0 (astropy then drops photons and neutrinos).
  [[nodiscard]] CosmologyParams without_radiation() const;
  //! Preset by name: "wmap9", "planck15", "planck18" (case-insensitive); throws ConfigError.
  static CosmologyParams by_name(const std::string& name);

  bool operator==(const CosmologyParams&) const = default;
};

//! Distances in a flat ΛCDM universe (Ω_k = 0).
class FlatLambdaCdm {
public:
  explicit FlatLambdaCdm(CosmologyParams params);

  [[nodiscard]] const CosmologyParams& params() const noexcept { return params_; }
  [[nodiscard]] double omega_gamma0() const noexcept { return ogamma0_; } //!< photons today
  [[nodiscard]] double omega_nu0() const noexcept { return onu0_; }       //!< neutrinos today
  [[nodiscard]] double omega_de0() const noexcept { return ode0_; }       //!< Λ today (1 − rest)
  //! c/H0 [Mpc].
  [[nodiscard]] double hubble_distance_mpc() const noexcept { return hubble_distance_mpc_; }

  //! Neutrino density relative to photons at z (astropy `nu_relative_density`).
  [[nodiscard]] double nu_relative_density(double z) const;
  //! E(z) = H(z)/H0.
  [[nodiscard]] double efunc(double z) const;
  //! 1/E(z).
  [[nodiscard]] double inv_efunc(double z) const;
  //! Line-of-sight comoving distance D_C [Mpc] (= transverse D_M, flat).
  [[nodiscard]] double comoving_distance_mpc(double z) const;
  //! D_C at many increasing redshifts, integrating 1/E piecewise between
  //! neighbours and summing (same accuracy, far fewer evaluations than one
  //! integral from 0 per point); throws NumericalError unless 0 <= z increasing.
  [[nodiscard]] std::vector<double> comoving_distances_mpc(const std::vector<double>& z) const;
  //! Luminosity distance D_L = (1+z) D_C [Mpc].
  [[nodiscard]] double luminosity_distance_mpc(double z) const;
  //! dV_c/dz/dΩ = D_H D_M² / E(z) [Mpc³ sr⁻¹].
  [[nodiscard]] double differential_comoving_volume_mpc3_sr(double z) const;
  //! 5 log10(D_L / 10 pc).
  [[nodiscard]] double distance_modulus(double z) const;
  //! Redshift in [0, z_max] with D_L(z) = dl_mpc (root finding); z_max when D_L(z_max) < dl_mpc.
  [[nodiscard]] double redshift_at_luminosity_distance(double dl_mpc, double z_max) const;

private:
  CosmologyParams params_;
  double hubble_distance_mpc_ = 0;
  double ogamma0_ = 0;
  double onu0_ = 0;
  double ode0_ = 0;
  double neff_per_nu_ = 0;
  int n_massless_nu_ = 3;
  bool massive_nu_ = false;
  std::array<double, 3> nu_y_{0, 0, 0}; // m_ν / (k_B T_ν0) of the massive species
  int n_massive_nu_ = 0;
};

} // namespace nuflare::followup
