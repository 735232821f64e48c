// nuflare sensitivity: the injected-signal strength the spatial test detects
// (issue 7; beyond the papers, docs/methods.md "Sensitivity"). Parses, reads
// the inputs, runs the campaign, writes the archive, prints the table on rank 0.
#include "cli.hpp"
#include "output.hpp"
#include "spatial_inputs.hpp"

#include "nuflare/campaign/sensitivity_campaign.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/icecube.hpp"

#include <iostream>

namespace nuflare::app {

void add_sensitivity_options(po::options_description& desc) {
  desc.add_options()("events", po::value<std::vector<std::string>>()->multitoken()->required(),
                     "IceCube track files (one per season; plain, .gz or .xz)")(
      "sources", po::value<std::string>()->required(), "source catalogue CSV: name,ra,dec[,group]")(
      "trials", po::value<std::uint64_t>()->default_value(10000),
      "background (RA-scrambled) trials per group")("signal-trials",
                                                    po::value<std::uint64_t>()->default_value(1000),
                                                    "signal trials per strength and group")(
      "strengths", po::value<std::string>()->default_value("0,5,10,20,40,80,160"),
      "injected events per trial, comma-separated")(
      "log10e", po::value<double>()->default_value(4.8),
      "threshold whose count is the test statistic, log10(E/GeV)")(
      "seed", po::value<std::uint64_t>()->default_value(1), "master seed of the trial RNG")(
      "output", po::value<std::string>()->required(), "run archive RUN.h5")(
      "log10e-min", po::value<double>()->default_value(4.8), "lowest threshold, log10(E/GeV)")(
      "log10e-max", po::value<double>()->default_value(6.0), "highest threshold, log10(E/GeV)")(
      "log10e-step", po::value<double>()->default_value(0.1),
      "threshold step [dex]")("max-angerr", po::value<double>()->default_value(5.0),
                              "drop events with AngErr above this [deg]")(
      "angerr-scale", po::value<double>()->default_value(1.0), "circle radius = scale x AngErr");
  add_campaign_options(desc);
}

int run_sensitivity(Invocation& inv) {
  const auto output = output_path(inv);
  campaign::SensitivityConfig config;
  config.spatial = spatial_selection(inv);
  config.log10e_threshold = inv.get<double>("log10e");
  config.background_trials = inv.get<std::uint64_t>("trials");
  config.signal_trials = inv.get<std::uint64_t>("signal-trials");
  config.strengths = parse_number_list("strengths", inv.get<std::string>("strengths"));
  config.seed = inv.get<std::uint64_t>("seed");
  config.runner = runner_options(inv);
  if (config.background_trials == 0 || config.signal_trials == 0)
    throw core::ConfigError("--trials and --signal-trials must be at least 1");
  for (double s : config.strengths)
    if (s < 0)
      throw core::ConfigError("--strengths: negative strength");

  // Inputs first: a bad file or option fails before any archive exists.
  SpatialInputs in = read_spatial_inputs(inv);
  const io::EventSample& events = in.events;
  const io::SourceCatalog& catalog = in.catalog;
  const auto& groups = in.groups;
  std::vector<std::filesystem::path>& inputs = in.files;
  const coincidence::SpatialIndex index(events, config.spatial);

  std::vector<campaign::SensitivityGroupResult> results;
  write_run_archive(inv, output, inv.run_info(config.seed, inputs), [&](io::Archive& archive) {
    results = campaign::run_sensitivity_campaign(archive, inv.comm, events, index, catalog, groups,
                                                 config);
    campaign::write_table_once(archive, "/sensitivity/summary",
                               campaign::sensitivity_summary_table(results));
    campaign::write_table_once(archive, "/sensitivity/curve",
                               campaign::sensitivity_curve_table(results));
  });
  if (inv.prints())
    to_text(campaign::sensitivity_summary_table(results)).print_csv(std::cout);
  return 0;
}

} // namespace nuflare::app
