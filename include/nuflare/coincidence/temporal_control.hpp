#pragma once
//! Control-sample trials of the blazar paper (§5.1.2): R(t) at every
//! shift for samples of random sources from outside every alert region, each
//! paired with the time of a random alert — millions of trials, so per pool
//! source and alert the engine tabulates once where each shift's window starts
//! and ends, and a trial only reads tables (docs/methods.md, "Kernel").
#include "nuflare/coincidence/temporal_kernel.hpp"
#include "nuflare/coincidence/temporal_selection.hpp"
#include "nuflare/coincidence/temporal_simd.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace nuflare::coincidence {

//! Control-sample trials of paper §5.1.2: random sources from
//! outside every alert region, each with the time of a random alert. On a
//! regular shift grid the constructor builds phase tables (per pool source,
//! the count of points before every window edge as a function of where the
//! alert time falls between grid cells; per pool source × alert, which rows
//! and shifts to read), within a memory budget; sources and pairs outside it
//! take RKernel's per-point path. evaluate() is bit for bit RKernel::r().
class ControlEngine {
public:
  //! `pool` are the series indices eligible for control samples (outside every
  //! region); `alert_mjd` the times alerts may lend. `simd` picks the table
  //! loop; avx2 on a processor without AVX2 falls back to sse2 (simd_level()).
  ControlEngine(std::span<const FlareSeries> series, std::vector<std::uint32_t> pool,
                std::vector<double> alert_mjd, std::vector<double> shifts_days, double delta_t_days,
                double flare_cut, SimdLevel simd = best_simd_level());

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
  //! The loop evaluate() reads the tables with.
  [[nodiscard]] SimdLevel simd_level() const noexcept { return simd_; }

private:
  struct PhaseTables; //!< defined in temporal_control.cpp
  std::vector<std::uint32_t> pool_;
  std::vector<double> alert_mjd_;
  std::vector<double> shifts_;
  ShiftPlan plan_;
  double delta_t_days_;
  SimdLevel simd_;
  RKernel kernel_;
  std::shared_ptr<const PhaseTables> tables_;
};

} // namespace nuflare::coincidence
