#pragma once
//! Alert regions scaled by a containment factor (blazar paper §4.1; docs/methods.md, Foundation).
#include "nuflare/io/records.hpp"

#include <span>
#include <string_view>
#include <vector>

namespace nuflare::sky {

enum class RegionShape {
  ellipse,   //!< quadrant-wise ellipse in (ΔRA·cos δ_alert, ΔDec); the default
  rectangle, //!< RA and Dec intervals (RA wraps at 0/360)
};

//! Parses "ellipse" or "rectangle"; throws core::ConfigError otherwise.
RegionShape parse_region_shape(std::string_view text);
const char* to_string(RegionShape shape) noexcept;

//! True when (ra, dec) lies inside the alert's 90 % region with every
//! half-width multiplied by `factor`.
bool in_region(const io::Alert& alert, double ra_deg, double dec_deg, double factor,
               RegionShape shape) noexcept;

//! Same test for an alert whose centre RA is replaced by `centre_ra_deg`
//! (alert-RA scrambling keeps the widths and Dec, docs/methods.md).
bool in_region_at(const io::Alert& alert, double centre_ra_deg, double ra_deg, double dec_deg,
                  double factor, RegionShape shape) noexcept;

//! A source is in the IceCube region when inside any alert region.
bool in_any_region(std::span<const io::Alert> alerts, double ra_deg, double dec_deg, double factor,
                   RegionShape shape) noexcept;

//! Indices of the alerts whose region contains the point.
std::vector<std::size_t> alerts_containing(std::span<const io::Alert> alerts, double ra_deg,
                                           double dec_deg, double factor, RegionShape shape);

} // namespace nuflare::sky
