// Spatial coincidence count (SPEC §7; blazar paper §6.3, Table 6, Table 2).
#include "nuflare/coincidence/spatial.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/sky/coordinates.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace nuflare::coincidence {

namespace {

__extension__ typedef __int128 Int128; // exact sums of squared counts

// Radius classes: class k holds circles with radius in (R0·2^(k-1), R0·2^k].
// A source's search box is sized by its class's largest circle, so the box is
// at most ~4× the circle area instead of being set by the widest event.
constexpr double CLASS_R0_DEG = 0.25;
constexpr double MIN_BAND_HEIGHT_DEG = 0.1;
// Widening of every search window, far above the rounding of the dot product
// (~1e-6° at 0.2°) so that the window never cuts off an event the exact test
// would accept.
constexpr double WINDOW_MARGIN_DEG = 1e-5;

std::size_t radius_class(double radius_deg) {
  std::size_t k = 0;
  for (double edge = CLASS_R0_DEG; radius_deg > edge && k < 40; edge *= 2)
    ++k;
  return k;
}

std::uint32_t band_of(double dec_deg, double height_deg, std::uint32_t n_bands) {
  const double b = std::floor((dec_deg + 90.0) / height_deg);
  if (!(b > 0))
    return 0;
  return std::min(static_cast<std::uint32_t>(b), n_bands - 1);
}

//! RA cell of a right ascension (or of a window edge; edges outside [0, 360)
//! fall into the first or last cell).
inline std::uint32_t cell_of(double ra_deg, const SpatialIndex::RadiusClass& rc) {
  const double c = std::floor(ra_deg * rc.cells_per_deg);
  if (!(c > 0))
    return 0;
  return std::min(static_cast<std::uint32_t>(c), rc.n_cells - 1);
}

} // namespace

std::vector<double> energy_thresholds(const SpatialConfig& c) {
  if (!(c.log10e_step > 0) || !std::isfinite(c.log10e_step))
    throw core::ConfigError("--log10e-step must be > 0");
  if (!std::isfinite(c.log10e_min) || !std::isfinite(c.log10e_max) || c.log10e_max < c.log10e_min)
    throw core::ConfigError("--log10e-max must be ≥ --log10e-min");
  const double span = (c.log10e_max - c.log10e_min) / c.log10e_step;
  if (span > 1000)
    throw core::ConfigError("more than 1000 energy thresholds; raise --log10e-step");
  const auto n = static_cast<std::size_t>(std::floor(span + 1e-9)) + 1;
  std::vector<double> t(n);
  for (std::size_t i = 0; i < n; ++i)
    t[i] = std::round((c.log10e_min + static_cast<double>(i) * c.log10e_step) * 1e9) / 1e9;
  return t;
}

SpatialIndex::SpatialIndex(const io::EventSample& events, const SpatialConfig& config)
    : thresholds_(energy_thresholds(config)) {
  if (!(config.max_angerr_deg > 0))
    throw core::ConfigError("--max-angerr must be > 0");
  if (!(config.angerr_scale > 0) || !std::isfinite(config.angerr_scale))
    throw core::ConfigError("--angerr-scale must be > 0");
  const std::size_t n_thr = thresholds_.size();
  events_above_.assign(n_thr, 0);

  // Selection (SPEC §7) and per-event threshold bin and radius class.
  struct Selected {
    std::size_t event;
    std::uint16_t bin;
    double radius_deg;
    std::size_t cls;
  };
  std::vector<Selected> selected;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const double e = events.log10_e[i], err = events.angerr_deg[i];
    if (!std::isfinite(e) || !std::isfinite(err) || !(err <= config.max_angerr_deg) ||
        e < thresholds_.front())
      continue;
    const auto bin = static_cast<std::uint16_t>(
        std::upper_bound(thresholds_.begin(), thresholds_.end(), e) - thresholds_.begin() - 1);
    const double radius = std::min(config.angerr_scale * err, 180.0);
    selected.push_back({i, bin, radius, radius_class(radius)});
  }
  n_selected_ = selected.size();
  for (const auto& s : selected)
    ++events_above_[s.bin];
  for (std::size_t k = n_thr - 1; k-- > 0;)
    events_above_[k] += events_above_[k + 1];

  std::size_t n_classes = 0;
  for (const auto& s : selected)
    n_classes = std::max(n_classes, s.cls + 1);
  std::vector<std::vector<std::size_t>> members(n_classes);
  for (std::size_t j = 0; j < selected.size(); ++j)
    members[selected[j].cls].push_back(j);

  for (auto& m : members) {
    if (m.empty())
      continue;
    RadiusClass rc;
    for (std::size_t j : m)
      rc.max_radius_deg = std::max(rc.max_radius_deg, selected[j].radius_deg);
    rc.band_height_deg = std::max(rc.max_radius_deg, MIN_BAND_HEIGHT_DEG);
    const auto n_bands = static_cast<std::uint32_t>(std::ceil(180.0 / rc.band_height_deg));
    // Order: band, then RA (ties by event number, so the layout is unique).
    std::vector<std::pair<std::uint32_t, std::size_t>> order;
    order.reserve(m.size());
    for (std::size_t j : m)
      order.emplace_back(band_of(events.dec_deg[selected[j].event], rc.band_height_deg, n_bands),
                         j);
    std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first)
        return a.first < b.first;
      const double ra_a = events.ra_deg[selected[a.second].event];
      const double ra_b = events.ra_deg[selected[b.second].event];
      return ra_a != ra_b ? ra_a < ra_b : a.second < b.second;
    });
    rc.band_offset.assign(n_bands + 1, 0);
    for (const auto& [band, j] : order) {
      const Selected& s = selected[j];
      const double ra = events.ra_deg[s.event], dec = events.dec_deg[s.event];
      const auto u = sky::unit_vector(ra, dec);
      ++rc.band_offset[band + 1];
      rc.ra_deg.push_back(ra);
      rc.x.push_back(u.x);
      rc.y.push_back(u.y);
      rc.z.push_back(u.z);
      rc.cos_radius.push_back(std::cos(s.radius_deg * sky::DEG));
      rc.id.push_back(static_cast<std::uint32_t>(j));
      rc.bin.push_back(s.bin);
    }
    std::partial_sum(rc.band_offset.begin(), rc.band_offset.end(), rc.band_offset.begin());
    // About four events per RA cell on average.
    rc.n_cells = static_cast<std::uint32_t>(
        std::clamp<std::size_t>(m.size() / (4 * std::size_t{n_bands}), 1, 4096));
    rc.cells_per_deg = rc.n_cells / 360.0;
    rc.cell_start.resize(std::size_t{n_bands} * (rc.n_cells + 1));
    for (std::uint32_t b = 0; b < n_bands; ++b) {
      std::uint32_t* cs = &rc.cell_start[std::size_t{b} * (rc.n_cells + 1)];
      std::uint32_t i = rc.band_offset[b];
      for (std::uint32_t c = 0; c <= rc.n_cells; ++c) {
        while (i < rc.band_offset[b + 1] && cell_of(rc.ra_deg[i], rc) < c)
          ++i;
        cs[c] = i;
      }
    }
    classes_.push_back(std::move(rc));
  }
}

SpatialCounter::SpatialCounter(const SpatialIndex& index, std::span<const double> dec_deg)
    : index_(&index), stamp_(index.n_selected(), 0), histogram_(index.n_thresholds(), 0) {
  const auto& classes = index.classes();
  std::size_t base = 0;
  for (const auto& rc : classes) {
    class_base_.push_back(base);
    base += rc.ra_deg.size();
  }
  sin_dec_.reserve(dec_deg.size());
  cos_dec_.reserve(dec_deg.size());
  windows_.reserve(dec_deg.size() * classes.size());
  for (double dec : dec_deg) {
    sin_dec_.push_back(std::sin(dec * sky::DEG));
    cos_dec_.push_back(std::cos(dec * sky::DEG));
    for (const auto& rc : classes) {
      const double r = rc.max_radius_deg + WINDOW_MARGIN_DEG;
      const auto n_bands = static_cast<std::uint32_t>(rc.band_offset.size() - 1);
      Window w;
      w.band_begin = band_of(std::max(dec - r, -90.0), rc.band_height_deg, n_bands);
      w.band_end = band_of(std::min(dec + r, 90.0), rc.band_height_deg, n_bands) + 1;
      // RA extent of a small circle of radius r around Dec δ: asin(sin r / cos δ);
      // a circle reaching a pole covers every RA.
      const double s = std::sin(r * sky::DEG) / std::cos(dec * sky::DEG);
      w.half_width_ra_deg = (std::abs(dec) + r >= 90.0 || !(s < 1.0))
                                ? 360.0
                                : std::asin(s) / sky::DEG + WINDOW_MARGIN_DEG;
      windows_.push_back(w);
    }
  }
}

void SpatialCounter::count(std::span<const double> ra_deg, std::span<std::int64_t> n_obs) {
  const auto& classes = index_->classes();
  const std::size_t n_src = sin_dec_.size(), n_cls = classes.size();
  if (ra_deg.size() != n_src || n_obs.size() != histogram_.size())
    throw core::ConfigError("SpatialCounter::count: size mismatch");
  if (++token_ == 0) { // stamps wrapped: start afresh
    std::fill(stamp_.begin(), stamp_.end(), 0);
    token_ = 1;
  }
  std::fill(histogram_.begin(), histogram_.end(), 0);
  const std::uint32_t token = token_;
  std::uint32_t* stamp = stamp_.data();
  std::int64_t* hist = histogram_.data();

  for (std::size_t s = 0; s < n_src; ++s) {
    const double ra = ra_deg[s];
    const double sx = cos_dec_[s] * std::cos(ra * sky::DEG);
    const double sy = cos_dec_[s] * std::sin(ra * sky::DEG);
    const double sz = sin_dec_[s];
    for (std::size_t c = 0; c < n_cls; ++c) {
      const auto& rc = classes[c];
      const Window& w = windows_[s * n_cls + c];
      // Up to two RA intervals (the window may wrap at 0/360).
      double lo[2], hi[2];
      int n_iv = 1;
      if (w.half_width_ra_deg >= 180.0) {
        lo[0] = -1.0;
        hi[0] = 361.0;
      } else {
        const double a = ra - w.half_width_ra_deg, b = ra + w.half_width_ra_deg;
        if (a < 0) {
          lo[0] = 0;
          hi[0] = b;
          lo[1] = a + 360.0;
          hi[1] = 361.0;
          n_iv = 2;
        } else if (b >= 360.0) {
          lo[0] = a;
          hi[0] = 361.0;
          lo[1] = -1.0;
          hi[1] = b - 360.0;
          n_iv = 2;
        } else {
          lo[0] = a;
          hi[0] = b;
        }
      }
      const double* ras = rc.ra_deg.data();
      const double* ex = rc.x.data();
      const double* ey = rc.y.data();
      const double* ez = rc.z.data();
      const double* cr = rc.cos_radius.data();
      // Each selected event sits in exactly one class entry, so the entry's
      // position names its stamp: the stamps are read in storage order.
      std::uint32_t* class_stamp = stamp + class_base_[c];
      std::uint32_t c_lo[2], c_hi[2];
      for (int iv = 0; iv < n_iv; ++iv) {
        c_lo[iv] = cell_of(lo[iv], rc);
        c_hi[iv] = cell_of(hi[iv], rc);
      }
      for (std::uint32_t b = w.band_begin; b < w.band_end; ++b) {
        if (rc.band_offset[b] == rc.band_offset[b + 1])
          continue;
        const std::uint32_t* cs = &rc.cell_start[std::size_t{b} * (rc.n_cells + 1)];
        for (int iv = 0; iv < n_iv; ++iv) {
          // The window edges lie in known cells: binary search only there.
          const auto i0 = static_cast<std::size_t>(
              std::lower_bound(ras + cs[c_lo[iv]], ras + cs[c_lo[iv] + 1], lo[iv]) - ras);
          const auto i1 = static_cast<std::size_t>(
              std::upper_bound(ras + cs[c_hi[iv]], ras + cs[c_hi[iv] + 1], hi[iv]) - ras);
          for (std::size_t i = i0; i < i1; ++i) {
            if (sx * ex[i] + sy * ey[i] + sz * ez[i] >= cr[i]) {
              if (class_stamp[i] != token) {
                class_stamp[i] = token;
                ++hist[rc.bin[i]];
              }
            }
          }
        }
      }
    }
  }
  // Cumulative from the top: an event above threshold k is above every lower one.
  std::int64_t running = 0;
  for (std::size_t k = histogram_.size(); k-- > 0;) {
    running += hist[k];
    n_obs[k] = running;
  }
}

std::vector<std::int64_t> count_near_sources(const SpatialIndex& index,
                                             std::span<const double> ra_deg,
                                             std::span<const double> dec_deg) {
  SpatialCounter counter(index, dec_deg);
  std::vector<std::int64_t> out(index.n_thresholds());
  counter.count(ra_deg, out);
  return out;
}

std::vector<std::int64_t> count_near_sources_brute_force(const io::EventSample& events,
                                                         const SpatialConfig& config,
                                                         std::span<const double> ra_deg,
                                                         std::span<const double> dec_deg) {
  const auto t = energy_thresholds(config);
  std::vector<std::int64_t> out(t.size(), 0);
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (!(events.angerr_deg[i] <= config.max_angerr_deg))
      continue;
    const double radius = config.angerr_scale * events.angerr_deg[i];
    bool hit = false;
    for (std::size_t s = 0; s < ra_deg.size() && !hit; ++s)
      hit = sky::angular_distance_deg(events.ra_deg[i], events.dec_deg[i], ra_deg[s], dec_deg[s]) <=
            radius;
    if (!hit)
      continue;
    for (std::size_t k = 0; k < t.size(); ++k)
      if (events.log10_e[i] >= t[k])
        ++out[k];
  }
  return out;
}

std::vector<TrialSummary> summarize_trials(std::span<const std::int64_t> trials,
                                           std::span<const std::int64_t> n_observed) {
  const std::size_t n_thr = n_observed.size();
  if (n_thr == 0 || trials.size() % n_thr != 0)
    throw core::ConfigError("summarize_trials: trial table is not [n_trials × n_thresholds]");
  const std::size_t n = trials.size() / n_thr;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<TrialSummary> out(n_thr);
  std::vector<std::int64_t> column(n);
  for (std::size_t k = 0; k < n_thr; ++k) {
    TrialSummary& s = out[k];
    s.n_observed = n_observed[k];
    Int128 sum = 0, sum_sq = 0;
    std::int64_t m = 0;
    for (std::size_t g = 0; g < n; ++g) {
      const std::int64_t c = trials[g * n_thr + k];
      column[g] = c;
      sum += c;
      sum_sq += static_cast<Int128>(c) * c;
      m += c >= n_observed[k] ? 1 : 0;
    }
    s.n_at_least = m;
    s.p_value = static_cast<double>(m + 1) / static_cast<double>(n + 1);
    if (n == 0) {
      s.n_expected = s.sigma = s.p16 = s.p84 = s.excess = nan;
      continue;
    }
    // Exact integer moments: the mean and variance are the same whatever the
    // order the trials were computed in.
    s.n_expected = static_cast<double>(sum) / static_cast<double>(n);
    const Int128 num = static_cast<Int128>(n) * sum_sq - sum * sum; // n²·var·(n−1)/n
    s.sigma = n > 1 ? std::sqrt(static_cast<double>(num) /
                                (static_cast<double>(n) * static_cast<double>(n - 1)))
                    : nan;
    s.excess = static_cast<double>(s.n_observed) - s.n_expected;
    std::sort(column.begin(), column.end());
    // Percentiles by linear interpolation between order statistics (numpy's default).
    const auto percentile = [&](double q) {
      const double pos = q * static_cast<double>(n - 1);
      const auto i = static_cast<std::size_t>(std::floor(pos));
      const double f = pos - static_cast<double>(i);
      const auto a = static_cast<double>(column[i]);
      return i + 1 < n ? a + f * (static_cast<double>(column[i + 1]) - a) : a;
    };
    s.p16 = percentile(0.16);
    s.p84 = percentile(0.84);
  }
  return out;
}

PotentialSources count_potential_sources(const io::SourceCatalog& catalog,
                                         std::span<const std::size_t> members,
                                         std::span<const io::Alert> alerts, double factor,
                                         sky::RegionShape shape) {
  std::vector<io::Alert> live;
  for (const auto& a : alerts)
    if (!a.retracted)
      live.push_back(a);
  PotentialSources out;
  for (std::size_t i : members) {
    ++out.n_sources;
    const bool region =
        sky::in_any_region(live, catalog.ra_deg[i], catalog.dec_deg[i], factor, shape);
    const bool warm = i < catalog.warm_spot.size() && catalog.warm_spot[i] != 0;
    out.n_in_alert_region += region ? 1 : 0;
    out.n_warm_spot += warm ? 1 : 0;
    out.n_potential += (region || warm) ? 1 : 0;
  }
  return out;
}

} // namespace nuflare::coincidence
