#include "nuflare/followup/limits.hpp"

#include "nuflare/core/error.hpp"

#include <boost/math/tools/toms748_solve.hpp>

#include <cmath>
#include <cstdint>
#include <numbers>

namespace nuflare::followup {

double p_no_counterpart(std::span<const double> p_astro_obs, double x, int repeat) {
  double product = 1.0;
  for (double p : p_astro_obs)
    product *= 1.0 - p * x; // eq. 6–7: P_find,i = P_astro P_obs P_det f
  return repeat == 1 ? product : std::pow(product, repeat);
}

std::optional<double> f_pdet_limit(std::span<const double> p_astro_obs, double cl, int repeat) {
  if (!(cl > 0 && cl < 1))
    throw core::ConfigError("followup: confidence level must be in (0, 1)");
  if (repeat < 1)
    throw core::ConfigError("followup: alert repeat factor must be >= 1");
  for (double p : p_astro_obs)
    if (!(p >= 0 && p <= 1))
      throw core::NumericalError("followup: P_astro * P_obs must lie in [0, 1]");
  const double target = 1.0 - cl;
  auto g = [&](double x) { return p_no_counterpart(p_astro_obs, x, repeat) - target; };
  const double g1 = g(1.0);
  if (g1 > 0)
    return std::nullopt; // even f·P_det = 1 is allowed at this CL
  if (g1 == 0)
    return 1.0;
  std::uintmax_t iterations = 200;
  auto tol = [](double a, double b) { return std::abs(a - b) <= 1e-15; };
  auto [a, b] = boost::math::tools::toms748_solve(g, 0.0, 1.0, 1.0 - target, g1, tol, iterations);
  return 0.5 * (a + b);
}

std::optional<double> f_limit(std::optional<double> f_pdet, double p_det) {
  // f = x / P_det; beyond f = 1 no fraction of sources reaches the CL (§6, Fig. 17).
  if (!f_pdet || !(p_det > 0) || !(*f_pdet <= p_det))
    return std::nullopt;
  return *f_pdet / p_det;
}

std::optional<double> f_limit(std::span<const double> p_astro_obs, double p_det, double cl,
                              int repeat) {
  if (!(p_det > 0))
    return std::nullopt;
  return f_limit(f_pdet_limit(p_astro_obs, cl, repeat), p_det);
}

double abs_mag_to_nu_l_nu_erg_s(double abs_mag, double wavelength_nm) {
  constexpr double TEN_PC_CM = 3.0856775814913673e19; // 10 pc [cm]
  constexpr double C_NM_S = 2.99792458e17;            // [nm/s]
  // AB definition (as astropy's u.ABmag): f_nu = 10^(-0.4 (m + 48.6)) erg s^-1 cm^-2 Hz^-1.
  const double f_nu = std::pow(10.0, -0.4 * (abs_mag + 48.6));
  const double nu = C_NM_S / wavelength_nm;
  return 4.0 * std::numbers::pi * TEN_PC_CM * TEN_PC_CM * f_nu * nu;
}

std::vector<LimitPoint> limit_curve(std::span<const double> p_astro_obs,
                                    std::span<const Evolution> evolutions,
                                    std::span<const double> abs_mags,
                                    const FollowupConfig& config) {
  const DetectionModel detection(config.detection);
  const auto x_limit = f_pdet_limit(p_astro_obs, config.cl, config.alert_repeat);
  std::vector<LimitPoint> rows;
  rows.reserve(evolutions.size() * abs_mags.size());
  for (auto evolution : evolutions) {
    const RedshiftPdf pdf(evolution, config.redshift);
    const std::vector<double> p_det = detection.p_detectable(pdf, abs_mags);
    for (std::size_t j = 0; j < abs_mags.size(); ++j)
      rows.push_back({evolution, abs_mags[j], p_det[j],
                      p_no_counterpart(p_astro_obs, p_det[j], config.alert_repeat),
                      f_limit(x_limit, p_det[j]),
                      abs_mag_to_nu_l_nu_erg_s(abs_mags[j], config.wavelength_nm)});
  }
  return rows;
}

std::vector<double> magnitude_grid(double mag_min, double mag_max, double step) {
  if (!(step > 0) || !(mag_max >= mag_min) || !std::isfinite(mag_min) || !std::isfinite(mag_max))
    throw core::ConfigError("followup: need mag_min <= mag_max and step > 0");
  std::vector<double> mags;
  const auto n = static_cast<long>(std::floor((mag_max - mag_min) / step + 1e-9));
  for (long i = 0; i <= n; ++i)
    mags.push_back(mag_min + static_cast<double>(i) * step);
  return mags;
}

} // namespace nuflare::followup
