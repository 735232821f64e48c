#include "nuflare/coincidence/injection.hpp"

#include "nuflare/core/error.hpp"

#include <algorithm>
#include <map>

namespace nuflare::coincidence {

namespace {
//! Ascending order with NaN before every number (background of real statistics).
bool nan_first_less(double a, double b) noexcept {
  if (std::isnan(a))
    return !std::isnan(b);
  return !std::isnan(b) && a < b;
}
} // namespace

sky::UnitVector offset_direction(double ra_deg, double dec_deg, double r_deg, double phi_rad) {
  const double d = dec_deg * sky::DEG, r = r_deg * sky::DEG;
  const double sin_dec2 = std::sin(d) * std::cos(r) + std::cos(d) * std::sin(r) * std::cos(phi_rad);
  const double dec2 = std::asin(std::clamp(sin_dec2, -1.0, 1.0));
  const double dra = std::atan2(std::sin(phi_rad) * std::sin(r) * std::cos(d),
                                std::cos(r) - std::sin(d) * sin_dec2);
  return sky::unit_vector(ra_deg + dra / sky::DEG, dec2 / sky::DEG);
}

double p_value_sorted(std::span<const std::int64_t> background_sorted, std::int64_t statistic) {
  // M = number of background trials with a statistic ≥ the value (docs/methods.md).
  const auto first =
      std::lower_bound(background_sorted.begin(), background_sorted.end(), statistic);
  const auto m = static_cast<double>(background_sorted.end() - first);
  return (m + 1.0) / (static_cast<double>(background_sorted.size()) + 1.0);
}

double p_value_sorted(std::span<const double> background_sorted, double statistic) {
  if (std::isnan(statistic))
    return 1.0; // no detection
  // NaN values sort first and compare below every number: never counted.
  const auto first = std::lower_bound(background_sorted.begin(), background_sorted.end(), statistic,
                                      nan_first_less);
  const auto m = static_cast<double>(background_sorted.end() - first);
  return (m + 1.0) / (static_cast<double>(background_sorted.size()) + 1.0);
}

void sort_background(std::vector<double>& values) {
  std::sort(values.begin(), values.end(), nan_first_less);
}

std::vector<double> inject_flares(const FlareSeries& series, std::span<const double> alert_mjd,
                                  double delta_t_days, double amplitude) {
  std::vector<double> level = series.level;
  const double h = delta_t_days / 2;
  for (const double ta : alert_mjd) {
    // The window predicate of RKernel::window at shift 0 (blazar paper §5), so the
    // raised points are exactly the points inside the pair's window.
    const auto lo = std::partition_point(series.mjd.begin(), series.mjd.end(),
                                         [&](double t) { return t - ta < -h; });
    for (auto it = lo; it != series.mjd.end() && *it - ta <= h; ++it) {
      double& l = level[static_cast<std::size_t>(it - series.mjd.begin())];
      l = std::max(l, amplitude);
    }
  }
  return level;
}

double r0_with_flares(const RKernel& kernel, std::span<const FlareSeries> series,
                      std::span<const Pair> pairs, std::span<const std::uint8_t> chosen,
                      double delta_t_days, double amplitude) {
  if (chosen.size() != pairs.size())
    throw core::Error("r0_with_flares: one flag per pair expected");
  // Each flared source's alert times, then its modified levels.
  std::map<std::uint32_t, std::vector<double>> flare_times;
  for (std::size_t i = 0; i < pairs.size(); ++i)
    if (chosen[i] != 0)
      flare_times[pairs[i].source].push_back(pairs[i].alert_mjd);
  std::map<std::uint32_t, std::vector<double>> levels;
  for (const auto& [source, times] : flare_times)
    levels.emplace(source, inject_flares(series[source], times, delta_t_days, amplitude));

  const double h = delta_t_days / 2, cut = kernel.flare_cut();
  WindowSums total;
  for (const auto& pr : pairs) {
    WindowSums w;
    if (const auto it = levels.find(pr.source); it == levels.end()) {
      w = kernel.window(pr.source, pr.alert_mjd, 0.0, delta_t_days);
    } else {
      const auto& t = series[pr.source].mjd;
      for (std::size_t i = 0; i < t.size(); ++i) {
        const double l = it->second[i];
        const double c = l >= cut ? l : 0.0; // blazar paper §5 flare-level cut
        if (!(t[i] - pr.alert_mjd < -h) && t[i] - pr.alert_mjd <= h) {
          w.sum_in += c;
          ++w.n_in;
        } else {
          w.sum_out += c;
          ++w.n_out;
        }
      }
    }
    total.sum_in += w.sum_in;
    total.sum_out += w.sum_out;
    total.n_in += w.n_in;
    total.n_out += w.n_out;
  }
  return total.ratio();
}

namespace {
//! The strength where `fraction` first reaches `target`, linearly
//! interpolated between grid points; NaN when it never does.
double crossing(std::span<const double> strengths, std::span<const double> fraction,
                double target) {
  for (std::size_t i = 0; i < fraction.size(); ++i) {
    if (fraction[i] < target)
      continue;
    if (i == 0)
      return strengths[0];
    const double f0 = fraction[i - 1], f1 = fraction[i];
    return strengths[i - 1] + (target - f0) / (f1 - f0) * (strengths[i] - strengths[i - 1]);
  }
  return NAN;
}
} // namespace

namespace {

void sort_statistics(std::vector<std::int64_t>& v) {
  std::sort(v.begin(), v.end());
}
void sort_statistics(std::vector<double>& v) {
  sort_background(v);
}

//! Detection fractions per strength and their crossings, for either kind of
//! statistic (counts of the spatial test, R of the time test).
template <class T>
SensitivityResult summarize(std::span<const T> background, std::span<const T> signal,
                            std::span<const double> strengths) {
  if (background.empty() || strengths.empty() || signal.size() % strengths.size() != 0)
    throw core::Error("summarize_sensitivity: inconsistent trial arrays");
  std::vector<T> bg(background.begin(), background.end());
  sort_statistics(bg);
  const std::size_t per = signal.size() / strengths.size();
  constexpr double P_3SIGMA = 1.349898e-3; // one-sided Gaussian tail at 3σ
  constexpr double P_5SIGMA = 2.866516e-7; // at 5σ
  SensitivityResult r;
  r.strengths.assign(strengths.begin(), strengths.end());
  r.p_floor = 1.0 / (static_cast<double>(bg.size()) + 1.0);
  std::vector<double> p(per);
  for (std::size_t s = 0; s < strengths.size(); ++s) {
    std::size_t n05 = 0, n3 = 0, n5 = 0;
    for (std::size_t k = 0; k < per; ++k) {
      p[k] = p_value_sorted(std::span<const T>(bg), signal[s * per + k]);
      n05 += p[k] < 0.05;
      n3 += p[k] <= P_3SIGMA;
      n5 += p[k] <= P_5SIGMA;
    }
    const double n = static_cast<double>(per);
    r.frac_p05.push_back(static_cast<double>(n05) / n);
    r.frac_3sigma.push_back(static_cast<double>(n3) / n);
    r.frac_5sigma.push_back(static_cast<double>(n5) / n);
    std::nth_element(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(per / 2), p.end());
    r.median_p.push_back(per > 0 ? p[per / 2] : NAN);
  }
  r.sensitivity = crossing(r.strengths, r.frac_p05, 0.9);
  r.discovery_3sigma = r.p_floor <= P_3SIGMA ? crossing(r.strengths, r.frac_3sigma, 0.5) : NAN;
  r.discovery_5sigma = r.p_floor <= P_5SIGMA ? crossing(r.strengths, r.frac_5sigma, 0.5) : NAN;
  return r;
}

} // namespace

SensitivityResult summarize_sensitivity(std::span<const std::int64_t> background,
                                        std::span<const std::int64_t> signal,
                                        std::span<const double> strengths) {
  return summarize(background, signal, strengths);
}

SensitivityResult summarize_sensitivity(std::span<const double> background,
                                        std::span<const double> signal,
                                        std::span<const double> strengths) {
  return summarize(background, signal, strengths);
}

} // namespace nuflare::coincidence
