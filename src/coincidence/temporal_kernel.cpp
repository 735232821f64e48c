// The reference R(t) kernel (blazar paper §5, eq. 1):
// temporal_kernel.hpp, and the per-pair paths of temporal_shift_sums.hpp.
#include "nuflare/coincidence/temporal_kernel.hpp"

#include "temporal_shift_sums.hpp"

#include "nuflare/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace nuflare::coincidence {

namespace detail {

ShiftScratch& shift_scratch(std::size_t k_n, std::size_t n_max, ShiftSums& sums) {
  thread_local ShiftScratch sc;
  reset(sc.sum_in, padded_shifts(k_n));
  reset(sc.sum_out, padded_shifts(k_n));
  reset(sc.n_in, k_n);
  reset(sc.count_lo, k_n + 1);
  reset(sc.count_hi, k_n + 1);
  if (sc.first.size() < 2 * n_max)
    sc.first.resize(2 * n_max);
  sums = {sc.sum_in.data(), sc.sum_out.data(), sc.n_in.data(), k_n};
  return sc;
}

void finish_sums(const ShiftSums& a, std::uint64_t n_all, std::span<double> out) noexcept {
  for (std::size_t k = 0; k < a.k_n; ++k) {
    WindowSums w;
    w.sum_in = a.sum_in[k];
    w.sum_out = a.sum_out[k];
    w.n_in = a.n_in[k];
    w.n_out = n_all - a.n_in[k];
    out[k] = w.ratio();
  }
}

void sweep_pair(const Curve& c, double ta, const double* s, double h, const ShiftSums& a) noexcept {
  const double* t = c.t;
  const std::size_t n = c.n;
  std::size_t lo = 0, hi = 0;
  for (std::size_t k = a.k_n; k-- > 0;) {
    const double sk = s[k];
    while (lo < n && t[lo] + sk - ta < -h)
      ++lo;
    if (hi < lo)
      hi = lo;
    while (hi < n && t[hi] + sk - ta <= h)
      ++hi;
    add_shift(a, k, c.p, c.p[n], static_cast<std::uint32_t>(lo), static_cast<std::uint32_t>(hi));
  }
}

double boundary_margin(double mag, const ShiftPlan& plan) noexcept {
  return 1e-7 + (32 * UNIT_ROUNDOFF * mag + 4 * plan.residual) * plan.inv_step +
         16 * UNIT_ROUNDOFF * (static_cast<double>(plan.size) + 4);
}

void points_pair(const Curve& c, double ta, const double* s, double h, const ShiftPlan& plan,
                 double delta, ShiftScratch& sc, const ShiftSums& a) noexcept {
  const std::size_t n = c.n, k_n = a.k_n;
  const double* const t = c.t;
  std::int32_t* const first = sc.first.data();
  const double b_lo = (ta - h) - plan.s0;
  const double b_hi = (ta + h) - plan.s0;
  const double inv = plan.inv_step;
  const double w_max = static_cast<double>(k_n) + 0.5;
  // w = y + 1 clamped to [0.5, K + 0.5]: trunc(w) = clamp(⌊y⌋ + 1, 0, K), and
  // the fraction of a clamped w is 1/2, far from any boundary.
  double dmax = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double wl = std::min(std::max((b_lo - t[i]) * inv + 1.0, 0.5), w_max);
    const double wh = std::min(std::max((b_hi - t[i]) * inv + 1.0, 0.5), w_max);
    const auto il = static_cast<std::int32_t>(wl);
    const auto ih = static_cast<std::int32_t>(wh);
    dmax = std::max(dmax, std::max(std::abs((wl - static_cast<double>(il)) - 0.5),
                                   std::abs((wh - static_cast<double>(ih)) - 0.5)));
    first[2 * i] = il;
    first[2 * i + 1] = ih;
  }
  if (dmax > 0.5 - delta) {
    sweep_pair(c, ta, s, h, a);
    return;
  }
  std::uint32_t* const count_lo = sc.count_lo.data();
  std::uint32_t* const count_hi = sc.count_hi.data();
  for (std::size_t i = 0; i < n; ++i) {
    ++count_lo[first[2 * i]];
    ++count_hi[first[2 * i + 1]];
  }
  auto lo = static_cast<std::uint32_t>(n);
  auto hi = static_cast<std::uint32_t>(n);
  const double pn = c.p[n];
  for (std::size_t k = 0; k < k_n; ++k) {
    lo -= count_lo[k];
    hi -= count_hi[k];
    add_shift(a, k, c.p, pn, lo, hi);
  }
  std::fill(count_lo, count_lo + k_n + 1, 0u);
  std::fill(count_hi, count_hi + k_n + 1, 0u);
}

} // namespace detail

namespace {
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
} // namespace

double WindowSums::ratio() const noexcept {
  if (n_in == 0 || n_out == 0)
    return NaN;
  return (sum_in / static_cast<double>(n_in)) / (sum_out / static_cast<double>(n_out));
}

RKernel::RKernel(std::span<const FlareSeries> series, double flare_cut) : flare_cut_(flare_cut) {
  offset_.reserve(series.size() + 1);
  offset_.push_back(0);
  for (const auto& s : series) {
    if (s.mjd.size() != s.level.size())
      throw core::ConfigError("series " + s.name + ": times and levels differ in length");
    mjd_.insert(mjd_.end(), s.mjd.begin(), s.mjd.end());
    offset_.push_back(mjd_.size());
    n_max_ = std::max(n_max_, s.mjd.size());
    double sum = 0;
    prefix_.push_back(0);
    for (double level : s.level) {
      sum += level >= flare_cut ? level : 0.0; // the flare-level cut (docs/methods.md)
      prefix_.push_back(sum);
    }
  }
  for (double t : mjd_)
    mjd_abs_max_ = std::isfinite(t) ? std::max(mjd_abs_max_, std::abs(t)) : NaN;
}

WindowSums RKernel::window(std::uint32_t source, double alert_mjd, double shift_days,
                           double delta_t_days) const noexcept {
  const double h = delta_t_days / 2;
  const double* t = mjd_.data() + offset_[source];
  const std::size_t n = offset_[source + 1] - offset_[source];
  const double* p = prefix_.data() + offset_[source] + source;
  // Same predicates as |t_i + shift − t_alert| ≤ ΔT/2, so boundaries agree
  // with the direct formula bit for bit.
  const auto lo = static_cast<std::size_t>(
      std::partition_point(t, t + n, [&](double ti) { return ti + shift_days - alert_mjd < -h; }) -
      t);
  const auto hi = static_cast<std::size_t>(
      std::partition_point(t + lo, t + n,
                           [&](double ti) { return ti + shift_days - alert_mjd <= h; }) -
      t);
  WindowSums w;
  w.n_in = hi - lo;
  w.n_out = n - w.n_in;
  w.sum_in = p[hi] - p[lo];
  w.sum_out = (p[n] - p[hi]) + p[lo];
  return w;
}

double RKernel::r(std::span<const Pair> pairs, double shift_days,
                  double delta_t_days) const noexcept {
  WindowSums total;
  for (const auto& pr : pairs) {
    const WindowSums w = window(pr.source, pr.alert_mjd, shift_days, delta_t_days);
    total.sum_in += w.sum_in;
    total.sum_out += w.sum_out;
    total.n_in += w.n_in;
    total.n_out += w.n_out;
  }
  return total.ratio();
}

ShiftPlan ShiftPlan::of(std::span<const double> s) noexcept {
  ShiftPlan p;
  p.size = s.size();
  if (s.size() < 2)
    return p;
  for (double x : s) {
    if (!std::isfinite(x))
      return p;
    p.abs_max = std::max(p.abs_max, std::abs(x));
  }
  if (!std::is_sorted(s.begin(), s.end()))
    return p;
  const auto k_last = static_cast<double>(s.size() - 1);
  p.s0 = s.front();
  p.step = (s.back() - s.front()) / k_last;
  if (!(p.step > 0) || !std::isfinite(p.step))
    return p;
  p.inv_step = 1.0 / p.step;
  double r = 0;
  for (std::size_t k = 0; k < s.size(); ++k)
    r = std::max(r, std::abs(s[k] - (p.s0 + static_cast<double>(k) * p.step)));
  // + the rounding of s₀ + k · step itself, so that `residual` bounds the
  // distance of every s_k from the real number s₀ + k · step.
  p.residual = r + 4 * detail::UNIT_ROUNDOFF * (p.abs_max + k_last * p.step);
  p.regular = p.residual < 1e-3 * p.step;
  return p;
}

void RKernel::r_shifts(std::span<const Pair> pairs, std::span<const double> shifts_days,
                       double delta_t_days, std::span<double> out) const {
  r_shifts_impl(
      pairs.size(),
      [&](std::size_t j) {
        return std::pair<std::uint32_t, double>(pairs[j].source, pairs[j].alert_mjd);
      },
      shifts_days, ShiftPlan::of(shifts_days), delta_t_days, out);
}

void RKernel::r_shifts(std::span<const std::uint32_t> sources, std::span<const double> alert_mjd,
                       std::span<const double> shifts_days, const ShiftPlan& plan,
                       double delta_t_days, std::span<double> out) const {
  r_shifts_impl(
      sources.size(),
      [&](std::size_t j) { return std::pair<std::uint32_t, double>(sources[j], alert_mjd[j]); },
      shifts_days, plan, delta_t_days, out);
}

} // namespace nuflare::coincidence
