// nuflare sensitivity: the injected-signal strength the spatial test (neutrinos
// around a source group) or the time test (flares at alert times) detects
// (issue 7; beyond the papers, docs/methods.md "Sensitivity"). Parses, reads
// the inputs, runs the campaign, writes the archive, prints the table on rank 0.
#include "cli.hpp"

#include "nuflare/campaign/runs.hpp"

#include "nuflare/campaign/sensitivity_campaign.hpp"
#include "nuflare/campaign/shared_spatial.hpp"
#include "nuflare/campaign/temporal_sensitivity.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/tables.hpp"

#include <iostream>
#include <map>

namespace nuflare::app {

namespace {

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

int run_spatial_sensitivity(Invocation& inv, const campaign::RunOutput& output,
                            const campaign::SensitivityRun& run) {
  const auto config = run.spatial_config();

  // Inputs first: a bad file or option fails before any archive exists.
  campaign::SpatialInputs in = campaign::read_spatial_inputs(run.events, run.sources, inv.comm);
  const campaign::SharedSpatialIndex index(inv.comm, in.events, config.spatial);

  std::vector<campaign::SensitivityGroupResult> results;
  output.write(
      inv.run_info(config.seed, in.files), inv.comm,
      [&](io::Archive& archive) {
        results = campaign::run_sensitivity_campaign(archive, inv.comm, in.events, index,
                                                     in.catalog, in.groups, config);
        archive.set_attribute("/sensitivity", "test", std::string("spatial"));
        campaign::write_table_once(archive, "/sensitivity/summary",
                                   campaign::sensitivity_summary_table(results));
        campaign::write_table_once(archive, "/sensitivity/curve",
                                   campaign::sensitivity_curve_table(results));
      },
      campaign::Signals::checkpoint);
  return inv.print_summary([&] { return campaign::sensitivity_summary_table(results); });
}

int run_temporal_sensitivity(Invocation& inv, const campaign::RunOutput& output,
                             const campaign::SensitivityRun& run) {
  const auto config = run.time_config();

  // Inputs first: a bad file or option fails before any archive exists.
  auto selection = run.selection;
  selection.sources = run.sources;
  const auto in = with_hints(time_test_hints(selection),
                             [&] { return campaign::read_temporal_inputs(selection, inv.comm); });

  campaign::TemporalSensitivityResult result;
  output.write(
      inv.run_info(config.seed, in.files), inv.comm,
      [&](io::Archive& archive) {
        result = campaign::run_temporal_sensitivity_campaign(archive, inv.comm, in.series,
                                                             in.alerts, config);
        campaign::write_table_once(archive, "/sensitivity/summary",
                                   campaign::temporal_sensitivity_summary_table(result));
        campaign::write_table_once(archive, "/sensitivity/curve",
                                   campaign::temporal_sensitivity_curve_table(result));
      },
      campaign::Signals::checkpoint);
  return inv.print_summary([&] { return campaign::temporal_sensitivity_summary_table(result); });
}

int run_sensitivity(Invocation& inv) {
  const bool spatial = !inv.has("test") || core::same_word(inv.text("test"), "spatial");
  const std::string test = spatial ? "spatial" : "temporal";
  keep_only_test_options(inv, test, spatial ? campaign::TIME_TEST : campaign::SPATIAL_TEST);
  set_default(inv, "strengths", spatial ? "0,5,10,20,40,80,160" : "0,1,2,4,8,16,32");
  if (spatial)
    require(inv, "spatial", "events");
  else
    for (const char* name : {"alerts", "lightcurves", "band", "delta-t"})
      require(inv, "temporal", name);
  const auto output = claim_output(inv);
  const auto run = inv.read(campaign::SensitivityRun::options());
  check_sweep_point(inv, run.plan.runner, run.plan.trials);
  return spatial ? run_spatial_sensitivity(inv, output, run)
                 : run_temporal_sensitivity(inv, output, run);
}

} // namespace

Binding sensitivity_command() {
  // The body reads its settings itself, once --test has said which options apply.
  return {.options = [] { return campaign::SensitivityRun::options().specs(); },
          .run = run_sensitivity};
}

} // namespace nuflare::app
