// nuflare flares: blazar paper §3.3 and §4.2 on every source and band (preparation → Bayesian
// Blocks with the p0 fallback → flares, variability, filters → multi-frequency
// stages and class). Parses, reads the light curves, runs the flares campaign
// (campaign/flares_campaign.hpp: sources over ranks, results gathered in source
// order), writes the archive and prints the table on rank 0.
#include "cli.hpp"
#include "output.hpp"

#include "nuflare/campaign/flares_campaign.hpp"
#include "nuflare/campaign/gather.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/formats.hpp"
#include "nuflare/io/lightcurves.hpp"
#include "nuflare/io/tables.hpp"
#include "nuflare/lightcurve/analyse.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <limits>
#include <map>
#include <set>

namespace nuflare::app {

struct FlaresRun {
  std::vector<std::string> lightcurves, fermi_lcr, wise;
  std::string fermi_lcr_band = "fermi";
  std::optional<std::string> wise_sample;
  std::vector<std::string> select;
  std::optional<std::string> sources;
  lightcurve::FlaresConfig config;
  bool timing = false;
  OutputOptions out;
};

const core::OptionTable<FlaresRun>& flares_options() {
  using F = FlaresRun;
  static const auto table =
      core::OptionTable<F>()
          .add("lightcurves", &F::lightcurves, "",
               "long CSV light curves source,band,mjd,flux,flux_err[,upper_limit] (repeatable)")
          .paths()
          .add("fermi_lcr", &F::fermi_lcr, "",
               "Fermi LAT Light Curve Repository CSV exports (source name from the file name)")
          .paths()
          .add("fermi_lcr_band", &F::fermi_lcr_band, "", "band label given to fermi_lcr curves")
          .add("wise", &F::wise, "",
               "WISE/NEOWISE single-exposure photometry (timewise IRSA chunks); bands wise_w1, "
               "wise_w2")
          .paths()
          .add("wise_sample", &F::wise_sample, "",
               "timewise sample table orig_id,name,ra,dec,... (source names and reference "
               "positions)")
          .paths()
          .add("select", &F::select, "",
               "analyse only these sources (names as in the light curves)")
          .no_default("every source")
          .add("sources", &F::sources, "",
               "catalogue CSV/FITS: name,ra,dec[,variability_index][,warm_spot] (non-variable "
               "filter; warm_spot = potential neutrino source, exempt from the filters)")
          .paths()
          .include(&F::config, lightcurve::FlaresConfig::options())
          .add("timing", &F::timing, "", "print the wall time of each phase to stderr (rank 0)")
          .as_flag()
          .include(&F::out, output_options());
  return table;
}

namespace {

//! The options that read each format nuflare flares takes (for hints).
const std::map<io::InputFormat, std::string>& flares_formats() {
  static const std::map<io::InputFormat, std::string> formats = {
      {io::InputFormat::long_lightcurves, "--lightcurves"},
      {io::InputFormat::fermi_lcr, "--fermi-lcr"},
      {io::InputFormat::wise_photometry, "--wise"},
      {io::InputFormat::wise_sample, "--wise-sample"},
      {io::InputFormat::source_catalog, "--sources"}};
  return formats;
}

//! Reads every input (all ranks, before any archive exists) and groups the
//! curves by source in order of first appearance.
std::vector<lightcurve::SourceCurves> read_inputs(const Invocation& inv, const FlaresRun& run,
                                                  std::vector<std::filesystem::path>& inputs) {
  std::vector<io::LightCurve> all;
  std::vector<std::string> origin; //!< input file of each curve (error messages)
  const auto add = [&](io::LightCurve c, const std::string& path) {
    all.push_back(std::move(c));
    origin.push_back(path);
  };
  for (const auto& path : run.lightcurves) {
    auto curves = with_hint(path, io::InputFormat::long_lightcurves, flares_formats(),
                            [&] { return io::read_lightcurves_csv(path); });
    if (curves.empty())
      throw core::InputError(path, 0, "", "no light-curve rows");
    inputs.emplace_back(path);
    for (auto& c : curves)
      add(std::move(c), path);
  }
  for (const auto& path : run.fermi_lcr) {
    add(with_hint(path, io::InputFormat::fermi_lcr, flares_formats(),
                  [&] { return io::read_fermi_lcr(path, {}, run.fermi_lcr_band); }),
        path);
    if (all.back().size() == 0)
      throw core::InputError(path, 0, "", "no light-curve rows");
    inputs.emplace_back(path);
  }
  if (!run.wise.empty()) {
    io::WiseReadOptions options;
    if (run.wise_sample) {
      options.sample_table = *run.wise_sample;
      inputs.emplace_back(options.sample_table);
    }
    for (auto& c : io::read_wise_photometry(run.wise, options))
      add(std::move(c), run.wise.front());
    inputs.insert(inputs.end(), run.wise.begin(), run.wise.end());
  } else if (run.wise_sample) {
    inv.fail("wise-sample", "needs --wise");
  }
  if (all.empty())
    throw core::ConfigError("no light curves: give --lightcurves, --fermi-lcr or --wise");

  if (!run.select.empty()) {
    const std::set<std::string> selected(run.select.begin(), run.select.end());
    std::vector<io::LightCurve> kept;
    std::vector<std::string> kept_origin;
    for (std::size_t k = 0; k < all.size(); ++k)
      if (selected.count(all[k].source)) {
        kept.push_back(std::move(all[k]));
        kept_origin.push_back(origin[k]);
      }
    all = std::move(kept);
    origin = std::move(kept_origin);
  }
  auto sources = lightcurve::group_by_source(std::move(all), origin);
  for (const auto& s : run.select)
    if (std::none_of(sources.begin(), sources.end(), [&](const auto& c) { return c.name == s; }))
      inv.fail("select", "no light curve of source \"" + s + "\"");
  if (sources.empty())
    inv.fail("select", "no light curves left");

  if (run.sources) {
    lightcurve::attach_catalog(sources, io::read_catalog(*run.sources));
    inputs.emplace_back(*run.sources);
  }
  return sources;
}

} // namespace

//! Wall time per phase for --timing (bench/flares): rank 0's clock, after a barrier.
class PhaseTimer {
public:
  PhaseTimer(const Invocation& inv, bool on) : inv_(inv), on_(on) {}
  void mark(const char* phase) {
    if (!on_)
      return;
    campaign::synchronise(inv_.comm);
    const auto now = std::chrono::steady_clock::now();
    if (inv_.prints())
      std::cerr << "timing: " << phase << " " << std::chrono::duration<double>(now - last_).count()
                << " s\n";
    last_ = now;
  }

private:
  const Invocation& inv_;
  bool on_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

int run_flares(Invocation& inv, const FlaresRun& run) {
  PhaseTimer timer(inv, run.timing);
  const RunOutput output(inv);
  const auto& config = run.config;
  lightcurve::validate(config);

  // Inputs and the analysis first: bad input fails before any archive exists.
  std::vector<std::filesystem::path> inputs;
  const auto sources = read_inputs(inv, run, inputs);
  timer.mark("read");
  const auto results = campaign::run_flares_campaign(inv.comm, sources, config);
  timer.mark("analyse+gather");
  write_run_archive(inv, output, inv.run_info(0, inputs), [&](io::Archive& archive) {
    campaign::write_flares_archive(archive, sources, results, config);
  });
  timer.mark("archive");
  if (inv.prints())
    io::print_csv(std::cout, campaign::flares_summary_table(sources, results, config));
  return 0;
}

Command flares_command() {
  return make_command(
      "flares",
      "flares, variability and multi-frequency classes of every source (blazar "
      "paper §3.3, §4.2)",
      flares_options, run_flares, "--lightcurves LC.csv [--sources SRC.csv] --output RUN.h5",
      "source,band,n_points,p0_used,f_quiescent,n_flares,flare_days,nxs,rho,class: "
      "one row per (source, band) with rho and class empty, plus one row per source "
      "with band \"multi\", the simultaneity ratio and the class "
      "NFS|CFS|TXS-like|none");
}

} // namespace nuflare::app
