// nuflare spatial: tracks around source groups with RA-scrambling trials
// (blazar paper §6.3, Table 2, Table 6, §7.4). Parses, reads the inputs,
// calls the library, writes the archive, prints the table on rank 0.
#include "cli.hpp"

#include "nuflare/campaign/runs.hpp"

#include "nuflare/campaign/flux_limits.hpp"
#include "nuflare/campaign/read_once.hpp"
#include "nuflare/campaign/shared_spatial.hpp"
#include "nuflare/campaign/spatial_campaign.hpp"
#include "nuflare/core/validation.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/tables.hpp"

#include <cmath>
#include <iostream>

namespace nuflare::app {

namespace {

//! Flux limits per energy bin (paper §7.4), or none without flux_uptime.
std::vector<campaign::FluxLimitRow> flux_limits(const Invocation& inv,
                                                const campaign::SpatialRun& run,
                                                std::vector<std::filesystem::path>& inputs) {
  if (run.flux_uptime.empty() && !run.flux_exposure.livetime_days)
    return {};
  if (run.flux_irfs.empty())
    inv.fail(run.flux_uptime.empty() ? "flux-livetime-days" : "flux-uptime",
             "needs --flux-irfs (the effective areas of the seasons)");
  return campaign::flux_limit_rows(run.flux_uptime, run.flux_irfs,
                                   core::number_list("flux_bins", run.flux_bins), run.flux,
                                   run.flux_dec_average, run.flux_exposure, inputs);
}

} // namespace

int run_spatial(Invocation& inv, const campaign::SpatialRun& run) {
  coincidence::validate(run.campaign.spatial);
  check_sweep_point(inv, run.campaign.runner, run.campaign.n_trials);
  const auto output = claim_output(inv);

  // Inputs first: a bad file or option fails before any archive exists.
  campaign::SpatialInputs in = campaign::read_spatial_inputs(run.events, run.sources, inv.comm,
                                                             campaign::Deliver::first_rank);
  const auto& groups = in.groups;
  std::vector<std::filesystem::path>& inputs = in.files;
  // Rank 0 selects from the seasons as read, freeing each once selected from.
  const campaign::SharedSpatialIndex index(inv.comm, std::move(in.seasons), run.campaign.spatial);

  std::vector<campaign::PotentialSourceRow> table2;
  if (run.alerts) {
    const auto alerts = io::select_alerts(
        campaign::read_once(inv.comm, [&] { return io::read_alerts(*run.alerts); }),
        run.alert_selection);
    inputs.emplace_back(*run.alerts);
    for (const auto& g : groups)
      table2.push_back({g.name, coincidence::count_potential_sources(
                                    in.catalog, g.members, alerts, run.alert_factor, run.region)});
  }
  const auto limits = flux_limits(inv, run, inputs);

  std::vector<campaign::SpatialGroupResult> results;
  output.write(
      inv.run_info(run.campaign.seed, inputs), inv.comm,
      [&](io::Archive& archive) {
        results = campaign::run_spatial_campaign(archive, inv.comm, index, in.catalog, groups,
                                                 run.campaign);
        campaign::write_table_once(archive, "/spatial/summary",
                                   campaign::spatial_summary_table(results));
        campaign::write_table_once(archive, "/spatial/table6", campaign::spatial_table6(results));
        if (!table2.empty())
          campaign::write_table_once(archive, "/spatial/table2", campaign::spatial_table2(table2));
        if (!limits.empty())
          campaign::write_table_once(archive, "/spatial/flux_limit",
                                     campaign::spatial_flux_limit_table(limits));
      },
      campaign::Signals::checkpoint);
  return inv.print_summary([&] {
    return io::select_columns(
        campaign::spatial_summary_table(results),
        {"group", "log10e_min", "n_observed", "n_expected", "sigma", "p_value"});
  });
}

Binding spatial_command() {
  return make_binding(campaign::SpatialRun::options, run_spatial);
}

} // namespace nuflare::app
