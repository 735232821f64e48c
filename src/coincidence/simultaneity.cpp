// Mean simultaneity ratio of subgroups (blazar paper §6.2, Table 1).
#include "nuflare/coincidence/simultaneity.hpp"

#include "nuflare/sky/coordinates.hpp"
#include "nuflare/sky/region.hpp"

#include <cmath>
#include <limits>

namespace nuflare::coincidence {

double mean_rho(std::span<const RhoSource> sources,
                std::span<const std::uint32_t> members) noexcept {
  double sum = 0;
  std::size_t n = 0;
  for (auto i : members) {
    const double r = sources[i].rho;
    if (std::isfinite(r)) {
      sum += r;
      ++n;
    }
  }
  return n == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / static_cast<double>(n);
}

RegionSubgroups region_subgroups(std::span<const RhoSource> sources,
                                 std::span<const io::Alert> alerts, double factor, double split_deg,
                                 std::span<const double> alert_ra_deg) {
  RegionSubgroups out;
  for (std::size_t s = 0; s < sources.size(); ++s) {
    const auto& src = sources[s];
    if (!std::isfinite(src.rho))
      continue;
    double nearest = std::numeric_limits<double>::infinity();
    for (std::size_t a = 0; a < alerts.size(); ++a) {
      const double ra = alert_ra_deg.empty() ? alerts[a].ra_deg : alert_ra_deg[a];
      // Cheap Dec reject before the region test: most alerts are far away.
      if (src.dec_deg < alerts[a].dec_deg - factor * alerts[a].dec_minus_deg ||
          src.dec_deg > alerts[a].dec_deg + factor * alerts[a].dec_plus_deg)
        continue;
      if (sky::in_region_at(alerts[a], ra, src.ra_deg, src.dec_deg, factor,
                            sky::RegionShape::rectangle))
        nearest = std::min(
            nearest, sky::angular_distance_deg(ra, alerts[a].dec_deg, src.ra_deg, src.dec_deg));
    }
    if (nearest <= split_deg)
      out.near.push_back(static_cast<std::uint32_t>(s));
    else if (std::isfinite(nearest))
      out.far.push_back(static_cast<std::uint32_t>(s));
  }
  return out;
}

WarmSpotSplit warm_spot_split(std::span<const RhoSource> sources) {
  WarmSpotSplit out;
  for (std::size_t s = 0; s < sources.size(); ++s) {
    if (!std::isfinite(sources[s].rho))
      continue;
    (sources[s].warm_spot ? out.warm : out.pool).push_back(static_cast<std::uint32_t>(s));
  }
  return out;
}

} // namespace nuflare::coincidence
