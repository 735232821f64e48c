#pragma once
//! Light-curve preparation before Bayesian Blocks (SPEC §2; blazar paper §3.3,
//! §4.2.5): upper limits, S/N cut, visit merging with σ-clipping, WISE
//! survey-gap points, too-short flag. Plain data in, plain data out.
#include "nuflare/io/records.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nuflare::lightcurve {

//! What to do with upper limits (SPEC §2 step 1).
enum class UpperLimitPolicy {
  replace, //!< flux = ul_flux, error = ul_flux
  drop,    //!< remove the point
};

//! Every preparation step, each switchable (SPEC §2). Defaults are the SPEC's
//! generic ones; default_prepare_options() gives the per-band defaults.
struct PrepareOptions {
  // 1. upper limits
  bool handle_upper_limits = true;
  UpperLimitPolicy upper_limit_policy = UpperLimitPolicy::replace;
  double ul_flux = 3e-14; //!< replacement flux and error [erg cm^-2 s^-1 for Fermi energy flux]
  //! Also treat points with flux_err >= flux as upper limits (SPEC §2 rule
  //! for Fermi likelihood light curves; TS and photon index are not in io::LightCurve).
  bool err_ge_flux_is_upper_limit = false;
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
//! upper limits replaced and flux_err >= flux counted as upper limit; others —
//! upper limits only.
[[nodiscard]] PrepareOptions default_prepare_options(std::string_view band);

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
  bool too_short = false;               //!< fewer than min_points left (SPEC §2 step 5)
  std::vector<std::string> notes;       //!< human-readable log of the steps that acted

  [[nodiscard]] std::size_t size() const noexcept { return curve.size(); }
};

//! Runs SPEC §2 steps 1–5 in order. Throws core::InputError for columns of
//! different lengths, non-finite values or negative errors.
[[nodiscard]] PreparedCurve prepare(const io::LightCurve& input, const PrepareOptions& options);

} // namespace nuflare::lightcurve
