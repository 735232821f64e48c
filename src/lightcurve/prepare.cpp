#include "nuflare/lightcurve/prepare.hpp"

#include "nuflare/core/error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <numeric>

namespace nuflare::lightcurve {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i])
      return false;
  return true;
}

struct Point {
  double t, f, e;
};

//! Blazar paper §3.3 for Fermi likelihood light curves: TS <= ts_min or
//! |photon index| > max_photon_index (LCR exports sign the index, -2.2).
bool fermi_upper_limit(const io::LightCurve& lc, std::size_t i, const PrepareOptions& o) {
  const bool low_ts = i < lc.ts.size() && std::isfinite(lc.ts[i]) && lc.ts[i] <= o.ts_min;
  const bool steep = i < lc.photon_index.size() && std::isfinite(lc.photon_index[i]) &&
                     std::abs(lc.photon_index[i]) > o.max_photon_index;
  return low_ts || steep;
}

void validate(const io::LightCurve& lc) {
  const std::string where = "light curve " + lc.source + "/" + lc.band;
  const std::size_t n = lc.mjd.size();
  if (lc.flux.size() != n || lc.flux_err.size() != n ||
      (!lc.upper_limit.empty() && lc.upper_limit.size() != n))
    throw core::InputError(where, 0, "", "columns have different lengths");
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(lc.mjd[i]))
      throw core::InputError(where, i + 1, "mjd", "not finite");
    if (!std::isfinite(lc.flux[i]))
      throw core::InputError(where, i + 1, "flux", "not finite");
    if (!std::isfinite(lc.flux_err[i]) || lc.flux_err[i] < 0)
      throw core::InputError(where, i + 1, "flux_err", "not a finite non-negative number");
  }
}

//! Mean of f and error sqrt(Σσ²)/n over `g`, with iterative clipping (blazar paper §3.3).
Point merge_group(std::vector<Point> g, const PrepareOptions& o, std::size_t& n_clipped) {
  while (o.clip && g.size() >= 3) {
    const double n = static_cast<double>(g.size());
    double mean = 0;
    for (const auto& p : g)
      mean += p.f;
    mean /= n;
    double ss = 0;
    for (const auto& p : g)
      ss += (p.f - mean) * (p.f - mean);
    const double sd = std::sqrt(ss / (n - 1));
    const auto keep_end = std::stable_partition(g.begin(), g.end(), [&](const Point& p) {
      return !(std::abs(p.f - mean) > o.clip_sigma * sd);
    });
    const auto removed = static_cast<std::size_t>(g.end() - keep_end);
    if (removed == 0 ||
        keep_end == g.begin()) // nothing to clip, or a clip_sigma that would empty the group
      break;
    n_clipped += removed;
    g.erase(keep_end, g.end());
  }
  Point m{0, 0, 0};
  for (const auto& p : g) {
    m.t += p.t;
    m.f += p.f;
    m.e += p.e * p.e;
  }
  const double n = static_cast<double>(g.size());
  return {m.t / n, m.f / n, std::sqrt(m.e) / n};
}

} // namespace

bool is_infrared_band(std::string_view band) noexcept {
  return starts_with(band, "wise") || starts_with(band, "neowise") || starts_with(band, "ir");
}

bool is_millimetre_band(std::string_view band) noexcept {
  return starts_with(band, "alma") || starts_with(band, "acc") || starts_with(band, "mm");
}

PrepareOptions default_prepare_options(std::string_view band) {
  PrepareOptions o;
  if (is_infrared_band(band)) {
    o.snr_cut = true;
    o.merge_visits = true;
    o.fill_gap = true;
  } else if (is_millimetre_band(band)) {
    o.merge_visits = true;
  } else if (starts_with(band, "fermi")) {
    o.err_ge_flux_is_upper_limit = true;
    o.ts_index_rule = true;
  }
  return o;
}

PrepareOptions PrepareSettings::for_band(std::string_view band) const {
  const auto resolve = [](Switch s, bool band_default) {
    return s == Switch::automatic ? band_default : s == Switch::on;
  };
  auto o = default_prepare_options(band);
  o.handle_upper_limits = upper_limits != UpperLimitMode::keep;
  if (upper_limits == UpperLimitMode::drop)
    o.upper_limit_policy = UpperLimitPolicy::drop;
  o.ul_flux = ul_flux.value_or(PAPER_UL_FLUX);
  o.ul_flux_unit = ul_flux_unit;
  o.drop_unmatched_upper_limits = !ul_flux;
  o.ts_min = fermi_ts_min;
  o.max_photon_index = fermi_max_index;
  o.snr_cut = resolve(snr_cut, o.snr_cut);
  o.min_snr = min_snr;
  o.merge_visits = resolve(merge, o.merge_visits);
  o.merge_window_days = merge_window_days;
  o.clip = clip;
  o.clip_sigma = clip_sigma;
  o.fill_gap = resolve(gap_fill, o.fill_gap);
  o.min_points = std::max<std::size_t>(3, min_points);
  return o;
}

namespace {

//! The upper limits of `lc` that step 1 handles.
bool is_upper_limit(const io::LightCurve& lc, std::size_t i, const PrepareOptions& o) {
  return (!lc.upper_limit.empty() && lc.upper_limit[i] != 0) ||
         (o.err_ge_flux_is_upper_limit && lc.flux_err[i] >= lc.flux[i]) ||
         (o.ts_index_rule && fermi_upper_limit(lc, i, o));
}

//! True when ul_flux would go into a curve in another unit.
bool unit_mismatch(const io::LightCurve& lc, const PrepareOptions& o) {
  return o.handle_upper_limits && o.upper_limit_policy == UpperLimitPolicy::replace &&
         !o.ul_flux_unit.empty() && !lc.flux_unit.empty() && lc.flux_unit != o.ul_flux_unit;
}

} // namespace

namespace {
//! The shortest text that reads back as `v` (io::format_number without the
//! table code, which would tie this module, and Python, to the archive's MPI).
std::string shortest(double v) {
  std::array<char, 32> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), r.ptr);
}
} // namespace

void check_ul_unit(const io::LightCurve& lc, const PrepareOptions& o) {
  if (!unit_mismatch(lc, o) || o.drop_unmatched_upper_limits)
    return;
  for (std::size_t i = 0; i < lc.size(); ++i)
    if (is_upper_limit(lc, i, o))
      throw core::FieldError("ul_flux", "band " + lc.band + " of source " + lc.source + " is in " +
                                            lc.flux_unit + ", ul_flux = " + shortest(o.ul_flux) +
                                            " is in " + o.ul_flux_unit + ": give ul_flux in " +
                                            lc.flux_unit +
                                            " with ul_flux_unit, or upper_limits = drop");
}

PreparedCurve prepare(const io::LightCurve& input, const PrepareOptions& options) {
  validate(input);
  check_ul_unit(input, options);
  // The paper's replacement flux is an energy flux: a curve in another unit
  // has its upper limits dropped rather than filled with a foreign number.
  PrepareOptions o = options;
  const bool unmatched = unit_mismatch(input, o);
  if (unmatched)
    o.upper_limit_policy = UpperLimitPolicy::drop;
  PreparedCurve out;
  out.curve.flux_unit = input.flux_unit;
  out.n_input = input.size();
  out.curve.source = input.source;
  out.curve.band = input.band;

  std::vector<Point> pts;
  pts.reserve(input.size());
  for (std::size_t i = 0; i < input.size(); ++i) {
    Point p{input.mjd[i], input.flux[i], input.flux_err[i]};
    // 1. upper limits
    const bool ul = is_upper_limit(input, i, o);
    if (o.handle_upper_limits && ul) {
      ++out.n_upper_limits;
      if (o.upper_limit_policy == UpperLimitPolicy::drop)
        continue;
      p.f = o.ul_flux;
      p.e = o.ul_flux;
    }
    // 2. S/N cut: flux / flux_err <= min_snr is dropped
    if (o.snr_cut && !(p.e > 0 ? p.f / p.e > o.min_snr : p.f > 0)) {
      ++out.n_low_snr;
      continue;
    }
    pts.push_back(p);
  }
  if (out.n_upper_limits > 0)
    out.notes.push_back(
        std::to_string(out.n_upper_limits) + " upper limits " +
        (o.upper_limit_policy == UpperLimitPolicy::drop ? "dropped" : "replaced") +
        (unmatched ? " (the curve is in " + input.flux_unit + ", ul_flux in " + o.ul_flux_unit + ")"
                   : std::string()));
  if (out.n_low_snr > 0)
    out.notes.push_back(std::to_string(out.n_low_snr) +
                        " points with S/N <= " + std::to_string(o.min_snr) + " dropped");

  std::stable_sort(pts.begin(), pts.end(),
                   [](const Point& a, const Point& b) { return a.t < b.t; });

  // 3. visit merging: a group starts at a point and takes every following point
  // closer than merge_window_days to that first point.
  if (o.merge_visits) {
    std::vector<Point> merged;
    for (std::size_t i = 0; i < pts.size();) {
      std::size_t j = i + 1;
      while (j < pts.size() && pts[j].t - pts[i].t < o.merge_window_days)
        ++j;
      merged.push_back(merge_group({pts.begin() + static_cast<std::ptrdiff_t>(i),
                                    pts.begin() + static_cast<std::ptrdiff_t>(j)},
                                   o, out.n_clipped));
      i = j;
    }
    out.n_groups = merged.size();
    out.notes.push_back(std::to_string(pts.size()) + " points merged into " +
                        std::to_string(merged.size()) + " visits (" +
                        std::to_string(out.n_clipped) + " clipped)");
    pts = std::move(merged);
  }

  // 4. survey-gap filling
  std::vector<std::uint8_t> artificial(pts.size(), 0);
  if (o.fill_gap && !pts.empty()) {
    bool inside = false, before = false, after = false;
    double mean_f = 0, mean_e = 0;
    for (const auto& p : pts) {
      inside |= p.t >= o.gap_start_mjd && p.t <= o.gap_end_mjd;
      before |= p.t < o.gap_start_mjd;
      after |= p.t > o.gap_end_mjd;
      mean_f += p.f;
      mean_e += p.e;
    }
    mean_f /= static_cast<double>(pts.size());
    mean_e /= static_cast<double>(pts.size());
    if (!inside && before && after) {
      const auto at =
          std::find_if(pts.begin(), pts.end(), [&](const Point& p) { return p.t > o.gap_end_mjd; });
      const auto pos = at - pts.begin();
      pts.insert(at, {Point{o.gap_start_mjd + o.gap_offset_days, mean_f, mean_e},
                      Point{o.gap_end_mjd - o.gap_offset_days, mean_f, mean_e}});
      artificial.insert(artificial.begin() + pos, {1, 1});
      out.gap_filled = true;
      out.notes.push_back("survey gap filled with 2 artificial points");
    }
  }

  out.curve.mjd.reserve(pts.size());
  for (const auto& p : pts) {
    out.curve.mjd.push_back(p.t);
    out.curve.flux.push_back(p.f);
    out.curve.flux_err.push_back(p.e);
  }
  out.curve.upper_limit.assign(pts.size(), 0);
  out.artificial = std::move(artificial);

  // 5. too short
  if (pts.size() < o.min_points) {
    out.too_short = true;
    out.notes.push_back("too short: " + std::to_string(pts.size()) + " points left");
  }
  return out;
}

} // namespace nuflare::lightcurve
