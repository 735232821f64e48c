#pragma once
//! One source end to end: Bayesian Blocks with the p0 fallback, flares,
//! variability and filters per band, then the multi-frequency stages and class
//! (SPEC §3–4). `nuflare flares` prints SPEC §11's CSV from these structs.
#include "nuflare/lightcurve/bayesian_blocks.hpp"
#include "nuflare/lightcurve/classes.hpp"
#include "nuflare/lightcurve/flares.hpp"
#include "nuflare/lightcurve/intervals.hpp"
#include "nuflare/lightcurve/prepare.hpp"

#include <cstddef>
#include <limits>
#include <optional>
#include <string>

namespace nuflare::lightcurve {

//! Options for one band.
struct BandOptions {
  double p0 = 0.01;          //!< first Bayesian Blocks run (99 % confidence, §4.2.2)
  double p0_fallback = 0.05; //!< rerun when the first run finds no flaring block
  bool use_fallback = true;  //!< SPEC §3 "Light-curve use"
  FlareOptions flares;       //!< thresholds; `infrared` is overridden by the flag below
  //! Apply the infrared F_avg + S condition; unset: decided by is_infrared_band().
  std::optional<bool> infrared;
  FilterOptions filters;
};

//! Everything computed for one prepared light curve.
struct BandAnalysis {
  std::string band;
  std::size_t n_points = 0; //!< prepared points
  bool too_short = false;   //!< not analysed (SPEC §2 step 5); the fields below stay empty
  double p0_used = std::numeric_limits<double>::quiet_NaN(); //!< 0.01, or 0.05 after the fallback
  Interval span;                                             //!< [first, last] prepared time [MJD]
  Blocks blocks;           //!< edges and inverse-variance weighted block fluxes
  FlareResult flares;      //!< F_q, S, F_avg, flaring blocks, flare intervals
  ExcessVariance variance; //!< σ²_NXS, F_var and errors
  FilterResult filter;     //!< non-variable / ambiguous flags

  [[nodiscard]] double f_quiescent() const noexcept { return flares.f_quiescent; }
  [[nodiscard]] std::size_t n_flares() const noexcept { return flares.n_flares(); }
  [[nodiscard]] double flare_days() const { return flares.flare_days(); }
  [[nodiscard]] double nxs() const noexcept { return variance.nxs; }
};

//! Runs blocks (p0, then p0_fallback if no flaring block), flares, excess
//! variance and filters on one prepared curve. `variability_index` is the
//! catalogue's Fermi variability index (NaN: unknown, non-variable filter off).
[[nodiscard]] BandAnalysis
analyse_band(const PreparedCurve& curve, const BandOptions& options,
             double variability_index = std::numeric_limits<double>::quiet_NaN(),
             bool potential_neutrino_source = false);

//! Options for a source: one set per band plus the class thresholds.
struct AnalyseOptions {
  BandOptions high;     //!< high-energy (γ-ray) band
  BandOptions low;      //!< low-energy (infrared / millimetre) band
  ClassOptions classes; //!< NFS / CFS / TXS-like thresholds
};

//! Result for one source.
struct SourceAnalysis {
  std::string source;
  std::optional<BandAnalysis> high; //!< absent when no high-energy curve was given
  std::optional<BandAnalysis> low;  //!< absent when no low-energy curve was given
  bool multi = false; //!< both bands present and analysed: stages, rho and class are meaningful
  Stages stages;      //!< H, L, H ∩ L, H \ L, L \ H on the common span
  double rho = std::numeric_limits<double>::quiet_NaN(); //!< simultaneity ratio
  FlareClass flare_class = FlareClass::none;
  //! A band failed a §4.2.3 filter (and the source is not a potential neutrino
  //! source); the class is still computed, the caller decides what to print.
  bool dropped = false;
};

//! Analyses one source. Either curve may be null (absent).
[[nodiscard]] SourceAnalysis
analyse_source(const PreparedCurve* high, const PreparedCurve* low,
               const AnalyseOptions& options = {},
               double variability_index = std::numeric_limits<double>::quiet_NaN(),
               bool potential_neutrino_source = false);

} // namespace nuflare::lightcurve
