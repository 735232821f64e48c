// nuflare sweep: any grid of deck keys of a test as one campaign, every point
// on the same scrambled skies, with the exact post-trial p of the best point
// (docs/methods.md "Sweeps"; blazar paper §5, §6.2, §6.3). Parses, reads the
// inputs, calls the library, writes the archive, prints the tables on rank 0.
#include "cli.hpp"

#include "nuflare/campaign/sweep_campaign.hpp"
#include "nuflare/io/tables.hpp"

#include <iostream>

namespace nuflare::app {

namespace {

//! The options a test needs that the sweep's table cannot require for all.
void require_for(const Invocation& inv, campaign::SweepTest test,
                 std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (!inv.has(name))
      throw core::ConfigError(std::string("--") + name +
                              " is required with test = " + campaign::to_string(test));
}

//! Refuses a key given that `test` does not read (a spatial deck with
//! `band`, a scan with `angerr_scale`): it would change nothing.
void refuse_other_keys(const Invocation& inv, campaign::SweepTest test) {
  for (const auto& spec : inv.specs) {
    if (campaign::sweep_key_applies(spec.key, test))
      continue;
    const auto it = inv.options.find(spec.flag());
    if (it != inv.options.end() && !it->second.defaulted())
      inv.fail(spec.flag(), std::string("does not apply to test = ") + campaign::to_string(test));
  }
}

} // namespace

int run_sweep(Invocation& inv, const campaign::SweepRun& run) {
  using campaign::SweepTest;
  check_sweep_point(inv, run.campaign.runner, run.campaign.n_trials);
  std::vector<campaign::SweepAxis> axes;
  for (const auto& a : run.axis)
    axes.push_back(campaign::parse_axis(a, run.test));
  refuse_other_keys(inv, run.test);
  const bool time_test = run.test == SweepTest::scan || run.test == SweepTest::temporal;
  if (run.test == SweepTest::spatial)
    require_for(inv, run.test, {"events"});
  else if (run.test == SweepTest::simultaneity)
    require_for(inv, run.test, {"alerts", "rho"});
  else
    require_for(inv, run.test, {"alerts", "lightcurves", "band"});
  auto plan = campaign::plan_sweep(run, axes);
  const auto output = claim_output(inv);

  // Inputs first: a bad file or option fails before any archive exists.
  auto selection = run.point.in; // axes name no input file: every point reads these
  selection.sources = run.sources;
  const auto read = [&] { campaign::read_sweep_inputs(run, plan, inv.comm); };
  if (time_test)
    with_hints(time_test_hints(selection), read);
  else
    read();
  campaign::SweepResult result;
  output.write(
      inv.run_info(run.campaign.seed, plan.files), inv.comm,
      [&](io::Archive& archive) { result = campaign::run_sweep(archive, inv.comm, run, plan); },
      campaign::Signals::checkpoint);
  if (inv.prints()) {
    io::print_csv(std::cout, campaign::sweep_points_table(result));
    std::cout << "# n_points=" << result.grid.size() << " n_columns=" << result.point_of.size()
              << ' ' << campaign::to_string(result.le) << '\n';
  }
  return 0;
}

Binding sweep_command() {
  return make_binding(campaign::SweepRun::options, run_sweep);
}

} // namespace nuflare::app
