#include "nuflare/sim/lightcurves.hpp"

#include "nuflare/campaign/rng.hpp"
#include "nuflare/sim/catalog.hpp"
#include "nuflare/sim/quantize.hpp"
#include "nuflare/sim/random.hpp"

#include <algorithm>
#include <cmath>

namespace nuflare::sim {

using campaign::TrialRng;

double flare_profile(double t, double start, double stop) {
  if (t >= start && t <= stop)
    return 1.0;
  const double tau = std::max(5.0, 0.1 * (stop - start));
  const double dist = t < start ? start - t : t - stop;
  return std::exp(-dist / tau);
}

namespace {

Flare make_flare(const std::string& source, const std::string& band, const std::string& kind,
                 double start, double duration, double amplitude) {
  Flare f;
  f.source = source;
  f.band = band;
  f.kind = kind;
  f.start_mjd = quantize(start, 2);
  f.stop_mjd = quantize(start + duration, 2);
  f.amplitude = quantize(amplitude, 3);
  return f;
}

} // namespace

std::vector<Flare> schedule_flares(const LightCurvesConfig& c, const std::string& source,
                                   const std::string& group, std::uint64_t seed,
                                   std::uint64_t index) {
  TrialRng rng(seed, "sim.flares", index);
  std::vector<Flare> out;
  // Infrared flares go where the infrared survey observes: after the gap.
  const double ir_lo = std::max(c.start_mjd, c.ir_gap_stop_mjd);
  const double amp_g = c.flare_gamma_amplitude * rng.uniform(0.6, 1.4);
  const double amp_i = c.flare_ir_amplitude * rng.uniform(0.6, 1.4);
  if (group == GROUP_CFS) {
    const double d = c.flare_cfs_days * rng.uniform(0.8, 1.2);
    const double t0 = rng.uniform(ir_lo, std::max(ir_lo, c.stop_mjd - d));
    out.push_back(make_flare(source, c.gamma_band, GROUP_CFS, t0, d, amp_g));
    out.push_back(make_flare(source, c.ir_band, GROUP_CFS, t0, d, amp_i));
  } else if (group == GROUP_NFS) {
    const double dg = c.flare_gamma_days * rng.uniform(0.8, 1.2);
    const double di = c.flare_ir_days * rng.uniform(0.8, 1.2);
    const double ti = rng.uniform(ir_lo, std::max(ir_lo, c.stop_mjd - di));
    double tg = 0;
    for (int attempt = 0; attempt < 100; ++attempt) {
      tg = rng.uniform(c.start_mjd, c.stop_mjd - dg);
      // Far apart: never simultaneous, and too far for a TXS-like pair.
      if (tg + dg < ti - NFS_SEPARATION_DAYS || tg > ti + di + NFS_SEPARATION_DAYS)
        break;
    }
    out.push_back(make_flare(source, c.gamma_band, GROUP_NFS, tg, dg, amp_g));
    out.push_back(make_flare(source, c.ir_band, GROUP_NFS, ti, di, amp_i));
  } else if (group == GROUP_TXS) {
    const double dg = c.flare_gamma_days * rng.uniform(0.8, 1.2);
    const double di = std::max(c.flare_ir_days * rng.uniform(0.8, 1.2), 1.5 * dg);
    const double lag = c.txs_lag_days * rng.uniform(0.7, 1.3);
    const double tg = rng.uniform(ir_lo, std::max(ir_lo, c.stop_mjd - dg - lag - di));
    out.push_back(make_flare(source, c.gamma_band, GROUP_TXS, tg, dg, amp_g));
    out.push_back(make_flare(source, c.ir_band, GROUP_TXS, tg + dg + lag, di, amp_i));
  }
  return out;
}

std::vector<Flare> alert_flares(const LightCurvesConfig& c, const std::string& source,
                                double alert_mjd, double gamma_amplitude, double ir_amplitude) {
  return {make_flare(source, c.gamma_band, "alert", alert_mjd - 0.5 * c.flare_gamma_days,
                     c.flare_gamma_days, gamma_amplitude),
          make_flare(source, c.ir_band, "alert", alert_mjd - 0.5 * c.flare_cfs_days,
                     c.flare_cfs_days, ir_amplitude)};
}

namespace {

//! ln-flux damped random walk (Ornstein-Uhlenbeck) on a daily grid: exact
//! update x' = x e^{-1/tau} + sigma sqrt(1 - e^{-2/tau}) N, stationary start.
std::vector<double> drw_daily(TrialRng& rng, std::size_t days, double tau_days, double sigma) {
  std::vector<double> x(days);
  const double decay = std::exp(-1.0 / tau_days);
  const double kick = sigma * std::sqrt(1.0 - decay * decay);
  double v = sigma * rng.normal();
  for (auto& xi : x) {
    xi = v;
    v = v * decay + kick * rng.normal();
  }
  return x;
}

//! Flux / quiescent flux at time t: red noise plus the band's flares.
double relative_flux(const std::vector<double>& drw, double start, double t,
                     const std::vector<const Flare*>& flares) {
  const double pos = std::clamp(t - start, 0.0, static_cast<double>(drw.size() - 1));
  const auto i = static_cast<std::size_t>(pos);
  const std::size_t j = std::min(i + 1, drw.size() - 1);
  const double w = pos - static_cast<double>(i);
  double f = std::exp((1 - w) * drw[i] + w * drw[j]);
  for (const Flare* fl : flares)
    f += fl->amplitude * flare_profile(t, fl->start_mjd, fl->stop_mjd);
  return f;
}

} // namespace

SourceCurves simulate_source_curves(const LightCurvesConfig& c, const std::string& source,
                                    const std::vector<Flare>& flares, std::uint64_t seed,
                                    std::uint64_t index) {
  TrialRng rng(seed, "sim.lc", index);
  std::vector<const Flare*> gamma_flares, ir_flares;
  for (const auto& f : flares) {
    if (f.source != source)
      continue;
    if (f.band == c.gamma_band)
      gamma_flares.push_back(&f);
    else if (f.band == c.ir_band)
      ir_flares.push_back(&f);
  }
  const auto days = static_cast<std::size_t>(std::ceil(c.stop_mjd - c.start_mjd)) + 2;
  const double fq_gamma = draw_lognormal(rng, c.gamma_flux, 0.7);
  const double fq_ir = draw_lognormal(rng, c.ir_flux_mjy, 0.8);
  const auto drw_g = drw_daily(rng, days, c.drw_tau_days, c.drw_sigma_gamma);
  const auto drw_i = drw_daily(rng, days, c.drw_tau_days * 1.5, c.drw_sigma_ir);

  SourceCurves out;
  // Fermi-like: bin-averaged flux (daily samples), Gaussian noise with a
  // floor plus 10 %; bins below gamma_ul_snr become 2-sigma upper limits.
  auto& g = out.gamma;
  g.source = source;
  g.band = c.gamma_band;
  for (double t0 = c.start_mjd; t0 + c.gamma_bin_days <= c.stop_mjd + 1e-9;
       t0 += c.gamma_bin_days) {
    double sum = 0;
    int n = 0;
    for (double t = t0 + 0.5; t < t0 + c.gamma_bin_days; t += 1.0, ++n)
      sum += relative_flux(drw_g, c.start_mjd, t, gamma_flares);
    const double truth = fq_gamma * sum / std::max(n, 1);
    const double sigma = std::hypot(c.gamma_noise, 0.1 * truth);
    const double measured = truth + sigma * rng.normal();
    g.mjd.push_back(quantize(t0 + 0.5 * c.gamma_bin_days, 4));
    if (measured / sigma < c.gamma_ul_snr) {
      g.flux.push_back(quantize_significant(std::max(measured, 0.0) + 2.0 * sigma, 5));
      g.flux_err.push_back(0.0);
      g.upper_limit.push_back(1);
    } else {
      g.flux.push_back(quantize_significant(measured, 5));
      g.flux_err.push_back(quantize_significant(sigma, 4));
      g.upper_limit.push_back(0);
    }
  }
  // WISE-like: visits every ir_cadence_days from a source-dependent phase,
  // none inside the survey gap, ir_exposures exposures within ~1.5 days.
  auto& ir = out.ir;
  ir.source = source;
  ir.band = c.ir_band;
  const double phase = rng.uniform(0.0, c.ir_cadence_days);
  for (double tv = c.ir_first_mjd + phase; tv + 2.0 <= c.stop_mjd; tv += c.ir_cadence_days) {
    if (tv < c.start_mjd || (tv >= c.ir_gap_start_mjd && tv <= c.ir_gap_stop_mjd))
      continue;
    const double visit_flux = fq_ir * relative_flux(drw_i, c.start_mjd, tv, ir_flares);
    const double step = 1.5 / std::max(c.ir_exposures, 1);
    for (int k = 0; k < c.ir_exposures; ++k) {
      const double t = tv + k * step + rng.uniform(0.0, 0.2 * step);
      const double sigma = c.ir_noise_fraction * visit_flux + 0.05;
      ir.mjd.push_back(quantize(t, 5));
      ir.flux.push_back(quantize_significant(visit_flux + sigma * rng.normal(), 5));
      ir.flux_err.push_back(quantize_significant(sigma, 4));
      ir.upper_limit.push_back(0);
    }
  }
  return out;
}

} // namespace nuflare::sim
