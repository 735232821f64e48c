// nuflare sensitivity: the injected-signal strength the spatial test (neutrinos
// around a source group) or the time test (flares at alert times) detects
// (issue 7; beyond the papers, docs/methods.md "Sensitivity"). Parses, reads
// the inputs, runs the campaign, writes the archive, prints the table on rank 0.
#include "cli.hpp"
#include "output.hpp"
#include "spatial_inputs.hpp"
#include "temporal_inputs.hpp"

#include "nuflare/campaign/sensitivity_campaign.hpp"
#include "nuflare/campaign/shared_spatial.hpp"
#include "nuflare/campaign/temporal_sensitivity.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/sky/region.hpp"

#include <cmath>
#include <iostream>
#include <map>
#include <set>

namespace nuflare::app {

namespace {

constexpr const char* SPATIAL_STRENGTHS = "0,5,10,20,40,80,160";
constexpr const char* TEMPORAL_STRENGTHS = "0,1,2,4,8,16,32";
constexpr double DEFAULT_FLARE_AMPLITUDE = 5.0;

//! Options only the spatial test takes.
void add_spatial_test_options(po::options_description& desc) {
  desc.add_options()("events", po::value<std::vector<std::string>>()->multitoken(),
                     "IceCube track files (one per season; plain, .gz or .xz); required")(
      "log10e", real()->default_value(4.8),
      "threshold whose count is the test statistic, log10(E/GeV)")(
      "log10e-min", real()->default_value(4.8), "lowest threshold, log10(E/GeV)")(
      "log10e-max", real()->default_value(6.0), "highest threshold, log10(E/GeV)")(
      "log10e-step", real(POSITIVE)->default_value(0.1), "threshold step [dex]")(
      "max-angerr", real(POSITIVE)->default_value(5.0), "drop events with AngErr above this [deg]")(
      "angerr-scale", real(POSITIVE)->default_value(1.0), "circle radius = scale x AngErr");
}

//! Options only the time test takes: the inputs and cuts of `nuflare scan`
//! (without --sources, shared) and the test point and flare amplitude.
void add_temporal_test_options(po::options_description& desc) {
  add_temporal_selection_options(desc, /*required=*/false, /*with_sources=*/false);
  desc.add_options()("delta-t", real(POSITIVE),
                     "time window ΔT of the test point [days]; required")(
      "factor", real(POSITIVE)->default_value(1.0),
      "containment factor of the alert regions at the test point")(
      "flare-amplitude", real(POSITIVE)->default_value(DEFAULT_FLARE_AMPLITUDE),
      "injected flare level in units of the quiescent flux");
}

//! Long names of the options an add_* function declares.
std::set<std::string> option_names(void (*add)(po::options_description&)) {
  po::options_description d;
  add(d);
  std::set<std::string> out;
  for (const auto& o : d.options())
    out.insert(o->long_name());
  return out;
}

//! Checks that no option of the other test was set and drops the defaulted
//! ones, so /config lists only what this run used (and a spatial run's
//! /config is what it was before the time test existed).
void keep_only_test_options(Invocation& inv, const std::string& test,
                            const std::set<std::string>& other) {
  auto& map = static_cast<std::map<std::string, po::variable_value>&>(inv.options);
  for (const auto& name : other) {
    const auto it = map.find(name);
    if (it == map.end())
      continue;
    if (!it->second.defaulted()) {
      if (inv.from_deck.count(name) > 0)
        inv.fail(name, "does not apply to --test " + test);
      throw core::ConfigError("nuflare sensitivity: --" + name + " does not apply to --test " +
                              test);
    }
    map.erase(it);
  }
}

//! Sets a default the option table cannot hold because it depends on --test;
//! stored as a defaulted value so /config shows it.
template <class T>
void set_default(Invocation& inv, const std::string& name, T value) {
  auto& map = static_cast<std::map<std::string, po::variable_value>&>(inv.options);
  if (map.count(name) == 0)
    map[name] = po::variable_value(boost::any(value), true);
}

void require(const Invocation& inv, const std::string& test, const std::string& name) {
  if (!inv.has(name))
    throw core::ConfigError("nuflare sensitivity --test " + test + ": --" + name + " is required");
}

std::vector<double> strengths_of(const Invocation& inv) {
  auto strengths = parse_number_list(inv, "strengths");
  for (double s : strengths)
    if (s < 0)
      inv.fail("strengths", "negative strength " + format_number(s));
  return strengths;
}

//! The trial plan both tests share: background and signal trial counts,
//! strengths, seed and runner options. A sensitivity run is itself a sweep
//! over strengths (signal trial s·N + k), so it takes no --sweep-point.
template <class Config>
void read_trial_plan(const Invocation& inv, Config& config) {
  config.background_trials = inv.get<std::uint64_t>("trials");
  config.signal_trials = inv.get<std::uint64_t>("signal-trials");
  config.strengths = strengths_of(inv);
  config.seed = inv.get<std::uint64_t>("seed");
  config.runner = runner_options(inv);
  if (config.runner.sweep_point != 0)
    inv.fail("sweep-point", "does not apply to sensitivity runs (their signal trials already use "
                            "the global index s*N + k)");
}

int run_spatial_sensitivity(Invocation& inv, const RunOutput& output) {
  campaign::SensitivityConfig config;
  config.spatial = spatial_selection(inv);
  config.log10e_threshold = inv.get<double>("log10e");
  read_trial_plan(inv, config);

  // Inputs first: a bad file or option fails before any archive exists.
  SpatialInputs in = read_spatial_inputs(inv);
  const campaign::SharedSpatialIndex index(inv.comm, in.events, config.spatial);

  std::vector<campaign::SensitivityGroupResult> results;
  write_run_archive(inv, output, inv.run_info(config.seed, in.files), [&](io::Archive& archive) {
    results = campaign::run_sensitivity_campaign(archive, inv.comm, in.events, index, in.catalog,
                                                 in.groups, config);
    archive.set_attribute("/sensitivity", "test", std::string("spatial"));
    campaign::write_table_once(archive, "/sensitivity/summary",
                               campaign::sensitivity_summary_table(results));
    campaign::write_table_once(archive, "/sensitivity/curve",
                               campaign::sensitivity_curve_table(results));
  });
  if (inv.prints())
    to_text(campaign::sensitivity_summary_table(results)).print_csv(std::cout);
  return 0;
}

int run_temporal_sensitivity(Invocation& inv, const RunOutput& output) {
  for (const char* name : {"alerts", "lightcurves", "band", "delta-t"})
    require(inv, "temporal", name);
  campaign::TemporalSensitivityConfig config;
  config.band = inv.get<std::string>("band");
  config.delta_t_days = inv.get<double>("delta-t");
  config.factor = inv.get<double>("factor");
  config.shape = sky::parse_region_shape(inv.get<std::string>("region"));
  config.flare_cut = inv.get<double>("flare-cut");
  config.amplitude = inv.get<double>("flare-amplitude");
  read_trial_plan(inv, config);
  for (double s : config.strengths)
    if (s != std::floor(s))
      inv.fail("strengths", "the time test injects whole flares, got " + format_number(s));

  // Inputs first: a bad file or option fails before any archive exists.
  const auto in = read_temporal_inputs(inv);

  campaign::TemporalSensitivityResult result;
  write_run_archive(inv, output, inv.run_info(config.seed, in.files), [&](io::Archive& archive) {
    result = campaign::run_temporal_sensitivity_campaign(archive, inv.comm, in.series, in.alerts,
                                                         config);
    campaign::write_table_once(archive, "/sensitivity/summary",
                               campaign::temporal_sensitivity_summary_table(result));
    campaign::write_table_once(archive, "/sensitivity/curve",
                               campaign::temporal_sensitivity_curve_table(result));
  });
  if (inv.prints())
    to_text(campaign::temporal_sensitivity_summary_table(result)).print_csv(std::cout);
  return 0;
}

} // namespace

void add_sensitivity_options(po::options_description& desc) {
  desc.add_options()("test", po::value<std::string>(),
                     "spatial (tracks around source groups, default) or temporal (flares at "
                     "alert times)")(
      "sources", po::value<std::string>()->required(),
      "source catalogue: CSV name,ra,dec[,group] (spatial), or as for nuflare scan (temporal)")(
      "trials", trials_value(10000),
      "background trials (RA-scrambled sources; temporal: alert RAs as nuflare scan), per group")(
      "signal-trials", integer<std::uint64_t>(1, MAX_TRIALS)->default_value(1000),
      "signal trials per strength (and group)")(
      "strengths", po::value<std::string>(),
      "comma-separated strengths: injected events per trial (spatial, default 0,5,10,20,40,80,"
      "160) or injected flares per trial (temporal, default 0,1,2,4,8,16,32)")(
      "seed", seed_value(1), "master seed of the trial RNG")(
      "output", po::value<std::string>()->required(), "run archive RUN.h5");
  add_campaign_options(desc);
  po::options_description spatial("Spatial test (--test spatial)");
  add_spatial_test_options(spatial);
  desc.add(spatial);
  po::options_description temporal("Time test (--test temporal; inputs and cuts as nuflare scan)");
  add_temporal_test_options(temporal);
  desc.add(temporal);
}

int run_sensitivity(Invocation& inv) {
  const std::string test = inv.has("test") ? inv.get<std::string>("test") : "spatial";
  if (test != "spatial" && test != "temporal")
    inv.fail("test", "expected spatial or temporal, got \"" + test + "\"");
  const bool spatial = test == "spatial";
  keep_only_test_options(
      inv, test, option_names(spatial ? add_temporal_test_options : add_spatial_test_options));
  set_default(inv, "strengths", std::string(spatial ? SPATIAL_STRENGTHS : TEMPORAL_STRENGTHS));
  if (spatial)
    require(inv, "spatial", "events");
  const RunOutput output(inv);
  return spatial ? run_spatial_sensitivity(inv, output) : run_temporal_sensitivity(inv, output);
}

} // namespace nuflare::app
