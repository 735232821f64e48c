// nuflare temporal: R(t) around alert times with control-sample trials
// (blazar paper §5, Fig. 4–8). Parses, reads the inputs, calls the library,
// writes the archive, prints the table on rank 0.
#include "cli.hpp"

#include "nuflare/campaign/runs.hpp"

#include "nuflare/campaign/temporal_campaign.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/tables.hpp"

#include <cstdlib>
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
  const auto pairs = coincidence::make_pairs(in.series, in.alerts, run.factor, run.in.region);
  const std::size_t n_sources = coincidence::distinct_sources(pairs);
  if (pairs.empty())
    throw core::InputError(run.in.sources, 0, "", "no selected source lies in an alert region");
  std::vector<double> alert_mjd;
  for (const auto& a : in.alerts)
    alert_mjd.push_back(a.mjd);
  // NUFLARE_NO_AVX2 (any value) keeps the SSE2 loop, for testing it (docs/methods.md).
  const auto simd = std::getenv("NUFLARE_NO_AVX2") ? coincidence::SimdLevel::sse2
                                                   : coincidence::best_simd_level();
  const coincidence::ControlEngine engine(
      in.series, coincidence::outside_all_regions(in.series, in.alerts, run.factor, run.in.region),
      alert_mjd, shifts, run.delta_t, run.in.flare_cut, simd);

  campaign::ControlResult result;
  output.write(
      inv.run_info(run.campaign.seed, in.files), inv.comm,
      [&](io::Archive& archive) {
        result = campaign::run_control_campaign(archive, inv.comm, engine, pairs, n_sources,
                                                run.campaign);
        campaign::write_table_once(archive, "/temporal/summary",
                                   campaign::control_summary_table(result));
      },
      campaign::Signals::checkpoint);
  if (inv.prints()) {
    io::print_csv(std::cout, io::select_columns(campaign::control_summary_table(result),
                                                {"shift_days", "r_observed", "r_trial_mean",
                                                 "r_trial_p16", "r_trial_p84", "p_value"}));
    std::cerr << "nuflare temporal: " << in.series.size() << " sources with light curves, "
              << in.alerts.size() << " alerts, " << pairs.size() << " pairs (" << n_sources
              << " sources), control pool " << engine.pool_size() << ", post-trial p "
              << io::format_number(result.post_trial_p) << '\n';
  }
  return 0;
}

Binding temporal_command() {
  return make_binding(campaign::TemporalRun::options, run_temporal);
}

} // namespace nuflare::app
