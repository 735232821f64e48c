// R(t) around alert times for one trial (blazar paper §5, eq. 1; SPEC §8).
#include "nuflare/coincidence/temporal.hpp"

#include "nuflare/lightcurve/flares.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/sky/coordinates.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace nuflare::coincidence {

namespace {
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
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
    double sum = 0;
    prefix_.push_back(0);
    for (double level : s.level) {
      sum += level >= flare_cut ? level : 0.0; // SPEC §8 flare-level cut
      prefix_.push_back(sum);
    }
  }
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

void RKernel::r_shifts(std::span<const Pair> pairs, std::span<const double> shifts_days,
                       double delta_t_days, std::span<double> out) const {
  const std::size_t k_n = shifts_days.size();
  const double h = delta_t_days / 2;
  std::vector<WindowSums> acc(k_n);
  for (const auto& pr : pairs) {
    const double* t = mjd_.data() + offset_[pr.source];
    const std::size_t n = offset_[pr.source + 1] - offset_[pr.source];
    const double* p = prefix_.data() + offset_[pr.source] + pr.source;
    const double ta = pr.alert_mjd;
    // Two-pointer sweep from the largest shift down: both window bounds only
    // move forward, so a pair costs O(n + K) instead of O(K log n).
    std::size_t lo = 0, hi = 0;
    for (std::size_t k = k_n; k-- > 0;) {
      const double s = shifts_days[k];
      while (lo < n && t[lo] + s - ta < -h)
        ++lo;
      if (hi < lo)
        hi = lo;
      while (hi < n && t[hi] + s - ta <= h)
        ++hi;
      WindowSums& a = acc[k];
      a.n_in += hi - lo;
      a.n_out += n - (hi - lo);
      a.sum_in += p[hi] - p[lo];
      a.sum_out += (p[n] - p[hi]) + p[lo];
    }
  }
  for (std::size_t k = 0; k < k_n; ++k)
    out[k] = acc[k].ratio();
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

ControlEngine::ControlEngine(std::span<const FlareSeries> series, std::vector<std::uint32_t> pool,
                             std::vector<double> alert_mjd, std::vector<double> shifts_days,
                             double delta_t_days, double flare_cut)
    : pool_(std::move(pool)), alert_mjd_(std::move(alert_mjd)), shifts_(std::move(shifts_days)),
      delta_t_days_(delta_t_days), kernel_(series, flare_cut) {
  if (!std::is_sorted(shifts_.begin(), shifts_.end()))
    throw core::ConfigError("control trials: the shift grid must be ascending");
  if (!(delta_t_days_ > 0))
    throw core::ConfigError("control trials: ΔT must be a positive number of days");
}

void ControlEngine::evaluate(std::span<const std::uint32_t> drawn_pool,
                             std::span<const std::uint32_t> drawn_alert,
                             std::span<double> out) const {
  std::vector<Pair> pairs(drawn_pool.size());
  for (std::size_t j = 0; j < drawn_pool.size(); ++j)
    pairs[j] = {pool_[drawn_pool[j]], drawn_alert[j], alert_mjd_[drawn_alert[j]]};
  kernel_.r_shifts(pairs, shifts_, delta_t_days_, out);
}

void ControlEngine::evaluate_pairs(std::span<const Pair> pairs, std::span<double> out) const {
  kernel_.r_shifts(pairs, shifts_, delta_t_days_, out);
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
