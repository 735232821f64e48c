#include "nuflare/sim/sky.hpp"

#include "nuflare/campaign/rng.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/sim/catalog.hpp"
#include "nuflare/sim/quantize.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace nuflare::sim {

namespace {

//! Picks the neutrino sources: the named ones, then `random_sources` drawn
//! without replacement from the group (stream "sim.inject").
std::vector<InjectedSource> pick_neutrino_sources(const SkyConfig& config,
                                                  const io::SourceCatalog& cat) {
  const auto& inj = config.injection;
  std::vector<InjectedSource> out;
  std::set<std::size_t> used;
  for (const auto& name : inj.sources) {
    const auto it = std::find(cat.name.begin(), cat.name.end(), name);
    if (it == cat.name.end())
      throw core::ConfigError("inject.sources: no source named \"" + name +
                              "\" in the simulated catalogue");
    used.insert(static_cast<std::size_t>(it - cat.name.begin()));
  }
  std::vector<std::size_t> pool;
  for (std::size_t i = 0; i < cat.size(); ++i)
    if (cat.group[i] == inj.group && used.count(i) == 0)
      pool.push_back(i);
  if (pool.size() < inj.random_sources)
    throw core::ConfigError("inject.random-sources: the group \"" + inj.group + "\" has only " +
                            std::to_string(pool.size()) + " sources");
  campaign::TrialRng rng(config.seed, "sim.inject", 0);
  for (std::size_t k = 0; k < inj.random_sources; ++k) {
    const auto j = k + rng.below(pool.size() - k);
    std::swap(pool[k], pool[j]);
    used.insert(pool[k]);
  }
  for (std::size_t i : used)
    out.push_back({cat.name[i], cat.ra_deg[i], cat.dec_deg[i], inj.strength});
  return out;
}

//! Moves `count` alerts (random ones) so that a random source lies inside
//! each one's region, at most half the rectangle from its centre, and
//! returns the pairs (stream "sim.inject.alerts").
std::vector<InjectedAlertFlare> place_alert_sources(const SkyConfig& config,
                                                    const io::SourceCatalog& cat,
                                                    std::vector<io::Alert>& alerts) {
  const auto count = config.injection.alert_flares;
  if (count > alerts.size() || count > cat.size())
    throw core::ConfigError("inject.alert-flares: more than the number of alerts or sources");
  campaign::TrialRng rng(config.seed, "sim.inject.alerts", 0);
  std::vector<std::size_t> alert_idx(alerts.size()), src_idx(cat.size());
  for (std::size_t i = 0; i < alert_idx.size(); ++i)
    alert_idx[i] = i;
  for (std::size_t i = 0; i < src_idx.size(); ++i)
    src_idx[i] = i;
  std::vector<InjectedAlertFlare> out;
  for (std::size_t k = 0; k < count; ++k) {
    std::swap(alert_idx[k], alert_idx[k + rng.below(alert_idx.size() - k)]);
    std::swap(src_idx[k], src_idx[k + rng.below(src_idx.size() - k)]);
    auto& a = alerts[alert_idx[k]];
    const std::size_t s = src_idx[k];
    const double u = rng.uniform(-0.5, 0.5), v = rng.uniform(-0.5, 0.5);
    // source = alert + (u w_ra, v w_dec), w the half-width on that side.
    const double d_ra = u * (u > 0 ? a.ra_plus_deg : a.ra_minus_deg);
    const double d_dec = v * (v > 0 ? a.dec_plus_deg : a.dec_minus_deg);
    double ra = cat.ra_deg[s] - d_ra;
    ra -= 360.0 * std::floor(ra / 360.0);
    a.ra_deg = quantize_ra(ra, 2);
    a.dec_deg = std::clamp(quantize(cat.dec_deg[s] - d_dec, 2), -89.0, 89.0);
    out.push_back({a.name, cat.name[s]});
  }
  return out;
}

} // namespace

SimulatedSky simulate_sky(const SkyConfig& config) {
  validate(config);
  SimulatedSky sky;
  sky.config = config;
  const auto seed = config.seed;
  sky.catalog = simulate_catalog(config.catalog, seed);
  sky.alerts = simulate_alerts(config.alerts, seed);
  sky.alert_flares = place_alert_sources(config, sky.catalog, sky.alerts);

  // Flares: the catalogue group's, plus one in each band at every injected alert.
  for (std::size_t i = 0; i < sky.catalog.size(); ++i) {
    auto f =
        schedule_flares(config.lightcurves, sky.catalog.name[i], sky.catalog.group[i], seed, i);
    sky.flares.insert(sky.flares.end(), f.begin(), f.end());
  }
  for (const auto& pair : sky.alert_flares) {
    const auto a = std::find_if(sky.alerts.begin(), sky.alerts.end(),
                                [&](const io::Alert& x) { return x.name == pair.alert; });
    auto f = alert_flares(config.lightcurves, pair.source, a->mjd,
                          config.lightcurves.flare_gamma_amplitude,
                          config.lightcurves.flare_ir_amplitude);
    sky.flares.insert(sky.flares.end(), f.begin(), f.end());
  }
  for (std::size_t i = 0; i < sky.catalog.size(); ++i) {
    auto c = simulate_source_curves(config.lightcurves, sky.catalog.name[i], sky.flares, seed, i);
    sky.lightcurves.push_back(std::move(c.gamma));
    sky.lightcurves.push_back(std::move(c.ir));
  }

  // Neutrinos: the mean count per source is shared out by season livetime.
  sky.neutrino_sources = pick_neutrino_sources(config, sky.catalog);
  std::vector<double> live(static_cast<std::size_t>(config.events.seasons));
  double total_live = 0;
  for (int s = 0; s < config.events.seasons; ++s)
    total_live += live[static_cast<std::size_t>(s)] =
        simulate_good_runs(config.events, s, seed).livetime_days();
  for (int s = 0; s < config.events.seasons; ++s) {
    std::vector<SignalSource> signal;
    for (const auto& src : sky.neutrino_sources)
      signal.push_back({src.ra_deg, src.dec_deg,
                        src.mean_events * live[static_cast<std::size_t>(s)] / total_live});
    sky.seasons.push_back(simulate_season(config.events, config.injection, s, seed, signal));
  }
  if (config.followup.enabled)
    sky.followup = simulate_followup(config.followup, sky.alerts, seed);
  return sky;
}

} // namespace nuflare::sim
