#pragma once
//! Flares and variability of one prepared light curve (blazar paper
//! §4.2.2–4.2.3, §5.1): quiescent flux, flaring blocks and flare intervals,
//! flare levels, normalised excess variance, non-variable and ambiguous filters.
#include "nuflare/core/options.hpp"
#include "nuflare/lightcurve/bayesian_blocks.hpp"
#include "nuflare/lightcurve/intervals.hpp"

#include <cstddef>
#include <span>
#include <vector>

namespace nuflare::lightcurve {

//! Thresholds of the flare definition (blazar paper §4.2), all configurable.
struct FlareOptions {
  double quiescent_skip = 0.05;          //!< fraction of faintest points skipped (n >= 10)
  std::size_t quiescent_skip_min_n = 10; //!< skip only with at least this many points
  double quiescent_fraction = 0.30;      //!< fraction of points averaged for F_q
  double s_factor = 1.3;                 //!< flaring block: flux > F_q + s_factor · S
  bool infrared = false;                 //!< also require flux > F_avg + avg_s_factor · S
  double avg_s_factor = 1.0;             //!< the infrared extra condition's factor

  //! The keys of the flare definition (docs/cli.md, `nuflare flares`).
  static const core::OptionTable<FlareOptions>& options();
};

inline const core::OptionTable<FlareOptions>& FlareOptions::options() {
  using F = FlareOptions;
  static const auto table =
      core::OptionTable<F>()
          .add("s_factor", &F::s_factor, "", "flaring block: flux > F_q + s_factor * S")
          .add("ir_factor", &F::avg_s_factor, "",
               "infrared bands also need flux > F_avg + ir_factor * S")
          .add("quiescent_skip", &F::quiescent_skip, "",
               "fraction of faintest points skipped for F_q", core::Range{0, 1, false, true})
          .add("quiescent_fraction", &F::quiescent_fraction, "",
               "fraction of points averaged for F_q", core::Range{0, 1, true, false});
  return table;
}

//! Quiescent flux F_q (blazar paper §4.2): sort ascending, skip the lowest
//! k = (n >= 10 ? max(1, floor(0.05 n)) : 0) points and average the next
//! max(1, round_half_up(0.30 n)) points (fewer if the curve ends first).
//! Throws core::InputError for an empty curve.
[[nodiscard]] double quiescent_flux(std::span<const double> flux, const FlareOptions& options = {});

//! Mean and sample standard deviation (ddof = 1; NaN for one point).
struct FluxStats {
  double mean = 0; //!< F_avg
  double std = 0;  //!< S
};
[[nodiscard]] FluxStats flux_stats(std::span<const double> flux);

//! Normalised excess variance and fractional variability (Vaughan et al. 2003).
struct ExcessVariance {
  double nxs = 0;      //!< σ²_NXS = (S² − ⟨σᵢ²⟩)/⟨F⟩², sign kept
  double nxs_err = 0;  //!< Vaughan 2003 eq. 11 (F_var taken as sqrt(max(σ²_NXS, 0)))
  double fvar = 0;     //!< sqrt(σ²_NXS) when positive, NaN otherwise
  double fvar_err = 0; //!< Vaughan 2003 eq. B2; NaN when σ²_NXS <= 0
};
//! Needs at least two points (throws core::InputError otherwise).
[[nodiscard]] ExcessVariance excess_variance(std::span<const double> flux,
                                             std::span<const double> flux_err);

//! Flares found in one light curve from its Bayesian Blocks.
struct FlareResult {
  double f_quiescent = 0;          //!< F_q
  double f_avg = 0;                //!< mean prepared flux
  double s = 0;                    //!< sample standard deviation of the prepared fluxes
  double threshold = 0;            //!< block flux above which a block flares
  std::vector<bool> flaring_block; //!< per block
  IntervalSet flares;              //!< adjacent flaring blocks merged: [first edge, last edge]

  [[nodiscard]] std::size_t n_flares() const noexcept { return flares.size(); }
  //! Summed length of the flare intervals [days].
  [[nodiscard]] double flare_days() const { return total_length_days(flares); }
};

//! Flaring blocks (blazar paper §4.2): block flux > F_q + s_factor·S, and for infrared
//! bands also > F_avg + avg_s_factor·S; adjacent ones merge into one interval.
[[nodiscard]] FlareResult find_flares(const Blocks& blocks, std::span<const double> flux,
                                      const FlareOptions& options = {});

//! Flare level of each point: flux / F_q (blazar paper §4.2).
[[nodiscard]] std::vector<double> flare_levels(std::span<const double> flux, double f_quiescent);

//! The §4.2.3 filters, every threshold a config key.
struct FilterOptions {
  double max_variability_index = 18; //!< the non-variable filter applies at or below this
  double min_nxs = 1e-4;             //!< non-variable when σ²_NXS below this ...
  double min_block_ratio = 1.7;      //!< ... or max/min block flux below this
  double ambiguous_ratio = 0.9;      //!< std(outside flares)/std(all) threshold
  //! blazar paper §4.2: ambiguous when the ratio is *greater* than ambiguous_ratio (the
  //! paper's text says "less than"; see docs/methods.md (light curves)).
  bool ambiguous_when_greater = true;

  //! The keys of the §4.2.3 filters (docs/cli.md, `nuflare flares`).
  static const core::OptionTable<FilterOptions>& options();
};

inline const core::OptionTable<FilterOptions>& FilterOptions::options() {
  using F = FilterOptions;
  static const auto table =
      core::OptionTable<F>()
          .add("max_variability_index", &F::max_variability_index, "",
               "non-variable filter applies at or below this catalogue variability index")
          .add("min_nxs", &F::min_nxs, "", "non-variable when nxs below this")
          .add("min_block_ratio", &F::min_block_ratio, "",
               "non-variable when max/min block flux below this")
          .add("ambiguous_ratio", &F::ambiguous_ratio, "",
               "ambiguous-filter threshold on std(outside flares)/std(all)")
          .choice("ambiguous_when", &F::ambiguous_when_greater,
                  {{"greater", true}, {"less", false}},
                  "greater (docs/methods.md) or less (the paper's wording)");
  return table;
}

//! Outcome of the filters for one light curve.
struct FilterResult {
  bool non_variable = false; //!< failed the non-variable filter
  bool ambiguous = false;    //!< failed the ambiguous filter
  double block_ratio = 0;    //!< max/min block flux (inf when min <= 0)
  double std_ratio = 0;      //!< std(points outside flares)/std(all points) (NaN if undefined)
  bool exempt = false;       //!< potential neutrino source: never dropped
  //! Whether the source leaves the sample.
  [[nodiscard]] bool dropped() const noexcept { return !exempt && (non_variable || ambiguous); }
};

//! Applies the non-variable filter (only when variability_index <= max; a NaN
//! index means "unknown" and skips it) and the ambiguous filter.
[[nodiscard]] FilterResult apply_filters(std::span<const double> mjd, std::span<const double> flux,
                                         const Blocks& blocks, const FlareResult& flares,
                                         const ExcessVariance& variance, double variability_index,
                                         bool potential_neutrino_source,
                                         const FilterOptions& options = {});

} // namespace nuflare::lightcurve
