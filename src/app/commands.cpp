// The subcommand table: one line per subcommand, in `nuflare --help` order.
#include "cli.hpp"

namespace nuflare::app {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"table", "print a summary table of a run archive", add_table_options, run_table,
       {"archive"}},
  };
  return table;
}

} // namespace nuflare::app
