// nuflare temporal: R(t) around alert times with control-sample trials
// (blazar paper §5, Fig. 4–8). Parses, reads the inputs, calls
// the library, writes the archive, prints the CSV on rank 0. The input
// handling it shares with `scan` and `sensitivity` is in temporal_inputs.
#include "cli.hpp"
#include "output.hpp"
#include "temporal_inputs.hpp"

#include "nuflare/campaign/temporal_campaign.hpp"
#include "nuflare/coincidence/temporal.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/sky/region.hpp"

#include <cstdlib>
#include <iostream>

namespace nuflare::app {

void add_temporal_options(po::options_description& desc) {
  add_temporal_input_options(desc);
  desc.add_options()("delta-t", real(POSITIVE)->required(), "time window ΔT [days]")(
      "factor", real(POSITIVE)->default_value(1.0), "containment factor of the regions")(
      "shift-step", real(POSITIVE), "shift grid step [days] (default ΔT/2; paper IR: 360)")(
      "max-shift", real(NON_NEGATIVE)->default_value(3600), "largest |shift| [days]");
}

int run_temporal(Invocation& inv) {
  const RunOutput output(inv);
  campaign::TemporalCampaignConfig config;
  config.n_trials = inv.get<std::uint64_t>("trials");
  config.seed = inv.get<std::uint64_t>("seed");
  config.runner = runner_options(inv);
  const double delta_t = inv.get<double>("delta-t");
  const double factor = inv.get<double>("factor");
  const auto shape = sky::parse_region_shape(inv.get<std::string>("region"));
  const double step = inv.has("shift-step") ? inv.get<double>("shift-step") : delta_t / 2;
  const auto shifts = coincidence::shift_grid(step, inv.get<double>("max-shift"));

  // Inputs first: a bad file or option fails before any archive exists.
  const auto in = read_temporal_inputs(inv);
  const auto pairs = coincidence::make_pairs(in.series, in.alerts, factor, shape);
  const std::size_t n_sources = coincidence::distinct_sources(pairs);
  if (pairs.empty())
    throw core::InputError(inv.get<std::string>("sources"), 0, "",
                           "no selected source lies in an alert region");
  std::vector<double> alert_mjd;
  for (const auto& a : in.alerts)
    alert_mjd.push_back(a.mjd);
  // NUFLARE_NO_AVX2 (any value) keeps the SSE2 loop, for testing it (docs/methods.md).
  const auto simd = std::getenv("NUFLARE_NO_AVX2") ? coincidence::SimdLevel::sse2
                                                   : coincidence::best_simd_level();
  const coincidence::ControlEngine engine(
      in.series, coincidence::outside_all_regions(in.series, in.alerts, factor, shape), alert_mjd,
      shifts, delta_t, inv.get<double>("flare-cut"), simd);

  campaign::ControlResult result;
  write_run_archive(inv, output, inv.run_info(config.seed, in.files), [&](io::Archive& archive) {
    result = campaign::run_control_campaign(archive, inv.comm, engine, pairs, n_sources, config);
    if (!archive.exists("/temporal/summary"))
      archive.write_table("/temporal/summary", campaign::control_summary_table(result));
  });
  if (inv.prints()) {
    TextTable out(
        {"shift_days", "r_observed", "r_trial_mean", "r_trial_p16", "r_trial_p84", "p_value"});
    for (std::size_t k = 0; k < result.shift_days.size(); ++k)
      out.add_row({format_number(result.shift_days[k]), format_number(result.r_observed[k]),
                   format_number(result.r_trial_mean[k]), format_number(result.r_trial_p16[k]),
                   format_number(result.r_trial_p84[k]), format_number(result.p_value[k])});
    out.print_csv(std::cout);
    std::cerr << "nuflare temporal: " << in.series.size() << " sources with light curves, "
              << in.alerts.size() << " alerts, " << pairs.size() << " pairs (" << n_sources
              << " sources), control pool " << engine.pool_size() << ", post-trial p "
              << format_number(result.post_trial_p) << '\n';
  }
  return 0;
}

} // namespace nuflare::app
