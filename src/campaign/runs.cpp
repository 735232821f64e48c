#include "nuflare/campaign/runs.hpp"

#include "nuflare/core/validation.hpp"
#include "nuflare/io/tables.hpp"

#include <cmath>

namespace nuflare::campaign {

const core::OptionTable<SpatialRun>& SpatialRun::options() {
  using S = SpatialRun;
  static const auto table =
      core::OptionTable<S>()
          .add("events", &S::events, "", "IceCube track files (one per season; plain, .gz or .xz)")
          .required()
          .paths()
          .add("sources", &S::sources, "", "source catalogue CSV: name,ra,dec[,group][,warm_spot]")
          .required()
          .paths()
          .include(&S::campaign, SpatialCampaignConfig::options())
          .include(&S::out, OutputOptions::options())
          .add("alerts", &S::alerts, "",
               "alert catalogue (IceCat-1 CSV) for the potential-source counts (Table 2)")
          .paths()
          .add("alert_factor", &S::alert_factor, "", "scale of the alerts' 90% regions for Table 2",
               core::POSITIVE)
          .choice("region", &S::region, region_words(), "alert region shape for Table 2")
          .include(&S::alert_selection, io::AlertSelection::options(), "alerts_")
          .add("flux_uptime", &S::flux_uptime, "",
               "good-run lists of the seasons for the flux limit (paper §7.4)")
          .paths()
          .add("flux_irfs", &S::flux_irfs, "",
               "effective-area tables (IC86_III..VII use IC86_II when absent)")
          .paths()
          .include(&S::flux_exposure, FluxExposureReading::options(), "flux_")
          .add("flux_bins", &S::flux_bins, "log10(E/GeV)", "edges of the flux-limit energy bins")
          .include(&S::flux, coincidence::FluxLimitConfig::options(), "flux_")
          .choice("flux_dec_average", &S::flux_dec_average,
                  {{"solid_angle", coincidence::DecAverage::solid_angle},
                   {"declination", coincidence::DecAverage::declination}},
                  "declination average of A_eff");
  return table;
}

const core::OptionTable<TemporalRun>& TemporalRun::options() {
  using T = TemporalRun;
  static const auto table =
      core::OptionTable<T>()
          .include(&T::in, temporal_selection_options())
          .add("delta_t", &T::delta_t, "days", "time window", core::POSITIVE)
          .required()
          .add("factor", &T::factor, "", "containment factor of the regions", core::POSITIVE)
          .add("shift_step", &T::shift_step, "days", "shift grid step (paper IR: 360)",
               core::POSITIVE)
          .no_default("delta_t/2")
          .add("max_shift", &T::max_shift, "days", "largest |shift|", core::NON_NEGATIVE)
          .include(&T::campaign, TemporalCampaignConfig::options())
          .include(&T::out, OutputOptions::options());
  return table;
}

const core::OptionTable<ScanRun>& ScanRun::options() {
  using S = ScanRun;
  static const auto table =
      core::OptionTable<S>()
          .include(&S::in, temporal_selection_options())
          .add("delta_t_grid", &S::delta_t_grid, "days", "comma-separated time windows")
          .required()
          .add("factor_grid", &S::factor_grid, "",
               "comma-separated containment factors (paper: 1.1,1.3,1.5)")
          .include(&S::campaign, TemporalCampaignConfig::options())
          .include(&S::out, OutputOptions::options());
  return table;
}

const core::OptionTable<SimultaneityRun>& SimultaneityRun::options() {
  using S = SimultaneityRun;
  static const auto table =
      core::OptionTable<S>()
          .add("alerts", &S::alerts, "", "alert catalogue (IceCat-1 CSV)")
          .required()
          .paths()
          .include(&S::alert_selection, io::AlertSelection::options(), "alerts_")
          .add("sources", &S::sources, "", "source catalogue CSV name,ra,dec[,warm_spot]")
          .required()
          .paths()
          .add("rho", &S::rho, "",
               "CSV with columns source,rho[,band,class] (e.g. the stdout "
               "of nuflare flares)")
          .required()
          .paths()
          .add("factor", &S::factor, "", "containment factor of the rectangles", core::POSITIVE)
          .add("split_deg", &S::split_deg, "deg",
               "distance to the alert centre splitting the region subgroups", core::NON_NEGATIVE)
          .include(&S::campaign, TemporalCampaignConfig::options())
          .include(&S::out, OutputOptions::options());
  return table;
}

const core::OptionTable<SensitivityRun>& SensitivityRun::options() {
  using S = SensitivityRun;
  using P = SensitivityPlan;
  static const auto plan =
      core::OptionTable<P>()
          .add("trials", &P::trials, "",
               "background trials (RA-scrambled sources; temporal: alert RAs as nuflare scan), "
               "per group",
               core::Count{1, MAX_TRIALS})
          .add("signal_trials", &P::signal_trials, "", "signal trials per strength (and group)",
               core::Count{1, MAX_TRIALS})
          .add("strengths", &P::strengths, "",
               "comma-separated strengths: injected events per trial (spatial) or injected "
               "flares per trial (temporal)")
          .no_default("spatial 0,5,10,20,40,80,160; temporal 0,1,2,4,8,16,32")
          .add("seed", &P::seed, "", "master seed of the trial RNG")
          .include(&P::runner, RunnerOptions::options());
  static const auto table =
      core::OptionTable<S>()
          .add("test", &S::test, "",
               "spatial (tracks around source groups) or temporal (flares at alert times)")
          .among({"spatial", "temporal"})
          .no_default("spatial")
          .add("sources", &S::sources, "",
               "source catalogue: CSV name,ra,dec[,group] (spatial), or as for nuflare scan "
               "(temporal)")
          .required()
          .paths()
          .include(&S::plan, plan)
          .include(&S::out, OutputOptions::options())
          .section(SPATIAL_TEST)
          .add("events", &S::events, "",
               "IceCube track files (one per season; plain, .gz or .xz); required")
          .paths()
          .include(&S::spatial, SensitivityConfig::options())
          .section(TIME_TEST)
          .include(&S::selection, temporal_selection_options(false, false))
          .include(&S::time, TemporalSensitivityConfig::options());
  return table;
}

namespace {

//! The plan both tests share, into one test's config.
template <class Config>
Config with_plan(Config config, const SensitivityPlan& plan) {
  config.background_trials = plan.trials;
  config.signal_trials = plan.signal_trials;
  config.strengths = core::number_list("strengths", plan.strengths.value_or(""));
  for (double s : config.strengths)
    if (s < 0)
      throw core::FieldError("strengths", "negative strength " + io::format_number(s));
  config.seed = plan.seed;
  config.runner = plan.runner;
  if (config.runner.sweep_point != 0)
    throw core::FieldError("sweep_point", "does not apply to sensitivity runs (their signal "
                                          "trials already use the global index s*N + k)");
  return config;
}

} // namespace

SensitivityConfig SensitivityRun::spatial_config() const {
  auto config = with_plan(spatial, plan);
  coincidence::validate(config.spatial);
  return config;
}

TemporalSensitivityConfig SensitivityRun::time_config() const {
  auto config = with_plan(time, plan);
  config.band = selection.band;
  config.shape = selection.region;
  config.flare_cut = selection.flare_cut;
  for (double s : config.strengths)
    if (s != std::floor(s))
      throw core::FieldError("strengths",
                             "the time test injects whole flares, got " + io::format_number(s));
  return config;
}

} // namespace nuflare::campaign
