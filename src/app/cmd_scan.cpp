// nuflare scan: the ΔT × containment-factor scan with alert-RA scrambling
// (blazar paper §5.1.1, Fig. 3). Inputs as `nuflare temporal`. The campaign is
// the sweep over the ΔT × factor grid (campaign/sweep_campaign.cpp), kept in
// the /scan archive layout.
#include "cli.hpp"

#include "nuflare/campaign/runs.hpp"

#include "nuflare/campaign/temporal_campaign.hpp"
#include "nuflare/io/tables.hpp"

#include <iostream>

namespace nuflare::app {

int run_scan(Invocation& inv, const campaign::ScanRun& run) {
  check_sweep_point(inv, run.campaign.runner, run.campaign.n_trials);
  const auto output = claim_output(inv);
  const auto delta_t = campaign::positive_grid("delta_t_grid", run.delta_t_grid, "ΔT", " days");
  const auto factors =
      campaign::positive_grid("factor_grid", run.factor_grid, "containment factor", "");

  const auto in = with_hints(time_test_hints(run.in),
                             [&] { return campaign::read_temporal_inputs(run.in, inv.comm); });
  const coincidence::ScanEngine engine(in.series, in.alerts, delta_t, factors, run.in.region,
                                       run.in.flare_cut);
  campaign::ScanResult result;
  output.write(
      inv.run_info(run.campaign.seed, in.files), inv.comm,
      [&](io::Archive& archive) {
        result = campaign::run_scan_campaign(archive, inv.comm, engine, run.campaign);
        campaign::write_table_once(archive, "/scan/summary", campaign::scan_summary_table(result));
      },
      campaign::Signals::checkpoint);
  if (inv.prints()) {
    io::print_csv(std::cout, io::select_columns(campaign::scan_summary_table(result),
                                                {"delta_t", "factor", "n_pairs", "r0", "p_value"}));
    std::cout << "# post_trial_p=" << io::format_number(result.post_trial_p) << '\n';
  }
  return 0;
}

Binding scan_command() {
  return make_binding(campaign::ScanRun::options, run_scan);
}

} // namespace nuflare::app
