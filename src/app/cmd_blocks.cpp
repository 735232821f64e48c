// nuflare blocks: Bayesian Blocks edges of one light curve (blazar paper §4.2.2; Scargle et al.
// 2013). The output format is a contract: scripts compare it with astropy.
#include "cli.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/table_reader.hpp"
#include "nuflare/lightcurve/bayesian_blocks.hpp"

#include <cstdio>

namespace nuflare::app {

void add_blocks_options(po::options_description& desc) {
  desc.add_options()("input", po::value<std::string>()->required(),
                     "CSV with a header and columns t[,x[,sigma]]")(
      "fitness", po::value<std::string>(),
      "measures, events or regular_events (default: events for a t-only file, as astropy; "
      "measures when x is given)")("p0", real(OPEN_UNIT_INTERVAL),
                                   "false-alarm probability of the prior (default 0.05)")(
      "gamma", real(POSITIVE), "prior slope: ncp_prior = -ln(gamma)")(
      "ncp-prior", real(), "prior charged per block (wins over --gamma and --p0)")(
      "dt", real(POSITIVE), "tick length for regular_events");
}

int run_blocks(Invocation& inv) {
  const std::string path = inv.get<std::string>("input");
  io::TableReader table(path);
  const std::size_t n_cols = table.columns().size();
  if (n_cols < 1 || n_cols > 3)
    throw core::InputError(path, 1, "",
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
    throw core::InputError(path, 0, "", "no data rows");

  lightcurve::BlocksOptions options;
  options.fitness = inv.has("fitness") ? lightcurve::parse_fitness(inv.get<std::string>("fitness"))
                    : n_cols == 1      ? lightcurve::Fitness::events
                                       : lightcurve::Fitness::measures;
  // Own ranges (p0 in (0, 1), gamma > 0, dt > 0) are checked as the options are read.
  if (inv.has("p0"))
    options.p0 = inv.get<double>("p0");
  if (inv.has("gamma"))
    options.gamma = inv.get<double>("gamma");
  if (inv.has("ncp-prior"))
    options.ncp_prior = inv.get<double>("ncp-prior");
  if (inv.has("dt"))
    options.dt = inv.get<double>("dt");
  if (options.fitness == lightcurve::Fitness::regular_events && !(options.dt > 0))
    inv.fail("fitness", "regular_events needs --dt (the tick length)");

  const auto blocks = lightcurve::bayesian_blocks(t, x, sigma, options);
  if (inv.prints())
    for (double edge : blocks.edges)
      std::printf("%.17g\n", edge);
  return 0;
}

} // namespace nuflare::app
