#pragma once
//! The spatial trial campaign (docs/methods.md; blazar paper §6.3, Table 6,
//! Fig. 12–13): for every source group, the observed track counts and the
//! counts of `n_trials` RA-scrambled skies, computed over MPI ranks with
//! TrialRunner and summarised exactly from the integer counts.
//!
//! Archive layout (docs/methods.md (spatial test), docs/archive-format.md):
//!   /spatial/<group>/thresholds_log10e     [n_thresholds]
//!   /spatial/<group>/n_observed            [n_thresholds]
//!   /spatial/<group>/trials/n_near         [n_trials × n_thresholds] (the narrowest
//!                                          unsigned type holding n_selected_events)
//!   /spatial/<group>/trials/done           [n_trials × 1] uint8 (checkpoints)
//!   /spatial/summary, /spatial/table6, /spatial/table2, /spatial/flux_limit
#include "nuflare/campaign/runner.hpp"
#include "nuflare/coincidence/flux_limit.hpp"
#include "nuflare/coincidence/spatial.hpp"
#include "nuflare/io/archive.hpp"
#include "nuflare/io/records.hpp"

#include <mpi.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace nuflare::campaign {

//! The RNG stream of the RA scrambles (docs/methods.md).
inline constexpr const char* SPATIAL_RA_STREAM = "spatial.ra";

//! Settings of a spatial campaign.
struct SpatialCampaignConfig {
  coincidence::SpatialConfig spatial;
  std::uint64_t n_trials = 100000; //!< RA-scrambled skies per group (paper: 10⁵)
  std::uint64_t seed = 0;          //!< master seed
  RunnerOptions runner;

  //! The keys of a spatial campaign (docs/cli.md, `nuflare spatial`).
  static const core::OptionTable<SpatialCampaignConfig>& options();
};

inline const core::OptionTable<SpatialCampaignConfig>& SpatialCampaignConfig::options() {
  using C = SpatialCampaignConfig;
  static const auto table = core::OptionTable<C>()
                                .add("trials", &C::n_trials, "", "RA-scrambled trials per group",
                                     core::Count{1, MAX_TRIALS})
                                .add("seed", &C::seed, "", "master seed of the trial RNG")
                                .include(&C::spatial, coincidence::SpatialConfig::options())
                                .include(&C::runner, RunnerOptions::options());
  return table;
}

//! The members of one source group, in catalogue order.
struct SourceGroup {
  std::string name;
  std::vector<std::size_t> members; //!< row indices into the catalogue
};

//! Groups of a catalogue in order of first appearance. Throws
//! core::ConfigError for a name that is empty, holds '/', or is a reserved
//! table name (summary, table6, table2, flux_limit).
[[nodiscard]] std::vector<SourceGroup> source_groups(const io::SourceCatalog& catalog);

//! Each group's source declinations [deg] in member order: what
//! SharedSpatialTables builds every group's tables from.
[[nodiscard]] std::vector<std::vector<double>>
group_declinations(const io::SourceCatalog& catalog, std::span<const SourceGroup> groups);

//! Trial g's scrambled right ascensions [deg], uniform in [0, 360), one per
//! source in order, from TrialRng(seed, "spatial.ra", g). A group's trials
//! therefore do not depend on which other groups share the run.
void scramble_ra(std::uint64_t seed, std::uint64_t g, std::span<double> ra_deg);

//! Scrambled skies and their counts, many at a time: the counter reads its
//! tables once per batch of skies (coincidence::SpatialCounter::count).
class ScrambledSkies {
public:
  //! `counter` must outlive this object.
  ScrambledSkies(coincidence::SpatialCounter& counter, std::uint64_t seed, std::size_t n_thresholds)
      : counter_(&counter), seed_(seed), n_thr_(n_thresholds) {}

  //! Scrambles sky g[k] (scramble_ra) for every k and counts them all.
  void count(std::span<const std::uint64_t> g);
  //! Sky k of the last count(): the sources' RAs, and N per threshold.
  [[nodiscard]] std::span<const double> ra(std::size_t k) const;
  [[nodiscard]] std::span<const std::int64_t> n_near(std::size_t k) const;

private:
  coincidence::SpatialCounter* counter_;
  std::uint64_t seed_;
  std::size_t n_thr_;
  std::vector<double> ra_;
  std::vector<std::int64_t> n_near_;
};

//! Result of one group.
struct SpatialGroupResult {
  std::string group;
  std::int64_t n_sources = 0;
  std::vector<double> thresholds_log10e;
  std::vector<coincidence::TrialSummary> summary; //!< one per threshold
};

//! Runs every group's trials (collective over `comm`), writing the per-group
//! datasets listed above. Every rank returns the same results. `index` is
//! the same on every rank (a SharedSpatialIndex, one copy per node, or each
//! rank's own); the groups' interval tables are built once per node
//! (SharedSpatialTables), and each group's trials are summarised by one rank.
[[nodiscard]] std::vector<SpatialGroupResult>
run_spatial_campaign(io::Archive& archive, MPI_Comm comm,
                     const coincidence::SpatialIndexView& index, const io::SourceCatalog& catalog,
                     std::span<const SourceGroup> groups, const SpatialCampaignConfig& config);
//! The same with every rank's own index.
[[nodiscard]] std::vector<SpatialGroupResult>
run_spatial_campaign(io::Archive& archive, MPI_Comm comm, const coincidence::SpatialIndex& index,
                     const io::SourceCatalog& catalog, std::span<const SourceGroup> groups,
                     const SpatialCampaignConfig& config);

//! Summary table (one row per group and threshold): group, log10e_min,
//! n_observed, n_expected, sigma, p16, p84, excess, n_at_least, p_value.
[[nodiscard]] io::Table spatial_summary_table(std::span<const SpatialGroupResult> results);
//! Table 6 layout: per threshold three rows (N_measured, N_expected, 1sigma),
//! one column per group.
[[nodiscard]] io::Table spatial_table6(std::span<const SpatialGroupResult> results);

//! Table 2 row of one group.
struct PotentialSourceRow {
  std::string group;
  coincidence::PotentialSources counts;
};
//! Table 2: group, n_sources, n_in_alert_region, n_warm_spot, n_potential, fraction.
[[nodiscard]] io::Table spatial_table2(std::span<const PotentialSourceRow> rows);

//! One flux-limit row (paper §7.4).
struct FluxLimitRow {
  coincidence::FluxLimitConfig config;
  double livetime_days = 0;
  coincidence::FluxLimit limit;
};
//! Flux-limit table: log10e_min, log10e_max, n_events, spectral_index,
//! pivot_gev, livetime_days, exposure, phi0, fraction_at_pivot, fraction_in_bin.
[[nodiscard]] io::Table spatial_flux_limit_table(std::span<const FluxLimitRow> rows);

} // namespace nuflare::campaign
