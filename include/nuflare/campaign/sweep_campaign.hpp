#pragma once
//! A parameter sweep run as one campaign (docs/methods.md "Sweeps"): any grid
//! of deck keys of a test (scan, temporal, spatial, simultaneity), every grid
//! point evaluated on the same
//! scrambled skies (trial g draws TrialRng(seed, stream, g) whatever the
//! point), so the look-elsewhere correction is exact: per trial the smallest
//! pre-trial p over the points, and the post-trial p of the observed smallest
//! p from that distribution (blazar paper §5, where ΔT and the containment
//! factor are tuned on the data and corrected with scrambles).
//!
//! Axes are applied through the option tables (core/options.hpp): an axis
//! names a deck key of the test and each value is read by that key's row, so
//! every key of the test is sweepable without code of its own.
//!
//! Archive layout (docs/methods.md "Sweeps"):
//!   /sweep attributes test, n_points, axes
//!   /sweep/statistic_observed, /sweep/n_pairs_observed (per column;
//!   spatial: /sweep/n_events_above; simultaneity: /sweep/n_sources_observed)
//!   /sweep/trials/statistic [N × K], /sweep/trials/n_pairs [N × K] (time tests)
//!   /sweep/points: the point table; /sweep/summary: the best point
#include "nuflare/campaign/inputs.hpp"
#include "nuflare/campaign/run_output.hpp"
#include "nuflare/campaign/shared_spatial.hpp"
#include "nuflare/campaign/spatial_campaign.hpp"
#include "nuflare/campaign/temporal_campaign.hpp"
#include "nuflare/core/options.hpp"
#include "nuflare/io/archive.hpp"

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nuflare::campaign {

//! The tests a sweep runs.
enum class SweepTest {
  scan,         //!< R(0) with alert-RA scrambles, as `nuflare scan` (paper §5.1.1, Fig. 3)
  temporal,     //!< R(t) at every shift with control trials, as `nuflare temporal` (§5.1.2)
  spatial,      //!< N_obs per group and threshold with RA scrambles, as `nuflare spatial` (§6.3)
  simultaneity, //!< mean ρ per subgroup, as `nuflare simultaneity` (§6.2, Table 1)
};

//! The test's name as a deck writes it (`test = temporal`).
[[nodiscard]] const char* to_string(SweepTest test) noexcept;

//! Whether deck key `key` of `nuflare sweep` means something for `test`
//! (keys of no test's point, such as trials and output, always do).
[[nodiscard]] bool sweep_key_applies(const std::string& key, SweepTest test);

//! The keys `test` needs that `nuflare sweep` cannot require of every test:
//! its input files (`events`; `alerts` and `rho`; `alerts`, `lightcurves`
//! and `band`).
[[nodiscard]] std::vector<std::string> sweep_required_keys(SweepTest test);

//! What one point of a time-test sweep is: the selection of `nuflare scan`
//! with one ΔT and one containment factor.
struct TimePoint {
  TemporalSelection in;
  std::optional<double> delta_t; //!< days; needed at every point (given or swept)
  double factor = 1;
  std::optional<double> shift_step; //!< temporal test: shift step (default delta_t/2)
  double max_shift = 3600;          //!< temporal test: largest |shift|, days
  double split_deg = 1;             //!< simultaneity: distance splitting the region subgroups [deg]

  //! Its keys: those an axis may name (docs/cli.md).
  static const core::OptionTable<TimePoint>& options();
};

//! What one point of a spatial sweep is: the event selection and thresholds
//! of `nuflare spatial` and, optionally, one source group.
struct SpatialPoint {
  coincidence::SpatialConfig spatial;
  std::string group; //!< one group of the catalogue; empty: every group

  //! Its keys: those an axis may name (docs/cli.md).
  static const core::OptionTable<SpatialPoint>& options();
};

//! One axis: a key of the test's point and its values as text.
struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
};

//! Reads an axis `key: v1, v2, ...` or `key: first:last:count` (count values
//! evenly spaced, both ends included; real keys only). The key must be a
//! sweepable key of the test's point (TimePoint, or SpatialPoint for
//! `spatial`; not an input file) that the test reads (sweep_key_applies);
//! each value must read as that key's value.
//! Errors are core::FieldError naming `axis`.
[[nodiscard]] SweepAxis parse_axis(const std::string& text, SweepTest test = SweepTest::scan);

//! The grid: the Cartesian product of the axes, the first axis outermost
//! (so `delta_t` then `factor` orders the points as `nuflare scan`).
template <class Point>
struct BasicSweepGrid {
  std::vector<SweepAxis> axes;
  std::vector<Point> points;                         //!< base with each axis value applied
  std::vector<std::vector<std::size_t>> value_index; //!< per point, the value of each axis
  [[nodiscard]] std::size_t size() const noexcept { return points.size(); }
};
using SweepGrid = BasicSweepGrid<TimePoint>;
using SpatialSweepGrid = BasicSweepGrid<SpatialPoint>;

//! The points of `axes` over `base`. No axis: one point (the base). A key
//! named by two axes is a core::FieldError naming `axis`; so is, for scan
//! and temporal, a point without delta_t.
[[nodiscard]] SweepGrid make_grid(const TimePoint& base, const std::vector<SweepAxis>& axes,
                                  SweepTest test = SweepTest::scan);
[[nodiscard]] SpatialSweepGrid make_grid(const SpatialPoint& base,
                                         const std::vector<SweepAxis>& axes);

// --- the exact look-elsewhere correction (pure; docs/methods.md "Sweeps") ---

struct LookElsewhere {
  std::vector<double> p_value; //!< per point: (M+1)/(N+1) of the observation
  std::size_t best = 0;        //!< point with the smallest p
  double p_min = 0;            //!< its p
  double post_trial_p = 0;     //!< (#{trials with min p ≤ p_min} + 1)/(N + 1)
  double sidak_p = 0;          //!< 1 − (1 − p_min)^K, for comparison
  double n_eff = 0; //!< N_eff solving 1 − (1 − p_min)^N_eff = post_trial_p (NaN: undefined)
};

//! The correction from `observed` (K values) and `trials` (row-major N × K),
//! right-tailed. `trial_min_p` is every trial's smallest p over the points
//! (trial_min_p() of temporal_campaign.hpp, possibly combined over ranks).
[[nodiscard]] LookElsewhere look_elsewhere(std::span<const double> observed,
                                           std::span<const double> trials,
                                           std::span<const double> trial_min_p);

//! The correction as the last line of a sweep's tables prints it:
//! `p_min=… post_trial_p=… sidak_p=… n_eff=…` (io::format_number).
[[nodiscard]] std::string to_string(const LookElsewhere& le);

//! The effective number of trials: log(1 − post)/log(1 − p_min); NaN when
//! p_min is 0 or 1 or post is 1 (no finite solution).
[[nodiscard]] double effective_trials(double p_min, double post_trial_p) noexcept;

// --- the campaign ---

//! The axes of a grid without its points: what the tables print.
struct SweepAxes {
  std::vector<SweepAxis> axes;
  std::vector<const core::OptionSpec*> spec;         //!< the row reading each axis's key
  std::vector<std::vector<std::size_t>> value_index; //!< per point, the value of each axis
  [[nodiscard]] std::size_t size() const noexcept { return value_index.size(); }
};
[[nodiscard]] SweepAxes sweep_axes(const SweepGrid& grid);
[[nodiscard]] SweepAxes sweep_axes(const SpatialSweepGrid& grid);

//! A sweep's results per column: a column is a point (scan), a point and one
//! of its shifts (temporal; the shifts of a point are consecutive), or a
//! point, one of its groups and one threshold (spatial; thresholds fastest),
//! or a point and one of its three subgroups (simultaneity).
struct SweepResult {
  SweepAxes grid;
  SweepTest test = SweepTest::scan;
  std::vector<std::size_t> point_of; //!< grid point of each column
  std::vector<double> shift_days;    //!< temporal: shift of each column
  std::vector<std::string> group;    //!< spatial: source group of each column
  std::vector<double> log10e_min;    //!< spatial: energy threshold of each column
  std::vector<std::string> subgroup; //!< simultaneity: subgroup of each column
  std::vector<double> observed;      //!< statistic per column
  //! Observed pairs per column (spatial: tracks above the threshold;
  //! simultaneity: sources in the subgroup).
  std::vector<std::int64_t> n_pairs;
  std::vector<double> trial_mean; //!< mean trial statistic per point
  LookElsewhere le;
};

//! The inputs a sweep reads, once per distinct selection (the work shared
//! by points: the alerts, the catalogue and the light curves of a band).
struct SweepInputs {
  std::vector<TemporalSelection> selections; //!< distinct selections of the points
  std::vector<TemporalInputs> inputs;        //!< read, one per selection
  std::vector<std::size_t> of_point;         //!< selection of each point
};

//! Groups the points by selection and reads each once per job (collective,
//! as read_temporal_inputs; errors before any archive exists).
[[nodiscard]] SweepInputs read_sweep_inputs(const SweepGrid& grid, MPI_Comm comm);

//! Runs the sweep (collective); every rank returns the same result. Trials
//! are split over ranks by TrialRunner; each trial evaluates every point
//! from one scramble per selection, so the ranks' loads are equal however
//! unequal the points' costs.
[[nodiscard]] SweepResult run_sweep_campaign(io::Archive& archive, MPI_Comm comm,
                                             const SweepGrid& grid, const SweepInputs& inputs,
                                             const TemporalCampaignConfig& config,
                                             SweepTest test = SweepTest::scan);

//! The inputs of a spatial sweep, read once: the tracks, the catalogue and
//! its groups, and one index per distinct event selection of the points.
struct SpatialSweepInputs {
  io::SourceCatalog catalog;
  std::vector<SourceGroup> groups;                    //!< every group of the catalogue
  std::vector<std::filesystem::path> files;           //!< hashed into the archive
  std::vector<coincidence::SpatialConfig> selections; //!< distinct selections of the points
  //! One per selection, one copy per node (as `nuflare spatial`'s).
  std::vector<std::unique_ptr<SharedSpatialIndex>> index;
  std::vector<std::size_t> of_point;               //!< selection of each point
  std::vector<std::vector<std::size_t>> groups_of; //!< per point, its groups (catalogue order)
};

//! Reads the events and catalogue once per job (collective) and builds one
//! index per distinct selection, one copy per node (SharedSpatialIndex); a point's `group` that the
//! catalogue lacks is a core::InputError naming the catalogue. Errors before any archive exists.
[[nodiscard]] SpatialSweepInputs read_spatial_sweep_inputs(const SpatialSweepGrid& grid,
                                                           const std::vector<std::string>& events,
                                                           const std::string& sources,
                                                           MPI_Comm comm);

//! Runs a spatial sweep (collective; docs/methods.md "Sweeps"): trial g puts
//! every group's sources at the RAs of `nuflare spatial` trial g
//! (scramble_ra: stream `spatial.ra`, counter g), and every point and
//! threshold counts that same sky. Every rank returns the same result.
[[nodiscard]] SweepResult run_spatial_sweep_campaign(io::Archive& archive, MPI_Comm comm,
                                                     const SpatialSweepGrid& grid,
                                                     const SpatialSweepInputs& inputs,
                                                     const TemporalCampaignConfig& config);

//! The inputs of a simultaneity sweep: the catalogue with ρ, and the alerts
//! once per distinct alert selection of the points.
struct SimultaneitySweepInputs {
  std::vector<coincidence::RhoSource> sources; //!< as read_simultaneity_inputs
  std::vector<std::vector<io::Alert>> alerts;  //!< per distinct alert selection
  std::vector<std::size_t> of_point;           //!< alert selection of each point
  std::vector<std::filesystem::path> files;    //!< hashed into the archive
};

//! Reads the inputs once per distinct alert selection (collective; errors
//! before any archive exists).
[[nodiscard]] SimultaneitySweepInputs read_simultaneity_sweep_inputs(const SweepGrid& grid,
                                                                     const std::string& sources,
                                                                     const std::string& rho,
                                                                     MPI_Comm comm);

//! Runs a simultaneity sweep (collective; docs/methods.md "Sweeps"): trial
//! g draws the warm-spot stand-ins and the alert RAs of `nuflare
//! simultaneity` trial g (streams `simultaneity.warm_spot` and
//! `simultaneity.alert_ra`, counter g), and every point's three subgroups
//! are evaluated on them. Every rank returns the same result.
[[nodiscard]] SweepResult run_simultaneity_sweep_campaign(io::Archive& archive, MPI_Comm comm,
                                                          const SweepGrid& grid,
                                                          const SimultaneitySweepInputs& inputs,
                                                          const TemporalCampaignConfig& config);

//! What run_sweep_campaign would refuse about the inputs (temporal: no pair at
//! a factor, a control pool smaller than the sample), as a core::InputError,
//! before any archive exists.
void check_sweep(SweepTest test, const SweepGrid& grid, const SweepInputs& inputs);

//! One row per column: each axis's value (temporal: shift_days; spatial:
//! group, log10e_min), n_pairs (spatial: n_events_above), statistic, trial
//! mean, p_value, and a `best` flag.
[[nodiscard]] io::Table sweep_points_table(const SweepResult& result);
//! One row: n_points, the best point's axis values, p_min, post_trial_p,
//! sidak_p, n_eff.
[[nodiscard]] io::Table sweep_summary_table(const SweepResult& result);

//! A sweep run as job-array tasks that split the trial range: every task
//! the same deck with its own sweep_point p and the same number of trials n,
//! so task p holds the global trials [p·n, p·n + n). Merged, the trials are
//! those of one run of the tasks' trials together, and so are the p-values.
struct MergedSweep {
  io::Table points;  //!< the first task's point table with p_value, trial_mean, best recomputed
  io::Table summary; //!< as sweep_summary_table
  LookElsewhere le;
  std::uint64_t n_trials = 0;
};

//! Merges the archives of a job array (`nuflare table --merge`). The tasks
//! must be one sweep (same master seed, points and observed statistic) and
//! their trial ranges must tile [first, first + n_trials) without gap or
//! overlap; otherwise a core::InputError naming the archive and dataset.
[[nodiscard]] MergedSweep merge_sweep_archives(const std::vector<std::string>& paths);

//! The `--help` sections of the keys of one test only.
inline constexpr const char* SWEEP_TIME_KEYS = "Time tests (test = scan, temporal, simultaneity)";
inline constexpr const char* SWEEP_SPATIAL_KEYS = "Spatial test (test = spatial)";

//! The settings of `nuflare sweep`.
struct SweepRun {
  SweepTest test = SweepTest::scan;
  std::vector<std::string> axis;                 //!< one `key: values` per axis
  std::string sources;                           //!< the source catalogue (every test)
  TimePoint point;                               //!< time tests (point.in.sources is `sources`)
  std::string rho;                               //!< simultaneity: the ρ table
  std::vector<std::string> events;               //!< spatial: the track files
  SpatialPoint spatial;                          //!< spatial
  TemporalCampaignConfig campaign{10000, 1, {}}; //!< master seed 1, as every command
  OutputOptions out;

  //! The keys of the run (docs/cli.md).
  static const core::OptionTable<SweepRun>& options();
};

// --- a sweep of whichever test a SweepRun names ---

//! The run's axes: parse_axis of each `axis` for the run's test.
[[nodiscard]] std::vector<SweepAxis> parse_axes(const SweepRun& run);

//! A sweep's grid and inputs: those of its test only.
struct SweepPlan {
  SweepGrid grid;                           //!< scan, temporal, simultaneity
  SpatialSweepGrid spatial_grid;            //!< spatial
  SweepInputs time;                         //!< scan, temporal
  SpatialSweepInputs spatial;               //!< spatial
  SimultaneitySweepInputs simultaneity;     //!< simultaneity
  std::vector<std::filesystem::path> files; //!< every input file, hashed into the archive
};

//! The grid of `run`'s test over its point (the time tests' with `sources`)
//! and `axes` (parse_axis); errors as make_grid's. Reads nothing.
[[nodiscard]] SweepPlan plan_sweep(const SweepRun& run, const std::vector<SweepAxis>& axes);

//! Reads the inputs of the plan's test once per job into `plan`
//! (collective; errors before any archive exists).
void read_sweep_inputs(const SweepRun& run, SweepPlan& plan, MPI_Comm comm);

//! Runs the plan's sweep (collective) with `run`'s trials and seed, and
//! writes /sweep/points and /sweep/summary; every rank returns the same result.
[[nodiscard]] SweepResult run_sweep(io::Archive& archive, MPI_Comm comm, const SweepRun& run,
                                    const SweepPlan& plan);

} // namespace nuflare::campaign
