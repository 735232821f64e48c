// The subcommand table: one line per subcommand, in `nuflare --help` order.
#include "cli.hpp"

namespace nuflare::app {

// Each subcommand lives in src/app/cmd_<name>.cpp.
void add_table_options(po::options_description& desc);
int run_table(Invocation& inv);
void add_sensitivity_options(po::options_description& desc);
int run_sensitivity(Invocation& inv);
void add_simulate_options(po::options_description& desc);
int run_simulate(Invocation& inv);
void add_spatial_options(po::options_description& desc);
int run_spatial(Invocation& inv);
void add_blocks_options(po::options_description& desc);
int run_blocks(Invocation& inv);
void add_followup_options(po::options_description& desc);
int run_followup(Invocation& inv);
void add_flares_options(po::options_description& desc);
int run_flares(Invocation& inv);
void add_temporal_options(po::options_description& desc);
int run_temporal(Invocation& inv);
void add_scan_options(po::options_description& desc);
int run_scan(Invocation& inv);
void add_simultaneity_options(po::options_description& desc);
int run_simultaneity(Invocation& inv);

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"blocks",
       "Bayesian Blocks edges of one light curve (astropy-compatible)",
       add_blocks_options,
       run_blocks,
       {"input"}},
      {"flares",
       "flares, variability and multi-frequency classes of every source (blazar paper §3.3, §4.2)",
       add_flares_options,
       run_flares,
       {"lightcurves", "fermi-lcr", "wise", "wise-sample", "sources", "output"}},
      {"spatial",
       "tracks around source groups with RA-scrambling trials (blazar paper §6.3)",
       add_spatial_options,
       run_spatial,
       {"events", "sources", "alerts", "flux-uptime", "flux-irfs"}},
      {"simulate",
       "write a synthetic sky in every input format (docs/methods.md, simulator)",
       add_simulate_options,
       run_simulate,
       {"output"}},
      {"temporal",
       "R(t) around alert times with control-sample trials (blazar paper §5)",
       add_temporal_options,
       run_temporal,
       {"alerts", "sources", "lightcurves"}},
      {"scan",
       "ΔT × containment-factor scan with alert-RA scrambling (blazar paper §5.1.1)",
       add_scan_options,
       run_scan,
       {"alerts", "sources", "lightcurves"}},
      {"simultaneity",
       "mean simultaneity ratio of potential neutrino sources (blazar paper §6.2)",
       add_simultaneity_options,
       run_simultaneity,
       {"alerts", "sources", "rho"}},
      {"sensitivity",
       "injected-signal sensitivity and discovery potential of the spatial or time test",
       add_sensitivity_options,
       run_sensitivity,
       {"events", "sources", "alerts", "lightcurves"}},
      {"followup",
       "limits on neutrino-source counterparts from optical follow-up (ZTF paper §6)",
       add_followup_options,
       run_followup,
       {"table", "not-followed-up", "output"}},
      {"table",
       "print a summary table of a run archive",
       add_table_options,
       run_table,
       {"archive"}},
  };
  return table;
}

} // namespace nuflare::app
