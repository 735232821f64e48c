// nuflare sensitivity: the injected-signal strength the spatial test (neutrinos
// around a source group) or the time test (flares at alert times) detects
// (issue 7; beyond the papers, docs/methods.md "Sensitivity"). Parses, reads
// the inputs, runs the campaign, writes the archive, prints the table on rank 0.
#include "cli.hpp"

#include "nuflare/campaign/inputs.hpp"

#include "nuflare/campaign/sensitivity_campaign.hpp"
#include "nuflare/campaign/temporal_sensitivity.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/tables.hpp"

#include <cmath>
#include <iostream>
#include <map>

namespace nuflare::app {

namespace {

const char* const SPATIAL_TEST = "Spatial test (--test spatial)";
const char* const TIME_TEST = "Time test (--test temporal; inputs and cuts as nuflare scan)";

//! What both tests share: trial counts, strengths, seed and run control. A
//! sensitivity run is itself a sweep over strengths (signal trial s·N + k),
//! so it takes no sweep point.
struct TrialPlan {
  std::uint64_t trials = 10000;
  std::uint64_t signal_trials = 1000;
  std::optional<std::string> strengths;
  std::uint64_t seed = 1;
  campaign::RunnerOptions runner;
};

struct SensitivityRun {
  std::optional<std::string> test;
  std::string sources;
  TrialPlan plan;
  OutputOptions out;
  std::vector<std::string> events;          //!< spatial test
  campaign::SensitivityConfig spatial;      //!< spatial test
  campaign::TemporalSelection selection;    //!< time test
  campaign::TemporalSensitivityConfig time; //!< time test
};

const core::OptionTable<SensitivityRun>& sensitivity_options() {
  using S = SensitivityRun;
  using P = TrialPlan;
  static const auto plan =
      core::OptionTable<P>()
          .add("trials", &P::trials, "",
               "background trials (RA-scrambled sources; temporal: alert RAs as nuflare scan), "
               "per group",
               core::Count{1, campaign::MAX_TRIALS})
          .add("signal_trials", &P::signal_trials, "", "signal trials per strength (and group)",
               core::Count{1, campaign::MAX_TRIALS})
          .add("strengths", &P::strengths, "",
               "comma-separated strengths: injected events per trial (spatial) or injected "
               "flares per trial (temporal)")
          .no_default("spatial 0,5,10,20,40,80,160; temporal 0,1,2,4,8,16,32")
          .add("seed", &P::seed, "", "master seed of the trial RNG")
          .include(&P::runner, campaign::RunnerOptions::options());
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
          .include(&S::out, output_options())
          .section(SPATIAL_TEST)
          .add("events", &S::events, "",
               "IceCube track files (one per season; plain, .gz or .xz); required")
          .paths()
          .include(&S::spatial, campaign::SensitivityConfig::options())
          .section(TIME_TEST)
          .include(&S::selection, campaign::temporal_selection_options(false, false))
          .include(&S::time, campaign::TemporalSensitivityConfig::options());
  return table;
}

//! Checks that no option of the other test was set and drops the defaulted
//! ones, so /config lists only what this run used (and a spatial run's
//! /config is what it was before the time test existed).
void keep_only_test_options(Invocation& inv, const std::string& test, const char* other) {
  auto& map = static_cast<std::map<std::string, po::variable_value>&>(inv.options);
  for (const auto& spec : inv.specs) {
    if (spec.section != other)
      continue;
    const auto it = map.find(spec.flag());
    if (it == map.end())
      continue;
    if (!it->second.defaulted()) {
      if (inv.from_deck.count(spec.flag()) > 0)
        inv.fail(spec.flag(), "does not apply to --test " + test);
      throw core::ConfigError("nuflare sensitivity: --" + spec.flag() +
                              " does not apply to --test " + test);
    }
    map.erase(it);
  }
}

//! Sets a default the option table cannot hold because it depends on --test;
//! stored as a defaulted value so /config shows it.
void set_default(Invocation& inv, const std::string& name, const std::string& value) {
  auto& map = static_cast<std::map<std::string, po::variable_value>&>(inv.options);
  if (map.count(name) == 0)
    map[name] = po::variable_value(boost::any(value), true);
}

void require(const Invocation& inv, const std::string& test, const std::string& name) {
  if (!inv.has(name))
    throw core::ConfigError("nuflare sensitivity --test " + test + ": --" + name + " is required");
}

//! The trial plan into a test's config.
template <class Config>
void plan_into(const Invocation& inv, const TrialPlan& plan, Config& config) {
  config.background_trials = plan.trials;
  config.signal_trials = plan.signal_trials;
  config.strengths = number_list("strengths", *plan.strengths);
  for (double s : config.strengths)
    if (s < 0)
      throw core::FieldError("strengths", "negative strength " + io::format_number(s));
  config.seed = plan.seed;
  config.runner = plan.runner;
  check_sweep_point(inv, plan.runner, plan.trials);
  if (config.runner.sweep_point != 0)
    inv.fail("sweep-point", "does not apply to sensitivity runs (their signal trials already use "
                            "the global index s*N + k)");
}

int run_spatial_sensitivity(Invocation& inv, const campaign::RunOutput& output,
                            const SensitivityRun& run) {
  auto config = run.spatial;
  plan_into(inv, run.plan, config);
  coincidence::validate(config.spatial);

  // Inputs first: a bad file or option fails before any archive exists.
  campaign::SpatialInputs in = campaign::read_spatial_inputs(run.events, run.sources);
  const coincidence::SpatialIndex index(in.events, config.spatial);

  std::vector<campaign::SensitivityGroupResult> results;
  output.write(inv.run_info(config.seed, in.files), inv.comm, [&](io::Archive& archive) {
    results = campaign::run_sensitivity_campaign(archive, inv.comm, in.events, index, in.catalog,
                                                 in.groups, config);
    archive.set_attribute("/sensitivity", "test", std::string("spatial"));
    campaign::write_table_once(archive, "/sensitivity/summary",
                               campaign::sensitivity_summary_table(results));
    campaign::write_table_once(archive, "/sensitivity/curve",
                               campaign::sensitivity_curve_table(results));
  });
  if (inv.prints())
    io::print_csv(std::cout, campaign::sensitivity_summary_table(results));
  return 0;
}

int run_temporal_sensitivity(Invocation& inv, const campaign::RunOutput& output,
                             const SensitivityRun& run) {
  auto config = run.time;
  config.band = run.selection.band;
  config.shape = run.selection.region;
  config.flare_cut = run.selection.flare_cut;
  plan_into(inv, run.plan, config);
  for (double s : config.strengths)
    if (s != std::floor(s))
      throw core::FieldError("strengths",
                             "the time test injects whole flares, got " + io::format_number(s));

  // Inputs first: a bad file or option fails before any archive exists.
  auto selection = run.selection;
  selection.sources = run.sources;
  const auto in = with_hints(time_test_hints(selection),
                             [&] { return campaign::read_temporal_inputs(selection); });

  campaign::TemporalSensitivityResult result;
  output.write(inv.run_info(config.seed, in.files), inv.comm, [&](io::Archive& archive) {
    result = campaign::run_temporal_sensitivity_campaign(archive, inv.comm, in.series, in.alerts,
                                                         config);
    campaign::write_table_once(archive, "/sensitivity/summary",
                               campaign::temporal_sensitivity_summary_table(result));
    campaign::write_table_once(archive, "/sensitivity/curve",
                               campaign::temporal_sensitivity_curve_table(result));
  });
  if (inv.prints())
    io::print_csv(std::cout, campaign::temporal_sensitivity_summary_table(result));
  return 0;
}

int run_sensitivity(Invocation& inv) {
  const bool spatial = !inv.has("test") || core::detail::same_word(inv.text("test"), "spatial");
  const std::string test = spatial ? "spatial" : "temporal";
  keep_only_test_options(inv, test, spatial ? TIME_TEST : SPATIAL_TEST);
  set_default(inv, "strengths", spatial ? "0,5,10,20,40,80,160" : "0,1,2,4,8,16,32");
  if (spatial)
    require(inv, "spatial", "events");
  else
    for (const char* name : {"alerts", "lightcurves", "band", "delta-t"})
      require(inv, "temporal", name);
  const auto output = claim_output(inv);
  const auto run = inv.read(sensitivity_options());
  return spatial ? run_spatial_sensitivity(inv, output, run)
                 : run_temporal_sensitivity(inv, output, run);
}

} // namespace

Command sensitivity_command() {
  return {"sensitivity",
          "injected-signal sensitivity and discovery potential of the spatial or time test",
          [] { return sensitivity_options().specs(); },
          run_sensitivity,
          "[--test spatial|temporal] --sources SRC.csv --output RUN.h5 [--trials N] "
          "[--signal-trials N] [--strengths S1,S2,...] (spatial: --events FILE...; temporal: "
          "--alerts ALERTS.csv --lightcurves LC.csv --band BAND --delta-t DAYS)",
          "group,n_sources,log10e_min,sensitivity,discovery_3sigma,discovery_5sigma,p_floor "
          "(temporal: the time test's summary)"};
}

} // namespace nuflare::app
