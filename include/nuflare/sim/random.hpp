#pragma once
//! Small samplers on top of campaign::TrialRng used by the simulator: binned
//! PDFs, Poisson counts, truncated normals. All draws go through a TrialRng,
//! so a simulated sky is a pure function of its seed.
#include "nuflare/campaign/rng.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

namespace nuflare::sim {

//! Value drawn from a histogram: bin i of width `width` starting at
//! `lo + i * width` with probability pdf[i] / sum(pdf), uniform inside the bin.
[[nodiscard]] inline double draw_binned(campaign::TrialRng& rng, std::span<const double> pdf,
                                        double lo, double width) {
  double total = 0;
  for (double p : pdf)
    total += p;
  double u = rng.uniform() * total;
  std::size_t i = 0;
  for (; i + 1 < pdf.size(); ++i) {
    if (u < pdf[i])
      break;
    u -= pdf[i];
  }
  // Skip empty trailing bins that rounding might select.
  while (pdf[i] <= 0 && i > 0)
    --i;
  return lo + (static_cast<double>(i) + rng.uniform()) * width;
}

//! Poisson count with mean `mean` >= 0: Knuth's product method below 30,
//! rounded normal above (the simulator only needs the right mean and spread).
[[nodiscard]] inline std::uint64_t draw_poisson(campaign::TrialRng& rng, double mean) {
  if (!(mean > 0))
    return 0;
  if (mean < 30) {
    const double limit = std::exp(-mean);
    std::uint64_t k = 0;
    double p = rng.uniform();
    while (p > limit) {
      ++k;
      p *= rng.uniform();
    }
    return k;
  }
  const double x = std::round(mean + std::sqrt(mean) * rng.normal());
  return x < 0 ? 0 : static_cast<std::uint64_t>(x);
}

//! Normal deviate truncated to [lo, hi] by rejection (clamped after 100 tries).
[[nodiscard]] inline double draw_truncated_normal(campaign::TrialRng& rng, double mean,
                                                  double sigma, double lo, double hi) {
  for (int i = 0; i < 100; ++i) {
    const double x = mean + sigma * rng.normal();
    if (x >= lo && x <= hi)
      return x;
  }
  return mean < lo ? lo : (mean > hi ? hi : mean);
}

//! Log-normal deviate with the given median and rms of ln(x).
[[nodiscard]] inline double draw_lognormal(campaign::TrialRng& rng, double median,
                                           double sigma_ln) {
  return median * std::exp(sigma_ln * rng.normal());
}

} // namespace nuflare::sim
