#pragma once
//! E⁻² flux upper limit from an event excess (blazar paper §7.4,
//! eq. 2, Fig. 15): N = Σ_seasons ΔT_s ∫ A_eff,s(E) φ(E) dE with
//! φ(E) = φ₀ (E / E₀)^−γ and A_eff averaged over declination, solved for φ₀,
//! and its share of the diffuse astrophysical muon-neutrino flux. Plain data
//! in and out; the app reads the good-run lists and effective-area tables.
#include "nuflare/core/options.hpp"
#include "nuflare/io/records.hpp"

#include <span>
#include <string>
#include <vector>

namespace nuflare::coincidence {

//! Diffuse astrophysical ν_μ flux per flavour (blazar paper §7.4; Abbasi et al. 2021,
//! 9.5-yr tracks): φ = 1.44e-18 (E / 100 TeV)^−2.37 GeV⁻¹ cm⁻² s⁻¹ sr⁻¹.
inline constexpr double DIFFUSE_NORM_PER_SR = 1.44e-18; //!< [GeV⁻¹ cm⁻² s⁻¹ sr⁻¹]
inline constexpr double DIFFUSE_INDEX = 2.37;           //!< spectral index
inline constexpr double DIFFUSE_PIVOT_GEV = 1e5;        //!< pivot energy [GeV]

//! How the effective area is averaged over declination.
enum class DecAverage {
  solid_angle, //!< weights Δ(sin δ): sources uniform on the sky (paper §7.4); default
  declination, //!< weights Δδ: sources uniform in declination
};
//! Parses "solid_angle" or "declination"; throws core::ConfigError otherwise.
DecAverage parse_dec_average(const std::string& text);

//! Effective area averaged over declination, per true-energy bin.
struct AveragedArea {
  std::vector<double> log10_e_min, log10_e_max; //!< bin edges, log10(E_ν/GeV), increasing
  std::vector<double> area_cm2;                 //!< declination-averaged A_eff [cm²]
};

//! Averages a season's table over declination (all rows of one energy bin).
//! Throws core::InputError when the energy bins of the table are not one grid.
[[nodiscard]] AveragedArea average_over_declination(const io::EffectiveArea& table,
                                                    DecAverage weighting = DecAverage::solid_angle);

//! One season's contribution: its livetime and averaged effective area.
struct SeasonExposure {
  std::string season;
  double livetime_s = 0; //!< good-run livetime [s]
  AveragedArea area;
};

//! ∫_{E1}^{E2} (E / E0)^−γ dE [GeV] (γ = 1 handled).
[[nodiscard]] double power_law_integral_gev(double e1_gev, double e2_gev, double gamma,
                                            double e0_gev) noexcept;

//! What eq. 2 is solved for.
struct FluxLimitConfig {
  double n_events = 10;    //!< N: the excess attributed to the sources (paper: 10)
  double log10e_min = 4.8; //!< energy bin of the excess, log10(E/GeV)
  double log10e_max = 5.0;
  double spectral_index = 2; //!< γ of φ ∝ E^−γ (paper: 2)
  double pivot_gev = 1e5;    //!< E₀ where φ₀ is quoted (paper: 100 TeV)

  //! The keys of the limit (docs/cli.md, `nuflare spatial`: each with the
  //! prefix `flux_`); the energy bins come from a list of edges.
  static const core::OptionTable<FluxLimitConfig>& options();
};

inline const core::OptionTable<FluxLimitConfig>& FluxLimitConfig::options() {
  using F = FluxLimitConfig;
  static const auto table =
      core::OptionTable<F>()
          .add("excess", &F::n_events, "events",
               "excess N attributed to the sources in each bin "
               "(eq. 2)",
               core::NON_NEGATIVE)
          .add("index", &F::spectral_index, "", "spectral index gamma of E^-gamma")
          .add("pivot_gev", &F::pivot_gev, "GeV", "pivot energy of phi0", core::POSITIVE);
  return table;
}

//! The limit and its comparison with the diffuse flux.
struct FluxLimit {
  double exposure_cm2_s_gev = 0; //!< Σ ΔT ∫ A_eff (E/E₀)^−γ dE over the bin
  double phi0 = 0;               //!< φ₀ at the pivot [GeV⁻¹ cm⁻² s⁻¹]
  double diffuse_at_pivot = 0;   //!< 4π · φ_diffuse(E₀) [GeV⁻¹ cm⁻² s⁻¹]
  double fraction_at_pivot = 0;  //!< φ₀ / (4π φ_diffuse(E₀))
  double fraction_in_bin = 0;    //!< ∫_bin φ dE / ∫_bin 4π φ_diffuse dE
};

//! Solves eq. 2 for φ₀ with the given seasons. Throws core::ConfigError when
//! the bin is empty or the exposure is zero.
[[nodiscard]] FluxLimit flux_upper_limit(std::span<const SeasonExposure> seasons,
                                         const FluxLimitConfig& config);

} // namespace nuflare::coincidence
