#include "nuflare/sky/coordinates.hpp"

#include <cmath>

namespace nuflare::sky {

UnitVector unit_vector(double ra_deg, double dec_deg) noexcept {
  const double ra = ra_deg * DEG;
  const double dec = dec_deg * DEG;
  const double c = std::cos(dec);
  return {c * std::cos(ra), c * std::sin(ra), std::sin(dec)};
}

double angular_distance_deg(double ra1_deg, double dec1_deg, double ra2_deg,
                            double dec2_deg) noexcept {
  const double dra = (ra2_deg - ra1_deg) * DEG;
  const double s1 = std::sin(dec1_deg * DEG), c1 = std::cos(dec1_deg * DEG);
  const double s2 = std::sin(dec2_deg * DEG), c2 = std::cos(dec2_deg * DEG);
  const double sdra = std::sin(dra), cdra = std::cos(dra);
  const double num1 = c2 * sdra;
  const double num2 = c1 * s2 - s1 * c2 * cdra;
  const double denom = s1 * s2 + c1 * c2 * cdra;
  return std::atan2(std::hypot(num1, num2), denom) / DEG;
}

Galactic to_galactic(double ra_deg, double dec_deg) noexcept {
  // ICRS → Galactic rotation as astropy applies it (FK5 J2000 Galactic pole
  // and origin, Blaauw et al. 1960, composed with the ICRS→FK5 frame bias);
  // read off astropy 5.2 by transforming the three basis vectors.
  static constexpr std::array<std::array<double, 3>, 3> R = {{
      {-0.0548756577125916, -0.8734370519556162, -0.4838350736167153},
      {+0.4941094371927268, -0.4448297212232951, +0.7469821839866675},
      {-0.8676661375596576, -0.1980763372730005, +0.4559838136873016},
  }};
  const UnitVector u = unit_vector(ra_deg, dec_deg);
  const double x = R[0][0] * u.x + R[0][1] * u.y + R[0][2] * u.z;
  const double y = R[1][0] * u.x + R[1][1] * u.y + R[1][2] * u.z;
  const double z = R[2][0] * u.x + R[2][1] * u.y + R[2][2] * u.z;
  double l = std::atan2(y, x) / DEG;
  if (l < 0)
    l += 360.0;
  const double b = std::atan2(z, std::hypot(x, y)) / DEG;
  return {l, b};
}

double wrap_delta_ra_deg(double delta_deg) noexcept {
  double d = std::fmod(delta_deg + 180.0, 360.0);
  if (d < 0)
    d += 360.0;
  return d - 180.0;
}

} // namespace nuflare::sky
