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

const char* test_name(campaign::SweepTest test) {
  switch (test) {
  case campaign::SweepTest::scan:
    return "scan";
  case campaign::SweepTest::temporal:
    return "temporal";
  case campaign::SweepTest::spatial:
    return "spatial";
  case campaign::SweepTest::simultaneity:
    break;
  }
  return "simultaneity";
}

//! The options a test needs that the sweep's table cannot require for all.
void require_for(const Invocation& inv, const char* test,
                 std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (!inv.has(name))
      throw core::ConfigError(std::string("--") + name + " is required with test = " + test);
}

//! Refuses a key given that `test` does not read (a spatial deck with
//! `band`, a scan with `angerr_scale`): it would change nothing.
void refuse_other_keys(const Invocation& inv, campaign::SweepTest test) {
  for (const auto& spec : inv.specs) {
    if (campaign::sweep_key_applies(spec.key, test))
      continue;
    const auto it = inv.options.find(spec.flag());
    if (it != inv.options.end() && !it->second.defaulted())
      inv.fail(spec.flag(), std::string("does not apply to test = ") + test_name(test));
  }
}

} // namespace

int run_sweep(Invocation& inv, const campaign::SweepRun& run) {
  using campaign::SweepTest;
  check_sweep_point(inv, run.campaign.runner, run.campaign.n_trials);
  std::vector<campaign::SweepAxis> axes;
  for (const auto& a : run.axis)
    axes.push_back(campaign::parse_axis(a, run.test));
  const char* test = test_name(run.test);
  refuse_other_keys(inv, run.test);
  switch (run.test) {
  case SweepTest::spatial:
    require_for(inv, test, {"events"});
    break;
  case SweepTest::simultaneity:
    require_for(inv, test, {"alerts", "rho"});
    break;
  case SweepTest::scan:
  case SweepTest::temporal:
    require_for(inv, test, {"alerts", "lightcurves", "band"});
    break;
  }
  const bool spatial = run.test == SweepTest::spatial;
  auto point = run.point;
  point.in.sources = run.sources;
  const auto grid = spatial ? campaign::SweepGrid{} : campaign::make_grid(point, axes, run.test);
  const auto spatial_grid =
      spatial ? campaign::make_grid(run.spatial, axes) : campaign::SpatialSweepGrid{};
  const auto output = claim_output(inv);

  // Inputs first: a bad file or option fails before any archive exists.
  campaign::SweepInputs in;
  campaign::SpatialSweepInputs spatial_in;
  campaign::SimultaneitySweepInputs simultaneity_in;
  std::vector<std::filesystem::path> files;
  switch (run.test) {
  case SweepTest::spatial:
    spatial_in =
        campaign::read_spatial_sweep_inputs(spatial_grid, run.events, run.sources, inv.comm);
    files = spatial_in.files;
    break;
  case SweepTest::simultaneity:
    simultaneity_in =
        campaign::read_simultaneity_sweep_inputs(grid, run.sources, run.rho, inv.comm);
    files = simultaneity_in.files;
    break;
  case SweepTest::scan:
  case SweepTest::temporal:
    in = with_hints(time_test_hints(point.in),
                    [&] { return campaign::read_sweep_inputs(grid, inv.comm); });
    for (const auto& i : in.inputs)
      for (const auto& f : i.files)
        if (std::find(files.begin(), files.end(), f) == files.end())
          files.push_back(f);
    break;
  }
  campaign::SweepResult result;
  output.write(
      inv.run_info(run.campaign.seed, files), inv.comm,
      [&](io::Archive& archive) {
        switch (run.test) {
        case SweepTest::spatial:
          result = campaign::run_spatial_sweep_campaign(archive, inv.comm, spatial_grid, spatial_in,
                                                        run.campaign);
          break;
        case SweepTest::simultaneity:
          result = campaign::run_simultaneity_sweep_campaign(archive, inv.comm, grid,
                                                             simultaneity_in, run.campaign);
          break;
        case SweepTest::scan:
        case SweepTest::temporal:
          result =
              campaign::run_sweep_campaign(archive, inv.comm, grid, in, run.campaign, run.test);
          break;
        }
        campaign::write_table_once(archive, "/sweep/points", campaign::sweep_points_table(result));
        campaign::write_table_once(archive, "/sweep/summary",
                                   campaign::sweep_summary_table(result));
      },
      campaign::Signals::checkpoint);
  if (inv.prints()) {
    io::print_csv(std::cout, campaign::sweep_points_table(result));
    const auto& le = result.le;
    std::cout << "# n_points=" << result.grid.size() << " n_columns=" << result.point_of.size()
              << " p_min=" << io::format_number(le.p_min)
              << " post_trial_p=" << io::format_number(le.post_trial_p)
              << " sidak_p=" << io::format_number(le.sidak_p)
              << " n_eff=" << io::format_number(le.n_eff) << '\n';
  }
  return 0;
}

Command sweep_command() {
  return make_command(campaign::SweepRun::options, run_sweep);
}

} // namespace nuflare::app
