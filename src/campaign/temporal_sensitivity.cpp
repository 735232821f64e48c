#include "nuflare/campaign/temporal_sensitivity.hpp"

#include "nuflare/campaign/rng.hpp"
#include "nuflare/campaign/temporal_campaign.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/core/validation.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace nuflare::campaign {

std::vector<std::uint32_t> draw_flare_pairs(std::uint64_t seed, std::uint64_t g,
                                            std::size_t n_pairs, std::size_t n) {
  TrialRng rng(seed, FLARE_INJECTION_STREAM, g);
  return coincidence::draw_without_replacement(n_pairs, n,
                                               [&rng](std::uint64_t k) { return rng.below(k); });
}

TemporalSensitivityResult run_temporal_sensitivity_campaign(
    io::Archive& archive, MPI_Comm comm, std::span<const coincidence::FlareSeries> series,
    std::span<const io::Alert> alerts, const TemporalSensitivityConfig& config) {
  if (config.strengths.empty())
    throw core::FieldError("strengths", "empty list");
  for (double s : config.strengths)
    if (!(s >= 0) || s != std::floor(s))
      throw core::FieldError("strengths", "the time test injects whole flares (0, 1, 2, ...)");
  if (!(config.amplitude > 0) || !std::isfinite(config.amplitude))
    throw core::FieldError("flare_amplitude", "must be a positive number");
  if (config.background_trials == 0 || config.signal_trials == 0)
    throw core::FieldError(config.background_trials == 0 ? "trials" : "signal_trials",
                           "must be at least 1");

  // A 1 × 1 scan: background trial k is `nuflare scan` trial k at this point.
  const coincidence::ScanEngine engine(series, std::vector<io::Alert>(alerts.begin(), alerts.end()),
                                       {config.delta_t_days}, {config.factor}, config.shape,
                                       config.flare_cut);
  const coincidence::RKernel kernel(series, config.flare_cut);

  if (!archive.exists("/sensitivity")) {
    archive.create_group("/sensitivity");
    archive.set_attribute("/sensitivity", "test", std::string("temporal"));
    archive.set_attribute("/sensitivity", "statistic", std::string("R(0) at (delta_t, factor)"));
    archive.set_attribute("/sensitivity", "band", config.band);
    archive.set_attribute("/sensitivity", "delta_t_days", config.delta_t_days);
    archive.set_attribute("/sensitivity", "factor", config.factor);
    archive.set_attribute("/sensitivity", "flare_amplitude", config.amplitude);
  }

  RunnerOptions opts = config.runner;
  opts.label = "background trials";
  TrialRunner background(archive, comm, "/sensitivity/background", config.background_trials, opts);
  const auto bg = background.add<double>("statistic", 1, "",
                                         "R(0) for scrambled alert RAs (= nuflare scan trial k)");
  // At most every (source, alert) pair; at most the largest strength injected.
  const auto bg_pairs = background.add<std::int64_t>("n_pairs", 1, "pairs", "(source, alert) pairs",
                                                     std::uint64_t{series.size()} * alerts.size());
  std::vector<double> ra(engine.n_alerts());
  background.run([&](std::uint64_t g, TrialRows& rows) {
    scramble_alert_ra(config.seed, SCAN_RA_STREAM, g, ra);
    engine.evaluate(ra, rows.f64[bg], rows.i64[bg_pairs]);
  });

  const std::uint64_t n_signal = config.signal_trials;
  opts.label = "signal trials";
  TrialRunner signal(archive, comm, "/sensitivity/signal", config.strengths.size() * n_signal,
                     opts);
  const auto sg =
      signal.add<double>("statistic", 1, "", "R(0) with injected flares; row s·N_signal + k");
  const double most_injected = *std::max_element(config.strengths.begin(), config.strengths.end());
  const auto sg_n = signal.add<std::int64_t>(
      "n_injected", 1, "flares", "flares injected (the strength, or every pair when fewer)",
      most_injected >= 0 && most_injected < 1e15
          ? std::optional(static_cast<std::uint64_t>(most_injected))
          : std::nullopt);
  signal.run([&](std::uint64_t g, TrialRows& rows) {
    const std::uint64_t s = g / n_signal, k = g % n_signal;
    scramble_alert_ra(config.seed, SCAN_RA_STREAM, k, ra); // background sky k
    const auto pairs = engine.pairs(0, ra);
    const auto want = static_cast<std::size_t>(config.strengths[s]);
    const std::size_t n = std::min(want, pairs.size());
    rows.i64[sg_n][0] = static_cast<std::int64_t>(n);
    if (n == 0) { // nothing injected: exactly background trial k
      std::int64_t n_pairs = 0;
      engine.evaluate(ra, rows.f64[sg], std::span<std::int64_t>(&n_pairs, 1));
      return;
    }
    std::vector<std::uint8_t> chosen(pairs.size(), 0);
    for (auto i : draw_flare_pairs(config.seed, g, pairs.size(), n))
      chosen[i] = 1;
    rows.f64[sg][0] = coincidence::r0_with_flares(kernel, series, pairs, chosen,
                                                  config.delta_t_days, config.amplitude);
  });

  TemporalSensitivityResult r;
  r.band = config.band;
  r.delta_t_days = config.delta_t_days;
  r.factor = config.factor;
  r.amplitude = config.amplitude;
  r.n_alerts = static_cast<std::int64_t>(alerts.size());
  r.n_sources = static_cast<std::int64_t>(series.size());
  const auto n_pairs = background.gather<std::int64_t>(bg_pairs);
  std::int64_t total_pairs = 0; // exact integer sum: the same for any rank count
  for (auto p : n_pairs)
    total_pairs += p;
  r.mean_pairs = static_cast<double>(total_pairs) / static_cast<double>(n_pairs.size());
  const auto injected = signal.gather<std::int64_t>(sg_n);
  for (std::size_t s = 0; s < config.strengths.size(); ++s) {
    std::int64_t sum = 0;
    for (std::uint64_t k = 0; k < n_signal; ++k)
      sum += injected[s * n_signal + k];
    r.mean_injected.push_back(static_cast<double>(sum) / static_cast<double>(n_signal));
  }
  r.result = coincidence::summarize_sensitivity(background.gather<double>(bg),
                                                signal.gather<double>(sg), config.strengths);
  return r;
}

io::Table temporal_sensitivity_summary_table(const TemporalSensitivityResult& r) {
  io::Table t;
  t.columns.push_back({"band", std::vector<std::string>{r.band}, "", "light-curve band"});
  t.columns.push_back({"delta_t", std::vector<double>{r.delta_t_days}, "d", "time window ΔT"});
  t.columns.push_back(
      {"factor", std::vector<double>{r.factor}, "", "containment factor of the alert regions"});
  t.columns.push_back({"flare_amplitude", std::vector<double>{r.amplitude}, "quiescent flux",
                       "injected flare level"});
  t.columns.push_back({"n_alerts", std::vector<std::int64_t>{r.n_alerts}, "", "selected alerts"});
  t.columns.push_back(
      {"mean_pairs", std::vector<double>{r.mean_pairs}, "pairs", "mean pairs per scrambled sky"});
  t.columns.push_back({"sensitivity", std::vector<double>{r.result.sensitivity}, "flares",
                       "injected flares for which 90% of trials give p < 0.05 (NaN: not reached)"});
  t.columns.push_back({"discovery_3sigma", std::vector<double>{r.result.discovery_3sigma}, "flares",
                       "injected flares for which 50% of trials reach 3 sigma"});
  t.columns.push_back({"discovery_5sigma", std::vector<double>{r.result.discovery_5sigma}, "flares",
                       "injected flares for which 50% of trials reach 5 sigma "
                       "(NaN when p_floor is above the 5 sigma p)"});
  t.columns.push_back({"p_floor", std::vector<double>{r.result.p_floor}, "",
                       "smallest p the background trials resolve"});
  return t;
}

io::Table temporal_sensitivity_curve_table(const TemporalSensitivityResult& r) {
  io::Table t;
  t.columns.push_back({"strength", r.result.strengths, "flares", "flares to inject per trial"});
  t.columns.push_back({"mean_injected", r.mean_injected, "flares",
                       "mean flares injected (fewer when a sky has fewer pairs)"});
  t.columns.push_back(
      {"frac_p05", r.result.frac_p05, "", "fraction of signal trials with p < 0.05"});
  t.columns.push_back({"frac_3sigma", r.result.frac_3sigma, "", "fraction with p <= 1.35e-3"});
  t.columns.push_back({"frac_5sigma", r.result.frac_5sigma, "", "fraction with p <= 2.87e-7"});
  t.columns.push_back(
      {"median_p", r.result.median_p, "", "median pre-trial p of the signal trials"});
  return t;
}

} // namespace nuflare::campaign
