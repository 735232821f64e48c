#pragma once
//! The flux upper limit of a spatial run (blazar paper §7.4, eq. 2): for
//! each energy bin, the E^-γ normalisation at the pivot that yields the
//! excess N over the seasons' livetime with their declination-averaged
//! effective areas, and its fraction of the diffuse flux.
#include "nuflare/campaign/spatial_campaign.hpp"
#include "nuflare/coincidence/flux_limit.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nuflare::campaign {

//! The exposure ΔT·A_eff of eq. 2 as the paper may be read (docs/methods.md,
//! "Reproducing the papers"). By default each season contributes its own
//! good-run livetime with its own effective area. Blazar paper §7.4 speaks of
//! "10 years" of data and one effective area; its printed limits come out
//! with ΔT = 3652.5 d and IC86_II's area for every season.
struct FluxExposureReading {
  //! Total ΔT [days]: scales the seasons' good-run livetimes to this sum
  //! (their shares kept); with no good-run list, one season of this length.
  std::optional<double> livetime_days;
  //! Season whose effective area serves every season (e.g. IC86_II); it must
  //! be among the effective-area tables given.
  std::optional<std::string> area_season;

  //! The keys (docs/cli.md, `nuflare spatial`, with the prefix `flux_`).
  static const core::OptionTable<FluxExposureReading>& options();
};

inline const core::OptionTable<FluxExposureReading>& FluxExposureReading::options() {
  using R = FluxExposureReading;
  static const auto table =
      core::OptionTable<R>()
          .add("livetime_days", &R::livetime_days, "days",
               "total livetime dT of eq. 2 in place of the good-run lists' sum (blazar paper "
               "§7.4 read as ten calendar years: 3652.5)",
               core::POSITIVE)
          .no_default("the good-run lists' livetime")
          .add("area_season", &R::area_season, "",
               "one season's effective area for every season (blazar paper §7.4 read as one "
               "area: IC86_II)")
          .no_default("each season its own area");
  return table;
}

//! One row per bin between consecutive `edges` (log10(E/GeV), at least two,
//! increasing: core::FieldError "flux_bins" otherwise), from the good-run
//! lists `uptime_files` and the effective areas `irf_files` (a season
//! without its own area uses IC86_II's, as the release readme says for
//! IC86_III … VII), read as `reading` says. No good-run list needs
//! `reading.livetime_days` and one area (area_season, or a single table);
//! core::FieldError names the key otherwise. The files read are appended to
//! `inputs`.
[[nodiscard]] std::vector<FluxLimitRow>
flux_limit_rows(const std::vector<std::string>& uptime_files,
                const std::vector<std::string>& irf_files, const std::vector<double>& edges,
                const coincidence::FluxLimitConfig& config, coincidence::DecAverage weighting,
                const FluxExposureReading& reading, std::vector<std::filesystem::path>& inputs);

} // namespace nuflare::campaign
