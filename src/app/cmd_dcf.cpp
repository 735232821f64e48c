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

Binding dcf_command() {
  return make_binding(campaign::DcfRun::options, run_dcf);
}

} // namespace nuflare::app
