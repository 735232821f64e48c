#pragma once
//! What the time test of the blazar paper (§4.1, §5) compares: the
//! alerts and sources that pass the selection cuts, each source's light curve
//! reduced to times and flare levels, the grid of time shifts, and the
//! (source, alert) pairs of a sample. Plain data in, plain data out; the
//! statistic itself is temporal_kernel.hpp.
#include "nuflare/core/options.hpp"
#include "nuflare/io/records.hpp"
#include "nuflare/sky/region.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nuflare::coincidence {

//! The selection cuts of the blazar paper §4.1. Every cut is off
//! unless set; the paper's values live in the decks under inputs/temporal/.
struct SelectionCuts {
  std::optional<double> min_abs_glat_deg;      //!< keep |b| > value (paper: 10)
  std::optional<double> max_abs_dec_deg;       //!< keep |δ| < value (paper: 40)
  std::optional<double> min_variability_index; //!< keep variability index > value (γ-ray: 18.48)
  std::optional<std::size_t> min_detections; //!< keep ≥ value non-upper-limit points (X-ray, mm: 5)
  std::optional<double> min_mean_flux;       //!< keep mean detected flux ≥ value [band unit]

  //! The keys of the cuts (docs/cli.md, `nuflare temporal`); none is set by default.
  static const core::OptionTable<SelectionCuts>& options();
};

inline const core::OptionTable<SelectionCuts>& SelectionCuts::options() {
  using C = SelectionCuts;
  static const auto table =
      core::OptionTable<C>()
          .add("min_abs_glat", &C::min_abs_glat_deg, "deg", "keep |b| > value (paper: 10)",
               core::NON_NEGATIVE)
          .add("max_abs_dec", &C::max_abs_dec_deg, "deg", "keep |dec| < value (paper: 40)",
               core::NON_NEGATIVE)
          .add("min_variability_index", &C::min_variability_index, "",
               "keep variability index > value (paper, gamma-ray: 18.48)")
          .add("min_detections", &C::min_detections, "",
               "keep sources with at least this many detections (paper, X-ray/mm: 5)",
               core::Count{0, 4294967295U})
          .add("min_mean_flux", &C::min_mean_flux, "band flux unit",
               "keep sources with mean detected flux >= value");
  return table;
}

//! True when a position passes the sky cuts (|b|, |δ|) of `cuts`.
[[nodiscard]] bool passes_sky_cuts(double ra_deg, double dec_deg,
                                   const SelectionCuts& cuts) noexcept;

//! Alerts kept for the time test: not retracted and passing the sky cuts
//! (cut the same way as the sources, §4.1). Order is preserved.
[[nodiscard]] std::vector<io::Alert> select_alerts(std::span<const io::Alert> alerts,
                                                   const SelectionCuts& cuts);

//! One source's light curve reduced to what R(t) needs: times and flare levels.
struct FlareSeries {
  std::string name;
  double ra_deg = 0, dec_deg = 0;
  std::vector<double> mjd;   //!< sorted point times [MJD]
  std::vector<double> level; //!< flare level flux / F_q per point (docs/methods.md, "Flare levels")
};

//! Why catalogue sources did not become series (reported by the commands).
struct SeriesReport {
  std::size_t cut_sky = 0;         //!< failed |b| or |δ|
  std::size_t cut_variability = 0; //!< variability index too low or absent
  std::size_t no_lightcurve = 0;   //!< no light curve in the band
  std::size_t cut_detections = 0;  //!< too few detections
  std::size_t cut_flux = 0;        //!< mean flux below the cut
  std::size_t bad_quiescent = 0;   //!< F_q ≤ 0 or not finite: levels undefined
  std::size_t excluded = 0;        //!< named in the exclusion list
};

//! Series for the catalogue sources that pass `cuts`, have a light curve in
//! `band` and are not named in `exclude` (paper §5.2 re-runs without TXS
//! 0506+056 and PKS 1502+106). Upper limits are dropped before F_q and the
//! levels are computed. Order follows the catalogue.
[[nodiscard]] std::vector<FlareSeries>
build_series(const io::SourceCatalog& catalog, std::span<const io::LightCurve> curves,
             const std::string& band, const SelectionCuts& cuts,
             std::span<const std::string> exclude = {}, SeriesReport* report = nullptr);

//! The shift grid of R(t) (§5, Fig. 4–8): k · step for every integer k with |k · step| ≤
//! max_shift_days, ascending (0 always included).
[[nodiscard]] std::vector<double> shift_grid(double step_days, double max_shift_days = 3600);

//! A (source, alert) pair: the source's index in the series and the alert time.
struct Pair {
  std::uint32_t source = 0;
  std::uint32_t alert = 0; //!< index of the alert (or drawn alert in a control trial)
  double alert_mjd = 0;
};

//! Pairs (source, alert) with the source inside the alert's region scaled by
//! `factor` (§4.1, §5), alert-major. `alert_ra_deg`, when not empty, replaces
//! the alerts' centre RAs (alert-RA scrambling, §5.1.1).
[[nodiscard]] std::vector<Pair> make_pairs(std::span<const FlareSeries> series,
                                           std::span<const io::Alert> alerts, double factor,
                                           sky::RegionShape shape,
                                           std::span<const double> alert_ra_deg = {});

//! Series indices outside every alert region (factor, shape): the control pool.
[[nodiscard]] std::vector<std::uint32_t> outside_all_regions(std::span<const FlareSeries> series,
                                                             std::span<const io::Alert> alerts,
                                                             double factor, sky::RegionShape shape);

//! Number of distinct sources among `pairs`.
[[nodiscard]] std::size_t distinct_sources(std::span<const Pair> pairs);

} // namespace nuflare::coincidence
