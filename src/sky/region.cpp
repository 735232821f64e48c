#include "nuflare/sky/region.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/sky/coordinates.hpp"

#include <cmath>
#include <string>

namespace nuflare::sky {

RegionShape parse_region_shape(std::string_view text) {
  if (text == "ellipse")
    return RegionShape::ellipse;
  if (text == "rectangle")
    return RegionShape::rectangle;
  throw core::ConfigError("region: expected ellipse or rectangle, got \"" + std::string(text) +
                          "\"");
}

const char* to_string(RegionShape shape) noexcept {
  return shape == RegionShape::ellipse ? "ellipse" : "rectangle";
}

bool in_region_at(const io::Alert& alert, double centre_ra_deg, double ra_deg, double dec_deg,
                  double factor, RegionShape shape) noexcept {
  const double d_ra = wrap_delta_ra_deg(ra_deg - centre_ra_deg); // degrees of RA
  const double d_dec = dec_deg - alert.dec_deg;
  const double ra_half = factor * (d_ra >= 0 ? alert.ra_plus_deg : alert.ra_minus_deg);
  const double dec_half = factor * (d_dec >= 0 ? alert.dec_plus_deg : alert.dec_minus_deg);
  if (shape == RegionShape::rectangle)
    return std::abs(d_ra) <= ra_half && std::abs(d_dec) <= dec_half;
  // docs/methods.md (Foundation): offsets (ΔRA·cos δ_alert, ΔDec) inside the ellipse whose
  // semi-axes are the quadrant's half-widths, the RA ones also multiplied by cos δ_alert. The cos δ
  // factors cancel in x/a, but keep the formula as written so that a zero width (a point-like
  // alert) behaves.
  const double c = std::cos(alert.dec_deg * DEG);
  const double x = d_ra * c, a = ra_half * c;
  const double y = d_dec, b = dec_half;
  if (a <= 0 || b <= 0)
    return (a <= 0 ? x == 0 : std::abs(x) <= a) && (b <= 0 ? y == 0 : std::abs(y) <= b);
  return (x / a) * (x / a) + (y / b) * (y / b) <= 1.0;
}

bool in_region(const io::Alert& alert, double ra_deg, double dec_deg, double factor,
               RegionShape shape) noexcept {
  return in_region_at(alert, alert.ra_deg, ra_deg, dec_deg, factor, shape);
}

bool in_any_region(std::span<const io::Alert> alerts, double ra_deg, double dec_deg, double factor,
                   RegionShape shape) noexcept {
  for (const auto& a : alerts)
    if (in_region(a, ra_deg, dec_deg, factor, shape))
      return true;
  return false;
}

std::vector<std::size_t> alerts_containing(std::span<const io::Alert> alerts, double ra_deg,
                                           double dec_deg, double factor, RegionShape shape) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < alerts.size(); ++i)
    if (in_region(alerts[i], ra_deg, dec_deg, factor, shape))
      out.push_back(i);
  return out;
}

} // namespace nuflare::sky
