#include "nuflare/campaign/flux_limits.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/core/validation.hpp"
#include "nuflare/io/icecube.hpp"

#include <algorithm>
#include <functional>
#include <map>

namespace nuflare::campaign {

std::vector<FluxLimitRow>
flux_limit_rows(const std::vector<std::string>& uptime_files,
                const std::vector<std::string>& irf_files, const std::vector<double>& edges,
                const coincidence::FluxLimitConfig& config, coincidence::DecAverage weighting,
                const FluxExposureReading& reading, std::vector<std::filesystem::path>& inputs) {
  std::map<std::string, coincidence::AveragedArea> areas;
  for (const auto& path : irf_files) {
    const auto table = io::read_effective_area(path);
    areas[table.season] = coincidence::average_over_declination(table, weighting);
    inputs.emplace_back(path);
  }
  // One area for every season: the reading of §7.4 that matches its print.
  const coincidence::AveragedArea* common = nullptr;
  if (reading.area_season) {
    const auto it = areas.find(*reading.area_season);
    if (it == areas.end())
      throw core::FieldError("flux_area_season", "no effective-area table of season " +
                                                     *reading.area_season + " among flux_irfs");
    common = &it->second;
  }
  std::vector<coincidence::SeasonExposure> seasons;
  double livetime_days = 0;
  for (const auto& path : uptime_files) {
    const auto runs = io::read_good_run_list(path);
    inputs.emplace_back(path);
    auto it = areas.find(runs.season);
    // Release readme: the IC86-2012 area serves IC86-2012 … IC86-2017.
    if (it == areas.end() && runs.season.rfind("IC86_", 0) == 0 && runs.season != "IC86_I")
      it = areas.find("IC86_II");
    if (!common && it == areas.end())
      throw core::InputError(path, 0, "season",
                             "no effective area given for season " + runs.season);
    seasons.push_back({runs.season, runs.livetime_days() * 86400.0, common ? *common : it->second});
    livetime_days += runs.livetime_days();
  }
  if (reading.livetime_days) {
    if (seasons.empty()) {
      // No good-run list: one season of the given length, with one area.
      if (!common && areas.size() != 1)
        throw core::FieldError("flux_area_season",
                               "flux_livetime_days without flux_uptime needs one effective "
                               "area: name its season or give one table");
      const auto& only = common ? *common : areas.begin()->second;
      seasons.push_back({reading.area_season.value_or(areas.begin()->first),
                         *reading.livetime_days * 86400.0, only});
    } else {
      // The seasons keep their shares of the total.
      for (auto& s : seasons)
        s.livetime_s *= *reading.livetime_days / livetime_days;
    }
    livetime_days = *reading.livetime_days;
  }
  if (edges.size() < 2)
    throw core::FieldError("flux_bins", "need at least two edges");
  if (!std::is_sorted(edges.begin(), edges.end(), std::less_equal<>()))
    throw core::FieldError("flux_bins", "the edges must increase");
  std::vector<FluxLimitRow> rows;
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    FluxLimitRow row;
    row.config = config;
    row.config.log10e_min = edges[i];
    row.config.log10e_max = edges[i + 1];
    row.livetime_days = livetime_days;
    row.limit = coincidence::flux_upper_limit(seasons, row.config);
    rows.push_back(row);
  }
  return rows;
}

} // namespace nuflare::campaign
