#include "nuflare/sim/config.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/core/validation.hpp"

namespace nuflare::sim {

namespace {

void require(bool ok, const std::string& key, const std::string& what) {
  if (!ok)
    throw core::FieldError(key, what);
}

} // namespace

void validate(const SkyConfig& c) {
  sky_options().check_ranges(c);
  const auto& e = c.events;
  require(e.run_hours < 24.0 * e.season_days, "events.run_hours", "must be shorter than a season");
  require(!e.prefix.empty() && e.prefix.find_first_of("/\\ _") == std::string::npos,
          "events.prefix", "must be a non-empty name without '/', '_' or spaces");

  const auto& a = c.alerts;
  require(a.stop_mjd > a.start_mjd, "alerts.stop_mjd", "must be after alerts.start-mjd");
  core::require_order("alerts.sin_dec_min", a.sin_dec_min, "alerts.sin_dec_max", a.sin_dec_max,
                      /*strict=*/true);

  const auto& k = c.catalog;
  require(k.fraction_cfs + k.fraction_nfs + k.fraction_txs <= 1, "catalog.fraction_cfs",
          "the class fractions add up to more than 1");

  const auto& l = c.lightcurves;
  require(l.stop_mjd - l.start_mjd >= 2 * l.gamma_bin_days, "lightcurves.stop_mjd",
          "the light curves must span at least two gamma-ray bins");
  require(!l.gamma_band.empty() && !l.ir_band.empty() && l.gamma_band != l.ir_band,
          "lightcurves.gamma_band", "the two band labels must be non-empty and differ");
  require(l.gamma_band.find_first_of(",\"") == std::string::npos &&
              l.ir_band.find_first_of(",\"") == std::string::npos,
          "lightcurves.ir_band", "band labels cannot contain ',' or '\"'");

  const auto& i = c.injection;
  core::require_order("inject.log10e_min", i.log10_e_min, "inject.log10e_max", i.log10_e_max,
                      /*strict=*/true);
}

} // namespace nuflare::sim
