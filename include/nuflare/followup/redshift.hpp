#pragma once
//! Redshift distribution of the neutrino flux from a source population (ZTF
//! paper §6, eq. 3–4): dF/dz ∝ R(z) (1+z)^(2−γ) (dV_c/dz) / D_L², normalised on
//! [0, z_max]. Two ways to evaluate it:
//!  - GridMode::exact — adaptive quadrature of the continuous density;
//!  - GridMode::stein2023 — the paper's notebook grid (flarestack): the density at
//!    the midpoints of `grid_bins` bins on [0, z_max], normalised by its sum, with
//!    an exclusive cumulative sum as CDF, linear interpolation between grid points,
//!    and D_L in the flux term from Planck18 (astropy's default cosmology, used by
//!    flarestack's `Distance(z=z)`) while dV_c comes from Planck15.
#include "nuflare/core/options.hpp"
#include "nuflare/followup/cosmology.hpp"

#include <optional>
#include <string>
#include <vector>

namespace nuflare::followup {

//! Source evolutions R(z) = ρ(z)/ρ(0) of ZTF paper §6.
enum class Evolution {
  sfr, //!< Strolger et al. 2015: (1+z)^5 / (1 + ((1+z)/1.5)^6.1)
  grb, //!< Lien et al. 2014: (1+z)^2.07 for z < 3.6, ∝ (1+z)^−0.7 beyond (continuous)
  blazar, //!< Ajello et al. 2015 PDE: (1+z)^k_d e^(z/ξ), ξ = −0.15, k_d = 12.14 + 2.79 (log L_γ −
          //!< 46)
  madau, //!< Madau & Dickinson 2014 eq. 15: (1+z)^2.7 / (1 + ((1+z)/2.9)^5.6)
};

//! "sfr", "grb", "blazar", "madau".
[[nodiscard]] std::string to_string(Evolution e);
//! Inverse of to_string (case-insensitive); throws core::ConfigError.
[[nodiscard]] Evolution evolution_from_string(const std::string& name);

//! How the redshift integrals are evaluated (docs/methods.md, Redshift PDF).
enum class GridMode {
  exact,     //!< adaptive quadrature (default)
  stein2023, //!< the paper's notebook grid; reproduces its printed numbers
};
[[nodiscard]] std::string to_string(GridMode g);
[[nodiscard]] GridMode grid_mode_from_string(const std::string& name);

//! Options of the redshift PDF.
struct RedshiftConfig {
  GridMode mode = GridMode::exact;
  double gamma = 2.0;                     //!< neutrino spectral index γ (eq. 3)
  double z_max = 8.0;                     //!< upper end of the integration (flarestack)
  double blazar_log10_l_gamma_erg_s = 46; //!< log10 L_γ for the blazar PDE evolution
  std::size_t grid_bins = 1000;           //!< bins on [0, z_max] in stein2023 mode
  //! Cosmology of dV_c/dz (flarestack: Planck15).
  CosmologyParams volume_cosmology = CosmologyParams::planck15();
  //! Cosmology of D_L in the flux term; empty = the paper's choice for the mode
  //! (Planck15 for exact, Planck18 for stein2023).
  std::optional<CosmologyParams> flux_cosmology;

  //! The keys of the redshift PDF (docs/cli.md, `nuflare followup`).
  static const core::OptionTable<RedshiftConfig>& options();
};

inline const core::OptionTable<RedshiftConfig>& RedshiftConfig::options() {
  using R = RedshiftConfig;
  static const auto table =
      core::OptionTable<R>()
          .choice("grid", &R::mode,
                  {{"exact", GridMode::exact}, {"stein2023", GridMode::stein2023}},
                  "redshift integration: exact (quadrature) or stein2023 (the paper's notebook "
                  "grid)")
          .check([](std::string_view text) -> std::string {
            try {
              (void)grid_mode_from_string(std::string(text));
              return {};
            } catch (const core::ConfigError& e) {
              return e.what();
            }
          })
          .add("gamma", &R::gamma, "", "neutrino spectral index gamma (eq. 3)")
          .add("blazar_log10_l_gamma", &R::blazar_log10_l_gamma_erg_s, "log10(erg/s)",
               "L_gamma of the blazar PDE evolution");
  return table;
}

//! Normalised evolution R(z) (R(0) = 1).
[[nodiscard]] double source_evolution(Evolution e, double z,
                                      double blazar_log10_l_gamma_erg_s = 46);

//! P_dist(z) of eq. 4 for one evolution, with its CDF and median.
class RedshiftPdf {
public:
  RedshiftPdf(Evolution evolution, RedshiftConfig config = {});

  [[nodiscard]] Evolution evolution() const noexcept { return evolution_; }
  [[nodiscard]] const RedshiftConfig& config() const noexcept { return config_; }
  [[nodiscard]] GridMode mode() const noexcept { return config_.mode; }
  [[nodiscard]] double z_max() const noexcept { return config_.z_max; }

  //! Unnormalised dF/dz of eq. 3 (up to a constant).
  [[nodiscard]] double flux_per_z(double z) const;
  //! Normalised density P_dist(z) (exact mode; in grid mode the density of the
  //! grid cell containing z, i.e. the bin weight divided by the bin width).
  [[nodiscard]] double density(double z) const;
  //! ∫_0^z P_dist: quadrature (exact) or linear interpolation of the exclusive
  //! cumulative sum at the grid midpoints, clamped at both ends (stein2023).
  [[nodiscard]] double cdf(double z) const;
  //! Exact: z with CDF = 0.5 (root finding). stein2023: first grid z with CDF > 0.5.
  [[nodiscard]] double median() const;

  //! Grid midpoints (stein2023 mode; empty otherwise).
  [[nodiscard]] const std::vector<double>& grid_z() const noexcept { return grid_z_; }
  //! Normalised bin weights at the grid midpoints (stein2023 mode).
  [[nodiscard]] const std::vector<double>& grid_weight() const noexcept { return grid_w_; }
  //! Exclusive cumulative sum of the weights (stein2023 mode).
  [[nodiscard]] const std::vector<double>& grid_cdf() const noexcept { return grid_cdf_; }

private:
  [[nodiscard]] double integral(double a, double b) const;

  Evolution evolution_;
  RedshiftConfig config_;
  FlatLambdaCdm volume_;
  FlatLambdaCdm flux_;
  bool same_cosmology_ = true;
  double norm_ = 1.0;
  std::vector<double> grid_z_, grid_w_, grid_cdf_;
};

//! Linear interpolation with numpy.interp semantics (clamped at both ends);
//! `x` must be increasing.
[[nodiscard]] double interp_clamped(double x, const std::vector<double>& xs,
                                    const std::vector<double>& ys);

} // namespace nuflare::followup
