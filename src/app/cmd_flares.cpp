// nuflare flares: blazar paper §3.3 and §4.2 on every source and band (preparation → Bayesian
// Blocks with the p0 fallback → flares, variability, filters → multi-frequency
// stages and class), written to the archive and printed as one CSV row per source and band.
//
// Parallel layout (STYLE.md, OpenMC habit): sources are split over ranks in
// contiguous blocks by index (campaign::work_range); each rank analyses its
// block, the packed results are all-gathered in source order, and every rank
// then makes the same archive calls. The numbers of a source depend only on
// its own light curves, so stdout and the archive datasets are the same for
// any rank count.
#include "cli.hpp"
#include "output.hpp"

#include "nuflare/campaign/partition.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/lightcurves.hpp"
#include "nuflare/lightcurve/analyse.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <map>
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

using lightcurve::BandAnalysis;
using lightcurve::PreparedCurve;

//! auto/on/off switch of a preparation step.
bool tri_state(const Invocation& inv, const std::string& key, bool band_default) {
  const auto v = inv.get<std::string>(key);
  if (v == "auto")
    return band_default;
  if (v == "on")
    return true;
  if (v == "off")
    return false;
  inv.fail(key, "expected auto, on or off, got \"" + v + "\"");
}

//! Everything resolved from the options, the same on every rank.
struct Settings {
  std::string high_band, low_band;
  lightcurve::AnalyseOptions analyse;
  lightcurve::BandOptions band; //!< for bands that are neither high nor low
  enum class FilterMode { apply, flag } filters = FilterMode::apply;
  double fermi_ts_min = 5, fermi_max_index = 5.5;
  const Invocation* inv = nullptr;

  //! Preparation options of one band: its defaults (docs/methods.md, Preparation) with the switches
  //! applied.
  [[nodiscard]] lightcurve::PrepareOptions prepare(const std::string& band) const {
    auto o = lightcurve::default_prepare_options(band);
    const auto ul = inv->get<std::string>("upper-limits");
    if (ul == "keep")
      o.handle_upper_limits = false;
    else if (ul == "drop")
      o.upper_limit_policy = lightcurve::UpperLimitPolicy::drop;
    else if (ul != "replace")
      inv->fail("upper-limits", "expected replace, drop or keep, got \"" + ul + "\"");
    o.ul_flux = inv->get<double>("ul-flux");
    o.snr_cut = tri_state(*inv, "snr-cut", o.snr_cut);
    o.min_snr = inv->get<double>("min-snr");
    o.merge_visits = tri_state(*inv, "merge", o.merge_visits);
    o.merge_window_days = inv->get<double>("merge-window");
    o.clip = inv->get<bool>("clip");
    o.clip_sigma = inv->get<double>("clip-sigma");
    o.fill_gap = tri_state(*inv, "gap-fill", o.fill_gap);
    o.min_points = std::max<std::size_t>(3, inv->get<std::size_t>("min-points"));
    return o;
  }
};

Settings read_settings(const Invocation& inv) {
  Settings s;
  s.inv = &inv;
  s.high_band = inv.get<std::string>("high-band");
  s.low_band = inv.get<std::string>("low-band");
  if (s.high_band == s.low_band) {
    const std::string& wrong = inv.blame("high-band", "low-band");
    inv.fail(wrong, "must differ from " +
                        inv.mention(wrong == "high-band" ? "low-band" : "high-band", s.high_band));
  }
  lightcurve::BandOptions b;
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
    s.filters = Settings::FilterMode::apply;
  else if (mode == "flag")
    s.filters = Settings::FilterMode::flag;
  else
    inv.fail("filters", "expected apply or flag, got \"" + mode + "\"");
  s.band = b;
  s.analyse.high = b;
  s.analyse.low = b;
  auto& c = s.analyse.classes;
  c.cfs_min_rho = inv.get<double>("cfs-min-rho");
  c.txs_max_lag_days = inv.get<double>("txs-max-lag");
  c.txs_max_pair_overlap = inv.get<double>("txs-max-overlap");
  c.txs_max_gamma_in_low = inv.get<std::size_t>("txs-max-gamma-in-low");
  c.txs_max_rho = inv.get<double>("txs-max-rho");
  s.fermi_ts_min = inv.get<double>("fermi-ts-min");
  s.fermi_max_index = inv.get<double>("fermi-max-index");
  return s;
}

//! One source's light curves in band order of first appearance.
struct SourceInput {
  std::string name;
  std::vector<io::LightCurve> curves;
  double variability_index = std::numeric_limits<double>::quiet_NaN();
  bool potential_neutrino_source = false;
};

//! Blazar paper §3.3 for Fermi likelihood curves: TS <= 5 or photon index > 5.5
//! is an upper limit. The LCR reader keeps TS and index; lightcurve::prepare
//! only sees the upper-limit flag, so the flag is set here (local helper: the
//! library's PrepareOptions has no TS / index rule).
void flag_fermi_upper_limits(io::LightCurve& c, double ts_min, double max_index) {
  if (c.band.rfind("fermi", 0) != 0)
    return;
  if (c.upper_limit.size() != c.size())
    c.upper_limit.assign(c.size(), 0);
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (i < c.ts.size() && std::isfinite(c.ts[i]) && c.ts[i] <= ts_min)
      c.upper_limit[i] = 1;
    // LCR exports give the index with its sign (-2.2); the 5.5 limit is on |index|.
    if (i < c.photon_index.size() && std::isfinite(c.photon_index[i]) &&
        std::abs(c.photon_index[i]) > max_index)
      c.upper_limit[i] = 1;
  }
}

//! Reads every input (all ranks, before any archive exists) and groups the
//! curves by source in order of first appearance.
std::vector<SourceInput> read_inputs(const Invocation& inv, const Settings& settings,
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

  std::set<std::string> selected;
  if (inv.has("select"))
    for (const auto& s : inv.get<std::vector<std::string>>("select"))
      selected.insert(s);

  std::vector<SourceInput> sources;
  std::map<std::string, std::size_t> index;
  std::map<std::pair<std::string, std::string>, std::string> first_file;
  for (std::size_t k = 0; k < all.size(); ++k) {
    auto& c = all[k];
    if (!selected.empty() && !selected.count(c.source))
      continue;
    flag_fermi_upper_limits(c, settings.fermi_ts_min, settings.fermi_max_index);
    auto [it, fresh] = index.try_emplace(c.source, sources.size());
    if (fresh)
      sources.push_back({c.source, {}});
    auto& src = sources[it->second];
    // One (source, band) curve must come from one input: points split over
    // files would bypass the reader's ordering and duplicate checks.
    const auto [seen, first] = first_file.try_emplace({c.source, c.band}, origin[k]);
    if (!first)
      throw core::InputError(origin[k], 0, "source",
                             "light curve " + c.source + " / " + c.band + " is also in " +
                                 seen->second + "; give each curve in one input");
    src.curves.push_back(std::move(c));
  }
  for (const auto& s : selected)
    if (!index.count(s))
      inv.fail("select", "no light curve of source \"" + s + "\"");
  if (sources.empty())
    inv.fail("select", "no light curves left");

  if (inv.has("sources")) {
    const std::string path = inv.get<std::string>("sources");
    const auto catalog = io::read_catalog(path);
    inputs.emplace_back(path);
    std::map<std::string, std::size_t> by_name;
    for (std::size_t i = 0; i < catalog.size(); ++i)
      by_name.try_emplace(catalog.name[i], i);
    for (auto& s : sources) {
      const auto it = by_name.find(s.name);
      if (it == by_name.end())
        continue; // not catalogued: index unknown, not a potential neutrino source
      s.variability_index = catalog.variability_index[it->second];
      s.potential_neutrino_source =
          it->second < catalog.warm_spot.size() && catalog.warm_spot[it->second] != 0;
    }
  }
  return sources;
}

//! One analysed light curve with its prepared points (what the archive keeps).
struct CurveResult {
  PreparedCurve prepared;
  BandAnalysis analysis;
};

//! One analysed source.
struct SourceResult {
  std::vector<CurveResult> curves; //!< same order as SourceInput::curves
  int high = -1, low = -1;         //!< indices of the high / low band in `curves`
  bool multi = false;
  bool dropped = false;
  double rho = std::numeric_limits<double>::quiet_NaN();
  lightcurve::FlareClass flare_class = lightcurve::FlareClass::none;
  lightcurve::Stages stages;
};

SourceResult analyse(const SourceInput& in, const Settings& settings) {
  SourceResult out;
  out.curves.resize(in.curves.size());
  for (std::size_t b = 0; b < in.curves.size(); ++b) {
    const auto& band = in.curves[b].band;
    out.curves[b].prepared = lightcurve::prepare(in.curves[b], settings.prepare(band));
    if (band == settings.high_band)
      out.high = static_cast<int>(b);
    else if (band == settings.low_band)
      out.low = static_cast<int>(b);
  }
  const double vi = in.variability_index;
  const auto& options = settings.analyse;
  const bool exempt = in.potential_neutrino_source;
  const auto* high = out.high >= 0 ? &out.curves[out.high].prepared : nullptr;
  const auto* low = out.low >= 0 ? &out.curves[out.low].prepared : nullptr;
  auto source = lightcurve::analyse_source(high, low, options, vi, exempt);
  if (high)
    out.curves[out.high].analysis = std::move(*source.high);
  if (low)
    out.curves[out.low].analysis = std::move(*source.low);
  for (std::size_t b = 0; b < in.curves.size(); ++b)
    if (static_cast<int>(b) != out.high && static_cast<int>(b) != out.low)
      // The variability index belongs to the γ-ray band only (as analyse_source does).
      out.curves[b].analysis = lightcurve::analyse_band(
          out.curves[b].prepared, settings.band, std::numeric_limits<double>::quiet_NaN(), exempt);
  out.multi = source.multi;
  out.dropped = source.dropped;
  out.rho = source.rho;
  out.flare_class = source.flare_class;
  out.stages = std::move(source.stages);
  return out;
}

// ---------------------------------------------------------------------------
// Packing for the all-gather: every value as a double (counts < 2^53 are exact,
// doubles travel bit for bit).

class Packer {
public:
  void put(double v) { data_.push_back(v); }
  void put(std::size_t v) { data_.push_back(static_cast<double>(v)); }
  void put(bool v) { data_.push_back(v ? 1.0 : 0.0); }
  void put(const std::vector<double>& v) {
    put(v.size());
    data_.insert(data_.end(), v.begin(), v.end());
  }
  void put(const lightcurve::Interval& i) {
    put(i.start);
    put(i.stop);
  }
  void put(const lightcurve::IntervalSet& s) {
    put(s.size());
    for (const auto& i : s)
      put(i);
  }
  std::vector<double>& data() { return data_; }

private:
  std::vector<double> data_;
};

class Unpacker {
public:
  explicit Unpacker(const std::vector<double>& d) : d_(d) {}
  double f64() { return d_.at(pos_++); }
  std::size_t size() { return static_cast<std::size_t>(f64()); }
  bool flag() { return f64() != 0; }
  std::vector<double> vec() {
    const std::size_t n = size();
    std::vector<double> v(d_.begin() + static_cast<std::ptrdiff_t>(pos_),
                          d_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return v;
  }
  lightcurve::Interval interval() {
    lightcurve::Interval i;
    i.start = f64();
    i.stop = f64();
    return i;
  }
  lightcurve::IntervalSet intervals() {
    lightcurve::IntervalSet s(size());
    for (auto& i : s)
      i = interval();
    return s;
  }
  [[nodiscard]] bool done() const { return pos_ == d_.size(); }

private:
  const std::vector<double>& d_;
  std::size_t pos_ = 0;
};

void pack(Packer& p, const SourceResult& r) {
  p.put(r.curves.size());
  for (const auto& c : r.curves) {
    const auto& pc = c.prepared;
    p.put(pc.n_input);
    p.put(pc.n_upper_limits);
    p.put(pc.n_low_snr);
    p.put(pc.n_clipped);
    p.put(pc.n_groups);
    p.put(pc.gap_filled);
    p.put(pc.too_short);
    p.put(pc.curve.mjd);
    p.put(pc.curve.flux);
    p.put(pc.curve.flux_err);
    std::vector<double> art(pc.artificial.begin(), pc.artificial.end());
    p.put(art);
    const auto& a = c.analysis;
    p.put(a.n_points);
    p.put(a.too_short);
    p.put(a.p0_used);
    p.put(a.span);
    p.put(a.blocks.edges);
    p.put(a.blocks.flux);
    p.put(a.blocks.ncp_prior);
    p.put(a.blocks.n_unique);
    p.put(a.flares.f_quiescent);
    p.put(a.flares.f_avg);
    p.put(a.flares.s);
    p.put(a.flares.threshold);
    p.put(std::vector<double>(a.flares.flaring_block.begin(), a.flares.flaring_block.end()));
    p.put(a.flares.flares);
    p.put(a.variance.nxs);
    p.put(a.variance.nxs_err);
    p.put(a.variance.fvar);
    p.put(a.variance.fvar_err);
    p.put(a.filter.non_variable);
    p.put(a.filter.ambiguous);
    p.put(a.filter.block_ratio);
    p.put(a.filter.std_ratio);
    p.put(a.filter.exempt);
  }
  p.put(static_cast<double>(r.high));
  p.put(static_cast<double>(r.low));
  p.put(r.multi);
  p.put(r.dropped);
  p.put(r.rho);
  p.put(static_cast<double>(static_cast<int>(r.flare_class)));
  const auto& s = r.stages;
  p.put(s.common_span);
  for (const auto* set : {&s.high, &s.low, &s.simultaneous, &s.high_only, &s.low_only})
    p.put(*set);
  p.put(s.rho);
}

SourceResult unpack(Unpacker& u, const SourceInput& in) {
  SourceResult r;
  r.curves.resize(u.size());
  for (std::size_t b = 0; b < r.curves.size(); ++b) {
    auto& c = r.curves[b];
    auto& pc = c.prepared;
    pc.curve.source = in.name;
    pc.curve.band = in.curves.at(b).band;
    pc.n_input = u.size();
    pc.n_upper_limits = u.size();
    pc.n_low_snr = u.size();
    pc.n_clipped = u.size();
    pc.n_groups = u.size();
    pc.gap_filled = u.flag();
    pc.too_short = u.flag();
    pc.curve.mjd = u.vec();
    pc.curve.flux = u.vec();
    pc.curve.flux_err = u.vec();
    for (double v : u.vec())
      pc.artificial.push_back(static_cast<std::uint8_t>(v));
    auto& a = c.analysis;
    a.band = pc.curve.band;
    a.n_points = u.size();
    a.too_short = u.flag();
    a.p0_used = u.f64();
    a.span = u.interval();
    a.blocks.edges = u.vec();
    a.blocks.flux = u.vec();
    a.blocks.ncp_prior = u.f64();
    a.blocks.n_unique = u.size();
    a.flares.f_quiescent = u.f64();
    a.flares.f_avg = u.f64();
    a.flares.s = u.f64();
    a.flares.threshold = u.f64();
    for (double v : u.vec())
      a.flares.flaring_block.push_back(v != 0);
    a.flares.flares = u.intervals();
    a.variance.nxs = u.f64();
    a.variance.nxs_err = u.f64();
    a.variance.fvar = u.f64();
    a.variance.fvar_err = u.f64();
    a.filter.non_variable = u.flag();
    a.filter.ambiguous = u.flag();
    a.filter.block_ratio = u.f64();
    a.filter.std_ratio = u.f64();
    a.filter.exempt = u.flag();
  }
  r.high = static_cast<int>(u.f64());
  r.low = static_cast<int>(u.f64());
  r.multi = u.flag();
  r.dropped = u.flag();
  r.rho = u.f64();
  r.flare_class = static_cast<lightcurve::FlareClass>(static_cast<int>(u.f64()));
  auto& s = r.stages;
  s.common_span = u.interval();
  for (auto* set : {&s.high, &s.low, &s.simultaneous, &s.high_only, &s.low_only})
    *set = u.intervals();
  s.rho = u.f64();
  return r;
}

//! Analyses this rank's block of sources and all-gathers the results in
//! source order. A source that throws makes every rank throw the same error
//! (the one of the lowest failing source), so main() reports it once.
std::vector<SourceResult> analyse_all(const Invocation& inv, const std::vector<SourceInput>& in,
                                      const Settings& settings) {
  const auto range = campaign::work_range(in.size(), inv.rank, inv.size);
  Packer packer;
  std::uint64_t failed = std::numeric_limits<std::uint64_t>::max();
  std::string message;
  int status = 2;
  for (std::uint64_t i = range.begin; i < range.end; ++i) {
    try {
      pack(packer, analyse(in[i], settings));
    } catch (const core::Error& e) {
      failed = i;
      message = "source \"" + in[i].name + "\": " + e.what();
      status = e.exit_status();
      break;
    } catch (const std::exception& e) {
      failed = i;
      message = "source \"" + in[i].name + "\": " + e.what();
      status = 3;
      break;
    }
  }
  std::uint64_t first_failed = failed;
  MPI_Allreduce(&failed, &first_failed, 1, MPI_UINT64_T, MPI_MIN, inv.comm);
  if (first_failed != std::numeric_limits<std::uint64_t>::max()) {
    const int owner = [&] {
      for (int r = 0; r < inv.size; ++r)
        if (campaign::work_range(in.size(), r, inv.size).end > first_failed)
          return r;
      return 0;
    }();
    int length = static_cast<int>(message.size());
    MPI_Bcast(&length, 1, MPI_INT, owner, inv.comm);
    MPI_Bcast(&status, 1, MPI_INT, owner, inv.comm);
    message.resize(static_cast<std::size_t>(length));
    MPI_Bcast(message.data(), length, MPI_CHAR, owner, inv.comm);
    if (status == 3)
      throw core::NumericalError(message);
    throw core::ConfigError(message);
  }

  auto& mine = packer.data();
  const long long my_count = static_cast<long long>(mine.size());
  std::vector<long long> counts(static_cast<std::size_t>(inv.size));
  MPI_Allgather(&my_count, 1, MPI_LONG_LONG, counts.data(), 1, MPI_LONG_LONG, inv.comm);
  std::vector<int> icounts(counts.size()), displs(counts.size());
  long long total = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    if (total + counts[r] > std::numeric_limits<int>::max())
      throw core::Error("flares: results too large for one all-gather");
    icounts[r] = static_cast<int>(counts[r]);
    displs[r] = static_cast<int>(total);
    total += counts[r];
  }
  std::vector<double> everything(static_cast<std::size_t>(total));
  MPI_Allgatherv(mine.data(), icounts[static_cast<std::size_t>(inv.rank)], MPI_DOUBLE,
                 everything.data(), icounts.data(), displs.data(), MPI_DOUBLE, inv.comm);
  Unpacker u(everything);
  std::vector<SourceResult> out;
  out.reserve(in.size());
  for (const auto& s : in)
    out.push_back(unpack(u, s));
  if (!u.done())
    throw core::Error("flares: internal: result buffer not fully read");
  return out;
}

// ---------------------------------------------------------------------------
// Output: the CSV on stdout and the archive tables (docs/archive-format.md).

std::string text(double v) {
  return std::isnan(v) ? std::string() : format_number(v);
}

//! Class printed in the CSV: with --filters apply a dropped source is out of
//! the sample (§4.2.3) and gets "none".
lightcurve::FlareClass printed_class(const SourceResult& r, const Settings& s) {
  if (!r.multi || (r.dropped && s.filters == Settings::FilterMode::apply))
    return lightcurve::FlareClass::none;
  return r.flare_class;
}

const std::vector<std::string> CSV_HEADER = {"source",      "band",     "n_points",   "p0_used",
                                             "f_quiescent", "n_flares", "flare_days", "nxs",
                                             "rho",         "class"};

//! The rows of the stdout CSV, as text.
std::vector<std::vector<std::string>> summary_rows(const std::vector<SourceInput>& in,
                                                   const std::vector<SourceResult>& res,
                                                   const Settings& settings) {
  std::vector<std::vector<std::string>> t;
  for (std::size_t i = 0; i < in.size(); ++i) {
    for (const auto& c : res[i].curves) {
      const auto& a = c.analysis;
      if (a.too_short)
        t.push_back({in[i].name, a.band, std::to_string(a.n_points), "", "", "", "", "", "", ""});
      else
        t.push_back({in[i].name, a.band, std::to_string(a.n_points), text(a.p0_used),
                     text(a.f_quiescent()), std::to_string(a.n_flares()), text(a.flare_days()),
                     text(a.nxs()), "", ""});
    }
    const auto& r = res[i];
    t.push_back({in[i].name, "multi", "", "", "", "", "", "", r.multi ? text(r.rho) : "",
                 std::string(lightcurve::class_name(printed_class(r, settings)))});
  }
  return t;
}

io::Column str_col(std::string name, std::vector<std::string> v, std::string description) {
  return {std::move(name), std::move(v), "", std::move(description)};
}
io::Column f64_col(std::string name, std::vector<double> v, std::string unit,
                   std::string description) {
  return {std::move(name), std::move(v), std::move(unit), std::move(description)};
}
io::Column i64_col(std::string name, std::vector<std::int64_t> v, std::string description) {
  return {std::move(name), std::move(v), "", std::move(description)};
}

void write_archive(io::Archive& archive, const std::vector<SourceInput>& in,
                   const std::vector<SourceResult>& res, const Settings& settings,
                   const std::vector<std::vector<std::string>>& csv) {
  // /flares/summary: the printed CSV, field for field (strings, so that
  // `nuflare table` prints exactly the subcommand's output).
  {
    const auto& names = CSV_HEADER;
    io::Table t;
    for (std::size_t k = 0; k < names.size(); ++k) {
      std::vector<std::string> v;
      v.reserve(csv.size());
      for (const auto& row : csv)
        v.push_back(row[k]);
      t.columns.push_back(
          str_col(names[k], std::move(v), "column " + names[k] + " of the stdout CSV"));
    }
    archive.write_table("/flares/summary", t);
  }

  // Per source, per curve, per point, per block, per flare, per stage interval.
  std::vector<std::string> s_name, s_high, s_low, s_class;
  std::vector<double> s_vi, s_rho, s_cs0, s_cs1;
  std::vector<std::int64_t> s_pns, s_multi, s_dropped, s_c0, s_c1, s_g0, s_g1;
  std::vector<std::string> c_source, c_band;
  std::vector<std::int64_t> c_src, c_nin, c_nul, c_nsnr, c_nclip, c_ngroups, c_gap, c_short, c_npts,
      c_nblocks, c_nflares, c_nonvar, c_amb, c_exempt, c_p0, c_p1, c_b0, c_b1, c_f0, c_f1;
  std::vector<double> c_p0used, c_ncp, c_fq, c_favg, c_s, c_thr, c_fdays, c_nxs, c_nxse, c_fvar,
      c_fvare, c_bratio, c_sratio, c_span0, c_span1;
  std::vector<std::int64_t> p_curve, p_art;
  std::vector<double> p_mjd, p_flux, p_err, p_level;
  std::vector<std::int64_t> b_curve, b_flaring;
  std::vector<double> b_start, b_stop, b_flux;
  std::vector<std::int64_t> f_curve;
  std::vector<double> f_start, f_stop;
  std::vector<std::int64_t> g_src;
  std::vector<std::string> g_stage;
  std::vector<double> g_start, g_stop;

  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto& r = res[i];
    s_name.push_back(in[i].name);
    s_vi.push_back(in[i].variability_index);
    s_pns.push_back(in[i].potential_neutrino_source ? 1 : 0);
    s_high.push_back(r.high >= 0 ? settings.high_band : "");
    s_low.push_back(r.low >= 0 ? settings.low_band : "");
    s_multi.push_back(r.multi ? 1 : 0);
    s_dropped.push_back(r.dropped ? 1 : 0);
    s_rho.push_back(r.multi ? r.rho : std::numeric_limits<double>::quiet_NaN());
    s_class.emplace_back(lightcurve::class_name(printed_class(r, settings)));
    s_cs0.push_back(r.multi ? r.stages.common_span.start : std::nan(""));
    s_cs1.push_back(r.multi ? r.stages.common_span.stop : std::nan(""));
    s_c0.push_back(static_cast<std::int64_t>(c_band.size()));
    for (const auto& c : r.curves) {
      const auto& a = c.analysis;
      const auto& pc = c.prepared;
      const auto curve = static_cast<std::int64_t>(c_band.size());
      c_src.push_back(static_cast<std::int64_t>(i));
      c_source.push_back(in[i].name);
      c_band.push_back(a.band);
      c_nin.push_back(static_cast<std::int64_t>(pc.n_input));
      c_nul.push_back(static_cast<std::int64_t>(pc.n_upper_limits));
      c_nsnr.push_back(static_cast<std::int64_t>(pc.n_low_snr));
      c_nclip.push_back(static_cast<std::int64_t>(pc.n_clipped));
      c_ngroups.push_back(static_cast<std::int64_t>(pc.n_groups));
      c_gap.push_back(pc.gap_filled ? 1 : 0);
      c_short.push_back(a.too_short ? 1 : 0);
      c_npts.push_back(static_cast<std::int64_t>(a.n_points));
      const double nan = std::numeric_limits<double>::quiet_NaN();
      const bool ok = !a.too_short;
      c_p0used.push_back(ok ? a.p0_used : nan);
      c_ncp.push_back(ok ? a.blocks.ncp_prior : nan);
      c_fq.push_back(ok ? a.flares.f_quiescent : nan);
      c_favg.push_back(ok ? a.flares.f_avg : nan);
      c_s.push_back(ok ? a.flares.s : nan);
      c_thr.push_back(ok ? a.flares.threshold : nan);
      c_nblocks.push_back(static_cast<std::int64_t>(a.blocks.n_blocks()));
      c_nflares.push_back(static_cast<std::int64_t>(a.n_flares()));
      c_fdays.push_back(ok ? a.flare_days() : nan);
      c_nxs.push_back(ok ? a.variance.nxs : nan);
      c_nxse.push_back(ok ? a.variance.nxs_err : nan);
      c_fvar.push_back(ok ? a.variance.fvar : nan);
      c_fvare.push_back(ok ? a.variance.fvar_err : nan);
      c_bratio.push_back(ok ? a.filter.block_ratio : nan);
      c_sratio.push_back(ok ? a.filter.std_ratio : nan);
      c_nonvar.push_back(a.filter.non_variable ? 1 : 0);
      c_amb.push_back(a.filter.ambiguous ? 1 : 0);
      c_exempt.push_back(a.filter.exempt ? 1 : 0);
      c_span0.push_back(pc.size() ? a.span.start : nan);
      c_span1.push_back(pc.size() ? a.span.stop : nan);

      c_p0.push_back(static_cast<std::int64_t>(p_mjd.size()));
      const double fq = ok ? a.flares.f_quiescent : nan;
      for (std::size_t k = 0; k < pc.size(); ++k) {
        p_curve.push_back(curve);
        p_mjd.push_back(pc.curve.mjd[k]);
        p_flux.push_back(pc.curve.flux[k]);
        p_err.push_back(pc.curve.flux_err[k]);
        p_art.push_back(k < pc.artificial.size() ? pc.artificial[k] : 0);
        p_level.push_back(pc.curve.flux[k] / fq); // flare level (blazar paper §4.2.2)
      }
      c_p1.push_back(static_cast<std::int64_t>(p_mjd.size()));

      c_b0.push_back(static_cast<std::int64_t>(b_flux.size()));
      for (std::size_t k = 0; k < a.blocks.n_blocks(); ++k) {
        b_curve.push_back(curve);
        b_start.push_back(a.blocks.edges[k]);
        b_stop.push_back(a.blocks.edges[k + 1]);
        b_flux.push_back(a.blocks.flux[k]);
        b_flaring.push_back(k < a.flares.flaring_block.size() && a.flares.flaring_block[k] ? 1 : 0);
      }
      c_b1.push_back(static_cast<std::int64_t>(b_flux.size()));

      c_f0.push_back(static_cast<std::int64_t>(f_start.size()));
      for (const auto& f : a.flares.flares) {
        f_curve.push_back(curve);
        f_start.push_back(f.start);
        f_stop.push_back(f.stop);
      }
      c_f1.push_back(static_cast<std::int64_t>(f_start.size()));
    }
    s_c1.push_back(static_cast<std::int64_t>(c_band.size()));
    s_g0.push_back(static_cast<std::int64_t>(g_start.size()));
    if (r.multi) {
      const auto& st = r.stages;
      const std::pair<const char*, const lightcurve::IntervalSet*> sets[] = {
          {"high", &st.high},
          {"low", &st.low},
          {"simultaneous", &st.simultaneous},
          {"high_only", &st.high_only},
          {"low_only", &st.low_only}};
      for (const auto& [label, set] : sets)
        for (const auto& iv : *set) {
          g_src.push_back(static_cast<std::int64_t>(i));
          g_stage.emplace_back(label);
          g_start.push_back(iv.start);
          g_stop.push_back(iv.stop);
        }
    }
    s_g1.push_back(static_cast<std::int64_t>(g_start.size()));
  }

  io::Table sources;
  sources.columns = {
      str_col("source", s_name, "source name as in the light curves"),
      f64_col("variability_index", s_vi, "", "catalogue variability index (NaN: unknown)"),
      i64_col("potential_neutrino_source", s_pns, "1: catalogue warm_spot, exempt from filters"),
      str_col("high_band", s_high, "high-energy band label (empty: absent)"),
      str_col("low_band", s_low, "low-energy band label (empty: absent)"),
      i64_col("multi", s_multi, "1: both bands analysed, stages and class meaningful"),
      i64_col("dropped", s_dropped, "1: the high or low band failed a §4.2.3 filter"),
      f64_col("rho", s_rho, "", "simultaneity ratio |H n L|/|H u L| (NaN without multi)"),
      str_col("class", s_class, "NFS, CFS, TXS-like or none, as printed"),
      f64_col("common_start", s_cs0, "MJD", "start of the common time span"),
      f64_col("common_stop", s_cs1, "MJD", "end of the common time span"),
      i64_col("curve_begin", s_c0, "first row of this source in curves"),
      i64_col("curve_end", s_c1, "one past the last row in curves"),
      i64_col("stage_begin", s_g0, "first row of this source in stages"),
      i64_col("stage_end", s_g1, "one past the last row in stages"),
  };
  archive.write_table("/flares/sources/sources", sources);

  io::Table curves;
  curves.columns = {
      i64_col("source_index", c_src, "row in sources"),
      str_col("source", c_source, "source name"),
      str_col("band", c_band, "band label"),
      i64_col("n_input", c_nin, "points before preparation"),
      i64_col("n_upper_limits", c_nul, "upper limits found (replaced or dropped)"),
      i64_col("n_low_snr", c_nsnr, "points dropped by the S/N cut"),
      i64_col("n_clipped", c_nclip, "points removed by sigma-clipping"),
      i64_col("n_groups", c_ngroups, "visits after merging (0: merging off)"),
      i64_col("gap_filled", c_gap, "1: survey-gap points added"),
      i64_col("too_short", c_short, "1: fewer than min-points prepared points, not analysed"),
      i64_col("n_points", c_npts, "prepared points"),
      f64_col("p0_used", c_p0used, "", "Bayesian Blocks p0 of the kept segmentation"),
      f64_col("ncp_prior", c_ncp, "", "prior per block actually used"),
      f64_col("f_quiescent", c_fq, "band flux unit", "quiescent flux F_q"),
      f64_col("f_avg", c_favg, "band flux unit", "mean prepared flux"),
      f64_col("s", c_s, "band flux unit", "sample std of the prepared fluxes"),
      f64_col("threshold", c_thr, "band flux unit", "block flux above which a block flares"),
      i64_col("n_blocks", c_nblocks, "Bayesian blocks"),
      i64_col("n_flares", c_nflares, "flare intervals"),
      f64_col("flare_days", c_fdays, "d", "summed length of the flare intervals"),
      f64_col("nxs", c_nxs, "", "normalised excess variance"),
      f64_col("nxs_err", c_nxse, "", "its error (Vaughan et al. 2003)"),
      f64_col("fvar", c_fvar, "", "fractional variability (NaN when nxs <= 0)"),
      f64_col("fvar_err", c_fvare, "", "its error"),
      f64_col("block_ratio", c_bratio, "", "max/min block flux"),
      f64_col("std_ratio", c_sratio, "", "std(outside flares)/std(all)"),
      i64_col("non_variable", c_nonvar, "1: failed the non-variable filter"),
      i64_col("ambiguous", c_amb, "1: failed the ambiguous filter"),
      i64_col("exempt", c_exempt, "1: exempt from the filters"),
      f64_col("span_start", c_span0, "MJD", "first prepared time"),
      f64_col("span_stop", c_span1, "MJD", "last prepared time"),
      i64_col("point_begin", c_p0, "first row in points"),
      i64_col("point_end", c_p1, "one past the last row in points"),
      i64_col("block_begin", c_b0, "first row in blocks"),
      i64_col("block_end", c_b1, "one past the last row in blocks"),
      i64_col("flare_begin", c_f0, "first row in flares"),
      i64_col("flare_end", c_f1, "one past the last row in flares"),
  };
  archive.write_table("/flares/sources/curves", curves);

  io::Table points;
  points.columns = {
      i64_col("curve", p_curve, "row in curves"),
      f64_col("mjd", p_mjd, "MJD", "prepared time"),
      f64_col("flux", p_flux, "band flux unit", "prepared flux"),
      f64_col("flux_err", p_err, "band flux unit", "prepared 1 sigma error"),
      i64_col("artificial", p_art, "1: survey-gap point (blazar paper §4.2.5)"),
      f64_col("flare_level", p_level, "", "flux / F_q (blazar paper §4.2.2)"),
  };
  archive.write_table("/flares/sources/points", points);

  io::Table blocks;
  blocks.columns = {
      i64_col("curve", b_curve, "row in curves"),
      f64_col("start", b_start, "MJD", "left block edge"),
      f64_col("stop", b_stop, "MJD", "right block edge"),
      f64_col("flux", b_flux, "band flux unit", "inverse-variance weighted mean flux"),
      i64_col("flaring", b_flaring, "1: flaring block"),
  };
  archive.write_table("/flares/sources/blocks", blocks);

  io::Table flares;
  flares.columns = {
      i64_col("curve", f_curve, "row in curves"),
      f64_col("start", f_start, "MJD", "flare interval start (first flaring edge)"),
      f64_col("stop", f_stop, "MJD", "flare interval end (last flaring edge)"),
  };
  archive.write_table("/flares/sources/flares", flares);

  io::Table stages;
  stages.columns = {
      i64_col("source_index", g_src, "row in sources"),
      str_col("stage", g_stage, "high, low, simultaneous, high_only or low_only"),
      f64_col("start", g_start, "MJD", "interval start"),
      f64_col("stop", g_stop, "MJD", "interval end"),
  };
  archive.write_table("/flares/sources/stages", stages);
}

} // namespace

//! Wall time per phase for --timing (bench/flares): rank 0's clock, after a barrier.
class PhaseTimer {
public:
  explicit PhaseTimer(const Invocation& inv) : inv_(inv), on_(inv.get<bool>("timing")) {}
  void mark(const char* phase) {
    if (!on_)
      return;
    MPI_Barrier(inv_.comm);
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
  const Settings settings = read_settings(inv);

  // Inputs and the analysis first: bad input fails before any archive exists.
  std::vector<std::filesystem::path> inputs;
  const auto sources = read_inputs(inv, settings, inputs);
  // Check the preparation switches once, before the parallel part.
  (void)settings.prepare(settings.high_band);
  timer.mark("read");
  const auto results = analyse_all(inv, sources, settings);
  timer.mark("analyse+gather");
  const auto rows = summary_rows(sources, results, settings);

  write_run_archive(inv, output, inv.run_info(0, inputs), [&](io::Archive& archive) {
    write_archive(archive, sources, results, settings, rows);
  });
  timer.mark("archive");
  if (inv.prints()) {
    TextTable csv(CSV_HEADER);
    for (const auto& row : rows)
      csv.add_row(row);
    csv.print_csv(std::cout);
  }
  return 0;
}

} // namespace nuflare::app
