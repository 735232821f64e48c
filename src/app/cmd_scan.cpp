// nuflare scan: the ΔT × containment-factor scan with alert-RA scrambling
// (blazar paper §5.1.1, Fig. 3). Inputs as `nuflare temporal`.
#include "cli.hpp"
#include "output.hpp"
#include "temporal_inputs.hpp"

#include "nuflare/campaign/temporal_campaign.hpp"
#include "nuflare/coincidence/temporal.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/sky/region.hpp"

#include <iostream>

namespace nuflare::app {

void add_scan_options(po::options_description& desc) {
  add_temporal_input_options(desc);
  desc.add_options()("delta-t-grid", po::value<std::string>()->required(),
                     "comma-separated ΔT values [days]")(
      "factor-grid", po::value<std::string>()->default_value("1.0"),
      "comma-separated containment factors (paper: 1.1,1.3,1.5)");
}

int run_scan(Invocation& inv) {
  const RunOutput output(inv);
  campaign::TemporalCampaignConfig config;
  config.n_trials = inv.get<std::uint64_t>("trials");
  config.seed = inv.get<std::uint64_t>("seed");
  config.runner = runner_options(inv);
  const auto delta_t = parse_number_list(inv, "delta-t-grid");
  for (double d : delta_t)
    if (!(d > 0))
      inv.fail("delta-t-grid", "every ΔT must be > 0 days, got " + format_number(d));
  const auto factors = parse_number_list(inv, "factor-grid");
  for (double f : factors)
    if (!(f > 0))
      inv.fail("factor-grid", "every containment factor must be > 0, got " + format_number(f));
  const auto shape = sky::parse_region_shape(inv.get<std::string>("region"));

  const auto in = read_temporal_inputs(inv);
  const coincidence::ScanEngine engine(in.series, in.alerts, delta_t, factors, shape,
                                       inv.get<double>("flare-cut"));
  campaign::ScanResult result;
  write_run_archive(inv, output, inv.run_info(config.seed, in.files), [&](io::Archive& archive) {
    result = campaign::run_scan_campaign(archive, inv.comm, engine, config);
    if (!archive.exists("/scan/summary"))
      archive.write_table("/scan/summary", campaign::scan_summary_table(result));
  });
  if (inv.prints()) {
    TextTable out({"delta_t", "factor", "n_pairs", "r0", "p_value"});
    for (std::size_t k = 0; k < result.r0.size(); ++k)
      out.add_row({format_number(result.delta_t_days[k]), format_number(result.factor[k]),
                   std::to_string(result.n_pairs[k]), format_number(result.r0[k]),
                   format_number(result.p_value[k])});
    out.print_csv(std::cout);
    std::cout << "# post_trial_p=" << format_number(result.post_trial_p) << '\n';
  }
  return 0;
}

} // namespace nuflare::app
