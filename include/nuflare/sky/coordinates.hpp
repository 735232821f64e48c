#pragma once
//! Positions on the sky: angular distances, unit vectors and J2000 → Galactic
//! (docs/methods.md, Foundation). Angles are degrees at every interface; radians only inside.
#include <array>

namespace nuflare::sky {

inline constexpr double DEG = 0.017453292519943295; //!< radians per degree

//! Unit vector of a direction given in degrees.
struct UnitVector {
  double x = 0, y = 0, z = 0;
  [[nodiscard]] double dot(const UnitVector& o) const noexcept {
    return x * o.x + y * o.y + z * o.z;
  }
};

UnitVector unit_vector(double ra_deg, double dec_deg) noexcept;

//! Great-circle separation [deg] by Vincenty's formula: accurate at every
//! separation, unlike the cosine rule near 0° and haversine near 180°.
double angular_distance_deg(double ra1_deg, double dec1_deg, double ra2_deg,
                            double dec2_deg) noexcept;

//! Galactic longitude and latitude [deg].
struct Galactic {
  double l_deg = 0;
  double b_deg = 0;
};

//! J2000 (ICRS) → Galactic with the rotation astropy uses (agrees to 1e-6°).
Galactic to_galactic(double ra_deg, double dec_deg) noexcept;

//! Wraps an RA difference into [-180, 180).
double wrap_delta_ra_deg(double delta_deg) noexcept;

} // namespace nuflare::sky
