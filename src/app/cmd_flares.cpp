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
#include "nuflare/io/lightcurves.hpp"
#include "nuflare/io/tables.hpp"
#include "nuflare/lightcurve/analyse.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <limits>
#include <set>

namespace nuflare::app {

void add_flares_options(po::options_description& desc) {
  desc.add_options()(
      "lightcurves", po::value<std::vector<std::string>>()->multitoken(),
      "long CSV light curves source,band,mjd,flux,flux_err[,upper_limit] (repeatable)")(
      "fermi-lcr", po::value<std::vector<std::string>>()->multitoken(),
      "Fermi LAT Light Curve Repository CSV exports (source name from the file name)")(
      "fermi-lcr-band", po::value<std::string>()->default_value("fermi"),
      "band label given to --fermi-lcr curves")(
      "wise", po::value<std::vector<std::string>>()->multitoken(),
      "WISE/NEOWISE single-exposure photometry (timewise IRSA chunks); bands wise_w1, wise_w2")(
      "wise-sample", po::value<std::string>(),
      "timewise sample table orig_id,name,ra,dec,... (source names and reference positions)")(
      "select", po::value<std::vector<std::string>>()->multitoken(),
      "analyse only these sources (names as in the light curves)")(
      "sources", po::value<std::string>(),
      "catalogue CSV/FITS: name,ra,dec[,variability_index][,warm_spot] (non-variable filter; "
      "warm_spot = potential neutrino source, exempt from the filters)")(
      "output", po::value<std::string>()->required(),
      "run archive RUN.h5")("high-band", po::value<std::string>()->default_value("fermi"),
                            "band label of the high-energy (gamma-ray) curve for stages and class")(
      "low-band", po::value<std::string>()->default_value("wise_w2"),
      "band label of the low-energy (infrared / mm) curve for stages and class")(
      // blazar paper §4.2.2: Bayesian Blocks and its p0 fallback
      "p0", real(OPEN_UNIT_INTERVAL)->default_value(0.01),
      "Bayesian Blocks false-alarm probability")(
      "p0-fallback", real(OPEN_UNIT_INTERVAL)->default_value(0.05),
      "p0 of the rerun when the first run finds no flaring block")(
      "fallback", po::value<bool>()->default_value(true),
      "rerun with --p0-fallback (blazar paper §4.2.2)")(
      // flares (blazar paper §4.2.2)
      "s-factor", real()->default_value(1.3), "flaring block: flux > F_q + s-factor * S")(
      "ir-factor", real()->default_value(1.0),
      "infrared bands also need flux > F_avg + ir-factor * S")(
      "quiescent-skip", real(Bounds{0, 1, false, true})->default_value(0.05),
      "fraction of faintest points skipped for F_q")(
      "quiescent-fraction", real(Bounds{0, 1, true, false})->default_value(0.30),
      "fraction of points averaged for F_q")(
      // filters (blazar paper §4.2.3)
      "filters", po::value<std::string>()->default_value("apply"),
      "apply: a source failing a §4.2.3 filter gets class none; flag: only recorded in the "
      "archive")("max-variability-index", real()->default_value(18.0),
                 "non-variable filter applies at or below this catalogue variability index")(
      "min-nxs", real()->default_value(1e-4),
      "non-variable when nxs below this")("min-block-ratio", real()->default_value(1.7),
                                          "non-variable when max/min block flux below this")(
      "ambiguous-ratio", real()->default_value(0.9),
      "ambiguous-filter threshold on std(outside flares)/std(all)")(
      "ambiguous-when", po::value<std::string>()->default_value("greater"),
      "greater (docs/methods.md) or less (the paper's wording)")(
      // classes (blazar paper §4.2.4)
      "cfs-min-rho", real()->default_value(0.5), "CFS: rho above this")(
      "txs-max-lag", real()->default_value(500.0), "TXS-like: start(l) - end(h) below this [days]")(
      "txs-max-overlap", real()->default_value(0.25),
      "TXS-like: overlap(h, l) at most this fraction of |h u l|")(
      "txs-max-gamma-in-low",
      integer<std::size_t>(0, std::numeric_limits<std::uint32_t>::max())->default_value(1),
      "TXS-like: gamma-ray flares inside l at most this")(
      "txs-max-rho", real()->default_value(0.25), "TXS-like: source rho at most this")(
      // preparation switches (blazar paper §3.3, §4.2.5) ("auto" = the band's default)
      "upper-limits", po::value<std::string>()->default_value("replace"),
      "replace (flux = error = --ul-flux), drop, or keep (no upper-limit handling)")(
      "ul-flux", real(POSITIVE)->default_value(3e-14), "replacement flux and error")(
      "fermi-ts-min", real()->default_value(5.0),
      "Fermi curves: TS at or below this counts as an upper limit (blazar paper §3.3)")(
      "fermi-max-index", real()->default_value(5.5),
      "Fermi curves: photon index above this counts as an upper limit")(
      "snr-cut", po::value<std::string>()->default_value("auto"), "auto, on or off")(
      "min-snr", real()->default_value(2.0), "drop points with flux/flux_err <= this")(
      "merge", po::value<std::string>()->default_value("auto"), "visit merging: auto, on or off")(
      "merge-window", real(POSITIVE)->default_value(15.0), "visit merging window [days]")(
      "clip", po::value<bool>()->default_value(true), "sigma-clipping inside merged visits")(
      "clip-sigma", real(POSITIVE)->default_value(3.0), "clipping threshold [sample std]")(
      "gap-fill", po::value<std::string>()->default_value("auto"),
      "WISE survey-gap points: auto, on or off")(
      "min-points",
      integer<std::size_t>(0, std::numeric_limits<std::uint32_t>::max())->default_value(3),
      "fewer prepared points: too short, not analysed")(
      "timing", po::bool_switch(), "print the wall time of each phase to stderr (rank 0)");
  add_overwrite_option(desc);
}

namespace {

//! auto/on/off switch of a preparation step.
lightcurve::Switch tri_state(const Invocation& inv, const std::string& key) {
  const auto v = inv.get<std::string>(key);
  if (v == "auto")
    return lightcurve::Switch::automatic;
  if (v == "on")
    return lightcurve::Switch::on;
  if (v == "off")
    return lightcurve::Switch::off;
  inv.fail(key, "expected auto, on or off, got \"" + v + "\"");
}

lightcurve::FlaresConfig read_settings(const Invocation& inv) {
  lightcurve::FlaresConfig s;
  s.high_band = inv.get<std::string>("high-band");
  s.low_band = inv.get<std::string>("low-band");
  if (s.high_band == s.low_band) {
    const std::string& wrong = inv.blame("high-band", "low-band");
    inv.fail(wrong, "must differ from " +
                        inv.mention(wrong == "high-band" ? "low-band" : "high-band", s.high_band));
  }
  auto& b = s.band;
  b.p0 = inv.get<double>("p0");
  b.p0_fallback = inv.get<double>("p0-fallback");
  b.use_fallback = inv.get<bool>("fallback");
  b.flares.s_factor = inv.get<double>("s-factor");
  b.flares.avg_s_factor = inv.get<double>("ir-factor");
  b.flares.quiescent_skip = inv.get<double>("quiescent-skip");
  b.flares.quiescent_fraction = inv.get<double>("quiescent-fraction");
  b.filters.max_variability_index = inv.get<double>("max-variability-index");
  b.filters.min_nxs = inv.get<double>("min-nxs");
  b.filters.min_block_ratio = inv.get<double>("min-block-ratio");
  b.filters.ambiguous_ratio = inv.get<double>("ambiguous-ratio");
  const auto when = inv.get<std::string>("ambiguous-when");
  if (when != "greater" && when != "less")
    inv.fail("ambiguous-when", "expected greater or less, got \"" + when + "\"");
  b.filters.ambiguous_when_greater = when == "greater";
  const auto mode = inv.get<std::string>("filters");
  if (mode == "apply")
    s.filters = lightcurve::FilterMode::apply;
  else if (mode == "flag")
    s.filters = lightcurve::FilterMode::flag;
  else
    inv.fail("filters", "expected apply or flag, got \"" + mode + "\"");
  auto& c = s.classes;
  c.cfs_min_rho = inv.get<double>("cfs-min-rho");
  c.txs_max_lag_days = inv.get<double>("txs-max-lag");
  c.txs_max_pair_overlap = inv.get<double>("txs-max-overlap");
  c.txs_max_gamma_in_low = inv.get<std::size_t>("txs-max-gamma-in-low");
  c.txs_max_rho = inv.get<double>("txs-max-rho");
  auto& p = s.prepare;
  const auto ul = inv.get<std::string>("upper-limits");
  if (ul == "keep")
    p.upper_limits = lightcurve::UpperLimitMode::keep;
  else if (ul == "drop")
    p.upper_limits = lightcurve::UpperLimitMode::drop;
  else if (ul != "replace")
    inv.fail("upper-limits", "expected replace, drop or keep, got \"" + ul + "\"");
  p.ul_flux = inv.get<double>("ul-flux");
  p.fermi_ts_min = inv.get<double>("fermi-ts-min");
  p.fermi_max_index = inv.get<double>("fermi-max-index");
  p.snr_cut = tri_state(inv, "snr-cut");
  p.min_snr = inv.get<double>("min-snr");
  p.merge = tri_state(inv, "merge");
  p.merge_window_days = inv.get<double>("merge-window");
  p.clip = inv.get<bool>("clip");
  p.clip_sigma = inv.get<double>("clip-sigma");
  p.gap_fill = tri_state(inv, "gap-fill");
  p.min_points = inv.get<std::size_t>("min-points");
  return s;
}

//! Reads every input (all ranks, before any archive exists) and groups the
//! curves by source in order of first appearance.
std::vector<lightcurve::SourceCurves> read_inputs(const Invocation& inv,
                                                  std::vector<std::filesystem::path>& inputs) {
  std::vector<io::LightCurve> all;
  std::vector<std::string> origin; //!< input file of each curve (error messages)
  if (inv.has("lightcurves"))
    for (const auto& path : inv.get<std::vector<std::string>>("lightcurves")) {
      auto curves = io::read_lightcurves_csv(path);
      if (curves.empty())
        throw core::InputError(path, 0, "", "no light-curve rows");
      inputs.emplace_back(path);
      for (auto& c : curves) {
        all.push_back(std::move(c));
        origin.push_back(path);
      }
    }
  if (inv.has("fermi-lcr"))
    for (const auto& path : inv.get<std::vector<std::string>>("fermi-lcr")) {
      all.push_back(io::read_fermi_lcr(path, {}, inv.get<std::string>("fermi-lcr-band")));
      origin.push_back(path);
      if (all.back().size() == 0)
        throw core::InputError(path, 0, "", "no light-curve rows");
      inputs.emplace_back(path);
    }
  if (inv.has("wise")) {
    const auto paths = inv.get<std::vector<std::string>>("wise");
    io::WiseReadOptions options;
    if (inv.has("wise-sample")) {
      options.sample_table = inv.get<std::string>("wise-sample");
      inputs.emplace_back(options.sample_table);
    }
    for (auto& c : io::read_wise_photometry(paths, options)) {
      all.push_back(std::move(c));
      origin.push_back(paths.front());
    }
    inputs.insert(inputs.end(), paths.begin(), paths.end());
  } else if (inv.has("wise-sample")) {
    inv.fail("wise-sample", "needs --wise");
  }
  if (all.empty())
    throw core::ConfigError("no light curves: give --lightcurves, --fermi-lcr or --wise");

  if (inv.has("select")) {
    const auto names = inv.get<std::vector<std::string>>("select");
    const std::set<std::string> selected(names.begin(), names.end());
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
  if (inv.has("select"))
    for (const auto& s : inv.get<std::vector<std::string>>("select"))
      if (std::none_of(sources.begin(), sources.end(), [&](const auto& c) { return c.name == s; }))
        inv.fail("select", "no light curve of source \"" + s + "\"");
  if (sources.empty())
    inv.fail("select", "no light curves left");

  if (inv.has("sources")) {
    const std::string path = inv.get<std::string>("sources");
    lightcurve::attach_catalog(sources, io::read_catalog(path));
    inputs.emplace_back(path);
  }
  return sources;
}

} // namespace

//! Wall time per phase for --timing (bench/flares): rank 0's clock, after a barrier.
class PhaseTimer {
public:
  explicit PhaseTimer(const Invocation& inv) : inv_(inv), on_(inv.get<bool>("timing")) {}
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

int run_flares(Invocation& inv) {
  PhaseTimer timer(inv);
  const RunOutput output(inv);
  const auto config = read_settings(inv);

  // Inputs and the analysis first: bad input fails before any archive exists.
  std::vector<std::filesystem::path> inputs;
  const auto sources = read_inputs(inv, inputs);
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

} // namespace nuflare::app
