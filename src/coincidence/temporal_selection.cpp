// Selection, flare series, shift grid and pairs of the time test (blazar
// paper §4.1, §5): temporal_selection.hpp.
#include "nuflare/coincidence/temporal_selection.hpp"

#include "nuflare/lightcurve/flares.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/sky/coordinates.hpp"

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
      // Upper limits carry no flare level: dropped (docs/methods.md, "Preparation").
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
    // The quiescent flux F_q of the light-curve engine (docs/methods.md, "Flare levels").
    const double fq = flux.empty() ? NaN : lightcurve::quiescent_flux(flux);
    if (!(std::isfinite(fq) && fq > 0)) {
      ++rep.bad_quiescent;
      continue;
    }
    s.level.resize(flux.size());
    for (std::size_t j = 0; j < flux.size(); ++j)
      s.level[j] = flux[j] / fq; // flare level = flux / F_q
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
  // Every integer k with |k · step| <= max, found exactly.
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
