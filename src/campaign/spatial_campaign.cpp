// The spatial trial campaign (blazar paper §6.3, Table 6; docs/methods.md).
#include "nuflare/campaign/spatial_campaign.hpp"

#include "nuflare/campaign/collective.hpp"
#include "nuflare/campaign/rng.hpp"
#include "nuflare/campaign/shared_spatial.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/tables.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <type_traits>

namespace nuflare::campaign {

std::vector<SourceGroup> source_groups(const io::SourceCatalog& catalog) {
  std::vector<SourceGroup> out;
  std::map<std::string, std::size_t> where;
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    const std::string& g = catalog.group.size() == catalog.size() ? catalog.group[i] : "all";
    auto [it, fresh] = where.emplace(g, out.size());
    if (fresh) {
      if (g.empty() || g.find('/') != std::string::npos || g == "summary" || g == "table6" ||
          g == "table2" || g == "flux_limit" || g == "." || g == "..")
        throw core::ConfigError("source group name \"" + g +
                                "\" cannot name an archive group (empty, '/', or reserved)");
      out.push_back({g, {}});
    }
    out[it->second].members.push_back(i);
  }
  return out;
}

namespace {
// Skies per counter call (their hit lists stay in the cache), and at least
// this many trials per rank between the runner's synchronisations: a round of
// 2048 spatial trials takes tens of milliseconds, so a rank that the machine
// slowed for a moment holds the others up less often than at every 256.
constexpr std::size_t COUNT_BATCH = 256;
constexpr std::uint64_t SYNC_TRIALS = 2048;
} // namespace

void scramble_ra(std::uint64_t seed, std::uint64_t g, std::span<double> ra_deg) {
  // docs/methods.md: a uniform new RA in [0, 360) per scrambled object, Dec kept;
  // the trial's global index is the counter, so any rank split gives the same sky.
  TrialRng rng(seed, SPATIAL_RA_STREAM, g);
  for (double& ra : ra_deg)
    ra = rng.uniform(0.0, 360.0);
}

void ScrambledSkies::count(std::span<const std::uint64_t> g) {
  const std::size_t n_src = counter_->n_sources();
  ra_.resize(g.size() * n_src);
  n_near_.resize(g.size() * n_thr_);
  for (std::size_t k = 0; k < g.size(); ++k)
    scramble_ra(seed_, g[k], std::span<double>(ra_).subspan(k * n_src, n_src));
  for (std::size_t first = 0; first < g.size(); first += COUNT_BATCH) {
    const std::size_t n = std::min(COUNT_BATCH, g.size() - first);
    counter_->count(std::span<const double>(ra_).subspan(first * n_src, n * n_src),
                    std::span<std::int64_t>(n_near_).subspan(first * n_thr_, n * n_thr_));
  }
}

std::span<const double> ScrambledSkies::ra(std::size_t k) const {
  const std::size_t n_src = counter_->n_sources();
  return std::span<const double>(ra_).subspan(k * n_src, n_src);
}

std::span<const std::int64_t> ScrambledSkies::n_near(std::size_t k) const {
  return std::span<const std::int64_t>(n_near_).subspan(k * n_thr_, n_thr_);
}

std::vector<std::vector<double>> group_declinations(const io::SourceCatalog& catalog,
                                                    std::span<const SourceGroup> groups) {
  std::vector<std::vector<double>> decs;
  for (const auto& group : groups) {
    decs.emplace_back();
    for (std::size_t i : group.members)
      decs.back().push_back(catalog.dec_deg[i]);
  }
  return decs;
}

std::vector<SpatialGroupResult> run_spatial_campaign(io::Archive& archive, MPI_Comm comm,
                                                     const coincidence::SpatialIndex& index,
                                                     const io::SourceCatalog& catalog,
                                                     std::span<const SourceGroup> groups,
                                                     const SpatialCampaignConfig& config) {
  return run_spatial_campaign(archive, comm, index.view(), catalog, groups, config);
}

std::vector<SpatialGroupResult> run_spatial_campaign(io::Archive& archive, MPI_Comm comm,
                                                     const coincidence::SpatialIndexView& index,
                                                     const io::SourceCatalog& catalog,
                                                     std::span<const SourceGroup> groups,
                                                     const SpatialCampaignConfig& config) {
  int rank = 0, size = 1;
  rank = comm_rank(comm);
  size = comm_size(comm);
  const std::size_t n_thr = index.n_thresholds();
  const std::vector<double> thresholds(index.thresholds.begin(), index.thresholds.end());
  // Every group's tables at once, once per node, built split over its ranks.
  const std::vector<std::vector<double>> decs = group_declinations(catalog, groups);
  const SharedSpatialTables tables(comm, index, decs);

  if (!archive.exists("/spatial"))
    archive.create_group("/spatial");
  std::vector<SpatialGroupResult> results;
  for (std::size_t j = 0; j < groups.size(); ++j) {
    const auto& group = groups[j];
    const std::string base = "/spatial/" + group.name;
    // One rank summarises each group (the groups take turns), so that the
    // others neither hold every trial's counts nor repeat the work; the
    // summaries are shared once all groups are done.
    const int root = static_cast<int>(j % static_cast<std::size_t>(size));
    // A counter's set-up reads the group's tables from the node's shared
    // block, so only the ranks that use one make it: rank 0, which writes the
    // observed counts, the group's summarising rank, which compares the
    // trials with them, and a rank that has trials, at its first batch. In a
    // short campaign on many ranks most ranks have none (docs/scaling.md,
    // "Cost model"). Counts never depend on which rank takes them.
    std::optional<coincidence::SpatialCounter> counter;
    const auto counter_here = [&]() -> coincidence::SpatialCounter& {
      if (!counter)
        counter.emplace(index, tables.group(j));
      return *counter;
    };
    std::vector<std::int64_t> observed(n_thr);
    if (rank == 0 || rank == root) {
      std::vector<double> ra;
      for (std::size_t i : group.members)
        ra.push_back(catalog.ra_deg[i]);
      counter_here().count(ra, observed);
    }
    // The others wait for them asleep rather than polling in the archive's
    // first collective step (collective.hpp).
    barrier_quietly(comm);

    if (!archive.exists(base)) {
      archive.create_group(base);
      archive.set_attribute(base, "n_sources", static_cast<std::int64_t>(group.members.size()));
      archive.set_attribute(base, "n_selected_events",
                            static_cast<std::int64_t>(index.n_selected()));
      archive.write_vector(base + "/thresholds_log10e", thresholds, "log10(E/GeV)",
                           "lower energy thresholds (reconstructed energy)");
      archive.write_vector(base + "/n_observed", std::span<const std::int64_t>(observed), "events",
                           "tracks with at least one source of the group in their circle");
      archive.write_vector(base + "/n_events_above", index.events_above, "events",
                           "selected tracks above each threshold");
    }

    RunnerOptions ro = config.runner;
    ro.label = "spatial " + group.name + " trials";
    ro.round_trials = std::max<std::uint64_t>(ro.round_trials, SYNC_TRIALS);
    TrialRunner runner(archive, comm, base, config.n_trials, ro);
    // A count never exceeds the selected tracks: IC40's 36 900 fit in uint16.
    const std::size_t counts = runner.add<std::int64_t>(
        "n_near", n_thr, "events",
        "per trial (RA-scrambled sources) and threshold: tracks with a source in their circle",
        index.n_selected());
    std::optional<ScrambledSkies> skies;
    runner.run_batched([&](std::span<const std::uint64_t> g, std::span<TrialRows> rows) {
      if (!skies)
        skies.emplace(counter_here(), config.seed, n_thr);
      skies->count(g);
      for (std::size_t k = 0; k < g.size(); ++k)
        std::ranges::copy(skies->n_near(k), rows[k].i64[counts].begin());
    });
    const auto all = runner.gather<std::int64_t>(counts, root);

    SpatialGroupResult r;
    r.group = group.name;
    r.n_sources = static_cast<std::int64_t>(group.members.size());
    r.thresholds_log10e = thresholds;
    r.summary.resize(n_thr);
    if (rank == root)
      r.summary = coincidence::summarize_trials(all, observed);
    results.push_back(std::move(r));
  }
  static_assert(std::is_trivially_copyable_v<coincidence::TrialSummary>);
  for (std::size_t j = 0; j < results.size(); ++j)
    broadcast_quietly(results[j].summary.data(), n_thr * sizeof(coincidence::TrialSummary),
                      static_cast<int>(j % static_cast<std::size_t>(size)), comm);
  return results;
}

io::Table spatial_summary_table(std::span<const SpatialGroupResult> results) {
  // One row per group and threshold.
  struct Row {
    const SpatialGroupResult* r;
    std::size_t k;
    [[nodiscard]] const coincidence::TrialSummary& s() const { return r->summary[k]; }
  };
  std::vector<Row> rows;
  for (const auto& r : results)
    for (std::size_t k = 0; k < r.summary.size(); ++k)
      rows.push_back({&r, k});
  using C = io::ColumnOf<Row>;
  const std::vector<C> columns{
      C("group", "", "source group", [](const Row& x) { return x.r->group; }),
      C("log10e_min", "log10(E/GeV)", "energy threshold (reconstructed)",
        [](const Row& x) { return x.r->thresholds_log10e[x.k]; }),
      C("n_observed", "events", "tracks with a source of the group in their circle",
        [](const Row& x) { return x.s().n_observed; }),
      C("n_expected", "events", "mean over RA-scrambled trials",
        [](const Row& x) { return x.s().n_expected; }),
      C("sigma", "events", "standard deviation over trials",
        [](const Row& x) { return x.s().sigma; }),
      C("p16", "events", "16th percentile of the trial counts",
        [](const Row& x) { return x.s().p16; }),
      C("p84", "events", "84th percentile of the trial counts",
        [](const Row& x) { return x.s().p84; }),
      C("excess", "events", "n_observed - n_expected", [](const Row& x) { return x.s().excess; }),
      C("n_at_least", "trials", "trials with a count >= n_observed",
        [](const Row& x) { return x.s().n_at_least; }),
      C("p_value", "", "right-tailed (M+1)/(N+1)", [](const Row& x) { return x.s().p_value; }),
  };
  return io::make_table(rows, columns);
}

io::Table spatial_table6(std::span<const SpatialGroupResult> results) {
  io::Table t;
  if (results.empty())
    return t;
  std::vector<double> thr;
  std::vector<std::string> row;
  std::vector<std::vector<double>> per_group(results.size());
  const auto& ref = results.front().thresholds_log10e;
  for (std::size_t k = 0; k < ref.size(); ++k)
    for (const char* what : {"N_measured", "N_expected", "1sigma"}) {
      thr.push_back(ref[k]);
      row.push_back(what);
      for (std::size_t j = 0; j < results.size(); ++j) {
        const auto& s = results[j].summary[k];
        const std::string w = what;
        per_group[j].push_back(w == "N_measured"   ? static_cast<double>(s.n_observed)
                               : w == "N_expected" ? s.n_expected
                                                   : s.sigma);
      }
    }
  t.columns.push_back({"log10e_min", thr, "log10(E/GeV)", "energy threshold"});
  t.columns.push_back({"row", row, "", "N_measured, N_expected (trial mean) or 1sigma"});
  for (std::size_t j = 0; j < results.size(); ++j)
    t.columns.push_back({results[j].group + " (" + std::to_string(results[j].n_sources) + ")",
                         per_group[j], "events", "group (number of sources)"});
  return t;
}

io::Table spatial_table2(std::span<const PotentialSourceRow> rows) {
  using R = PotentialSourceRow;
  using C = io::ColumnOf<R>;
  const std::vector<C> columns{
      C("group", "", "source group", &R::group),
      C("n_sources", "sources", "sources in the group",
        [](const R& r) { return r.counts.n_sources; }),
      C("n_in_alert_region", "sources", "inside a non-retracted alert's 90% region",
        [](const R& r) { return r.counts.n_in_alert_region; }),
      C("n_warm_spot", "sources", "flagged warm_spot in the catalogue",
        [](const R& r) { return r.counts.n_warm_spot; }),
      C("n_potential", "sources", "potential neutrino sources (region or warm spot)",
        [](const R& r) { return r.counts.n_potential; }),
      C("fraction", "", "n_potential / n_sources", [](const R& r) { return r.counts.fraction(); }),
  };
  return io::make_table(rows, std::span<const C>(columns));
}

io::Table spatial_flux_limit_table(std::span<const FluxLimitRow> rows) {
  using R = FluxLimitRow;
  using C = io::ColumnOf<R>;
  const std::vector<C> columns{
      C("log10e_min", "log10(E/GeV)", "energy bin lower edge (true neutrino energy)",
        [](const R& r) { return r.config.log10e_min; }),
      C("log10e_max", "log10(E/GeV)", "energy bin upper edge",
        [](const R& r) { return r.config.log10e_max; }),
      C("n_events", "events", "excess attributed to the sources (eq. 2)",
        [](const R& r) { return r.config.n_events; }),
      C("spectral_index", "", "gamma of E^-gamma",
        [](const R& r) { return r.config.spectral_index; }),
      C("pivot_gev", "GeV", "energy where phi0 is quoted",
        [](const R& r) { return r.config.pivot_gev; }),
      C("livetime_days", "d", "summed good-run livetime of the seasons", &R::livetime_days),
      C("exposure", "cm2 s GeV", "sum over seasons of livetime x int A_eff (E/E0)^-gamma dE",
        [](const R& r) { return r.limit.exposure_cm2_s_gev; }),
      C("phi0", "GeV-1 cm-2 s-1", "flux normalisation at the pivot (upper limit)",
        [](const R& r) { return r.limit.phi0; }),
      C("fraction_at_pivot", "", "phi0 / (4 pi phi_diffuse(E0))",
        [](const R& r) { return r.limit.fraction_at_pivot; }),
      C("fraction_in_bin", "", "flux in the bin / diffuse flux in the bin (4 pi)",
        [](const R& r) { return r.limit.fraction_in_bin; }),
  };
  return io::make_table(rows, std::span<const C>(columns));
}

} // namespace nuflare::campaign
