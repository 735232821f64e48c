// The subcommand table: one line per subcommand, in `nuflare --help` order.
#include "cli.hpp"

namespace nuflare::app {

// Each subcommand lives in src/app/cmd_<name>.cpp.
void add_table_options(po::options_description& desc);
int run_table(Invocation& inv);
void add_spatial_options(po::options_description& desc);
int run_spatial(Invocation& inv);

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"spatial", "tracks around source groups with RA-scrambling trials (SPEC §7)",
       add_spatial_options, run_spatial, {"events", "sources", "alerts", "flux-uptime", "flux-irfs"}},
      {"table", "print a summary table of a run archive", add_table_options, run_table,
       {"archive"}},
  };
  return table;
}

} // namespace nuflare::app
