#include "nuflare/lightcurve/bayesian_blocks.hpp"

#include "nuflare/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>

namespace nuflare::lightcurve {

namespace {

constexpr const char* WHERE = "bayesian_blocks";

[[noreturn]] void bad_input(const std::string& field, const std::string& message) {
  throw core::InputError(WHERE, 0, field, message);
}

//! Sorted, validated input: unique times, per-time values and weights.
struct Cells {
  std::vector<double> t;     //!< unique sorted times
  std::vector<double> x;     //!< values (measures) or counts (events)
  std::vector<double> sigma; //!< per time (measures only)
};

Cells make_cells(std::span<const double> t, std::span<const double> x,
                 std::span<const double> sigma, Fitness fitness) {
  const std::size_t n = t.size();
  if (n == 0)
    bad_input("t", "no data points");
  for (double v : t)
    if (!std::isfinite(v))
      bad_input("t", "time is not finite");
  if (!x.empty() && x.size() != 1 && x.size() != n)
    bad_input("x", "x does not match the shape of t");
  if (!sigma.empty() && sigma.size() != 1 && sigma.size() != n)
    bad_input("sigma", "sigma does not match the shape of x");
  if (x.empty() && !sigma.empty())
    bad_input("sigma", "if sigma is given, x must be given");
  if (x.empty() && fitness == Fitness::measures)
    bad_input("x", "x must be given for point measures");
  for (double v : x)
    if (!std::isfinite(v))
      bad_input("x", "value is not finite");
  for (double s : sigma)
    if (!(std::isfinite(s) && s > 0))
      bad_input("sigma", "error must be finite and positive");

  // Sort t, x and sigma together (docs/methods.md, Bayesian Blocks: astropy sorts x with t but
  // forgets sigma; we sort all three). Stable, so equal times keep their input order.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return t[a] < t[b]; });

  Cells cells;
  cells.t.reserve(n);
  cells.x.reserve(n);
  if (x.empty()) {
    // Events without x: each unique time carries the number of events at it
    // (astropy: np.bincount of the inverse of np.unique).
    for (std::size_t i : order) {
      if (!cells.t.empty() && cells.t.back() == t[i]) {
        cells.x.back() += 1.0;
      } else {
        cells.t.push_back(t[i]);
        cells.x.push_back(1.0);
      }
    }
    return cells;
  }
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = order[k];
    if (k > 0 && t[order[k - 1]] == t[i])
      bad_input("t", "repeated values in t are not supported when x is given (t = " +
                         std::to_string(t[i]) + ")");
    cells.t.push_back(t[i]);
    cells.x.push_back(x.size() == 1 ? x[0] : x[i]);
    if (fitness == Fitness::measures)
      cells.sigma.push_back(sigma.empty() ? 1.0 : (sigma.size() == 1 ? sigma[0] : sigma[i]));
  }
  if (fitness == Fitness::events) {
    for (double c : cells.x)
      if (c < 0 || std::floor(c) != c)
        bad_input("x", "x must be non-negative integer counts for fitness 'events'");
  } else if (fitness == Fitness::regular_events) {
    for (double c : cells.x)
      if (c != 0 && c != 1)
        bad_input("x", "regular events must have only 0 and 1 in x");
  }
  return cells;
}

//! Maximum of A(k) = (b_r - sb[k])^2 / (a_r - sw2[k]) + cand[k] over k < m and
//! the first k reaching it (np.argmax: ties go to the earliest change point).
//! Written with GCC/Clang vector extensions: W lanes each keep their running
//! maximum and the first index reaching it, so the loop is one branch-free
//! pass that compiles to packed SSE2 at -O2 on the x86-64 baseline (two
//! independent xmm chains per step for ILP) and to AVX with wider targets.
struct Argmax {
  double value;
  std::size_t index;
};

template <bool STORE>
Argmax argmax_measures(const double* __restrict sw2, const double* __restrict sb,
                       const double* __restrict cand, double a_r, double b_r, std::size_t m,
                       double* __restrict values) {
  // Two-lane vectors (the SSE2 width every x86-64 has), two accumulators per
  // step so consecutive divisions overlap.
  using Vd = double __attribute__((vector_size(16)));
  using Vi = std::int64_t __attribute__((vector_size(16)));
  constexpr double NEG_INF = -std::numeric_limits<double>::infinity();
  constexpr std::size_t W = 4; // elements per step: 2 vectors of 2
  Vd max0 = {NEG_INF, NEG_INF}, max1 = max0;
  Vi idx0 = {0, 0}, idx1 = idx0;
  Vi k0 = {0, 1}, k1 = {2, 3};
  const Vi step = {4, 4};
  const Vd av = {a_r, a_r};
  const Vd bv = {b_r, b_r};
  std::size_t k = 0;
  for (; k + W <= m; k += W) {
    Vd s0, s1, w0, w1, c0, c1;
    std::memcpy(&s0, sb + k, sizeof s0);
    std::memcpy(&s1, sb + k + 2, sizeof s1);
    std::memcpy(&w0, sw2 + k, sizeof w0);
    std::memcpy(&w1, sw2 + k + 2, sizeof w1);
    std::memcpy(&c0, cand + k, sizeof c0);
    std::memcpy(&c1, cand + k + 2, sizeof c1);
    const Vd b0 = bv - s0, b1 = bv - s1;
    const Vd v0 = b0 * b0 / (av - w0) + c0;
    const Vd v1 = b1 * b1 / (av - w1) + c1;
    if constexpr (STORE) {
      std::memcpy(values + k, &v0, sizeof v0);
      std::memcpy(values + k + 2, &v1, sizeof v1);
    }
    const Vi gt0 = v0 > max0, gt1 = v1 > max1; // strict: a lane keeps its first maximum
    max0 = gt0 ? v0 : max0;
    max1 = gt1 ? v1 : max1;
    idx0 = gt0 ? k0 : idx0;
    idx1 = gt1 ? k1 : idx1;
    k0 += step;
    k1 += step;
  }
  Argmax best{NEG_INF, 0};
  const double lane_max[4] = {max0[0], max0[1], max1[0], max1[1]};
  const std::int64_t lane_idx[4] = {idx0[0], idx0[1], idx1[0], idx1[1]};
  for (std::size_t j = 0; j < 4; ++j) {
    const auto idx = static_cast<std::size_t>(lane_idx[j]);
    if (lane_max[j] > best.value || (lane_max[j] == best.value && idx < best.index)) {
      best.value = lane_max[j];
      best.index = idx;
    }
  }
  for (; k < m; ++k) { // tail: later indices, so strict > keeps the first maximum
    const double b = b_r - sb[k];
    const double v = b * b / (a_r - sw2[k]) + cand[k];
    if constexpr (STORE)
      values[k] = v;
    if (v > best.value) {
      best.value = v;
      best.index = k;
    }
  }
  return best;
}

//! Dynamic programme for `measures` (Scargle 2013 eq. 41): the fitness of the
//! block of cells k..R is (Σ w x)^2 / (2 Σ w), w = 1/σ². With prefix sums
//! sw2, sb the inner loop over k is branch-free and vectorised (argmax_measures).
//! x is shifted by its weighted mean first: the optimal partition does not
//! change (the shift adds a partition-independent constant to the total
//! fitness) but the sums lose less precision to cancellation.
void dp_measures(const Cells& c, double ncp_prior, bool prune, std::vector<std::size_t>& last) {
  const std::size_t n = c.t.size();
  std::vector<double> w(n);
  double sw = 0, swx = 0;
  for (std::size_t i = 0; i < n; ++i) {
    w[i] = 1.0 / (c.sigma[i] * c.sigma[i]);
    sw += w[i];
    swx += w[i] * c.x[i];
  }
  const double shift = swx / sw;
  // Prefix sums: sw2[k] = 2 Σ_{i<k} w_i (the 2 of the denominator folded in),
  // sb[k] = Σ_{i<k} w_i (x_i - shift).
  std::vector<double> sw2(n + 1, 0.0), sb(n + 1, 0.0);
  double scale = 0; // Σ w (x - shift)²: the size of every fitness sum, for the pruning margin
  for (std::size_t i = 0; i < n; ++i) {
    const double d = c.x[i] - shift;
    sw2[i + 1] = sw2[i] + 2.0 * w[i];
    sb[i + 1] = sb[i] + w[i] * d;
    scale += w[i] * d * d;
  }
  if (!prune) {
    // cand[k] = best[k-1] - ncp_prior: value of everything before a last block starting at k.
    std::vector<double> cand(n);
    cand[0] = -ncp_prior;
    for (std::size_t r = 0; r < n; ++r) {
      const Argmax am = argmax_measures<false>(sw2.data(), sb.data(), cand.data(), sw2[r + 1],
                                               sb[r + 1], r + 1, nullptr);
      last[r] = am.index;
      if (r + 1 < n)
        cand[r + 1] = am.value - ncp_prior;
    }
    return;
  }
  // PELT pruning (Killick, Fearnhead & Eckley 2012). The measures fitness is
  // subadditive, fit(k..R') <= fit(k..R) + fit(R+1..R'), because one shared
  // block mean can never fit better than two separate ones. So a start k with
  // A_R(k) < best(R) - ncp_prior can never beat the start R + 1 at any later
  // R', and is dropped for good. The margin (far above rounding, far below
  // any real difference) makes sure that a start which the full programme
  // might pick through rounding is never dropped: the edges are those of the
  // full O(N²) programme (tested against it and against astropy).
  // Candidates are kept compacted and in increasing k, so the vectorised
  // kernel runs unchanged and its first-index tie rule still holds.
  std::vector<std::size_t> idx;
  std::vector<double> k_sw2, k_sb, k_cand, values(n);
  idx.reserve(n);
  k_sw2.reserve(n);
  k_sb.reserve(n);
  k_cand.reserve(n);
  double best_prev = 0;
  for (std::size_t r = 0; r < n; ++r) {
    idx.push_back(r);
    k_sw2.push_back(sw2[r]);
    k_sb.push_back(sb[r]);
    k_cand.push_back((r == 0 ? 0.0 : best_prev) - ncp_prior);
    const std::size_t m = idx.size();
    const Argmax am = argmax_measures<true>(k_sw2.data(), k_sb.data(), k_cand.data(), sw2[r + 1],
                                            sb[r + 1], m, values.data());
    last[r] = idx[am.index];
    best_prev = am.value;
    const double margin = 1e-10 * (scale + std::abs(am.value) + ncp_prior) + 1e-12;
    const double keep_above = am.value - ncp_prior - margin;
    std::size_t j = 0;
    for (std::size_t i = 0; i < m; ++i) {
      if (!(values[i] < keep_above)) {
        idx[j] = idx[i];
        k_sw2[j] = k_sw2[i];
        k_sb[j] = k_sb[i];
        k_cand[j] = k_cand[i];
        ++j;
      }
    }
    idx.resize(j);
    k_sw2.resize(j);
    k_sb.resize(j);
    k_cand.resize(j);
  }
}

//! The fitness of one block holding `n_k` events over length `t_k` (astropy's
//! formulas), with the logarithms it took: they also give the tangent of the
//! bound below at this block's rate.
struct BlockFit {
  double value = 0;   //!< the fitness
  double rate = 0;    //!< N/T (events) or N/M (regular_events), before the guards
  double ln_rate = 0; //!< ln of the guarded rate
  double ln_rest = 0; //!< ln of the guarded 1 - N/M (regular_events)
};

BlockFit block_fit(double n_k, double t_k, Fitness fitness, double dt) {
  BlockFit f;
  if (fitness == Fitness::events) {
    // Scargle 2013 eq. 19
    if (n_k > 0) {
      f.rate = n_k / t_k;
      f.ln_rate = std::log(f.rate);
      f.value = n_k * f.ln_rate;
    }
    return f;
  }
  // Scargle 2013 eq. C23, with astropy's guards for N/M <= 0 and 1 - N/M <= 0
  const double m_k = t_k / dt;
  double n_over_m = n_k / m_k;
  double one_m = 1.0 - n_over_m;
  f.rate = n_over_m;
  if (n_over_m <= 0)
    n_over_m = 1;
  if (one_m <= 0)
    one_m = 1;
  f.ln_rate = std::log(n_over_m);
  f.ln_rest = std::log(one_m);
  f.value = n_k * f.ln_rate + (m_k - n_k) * f.ln_rest;
  return f;
}

//! Tangents of the logarithm, ln y <= ln ρ + y/ρ - 1 for any ρ > 0 (equal at
//! y = ρ), one per start, struct of arrays. They bound a block's fitness with
//! a multiplication and a division instead of one or two logarithms; each
//! start's tangent sits at its block's rate when its fitness was last
//! computed, so while the block grows the bound stays close.
struct Tangents {
  std::vector<double> l, inv;   //!< ln ρ - 1 and 1/ρ (regular_events: ρ = q = N/M)
  std::vector<double> l1, inv1; //!< regular_events: ln(1 - q) - 1 and 1/(1 - q)

  void push(double ln_rho, double rho, double ln_rest, double q_rest) {
    l.push_back(ln_rho - 1);
    inv.push_back(1 / rho);
    l1.push_back(ln_rest - 1);
    inv1.push_back(1 / q_rest);
  }
  void copy(std::size_t to, std::size_t from) {
    l[to] = l[from];
    inv[to] = inv[from];
    l1[to] = l1[from];
    inv1[to] = inv1[from];
  }
  void resize(std::size_t m) {
    for (auto* v : {&l, &inv, &l1, &inv1})
      v->resize(m);
  }
  //! Moves the tangent to the rate of `f` where the logarithms were of the
  //! rate itself (no guard acted): events N > 0; regular_events 0 < N/M < 1.
  void set(std::size_t j, const BlockFit& f, bool regular) {
    if (!regular) {
      if (f.rate > 0) {
        l[j] = f.ln_rate - 1;
        inv[j] = 1 / f.rate;
      }
    } else if (f.rate > 0 && f.rate < 1) {
      l[j] = f.ln_rate - 1;
      inv[j] = 1 / f.rate;
      l1[j] = f.ln_rest - 1;
      inv1[j] = 1 / (1 - f.rate);
    }
  }
};

//! out[j] = base[j] + an upper bound of the fitness of the block of start j:
//! n = cum_r1 - cum_k[j] events over t = len_k[j] - len_r1. No branches but
//! selects: n = 0 gives 0; for regular_events with N > M the second term is a
//! product of two non-positive factors, so >= its guarded 0, and with N <= M
//! eq. C23 is a Bernoulli log-likelihood, never above 0.
void fitness_bounds(bool regular, double dt, std::size_t m, const double* __restrict cum_k,
                    const double* __restrict len_k, const double* __restrict base,
                    const Tangents& tg, double cum_r1, double len_r1, double* __restrict out) {
  const double* __restrict l = tg.l.data();
  const double* __restrict inv = tg.inv.data();
  if (!regular) {
    for (std::size_t j = 0; j < m; ++j) {
      const double n_k = cum_r1 - cum_k[j];
      out[j] = base[j] + n_k * (l[j] + n_k * inv[j] / (len_k[j] - len_r1));
    }
    return;
  }
  const double* __restrict l1 = tg.l1.data();
  const double* __restrict inv1 = tg.inv1.data();
  const double inv_dt = 1 / dt;
  for (std::size_t j = 0; j < m; ++j) {
    const double n_k = cum_r1 - cum_k[j];
    const double m_k = (len_k[j] - len_r1) * inv_dt;
    const double p = n_k / m_k;
    const double tangent = n_k * (l[j] + p * inv[j]) + (m_k - n_k) * (l1[j] + (1 - p) * inv1[j]);
    out[j] = base[j] + (p <= 1 ? std::min(tangent, 0.0) : tangent);
  }
}

//! Dynamic programme for events / regular_events. Block lengths are computed as
//! astropy does (t_last - edges, then differences) so that equal-length blocks
//! tie exactly as they do there. 0 ln 0 is taken as 0 (its limit); astropy
//! gives NaN there and then picks the NaN as maximum (docs/methods.md, Bayesian Blocks).
//!
//! Two exact shortcuts (`prune`; the edges are those of the full programme):
//!  - PELT pruning, as in dp_measures, needs a subadditive fitness,
//!    fit(k..R') <= fit(k..R) + fit(R+1..R'). `events`: N ln(N/T) is the
//!    maximum of the Poisson log-likelihood N ln λ − λT (up to the additive
//!    −N), and one shared rate never fits two blocks better than two rates:
//!    subadditive for any cells. `regular_events`: with astropy's guards, eq.
//!    C23 is the maximum of the Bernoulli log-likelihood of N ticks in M only
//!    while N <= M. Blocks of interior cells at least one tick long have
//!    M >= cells >= N, but the first and last cells are half a tick (a block
//!    of only the last cell has M = 1/2, N = 1), so: the start k = 0 is never
//!    pruned, the last step (the only one whose blocks hold the last cell)
//!    scans every start, and there is no pruning when an interior cell is
//!    shorter than a tick.
//!  - Inside a block PELT prunes nothing, so most starts are still there at
//!    every step. A start whose tangent bound (Tangents) lies below the last
//!    winner's value by more than rounding can neither win nor tie: it costs
//!    a division instead of logarithms, and its bound stands in for its
//!    value when pruning (a bound only prunes less).
void dp_events(const Cells& c, const std::vector<double>& edges, double ncp_prior, Fitness fitness,
               double dt, bool prune, std::vector<std::size_t>& last) {
  const std::size_t n = c.t.size();
  const bool regular = fitness == Fitness::regular_events;
  std::vector<double> block_length(n + 1), cum(n + 1, 0.0);
  for (std::size_t i = 0; i <= n; ++i)
    block_length[i] = c.t[n - 1] - edges[i];
  for (std::size_t i = 0; i < n; ++i)
    cum[i + 1] = cum[i] + c.x[i]; // integer counts: exact

  double min_cell = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i)
    min_cell = std::min(min_cell, edges[i + 1] - edges[i]);
  if (!(min_cell > 0))
    prune = false;
  if (regular)
    for (std::size_t i = 1; i + 1 < n && prune; ++i)
      if (edges[i + 1] - edges[i] < dt * (1 - 1e-9))
        prune = false;
  // Margin of the pruning and of the bound: far above the rounding of any
  // A_R(k) (block lengths are differences of values up to the span, so a
  // fitness carries a relative error up to ~1e-16 span / min_cell), far
  // below any real difference.
  const double span = c.t[n - 1] - c.t[0];
  const double size = std::max(cum[n], 1.0) + (regular ? span / dt : 0.0);
  const double logs = 1 + std::abs(std::log(size)) + std::abs(std::log(span)) +
                      std::abs(std::log(min_cell)) + (regular ? std::abs(std::log(dt)) : 0.0);
  const double rounding = 1e-13 * size * (span / min_cell);
  auto margin = [&](double v) {
    return 1e-9 * (size * logs + std::abs(v) + ncp_prior) + rounding + 1e-12;
  };

  std::vector<double> best(n);
  // A_r(k) = best(k - 1) + fit(k..r) - ncp_prior, summed as astropy does
  auto a_value = [&](double fit, std::size_t k) {
    double v = fit - ncp_prior;
    if (k > 0)
      v += best[k - 1];
    return v;
  };
  auto fit_of = [&](std::size_t k, std::size_t r) {
    return block_fit(cum[r + 1] - cum[k], block_length[k] - block_length[r + 1], fitness, dt);
  };
  if (!prune) {
    for (std::size_t r = 0; r < n; ++r) {
      std::size_t imax = 0;
      double vmax = 0;
      for (std::size_t k = 0; k <= r; ++k) {
        const double v = a_value(fit_of(k, r).value, k);
        if (k == 0 || v > vmax) { // strict: ties go to the earliest start (np.argmax)
          vmax = v;
          imax = k;
        }
      }
      last[r] = imax;
      best[r] = vmax;
    }
    return;
  }

  // Starts that can still win, increasing, with what their blocks need:
  // cum[k], block_length[k], best[k - 1] - ncp_prior and the tangent
  // (struct of arrays, so that the bound pass is one vectorised loop).
  std::vector<std::size_t> starts;
  std::vector<double> s_cum, s_len, s_base;
  Tangents tangents;
  std::vector<double> values; // A_r(k) of each start, or a bound of it
  std::size_t j_best = 0;     // index in `starts` of the last winner
  for (auto* v : {&s_cum, &s_len, &s_base, &values})
    v->reserve(n);
  starts.reserve(n);
  // First tangent: the mean rate (any rate gives a bound).
  const double q0 =
      regular ? std::clamp(cum[n] / (span / dt), 1e-6, 1 - 1e-6) : std::max(cum[n], 1.0) / span;
  for (std::size_t r = 0; r < n; ++r) {
    std::size_t imax = 0;
    double vmax = 0;
    if (regular && r + 1 == n) {
      for (std::size_t k = 0; k <= r; ++k) {
        const double v = a_value(fit_of(k, r).value, k);
        if (k == 0 || v > vmax) {
          vmax = v;
          imax = k;
        }
      }
      last[r] = imax;
      best[r] = vmax;
      break;
    }
    starts.push_back(r);
    s_cum.push_back(cum[r]);
    s_len.push_back(block_length[r]);
    s_base.push_back((r > 0 ? best[r - 1] : 0.0) - ncp_prior);
    if (r == 0)
      tangents.push(std::log(q0), q0, std::log1p(-q0), 1 - q0);
    else
      tangents.push(0, 1, 0, 1);
    const std::size_t m = starts.size();
    values.resize(m);
    // The last winner first: its value is the threshold, and the new start
    // takes its tangent (the rate of the block it would end).
    const std::size_t k_ref = starts[j_best];
    const BlockFit f_ref = fit_of(k_ref, r);
    tangents.set(j_best, f_ref, regular);
    if (r > 0)
      tangents.copy(m - 1, j_best);
    fitness_bounds(regular, dt, m, s_cum.data(), s_len.data(), s_base.data(), tangents, cum[r + 1],
                   block_length[r + 1], values.data());
    vmax = values[j_best] = a_value(f_ref.value, k_ref);
    imax = k_ref;
    const double skip_below = vmax - margin(vmax);
    for (std::size_t j = 0; j < m; ++j) {
      if (j == j_best || values[j] < skip_below)
        continue;
      const BlockFit f = fit_of(starts[j], r);
      tangents.set(j, f, regular);
      values[j] = a_value(f.value, starts[j]);
      // ties go to the earliest start (np.argmax)
      if (values[j] > vmax || (values[j] == vmax && starts[j] < imax)) {
        vmax = values[j];
        imax = starts[j];
      }
    }
    last[r] = imax;
    best[r] = vmax;

    const double keep_above = vmax - ncp_prior - margin(vmax);
    auto keep = [&](std::size_t j) {
      return !(values[j] < keep_above) || (regular && starts[j] == 0);
    };
    // Most steps drop nothing (inside a block no start can be pruned):
    // compact only from the first start that goes.
    std::size_t kept = 0;
    while (kept < m && keep(kept))
      ++kept;
    for (std::size_t j = kept; j < m; ++j)
      if (keep(j)) {
        starts[kept] = starts[j];
        s_cum[kept] = s_cum[j];
        s_len[kept] = s_len[j];
        s_base[kept] = s_base[j];
        tangents.copy(kept, j);
        ++kept;
      }
    starts.resize(kept);
    s_cum.resize(kept);
    s_len.resize(kept);
    s_base.resize(kept);
    tangents.resize(kept);
    j_best = static_cast<std::size_t>(std::lower_bound(starts.begin(), starts.end(), imax) -
                                      starts.begin());
  }
}

} // namespace

Fitness parse_fitness(std::string_view name) {
  if (name == "measures")
    return Fitness::measures;
  if (name == "events")
    return Fitness::events;
  if (name == "regular_events")
    return Fitness::regular_events;
  throw core::ConfigError("fitness: expected measures, events or regular_events, got \"" +
                          std::string(name) + "\"");
}

std::string_view fitness_name(Fitness fitness) noexcept {
  switch (fitness) {
  case Fitness::measures:
    return "measures";
  case Fitness::events:
    return "events";
  case Fitness::regular_events:
    return "regular_events";
  }
  return "measures";
}

double ncp_prior_from_p0(double p0, std::size_t n_unique) {
  if (!(p0 > 0 && p0 < 1))
    throw core::ConfigError("p0: false-alarm probability must lie in (0, 1), got " +
                            std::to_string(p0));
  return 4.0 - std::log(73.53 * p0 * std::pow(static_cast<double>(n_unique), -0.478));
}

double resolve_ncp_prior(const BlocksOptions& options, std::size_t n_unique) {
  if (options.ncp_prior) {
    if (!std::isfinite(*options.ncp_prior))
      throw core::ConfigError("ncp_prior: must be finite");
    return *options.ncp_prior;
  }
  if (options.gamma) {
    if (!(*options.gamma > 0 && std::isfinite(*options.gamma)))
      throw core::ConfigError("gamma: must be positive and finite");
    return -std::log(*options.gamma);
  }
  return ncp_prior_from_p0(options.p0.value_or(0.05), n_unique);
}

Blocks bayesian_blocks(std::span<const double> t, std::span<const double> x,
                       std::span<const double> sigma, const BlocksOptions& options) {
  if (options.fitness == Fitness::regular_events && !(options.dt > 0 && std::isfinite(options.dt)))
    throw core::ConfigError("dt: regular_events needs a positive tick length");
  const Cells cells = make_cells(t, x, sigma, options.fitness);
  const std::size_t n = cells.t.size();

  Blocks out;
  out.n_unique = n;
  out.ncp_prior = resolve_ncp_prior(options, n);

  // Cells: edges [t0, midpoints..., t_{N-1}] (Scargle 2013 §2.1).
  std::vector<double> edges(n + 1);
  edges[0] = cells.t[0];
  for (std::size_t i = 1; i < n; ++i)
    edges[i] = 0.5 * (cells.t[i] + cells.t[i - 1]);
  edges[n] = cells.t[n - 1];

  std::vector<std::size_t> change_points;
  if (n == 1) {
    // One unique time: astropy returns that time as the only edge.
    change_points = {0};
  } else {
    std::vector<std::size_t> last(n);
    if (options.fitness == Fitness::measures)
      dp_measures(cells, out.ncp_prior, options.prune, last);
    else
      dp_events(cells, edges, out.ncp_prior, options.fitness, options.dt, options.prune, last);
    // Peel off the last block repeatedly. astropy stores the change points in
    // an array of N slots, one too few when every cell is its own block, and
    // then overwrites the first interior edge with 0 (t=[0,1,2], x=[1,5,1],
    // sigma=0.1 gives [0,1.5,2] there instead of [0,0.5,1.5,2]). We keep all
    // N+1 (docs/methods.md, Bayesian Blocks).
    std::size_t ind = n;
    while (true) {
      change_points.push_back(ind);
      if (ind == 0)
        break;
      ind = last[ind - 1];
    }
    std::reverse(change_points.begin(), change_points.end());
  }

  out.edges.reserve(change_points.size());
  for (std::size_t cp : change_points)
    out.edges.push_back(edges[cp]);

  // Block values: cells change_points[b] .. change_points[b+1]-1.
  if (n == 1) {
    out.flux.push_back(options.fitness == Fitness::measures
                           ? cells.x[0]
                           : std::numeric_limits<double>::quiet_NaN());
    return out;
  }
  for (std::size_t b = 0; b + 1 < change_points.size(); ++b) {
    const std::size_t lo = change_points[b], hi = change_points[b + 1];
    if (options.fitness == Fitness::measures) {
      double sw = 0, swx = 0;
      for (std::size_t i = lo; i < hi; ++i) {
        const double w = 1.0 / (cells.sigma[i] * cells.sigma[i]);
        sw += w;
        swx += w * cells.x[i];
      }
      out.flux.push_back(swx / sw);
    } else {
      double counts = 0;
      for (std::size_t i = lo; i < hi; ++i)
        counts += cells.x[i];
      const double length = edges[hi] - edges[lo];
      out.flux.push_back(length > 0 ? counts / length : std::numeric_limits<double>::quiet_NaN());
    }
  }
  return out;
}

} // namespace nuflare::lightcurve
