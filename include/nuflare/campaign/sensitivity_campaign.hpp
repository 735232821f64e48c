#pragma once
//! Sensitivity and discovery potential of the spatial test (issue 7, beyond
//! the papers): background trials (RA-scrambled sources, as `nuflare spatial`)
//! and signal trials (the same scrambles plus injected neutrinos around the
//! sources), partitioned over MPI ranks by global trial index.
#include "nuflare/campaign/runner.hpp"
#include "nuflare/campaign/spatial_campaign.hpp"
#include "nuflare/coincidence/injection.hpp"
#include "nuflare/coincidence/spatial.hpp"

namespace nuflare::campaign {

inline constexpr const char* INJECTION_STREAM = "sensitivity.inject";

struct SensitivityConfig {
  coincidence::SpatialConfig spatial; //!< event selection and circle scale
  double log10e_threshold = 4.8;      //!< the threshold whose count is the test statistic
  std::uint64_t background_trials = 10000;
  std::uint64_t signal_trials = 1000; //!< per strength
  std::vector<double> strengths;      //!< injected events per trial
  std::uint64_t seed = 0;
  RunnerOptions runner;

  //! The keys of the spatial test's sensitivity (docs/cli.md, `nuflare
  //! sensitivity`); trial counts, seed and strengths are given apart (both
  //! tests share them).
  static const core::OptionTable<SensitivityConfig>& options();
};

inline const core::OptionTable<SensitivityConfig>& SensitivityConfig::options() {
  using C = SensitivityConfig;
  static const auto table = core::OptionTable<C>()
                                .add("log10e", &C::log10e_threshold, "log10(E/GeV)",
                                     "threshold whose count is the test statistic")
                                .include(&C::spatial, coincidence::SpatialConfig::options());
  return table;
}

struct SensitivityGroupResult {
  std::string group;
  std::int64_t n_sources = 0;
  double log10e_threshold = 0;
  coincidence::SensitivityResult result;
};

//! Runs background and signal trials for every group. Signal trial k of
//! strength s has global index s·N_signal + k (the sweep convention of docs/methods.md) and
//! shares its RA scramble with background trial k. `index` is the same on
//! every rank (a SharedSpatialIndex or each rank's SpatialIndex::view()); the
//! groups' tables are built once per node (SharedSpatialTables).
[[nodiscard]] std::vector<SensitivityGroupResult>
run_sensitivity_campaign(io::Archive& archive, MPI_Comm comm, const io::EventSample& events,
                         const coincidence::SpatialIndexView& index,
                         const io::SourceCatalog& catalog, std::span<const SourceGroup> groups,
                         const SensitivityConfig& config);

//! One row per group: sensitivity, 3σ and 5σ discovery potential [events].
[[nodiscard]] io::Table sensitivity_summary_table(std::span<const SensitivityGroupResult> results);
//! One row per (group, strength): the detection fractions behind the summary.
[[nodiscard]] io::Table sensitivity_curve_table(std::span<const SensitivityGroupResult> results);

} // namespace nuflare::campaign
