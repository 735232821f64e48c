#pragma once
//! Limits on the fraction f of neutrino sources brighter than M (ZTF paper §6,
//! eq. 6–7, Fig. 16–19): P_no_counterpart(M, f) = Π_i (1 − P_astro,i P_obs,i P_det(M) f),
//! and the f at which it equals 1 − CL, found by root finding.
#include "nuflare/followup/detection.hpp"
#include "nuflare/followup/redshift.hpp"

#include <optional>
#include <span>
#include <vector>

namespace nuflare::followup {

//! Eq. 7 with x = P_det(M)·f: Π_i (1 − p_i x)^repeat, p_i = P_astro,i · P_obs,i.
//! `repeat` > 1 is the extrapolation of Fig. 18 (the same alerts observed k times).
[[nodiscard]] double p_no_counterpart(std::span<const double> p_astro_obs, double x,
                                      int repeat = 1);

//! The x = f·P_det in [0, 1] with P_no_counterpart(x) = 1 − cl (toms748 root);
//! empty when even x = 1 leaves P_no_counterpart > 1 − cl.
[[nodiscard]] std::optional<double> f_pdet_limit(std::span<const double> p_astro_obs, double cl,
                                                 int repeat = 1);

//! f limit at CL for a given P_det from the root x = f·P_det of f_pdet_limit: x / p_det,
//! empty ("unconstrained", Fig. 17) when x is empty, p_det = 0 or x > p_det (no f ≤ 1
//! reaches the CL). The root depends on the alerts alone: find it once, then call this
//! for every magnitude.
[[nodiscard]] std::optional<double> f_limit(std::optional<double> f_pdet, double p_det);

//! f limit at CL for a given P_det: f_limit(f_pdet_limit(p_astro_obs, cl, repeat), p_det).
[[nodiscard]] std::optional<double> f_limit(std::span<const double> p_astro_obs, double p_det,
                                            double cl, int repeat = 1);

//! νL_ν [erg/s] of an AB absolute magnitude at wavelength `wavelength_nm` (the top
//! axis of Fig. 17: λ_g = 470 nm): L_ν = 4π (10 pc)² · 10^(−0.4 (M + 48.6)) erg s⁻¹ Hz⁻¹
//! (the AB definition, as astropy's `u.ABmag` in the paper's notebook).
[[nodiscard]] double abs_mag_to_nu_l_nu_erg_s(double abs_mag, double wavelength_nm = 470.0);

//! Largest alert_repeat: N raises the no-counterpart probability of the
//! sample to the power N (Fig. 18 extrapolation); a million samples of 24
//! alerts is far beyond any neutrino telescope's lifetime.
inline constexpr int MAX_ALERT_REPEAT = 1000000;

//! Everything that fixes a limit curve.
struct FollowupConfig {
  RedshiftConfig redshift;      //!< γ, z range, grid mode, cosmologies of eq. 3
  DetectionConfig detection;    //!< ε(m) and the magnitude cosmology (eq. 2)
  double cl = 0.9;              //!< confidence level of the limit
  int alert_repeat = 1;         //!< Fig. 18 extrapolation: sample ×k
  double wavelength_nm = 470.0; //!< λ for the νL_ν column

  //! The keys of a limit curve (docs/cli.md, `nuflare followup`); the
  //! survey's efficiency is chosen apart (ZTF or a deeper survey).
  static const core::OptionTable<FollowupConfig>& options();
};

inline const core::OptionTable<FollowupConfig>& FollowupConfig::options() {
  using F = FollowupConfig;
  static const auto table =
      core::OptionTable<F>()
          .add("cl", &F::cl, "", "confidence level of the f limit", core::OPEN_UNIT_INTERVAL)
          .add("alert_repeat", &F::alert_repeat, "",
               "the alert sample repeated N times (Fig. 18 extrapolation)",
               core::Count{1, MAX_ALERT_REPEAT})
          .include(&F::redshift, RedshiftConfig::options());
  return table;
}

//! One point of Fig. 16/17 (and the CSV row of `nuflare followup`).
struct LimitPoint {
  Evolution evolution;
  double abs_mag;                //!< M [AB mag]
  double p_detectable;           //!< eq. 5
  double p_no_counterpart_f1;    //!< eq. 7 with f = 1 (Fig. 16)
  std::optional<double> f_limit; //!< f at CL (Fig. 17); empty = unconstrained
  double nu_l_nu_erg_s;          //!< νL_ν at `wavelength_nm`
};

//! The entry point: for each evolution and each absolute magnitude, P_detectable
//! and the f limit, given the per-alert products P_astro·P_obs (alerts.hpp
//! `probability_table`). Rows are ordered evolution-major, magnitudes as given.
[[nodiscard]] std::vector<LimitPoint> limit_curve(std::span<const double> p_astro_obs,
                                                  std::span<const Evolution> evolutions,
                                                  std::span<const double> abs_mags,
                                                  const FollowupConfig& config = {});

//! Magnitudes from `mag_min` to `mag_max` inclusive in steps of `step` (CLI --mag-*).
[[nodiscard]] std::vector<double> magnitude_grid(double mag_min, double mag_max, double step);

} // namespace nuflare::followup
