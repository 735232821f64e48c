// nuflare temporal: R(t) around alert times with control-sample trials
// (blazar paper §5, Fig. 4–8). Parses, reads the inputs, calls the library,
// writes the archive, prints the table on rank 0.
#include "cli.hpp"

#include "nuflare/campaign/runs.hpp"

#include "nuflare/campaign/temporal_campaign.hpp"
#include "nuflare/io/tables.hpp"

#include <iostream>

namespace nuflare::app {

int run_temporal(Invocation& inv, const campaign::TemporalRun& run) {
  check_sweep_point(inv, run.campaign.runner, run.campaign.n_trials);
  const auto output = claim_output(inv);
  const auto shifts =
      coincidence::shift_grid(run.shift_step.value_or(run.delta_t / 2), run.max_shift);

  // Inputs first: a bad file or option fails before any archive exists.
  const auto in = with_hints(time_test_hints(run.in),
                             [&] { return campaign::read_temporal_inputs(run.in, inv.comm); });
  const auto control = campaign::set_up_control(in, run.in, run.factor, run.delta_t, shifts);

  campaign::ControlResult result;
  output.write(
      inv.run_info(run.campaign.seed, in.files), inv.comm,
      [&](io::Archive& archive) {
        result = campaign::run_control_campaign(archive, inv.comm, *control.engine, control.pairs,
                                                control.n_sources, run.campaign);
        campaign::write_table_once(archive, "/temporal/summary",
                                   campaign::control_summary_table(result));
      },
      campaign::Signals::checkpoint);
  if (inv.prints()) {
    io::print_csv(std::cout, io::select_columns(campaign::control_summary_table(result),
                                                {"shift_days", "r_observed", "r_trial_mean",
                                                 "r_trial_p16", "r_trial_p84", "p_value"}));
    std::cerr << "nuflare temporal: " << in.series.size() << " sources with light curves, "
              << in.alerts.size() << " alerts, " << control.pairs.size() << " pairs ("
              << control.n_sources << " sources), control pool " << control.engine->pool_size()
              << ", post-trial p " << io::format_number(result.post_trial_p) << '\n';
  }
  return 0;
}

Binding temporal_command() {
  return make_binding(campaign::TemporalRun::options, run_temporal);
}

} // namespace nuflare::app
