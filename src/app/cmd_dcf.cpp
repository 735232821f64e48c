// nuflare dcf: the discrete correlation function of two bands of every source (blazar paper
// §6.1, Fig. 9; campaign/dcf_campaign.hpp): every rank computes every source (cheap).
#include "cli.hpp"

#include "nuflare/campaign/dcf_campaign.hpp"
#include "nuflare/io/tables.hpp"

#include <iostream>

namespace nuflare::app {

FormatHints flares_hints(const campaign::FlaresInputs& in); // cmd_flares.cpp

int run_dcf(Invocation& inv, const campaign::DcfRun& run) {
  campaign::validate(run.dcf);
  const auto output = claim_output(inv);
  std::vector<std::filesystem::path> inputs;
  const auto sources = with_hints(
      flares_hints(run.in), [&] { return campaign::read_flares_inputs(inv.comm, run.in, inputs); });
  const auto results = campaign::run_dcf(sources, run.dcf);
  output.write(inv.run_info(0, inputs), inv.comm, [&](io::Archive& archive) {
    campaign::write_dcf_archive(archive, results, run.dcf);
  });
  return inv.print_summary([&] { return campaign::dcf_summary_table(results, run.dcf); });
}

Command dcf_command() {
  return make_command(
      "dcf", "discrete correlation function of two bands of every source (blazar paper §6.1)",
      campaign::DcfRun::options, run_dcf,
      "--lightcurves LC.csv [--band-a fermi] [--band-b wise_w1] [--normalisation ek|local] "
      "[--bin-width 30] [--lag-min -450] [--lag-max 450] --output RUN.h5",
      "source,band_a,band_b,n_a,n_b,peak_lag,fit_lag,fit_lag_err,fit_sigma,peak_dcf: one row "
      "per source with both bands (positive lag: band_b lags band_a; nan where undefined)");
}

} // namespace nuflare::app
