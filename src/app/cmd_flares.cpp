// nuflare flares: blazar paper §3.3 and §4.2 on every source and band (preparation → Bayesian
// Blocks with the p0 fallback → flares, variability, filters → multi-frequency
// stages and class). Parses, reads the light curves, runs the flares campaign
// (campaign/flares_campaign.hpp: sources over ranks, results gathered in source
// order), writes the archive and prints the table on rank 0.
#include "cli.hpp"

#include "nuflare/campaign/flares_campaign.hpp"
#include "nuflare/campaign/gather.hpp"
#include "nuflare/io/tables.hpp"

#include <iostream>

namespace nuflare::app {

struct FlaresRun {
  campaign::FlaresInputs in;
  lightcurve::FlaresConfig config;
  bool timing = false;
  OutputOptions out;
};

const core::OptionTable<FlaresRun>& flares_options() {
  using F = FlaresRun;
  static const auto table =
      core::OptionTable<F>()
          .include(&F::in, campaign::FlaresInputs::options())
          .include(&F::config, lightcurve::FlaresConfig::options())
          .add("timing", &F::timing, "", "print the wall time of each phase to stderr (rank 0)")
          .as_flag()
          .include(&F::out, OutputOptions::options());
  return table;
}

//! Each input file and the format it was given as, for hints (also `nuflare dcf`).
FormatHints flares_hints(const campaign::FlaresInputs& in) {
  using F = io::InputFormat;
  FormatHints h{{},
                {{F::long_lightcurves, "--lightcurves"},
                 {F::fermi_lcr, "--fermi-lcr"},
                 {F::wise_photometry, "--wise"},
                 {F::wise_sample, "--wise-sample"},
                 {F::source_catalog, "--sources"},
                 {F::xrt_qdp, "--xrt-qdp"},
                 {F::ovro_csv, "--ovro"}}};
  for (const auto& [files, format] :
       {std::pair{&in.lightcurves, F::long_lightcurves}, std::pair{&in.fermi_lcr, F::fermi_lcr},
        std::pair{&in.wise, F::wise_photometry}, std::pair{&in.xrt_qdp, F::xrt_qdp},
        std::pair{&in.ovro, F::ovro_csv}})
    for (const auto& f : *files)
      h.given.emplace(f, format);
  if (in.wise_sample)
    h.given.emplace(*in.wise_sample, F::wise_sample);
  if (in.sources)
    h.given.emplace(*in.sources, F::source_catalog);
  return h;
}

int run_flares(Invocation& inv, const FlaresRun& run) {
  campaign::PhaseTimer timer(inv.comm, inv.prints() ? &std::cerr : nullptr, run.timing);
  const auto output = claim_output(inv);
  const auto& config = run.config;
  lightcurve::validate(config);

  // Inputs and the analysis first: bad input fails before any archive exists.
  std::vector<std::filesystem::path> inputs;
  const auto sources = with_hints(flares_hints(run.in), [&] {
    return campaign::read_flares_inputs(inv.comm, run.in, config, inputs);
  });
  timer.mark("read");
  const auto results = campaign::run_flares_campaign(inv.comm, sources, config);
  timer.mark("analyse+gather");
  output.write(inv.run_info(0, inputs), inv.comm, [&](io::Archive& archive) {
    campaign::write_flares_archive(archive, sources, results, config);
  });
  timer.mark("archive");
  return inv.print_summary(
      [&] { return campaign::flares_summary_table(sources, results, config); });
}

Binding flares_command() {
  return make_binding(flares_options, run_flares);
}

} // namespace nuflare::app
