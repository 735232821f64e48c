#pragma once
//! The time campaigns (docs/methods.md; blazar paper §5, §6.2): the ΔT ×
//! containment-factor scan with alert-RA scrambling (Fig. 3), control-sample
//! trials of R(t) (Fig. 4–8) and the simultaneity test (Table 1, Fig. 10–11),
//! run over MPI ranks with TrialRunner.
//!
//! Trials are indexed globally and draw from TrialRng(seed, stream, g), so the
//! per-trial rows and every summary are identical for any rank count. The
//! grid points (scan) and shifts (control) are partitioned over ranks by index
//! for the pre-/post-trial p computation; the per-trial minimum p is combined
//! with an exact MPI_MIN.
//!
//! Archive layout (docs/methods.md (time campaigns)):
//!   /scan/{delta_t_days,factor,r0_observed,n_pairs_observed}, /scan/trials/{r0,n_pairs}
//!   /temporal/{shift_days,r_observed}, /temporal/trials/r
//!   /simultaneity/{observed}, /simultaneity/trials/rho_mean
//!   <group>/summary: the tables `nuflare table` prints.
#include "nuflare/campaign/inputs.hpp"
#include "nuflare/campaign/runner.hpp"
#include "nuflare/coincidence/simultaneity.hpp"
#include "nuflare/coincidence/temporal.hpp"
#include "nuflare/coincidence/temporal_control.hpp"
#include "nuflare/io/archive.hpp"

#include <mpi.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nuflare::campaign {

inline constexpr const char* SCAN_RA_STREAM = "scan.alert_ra";    //!< scan scrambles
inline constexpr const char* CONTROL_STREAM = "temporal.control"; //!< control draws
inline constexpr const char* SIMULTANEITY_RA_STREAM = "simultaneity.alert_ra";
inline constexpr const char* SIMULTANEITY_WARM_STREAM = "simultaneity.warm_spot";

//! Settings shared by the three campaigns.
struct TemporalCampaignConfig {
  std::uint64_t n_trials = 10000; //!< paper §5.1: 10⁴ (simultaneity: 10⁵)
  std::uint64_t seed = 0;         //!< master seed
  RunnerOptions runner;

  //! The keys of a time-test campaign (docs/cli.md: temporal, scan, simultaneity).
  static const core::OptionTable<TemporalCampaignConfig>& options();
};

inline const core::OptionTable<TemporalCampaignConfig>& TemporalCampaignConfig::options() {
  using C = TemporalCampaignConfig;
  static const auto table =
      core::OptionTable<C>()
          .add("trials", &C::n_trials, "", "number of trials", core::Count{1, MAX_TRIALS})
          .add("seed", &C::seed, "", "master seed of the trial RNG")
          .include(&C::runner, RunnerOptions::options());
  return table;
}

// --- statistics (pure; docs/methods.md) ---

//! Right-tailed (M+1)/(N+1) with M = #trials ≥ observed (NaN trials never
//! count); NaN when the observed value is NaN.
[[nodiscard]] double right_tail_p(double observed, std::span<const double> trials) noexcept;
//! Percentile q ∈ [0, 100] with linear interpolation (numpy's default) over
//! the finite values; NaN when there are none.
[[nodiscard]] double percentile(std::span<const double> values, double q);
//! Mean of the finite values; NaN when there are none.
[[nodiscard]] double finite_mean(std::span<const double> values) noexcept;
//! Every trial's smallest pre-trial p over the columns [col_begin, col_end) of
//! a row-major [n_trials × n_cols] matrix. A trial's p in a column is
//! #{trials ≥ its value}/N (its own value counted: the leave-one-out form of
//! (M+1)/(N+1)); a NaN value has p = 1.
[[nodiscard]] std::vector<double> trial_min_p(std::span<const double> trials, std::size_t n_cols,
                                              std::size_t col_begin, std::size_t col_end);
//! Post-trial p (docs/methods.md): (#{trials with min p ≤ observed min p} + 1)/(N + 1);
//! NaN when every observed p is NaN.
[[nodiscard]] double post_trial_p(std::span<const double> observed_p,
                                  std::span<const double> trial_min_p) noexcept;

// --- the ΔT × factor scan (Fig. 3) ---

//! Trial g's scrambled alert RAs [deg] (docs/methods.md), one per alert in order.
void scramble_alert_ra(std::uint64_t seed, const char* stream, std::uint64_t g,
                       std::span<double> ra_deg);

struct ScanResult {
  std::vector<double> delta_t_days, factor; //!< per grid point (ΔT-major)
  std::vector<std::int64_t> n_pairs;        //!< observed pairs
  std::vector<double> r0, p_value;          //!< observed R(0), pre-trial p
  std::vector<double> r0_trial_mean;        //!< mean trial R(0)
  double post_trial_p = 0;
  std::size_t best = 0; //!< grid point with the smallest pre-trial p
};

//! Runs the scan (collective); every rank returns the same result. The scan
//! is a sweep (sweep_campaign.cpp): the ΔT × factor grid of `engine` as one
//! engine group on the alert-RA scrambles, written in the /scan layout.
[[nodiscard]] ScanResult run_scan_campaign(io::Archive& archive, MPI_Comm comm,
                                           const coincidence::ScanEngine& engine,
                                           const TemporalCampaignConfig& config);
//! delta_t_days, factor, n_pairs, r0, r0_trial_mean, p_value, post_trial_p.
[[nodiscard]] io::Table scan_summary_table(const ScanResult& result);

//! A scan axis from comma-separated positive numbers; otherwise a
//! core::FieldError naming `field`: "every ΔT must be > 0 days, got -1".
[[nodiscard]] std::vector<double> positive_grid(const std::string& field, const std::string& text,
                                                const std::string& what, const std::string& unit);

// --- control-sample trials (Fig. 4–8) ---

//! Trial g of the control sample: `n_sources` distinct pool positions and one
//! alert index per source (blazar paper §5), from TrialRng(seed, "temporal.control", g).
void draw_control(std::uint64_t seed, std::uint64_t g, std::size_t pool_size, std::size_t n_alerts,
                  std::span<std::uint32_t> drawn_pool, std::span<std::uint32_t> drawn_alert);

struct ControlResult {
  std::vector<double> shift_days;
  std::vector<double> r_observed, r_trial_mean, r_trial_p16, r_trial_p84, p_value;
  double post_trial_p = 0;
  std::int64_t n_pairs = 0, n_sources = 0, pool_size = 0;
};

//! The control test at one ΔT and containment factor, set up as `nuflare
//! temporal` runs it (blazar paper §5.1.2): the observed pairs and the
//! engine whose pool is every source outside all alert regions.
struct ControlSetup {
  std::vector<coincidence::Pair> pairs; //!< observed (source, alert) pairs
  std::size_t n_sources = 0;            //!< distinct sources among them
  std::unique_ptr<coincidence::ControlEngine> engine;
};

//! Sets up the test on `in` at `shifts` (days); no pair is a
//! core::InputError naming `selection.sources`. NUFLARE_NO_AVX2 (any value)
//! keeps the SSE2 loop, for testing it (docs/methods.md).
[[nodiscard]] ControlSetup set_up_control(const TemporalInputs& in,
                                          const TemporalSelection& selection, double factor,
                                          double delta_t, std::vector<double> shifts);

//! Runs the control trials (collective): `observed` are the real pairs, each
//! trial draws `n_sources` sources from the engine's pool.
[[nodiscard]] ControlResult run_control_campaign(io::Archive& archive, MPI_Comm comm,
                                                 const coincidence::ControlEngine& engine,
                                                 std::span<const coincidence::Pair> observed,
                                                 std::size_t n_sources,
                                                 const TemporalCampaignConfig& config);
//! shift_days, r_observed, r_trial_mean, r_trial_p16, r_trial_p84, p_value, post_trial_p.
[[nodiscard]] io::Table control_summary_table(const ControlResult& result);

// --- simultaneity (Table 1, Fig. 10–11) ---

struct SimultaneityResult {
  std::vector<std::string> subgroup; //!< warm_spot, region_near, region_far
  std::vector<std::int64_t> n_sources;
  std::vector<double> rho_mean_observed, rho_mean_trials, p_value;
};

//! Trial g's warm-spot statistic (paper §6.2): the mean ρ of as many
//! sources drawn from `split.pool` as there are warm spots, from
//! TrialRng(seed, "simultaneity.warm_spot", g). `scratch` is reused between calls.
[[nodiscard]] double warm_spot_trial(std::uint64_t seed, std::uint64_t g,
                                     std::span<const coincidence::RhoSource> sources,
                                     const coincidence::WarmSpotSplit& split,
                                     std::vector<std::uint32_t>& scratch);

//! Runs the simultaneity trials (collective): alert-RA scrambles for the
//! region subgroups (rectangles × factor, split at split_deg), random subsets
//! of the non-warm-spot sources for the warm-spot subgroup.
[[nodiscard]] SimultaneityResult
run_simultaneity_campaign(io::Archive& archive, MPI_Comm comm,
                          std::span<const coincidence::RhoSource> sources,
                          std::span<const io::Alert> alerts, double factor, double split_deg,
                          const TemporalCampaignConfig& config);
//! subgroup, n_sources, rho_mean_observed, rho_mean_trials, p_value.
[[nodiscard]] io::Table simultaneity_summary_table(const SimultaneityResult& result);

} // namespace nuflare::campaign
