// R(t) around alert times for one trial (blazar paper §5, eq. 1; SPEC §8).
#include "nuflare/coincidence/temporal.hpp"

#include "nuflare/lightcurve/flares.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/sky/coordinates.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <numeric>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace nuflare::coincidence {

namespace {
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr double UNIT_ROUNDOFF = std::numeric_limits<double>::epsilon() / 2; // 2⁻⁵³
} // namespace

bool passes_sky_cuts(double ra_deg, double dec_deg, const SelectionCuts& cuts) noexcept {
  // blazar paper §4.1: |δ| < 40°, |b| > 10° (strict, as the paper writes them)
  if (cuts.max_abs_dec_deg && !(std::abs(dec_deg) < *cuts.max_abs_dec_deg))
    return false;
  if (cuts.min_abs_glat_deg) {
    const double b = sky::to_galactic(ra_deg, dec_deg).b_deg;
    if (!(std::abs(b) > *cuts.min_abs_glat_deg))
      return false;
  }
  return true;
}

std::vector<io::Alert> select_alerts(std::span<const io::Alert> alerts, const SelectionCuts& cuts) {
  std::vector<io::Alert> out;
  for (const auto& a : alerts)
    if (!a.retracted && passes_sky_cuts(a.ra_deg, a.dec_deg, cuts))
      out.push_back(a);
  return out;
}

std::vector<FlareSeries> build_series(const io::SourceCatalog& catalog,
                                      std::span<const io::LightCurve> curves,
                                      const std::string& band, const SelectionCuts& cuts,
                                      std::span<const std::string> exclude, SeriesReport* report) {
  SeriesReport rep;
  std::unordered_map<std::string, const io::LightCurve*> by_source;
  for (const auto& c : curves)
    if (c.band == band)
      by_source.emplace(c.source, &c);
  const std::unordered_set<std::string> excluded(exclude.begin(), exclude.end());

  std::vector<FlareSeries> out;
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    const std::string& name = catalog.name[i];
    if (excluded.count(name)) {
      ++rep.excluded;
      continue;
    }
    const double ra = catalog.ra_deg[i], dec = catalog.dec_deg[i];
    bool sky_ok = !(cuts.max_abs_dec_deg && !(std::abs(dec) < *cuts.max_abs_dec_deg));
    if (sky_ok && cuts.min_abs_glat_deg) {
      double b = i < catalog.glat_deg.size() ? catalog.glat_deg[i] : NaN;
      if (!std::isfinite(b))
        b = sky::to_galactic(ra, dec).b_deg;
      sky_ok = std::abs(b) > *cuts.min_abs_glat_deg;
    }
    if (!sky_ok) {
      ++rep.cut_sky;
      continue;
    }
    if (cuts.min_variability_index) {
      const double vi = i < catalog.variability_index.size() ? catalog.variability_index[i] : NaN;
      if (!(vi > *cuts.min_variability_index)) {
        ++rep.cut_variability;
        continue;
      }
    }
    const auto it = by_source.find(name);
    if (it == by_source.end()) {
      ++rep.no_lightcurve;
      continue;
    }
    const io::LightCurve& lc = *it->second;
    FlareSeries s;
    s.name = name;
    s.ra_deg = ra;
    s.dec_deg = dec;
    std::vector<double> flux;
    for (std::size_t j = 0; j < lc.size(); ++j) {
      // Upper limits carry no flare level: dropped (SPEC §2 policy `drop`).
      if (j < lc.upper_limit.size() && lc.upper_limit[j])
        continue;
      s.mjd.push_back(lc.mjd[j]);
      flux.push_back(lc.flux[j]);
    }
    if (cuts.min_detections && flux.size() < *cuts.min_detections) {
      ++rep.cut_detections;
      continue;
    }
    if (cuts.min_mean_flux) {
      const double mean = flux.empty() ? NaN
                                       : std::accumulate(flux.begin(), flux.end(), 0.0) /
                                             static_cast<double>(flux.size());
      if (!(mean >= *cuts.min_mean_flux)) {
        ++rep.cut_flux;
        continue;
      }
    }
    // SPEC §4 quiescent flux, from the light-curve engine.
    const double fq = flux.empty() ? NaN : lightcurve::quiescent_flux(flux);
    if (!(std::isfinite(fq) && fq > 0)) {
      ++rep.bad_quiescent;
      continue;
    }
    s.level.resize(flux.size());
    for (std::size_t j = 0; j < flux.size(); ++j)
      s.level[j] = flux[j] / fq; // SPEC §4: flare level = flux / F_q
    out.push_back(std::move(s));
  }
  if (report)
    *report = rep;
  return out;
}

std::vector<double> shift_grid(double step_days, double max_shift_days) {
  if (!(step_days > 0) || !std::isfinite(step_days))
    throw core::ConfigError("shift step must be a positive number of days");
  if (!(max_shift_days >= 0))
    throw core::ConfigError("maximum shift must be >= 0 days");
  // Every integer k with |k · step| <= max (SPEC §8), found exactly.
  auto k_max = static_cast<long long>(std::floor(max_shift_days / step_days));
  while (static_cast<double>(k_max + 1) * step_days <= max_shift_days)
    ++k_max;
  while (k_max > 0 && static_cast<double>(k_max) * step_days > max_shift_days)
    --k_max;
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(2 * k_max + 1));
  for (long long k = -k_max; k <= k_max; ++k)
    out.push_back(static_cast<double>(k) * step_days);
  return out;
}

namespace {

//! Candidate sources of one alert for the largest factor: a Dec band from the
//! Dec-sorted list, then an RA prefilter; the exact test is sky::in_region_at.
void region_members(std::span<const FlareSeries> series, std::span<const std::uint32_t> by_dec,
                    std::span<const double> dec_sorted, const io::Alert& a, double centre_ra,
                    std::span<const double> factors, sky::RegionShape shape,
                    std::vector<std::vector<std::uint32_t>>& out) {
  const double f_max = *std::max_element(factors.begin(), factors.end());
  const double margin = 1e-9;
  const double lo = a.dec_deg - f_max * a.dec_minus_deg - margin;
  const double hi = a.dec_deg + f_max * a.dec_plus_deg + margin;
  const double ra_half = f_max * std::max(a.ra_plus_deg, a.ra_minus_deg) + margin;
  const auto first = std::lower_bound(dec_sorted.begin(), dec_sorted.end(), lo);
  const auto last = std::upper_bound(dec_sorted.begin(), dec_sorted.end(), hi);
  for (auto& v : out)
    v.clear();
  for (auto it = first; it != last; ++it) {
    const std::uint32_t s = by_dec[static_cast<std::size_t>(it - dec_sorted.begin())];
    const auto& src = series[s];
    if (std::abs(sky::wrap_delta_ra_deg(src.ra_deg - centre_ra)) > ra_half)
      continue;
    for (std::size_t f = 0; f < factors.size(); ++f)
      if (sky::in_region_at(a, centre_ra, src.ra_deg, src.dec_deg, factors[f], shape))
        out[f].push_back(s);
  }
  // Canonical order (source index) so that the pooled sums do not depend on
  // how candidates were found.
  for (auto& v : out)
    std::sort(v.begin(), v.end());
}

} // namespace

std::vector<Pair> make_pairs(std::span<const FlareSeries> series, std::span<const io::Alert> alerts,
                             double factor, sky::RegionShape shape,
                             std::span<const double> alert_ra_deg) {
  std::vector<Pair> out;
  for (std::size_t a = 0; a < alerts.size(); ++a) {
    const double ra = alert_ra_deg.empty() ? alerts[a].ra_deg : alert_ra_deg[a];
    for (std::size_t s = 0; s < series.size(); ++s)
      if (sky::in_region_at(alerts[a], ra, series[s].ra_deg, series[s].dec_deg, factor, shape))
        out.push_back(
            {static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(a), alerts[a].mjd});
  }
  return out;
}

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
      sum += level >= flare_cut ? level : 0.0; // SPEC §8 flare-level cut
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
  p.residual = r + 4 * UNIT_ROUNDOFF * (p.abs_max + k_last * p.step);
  p.regular = p.residual < 1e-3 * p.step;
  return p;
}

namespace {

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
void reset(std::vector<T>& v, std::size_t n) {
  v.resize(n);
  std::fill(v.begin(), v.end(), T{});
}

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

//! Grid units within which rounding may move the exact predicate's boundary
//! away from the real-arithmetic one; `mag` bounds |t| + |t_a| + |s| + ΔT/2.
//! The terms: evaluating t_i + s_k − t_a (≲ 3u·mag), the grid's deviation from
//! s₀ + k·step (residual) and the computation of y (≲ 6u·mag/step + u·K),
//! each taken with a factor ≥ 4 to spare, plus a floor of 1e-7.
double boundary_margin(double mag, const ShiftPlan& plan) noexcept {
  return 1e-7 + (32 * UNIT_ROUNDOFF * mag + 4 * plan.residual) * plan.inv_step +
         16 * UNIT_ROUNDOFF * (static_cast<double>(plan.size) + 4);
}

//! Per-point path for one pair on a regular grid. With y_i = (t_a − ΔT/2 −
//! s₀ − t_i)/step, point i is too early at shift k exactly when k < L_i =
//! clamp(⌊y_i⌋ + 1, 0, K) unless y_i is within `delta` of an integer; H_i
//! likewise with +ΔT/2 counts "not too late". lo_k = #{L_i > k} and
//! hi_k = #{H_i > k} follow from a histogram. A pair with a point near a
//! boundary is swept exactly instead.
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

//! All K shifts of one table pair: for k0 ≤ k < k1 the prefix sums p[lo_k] =
//! values[bl + k] and p[hi_k] = values[bh + k] (counts likewise), elsewhere
//! lo_k = hi_k, whose sums are p[n] outside and +0 inside. Adding +0.0 to a
//! sum that is never −0 changes no bit, so a mask replaces the branches at
//! k0 and k1 (which mispredict, as both vary from pair to pair) and the sums
//! stay those of add_shift(), whatever the vector width. The loop runs over
//! padded_shifts(K) lanes: the sums have room for them, the tables carry that
//! many entries of padding at both ends, and masked lanes read neighbouring
//! entries and discard them. n_in counts in doubles (exact below 2⁵³).
inline void add_pair(double* __restrict sum_in, double* __restrict sum_out, double* __restrict n_in,
                     const double* __restrict values, const std::uint16_t* __restrict counts,
                     std::size_t bl, std::size_t bh, std::size_t k0, std::size_t k1, double pn,
                     std::size_t k_n) noexcept {
#if defined(__SSE2__)
  const __m128d PN = _mm_set1_pd(pn);
  const __m128d K0 = _mm_set1_pd(static_cast<double>(k0));
  const __m128d K1 = _mm_set1_pd(static_cast<double>(k1));
  const __m128d TWO = _mm_set1_pd(2.0);
  const __m128i ZERO = _mm_setzero_si128();
  __m128d kv = _mm_set_pd(1.0, 0.0);
  for (std::size_t k = 0; k < k_n; k += 2, kv = _mm_add_pd(kv, TWO)) {
    const __m128d in = _mm_andnot_pd(_mm_cmplt_pd(kv, K0), _mm_cmplt_pd(kv, K1));
    const __m128d vl = _mm_loadu_pd(values + bl + k);
    const __m128d vh = _mm_loadu_pd(values + bh + k);
    const __m128d d_in = _mm_sub_pd(vh, vl);
    const __m128d d_out = _mm_add_pd(_mm_sub_pd(PN, vh), vl);
    std::int32_t cl = 0, ch = 0;
    std::memcpy(&cl, counts + bl + k, sizeof cl);
    std::memcpy(&ch, counts + bh + k, sizeof ch);
    const __m128i c = _mm_sub_epi16(_mm_cvtsi32_si128(ch), _mm_cvtsi32_si128(cl));
    const __m128d d_n = _mm_cvtepi32_pd(_mm_unpacklo_epi16(c, ZERO));
    _mm_storeu_pd(sum_in + k, _mm_add_pd(_mm_loadu_pd(sum_in + k), _mm_and_pd(in, d_in)));
    _mm_storeu_pd(sum_out + k, _mm_add_pd(_mm_loadu_pd(sum_out + k),
                                          _mm_or_pd(_mm_and_pd(in, d_out), _mm_andnot_pd(in, PN))));
    _mm_storeu_pd(n_in + k, _mm_add_pd(_mm_loadu_pd(n_in + k), _mm_and_pd(in, d_n)));
  }
#else
  for (std::size_t k = 0; k < k_n; ++k) {
    const bool in = k >= k0 && k < k1;
    const double vl = values[bl + k], vh = values[bh + k];
    sum_in[k] += in ? vh - vl : 0.0;
    sum_out[k] += in ? (pn - vh) + vl : pn;
    n_in[k] += in ? static_cast<double>(counts[bh + k] - counts[bl + k]) : 0.0;
  }
#endif
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NUFLARE_TEMPORAL_AVX2 1
//! add_pair() four shifts at a time (same operations per shift, no FMA, so
//! the same bits); called only where the processor has AVX2.
__attribute__((target("avx2"))) void
add_pair_avx2(double* __restrict sum_in, double* __restrict sum_out, double* __restrict n_in,
              const double* __restrict values, const std::uint16_t* __restrict counts,
              std::size_t bl, std::size_t bh, std::size_t k0, std::size_t k1, double pn,
              std::size_t k_n) noexcept {
  const __m256d PN = _mm256_set1_pd(pn);
  const __m256d K0 = _mm256_set1_pd(static_cast<double>(k0));
  const __m256d K1 = _mm256_set1_pd(static_cast<double>(k1));
  const __m256d FOUR = _mm256_set1_pd(4.0);
  __m256d kv = _mm256_set_pd(3.0, 2.0, 1.0, 0.0);
  for (std::size_t k = 0; k < k_n; k += 4, kv = _mm256_add_pd(kv, FOUR)) {
    const __m256d in =
        _mm256_andnot_pd(_mm256_cmp_pd(kv, K0, _CMP_LT_OQ), _mm256_cmp_pd(kv, K1, _CMP_LT_OQ));
    const __m256d vl = _mm256_loadu_pd(values + bl + k);
    const __m256d vh = _mm256_loadu_pd(values + bh + k);
    const __m256d d_in = _mm256_sub_pd(vh, vl);
    const __m256d d_out = _mm256_add_pd(_mm256_sub_pd(PN, vh), vl);
    const __m128i cl = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(counts + bl + k));
    const __m128i ch = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(counts + bh + k));
    const __m256d d_n = _mm256_cvtepi32_pd(_mm_cvtepu16_epi32(_mm_sub_epi16(ch, cl)));
    _mm256_storeu_pd(sum_in + k,
                     _mm256_add_pd(_mm256_loadu_pd(sum_in + k), _mm256_and_pd(in, d_in)));
    _mm256_storeu_pd(sum_out + k,
                     _mm256_add_pd(_mm256_loadu_pd(sum_out + k), _mm256_blendv_pd(PN, d_out, in)));
    _mm256_storeu_pd(n_in + k, _mm256_add_pd(_mm256_loadu_pd(n_in + k), _mm256_and_pd(in, d_n)));
  }
}
#endif

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

} // namespace

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
  ShiftSums a;
  ShiftScratch& sc = shift_scratch(k_n, n_max_, a);
  double ta_abs_max = 0;
  for (std::size_t j = 0; j < n_pairs; ++j)
    ta_abs_max = std::max(ta_abs_max, std::abs(pair_at(j).second));
  const double mag = ta_abs_max + h + plan.abs_max + mjd_abs_max_;
  const double delta = boundary_margin(mag, plan);
  const bool regular = plan.regular && plan.size == k_n && h >= 0 && std::isfinite(mag) &&
                       delta < 0.25 && k_n < (std::size_t{1} << 30);
  std::uint64_t n_all = 0;
  for (std::size_t j = 0; j < n_pairs; ++j) {
    const auto [source, ta] = pair_at(j);
    const Curve c{mjd_.data() + offset_[source], offset_[source + 1] - offset_[source],
                  prefix_.data() + offset_[source] + source};
    if (regular)
      points_pair(c, ta, shifts_days.data(), h, plan, delta, sc, a);
    else
      sweep_pair(c, ta, shifts_days.data(), h, a);
    n_all += c.n;
  }
  finish_sums(a, n_all, out);
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

ScanEngine::ScanEngine(std::span<const FlareSeries> series, std::vector<io::Alert> alerts,
                       std::vector<double> delta_t_days, std::vector<double> factors,
                       sky::RegionShape shape, double flare_cut)
    : series_(series), alerts_(std::move(alerts)), delta_t_days_(std::move(delta_t_days)),
      factors_(std::move(factors)), shape_(shape), kernel_(series, flare_cut) {
  if (delta_t_days_.empty() || factors_.empty())
    throw core::ConfigError("scan: the ΔT and factor grids must not be empty");
  for (double d : delta_t_days_)
    if (!(d > 0) || !std::isfinite(d))
      throw core::ConfigError("scan: every ΔT must be a positive number of days");
  for (double f : factors_)
    if (!(f > 0) || !std::isfinite(f))
      throw core::ConfigError("scan: every containment factor must be positive");
  by_dec_.resize(series.size());
  std::iota(by_dec_.begin(), by_dec_.end(), 0u);
  std::stable_sort(by_dec_.begin(), by_dec_.end(), [&](std::uint32_t a, std::uint32_t b) {
    return series[a].dec_deg < series[b].dec_deg;
  });
  dec_sorted_.resize(series.size());
  for (std::size_t i = 0; i < by_dec_.size(); ++i)
    dec_sorted_[i] = series[by_dec_[i]].dec_deg;
}

std::vector<Pair> ScanEngine::pairs(std::size_t i_factor,
                                    std::span<const double> alert_ra_deg) const {
  std::vector<Pair> out;
  std::vector<std::vector<std::uint32_t>> members(1);
  const double f[1] = {factors_.at(i_factor)};
  for (std::size_t a = 0; a < alerts_.size(); ++a) {
    const double ra = alert_ra_deg.empty() ? alerts_[a].ra_deg : alert_ra_deg[a];
    region_members(series_, by_dec_, dec_sorted_, alerts_[a], ra, f, shape_, members);
    for (auto s : members[0])
      out.push_back({s, static_cast<std::uint32_t>(a), alerts_[a].mjd});
  }
  return out;
}

void ScanEngine::evaluate(std::span<const double> alert_ra_deg, std::span<double> r0,
                          std::span<std::int64_t> n_pairs) const {
  const std::size_t n_f = factors_.size();
  std::vector<std::vector<Pair>> pairs(n_f);
  std::vector<std::vector<std::uint32_t>> members(n_f);
  for (std::size_t a = 0; a < alerts_.size(); ++a) {
    const double ra = alert_ra_deg.empty() ? alerts_[a].ra_deg : alert_ra_deg[a];
    region_members(series_, by_dec_, dec_sorted_, alerts_[a], ra, factors_, shape_, members);
    for (std::size_t f = 0; f < n_f; ++f)
      for (auto s : members[f])
        pairs[f].push_back({s, static_cast<std::uint32_t>(a), alerts_[a].mjd});
  }
  for (std::size_t d = 0; d < delta_t_days_.size(); ++d)
    for (std::size_t f = 0; f < n_f; ++f) {
      r0[d * n_f + f] = kernel_.r(pairs[f], 0.0, delta_t_days_[d]);
      n_pairs[d * n_f + f] = static_cast<std::int64_t>(pairs[f].size());
    }
}

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
  bool avx2 = false;                 //!< add_pair_avx2 may run

  //! Budgets: a source's table ≤ 2¹⁶ entries, all tables ≤ 2²² entries
  //! (10 bytes each: 40 MiB), pool × alerts ≤ 2²¹ pairs (24 bytes: 48 MiB).
  static constexpr std::size_t MAX_SOURCE_ENTRIES = std::size_t{1} << 16;
  static constexpr std::size_t MAX_TOTAL_ENTRIES = std::size_t{1} << 22;
  static constexpr std::size_t MAX_PAIRS = std::size_t{1} << 21;
};

ControlEngine::ControlEngine(std::span<const FlareSeries> series, std::vector<std::uint32_t> pool,
                             std::vector<double> alert_mjd, std::vector<double> shifts_days,
                             double delta_t_days, double flare_cut)
    : pool_(std::move(pool)), alert_mjd_(std::move(alert_mjd)), shifts_(std::move(shifts_days)),
      plan_(ShiftPlan::of(shifts_)), delta_t_days_(delta_t_days), kernel_(series, flare_cut) {
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
#if defined(NUFLARE_TEMPORAL_AVX2)
  // NUFLARE_NO_AVX2 (any value) keeps the SSE2 loop, for testing it here.
  tb->avx2 = __builtin_cpu_supports("avx2") && std::getenv("NUFLARE_NO_AVX2") == nullptr;
#endif
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
#if defined(NUFLARE_TEMPORAL_AVX2)
    if (tb.avx2) {
      add_pair_avx2(a.sum_in, a.sum_out, n_in_d, values, counts, w.lo - w.k_begin, w.hi - w.k_begin,
                    w.k_begin, w.k_begin + w.len, w.pn, k_n);
      continue;
    }
#endif
    add_pair(a.sum_in, a.sum_out, n_in_d, values, counts, w.lo - w.k_begin, w.hi - w.k_begin,
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

std::vector<std::uint32_t> outside_all_regions(std::span<const FlareSeries> series,
                                               std::span<const io::Alert> alerts, double factor,
                                               sky::RegionShape shape) {
  std::vector<std::uint32_t> out;
  for (std::size_t s = 0; s < series.size(); ++s)
    if (!sky::in_any_region(alerts, series[s].ra_deg, series[s].dec_deg, factor, shape))
      out.push_back(static_cast<std::uint32_t>(s));
  return out;
}

std::size_t distinct_sources(std::span<const Pair> pairs) {
  std::unordered_set<std::uint32_t> seen;
  for (const auto& p : pairs)
    seen.insert(p.source);
  return seen.size();
}

} // namespace nuflare::coincidence
