// Bayesian Blocks, preparation and flares of one light curve, and the
// multi-frequency class of two (blazar paper §3.3, §4.2; docs/methods.md).
// The Python front (python/nuflare/lightcurve.py) passes every option; the
// checks here are those `nuflare flares` and `nuflare blocks` make, with the
// keyword's name in place of the command-line option's.
#include "bindings.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/lightcurve/analyse.hpp"
#include "nuflare/lightcurve/bayesian_blocks.hpp"
#include "nuflare/lightcurve/classes.hpp"
#include "nuflare/lightcurve/prepare.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>

namespace nuflare::python {

namespace {

namespace lc = nuflare::lightcurve;

//! The options dict the Python front builds: every key present, None for "auto".
class Options {
public:
  explicit Options(py::dict d) : d_(std::move(d)) {}
  [[nodiscard]] double number(const char* key) const { return d_[key].cast<double>(); }
  [[nodiscard]] bool flag(const char* key) const { return d_[key].cast<bool>(); }
  [[nodiscard]] std::string text(const char* key) const { return d_[key].cast<std::string>(); }
  [[nodiscard]] std::size_t count(const char* key) const { return d_[key].cast<std::size_t>(); }
  //! None ("auto") or a bool.
  [[nodiscard]] std::optional<bool> maybe_flag(const char* key) const {
    const py::object v = d_[key];
    if (v.is_none())
      return std::nullopt;
    return v.cast<bool>();
  }
  //! A finite positive number, or ConfigError "<key> must be positive and finite".
  [[nodiscard]] double positive(const char* key) const {
    const double v = number(key);
    if (!(v > 0) || !std::isfinite(v))
      throw core::ConfigError(std::string(key) + " must be positive and finite");
    return v;
  }

private:
  py::dict d_;
};

//! (edges, block values, ncp_prior, n_unique) of one segmentation; the
//! library checks the data and the prior (its messages are the command line's).
py::tuple bayesian_blocks(const DoubleArray& t, const std::optional<DoubleArray>& x,
                          const std::optional<DoubleArray>& sigma, const std::string& fitness,
                          std::optional<double> p0, std::optional<double> gamma,
                          std::optional<double> ncp_prior, double dt) {
  lc::BlocksOptions options;
  options.fitness = lc::parse_fitness(fitness);
  options.p0 = p0;
  options.gamma = gamma;
  options.ncp_prior = ncp_prior;
  options.dt = dt;
  const std::vector<double> tv = to_vector(t);
  const std::vector<double> xv = x ? to_vector(*x) : std::vector<double>{};
  const std::vector<double> sv = sigma ? to_vector(*sigma) : std::vector<double>{};
  lc::Blocks blocks;
  {
    py::gil_scoped_release release;
    blocks = lc::bayesian_blocks(tv, xv, sv, options);
  }
  return py::make_tuple(to_array(blocks.edges), to_array(blocks.flux), blocks.ncp_prior,
                        blocks.n_unique);
}

//! An IntervalSet as an (n, 2) float64 array of [start, stop] rows.
py::array_t<double> intervals_array(const lc::IntervalSet& set) {
  py::array_t<double> out({static_cast<py::ssize_t>(set.size()), py::ssize_t{2}});
  auto w = out.mutable_unchecked<2>();
  for (std::size_t i = 0; i < set.size(); ++i) {
    w(static_cast<py::ssize_t>(i), 0) = set[i].start;
    w(static_cast<py::ssize_t>(i), 1) = set[i].stop;
  }
  return out;
}

//! An (n, 2) array of [start, stop] rows as an IntervalSet.
lc::IntervalSet intervals_from(const DoubleArray& a, const char* name) {
  if (a.ndim() != 2 || a.shape(1) != 2)
    throw core::ConfigError(std::string(name) + ": expected an (n, 2) array of [start, stop]");
  const auto v = a.unchecked<2>();
  lc::IntervalSet out(static_cast<std::size_t>(v.shape(0)));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = {v(static_cast<py::ssize_t>(i), 0), v(static_cast<py::ssize_t>(i), 1)};
  return out;
}

//! The run's preparation settings (every band), checked as `nuflare flares`
//! checks them; PrepareSettings::for_band gives each band's options.
lc::PrepareSettings prepare_settings(const Options& o) {
  lc::PrepareSettings p;
  const std::string ul = o.text("upper_limits");
  if (ul == "keep")
    p.upper_limits = lc::UpperLimitMode::keep;
  else if (ul == "drop")
    p.upper_limits = lc::UpperLimitMode::drop;
  else if (ul != "replace")
    throw core::ConfigError("upper_limits: expected replace, drop or keep, got \"" + ul + "\"");
  const auto switch_of = [&](const char* key) {
    const auto v = o.maybe_flag(key);
    return !v ? lc::Switch::automatic : *v ? lc::Switch::on : lc::Switch::off;
  };
  p.ul_flux = o.positive("ul_flux");
  p.fermi_ts_min = o.number("fermi_ts_min");
  p.fermi_max_index = o.number("fermi_max_index");
  p.snr_cut = switch_of("snr_cut");
  p.min_snr = o.number("min_snr");
  p.merge = switch_of("merge");
  p.merge_window_days = o.positive("merge_window");
  p.clip = o.flag("clip");
  p.clip_sigma = o.positive("clip_sigma");
  p.gap_fill = switch_of("gap_fill");
  p.min_points = o.count("min_points");
  return p;
}

//! Band options (Bayesian Blocks p0 and fallback, flare thresholds, filters),
//! checked as `nuflare flares` checks them.
lc::BandOptions band_options(const Options& o) {
  lc::BandOptions b;
  b.p0 = o.number("p0");
  b.p0_fallback = o.number("p0_fallback");
  for (double p : {b.p0, b.p0_fallback})
    if (!(p > 0 && p < 1))
      throw core::ConfigError("p0 and p0_fallback must be in (0, 1)");
  b.use_fallback = o.flag("fallback");
  b.flares.s_factor = o.number("s_factor");
  b.flares.avg_s_factor = o.number("ir_factor");
  b.flares.quiescent_skip = o.number("quiescent_skip");
  b.flares.quiescent_fraction = o.positive("quiescent_fraction");
  if (b.flares.quiescent_skip < 0 || b.flares.quiescent_skip >= 1 ||
      b.flares.quiescent_fraction > 1)
    throw core::ConfigError("quiescent_skip must be in [0, 1) and quiescent_fraction in (0, 1]");
  b.infrared = o.maybe_flag("infrared");
  b.filters.max_variability_index = o.number("max_variability_index");
  b.filters.min_nxs = o.number("min_nxs");
  b.filters.min_block_ratio = o.number("min_block_ratio");
  b.filters.ambiguous_ratio = o.number("ambiguous_ratio");
  const std::string when = o.text("ambiguous_when");
  if (when != "greater" && when != "less")
    throw core::ConfigError("ambiguous_when: expected greater or less, got \"" + when + "\"");
  b.filters.ambiguous_when_greater = when == "greater";
  return b;
}

//! Prepares one light curve and runs the flare finder on it (blazar paper
//! §3.3, §4.2.2–4.2.3): the adapter of lightcurve::prepare + analyse_band.
py::dict find_flares(const DoubleArray& mjd, const DoubleArray& flux, const DoubleArray& flux_err,
                     const std::optional<DoubleArray>& upper_limit,
                     const std::optional<DoubleArray>& ts,
                     const std::optional<DoubleArray>& photon_index, const std::string& source,
                     const std::string& band, double variability_index,
                     bool potential_neutrino_source, const py::dict& options) {
  const Options o(options);
  // The band policy of blazar paper §3.3, the Fermi TS / photon-index rule included.
  const lc::PrepareOptions prepare = prepare_settings(o).for_band(band);
  const lc::BandOptions band_opts = band_options(o);

  io::LightCurve curve;
  curve.source = source;
  curve.band = band;
  curve.mjd = to_vector(mjd);
  curve.flux = to_vector(flux);
  curve.flux_err = to_vector(flux_err);
  if (upper_limit)
    for (double u : to_vector(*upper_limit))
      curve.upper_limit.push_back(u != 0 ? 1 : 0);
  if (ts)
    curve.ts = to_vector(*ts);
  if (photon_index)
    curve.photon_index = to_vector(*photon_index);

  lc::PreparedCurve prepared;
  lc::BandAnalysis a;
  std::vector<double> levels;
  {
    py::gil_scoped_release release;
    prepared = lc::prepare(curve, prepare);
    a = lc::analyse_band(prepared, band_opts, variability_index, potential_neutrino_source);
    if (!a.too_short)
      levels = lc::flare_levels(prepared.curve.flux, a.f_quiescent());
  }

  const double nan = std::numeric_limits<double>::quiet_NaN();
  py::dict d;
  d["source"] = source;
  d["band"] = band;
  // preparation (blazar paper §3.3)
  d["n_input"] = prepared.n_input;
  d["n_upper_limits"] = prepared.n_upper_limits;
  d["n_low_snr"] = prepared.n_low_snr;
  d["n_clipped"] = prepared.n_clipped;
  d["n_groups"] = prepared.n_groups;
  d["gap_filled"] = prepared.gap_filled;
  d["notes"] = prepared.notes;
  d["mjd"] = to_array(prepared.curve.mjd);
  d["flux"] = to_array(prepared.curve.flux);
  d["flux_err"] = to_array(prepared.curve.flux_err);
  d["artificial"] = to_bool_array(prepared.artificial);
  d["n_points"] = a.n_points;
  d["too_short"] = a.too_short;
  d["span"] = py::make_tuple(a.span.start, a.span.stop);
  // blocks and flares (§4.2.2)
  d["p0_used"] = a.p0_used;
  d["edges"] = to_array(a.blocks.edges);
  d["block_flux"] = to_array(a.blocks.flux);
  d["ncp_prior"] = a.too_short ? nan : a.blocks.ncp_prior;
  d["flaring_block"] = to_bool_array(a.flares.flaring_block);
  d["f_quiescent"] = a.too_short ? nan : a.flares.f_quiescent;
  d["f_avg"] = a.too_short ? nan : a.flares.f_avg;
  d["s"] = a.too_short ? nan : a.flares.s;
  d["threshold"] = a.too_short ? nan : a.flares.threshold;
  d["flares"] = intervals_array(a.flares.flares);
  d["n_flares"] = a.n_flares();
  d["flare_days"] = a.too_short ? nan : a.flare_days();
  d["flare_level"] = to_array(levels);
  // variability (§5.1) and filters (§4.2.3)
  d["nxs"] = a.too_short ? nan : a.variance.nxs;
  d["nxs_err"] = a.too_short ? nan : a.variance.nxs_err;
  d["fvar"] = a.too_short ? nan : a.variance.fvar;
  d["fvar_err"] = a.too_short ? nan : a.variance.fvar_err;
  d["non_variable"] = a.filter.non_variable;
  d["ambiguous"] = a.filter.ambiguous;
  d["block_ratio"] = a.too_short ? nan : a.filter.block_ratio;
  d["std_ratio"] = a.too_short ? nan : a.filter.std_ratio;
  d["exempt"] = a.filter.exempt;
  d["dropped"] = !a.too_short && a.filter.dropped();
  return d;
}

//! Multi-frequency stages, simultaneity ratio and class of two analysed
//! bands (blazar paper §4.2.2, §4.2.4, Fig. 1, 2, 10).
py::dict flare_class(const DoubleArray& high_flares, std::pair<double, double> high_span,
                     const DoubleArray& low_flares, std::pair<double, double> low_span,
                     const py::dict& options) {
  const Options o(options);
  lc::ClassOptions c;
  c.cfs_min_rho = o.number("cfs_min_rho");
  c.txs_max_lag_days = o.number("txs_max_lag");
  c.txs_max_pair_overlap = o.number("txs_max_overlap");
  c.txs_max_gamma_in_low = o.count("txs_max_gamma_in_low");
  c.txs_max_rho = o.number("txs_max_rho");
  const lc::IntervalSet high = intervals_from(high_flares, "high flares");
  const lc::IntervalSet low = intervals_from(low_flares, "low flares");
  lc::Stages stages;
  lc::FlareClass cls = lc::FlareClass::none;
  {
    py::gil_scoped_release release;
    stages = lc::flaring_stages(high, low, {high_span.first, high_span.second},
                                {low_span.first, low_span.second});
    cls = lc::classify(stages, high, low, c);
  }
  py::dict d;
  d["rho"] = stages.rho;
  d["flare_class"] = std::string(lc::class_name(cls));
  d["common_span"] = py::make_tuple(stages.common_span.start, stages.common_span.stop);
  d["high"] = intervals_array(stages.high);
  d["low"] = intervals_array(stages.low);
  d["simultaneous"] = intervals_array(stages.simultaneous);
  d["high_only"] = intervals_array(stages.high_only);
  d["low_only"] = intervals_array(stages.low_only);
  return d;
}

//! The defaults of the library's option structs, for the Python signatures' test.
py::dict defaults() {
  const lc::BandOptions b;
  const lc::PrepareOptions p;
  const lc::ClassOptions c;
  py::dict d;
  d["p0"] = b.p0;
  d["p0_fallback"] = b.p0_fallback;
  d["fallback"] = b.use_fallback;
  d["s_factor"] = b.flares.s_factor;
  d["ir_factor"] = b.flares.avg_s_factor;
  d["quiescent_skip"] = b.flares.quiescent_skip;
  d["quiescent_fraction"] = b.flares.quiescent_fraction;
  d["max_variability_index"] = b.filters.max_variability_index;
  d["min_nxs"] = b.filters.min_nxs;
  d["min_block_ratio"] = b.filters.min_block_ratio;
  d["ambiguous_ratio"] = b.filters.ambiguous_ratio;
  d["ambiguous_when"] = b.filters.ambiguous_when_greater ? "greater" : "less";
  d["ul_flux"] = p.ul_flux;
  d["min_snr"] = p.min_snr;
  d["merge_window"] = p.merge_window_days;
  d["clip"] = p.clip;
  d["clip_sigma"] = p.clip_sigma;
  d["min_points"] = p.min_points;
  d["cfs_min_rho"] = c.cfs_min_rho;
  d["txs_max_lag"] = c.txs_max_lag_days;
  d["txs_max_overlap"] = c.txs_max_pair_overlap;
  d["txs_max_gamma_in_low"] = c.txs_max_gamma_in_low;
  d["txs_max_rho"] = c.txs_max_rho;
  return d;
}

} // namespace

void bind_lightcurve(py::module_& m) {
  m.def("bayesian_blocks", &bayesian_blocks, py::arg("t"), py::arg("x"), py::arg("sigma"),
        py::arg("fitness"), py::arg("p0"), py::arg("gamma"), py::arg("ncp_prior"), py::arg("dt"),
        "(edges, block values, ncp_prior, n_unique) of one segmentation");
  m.def("find_flares", &find_flares, py::arg("mjd"), py::arg("flux"), py::arg("flux_err"),
        py::arg("upper_limit"), py::arg("ts"), py::arg("photon_index"), py::arg("source"),
        py::arg("band"), py::arg("variability_index"), py::arg("potential_neutrino_source"),
        py::arg("options"), "preparation, blocks, flares and filters of one light curve");
  m.def("flare_class", &flare_class, py::arg("high_flares"), py::arg("high_span"),
        py::arg("low_flares"), py::arg("low_span"), py::arg("options"),
        "stages, rho and class of a source");
  m.def("lightcurve_defaults", &defaults, "defaults of the library's light-curve options");
}

} // namespace nuflare::python
