#pragma once
//! The simultaneity test of the blazar paper §6.2 (Table 1, Fig. 10–11;
//! blazar paper §5): mean simultaneity ratio ρ over subgroups of potential neutrino
//! sources, for one trial, from plain data. Random draws come from the caller.
#include "nuflare/io/records.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace nuflare::coincidence {

//! One source of the simultaneity test. `rho` is NaN when the source does not
//! flare in both bands (such sources never enter a mean).
struct RhoSource {
  double ra_deg = 0, dec_deg = 0;
  double rho = 0;         //!< ρ = |H ∩ L| / |H ∪ L| (blazar paper §4.2)
  bool warm_spot = false; //!< IceCube warm spot (paper §6.2: ≥ 95 % in point-source searches)
};

//! Mean ρ over `members` (indices into `sources`) that flare in both bands; NaN when none.
[[nodiscard]] double mean_rho(std::span<const RhoSource> sources,
                              std::span<const std::uint32_t> members) noexcept;

//! The two IceCube-region subgroups of Table 1.
struct RegionSubgroups {
  std::vector<std::uint32_t> near; //!< distance to the nearest containing alert centre ≤ split
  std::vector<std::uint32_t> far;  //!< > split
};

//! Sources flaring in both bands inside any alert rectangle (paper §6.2 uses
//! rectangles, blazar paper §5) scaled by `factor`, split by the angular distance to the
//! centre of the nearest alert whose region contains them. `alert_ra_deg`, when
//! not empty, replaces the alert centre RAs (scrambling).
[[nodiscard]] RegionSubgroups region_subgroups(std::span<const RhoSource> sources,
                                               std::span<const io::Alert> alerts, double factor,
                                               double split_deg,
                                               std::span<const double> alert_ra_deg = {});

//! Indices of the warm-spot sources flaring in both bands, and of the
//! non-warm-spot ones (the pool warm-spot trials draw from).
struct WarmSpotSplit {
  std::vector<std::uint32_t> warm;
  std::vector<std::uint32_t> pool;
};
[[nodiscard]] WarmSpotSplit warm_spot_split(std::span<const RhoSource> sources);

} // namespace nuflare::coincidence
