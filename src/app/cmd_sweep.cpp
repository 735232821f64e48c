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
  const auto axes = campaign::parse_axes(run);
  refuse_other_keys(inv, run.test);
  for (const auto& key : campaign::sweep_required_keys(run.test))
    if (!inv.has(key)) // these keys are their own flags (no '_')
      throw core::ConfigError("--" + key +
                              " is required with test = " + campaign::to_string(run.test));
  auto plan = campaign::plan_sweep(run, axes);
  const auto output = claim_output(inv);

  // Inputs first: a bad file or option fails before any archive exists.
  auto selection = run.point.in; // axes name no input file: every point reads these
  selection.sources = run.sources;
  const auto read = [&] { campaign::read_sweep_inputs(run, plan, inv.comm); };
  if (run.test == SweepTest::scan || run.test == SweepTest::temporal)
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
