#pragma once
//! The settings of each trial campaign `nuflare` runs (docs/cli.md): its
//! input files, the campaign's configuration, the output archive and what
//! else the run reports, each struct with the option table the command line
//! and decks read. The defaults are the command line's: master seed 1, and
//! 10^5 trials where the papers use them.
#include "nuflare/campaign/flux_limits.hpp"
#include "nuflare/campaign/inputs.hpp"
#include "nuflare/campaign/run_output.hpp"
#include "nuflare/campaign/sensitivity_campaign.hpp"
#include "nuflare/campaign/spatial_campaign.hpp"
#include "nuflare/campaign/temporal_campaign.hpp"
#include "nuflare/campaign/temporal_sensitivity.hpp"
#include "nuflare/coincidence/flux_limit.hpp"
#include "nuflare/core/options.hpp"
#include "nuflare/io/alerts.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nuflare::campaign {

//! A campaign config with the command line's master seed and, when given,
//! number of trials.
template <class Campaign>
Campaign with_defaults(std::uint64_t seed, std::uint64_t n_trials = 0) {
  Campaign c;
  c.seed = seed;
  if (n_trials > 0)
    c.n_trials = n_trials;
  return c;
}

struct SpatialRun {
  std::vector<std::string> events;
  std::string sources;
  SpatialCampaignConfig campaign = with_defaults<SpatialCampaignConfig>(1);
  // Table 2: potential neutrino sources per group (blazar paper §6.3).
  std::optional<std::string> alerts;
  double alert_factor = 1;
  sky::RegionShape region = sky::RegionShape::ellipse;
  io::AlertSelection alert_selection;
  // The flux upper limit (blazar paper §7.4, eq. 2).
  std::vector<std::string> flux_uptime, flux_irfs;
  FluxExposureReading flux_exposure;
  std::string flux_bins = "4.8,5.0,5.2";
  coincidence::FluxLimitConfig flux;
  coincidence::DecAverage flux_dec_average = coincidence::DecAverage::solid_angle;
  OutputOptions out;

  //! The keys of the run (docs/cli.md).
  static const core::OptionTable<SpatialRun>& options();
};

struct TemporalRun {
  TemporalSelection in;
  TemporalCampaignConfig campaign = with_defaults<TemporalCampaignConfig>(1);
  double delta_t = 0;
  double factor = 1;
  std::optional<double> shift_step;
  double max_shift = 3600;
  OutputOptions out;

  //! The keys of the run (docs/cli.md).
  static const core::OptionTable<TemporalRun>& options();
};

struct ScanRun {
  TemporalSelection in;
  TemporalCampaignConfig campaign = with_defaults<TemporalCampaignConfig>(1);
  std::string delta_t_grid;
  std::string factor_grid = "1.0";
  OutputOptions out;

  //! The keys of the run (docs/cli.md).
  static const core::OptionTable<ScanRun>& options();
};

struct SimultaneityRun {
  std::string alerts, sources, rho;
  io::AlertSelection alert_selection;
  double factor = 1;
  double split_deg = 1;
  TemporalCampaignConfig campaign = with_defaults<TemporalCampaignConfig>(1, 100000);
  OutputOptions out;

  //! The keys of the run (docs/cli.md).
  static const core::OptionTable<SimultaneityRun>& options();
};

inline constexpr const char* SPATIAL_TEST = "Spatial test (--test spatial)";
inline constexpr const char* TIME_TEST =
    "Time test (--test temporal; inputs and cuts as nuflare scan)";

//! What both tests share: trial counts, strengths, seed and run control. A
//! sensitivity run is itself a sweep over strengths (signal trial s·N + k),
//! so it takes no sweep point.
struct SensitivityPlan {
  std::uint64_t trials = 10000;
  std::uint64_t signal_trials = 1000;
  std::optional<std::string> strengths;
  std::uint64_t seed = 1;
  RunnerOptions runner;
};

struct SensitivityRun {
  std::optional<std::string> test;
  std::string sources;
  SensitivityPlan plan;
  OutputOptions out;
  std::vector<std::string> events; //!< spatial test
  SensitivityConfig spatial;       //!< spatial test
  TemporalSelection selection;     //!< time test
  TemporalSensitivityConfig time;  //!< time test

  //! The spatial test's config: the plan applied, the strengths read
  //! (non-negative), the event selection validated. A sweep point is refused
  //! (core::FieldError): signal trials already use the global index s·N + k.
  [[nodiscard]] SensitivityConfig spatial_config() const;
  //! The time test's config: the plan applied, the strengths read (whole
  //! numbers of flares), band, region shape and flare cut of the selection.
  [[nodiscard]] TemporalSensitivityConfig time_config() const;

  //! The keys of the run (docs/cli.md).
  static const core::OptionTable<SensitivityRun>& options();
};

} // namespace nuflare::campaign
