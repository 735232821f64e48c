// nuflare help-tables (not listed in --help): the key tables of
// inputs/README.md and the subcommands of docs/cli.md, printed from the option
// tables every subcommand reads (core/options.hpp), so the documentation is
// the code. tools/update_docs.sh writes them; the ctest `docs_generated`
// fails when a committed copy is stale.
#include "cli.hpp"

#include <iostream>

namespace nuflare::app {

namespace {

struct HelpTablesRun {
  std::string doc = "readme";
};

const core::OptionTable<HelpTablesRun>& help_tables_options() {
  static const auto table = core::OptionTable<HelpTablesRun>().add(
      "doc", &HelpTablesRun::doc, "",
      "readme (the key tables of inputs/README.md) or cli (the subcommands of docs/cli.md)");
  return table;
}

//! The subcommands the documentation describes (not this one).
std::vector<const Command*> documented() {
  std::vector<const Command*> out;
  for (const auto& c : commands())
    if (!c.hidden)
      out.push_back(&c);
  return out;
}

void print_readme_tables() {
  for (const auto* c : documented()) {
    std::cout << "<!-- keys:" << c->name << " -->\n";
    core::print_key_table(std::cout, c->bind().options(), "key",
                          [](const auto& s) { return s.key; });
    std::cout << "<!-- /keys:" << c->name << " -->\n";
  }
}

//! The subcommands' sections of docs/cli.md, between their markers.
void print_cli_sections() {
  std::cout << "<!-- subcommands -->\n";
  for (const auto* c : documented()) {
    std::cout << "\n### " << c->name << "\n\n"
              << c->summary << ".\n\n```\nnuflare " << c->name << " " << c->usage
              << "\n```\n\nPrints " << c->prints << ".\n\n";
    core::print_key_table(std::cout, c->bind().options(), "option",
                          [](const auto& s) { return "--" + s.flag(); });
  }
  std::cout << "<!-- /subcommands -->\n";
}

int run_help_tables(Invocation& inv, const HelpTablesRun& run) {
  if (run.doc == "cli")
    print_cli_sections();
  else if (run.doc == "readme")
    print_readme_tables();
  else
    inv.fail("doc", "expected readme or cli, got \"" + run.doc + "\"");
  return 0;
}

} // namespace

Binding help_tables_command() {
  return make_binding(help_tables_options, run_help_tables);
}

} // namespace nuflare::app
