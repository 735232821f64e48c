// nuflare simultaneity: mean simultaneity ratio ρ of potential neutrino
// sources against trials (blazar paper §6.2, Table 1, Fig. 10–11).
#include "cli.hpp"

#include "nuflare/campaign/runs.hpp"

#include "nuflare/campaign/inputs.hpp"
#include "nuflare/campaign/temporal_campaign.hpp"
#include "nuflare/io/tables.hpp"

#include <iostream>

namespace nuflare::app {

int run_simultaneity(Invocation& inv, const campaign::SimultaneityRun& run) {
  check_sweep_point(inv, run.campaign.runner, run.campaign.n_trials);
  const auto output = claim_output(inv);
  const auto in = campaign::read_simultaneity_inputs(run.alerts, run.alert_selection, run.sources,
                                                     run.rho, inv.comm);

  campaign::SimultaneityResult result;
  output.write(
      inv.run_info(run.campaign.seed, {run.alerts, run.sources, run.rho}), inv.comm,
      [&](io::Archive& archive) {
        result = campaign::run_simultaneity_campaign(archive, inv.comm, in.sources, in.alerts,
                                                     run.factor, run.split_deg, run.campaign);
        campaign::write_table_once(archive, "/simultaneity/summary",
                                   campaign::simultaneity_summary_table(result));
      },
      campaign::Signals::checkpoint);
  return inv.print_summary([&] { return campaign::simultaneity_summary_table(result); });
}

Binding simultaneity_command() {
  return make_binding(campaign::SimultaneityRun::options, run_simultaneity);
}

} // namespace nuflare::app
