#pragma once
// Private to src/coincidence (not installed): the per-shift sums of R(t) and
// the per-pair paths that fill them, shared by RKernel::r_shifts
// (temporal_kernel.cpp) and ControlEngine (temporal_control.cpp); the vector
// loops of the control engine's tables are in temporal_simd.cpp.
#include "nuflare/coincidence/temporal_kernel.hpp"
#include "nuflare/coincidence/temporal_simd.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace nuflare::coincidence::detail {

inline constexpr double UNIT_ROUNDOFF = std::numeric_limits<double>::epsilon() / 2; // 2⁻⁵³

//! Per-shift sums of one trial, pooled over pairs (blazar paper eq. 1).
struct ShiftSums {
  double* sum_in = nullptr;
  double* sum_out = nullptr;
  std::uint64_t* n_in = nullptr;
  std::size_t k_n = 0;
};

//! One pair of a control trial between the two passes of evaluate().
struct PairWork {
  double pn = 0;                      //!< p[n]
  std::uint32_t lo = 0, hi = 0;       //!< table entries of shift k_begin
  std::uint16_t k_begin = 0, len = 0; //!< shifts read from the table (len ≥ 0xfffe: none)
};

//! Per-thread scratch of r_shifts and ControlEngine::evaluate: grown on
//! demand, never shrunk, so that a trial allocates nothing after the first.
struct ShiftScratch {
  std::vector<double> sum_in, sum_out;
  std::vector<std::uint64_t> n_in;
  std::vector<std::uint32_t> count_lo, count_hi; //!< K + 1 bins, zero between pairs
  std::vector<std::int32_t> first;               //!< (L_i, H_i) per point of one pair
  std::vector<PairWork> work;                    //!< per pair of a control trial
  std::vector<double> n_in_d;                    //!< points inside, table pairs
};

//! Shifts a table pair's loop writes: K rounded up to the widest vector (4).
constexpr std::size_t padded_shifts(std::size_t k_n) noexcept {
  return (k_n + 3) & ~std::size_t{3};
}

template <class T>
inline void reset(std::vector<T>& v, std::size_t n) {
  v.resize(n);
  std::fill(v.begin(), v.end(), T{});
}

//! The per-thread scratch, reset for K = k_n shifts and series of up to n_max
//! points, with `sums` pointing into it.
ShiftScratch& shift_scratch(std::size_t k_n, std::size_t n_max, ShiftSums& sums);

//! R at each shift from the pooled sums; n_all = points over all pairs.
void finish_sums(const ShiftSums& a, std::uint64_t n_all, std::span<double> out) noexcept;

//! One light curve as RKernel stores it.
struct Curve {
  const double* t; //!< sorted times
  std::size_t n;   //!< points
  const double* p; //!< n + 1 prefix sums of contributions
};

//! Shift k of one pair with lo points too early and hi − lo inside: the same
//! two numbers window() adds, so every path sums identically.
inline void add_shift(const ShiftSums& a, std::size_t k, const double* p, double pn,
                      std::uint32_t lo, std::uint32_t hi) noexcept {
  a.sum_in[k] += p[hi] - p[lo];
  a.sum_out[k] += (pn - p[hi]) + p[lo];
  a.n_in[k] += hi - lo;
}

//! Exact reference path: two-pointer sweep from the largest shift down (both
//! window bounds only move forward, so a pair costs O(n + K)), with window()'s
//! predicates.
void sweep_pair(const Curve& c, double ta, const double* s, double h, const ShiftSums& a) noexcept;

//! Grid units within which rounding may move the exact predicate's boundary
//! away from the real-arithmetic one; `mag` bounds |t| + |t_a| + |s| + ΔT/2.
//! The terms: evaluating t_i + s_k − t_a (≲ 3u·mag), the grid's deviation from
//! s₀ + k·step (residual) and the computation of y (≲ 6u·mag/step + u·K),
//! each taken with a factor ≥ 4 to spare, plus a floor of 1e-7.
double boundary_margin(double mag, const ShiftPlan& plan) noexcept;

//! Per-point path for one pair on a regular grid. With y_i = (t_a − ΔT/2 −
//! s₀ − t_i)/step, point i is too early at shift k exactly when k < L_i =
//! clamp(⌊y_i⌋ + 1, 0, K) unless y_i is within `delta` of an integer; H_i
//! likewise with +ΔT/2 counts "not too late". lo_k = #{L_i > k} and
//! hi_k = #{H_i > k} follow from a histogram. A pair with a point near a
//! boundary is swept exactly instead.
void points_pair(const Curve& c, double ta, const double* s, double h, const ShiftPlan& plan,
                 double delta, ShiftScratch& sc, const ShiftSums& a) noexcept;

//! All K shifts of one table pair: for k0 ≤ k < k1 the prefix sums p[lo_k] =
//! values[bl + k] and p[hi_k] = values[bh + k] (counts likewise), elsewhere
//! lo_k = hi_k, whose sums are p[n] outside and +0 inside. Adding +0.0 to a
//! sum that is never −0 changes no bit, so a mask replaces the branches at
//! k0 and k1 (which mispredict, as both vary from pair to pair) and the sums
//! stay those of add_shift(), whatever the vector width. The loop runs over
//! padded_shifts(K) lanes: the sums have room for them, the tables carry that
//! many entries of padding at both ends, and masked lanes read neighbouring
//! entries and discard them. n_in counts in doubles (exact below 2⁵³).
//! The loop is `simd`'s (temporal_simd.cpp); both add the same numbers.
void add_pair(SimdLevel simd, double* __restrict sum_in, double* __restrict sum_out,
              double* __restrict n_in, const double* __restrict values,
              const std::uint16_t* __restrict counts, std::size_t bl, std::size_t bh,
              std::size_t k0, std::size_t k1, double pn, std::size_t k_n) noexcept;

//! ⌊y⌋ for |y| < 2⁶², without a libm call.
inline std::int64_t floor_i64(double y) noexcept {
  const auto i = static_cast<std::int64_t>(y);
  return i - static_cast<std::int64_t>(y < static_cast<double>(i));
}

//! #{i < n : f[i] < x} for sorted f (branch-free binary search).
inline std::size_t rank_below(const double* f, std::size_t n, double x) noexcept {
  if (n == 0)
    return 0;
  std::size_t b = 0;
  while (n > 1) {
    const std::size_t half = n / 2;
    // A mask, not a conditional: compilers turn `?:` here into a branch that
    // mispredicts half of the time.
    b += half & (std::size_t{0} - static_cast<std::size_t>(f[b + half - 1] < x));
    n -= half;
  }
  return b + static_cast<std::size_t>(f[b] < x);
}

} // namespace nuflare::coincidence::detail

namespace nuflare::coincidence {

// R(t) at every shift, pooled over pairs (blazar paper eq. 1). Per pair and
// shift k the sums are p[hi_k] − p[lo_k] and (p[n] − p[hi_k]) + p[lo_k], added
// in pair order, where lo_k = #{i : t_i + s_k − t_a < −ΔT/2} and hi_k =
// #{i : t_i + s_k − t_a ≤ ΔT/2}: the same numbers, in the same order, as r()
// at each shift, so the result is r()'s bit for bit whichever path finds
// lo_k and hi_k (points_pair on a regular grid, else sweep_pair).
template <class PairAt>
void RKernel::r_shifts_impl(std::size_t n_pairs, PairAt pair_at,
                            std::span<const double> shifts_days, const ShiftPlan& plan,
                            double delta_t_days, std::span<double> out) const {
  const std::size_t k_n = shifts_days.size();
  const double h = delta_t_days / 2;
  detail::ShiftSums a;
  detail::ShiftScratch& sc = detail::shift_scratch(k_n, n_max_, a);
  double ta_abs_max = 0;
  for (std::size_t j = 0; j < n_pairs; ++j)
    ta_abs_max = std::max(ta_abs_max, std::abs(pair_at(j).second));
  const double mag = ta_abs_max + h + plan.abs_max + mjd_abs_max_;
  const double delta = detail::boundary_margin(mag, plan);
  const bool regular = plan.regular && plan.size == k_n && h >= 0 && std::isfinite(mag) &&
                       delta < 0.25 && k_n < (std::size_t{1} << 30);
  std::uint64_t n_all = 0;
  for (std::size_t j = 0; j < n_pairs; ++j) {
    const auto [source, ta] = pair_at(j);
    const detail::Curve c{mjd_.data() + offset_[source], offset_[source + 1] - offset_[source],
                          prefix_.data() + offset_[source] + source};
    if (regular)
      detail::points_pair(c, ta, shifts_days.data(), h, plan, delta, sc, a);
    else
      detail::sweep_pair(c, ta, shifts_days.data(), h, a);
    n_all += c.n;
  }
  detail::finish_sums(a, n_all, out);
}

} // namespace nuflare::coincidence
