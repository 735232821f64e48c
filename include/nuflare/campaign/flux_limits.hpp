#pragma once
//! The flux upper limit of a spatial run (blazar paper §7.4, eq. 2): for
//! each energy bin, the E^-γ normalisation at the pivot that yields the
//! excess N over the seasons' livetime with their declination-averaged
//! effective areas, and its fraction of the diffuse flux.
#include "nuflare/campaign/spatial_campaign.hpp"
#include "nuflare/coincidence/flux_limit.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace nuflare::campaign {

//! One row per bin between consecutive `edges` (log10(E/GeV), at least two,
//! increasing: core::FieldError "flux_bins" otherwise), from the good-run
//! lists `uptime_files` and the effective areas `irf_files` (a season
//! without its own area uses IC86_II's, as the release readme says for
//! IC86_III … VII). The files read are appended to `inputs`.
[[nodiscard]] std::vector<FluxLimitRow>
flux_limit_rows(const std::vector<std::string>& uptime_files,
                const std::vector<std::string>& irf_files, const std::vector<double>& edges,
                const coincidence::FluxLimitConfig& config, coincidence::DecAverage weighting,
                std::vector<std::filesystem::path>& inputs);

} // namespace nuflare::campaign
