// nuflare candidates: the ZTF follow-up candidates of ZTF paper §2–3 per alert and per deg², by
// class (Fig. 2), subclass (Fig. 4) and peak magnitude (Fig. 3); campaign/candidates_run.hpp.
#include "cli.hpp"

#include "nuflare/campaign/candidates_run.hpp"
#include "nuflare/io/tables.hpp"

#include <iostream>

namespace nuflare::app {

int run_candidates(Invocation& inv, const campaign::CandidatesOptions& run) {
  std::optional<campaign::RunOutput> output;
  if (inv.has("output"))
    output.emplace(claim_output(inv));
  const auto r = campaign::candidate_statistics(run);
  if (output)
    output->write(inv.run_info(0, r.files), inv.comm,
                  [&](io::Archive& archive) { campaign::write_candidates_archive(archive, r); });
  return inv.print_summary([&] { return campaign::candidates_summary_table(r); });
}

Binding candidates_command() {
  return make_binding(campaign::CandidatesOptions::options, run_candidates);
}

} // namespace nuflare::app
