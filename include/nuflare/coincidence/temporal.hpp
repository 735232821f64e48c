#pragma once
//! Flares around alert times: the R(t) statistic of the blazar paper (§5,
//! eq. 1, Fig. 3–8) for one trial, from plain data.
//!
//! Everything a trial needs is precomputed once: per source the sorted point
//! times and the prefix sums of the flare-level contributions for one flare
//! cut, so the inside/outside sums of a window are two subtractions once the
//! window's first and last point are known. For one shift those are two binary
//! searches; for a regular shift grid (k · step) RKernel::r_shifts finds every
//! point's run of shifts by arithmetic, checked against the exact predicate
//! wherever rounding could matter, and ControlEngine goes further: per pool
//! source and alert it tabulates, once, where each shift's window starts and
//! ends, so that a control trial only reads tables. Every path adds the same
//! numbers in the same order as r(), so all agree bit for bit, and none
//! allocates per call. Random numbers are drawn by the caller (campaign/),
//! which keeps this module free of RNG streams, MPI and files.
#include "nuflare/core/options.hpp"
#include "nuflare/io/records.hpp"
#include "nuflare/sky/region.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nuflare::coincidence {

//! The selection cuts of the blazar paper (§4.1, §5). Every cut is off
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
//! ("alerts cut the same way", blazar paper §5). Order is preserved.
[[nodiscard]] std::vector<io::Alert> select_alerts(std::span<const io::Alert> alerts,
                                                   const SelectionCuts& cuts);

//! One source's light curve reduced to what R(t) needs: times and flare levels.
struct FlareSeries {
  std::string name;
  double ra_deg = 0, dec_deg = 0;
  std::vector<double> mjd;   //!< sorted point times [MJD]
  std::vector<double> level; //!< flare level flux / F_q per point (blazar paper §4.2)
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

//! The shift grid of blazar paper §5: k · step for every integer k with |k · step| ≤
//! max_shift_days, ascending (0 always included).
[[nodiscard]] std::vector<double> shift_grid(double step_days, double max_shift_days = 3600);

//! A (source, alert) pair: the source's index in the series and the alert time.
struct Pair {
  std::uint32_t source = 0;
  std::uint32_t alert = 0; //!< index of the alert (or drawn alert in a control trial)
  double alert_mjd = 0;
};

//! Pairs (source, alert) with the source inside the alert's region scaled by
//! `factor` (blazar paper §4.1, §5), alert-major. `alert_ra_deg`, when not empty, replaces
//! the alerts' centre RAs (alert-RA scrambling, docs/methods.md).
[[nodiscard]] std::vector<Pair> make_pairs(std::span<const FlareSeries> series,
                                           std::span<const io::Alert> alerts, double factor,
                                           sky::RegionShape shape,
                                           std::span<const double> alert_ra_deg = {});

//! Inside/outside sums of contributions pooled over pairs.
struct WindowSums {
  double sum_in = 0, sum_out = 0;
  std::uint64_t n_in = 0, n_out = 0;
  //! R = (sum_in/n_in)/(sum_out/n_out); NaN when either side has no point.
  [[nodiscard]] double ratio() const noexcept;
};

//! A shift grid seen as s₀ + k · step, for the fast paths of r_shifts and
//! ControlEngine.
struct ShiftPlan {
  std::size_t size = 0; //!< number of shifts K
  double s0 = 0;        //!< first shift
  double step = 0;      //!< (last − first)/(K − 1)
  double inv_step = 0;  //!< 1/step
  double residual = 0;  //!< max_k |s_k − (s₀ + k · step)| [d], plus rounding slack
  double abs_max = 0;   //!< max_k |s_k|
  bool regular = false; //!< K ≥ 2, ascending, finite, residual ≪ step
  //! Plan of an ascending grid (an irregular one gets regular = false and is
  //! swept point by point instead).
  [[nodiscard]] static ShiftPlan of(std::span<const double> shifts_days) noexcept;
};

//! Per-source sorted times and prefix sums of contributions for one flare cut.
class RKernel {
public:
  //! Contribution of a point: its level L if L ≥ flare_cut, else 0 (blazar paper §5).
  RKernel(std::span<const FlareSeries> series, double flare_cut);

  //! Sums for one pair: point i is inside when |t_i + shift − t_alert| ≤ ΔT/2.
  [[nodiscard]] WindowSums window(std::uint32_t source, double alert_mjd, double shift_days,
                                  double delta_t_days) const noexcept;
  //! R(shift) pooled over `pairs` (blazar paper eq. 1).
  [[nodiscard]] double r(std::span<const Pair> pairs, double shift_days,
                         double delta_t_days) const noexcept;
  //! R at every shift of an ascending grid; `out` has shifts.size() entries.
  //! Bit for bit equal to r() at each shift. Allocation-free after the first
  //! call on a thread (per-thread scratch).
  void r_shifts(std::span<const Pair> pairs, std::span<const double> shifts_days,
                double delta_t_days, std::span<double> out) const;
  //! Same, for pairs given as parallel arrays (source index, alert time) and a
  //! grid already planned with ShiftPlan::of(shifts_days).
  void r_shifts(std::span<const std::uint32_t> sources, std::span<const double> alert_mjd,
                std::span<const double> shifts_days, const ShiftPlan& plan, double delta_t_days,
                std::span<double> out) const;

  [[nodiscard]] std::size_t size() const noexcept { return offset_.size() - 1; }
  [[nodiscard]] double flare_cut() const noexcept { return flare_cut_; }

private:
  friend class ControlEngine;
  //! pair_at(j) → (source index, alert time) of pair j.
  template <class PairAt>
  void r_shifts_impl(std::size_t n_pairs, PairAt pair_at, std::span<const double> shifts_days,
                     const ShiftPlan& plan, double delta_t_days, std::span<double> out) const;

  double flare_cut_;
  std::vector<std::size_t> offset_; //!< source s owns [offset_[s], offset_[s+1]) of mjd_
  std::vector<double> mjd_;
  std::vector<double> prefix_; //!< per source n+1 prefix sums (at offset_[s] + s)
  double mjd_abs_max_ = 0;     //!< max |t| over all points (NaN if any is not finite)
  std::size_t n_max_ = 0;      //!< longest series
};

//! The ΔT × containment-factor scan of paper §5.1.1 / Fig. 3 (blazar paper §5): R(0)
//! at every grid point from one set of alert RAs. Grid points are ΔT-major:
//! index = i_delta_t · n_factors + i_factor.
class ScanEngine {
public:
  ScanEngine(std::span<const FlareSeries> series, std::vector<io::Alert> alerts,
             std::vector<double> delta_t_days, std::vector<double> factors, sky::RegionShape shape,
             double flare_cut);

  [[nodiscard]] std::size_t n_points() const noexcept {
    return delta_t_days_.size() * factors_.size();
  }
  [[nodiscard]] std::size_t n_alerts() const noexcept { return alerts_.size(); }
  [[nodiscard]] const std::vector<double>& delta_t_days() const noexcept { return delta_t_days_; }
  [[nodiscard]] const std::vector<double>& factors() const noexcept { return factors_; }

  //! R(0) and the pair count at every grid point; `alert_ra_deg` empty = the
  //! alerts' real RAs, else one (scrambled) RA per alert.
  void evaluate(std::span<const double> alert_ra_deg, std::span<double> r0,
                std::span<std::int64_t> n_pairs) const;
  //! The pairs of factor i_factor for the given alert RAs.
  [[nodiscard]] std::vector<Pair> pairs(std::size_t i_factor,
                                        std::span<const double> alert_ra_deg = {}) const;

private:
  std::span<const FlareSeries> series_;
  std::vector<io::Alert> alerts_;
  std::vector<double> delta_t_days_, factors_;
  sky::RegionShape shape_;
  RKernel kernel_;
  std::vector<std::uint32_t> by_dec_; //!< series indices sorted by Dec
  std::vector<double> dec_sorted_;
};

//! Control-sample trials of paper §5.1.2 (blazar paper §5): random sources from
//! outside every alert region, each with the time of a random alert. On a
//! regular shift grid the constructor builds phase tables (per pool source,
//! the count of points before every window edge as a function of where the
//! alert time falls between grid cells; per pool source × alert, which rows
//! and shifts to read), within a memory budget; sources and pairs outside it
//! take RKernel's per-point path. evaluate() is bit for bit RKernel::r().
class ControlEngine {
public:
  //! `pool` are the series indices eligible for control samples (outside every
  //! region); `alert_mjd` the times alerts may lend.
  ControlEngine(std::span<const FlareSeries> series, std::vector<std::uint32_t> pool,
                std::vector<double> alert_mjd, std::vector<double> shifts_days, double delta_t_days,
                double flare_cut);

  [[nodiscard]] std::size_t pool_size() const noexcept { return pool_.size(); }
  [[nodiscard]] std::size_t n_alerts() const noexcept { return alert_mjd_.size(); }
  [[nodiscard]] const std::vector<double>& shifts_days() const noexcept { return shifts_; }
  [[nodiscard]] const RKernel& kernel() const noexcept { return kernel_; }

  //! R at every shift for the sample: pool positions `drawn_pool` (distinct)
  //! paired with alert indices `drawn_alert`. `out` has one value per shift.
  void evaluate(std::span<const std::uint32_t> drawn_pool,
                std::span<const std::uint32_t> drawn_alert, std::span<double> out) const;
  //! R at every shift for given pairs (the observed sample).
  void evaluate_pairs(std::span<const Pair> pairs, std::span<double> out) const;

  //! Bytes held by the phase tables of evaluate() (0 when the grid is not
  //! regular or the tables exceed their budget).
  [[nodiscard]] std::size_t table_bytes() const noexcept;

private:
  struct PhaseTables; //!< defined in temporal.cpp
  std::vector<std::uint32_t> pool_;
  std::vector<double> alert_mjd_;
  std::vector<double> shifts_;
  ShiftPlan plan_;
  double delta_t_days_;
  RKernel kernel_;
  std::shared_ptr<const PhaseTables> tables_;
};

//! Series indices outside every alert region (factor, shape): the control pool.
[[nodiscard]] std::vector<std::uint32_t> outside_all_regions(std::span<const FlareSeries> series,
                                                             std::span<const io::Alert> alerts,
                                                             double factor, sky::RegionShape shape);

//! Number of distinct sources among `pairs`.
[[nodiscard]] std::size_t distinct_sources(std::span<const Pair> pairs);

} // namespace nuflare::coincidence
