#pragma once
//! Light-curve preparation before Bayesian Blocks (blazar paper §3.3,
//! §4.2.5; docs/methods.md, Preparation): upper limits, S/N cut, visit merging with σ-clipping,
//! WISE survey-gap points, too-short flag. Plain data in, plain data out.
#include "nuflare/core/options.hpp"
#include "nuflare/io/lightcurves.hpp"
#include "nuflare/io/records.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nuflare::lightcurve {

//! The replacement of upper limits in blazar paper §4.2.5: 3e-14, an energy
//! flux [erg cm^-2 s^-1] (io::ENERGY_FLUX).
inline constexpr double PAPER_UL_FLUX = 3e-14;

//! What to do with upper limits (blazar paper §3.3).
enum class UpperLimitPolicy {
  replace, //!< flux = ul_flux, error = ul_flux
  drop,    //!< remove the point
};

//! Every preparation step, each switchable (blazar paper §3.3, §4.2.5). The
//! defaults are those of a band without a policy of its own;
//! default_prepare_options() gives each band's (docs/methods.md, Preparation).
struct PrepareOptions {
  // 1. upper limits
  bool handle_upper_limits = true;
  UpperLimitPolicy upper_limit_policy = UpperLimitPolicy::replace;
  double ul_flux = PAPER_UL_FLUX; //!< replacement flux and error, in `ul_flux_unit`
  //! The unit of ul_flux; "" means the curve's own (no check). A curve in
  //! another unit with upper limits to replace is refused (check_ul_unit),
  //! or, with drop_unmatched_upper_limits, has its upper limits dropped.
  std::string ul_flux_unit;
  bool drop_unmatched_upper_limits = false;
  //! Also treat points with flux_err >= flux as upper limits (blazar paper §3.3 rule
  //! for Fermi likelihood light curves).
  bool err_ge_flux_is_upper_limit = false;
  //! Fermi likelihood light curves (blazar paper §3.3): a point with TS at or
  //! below `ts_min`, or with |photon index| above `max_photon_index`, is an
  //! upper limit. Reads io::LightCurve::ts and photon_index (the LCR reader
  //! keeps them; NaN or absent values never flag a point).
  bool ts_index_rule = false;
  double ts_min = 5;             //!< TS at or below this: upper limit
  double max_photon_index = 5.5; //!< |photon index| above this: upper limit (LCR signs it)
  // 2. S/N cut
  bool snr_cut = false;
  double min_snr = 2; //!< drop points with flux/flux_err <= min_snr
  // 3. visit merging
  bool merge_visits = false;
  double merge_window_days = 15; //!< a group takes points closer than this to its first point
  bool clip = true;              //!< iterative σ-clipping inside groups of >= 3 points
  double clip_sigma = 3;         //!< in sample standard deviations from the group mean
  // 4. survey-gap filling
  bool fill_gap = false;
  double gap_start_mjd = 55600; //!< AllWISE / NEOWISE gap (blazar paper §3.3)
  double gap_end_mjd = 56500;
  double gap_offset_days = 180; //!< artificial points at start + offset and end - offset
  // 5. too short
  std::size_t min_points = 3; //!< fewer points left: "too short", not analysed
};

//! True for infrared bands (labels starting with "wise", "neowise" or "ir").
[[nodiscard]] bool is_infrared_band(std::string_view band) noexcept;
//! True for millimetre bands (labels starting with "alma", "acc" or "mm").
[[nodiscard]] bool is_millimetre_band(std::string_view band) noexcept;

//! Per-band defaults (blazar paper §3.3): WISE — S/N cut, visit merging with
//! clipping, gap filling; ALMA/ACC — visit merging; Fermi ("fermi*") —
//! upper limits replaced, flux_err >= flux and the TS / photon-index rule
//! counted as upper limits; others — upper limits only.
[[nodiscard]] PrepareOptions default_prepare_options(std::string_view band);

//! A preparation step as a run sets it for every band: the band's default
//! (default_prepare_options), on, or off.
enum class Switch { automatic, on, off };

//! What a run does with upper limits: replace them (flux = error = ul_flux),
//! drop them, or keep the points as they are (no upper-limit handling).
enum class UpperLimitMode { replace, drop, keep };

//! The preparation settings of a whole run, one set for every band (the
//! options of `nuflare flares`, docs/cli.md): the steps' switches and
//! thresholds. for_band() resolves them into one band's PrepareOptions — the
//! band policy of blazar paper §3.3 (docs/methods.md, Preparation). Defaults
//! are PrepareOptions' own.
struct PrepareSettings {
  UpperLimitMode upper_limits = UpperLimitMode::replace;
  //! Replacement flux and error, in ul_flux_unit. Unset: PAPER_UL_FLUX for
  //! energy-flux curves, and the upper limits of curves in any other unit
  //! dropped (the paper gives no value for them; docs/methods.md, Flux units).
  std::optional<double> ul_flux;
  std::string ul_flux_unit = io::ENERGY_FLUX; //!< unit of ul_flux (io::flux_units())
  double fermi_ts_min = PrepareOptions{}.ts_min;
  double fermi_max_index = PrepareOptions{}.max_photon_index;
  Switch snr_cut = Switch::automatic;
  double min_snr = PrepareOptions{}.min_snr;
  Switch merge = Switch::automatic;
  double merge_window_days = PrepareOptions{}.merge_window_days;
  bool clip = PrepareOptions{}.clip;
  double clip_sigma = PrepareOptions{}.clip_sigma;
  Switch gap_fill = Switch::automatic;
  //! Fewer prepared points: too short. Never below 3 (blazar paper §4.2.5):
  //! for_band() raises smaller values to 3.
  std::size_t min_points = PrepareOptions{}.min_points;

  //! `band`'s defaults with the switches and thresholds of these settings.
  [[nodiscard]] PrepareOptions for_band(std::string_view band) const;

  //! The keys of the preparation (docs/cli.md, `nuflare flares`).
  static const core::OptionTable<PrepareSettings>& options();
};

inline const core::OptionTable<PrepareSettings>& PrepareSettings::options() {
  using P = PrepareSettings;
  const auto switches = [] {
    return core::Choices<Switch>{
        {"auto", Switch::automatic}, {"on", Switch::on}, {"off", Switch::off}};
  };
  static const auto table =
      core::OptionTable<P>()
          .choice("upper_limits", &P::upper_limits,
                  {{"replace", UpperLimitMode::replace},
                   {"drop", UpperLimitMode::drop},
                   {"keep", UpperLimitMode::keep}},
                  "replace (flux = error = ul_flux), drop, or keep (no upper-limit handling)")
          .add("ul_flux", &P::ul_flux, "ul_flux_unit", "replacement flux and error", core::POSITIVE)
          .no_default("3e-14 erg cm^-2 s^-1 (blazar paper §4.2.5) in energy-flux curves; "
                      "upper limits of curves in other units dropped")
          .add("ul_flux_unit", &P::ul_flux_unit, "",
               "unit of ul_flux; a curve with upper limits in another unit is refused")
          .among(io::flux_units())
          .add("fermi_ts_min", &P::fermi_ts_min, "",
               "Fermi curves: TS at or below this counts as an upper limit (blazar paper §3.3)")
          .add("fermi_max_index", &P::fermi_max_index, "",
               "Fermi curves: |photon index| above this counts as an upper limit")
          .choice("snr_cut", &P::snr_cut, switches(), "S/N cut (auto: the band's default)")
          .add("min_snr", &P::min_snr, "", "drop points with flux/flux_err <= this")
          .choice("merge", &P::merge, switches(), "visit merging (auto: the band's default)")
          .add("merge_window", &P::merge_window_days, "days", "visit merging window",
               core::POSITIVE)
          .add("clip", &P::clip, "", "sigma-clipping inside merged visits")
          .add("clip_sigma", &P::clip_sigma, "sample std", "clipping threshold", core::POSITIVE)
          .choice("gap_fill", &P::gap_fill, switches(),
                  "WISE survey-gap points (auto: the band's default)")
          .add("min_points", &P::min_points, "",
               "fewer prepared points: too short, not analysed (at least 3 apply)",
               core::Count{0, 4294967295U});
  return table;
}

//! A prepared light curve and what preparation did to it.
struct PreparedCurve {
  io::LightCurve curve;                 //!< prepared points, sorted by time, no upper limits left
  std::vector<std::uint8_t> artificial; //!< 1 for survey-gap points (step 4)
  std::size_t n_input = 0;              //!< points before preparation
  std::size_t n_upper_limits = 0;       //!< upper limits found (replaced or dropped)
  std::size_t n_low_snr = 0;            //!< points dropped by the S/N cut
  std::size_t n_clipped = 0;            //!< points removed by σ-clipping
  std::size_t n_groups = 0;             //!< visits after merging (0 when merging is off)
  bool gap_filled = false;              //!< step 4 added its two points
  bool too_short = false;               //!< fewer than min_points left (blazar paper §4.2.5)
  std::vector<std::string> notes;       //!< human-readable log of the steps that acted

  [[nodiscard]] std::size_t size() const noexcept { return curve.size(); }
};

//! Throws core::FieldError("ul_flux") when `curve` has upper limits that
//! `options` would replace by a flux in another unit than the curve's (and
//! does not drop them instead): "band fermi of source 3C 454.3 is in
//! ph cm^-2 s^-1, ul_flux = 3e-14 is in erg cm^-2 s^-1 ...".
void check_ul_unit(const io::LightCurve& curve, const PrepareOptions& options);

//! Runs the preparation steps 1–5 (blazar paper §3.3, §4.2.5) in order. Throws core::InputError for
//! columns of different lengths, non-finite values or negative errors.
[[nodiscard]] PreparedCurve prepare(const io::LightCurve& input, const PrepareOptions& options);

} // namespace nuflare::lightcurve
