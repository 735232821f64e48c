// nuflare followup: limits on the fraction of neutrino sources with an optical
// counterpart brighter than M (ZTF paper §6, eq. 1–7, Table 4,
// Fig. 14–19). Parses, reads the alert table, calls nuflare::followup, prints
// the table on rank 0 and, with --output, writes every curve into the archive.
// The computation is cheap (≈ ms), so every rank computes it all; only the
// archive calls are collective and only rank 0 prints.
#include "cli.hpp"

#include "nuflare/campaign/followup_run.hpp"
#include "nuflare/followup/detection.hpp"
#include "nuflare/followup/redshift.hpp"
#include "nuflare/io/tables.hpp"

#include <algorithm>
#include <array>
#include <iostream>
#include <limits>
#include <vector>

namespace nuflare::app {

namespace {

//! The run's results (campaign::followup_limits), an input error about the
//! table with a hint when it is the other table format.
campaign::FollowupResults compute(const campaign::FollowupOptions& run,
                                  const campaign::FollowupSettings& s) {
  using F = io::InputFormat;
  const FormatHints hints{
      {{s.table_path, s.table_format == "campaign" ? F::followup_campaign : F::ztf_overview}},
      {{F::ztf_overview, "--table-format overview"},
       {F::followup_campaign, "--table-format campaign"}}};
  return with_hints(hints, [&] { return campaign::followup_limits(run, s); });
}

} // namespace

int run_followup(Invocation& inv, const campaign::FollowupOptions& run) {
  // Options, inputs and every number first: bad input fails before any archive exists.
  const auto s = campaign::followup_settings(run);
  std::optional<campaign::RunOutput> output;
  if (inv.has("output"))
    output.emplace(claim_output(inv));
  const auto r = compute(run, s);

  if (output) {
    std::vector<std::filesystem::path> inputs{s.table_path};
    if (run.not_followed_up)
      inputs.emplace_back(*run.not_followed_up);
    for (const auto& fs : r.table3)
      inputs.emplace_back(fs.file);
    output->write(inv.run_info(0, inputs), inv.comm,
                  [&](io::Archive& archive) { campaign::write_followup_archive(archive, s, r); });
  }
  return inv.print_summary([&] { return campaign::followup_summary_table(r); });
}

Binding followup_command() {
  return make_binding(campaign::FollowupOptions::options, run_followup);
}

} // namespace nuflare::app
