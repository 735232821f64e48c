#pragma once
//! Rounding to the precision a file is written with. The simulator rounds
//! every value through the same printf format it writes, so what a reader
//! gets back from a simulated file equals the in-memory sky bit for bit.
#include <cstdio>
#include <cstdlib>

namespace nuflare::sim {

//! `x` rounded as printf("%.<decimals>f") prints it.
[[nodiscard]] inline double quantize(double x, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return std::strtod(buf, nullptr);
}

//! `x` rounded to `digits` significant digits (printf "%.<digits-1>e").
[[nodiscard]] inline double quantize_significant(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", digits - 1, x);
  return std::strtod(buf, nullptr);
}

//! An angle in [0, 360) rounded to `decimals`; 360 after rounding wraps to 0.
[[nodiscard]] inline double quantize_ra(double ra_deg, int decimals) {
  const double q = quantize(ra_deg, decimals);
  return q >= 360.0 ? q - 360.0 : (q < 0.0 ? q + 360.0 : q);
}

} // namespace nuflare::sim
