#include "nuflare/lightcurve/analyse.hpp"

namespace nuflare::lightcurve {

BandAnalysis analyse_band(const PreparedCurve& curve, const BandOptions& options,
                          double variability_index, bool potential_neutrino_source) {
  BandAnalysis out;
  out.band = curve.curve.band;
  out.n_points = curve.size();
  out.too_short = curve.too_short || curve.size() < 3;
  if (curve.size() > 0)
    out.span = {curve.curve.mjd.front(), curve.curve.mjd.back()};
  if (out.too_short)
    return out;

  const auto& t = curve.curve.mjd;
  const auto& f = curve.curve.flux;
  const auto& e = curve.curve.flux_err;
  FlareOptions fo = options.flares;
  fo.infrared = options.infrared.value_or(is_infrared_band(curve.curve.band));

  // SPEC §3 / blazar paper §4.2.2: p0 = 0.01; no flaring block -> p0 = 0.05
  BlocksOptions bo;
  bo.fitness = Fitness::measures;
  bo.p0 = options.p0;
  out.p0_used = options.p0;
  out.blocks = bayesian_blocks(t, f, e, bo);
  out.flares = find_flares(out.blocks, f, fo);
  if (options.use_fallback && out.flares.n_flares() == 0) {
    bo.p0 = options.p0_fallback;
    out.p0_used = options.p0_fallback;
    out.blocks = bayesian_blocks(t, f, e, bo);
    out.flares = find_flares(out.blocks, f, fo);
  }
  out.variance = excess_variance(f, e);
  out.filter = apply_filters(t, f, out.blocks, out.flares, out.variance, variability_index,
                             potential_neutrino_source, options.filters);
  return out;
}

SourceAnalysis analyse_source(const PreparedCurve* high, const PreparedCurve* low,
                              const AnalyseOptions& options, double variability_index,
                              bool potential_neutrino_source) {
  SourceAnalysis out;
  if (high) {
    out.source = high->curve.source;
    out.high = analyse_band(*high, options.high, variability_index, potential_neutrino_source);
  }
  if (low) {
    if (out.source.empty())
      out.source = low->curve.source;
    // The Fermi variability index belongs to the γ-ray band; the low-energy
    // band gets only the ambiguous filter (docs/methods.md (light curves)).
    out.low = analyse_band(*low, options.low, std::numeric_limits<double>::quiet_NaN(),
                           potential_neutrino_source);
  }
  for (const auto* band : {&out.high, &out.low})
    if (*band && !(*band)->too_short && (*band)->filter.dropped())
      out.dropped = true;
  out.multi = out.high && out.low && !out.high->too_short && !out.low->too_short;
  if (!out.multi)
    return out;
  out.stages = flaring_stages(out.high->flares.flares, out.low->flares.flares, out.high->span,
                              out.low->span);
  out.rho = out.stages.rho;
  out.flare_class =
      classify(out.stages, out.high->flares.flares, out.low->flares.flares, options.classes);
  return out;
}

} // namespace nuflare::lightcurve
