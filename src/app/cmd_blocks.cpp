// nuflare blocks: Bayesian Blocks edges of one light curve (blazar paper §4.2.2; Scargle et al.
// 2013). The output format is a contract: scripts compare it with astropy.
#include "cli.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/table_reader.hpp"
#include "nuflare/lightcurve/bayesian_blocks.hpp"

#include <cstdio>

namespace nuflare::app {

struct BlocksRun {
  std::string input;
  std::optional<std::string> fitness;
  lightcurve::BlocksOptions options;
};

const core::OptionTable<BlocksRun>& blocks_options() {
  using B = BlocksRun;
  static const auto table =
      core::OptionTable<B>()
          .add("input", &B::input, "", "CSV with a header and columns t[,x[,sigma]]")
          .required()
          .paths()
          .add("fitness", &B::fitness, "", "measures, events or regular_events")
          .no_default("events for a t-only file (as astropy), measures when x is given")
          .include(&B::options, lightcurve::BlocksOptions::options());
  return table;
}

int run_blocks(Invocation& inv, const BlocksRun& run) {
  io::TableReader table(run.input);
  const std::size_t n_cols = table.columns().size();
  if (n_cols < 1 || n_cols > 3)
    throw core::InputError(run.input, 1, "",
                           "expected columns t[,x[,sigma]], found " + std::to_string(n_cols) +
                               " columns");
  std::vector<double> t, x, sigma;
  while (table.next()) {
    t.push_back(table.number(0));
    if (n_cols > 1)
      x.push_back(table.number(1));
    if (n_cols > 2) {
      const double s = table.number(2);
      if (s <= 0)
        table.fail(2, "sigma must be positive");
      sigma.push_back(s);
    }
  }
  if (t.empty())
    throw core::InputError(run.input, 0, "", "no data rows");

  auto options = run.options;
  options.fitness = run.fitness   ? lightcurve::parse_fitness(*run.fitness)
                    : n_cols == 1 ? lightcurve::Fitness::events
                                  : lightcurve::Fitness::measures;
  if (options.fitness == lightcurve::Fitness::regular_events && !(options.dt > 0))
    inv.fail("fitness", "regular_events needs --dt (the tick length)");

  const auto blocks = lightcurve::bayesian_blocks(t, x, sigma, options);
  if (inv.prints())
    for (double edge : blocks.edges)
      std::printf("%.17g\n", edge);
  return 0;
}

Binding blocks_command() {
  return make_binding(blocks_options, run_blocks);
}

} // namespace nuflare::app
