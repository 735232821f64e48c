#include "nuflare/campaign/sensitivity_campaign.hpp"

#include "nuflare/campaign/rng.hpp"
#include "nuflare/campaign/shared_spatial.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/core/validation.hpp"
#include "nuflare/io/tables.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace nuflare::campaign {

std::vector<SensitivityGroupResult>
run_sensitivity_campaign(io::Archive& archive, MPI_Comm comm, const io::EventSample& events,
                         const coincidence::SpatialIndexView& index,
                         const io::SourceCatalog& catalog, std::span<const SourceGroup> groups,
                         const SensitivityConfig& config) {
  const std::vector<double> thresholds(index.thresholds.begin(), index.thresholds.end());
  // The threshold closest to the requested one (thresholds are a 0.1-dex grid).
  std::size_t column = 0;
  for (std::size_t i = 1; i < thresholds.size(); ++i)
    if (std::abs(thresholds[i] - config.log10e_threshold) <
        std::abs(thresholds[column] - config.log10e_threshold))
      column = i;
  if (thresholds.empty() || std::abs(thresholds[column] - config.log10e_threshold) > 1e-9)
    throw core::FieldError("log10e", std::to_string(config.log10e_threshold) +
                                         " is not one of the thresholds (log10e_min/max/step)");
  // Injected events take AngErr from the selected events above the threshold.
  std::vector<double> angerr_pool;
  for (std::size_t i = 0; i < events.size(); ++i)
    if (events.log10_e[i] >= thresholds[column] - 1e-12 &&
        events.angerr_deg[i] <= config.spatial.max_angerr_deg)
      angerr_pool.push_back(events.angerr_deg[i]);
  if (angerr_pool.empty())
    throw core::ConfigError("no events above the sensitivity threshold");
  if (config.strengths.empty())
    throw core::FieldError("strengths", "empty list");

  const std::uint64_t n_signal_total = config.strengths.size() * config.signal_trials;
  // Largest counts: every selected track, plus every injected event with a signal.
  const double most_injected = *std::max_element(config.strengths.begin(), config.strengths.end());
  const std::uint64_t max_background = index.n_selected();
  const std::optional<std::uint64_t> max_signal =
      most_injected >= 0 && most_injected < 1e15
          ? std::optional(max_background + static_cast<std::uint64_t>(std::llround(most_injected)))
          : std::nullopt;
  // Every group's tables at once, once per node, built split over its ranks.
  const std::vector<std::vector<double>> decs = group_declinations(catalog, groups);
  const SharedSpatialTables tables(comm, index, decs);
  std::vector<SensitivityGroupResult> results;
  for (std::size_t j = 0; j < groups.size(); ++j) {
    const auto& group = groups[j];
    const std::vector<double>& dec = decs[j];
    coincidence::SpatialCounter counter(index, tables.group(j));
    ScrambledSkies skies(counter, config.seed, index.n_thresholds());
    std::vector<std::uint64_t> sky;
    const std::string base = "/sensitivity/" + group.name;
    RunnerOptions opts = config.runner;
    opts.label = "background trials of " + group.name;

    TrialRunner background(archive, comm, base + "/background", config.background_trials, opts);
    const auto bg = background.add<std::int64_t>("statistic", 1, "events",
                                                 "count at the threshold for RA-scrambled sources",
                                                 max_background);
    background.run_batched([&](std::span<const std::uint64_t> g, std::span<TrialRows> rows) {
      skies.count(g);
      for (std::size_t k = 0; k < g.size(); ++k)
        rows[k].i64[bg][0] = skies.n_near(k)[column];
    });

    opts.label = "signal trials of " + group.name;
    TrialRunner signal(archive, comm, base + "/signal", n_signal_total, opts);
    const auto sg = signal.add<std::int64_t>(
        "statistic", 1, "events", "count with injected events; row s·N_signal + k", max_signal);
    // Signal trial s·N + k adds injected events to background sky k.
    signal.run_batched([&](std::span<const std::uint64_t> g, std::span<TrialRows> rows) {
      sky.resize(g.size());
      for (std::size_t j = 0; j < g.size(); ++j)
        sky[j] = g[j] % config.signal_trials;
      skies.count(sky);
      for (std::size_t j = 0; j < g.size(); ++j) {
        const std::uint64_t s = g[j] / config.signal_trials;
        TrialRng rng(config.seed, INJECTION_STREAM, g[j]);
        const auto n_inject = static_cast<std::int64_t>(std::llround(config.strengths[s]));
        rows[j].i64[sg][0] = skies.n_near(j)[column] +
                             coincidence::inject_and_count(skies.ra(j), dec, n_inject, angerr_pool,
                                                           config.spatial.angerr_scale,
                                                           [&rng] { return rng.uniform(); });
      }
    });

    SensitivityGroupResult r;
    r.group = group.name;
    r.n_sources = static_cast<std::int64_t>(group.members.size());
    r.log10e_threshold = thresholds[column];
    r.result = coincidence::summarize_sensitivity(
        background.gather<std::int64_t>(bg), signal.gather<std::int64_t>(sg), config.strengths);
    results.push_back(std::move(r));
  }
  return results;
}

io::Table sensitivity_curve_table(std::span<const SensitivityGroupResult> results) {
  // One row per group and injected strength.
  struct Row {
    const SensitivityGroupResult* r;
    std::size_t s;
    [[nodiscard]] double at(const std::vector<double> coincidence::SensitivityResult::*v) const {
      return (r->result.*v)[s];
    }
  };
  std::vector<Row> rows;
  for (const auto& r : results)
    for (std::size_t s = 0; s < r.result.strengths.size(); ++s)
      rows.push_back({&r, s});
  using C = io::ColumnOf<Row>;
  using S = coincidence::SensitivityResult;
  const std::vector<C> columns{
      C("group", "", "source group", [](const Row& x) { return x.r->group; }),
      C("strength", "events", "injected events per trial",
        [](const Row& x) { return x.at(&S::strengths); }),
      C("frac_p05", "", "fraction of signal trials with p < 0.05",
        [](const Row& x) { return x.at(&S::frac_p05); }),
      C("frac_3sigma", "", "fraction with p <= 1.35e-3",
        [](const Row& x) { return x.at(&S::frac_3sigma); }),
      C("frac_5sigma", "", "fraction with p <= 2.87e-7",
        [](const Row& x) { return x.at(&S::frac_5sigma); }),
      C("median_p", "", "median pre-trial p of the signal trials",
        [](const Row& x) { return x.at(&S::median_p); }),
  };
  return io::make_table(rows, columns);
}

io::Table sensitivity_summary_table(std::span<const SensitivityGroupResult> results) {
  using R = SensitivityGroupResult;
  using C = io::ColumnOf<R>;
  const std::vector<C> columns{
      C("group", "", "source group", &R::group),
      C("n_sources", "", "sources in the group", &R::n_sources),
      C("log10e_min", "log10(E/GeV)", "energy threshold", &R::log10e_threshold),
      C("sensitivity", "events",
        "injected events for which 90% of trials give p < 0.05 (NaN: not reached)",
        [](const R& r) { return r.result.sensitivity; }),
      C("discovery_3sigma", "events", "injected events for which 50% of trials reach 3 sigma",
        [](const R& r) { return r.result.discovery_3sigma; }),
      C("discovery_5sigma", "events",
        "injected events for which 50% of trials reach 5 sigma "
        "(NaN when p_floor is above the 5 sigma p)",
        [](const R& r) { return r.result.discovery_5sigma; }),
      C("p_floor", "", "smallest p the background trials resolve",
        [](const R& r) { return r.result.p_floor; }),
  };
  return io::make_table(results, std::span<const C>(columns));
}

} // namespace nuflare::campaign
