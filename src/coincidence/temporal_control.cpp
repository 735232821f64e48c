// Control-sample trials from phase tables (blazar paper §5.1.2;
// docs/methods.md "Kernel"): temporal_control.hpp.
#include "nuflare/coincidence/temporal_control.hpp"

#include "temporal_shift_sums.hpp"

#include "nuflare/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace nuflare::coincidence {

using namespace detail;

// Phase tables (control trials on a regular grid). With u_i = t_i/step =
// a_i + f_i (integer cell a_i, fraction f_i) and Y = (t_a − ΔT/2 − s₀)/step =
// A + F, point i is too early at shift k exactly when a_i < A − k, or a_i =
// A − k and f_i < F, unless F is within `delta` of some f_i (mod 1). So
// lo_k = G_j(A − k), where j = #{f_i < F} and G_j(m) = #{a_i < m} + #{a_i = m
// among the j points of smallest fraction}: a table of n + 1 rows over the
// cells the light curve spans (padded by ΔT/step + 2 on each side), built
// once per pool source, next to the prefix sums p[G_j(m)] it selects. hi_k is
// the same with +ΔT/2. The row and the first column each (source, alert)
// pair reads are found once, in the constructor. A pair of a trial then costs
// one pass over the shifts whose windows reach its light curve, reading both
// rows in order; the other shifts only add p[n] to the outside sum, exactly as
// the sweep would.
struct ControlEngine::PhaseTables {
  struct Source {
    std::uint32_t n = 0;    //!< points
    std::size_t prefix = 0; //!< offset of its prefix sums in RKernel
    std::size_t mjd = 0;    //!< offset of its times in RKernel
    std::size_t rows = 0;   //!< offset of its (n + 1) × cols table entries
  };
  //! Everything pair (pool position, alert) of a trial reads, in one place:
  //! table entries lo and hi hold shift k_begin, the run is len shifts long;
  //! pn = p[n].
  struct Entry {
    double pn = 0;
    std::uint32_t lo = 0, hi = 0;
    std::uint16_t k_begin = 0, len = 0;
    std::uint32_t n = 0;
  };
  static constexpr std::uint16_t SWEEP = 0xffff;    //!< len: a boundary is too close
  static constexpr std::uint16_t NO_TABLE = 0xfffe; //!< len: points_pair / sweep_pair

  std::vector<Source> source;        //!< per pool position
  std::vector<Entry> entry;          //!< per pool position × alert (when tables)
  std::vector<std::uint16_t> counts; //!< G_j(m)
  std::vector<double> values;        //!< p[G_j(m)], the prefix sum the count selects
  double delta = 1;                  //!< boundary margin [grid units]
  bool regular = false;              //!< points_pair applies (else sweep_pair)
  bool tables = false;               //!< entry is filled

  //! Budgets: a source's table ≤ 2¹⁶ entries, all tables ≤ 2²² entries
  //! (10 bytes each: 40 MiB), pool × alerts ≤ 2²¹ pairs (24 bytes: 48 MiB).
  static constexpr std::size_t MAX_SOURCE_ENTRIES = std::size_t{1} << 16;
  static constexpr std::size_t MAX_TOTAL_ENTRIES = std::size_t{1} << 22;
  static constexpr std::size_t MAX_PAIRS = std::size_t{1} << 21;
};

ControlEngine::ControlEngine(std::span<const FlareSeries> series, std::vector<std::uint32_t> pool,
                             std::vector<double> alert_mjd, std::vector<double> shifts_days,
                             double delta_t_days, double flare_cut, SimdLevel simd)
    : pool_(std::move(pool)), alert_mjd_(std::move(alert_mjd)), shifts_(std::move(shifts_days)),
      plan_(ShiftPlan::of(shifts_)), delta_t_days_(delta_t_days),
      simd_(simd == SimdLevel::avx2 ? best_simd_level() : SimdLevel::sse2),
      kernel_(series, flare_cut) {
  if (!std::is_sorted(shifts_.begin(), shifts_.end()))
    throw core::ConfigError("control trials: the shift grid must be ascending");
  if (!(delta_t_days_ > 0))
    throw core::ConfigError("control trials: ΔT must be a positive number of days");
  for (auto s : pool_)
    if (s >= kernel_.size())
      throw core::ConfigError("control trials: pool index out of range");

  auto tb = std::make_shared<PhaseTables>();
  const std::size_t k_n = shifts_.size();
  const std::size_t n_alerts = alert_mjd_.size();
  const double h = delta_t_days_ / 2;
  double ta_abs_max = 0;
  for (double ta : alert_mjd_)
    ta_abs_max = std::max(ta_abs_max, std::abs(ta));
  const double mag = ta_abs_max + h + plan_.abs_max + kernel_.mjd_abs_max_;
  tb->delta = boundary_margin(mag, plan_);
  tb->regular = plan_.regular && plan_.size == k_n && std::isfinite(mag) && tb->delta < 0.25 &&
                k_n < (std::size_t{1} << 30);
  tb->source.resize(pool_.size());
  for (std::size_t q = 0; q < pool_.size(); ++q) {
    auto& ps = tb->source[q];
    const std::uint32_t s = pool_[q];
    ps.n = static_cast<std::uint32_t>(kernel_.offset_[s + 1] - kernel_.offset_[s]);
    ps.prefix = kernel_.offset_[s] + s;
    ps.mjd = kernel_.offset_[s];
  }
  // Tables also need cell indices well inside int64, exact fractions and
  // 16-bit shift indices.
  tb->tables = tb->regular && mag * plan_.inv_step < 0x1p40 &&
               delta_t_days_ * plan_.inv_step < 0x1p20 && k_n < PhaseTables::NO_TABLE &&
               n_alerts > 0 && pool_.size() * n_alerts <= PhaseTables::MAX_PAIRS;
  if (!tb->tables) {
    tables_ = std::move(tb);
    return;
  }
  const std::int64_t pad = static_cast<std::int64_t>(delta_t_days_ * plan_.inv_step) + 2;
  const auto k_end = static_cast<std::int64_t>(k_n);
  // Per alert: Y = A + F for both window edges.
  std::vector<std::int64_t> a_lo(n_alerts), a_hi(n_alerts);
  std::vector<double> f_lo(n_alerts), f_hi(n_alerts);
  for (std::size_t x = 0; x < n_alerts; ++x) {
    const double ta = alert_mjd_[x];
    const double y_lo = ((ta - h) - plan_.s0) * plan_.inv_step;
    const double y_hi = ((ta + h) - plan_.s0) * plan_.inv_step;
    a_lo[x] = floor_i64(y_lo);
    a_hi[x] = floor_i64(y_hi);
    f_lo[x] = y_lo - static_cast<double>(a_lo[x]);
    f_hi[x] = y_hi - static_cast<double>(a_hi[x]);
  }
  tb->entry.resize(pool_.size() * n_alerts);
  // Padding before the first table and after the last for add_pair().
  tb->counts.assign(padded_shifts(k_n), 0);
  tb->values.assign(padded_shifts(k_n), 0.0);
  for (std::size_t q = 0; q < pool_.size(); ++q)
    for (std::size_t x = 0; x < n_alerts; ++x) {
      auto& e = tb->entry[q * n_alerts + x];
      e.n = tb->source[q].n;
      e.pn = kernel_.prefix_[tb->source[q].prefix + e.n];
      e.len = PhaseTables::NO_TABLE;
    }
  std::size_t total = 0;
  std::vector<std::int64_t> cell;
  std::vector<double> frac, fx;
  std::vector<std::uint32_t> order;
  for (std::size_t q = 0; q < pool_.size(); ++q) {
    auto& ps = tb->source[q];
    const std::size_t n = ps.n;
    const double* t = kernel_.mjd_.data() + ps.mjd;
    if (n == 0 || n > 0xffff || !std::is_sorted(t, t + n))
      continue;
    cell.resize(n);
    frac.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double u = t[i] * plan_.inv_step;
      cell[i] = floor_i64(u);
      frac[i] = u - static_cast<double>(cell[i]);
    }
    const std::int64_t a_min = cell[0], a_max = cell[n - 1];
    const std::int64_t cols = (a_max - a_min + 1) + 2 * pad;
    const std::size_t entries = (n + 1) * static_cast<std::size_t>(cols);
    if (entries > PhaseTables::MAX_SOURCE_ENTRIES ||
        total + entries > PhaseTables::MAX_TOTAL_ENTRIES)
      continue;
    // Fractions in ascending order, with the circular neighbours of the ends.
    order.resize(n);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t x, std::uint32_t y) { return frac[x] < frac[y]; });
    fx.clear();
    fx.push_back(frac[order[n - 1]] - 1.0);
    for (auto i : order)
      fx.push_back(frac[i]);
    fx.push_back(frac[order[0]] + 1.0);
    // Column c is cell m = a_max + pad − c, so that consecutive shifts read
    // consecutive columns; row j adds the j-th smallest fraction's point.
    ps.rows = tb->counts.size();
    tb->counts.resize(ps.rows + entries);
    std::uint16_t* row = tb->counts.data() + ps.rows;
    for (std::int64_t c = 0; c < cols; ++c)
      row[c] = static_cast<std::uint16_t>(
          std::lower_bound(cell.begin(), cell.end(), a_max + pad - c) - cell.begin());
    for (std::size_t j = 1; j <= n; ++j) {
      std::uint16_t* next = row + cols;
      std::copy(row, row + cols, next);
      ++next[a_max + pad - cell[order[j - 1]]];
      row = next;
    }
    const double* p = kernel_.prefix_.data() + ps.prefix;
    tb->values.resize(ps.rows + entries);
    for (std::size_t e = ps.rows; e < ps.rows + entries; ++e)
      tb->values[e] = p[tb->counts[e]];
    total += entries;
    for (std::size_t x = 0; x < n_alerts; ++x) {
      auto& e = tb->entry[q * n_alerts + x];
      const std::size_t j_lo = rank_below(fx.data() + 1, n, f_lo[x]);
      const std::size_t j_hi = rank_below(fx.data() + 1, n, f_hi[x]);
      // fx[j] < F ≤ fx[j + 1] are F's neighbours on the circle.
      if (f_lo[x] - fx[j_lo] < tb->delta || fx[j_lo + 1] - f_lo[x] < tb->delta ||
          f_hi[x] - fx[j_hi] < tb->delta || fx[j_hi + 1] - f_hi[x] < tb->delta ||
          a_hi[x] - a_lo[x] > pad - 1) {
        e.len = PhaseTables::SWEEP;
        continue;
      }
      // Shifts before k_begin see every point too early, from k_stop on none
      // "not too late": lo = hi there. In between, the columns of cell A − k
      // lie inside the row (the padding covers A_hi − A_lo).
      const std::int64_t k_begin = std::clamp<std::int64_t>(a_lo[x] - a_max, 0, k_end);
      const std::int64_t k_stop = std::clamp<std::int64_t>(a_hi[x] - a_min + 1, k_begin, k_end);
      e.k_begin = static_cast<std::uint16_t>(k_begin);
      e.len = static_cast<std::uint16_t>(k_stop - k_begin);
      e.lo = e.hi = e.k_begin; // any index ≥ k_begin: nothing is read
      if (e.len > 0) {
        const auto row0 = static_cast<std::int64_t>(ps.rows);
        e.lo = static_cast<std::uint32_t>(row0 + static_cast<std::int64_t>(j_lo) * cols + a_max +
                                          pad - a_lo[x] + k_begin);
        e.hi = static_cast<std::uint32_t>(row0 + static_cast<std::int64_t>(j_hi) * cols + a_max +
                                          pad - a_hi[x] + k_begin);
      }
    }
  }
  tb->counts.resize(tb->counts.size() + padded_shifts(k_n), 0);
  tb->values.resize(tb->values.size() + padded_shifts(k_n), 0.0);
  tables_ = std::move(tb);
}

std::size_t ControlEngine::table_bytes() const noexcept {
  return tables_->counts.size() * sizeof(std::uint16_t) + tables_->values.size() * sizeof(double) +
         tables_->entry.size() * sizeof(PhaseTables::Entry);
}

void ControlEngine::evaluate(std::span<const std::uint32_t> drawn_pool,
                             std::span<const std::uint32_t> drawn_alert,
                             std::span<double> out) const {
  const PhaseTables& tb = *tables_;
  const std::size_t k_n = shifts_.size();
  const double h = delta_t_days_ / 2;
  const double* const s = shifts_.data();
  const std::size_t n_alerts = alert_mjd_.size();
  ShiftSums a;
  ShiftScratch& sc = shift_scratch(k_n, kernel_.n_max_, a);
  const std::size_t m = drawn_pool.size();
  if (sc.work.size() < m)
    sc.work.resize(m);
  PairWork* const work = sc.work.data();
  const double* const prefix = kernel_.prefix_.data();
  const std::uint16_t* const counts = tb.counts.data();
  const double* const values = tb.values.data();

  const auto pair_at = [&](std::size_t j) {
    return std::pair<std::uint32_t, double>(pool_[drawn_pool[j]], alert_mjd_[drawn_alert[j]]);
  };
  if (!tb.tables) {
    kernel_.r_shifts_impl(m, pair_at, shifts_, plan_, delta_t_days_, out);
    return;
  }

  // Pass 1: what each pair reads. Pairs are independent here, so the
  // processor overlaps the cache misses of their entries.
  std::uint64_t n_all = 0;
  for (std::size_t j = 0; j < m; ++j) {
    const auto& e = tb.entry[drawn_pool[j] * n_alerts + drawn_alert[j]];
    PairWork& w = work[j];
    w.pn = e.pn;
    w.lo = e.lo;
    w.hi = e.hi;
    w.k_begin = e.k_begin;
    w.len = e.len;
    n_all += e.n;
  }
  if (n_all >> 52) {
    // Counts could lose exactness in the double accumulators of table pairs.
    kernel_.r_shifts_impl(m, pair_at, shifts_, plan_, delta_t_days_, out);
    return;
  }
  reset(sc.n_in_d, padded_shifts(k_n));
  double* const n_in_d = sc.n_in_d.data();

  // Pass 2: the sums, pair after pair in the given order, with the rows of a
  // pair a few ahead prefetched.
  constexpr std::size_t AHEAD = 6;
  for (std::size_t j = 0; j < m; ++j) {
#if defined(__GNUC__)
    if (j + AHEAD < m && work[j + AHEAD].len < PhaseTables::NO_TABLE) {
      const PairWork& v = work[j + AHEAD];
      __builtin_prefetch(values + v.lo);
      __builtin_prefetch(values + v.lo + v.len);
      __builtin_prefetch(values + v.hi);
      __builtin_prefetch(values + v.hi + v.len);
      __builtin_prefetch(counts + v.lo);
      __builtin_prefetch(counts + v.hi);
    }
#endif
    const PairWork& w = work[j];
    if (w.len >= PhaseTables::NO_TABLE) {
      const auto& ps = tb.source[drawn_pool[j]];
      const Curve c{kernel_.mjd_.data() + ps.mjd, ps.n, prefix + ps.prefix};
      const double ta = alert_mjd_[drawn_alert[j]];
      if (tb.regular)
        points_pair(c, ta, s, h, plan_, tb.delta, sc, a);
      else
        sweep_pair(c, ta, s, h, a);
      continue;
    }
    add_pair(simd_, a.sum_in, a.sum_out, n_in_d, values, counts, w.lo - w.k_begin, w.hi - w.k_begin,
             w.k_begin, w.k_begin + w.len, w.pn, k_n);
  }
  for (std::size_t k = 0; k < k_n; ++k)
    a.n_in[k] += static_cast<std::uint64_t>(n_in_d[k]);
  finish_sums(a, n_all, out);
}

void ControlEngine::evaluate_pairs(std::span<const Pair> pairs, std::span<double> out) const {
  kernel_.r_shifts_impl(
      pairs.size(),
      [&](std::size_t j) {
        return std::pair<std::uint32_t, double>(pairs[j].source, pairs[j].alert_mjd);
      },
      shifts_, plan_, delta_t_days_, out);
}

} // namespace nuflare::coincidence
