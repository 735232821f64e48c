// nuflare sweep: any grid of deck keys of a time test as one campaign, every
// point on the same scrambled skies, with the exact post-trial p of the best
// point (docs/methods.md "Sweeps"; blazar paper §5). Parses, reads the
// inputs, calls the library, writes the archive, prints the tables on rank 0.
#include "cli.hpp"

#include "nuflare/campaign/sweep_campaign.hpp"
#include "nuflare/io/tables.hpp"

#include <iostream>

namespace nuflare::app {

int run_sweep(Invocation& inv, const campaign::SweepRun& run) {
  check_sweep_point(inv, run.campaign.runner, run.campaign.n_trials);
  std::vector<campaign::SweepAxis> axes;
  for (const auto& a : run.axis)
    axes.push_back(campaign::parse_axis(a));
  const auto grid = campaign::make_grid(run.point, axes);
  const auto output = claim_output(inv);

  // Inputs first: a bad file or option fails before any archive exists.
  const auto in = with_hints(time_test_hints(run.point.in),
                             [&] { return campaign::read_sweep_inputs(grid, inv.comm); });
  std::vector<std::filesystem::path> files;
  for (const auto& i : in.inputs)
    for (const auto& f : i.files)
      if (std::find(files.begin(), files.end(), f) == files.end())
        files.push_back(f);
  campaign::SweepResult result;
  output.write(
      inv.run_info(run.campaign.seed, files), inv.comm,
      [&](io::Archive& archive) {
        result = campaign::run_sweep_campaign(archive, inv.comm, grid, in, run.campaign, run.test);
        campaign::write_table_once(archive, "/sweep/points", campaign::sweep_points_table(result));
        campaign::write_table_once(archive, "/sweep/summary",
                                   campaign::sweep_summary_table(result));
      },
      campaign::Signals::checkpoint);
  if (inv.prints()) {
    io::print_csv(std::cout, campaign::sweep_points_table(result));
    const auto& le = result.le;
    std::cout << "# n_points=" << grid.size() << " n_columns=" << result.point_of.size()
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
