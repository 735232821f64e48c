// The ΔT × containment-factor scan (blazar paper §5.1.1, Fig. 3):
// temporal_scan.hpp.
#include "nuflare/coincidence/temporal_scan.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/sky/coordinates.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nuflare::coincidence {

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

ScanEngine::ScanEngine(std::span<const FlareSeries> series, std::vector<io::Alert> alerts,
                       std::vector<double> delta_t_days, std::vector<double> factors,
                       sky::RegionShape shape, double flare_cut)
    : ScanEngine(series, std::move(alerts), std::move(delta_t_days), std::move(factors), shape,
                 std::vector<double>{flare_cut}) {}

ScanEngine::ScanEngine(std::span<const FlareSeries> series, std::vector<io::Alert> alerts,
                       std::vector<double> delta_t_days, std::vector<double> factors,
                       sky::RegionShape shape, const std::vector<double>& flare_cuts)
    : series_(series), alerts_(std::move(alerts)), delta_t_days_(std::move(delta_t_days)),
      factors_(std::move(factors)), shape_(shape) {
  if (flare_cuts.empty())
    throw core::ConfigError("scan: no flare cut");
  for (double c : flare_cuts)
    kernels_.emplace_back(series, c);
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
  const std::size_t n_d = delta_t_days_.size();
  for (std::size_t c = 0; c < kernels_.size(); ++c)
    for (std::size_t d = 0; d < n_d; ++d)
      for (std::size_t f = 0; f < n_f; ++f) {
        const std::size_t k = (c * n_d + d) * n_f + f;
        r0[k] = kernels_[c].r(pairs[f], 0.0, delta_t_days_[d]);
        n_pairs[k] = static_cast<std::int64_t>(pairs[f].size());
      }
}

} // namespace nuflare::coincidence
