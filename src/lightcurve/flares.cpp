#include "nuflare/lightcurve/flares.hpp"

#include "nuflare/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nuflare::lightcurve {

namespace {
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
}

double quiescent_flux(std::span<const double> flux, const FlareOptions& o) {
  const std::size_t n = flux.size();
  if (n == 0)
    throw core::InputError("quiescent_flux", 0, "flux", "no points");
  std::vector<double> sorted(flux.begin(), flux.end());
  std::sort(sorted.begin(), sorted.end());
  const double nd = static_cast<double>(n);
  // skip the faintest points, which may be low-statistics outliers (§4.2.2)
  const std::size_t skip =
      n >= o.quiescent_skip_min_n
          ? std::max<std::size_t>(1, static_cast<std::size_t>(std::floor(o.quiescent_skip * nd)))
          : 0;
  // round half up: floor(x + 0.5)
  const std::size_t take = std::max<std::size_t>(
      1, static_cast<std::size_t>(std::floor(o.quiescent_fraction * nd + 0.5)));
  const std::size_t lo = std::min(skip, n - 1);
  const std::size_t hi = std::min(n, lo + take);
  double sum = 0;
  for (std::size_t i = lo; i < hi; ++i)
    sum += sorted[i];
  return sum / static_cast<double>(hi - lo);
}

FluxStats flux_stats(std::span<const double> flux) {
  FluxStats s;
  const std::size_t n = flux.size();
  if (n == 0)
    return {NaN, NaN};
  for (double f : flux)
    s.mean += f;
  s.mean /= static_cast<double>(n);
  if (n < 2) {
    s.std = NaN;
    return s;
  }
  double ss = 0;
  for (double f : flux)
    ss += (f - s.mean) * (f - s.mean);
  s.std = std::sqrt(ss / static_cast<double>(n - 1));
  return s;
}

ExcessVariance excess_variance(std::span<const double> flux, std::span<const double> flux_err) {
  const std::size_t n = flux.size();
  if (n < 2 || flux_err.size() != n)
    throw core::InputError("excess_variance", 0, "flux",
                           "needs at least two points with one error each");
  const FluxStats st = flux_stats(flux);
  double mse = 0; // ⟨σᵢ²⟩
  for (double e : flux_err)
    mse += e * e;
  mse /= static_cast<double>(n);
  const double nd = static_cast<double>(n);
  const double m2 = st.mean * st.mean;
  ExcessVariance ev;
  ev.nxs = (st.std * st.std - mse) / m2;
  const double fvar_pos = std::sqrt(std::max(ev.nxs, 0.0));
  // Vaughan et al. 2003 eq. 11
  const double t1 = std::sqrt(2.0 / nd) * mse / m2;
  const double t2 = std::sqrt(mse / nd) * 2.0 * fvar_pos / std::abs(st.mean);
  ev.nxs_err = std::sqrt(t1 * t1 + t2 * t2);
  if (ev.nxs > 0) {
    ev.fvar = fvar_pos;
    // Vaughan et al. 2003 eq. B2
    const double u1 = std::sqrt(1.0 / (2.0 * nd)) * mse / (ev.fvar * m2);
    const double u2 = std::sqrt(mse / nd) / std::abs(st.mean);
    ev.fvar_err = std::sqrt(u1 * u1 + u2 * u2);
  } else {
    ev.fvar = NaN;
    ev.fvar_err = NaN;
  }
  return ev;
}

FlareResult find_flares(const Blocks& blocks, std::span<const double> flux, const FlareOptions& o) {
  FlareResult r;
  r.f_quiescent = quiescent_flux(flux, o);
  const FluxStats st = flux_stats(flux);
  r.f_avg = st.mean;
  r.s = st.std;
  // blazar paper §4.2.2: F_block > F_q + 1.3 S; infrared also > F_avg + S
  r.threshold = r.f_quiescent + o.s_factor * r.s;
  if (o.infrared)
    r.threshold = std::max(r.threshold, r.f_avg + o.avg_s_factor * r.s);
  const std::size_t nb = blocks.n_blocks();
  r.flaring_block.assign(nb, false);
  if (!(r.s > 0) || blocks.edges.size() != nb + 1)
    return r; // a single point or a constant curve has no flare
  for (std::size_t b = 0; b < nb; ++b) {
    r.flaring_block[b] = blocks.flux[b] > r.threshold;
    if (!r.flaring_block[b])
      continue;
    if (b > 0 && r.flaring_block[b - 1])
      r.flares.back().stop = blocks.edges[b + 1];
    else
      r.flares.push_back({blocks.edges[b], blocks.edges[b + 1]});
  }
  return r;
}

std::vector<double> flare_levels(std::span<const double> flux, double f_quiescent) {
  std::vector<double> out(flux.size());
  for (std::size_t i = 0; i < flux.size(); ++i)
    out[i] = flux[i] / f_quiescent;
  return out;
}

FilterResult apply_filters(std::span<const double> mjd, std::span<const double> flux,
                           const Blocks& blocks, const FlareResult& flares,
                           const ExcessVariance& variance, double variability_index,
                           bool potential_neutrino_source, const FilterOptions& o) {
  FilterResult r;
  r.exempt = potential_neutrino_source;
  // non-variable filter (§4.2.3), for catalogue-non-variable sources only
  double bmin = std::numeric_limits<double>::infinity(), bmax = -bmin;
  for (double f : blocks.flux) {
    bmin = std::min(bmin, f);
    bmax = std::max(bmax, f);
  }
  r.block_ratio = bmin > 0 ? bmax / bmin : std::numeric_limits<double>::infinity();
  if (variability_index <= o.max_variability_index)
    r.non_variable = variance.nxs < o.min_nxs || r.block_ratio < o.min_block_ratio;
  // ambiguous filter: std of the points outside the flare intervals over std of all
  std::vector<double> outside;
  for (std::size_t i = 0; i < mjd.size(); ++i) {
    const bool in_flare =
        std::any_of(flares.flares.begin(), flares.flares.end(),
                    [&](const auto& f) { return mjd[i] >= f.start && mjd[i] <= f.stop; });
    if (!in_flare)
      outside.push_back(flux[i]);
  }
  const double all_std = flux_stats(flux).std;
  r.std_ratio = outside.size() >= 2 && all_std > 0 ? flux_stats(outside).std / all_std : NaN;
  if (!std::isnan(r.std_ratio))
    r.ambiguous = o.ambiguous_when_greater ? r.std_ratio > o.ambiguous_ratio
                                           : r.std_ratio < o.ambiguous_ratio;
  return r;
}

} // namespace nuflare::lightcurve
