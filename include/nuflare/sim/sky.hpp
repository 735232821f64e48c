#pragma once
//! The whole simulated sky: catalogue, alerts, light curves, IceCube seasons
//! and follow-up table, with optional signal injection. A pure function of
//! the configuration (and so of the seed): same config, same sky, bit for bit.
#include "nuflare/io/records.hpp"
#include "nuflare/sim/alerts.hpp"
#include "nuflare/sim/config.hpp"
#include "nuflare/sim/icecube.hpp"
#include "nuflare/sim/lightcurves.hpp"

#include <string>
#include <vector>

namespace nuflare::sim {

//! A neutrino source of the injection and its mean number of signal events.
struct InjectedSource {
  std::string name;
  double ra_deg = 0, dec_deg = 0;
  double mean_events = 0; //!< over all seasons
};

//! An alert that received a flaring source inside its region.
struct InjectedAlertFlare {
  std::string alert;
  std::string source;
};

//! Everything `nuflare simulate` writes, in memory.
struct SimulatedSky {
  SkyConfig config;
  io::SourceCatalog catalog;
  std::vector<io::Alert> alerts;           //!< sorted by time
  std::vector<io::LightCurve> lightcurves; //!< per source: gamma then infrared
  std::vector<Flare> flares;               //!< every injected flare (truth)
  std::vector<Season> seasons;
  std::vector<FollowupRow> followup;
  std::vector<InjectedSource> neutrino_sources;
  std::vector<InjectedAlertFlare> alert_flares;
};

//! Simulates the sky described by `config` (validated first).
[[nodiscard]] SimulatedSky simulate_sky(const SkyConfig& config);

} // namespace nuflare::sim
