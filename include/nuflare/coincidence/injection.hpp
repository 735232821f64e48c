#pragma once
//! Signal injection for sensitivity studies (beyond the papers; issue 7):
//! neutrinos drawn around a group's sources (spatial test), flares at alert
//! times (time test), and the strength at which a test would detect them. See
//! docs/methods.md, "Sensitivity".
#include "nuflare/coincidence/temporal.hpp"
#include "nuflare/sky/coordinates.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>
#include <utility>
#include <vector>

namespace nuflare::coincidence {

//! A point at angular distance `r_deg` from (ra, dec) in direction `phi_rad`
//! (measured from north through east), exact on the sphere.
sky::UnitVector offset_direction(double ra_deg, double dec_deg, double r_deg, double phi_rad);

//! How many of `n_signal` injected events land within `angerr_scale` × AngErr
//! of at least one source. Each event comes from a source chosen uniformly,
//! takes an AngErr drawn from `angerr_pool_deg` (the selected events' own
//! errors above the threshold) and is displaced by a 2-D Gaussian with σ =
//! AngErr per axis (AngErr as the 39 % containment radius). `uniform()` gives
//! U[0, 1) deviates (a campaign::TrialRng).
template <class Uniform>
std::int64_t inject_and_count(std::span<const double> ra_deg, std::span<const double> dec_deg,
                              std::int64_t n_signal, std::span<const double> angerr_pool_deg,
                              double angerr_scale, Uniform&& uniform);

//! `n` distinct indices of [0, m) drawn uniformly without replacement
//! (partial Fisher–Yates), in draw order; all m (in a random order) when n ≥
//! m. `below(k)` gives uniform integers in [0, k) (a campaign::TrialRng).
template <class Below>
std::vector<std::uint32_t> draw_without_replacement(std::size_t m, std::size_t n, Below&& below);

//! Flare levels of `series` after injecting flares at the times `alert_mjd`
//! (time-test sensitivity): every point with |t − t_alert| ≤ ΔT/2 for some
//! alert gets max(level, amplitude). Only existing points are raised: a
//! sparsely sampled light curve may hide a flare.
std::vector<double> inject_flares(const FlareSeries& series, std::span<const double> alert_mjd,
                                  double delta_t_days, double amplitude);

//! R(0) at ΔT pooled over `pairs` (blazar paper §5) after a flare of `amplitude` was
//! injected at the alert time of every pair i with chosen[i] != 0 into that
//! pair's source light curve (inject_flares; a source chosen for several
//! alerts gets all its flares). Every pair of a source that got a flare sees
//! the modified curve; the other pairs use `kernel`'s unmodified contributions.
//! The flare cut is the kernel's. `series` are the series the kernel was
//! built from.
double r0_with_flares(const RKernel& kernel, std::span<const FlareSeries> series,
                      std::span<const Pair> pairs, std::span<const std::uint8_t> chosen,
                      double delta_t_days, double amplitude);

//! Sensitivity and discovery potential from trial statistics (right-tailed).
struct SensitivityResult {
  std::vector<double> strengths;   //!< injected events per trial, the scanned grid
  std::vector<double> frac_p05;    //!< fraction of signal trials with p < 0.05
  std::vector<double> frac_3sigma; //!< fraction with p ≤ 1.35e-3 (3σ one-sided)
  std::vector<double> frac_5sigma; //!< fraction with p ≤ 2.87e-7 (5σ one-sided)
  std::vector<double> median_p;    //!< median pre-trial p of the signal trials
  double sensitivity = NAN;        //!< strength where 90 % of trials give p < 0.05
  double discovery_3sigma = NAN;   //!< strength where 50 % of trials reach 3σ
  double discovery_5sigma = NAN;   //!< strength where 50 % of trials reach 5σ
  double p_floor = NAN;            //!< 1/(N_bg + 1): the smallest p the trials can give
};

//! p-value (M + 1)/(N + 1) of `statistic` against the sorted background.
double p_value_sorted(std::span<const std::int64_t> background_sorted, std::int64_t statistic);

//! The same for real statistics (R of the time test): `background_sorted` is
//! ascending with the NaN values first (sort_background). NaN background
//! values never count as ≥; a NaN statistic is no detection (p = 1); +inf
//! counts as ≥ everything (docs/methods.md, "R(t)").
double p_value_sorted(std::span<const double> background_sorted, double statistic);
//! Sorts background statistics for p_value_sorted: ascending, NaNs first.
void sort_background(std::vector<double>& values);

//! `signal` holds n_strengths × n_signal_trials statistics (row-major by
//! strength). Thresholds a trial resolution cannot reach stay NaN.
SensitivityResult summarize_sensitivity(std::span<const std::int64_t> background,
                                        std::span<const std::int64_t> signal,
                                        std::span<const double> strengths);
//! The same for real statistics, with p-values as p_value_sorted(double).
SensitivityResult summarize_sensitivity(std::span<const double> background,
                                        std::span<const double> signal,
                                        std::span<const double> strengths);

// ---------------------------------------------------------------- template

template <class Uniform>
std::int64_t inject_and_count(std::span<const double> ra_deg, std::span<const double> dec_deg,
                              std::int64_t n_signal, std::span<const double> angerr_pool_deg,
                              double angerr_scale, Uniform&& uniform) {
  const std::size_t n_sources = ra_deg.size();
  if (n_sources == 0 || angerr_pool_deg.empty() || n_signal <= 0)
    return 0;
  std::vector<sky::UnitVector> sources(n_sources);
  for (std::size_t i = 0; i < n_sources; ++i)
    sources[i] = sky::unit_vector(ra_deg[i], dec_deg[i]);
  std::int64_t hits = 0;
  for (std::int64_t k = 0; k < n_signal; ++k) {
    const auto j = std::min(n_sources - 1, static_cast<std::size_t>(uniform() * n_sources));
    const std::size_t e = std::min(angerr_pool_deg.size() - 1,
                                   static_cast<std::size_t>(uniform() * angerr_pool_deg.size()));
    const double angerr = angerr_pool_deg[e];
    // Radial offset of a 2-D Gaussian with σ = AngErr: r = σ sqrt(−2 ln u).
    const double r = angerr * std::sqrt(-2.0 * std::log(1.0 - uniform()));
    const double phi = 2.0 * std::numbers::pi * uniform();
    const auto v = offset_direction(ra_deg[j], dec_deg[j], r, phi);
    const double cos_radius = std::cos(angerr_scale * angerr * sky::DEG);
    bool near = v.dot(sources[j]) >= cos_radius;
    for (std::size_t i = 0; !near && i < n_sources; ++i)
      near = v.dot(sources[i]) >= cos_radius;
    hits += near ? 1 : 0;
  }
  return hits;
}

template <class Below>
std::vector<std::uint32_t> draw_without_replacement(std::size_t m, std::size_t n, Below&& below) {
  std::vector<std::uint32_t> idx(m);
  for (std::size_t i = 0; i < m; ++i)
    idx[i] = static_cast<std::uint32_t>(i);
  n = std::min(n, m);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(below(static_cast<std::uint64_t>(m - i)));
    std::swap(idx[i], idx[j]);
  }
  idx.resize(n);
  return idx;
}

} // namespace nuflare::coincidence
