#pragma once
//! One source end to end: Bayesian Blocks with the p0 fallback, flares,
//! variability and filters per band, then the multi-frequency stages and class
//! (blazar paper §4.2). `nuflare flares` prints the table docs/cli.md gives from these structs.
#include "nuflare/lightcurve/bayesian_blocks.hpp"
#include "nuflare/lightcurve/classes.hpp"
#include "nuflare/lightcurve/flares.hpp"
#include "nuflare/lightcurve/intervals.hpp"
#include "nuflare/lightcurve/prepare.hpp"

#include "nuflare/io/records.hpp"

#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nuflare::lightcurve {

//! Options for one band.
struct BandOptions {
  double p0 = 0.01;          //!< first Bayesian Blocks run (99 % confidence, §4.2.2)
  double p0_fallback = 0.05; //!< rerun when the first run finds no flaring block
  bool use_fallback = true;  //!< blazar paper §4.2.2
  FlareOptions flares;       //!< thresholds; `infrared` is overridden by the flag below
  //! Apply the infrared F_avg + S condition; unset: decided by is_infrared_band().
  std::optional<bool> infrared;
  FilterOptions filters;

  //! The keys of one band's analysis (docs/cli.md, `nuflare flares`).
  static const core::OptionTable<BandOptions>& options();
};

inline const core::OptionTable<BandOptions>& BandOptions::options() {
  using B = BandOptions;
  static const auto table =
      core::OptionTable<B>()
          .add("p0", &B::p0, "", "Bayesian Blocks false-alarm probability",
               core::OPEN_UNIT_INTERVAL)
          .add("p0_fallback", &B::p0_fallback, "",
               "p0 of the rerun when the first run finds no flaring block",
               core::OPEN_UNIT_INTERVAL)
          .add("fallback", &B::use_fallback, "", "rerun with p0_fallback (blazar paper §4.2.2)")
          .include(&B::flares, FlareOptions::options())
          .include(&B::filters, FilterOptions::options());
  return table;
}

//! Everything computed for one prepared light curve.
struct BandAnalysis {
  std::string band;
  std::size_t n_points = 0; //!< prepared points
  bool too_short = false;   //!< not analysed (blazar paper §4.2.5); the fields below stay empty
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

// ---- every band of a source (`nuflare flares`) -----------------------------

//! What a run does with a source that fails a §4.2.3 filter: `apply` takes it
//! out of the sample (its class is reported as none), `flag` only records it.
enum class FilterMode { apply, flag };

//! Settings of a flares run over many sources (blazar paper §3.3, §4.2;
//! docs/cli.md, `nuflare flares`): which two bands make the multi-frequency
//! stages and class, the preparation policy of every band, and one set of
//! band options for all of them.
struct FlaresConfig {
  std::string high_band = "fermi";  //!< high-energy (γ-ray) band label
  std::string low_band = "wise_w2"; //!< low-energy (infrared / mm) band label
  PrepareSettings prepare;
  BandOptions band; //!< every band: high, low and any other
  ClassOptions classes;
  FilterMode filters = FilterMode::apply;

  //! AnalyseOptions of analyse_source: `band` for both bands.
  [[nodiscard]] AnalyseOptions analyse_options() const { return {band, band, classes}; }

  //! The keys of a flares run (docs/cli.md, `nuflare flares`).
  static const core::OptionTable<FlaresConfig>& options();
};

inline const core::OptionTable<FlaresConfig>& FlaresConfig::options() {
  using F = FlaresConfig;
  static const auto table =
      core::OptionTable<F>()
          .add("high_band", &F::high_band, "",
               "band label of the high-energy (gamma-ray) curve for stages and class")
          .add("low_band", &F::low_band, "",
               "band label of the low-energy (infrared / mm) curve for stages and class")
          .include(&F::band, BandOptions::options())
          .choice("filters", &F::filters,
                  {{"apply", FilterMode::apply}, {"flag", FilterMode::flag}},
                  "apply: a source failing a §4.2.3 filter gets class none; flag: only recorded "
                  "in the archive")
          .include(&F::classes, ClassOptions::options())
          .include(&F::prepare, PrepareSettings::options());
  return table;
}

//! Checks a flares run's settings: every number in its range and the two
//! bands different (core::FieldError / RelationError naming the keys).
void validate(const FlaresConfig& config);

//! One source's light curves, as the inputs give them.
struct SourceCurves {
  std::string name;
  std::vector<io::LightCurve> curves; //!< one per band, in order of first appearance
  double variability_index = std::numeric_limits<double>::quiet_NaN(); //!< catalogue; NaN: unknown
  bool potential_neutrino_source = false; //!< catalogue warm_spot: exempt from the filters
};

//! One analysed light curve with its prepared points.
struct CurveResult {
  PreparedCurve prepared;
  BandAnalysis analysis;
};

//! Every band of one source analysed, and its multi-frequency stages and class.
struct SourceFlares {
  std::vector<CurveResult> curves; //!< same order as SourceCurves::curves
  int high = -1;                   //!< index of the high band in `curves` (-1: absent)
  int low = -1;                    //!< index of the low band in `curves` (-1: absent)
  bool multi = false;              //!< both bands analysed: stages, rho and class are meaningful
  bool dropped = false;            //!< the high or low band failed a §4.2.3 filter
  double rho = std::numeric_limits<double>::quiet_NaN(); //!< simultaneity ratio
  FlareClass flare_class = FlareClass::none;
  Stages stages;

  //! The class a run reports: none without both bands, and none for a
  //! dropped source when the filters apply (blazar paper §4.2.3).
  [[nodiscard]] FlareClass reported_class(FilterMode filters) const noexcept {
    if (!multi || (dropped && filters == FilterMode::apply))
      return FlareClass::none;
    return flare_class;
  }
};

//! Prepares every curve of a source with its band's options
//! (PrepareSettings::for_band), analyses the high and low bands together
//! (analyse_source: variability index on the γ-ray band only) and every
//! other band on its own (no variability index). Throws as prepare() and
//! analyse_band() do.
[[nodiscard]] SourceFlares analyse_curves(const SourceCurves& source, const FlaresConfig& config);

//! Groups light curves by source in order of first appearance (bands in
//! order of first appearance too). `origin[k]` names the input file of
//! `curves[k]`: a (source, band) curve given by two inputs is refused
//! (core::InputError naming the second file), since points split over files
//! would bypass the readers' ordering and duplicate checks.
[[nodiscard]] std::vector<SourceCurves> group_by_source(std::vector<io::LightCurve> curves,
                                                        std::span<const std::string> origin);

//! Takes each source's variability index and warm_spot flag from the
//! catalogue row of the same name (the first one); sources the catalogue
//! lacks keep an unknown index and are not potential neutrino sources.
void attach_catalog(std::span<SourceCurves> sources, const io::SourceCatalog& catalog);

} // namespace nuflare::lightcurve
