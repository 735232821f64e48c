#pragma once
//! Counterpart detection probability (ZTF paper §6, eq. 2 and 5): a step
//! selection efficiency ε(m) in apparent magnitude, m = M + 5 log10(D_L/10 pc)
//! without K-correction (D_L from WMAP9 as in the paper's notebook), and
//! P_detectable(M) = ∫ ε(m(M, z)) P_dist(z) dz.
#include "nuflare/followup/cosmology.hpp"
#include "nuflare/followup/redshift.hpp"

#include <span>
#include <vector>

namespace nuflare::followup {

//! One step of ε(m): efficiency `efficiency` for m up to `m_max` (and above the previous step).
struct EfficiencyStep {
  double m_max;      //!< faint end of the step [AB mag]
  double efficiency; //!< classification efficiency within the step
};

//! Selection efficiency ε(m) = ε₀ · step(m) (eq. 2) and the magnitude cosmology.
struct DetectionConfig {
  double epsilon0 = 0.95; //!< pipeline detection efficiency ε₀ (§6: "conservative 95 per cent")
  //! Steps, brightest first: 1.0 to 19.5 mag, 0.68 to 21 mag, 0 beyond (eq. 2).
  std::vector<EfficiencyStep> steps{{19.5, 1.0}, {21.0, 0.68}};
  //! Cosmology of D_L in m(M, z) (the paper's notebook: astropy WMAP9).
  CosmologyParams magnitude_cosmology = CosmologyParams::wmap9();

  //! The ZTF programme of the paper (eq. 2).
  static DetectionConfig ztf() { return {}; }
  //! A deeper survey (Fig. 19): `efficiency` down to `limit_mag`, times ε₀ = 0.95.
  static DetectionConfig deep_survey(double limit_mag = 24.0, double efficiency = 0.6);
  //! Throws core::ConfigError unless ε₀ ∈ [0,1], steps increasing, efficiencies ∈ [0,1].
  void validate() const;
};

//! ε(m) of eq. 2: ε₀ times the efficiency of the step holding m (steps are
//! inclusive at their faint end: m ≤ m_max), 0 beyond the last step.
[[nodiscard]] double selection_efficiency(const DetectionConfig& config, double apparent_mag);

//! Computes P_detectable(M) for redshift PDFs. Thresholds z_k where m(M, z_k)
//! equals a step edge are found by root finding on D_L (exact mode) or, in
//! stein2023 mode, by linear interpolation of D_L tabulated at the PDF's grid
//! midpoints (numpy.interp, as the notebook); then
//! P_det = ε₀ Σ_k e_k [CDF(z_k) − CDF(z_{k−1})], which is eq. 5 for a step ε.
class DetectionModel {
public:
  explicit DetectionModel(DetectionConfig config = {});

  [[nodiscard]] const DetectionConfig& config() const noexcept { return config_; }
  [[nodiscard]] const FlatLambdaCdm& cosmology() const noexcept { return cosmology_; }

  //! m = M + 5 log10(D_L(z)/10 pc).
  [[nodiscard]] double apparent_magnitude(double abs_mag, double z) const;
  //! Largest D_L [Mpc] at which M is still at most `apparent_mag`.
  [[nodiscard]] static double max_luminosity_distance_mpc(double abs_mag, double apparent_mag);
  //! Redshift at which m(M, z) = apparent_mag, capped at pdf.z_max() (mode of `pdf`).
  [[nodiscard]] double threshold_redshift(const RedshiftPdf& pdf, double abs_mag,
                                          double apparent_mag) const;
  //! P_detectable(M) of eq. 5.
  [[nodiscard]] double p_detectable(const RedshiftPdf& pdf, double abs_mag) const;
  //! P_detectable(M) of eq. 5 for every M of `abs_mags` (same order), bit for bit
  //! p_detectable(pdf, M) of each: the form for magnitude grids (the curves of
  //! Fig. 16–19). What depends on the PDF alone is done once — in stein2023 mode
  //! the D_L table at the grid midpoints, which the one-magnitude form rebuilds
  //! on every call (≈ 0.3 ms) — and each threshold redshift, with its CDF, once
  //! per distinct D_L,max = 10^((m_k − M)/5) · 10 pc: on a regular grid a step
  //! edge of one magnitude often lies at the distance of another's.
  [[nodiscard]] std::vector<double> p_detectable(const RedshiftPdf& pdf,
                                                 std::span<const double> abs_mags) const;
  //! ∫_0^z ε(m(M, z')) P_dist(z') dz' — the cumulative curve of Fig. 15.
  [[nodiscard]] double cumulative_detection(const RedshiftPdf& pdf, double abs_mag, double z) const;

private:
  //! D_L [Mpc] of the magnitude cosmology at the grid midpoints of `pdf`
  //! (stein2023 mode; empty in exact mode, which finds thresholds by root finding).
  [[nodiscard]] std::vector<double> grid_luminosity_distances(const RedshiftPdf& pdf) const;
  //! Redshift at which D_L = dl_max_mpc, capped at pdf.z_max(): root finding
  //! (exact) or numpy.interp in `dl_grid` (stein2023).
  [[nodiscard]] double redshift_at_distance(const RedshiftPdf& pdf, double dl_max_mpc,
                                            const std::vector<double>& dl_grid) const;

  DetectionConfig config_;
  FlatLambdaCdm cosmology_;
};

} // namespace nuflare::followup
