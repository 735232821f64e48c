#pragma once
//! The R(t) statistic of the blazar paper (§5, eq. 1, Fig. 3–8) for
//! one sample of (source, alert) pairs: the reference kernel every faster
//! path (ControlEngine, r_shifts) reproduces bit for bit.
//!
//! Per source the sorted point times and the prefix sums of the flare-level
//! contributions for one flare cut are kept once, so the inside/outside sums
//! of a window are two subtractions once the window's first and last point
//! are known: two binary searches for one shift; for a regular shift grid
//! (k · step) r_shifts finds every point's run of shifts by arithmetic,
//! checked against the exact predicate wherever rounding could matter.
#include "nuflare/coincidence/temporal_selection.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace nuflare::coincidence {

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
  //! Contribution of a point: its level L if L ≥ flare_cut, else 0 (docs/methods.md, "Flare
  //! levels").
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
  //! pair_at(j) → (source index, alert time) of pair j. Defined in
  //! src/coincidence/temporal_shift_sums.hpp, which ControlEngine shares.
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

} // namespace nuflare::coincidence
