#include "nuflare/lightcurve/analyse.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/core/validation.hpp"

#include <map>
#include <utility>

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

  // blazar paper §4.2.2: p0 = 0.01; no flaring block -> p0 = 0.05
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

void validate(const FlaresConfig& config) {
  FlaresConfig::options().check_ranges(config);
  if (!config.prepare.ul_flux && config.prepare.ul_flux_unit != io::ENERGY_FLUX)
    throw core::FieldError("ul_flux_unit",
                           "needs ul_flux: the default replacement 3e-14 is an energy flux, " +
                               std::string(io::ENERGY_FLUX) + " (blazar paper §4.2.5)");
  if (config.high_band == config.low_band)
    throw core::RelationError("high_band", config.high_band, core::RelationError::Rule::differs,
                              "low_band", config.low_band);
}

SourceFlares analyse_curves(const SourceCurves& in, const FlaresConfig& config) {
  SourceFlares out;
  out.curves.resize(in.curves.size());
  for (std::size_t b = 0; b < in.curves.size(); ++b) {
    const auto& band = in.curves[b].band;
    out.curves[b].prepared = prepare(in.curves[b], config.prepare.for_band(band));
    if (band == config.high_band)
      out.high = static_cast<int>(b);
    else if (band == config.low_band)
      out.low = static_cast<int>(b);
  }
  const bool exempt = in.potential_neutrino_source;
  const auto* high = out.high >= 0 ? &out.curves[out.high].prepared : nullptr;
  const auto* low = out.low >= 0 ? &out.curves[out.low].prepared : nullptr;
  auto source = analyse_source(high, low, config.analyse_options(), in.variability_index, exempt);
  if (high)
    out.curves[out.high].analysis = std::move(*source.high);
  if (low)
    out.curves[out.low].analysis = std::move(*source.low);
  for (std::size_t b = 0; b < in.curves.size(); ++b)
    if (static_cast<int>(b) != out.high && static_cast<int>(b) != out.low)
      // The variability index belongs to the γ-ray band only (as analyse_source does).
      out.curves[b].analysis = analyse_band(out.curves[b].prepared, config.band,
                                            std::numeric_limits<double>::quiet_NaN(), exempt);
  out.multi = source.multi;
  out.dropped = source.dropped;
  out.rho = source.rho;
  out.flare_class = source.flare_class;
  out.stages = std::move(source.stages);
  return out;
}

std::vector<SourceCurves> group_by_source(std::vector<io::LightCurve> curves,
                                          std::span<const std::string> origin) {
  std::vector<SourceCurves> sources;
  std::map<std::string, std::size_t> index;
  std::map<std::pair<std::string, std::string>, std::string> first_file;
  for (std::size_t k = 0; k < curves.size(); ++k) {
    auto& c = curves[k];
    const std::string& file = k < origin.size() ? origin[k] : std::string();
    const auto [seen, first] = first_file.try_emplace({c.source, c.band}, file);
    if (!first)
      throw core::InputError(file, 0, "source",
                             "light curve " + c.source + " / " + c.band + " is also in " +
                                 seen->second + "; give each curve in one input");
    const auto [it, fresh] = index.try_emplace(c.source, sources.size());
    if (fresh)
      sources.push_back({c.source, {}});
    sources[it->second].curves.push_back(std::move(c));
  }
  return sources;
}

void attach_catalog(std::span<SourceCurves> sources, const io::SourceCatalog& catalog) {
  std::map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < catalog.size(); ++i)
    by_name.try_emplace(catalog.name[i], i);
  for (auto& s : sources) {
    const auto it = by_name.find(s.name);
    if (it == by_name.end())
      continue; // not catalogued: index unknown, not a potential neutrino source
    s.variability_index = catalog.variability_index[it->second];
    s.potential_neutrino_source =
        it->second < catalog.warm_spot.size() && catalog.warm_spot[it->second] != 0;
  }
}

} // namespace nuflare::lightcurve
