// The subcommand table, in `nuflare --help` order. Each subcommand lives in
// src/app/cmd_<name>.cpp: its settings, their option table, its body, and the
// form and printed table docs/cli.md shows.
#include "cli.hpp"

namespace nuflare::app {

Command blocks_command();
Command flares_command();
Command dcf_command();
Command spatial_command();
Command simulate_command();
Command temporal_command();
Command scan_command();
Command sweep_command();
Command simultaneity_command();
Command sensitivity_command();
Command followup_command();
Command candidates_command();
Command table_command();
Command help_tables_command();

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      blocks_command(),       flares_command(),      dcf_command(),      spatial_command(),
      simulate_command(),     temporal_command(),    scan_command(),     sweep_command(),
      simultaneity_command(), sensitivity_command(), followup_command(), candidates_command(),
      table_command(),        help_tables_command(),
  };
  return table;
}

} // namespace nuflare::app
