#include "nuflare/sim/config.hpp"

#include "nuflare/core/error.hpp"

#include <cmath>

namespace nuflare::sim {

namespace {

void require(bool ok, const std::string& key, const std::string& what) {
  if (!ok)
    throw core::ConfigError(key + ": " + what);
}

bool finite(double x) {
  return std::isfinite(x);
}

} // namespace

void validate(const SkyConfig& c) {
  const auto& e = c.events;
  require(e.seasons >= 1 && e.seasons <= 99, "events.seasons", "must be in [1, 99]");
  require(finite(e.start_mjd), "events.start-mjd", "must be finite");
  require(e.season_days > 0 && finite(e.season_days), "events.season-days", "must be > 0");
  require(e.run_hours > 0 && e.run_hours < 24.0 * e.season_days, "events.run-hours",
          "must be > 0 and shorter than a season");
  require(e.uptime > 0 && e.uptime <= 1, "events.uptime", "must be in (0, 1]");
  require(!e.prefix.empty() && e.prefix.find_first_of("/\\ _") == std::string::npos,
          "events.prefix", "must be a non-empty name without '/', '_' or spaces");

  const auto& a = c.alerts;
  require(a.stop_mjd > a.start_mjd, "alerts.stop-mjd", "must be after alerts.start-mjd");
  require(a.sin_dec_min >= -1 && a.sin_dec_max <= 1 && a.sin_dec_min < a.sin_dec_max,
          "alerts.sin-dec-min", "need -1 <= sin-dec-min < sin-dec-max <= 1");
  require(a.gold_fraction >= 0 && a.gold_fraction <= 1, "alerts.gold-fraction",
          "must be in [0, 1]");

  const auto& k = c.catalog;
  require(k.count >= 1, "catalog.count", "must be at least 1");
  require(k.min_abs_glat_deg >= 0 && k.min_abs_glat_deg < 80, "catalog.min-abs-glat",
          "must be in [0, 80)");
  for (auto [v, key] : {std::pair{k.fraction_cfs, "catalog.fraction-cfs"},
                        std::pair{k.fraction_nfs, "catalog.fraction-nfs"},
                        std::pair{k.fraction_txs, "catalog.fraction-txs"},
                        std::pair{k.warm_spot_fraction, "catalog.warm-spot-fraction"}})
    require(v >= 0 && v <= 1, key, "must be in [0, 1]");
  require(k.fraction_cfs + k.fraction_nfs + k.fraction_txs <= 1, "catalog.fraction-cfs",
          "the class fractions add up to more than 1");

  const auto& l = c.lightcurves;
  require(l.stop_mjd - l.start_mjd >= 2 * l.gamma_bin_days, "lightcurves.stop-mjd",
          "the light curves must span at least two gamma-ray bins");
  require(l.gamma_bin_days > 0, "lightcurves.gamma-bin-days", "must be > 0");
  require(l.gamma_flux > 0 && l.gamma_noise > 0, "lightcurves.gamma-flux",
          "gamma-flux and gamma-noise must be > 0");
  require(!l.gamma_band.empty() && !l.ir_band.empty() && l.gamma_band != l.ir_band,
          "lightcurves.gamma-band", "the two band labels must be non-empty and differ");
  require(l.gamma_band.find_first_of(",\"") == std::string::npos &&
              l.ir_band.find_first_of(",\"") == std::string::npos,
          "lightcurves.ir-band", "band labels cannot contain ',' or '\"'");
  require(l.ir_cadence_days > 2, "lightcurves.ir-cadence-days", "must be > 2");
  require(l.ir_exposures >= 1 && l.ir_exposures <= 50, "lightcurves.ir-exposures",
          "must be in [1, 50]");
  require(l.ir_flux_mjy > 0 && l.ir_noise_fraction > 0, "lightcurves.ir-flux-mjy",
          "ir-flux-mjy and ir-noise-fraction must be > 0");
  require(l.drw_tau_days > 0 && l.drw_sigma_gamma >= 0 && l.drw_sigma_ir >= 0,
          "lightcurves.drw-tau-days", "tau must be > 0 and the sigmas >= 0");
  require(l.flare_gamma_days > 0 && l.flare_ir_days > 0 && l.flare_cfs_days > 0 &&
              l.txs_lag_days >= 0,
          "lightcurves.flare-gamma-days", "flare durations must be > 0 and the lag >= 0");
  require(l.flare_gamma_amplitude >= 0 && l.flare_ir_amplitude >= 0,
          "lightcurves.flare-gamma-amplitude", "amplitudes must be >= 0");

  const auto& i = c.injection;
  require(i.strength >= 0 && finite(i.strength), "inject.strength", "must be >= 0");
  require(i.log10_e_max > i.log10_e_min, "inject.log10e-max", "must exceed inject.log10e-min");
  require(i.spectral_index > 0, "inject.spectral-index", "must be > 0");
}

} // namespace nuflare::sim
