// A parameter sweep as one campaign (docs/methods.md "Sweeps"): sweep_campaign.hpp.
#include "nuflare/campaign/sweep_campaign.hpp"

#include "nuflare/campaign/collective.hpp"
#include "nuflare/campaign/partition.hpp"
#include "nuflare/coincidence/temporal_control.hpp"
#include "nuflare/coincidence/temporal_scan.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/tables.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <type_traits>

namespace nuflare::campaign {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos)
    return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

//! The selection's values as text, key by key, leaving out `skip`: points
//! with equal texts share their inputs (or engine).
std::vector<std::string> selection_text(const TemporalSelection& s,
                                        const std::vector<std::string>& skip) {
  std::vector<std::string> out;
  for (const auto& row : temporal_selection_options().rows())
    if (std::find(skip.begin(), skip.end(), row.spec.key) == skip.end())
      out.push_back(core::canonical_text(row.get(s)));
  return out;
}

} // namespace

const core::OptionTable<TimePoint>& TimePoint::options() {
  using P = TimePoint;
  // The selection without `sources` (SweepRun reads it for every test) and
  // with alerts, lightcurves and band optional here: a spatial sweep needs
  // none of them, and `nuflare sweep` requires them for the time tests.
  static const auto table =
      core::OptionTable<P>()
          .include(&P::in, temporal_selection_options(false, false))
          .add("delta_t", &P::delta_t, "days", "time window (an axis or this value)",
               core::POSITIVE)
          .no_default("none: give it or sweep it")
          .add("factor", &P::factor, "", "containment factor of the regions", core::POSITIVE)
          .add("shift_step", &P::shift_step, "days", "temporal test: shift grid step",
               core::POSITIVE)
          .no_default("delta_t/2")
          .add("max_shift", &P::max_shift, "days", "temporal test: largest |shift|",
               core::NON_NEGATIVE)
          .add("split_deg", &P::split_deg, "deg",
               "simultaneity: distance to the alert centre splitting the region subgroups",
               core::NON_NEGATIVE);
  return table;
}

bool sweep_key_applies(const std::string& key, SweepTest test) {
  const bool spatial_key = key == "events" || SpatialPoint::options().find(key) != nullptr;
  const bool time_key = key == "rho" || TimePoint::options().find(key) != nullptr;
  if (!spatial_key && !time_key)
    return true; // trials, seed, output, ...: every test's
  switch (test) {
  case SweepTest::spatial:
    return spatial_key;
  case SweepTest::simultaneity:
    // `nuflare simultaneity`'s keys (blazar paper §6.2).
    return key == "alerts" || key.starts_with("alerts_") || key == "factor" || key == "split_deg" ||
           key == "rho";
  case SweepTest::scan:
  case SweepTest::temporal:
    break;
  }
  return time_key && key != "rho" && key != "split_deg";
}

std::vector<std::string> sweep_required_keys(SweepTest test) {
  switch (test) {
  case SweepTest::spatial:
    return {"events"};
  case SweepTest::simultaneity:
    return {"alerts", "rho"};
  case SweepTest::scan:
  case SweepTest::temporal:
    break;
  }
  return {"alerts", "lightcurves", "band"};
}

const char* to_string(SweepTest test) noexcept {
  switch (test) {
  case SweepTest::scan:
    return "scan";
  case SweepTest::temporal:
    return "temporal";
  case SweepTest::spatial:
    return "spatial";
  case SweepTest::simultaneity:
    break;
  }
  return "simultaneity";
}

const core::OptionTable<SpatialPoint>& SpatialPoint::options() {
  using P = SpatialPoint;
  static const auto table =
      core::OptionTable<P>()
          .include(&P::spatial, coincidence::SpatialConfig::options())
          .add("group", &P::group, "", "spatial test: one source group of the catalogue")
          .no_default("every group");
  return table;
}

namespace {

template <class Point>
SweepAxis parse_axis_of(const std::string& text, SweepTest test) {
  const auto colon = text.find(':');
  if (colon == std::string::npos)
    throw core::FieldError("axis", "expected \"key: v1, v2, ...\" or \"key: first:last:count\", "
                                   "got \"" +
                                       text + "\"");
  SweepAxis axis{trim(std::string_view(text).substr(0, colon)), {}};
  const auto* row = Point::options().find(axis.key);
  if (row == nullptr || row->spec.path)
    throw core::FieldError("axis", "\"" + axis.key +
                                       "\" is not a sweepable key of the test (an option that "
                                       "is not an input file; docs/cli.md)");
  if (!sweep_key_applies(axis.key, test))
    throw core::FieldError("axis",
                           "\"" + axis.key + "\" is not a key of test = " + to_string(test));
  const std::string rest = trim(std::string_view(text).substr(colon + 1));
  const auto parts = core::split_names(rest);
  if (parts.size() == 1 && std::count(rest.begin(), rest.end(), ':') == 2) {
    // first:last:count, both ends included.
    if (row->spec.kind != core::Kind::real)
      throw core::FieldError("axis", axis.key + ": a range first:last:count needs a real key");
    const auto a = rest.find(':'), b = rest.rfind(':');
    const auto ends =
        core::number_list("axis", rest.substr(0, a) + "," + rest.substr(a + 1, b - a - 1));
    core::OptionSpec count_spec;
    count_spec.key = "axis";
    count_spec.kind = core::Kind::integer;
    count_spec.count = core::Count{1, 100000};
    const auto count = core::parse_text(count_spec, trim(rest.substr(b + 1)));
    const auto n = std::get<std::uint64_t>(count);
    for (std::uint64_t i = 0; i < n; ++i) {
      const double v = n == 1 ? ends[0]
                              : ends[0] + (ends[1] - ends[0]) * static_cast<double>(i) /
                                              static_cast<double>(n - 1);
      axis.values.push_back(core::canonical_text(v));
    }
  } else {
    axis.values = parts;
  }
  if (axis.values.empty())
    throw core::FieldError("axis", axis.key + ": no values");
  for (const auto& v : axis.values) {
    const auto problem = core::text_problem(row->spec, v);
    if (!problem.empty())
      throw core::FieldError("axis", axis.key + ": " + problem);
    core::detail::check_range(row->spec, core::parse_text(row->spec, v));
  }
  return axis;
}

template <class Point>
BasicSweepGrid<Point> make_grid_of(const Point& base, const std::vector<SweepAxis>& axes) {
  BasicSweepGrid<Point> grid{axes, {}, {}};
  for (std::size_t i = 0; i < axes.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (axes[i].key == axes[j].key)
        throw core::FieldError("axis", axes[i].key + " is swept by two axes");
  std::size_t n = 1;
  for (const auto& a : axes)
    n *= a.values.size();
  for (std::size_t p = 0; p < n; ++p) {
    // Mixed radix, the last axis fastest.
    std::vector<std::size_t> idx(axes.size());
    std::size_t rest = p;
    for (std::size_t i = axes.size(); i-- > 0;) {
      idx[i] = rest % axes[i].values.size();
      rest /= axes[i].values.size();
    }
    Point point = base;
    for (std::size_t i = 0; i < axes.size(); ++i) {
      const auto& row = *Point::options().find(axes[i].key);
      row.set(point, core::parse_text(row.spec, axes[i].values[idx[i]]));
    }
    grid.points.push_back(std::move(point));
    grid.value_index.push_back(std::move(idx));
  }
  return grid;
}

template <class Point>
SweepAxes sweep_axes_of(const BasicSweepGrid<Point>& grid) {
  SweepAxes out{grid.axes, {}, grid.value_index};
  for (const auto& a : grid.axes)
    out.spec.push_back(&Point::options().find(a.key)->spec);
  return out;
}

} // namespace

SweepAxis parse_axis(const std::string& text, SweepTest test) {
  return test == SweepTest::spatial ? parse_axis_of<SpatialPoint>(text, test)
                                    : parse_axis_of<TimePoint>(text, test);
}

SweepGrid make_grid(const TimePoint& base, const std::vector<SweepAxis>& axes, SweepTest test) {
  auto grid = make_grid_of(base, axes);
  if (test == SweepTest::scan || test == SweepTest::temporal)
    for (const auto& point : grid.points)
      if (!point.delta_t)
        throw core::FieldError("delta_t", "needed at every point: give it or sweep it");
  return grid;
}

SpatialSweepGrid make_grid(const SpatialPoint& base, const std::vector<SweepAxis>& axes) {
  auto grid = make_grid_of(base, axes);
  for (const auto& point : grid.points)
    coincidence::validate(point.spatial);
  return grid;
}

SweepAxes sweep_axes(const SweepGrid& grid) {
  return sweep_axes_of(grid);
}
SweepAxes sweep_axes(const SpatialSweepGrid& grid) {
  return sweep_axes_of(grid);
}

double effective_trials(double p_min, double post) noexcept {
  if (!(p_min > 0 && p_min < 1 && post > 0 && post < 1))
    return NaN;
  return std::log1p(-post) / std::log1p(-p_min);
}

std::string to_string(const LookElsewhere& le) {
  return "p_min=" + io::format_number(le.p_min) +
         " post_trial_p=" + io::format_number(le.post_trial_p) +
         " sidak_p=" + io::format_number(le.sidak_p) + " n_eff=" + io::format_number(le.n_eff);
}

LookElsewhere look_elsewhere(std::span<const double> observed, std::span<const double> trials,
                             std::span<const double> trial_min) {
  const std::size_t k_n = observed.size();
  const std::size_t n = k_n == 0 ? 0 : trials.size() / k_n;
  LookElsewhere le;
  std::vector<double> col(n);
  le.p_min = NaN;
  for (std::size_t k = 0; k < k_n; ++k) {
    for (std::size_t i = 0; i < n; ++i)
      col[i] = trials[i * k_n + k];
    le.p_value.push_back(right_tail_p(observed[k], col));
    if (!std::isnan(le.p_value[k]) && !(le.p_min <= le.p_value[k])) {
      le.p_min = le.p_value[k];
      le.best = k;
    }
  }
  le.post_trial_p = post_trial_p(le.p_value, trial_min);
  le.sidak_p = -std::expm1(static_cast<double>(k_n) * std::log1p(-le.p_min));
  le.n_eff = effective_trials(le.p_min, le.post_trial_p);
  return le;
}

namespace {

//! The mean of each of the `k_n` columns of `trials` (row-major N × k_n).
std::vector<double> column_means(std::span<const double> trials, std::size_t k_n) {
  std::vector<double> mean, col(trials.size() / std::max<std::size_t>(k_n, 1));
  for (std::size_t k = 0; k < k_n; ++k) {
    for (std::size_t i = 0; i < col.size(); ++i)
      col[i] = trials[i * k_n + k];
    mean.push_back(finite_mean(col));
  }
  return mean;
}

//! What /sweep says of a test's observed columns: the statistic's unit and
//! description, and the dataset of the per-column counts (res.n_pairs).
struct ObservedText {
  const char* unit;
  std::string about;
  const char* counts;
  const char* counts_unit;
  const char* counts_about;
};

//! Creates /sweep with its attributes test, n_points and axes and the
//! observed statistic and counts per column (docs/archive-format.md),
//! unless a resumed archive has them already.
void write_sweep_observed(io::Archive& archive, const SweepResult& res, const ObservedText& text) {
  if (archive.exists("/sweep"))
    return;
  std::string axes;
  for (const auto& a : res.grid.axes)
    axes += (axes.empty() ? "" : ",") + a.key;
  archive.create_group("/sweep");
  archive.set_attribute("/sweep", "test", std::string(to_string(res.test)));
  archive.set_attribute("/sweep", "n_points", static_cast<std::int64_t>(res.grid.size()));
  archive.set_attribute("/sweep", "axes", axes);
  archive.write_vector("/sweep/statistic_observed", res.observed, text.unit, text.about);
  archive.write_vector(std::string("/sweep/") + text.counts,
                       std::span<const std::int64_t>(res.n_pairs), text.counts_unit,
                       text.counts_about);
}

//! The look-elsewhere correction and trial means of `res` from every trial
//! (row-major N × columns), on a rank that holds them all: the per-trial
//! minimum p over every column here.
void conclude(SweepResult& res, std::span<const double> trials) {
  const std::size_t k_n = res.point_of.size();
  res.le = look_elsewhere(res.observed, trials, trial_min_p(trials, k_n, 0, k_n));
  res.trial_mean = column_means(trials, k_n);
}

} // namespace

SweepInputs read_sweep_inputs(const SweepGrid& grid, MPI_Comm comm) {
  // flare_cut and region change the engine, not what is read.
  SweepInputs out;
  std::vector<std::vector<std::string>> keys;
  for (const auto& p : grid.points) {
    auto key = selection_text(p.in, {"flare_cut", "region"});
    auto it = std::find(keys.begin(), keys.end(), key);
    if (it == keys.end()) {
      keys.push_back(std::move(key));
      out.selections.push_back(p.in);
      out.inputs.push_back(read_temporal_inputs(p.in, comm));
      it = keys.end() - 1;
    }
    out.of_point.push_back(static_cast<std::size_t>(it - keys.begin()));
  }
  return out;
}

namespace {

//! One ScanEngine per (inputs, region shape): per trial it finds the alert
//! regions' members once for the largest factor and evaluates every flare
//! cut × ΔT × factor of its points from them, the work the points share.
struct EngineGroup {
  std::size_t input = 0;
  sky::RegionShape region{};
  std::vector<double> flare_cut, delta_t, factor;
  //! Owned, or (run_scan_campaign) the caller's, held without ownership.
  std::shared_ptr<const coincidence::ScanEngine> engine;
  std::vector<std::size_t> points, cell; //!< sweep point and its engine grid index
  std::vector<double> r0;
  std::vector<std::int64_t> n_pairs;
};

//! Adds `v` to `values` unless there (first-seen order: the axes' order, so
//! one group reproduces `nuflare scan`'s ΔT-major grid).
void add_value(std::vector<double>& values, double v) {
  if (std::find(values.begin(), values.end(), v) == values.end())
    values.push_back(v);
}
std::size_t index_of(const std::vector<double>& values, double v) {
  return static_cast<std::size_t>(std::find(values.begin(), values.end(), v) - values.begin());
}

std::vector<EngineGroup> make_engines(const SweepGrid& grid, const SweepInputs& inputs) {
  std::vector<EngineGroup> groups;
  for (std::size_t p = 0; p < grid.size(); ++p) {
    const auto& pt = grid.points[p];
    auto it = std::find_if(groups.begin(), groups.end(), [&](const EngineGroup& g) {
      return g.input == inputs.of_point[p] && g.region == pt.in.region;
    });
    if (it == groups.end()) {
      groups.push_back({inputs.of_point[p], pt.in.region, {}, {}, {}, {}, {}, {}, {}, {}});
      it = groups.end() - 1;
    }
    add_value(it->flare_cut, pt.in.flare_cut);
    add_value(it->delta_t, *pt.delta_t);
    add_value(it->factor, pt.factor);
    it->points.push_back(p);
  }
  for (auto& g : groups) {
    const auto& in = inputs.inputs[g.input];
    g.engine = std::make_shared<const coincidence::ScanEngine>(in.series, in.alerts, g.delta_t,
                                                               g.factor, g.region, g.flare_cut);
    for (auto p : g.points) {
      const auto& pt = grid.points[p];
      g.cell.push_back((index_of(g.flare_cut, pt.in.flare_cut) * g.delta_t.size() +
                        index_of(g.delta_t, *pt.delta_t)) *
                           g.factor.size() +
                       index_of(g.factor, pt.factor));
    }
    g.r0.resize(g.engine->n_points());
    g.n_pairs.resize(g.engine->n_points());
  }
  return groups;
}

} // namespace

namespace {

//! The control-sample side of a time-test sweep (blazar paper §5.1.2): per
//! (inputs, factor, region shape) the observed pairs, the control pool and
//! the sample size — one draw per trial shared by its points — and per point
//! a ControlEngine for its ΔT, flare cut and shifts.
struct ControlGroup {
  std::size_t input = 0;
  double factor = 1;
  sky::RegionShape region{};
  std::vector<coincidence::Pair> pairs;
  std::size_t n_sources = 0;
  std::vector<std::uint32_t> pool, drawn_pool, drawn_alert;
  std::vector<std::size_t> points;
  std::vector<std::unique_ptr<coincidence::ControlEngine>> engines;
};

std::vector<ControlGroup> control_groups(const SweepGrid& grid, const SweepInputs& inputs,
                                         bool engines) {
  std::vector<ControlGroup> groups;
  for (std::size_t p = 0; p < grid.size(); ++p) {
    const auto& pt = grid.points[p];
    auto it = std::find_if(groups.begin(), groups.end(), [&](const ControlGroup& g) {
      return g.input == inputs.of_point[p] && g.factor == pt.factor && g.region == pt.in.region;
    });
    const auto& in = inputs.inputs[inputs.of_point[p]];
    if (it == groups.end()) {
      ControlGroup g;
      g.input = inputs.of_point[p];
      g.factor = pt.factor;
      g.region = pt.in.region;
      g.pairs = coincidence::make_pairs(in.series, in.alerts, g.factor, g.region);
      g.n_sources = coincidence::distinct_sources(g.pairs);
      g.pool = coincidence::outside_all_regions(in.series, in.alerts, g.factor, g.region);
      if (g.pairs.empty())
        throw core::InputError(pt.in.sources, 0, "factor " + io::format_number(g.factor),
                               "no selected source lies in an alert region");
      if (g.n_sources > g.pool.size())
        throw core::InputError(pt.in.sources, 0, "factor " + io::format_number(g.factor),
                               std::to_string(g.n_sources) + " control sources needed but only " +
                                   std::to_string(g.pool.size()) +
                                   " lie outside every alert region");
      g.drawn_pool.resize(g.n_sources);
      g.drawn_alert.resize(g.n_sources);
      groups.push_back(std::move(g));
      it = groups.end() - 1;
    }
    it->points.push_back(p);
    if (engines) {
      std::vector<double> alert_mjd;
      for (const auto& a : in.alerts)
        alert_mjd.push_back(a.mjd);
      const double dt = *pt.delta_t;
      it->engines.push_back(std::make_unique<coincidence::ControlEngine>(
          in.series, it->pool, alert_mjd,
          coincidence::shift_grid(pt.shift_step.value_or(dt / 2), pt.max_shift), dt,
          pt.in.flare_cut));
    }
  }
  return groups;
}

} // namespace

void check_sweep(SweepTest test, const SweepGrid& grid, const SweepInputs& inputs) {
  if (test == SweepTest::temporal)
    (void)control_groups(grid, inputs, false);
}

namespace {

//! `nuflare scan`'s archive layout (docs/archive-format.md, /scan), which a
//! scan keeps now that it runs on the sweep: the grid's ΔT and factor per
//! column and the number of alerts.
struct ScanLayout {
  std::size_t n_alerts = 0;
  std::vector<double> delta_t_days, factor;
};

//! The trials and the look-elsewhere of a time-test sweep whose columns
//! (`res.point_of`, temporal: `res.shift_days`) and engines are set up:
//! `first_col[p]` is point p's first column, `n_alerts[i]` the alerts of
//! input i (the RAs a scan trial scrambles). Writes /sweep, or /scan with a
//! `scan_layout`.
void run_time_columns(io::Archive& archive, MPI_Comm comm, SweepResult& res,
                      std::vector<EngineGroup>& scans, std::vector<ControlGroup>& controls,
                      const std::vector<std::size_t>& first_col,
                      const std::vector<std::size_t>& n_alerts,
                      const TemporalCampaignConfig& config, const ScanLayout* scan_layout) {
  const SweepTest test = res.test;
  const std::size_t k_n = res.point_of.size();
  res.observed.resize(k_n);
  res.n_pairs.resize(k_n);
  std::vector<std::vector<double>> ra(n_alerts.size());
  // `scrambled` false: the observed sky; true: trial g's.
  const auto evaluate = [&](bool scrambled, std::uint64_t g, std::span<double> stat,
                            std::span<std::int64_t> pairs) {
    if (test == SweepTest::scan) {
      // One scramble per alert selection serves every point (docs/methods.md
      // "Sweeps"): the stream and counter are `nuflare scan`'s.
      if (scrambled)
        for (std::size_t i = 0; i < ra.size(); ++i) {
          ra[i].resize(n_alerts[i]);
          scramble_alert_ra(config.seed, SCAN_RA_STREAM, g, ra[i]);
        }
      for (auto& e : scans) {
        e.engine->evaluate(ra[e.input], e.r0, e.n_pairs);
        for (std::size_t j = 0; j < e.points.size(); ++j) {
          stat[e.points[j]] = e.r0[e.cell[j]];
          pairs[e.points[j]] = e.n_pairs[e.cell[j]];
        }
      }
      return;
    }
    // One control draw per (inputs, factor, region) serves its points: the
    // stream and counter are `nuflare temporal`'s.
    for (auto& c : controls) {
      if (scrambled)
        draw_control(config.seed, g, c.pool.size(), n_alerts[c.input], c.drawn_pool, c.drawn_alert);
      for (std::size_t j = 0; j < c.points.size(); ++j) {
        const std::size_t p = c.points[j], b = first_col[p], e = first_col[p + 1];
        const auto out = stat.subspan(b, e - b);
        if (scrambled)
          c.engines[j]->evaluate(c.drawn_pool, c.drawn_alert, out);
        else
          c.engines[j]->evaluate_pairs(c.pairs, out);
        std::fill(pairs.begin() + static_cast<std::ptrdiff_t>(b),
                  pairs.begin() + static_cast<std::ptrdiff_t>(e),
                  static_cast<std::int64_t>(scrambled ? c.n_sources : c.pairs.size()));
      }
    }
  };
  evaluate(false, 0, res.observed, res.n_pairs);

  const bool scan = test == SweepTest::scan;
  const std::string what = scan ? "R(0)" : "R(t)";
  if (scan_layout != nullptr) {
    // `nuflare scan`'s layout, name for name.
    if (!archive.exists("/scan")) {
      archive.create_group("/scan");
      archive.set_attribute("/scan", "n_alerts", static_cast<std::int64_t>(scan_layout->n_alerts));
      archive.write_vector("/scan/delta_t_days", scan_layout->delta_t_days, "d",
                           "ΔT of each grid point");
      archive.write_vector("/scan/factor", scan_layout->factor, "",
                           "containment factor of each grid point");
      archive.write_vector("/scan/r0_observed", res.observed, "", "observed R(0) per grid point");
      archive.write_vector("/scan/n_pairs_observed", std::span<const std::int64_t>(res.n_pairs),
                           "pairs", "observed (source, alert) pairs per grid point");
    }
  } else {
    write_sweep_observed(
        archive, res,
        {"",
         "observed " + what + " per column (point" + (scan ? ")" : " and shift, shift fastest)"),
         "n_pairs_observed", "pairs", "observed (source, alert) pairs per column"});
  }
  RunnerOptions ro = config.runner;
  ro.label = scan_layout != nullptr ? "scan trials" : "sweep trials";
  TrialRunner runner(archive, comm, scan_layout != nullptr ? "/scan" : "/sweep", config.n_trials,
                     ro);
  const std::size_t i_s =
      scan_layout != nullptr
          ? runner.add<double>("r0", k_n, "", "R(0) per trial (scrambled alert RAs) and grid point")
          : runner.add<double>("statistic", k_n, "",
                               what + " per trial (" +
                                   (scan ? "scrambled alert RAs" : "control samples") +
                                   ") and column");
  const std::size_t i_n =
      scan_layout != nullptr
          ? runner.add<std::int64_t>("n_pairs", k_n, "pairs", "pairs per trial and grid point")
          : runner.add<std::int64_t>("n_pairs", k_n, "pairs",
                                     scan ? "pairs per trial and column"
                                          : "control sources per trial and column");
  runner.run(
      [&](std::uint64_t g, TrialRows& rows) { evaluate(true, g, rows.f64[i_s], rows.i64[i_n]); });
  const auto trials = runner.gather<double>(i_s);
  // Per-trial min p over this rank's share of the columns, combined exactly.
  const auto share = work_range(k_n, comm_rank(comm), comm_size(comm));
  auto min_p = trial_min_p(trials, k_n, share.begin, share.end);
  if (!min_p.empty())
    allreduce(std::span<double>(min_p), MPI_MIN, comm);
  res.le = look_elsewhere(res.observed, trials, min_p);
  res.trial_mean = column_means(trials, k_n);
}

} // namespace

SweepResult run_sweep_campaign(io::Archive& archive, MPI_Comm comm, const SweepGrid& grid,
                               const SweepInputs& inputs, const TemporalCampaignConfig& config,
                               SweepTest test) {
  std::vector<std::size_t> n_alerts;
  for (const auto& in : inputs.inputs)
    n_alerts.push_back(in.alerts.size());
  SweepResult res;
  res.grid = sweep_axes(grid);
  res.test = test;
  // Columns: one per point (scan) or per (point, shift) (temporal).
  std::vector<EngineGroup> scans;
  std::vector<ControlGroup> controls;
  std::vector<std::size_t> first_col(grid.size() + 1, 0);
  if (test == SweepTest::scan) {
    scans = make_engines(grid, inputs);
    for (std::size_t p = 0; p < grid.size(); ++p) {
      res.point_of.push_back(p);
      first_col[p + 1] = p + 1;
    }
  } else {
    controls = control_groups(grid, inputs, true);
    std::vector<const coincidence::ControlEngine*> engine_of(grid.size());
    for (const auto& g : controls)
      for (std::size_t j = 0; j < g.points.size(); ++j)
        engine_of[g.points[j]] = g.engines[j].get();
    for (std::size_t p = 0; p < grid.size(); ++p) {
      for (double sh : engine_of[p]->shifts_days()) {
        res.point_of.push_back(p);
        res.shift_days.push_back(sh);
      }
      first_col[p + 1] = res.point_of.size();
    }
  }
  run_time_columns(archive, comm, res, scans, controls, first_col, n_alerts, config, nullptr);
  return res;
}

ScanResult run_scan_campaign(io::Archive& archive, MPI_Comm comm,
                             const coincidence::ScanEngine& engine,
                             const TemporalCampaignConfig& config) {
  // The scan is the sweep over its ΔT × factor grid (ΔT outermost): one
  // engine group whose cells are the grid points in order, the same
  // stream and counter, the /scan layout.
  const std::size_t k_n = engine.n_points(), n_f = engine.factors().size(),
                    n_dt = engine.delta_t_days().size();
  ScanLayout layout{engine.n_alerts(), {}, {}};
  SweepResult res;
  res.test = SweepTest::scan;
  SweepAxis dt{"delta_t", {}}, f{"factor", {}};
  for (double v : engine.delta_t_days())
    dt.values.push_back(core::canonical_text(v));
  for (double v : engine.factors())
    f.values.push_back(core::canonical_text(v));
  res.grid.axes = {dt, f};
  for (const auto& a : res.grid.axes)
    res.grid.spec.push_back(&TimePoint::options().find(a.key)->spec);
  EngineGroup group;
  // Held, not owned: the caller's engine outlives the call.
  group.engine = std::shared_ptr<const coincidence::ScanEngine>(
      std::shared_ptr<const coincidence::ScanEngine>(), &engine);
  group.r0.resize(k_n);
  group.n_pairs.resize(k_n);
  std::vector<std::size_t> first_col(k_n + 1, 0);
  for (std::size_t k = 0; k < k_n; ++k) {
    // Flare cut outermost, then ΔT, then factor (coincidence/temporal_scan.hpp).
    layout.delta_t_days.push_back(engine.delta_t_days()[(k / n_f) % n_dt]);
    layout.factor.push_back(engine.factors()[k % n_f]);
    res.grid.value_index.push_back({(k / n_f) % n_dt, k % n_f});
    res.point_of.push_back(k);
    group.points.push_back(k);
    group.cell.push_back(k);
    first_col[k + 1] = k + 1;
  }
  std::vector<EngineGroup> scans;
  scans.push_back(std::move(group));
  std::vector<ControlGroup> controls;
  run_time_columns(archive, comm, res, scans, controls, first_col, {engine.n_alerts()}, config,
                   &layout);
  ScanResult out;
  out.delta_t_days = std::move(layout.delta_t_days);
  out.factor = std::move(layout.factor);
  out.r0 = std::move(res.observed);
  out.n_pairs = std::move(res.n_pairs);
  out.r0_trial_mean = std::move(res.trial_mean);
  out.p_value = std::move(res.le.p_value);
  out.post_trial_p = res.le.post_trial_p;
  out.best = res.le.best;
  return out;
}

// --- the spatial test (blazar paper §6.3) ---

SpatialSweepInputs read_spatial_sweep_inputs(const SpatialSweepGrid& grid,
                                             const std::vector<std::string>& events,
                                             const std::string& sources, MPI_Comm comm) {
  // The events on rank 0 only: SharedSpatialIndex alone needs them.
  auto in = read_spatial_inputs(events, sources, comm, Deliver::first_rank);
  SpatialSweepInputs out;
  out.catalog = std::move(in.catalog);
  out.groups = std::move(in.groups);
  out.files = std::move(in.files);
  // One index per distinct event selection: the points that differ only in
  // their group share it (and every threshold of a point is one index's).
  const auto same = [](const coincidence::SpatialConfig& a, const coincidence::SpatialConfig& b) {
    return a.log10e_min == b.log10e_min && a.log10e_max == b.log10e_max &&
           a.log10e_step == b.log10e_step && a.max_angerr_deg == b.max_angerr_deg &&
           a.angerr_scale == b.angerr_scale;
  };
  for (const auto& p : grid.points) {
    auto it = std::find_if(out.selections.begin(), out.selections.end(),
                           [&](const auto& s) { return same(s, p.spatial); });
    if (it == out.selections.end()) {
      out.selections.push_back(p.spatial);
      out.index.push_back(std::make_unique<SharedSpatialIndex>(
          comm, std::span<const io::EventSample>(in.seasons), p.spatial));
      it = out.selections.end() - 1;
    }
    out.of_point.push_back(static_cast<std::size_t>(it - out.selections.begin()));
    std::vector<std::size_t> groups;
    for (std::size_t j = 0; j < out.groups.size(); ++j)
      if (p.group.empty() || out.groups[j].name == p.group)
        groups.push_back(j);
    if (groups.empty())
      throw core::InputError(sources, 0, "group",
                             "no source group \"" + p.group + "\" in the catalogue");
    out.groups_of.push_back(std::move(groups));
  }
  return out;
}

namespace {

//! One counter per (index, group) that some point uses: the tables of the
//! group's declinations over that index, and where its counts go.
struct SpatialCell {
  std::size_t index = 0, group = 0;
  std::size_t table = 0; //!< the group's place in its index's SharedSpatialTables
  std::unique_ptr<coincidence::SpatialCounter> counter;
  std::vector<std::size_t> first_col; //!< per point using it: its column of threshold 0
  std::vector<std::int64_t> counts;   //!< scratch [skies × thresholds]
};

} // namespace

SweepResult run_spatial_sweep_campaign(io::Archive& archive, MPI_Comm comm,
                                       const SpatialSweepGrid& grid, const SpatialSweepInputs& in,
                                       const TemporalCampaignConfig& config) {
  SweepResult res;
  res.grid = sweep_axes(grid);
  res.test = SweepTest::spatial;
  const auto decs = group_declinations(in.catalog, in.groups);
  std::vector<SpatialCell> cells;
  // Columns: per point, its groups (catalogue order), each with every
  // threshold of the point's selection (thresholds fastest).
  for (std::size_t p = 0; p < grid.size(); ++p) {
    const auto& index = *in.index[in.of_point[p]];
    for (auto j : in.groups_of[p]) {
      auto it = std::find_if(cells.begin(), cells.end(), [&](const SpatialCell& c) {
        return c.index == in.of_point[p] && c.group == j;
      });
      if (it == cells.end()) {
        cells.push_back({in.of_point[p], j, 0, nullptr, {}, {}});
        it = cells.end() - 1;
      }
      it->first_col.push_back(res.point_of.size());
      for (std::size_t t = 0; t < index.n_thresholds(); ++t) {
        res.point_of.push_back(p);
        res.group.push_back(in.groups[j].name);
        res.log10e_min.push_back(index.thresholds()[t]);
        res.n_pairs.push_back(index.events_above()[t]);
      }
    }
  }
  // Per index the interval tables of the groups its points use, one copy
  // per node built split over its ranks (collective: every rank has the
  // same cells in the same order), as `nuflare spatial` builds them.
  std::vector<std::unique_ptr<SharedSpatialTables>> tables;
  for (std::size_t i = 0; i < in.index.size(); ++i) {
    std::vector<std::vector<double>> dec;
    for (auto& c : cells)
      if (c.index == i) {
        c.table = dec.size();
        dec.push_back(decs[c.group]);
      }
    tables.push_back(std::make_unique<SharedSpatialTables>(comm, in.index[i]->view(), dec));
  }
  std::vector<bool> group_used(in.groups.size(), false);
  for (auto& c : cells) {
    c.counter = std::make_unique<coincidence::SpatialCounter>(in.index[c.index]->view(),
                                                              tables[c.index]->group(c.table));
    group_used[c.group] = true;
  }
  const std::size_t k_n = res.point_of.size();

  // Every group's RAs for `n` skies: the observed sky (n = 1, no g) or the
  // scrambled skies g[0..n), each as `nuflare spatial` trial g scrambles it.
  std::vector<std::vector<double>> ra(in.groups.size());
  const auto evaluate = [&](std::span<const std::uint64_t> g, std::size_t n,
                            const std::function<std::span<double>(std::size_t)>& row) {
    for (std::size_t j = 0; j < in.groups.size(); ++j) {
      if (!group_used[j])
        continue;
      const auto& members = in.groups[j].members;
      ra[j].resize(n * members.size());
      for (std::size_t k = 0; k < n; ++k) {
        const auto sky = std::span<double>(ra[j]).subspan(k * members.size(), members.size());
        if (g.empty())
          for (std::size_t i = 0; i < members.size(); ++i)
            sky[i] = in.catalog.ra_deg[members[i]];
        else
          scramble_ra(config.seed, g[k], sky);
      }
    }
    for (auto& c : cells) {
      const std::size_t n_thr = in.index[c.index]->n_thresholds();
      const std::size_t n_src = in.groups[c.group].members.size();
      c.counts.resize(n * n_thr);
      // Skies per counter call as `nuflare spatial` (its tables stay in the cache).
      constexpr std::size_t BATCH = 256;
      for (std::size_t first = 0; first < n; first += BATCH) {
        const std::size_t m = std::min(BATCH, n - first);
        c.counter->count(std::span<const double>(ra[c.group]).subspan(first * n_src, m * n_src),
                         std::span<std::int64_t>(c.counts).subspan(first * n_thr, m * n_thr));
      }
      for (std::size_t k = 0; k < n; ++k) {
        const auto out = row(k);
        for (auto col : c.first_col)
          for (std::size_t t = 0; t < n_thr; ++t)
            out[col + t] = static_cast<double>(c.counts[k * n_thr + t]);
      }
    }
  };
  res.observed.resize(k_n);
  evaluate({}, 1, [&](std::size_t) { return std::span<double>(res.observed); });

  write_sweep_observed(
      archive, res,
      {"events", "observed N per column (point, group, threshold; threshold fastest)",
       "n_events_above", "events", "selected tracks above each column's threshold"});
  RunnerOptions ro = config.runner;
  ro.label = "sweep trials";
  // As `nuflare spatial`: a round of a few thousand skies between the ranks'
  // synchronisations.
  ro.round_trials = std::max<std::uint64_t>(ro.round_trials, 2048);
  TrialRunner runner(archive, comm, "/sweep", config.n_trials, ro);
  const std::size_t i_s = runner.add<double>("statistic", k_n, "events",
                                             "N per trial (RA-scrambled sources) and column");
  runner.run_batched([&](std::span<const std::uint64_t> g, std::span<TrialRows> rows) {
    evaluate(g, g.size(), [&](std::size_t k) { return rows[k].f64[i_s]; });
  });
  conclude(res, runner.gather<double>(i_s));
  return res;
}

// --- the simultaneity test (blazar paper §6.2) ---

SimultaneitySweepInputs read_simultaneity_sweep_inputs(const SweepGrid& grid,
                                                       const std::string& sources,
                                                       const std::string& rho, MPI_Comm comm) {
  SimultaneitySweepInputs out;
  std::vector<std::vector<std::string>> keys; // each distinct alert selection, as text
  for (const auto& p : grid.points) {
    std::vector<std::string> key{p.in.alerts};
    for (const auto& row : io::AlertSelection::options().rows())
      key.push_back(core::canonical_text(row.get(p.in.alert_selection)));
    auto it = std::find(keys.begin(), keys.end(), key);
    if (it == keys.end()) {
      auto in = read_simultaneity_inputs(p.in.alerts, p.in.alert_selection, sources, rho, comm);
      if (keys.empty()) {
        out.sources = std::move(in.sources);
        out.files = {sources, rho};
      }
      if (std::find(out.files.begin(), out.files.end(), p.in.alerts) == out.files.end())
        out.files.emplace_back(p.in.alerts);
      out.alerts.push_back(std::move(in.alerts));
      keys.push_back(std::move(key));
      it = keys.end() - 1;
    }
    out.of_point.push_back(static_cast<std::size_t>(it - keys.begin()));
  }
  return out;
}

SweepResult run_simultaneity_sweep_campaign(io::Archive& archive, MPI_Comm comm,
                                            const SweepGrid& grid,
                                            const SimultaneitySweepInputs& in,
                                            const TemporalCampaignConfig& config) {
  SweepResult res;
  res.grid = sweep_axes(grid);
  res.test = SweepTest::simultaneity;
  const auto& sources = in.sources;
  // The warm-spot subgroup and its pool depend on the catalogue alone: one
  // draw per trial serves every point (its column repeats at every point).
  const auto split = coincidence::warm_spot_split(sources);
  if (split.warm.size() > split.pool.size())
    throw core::ConfigError("simultaneity: more warm-spot sources than others to draw from");
  for (std::size_t p = 0; p < grid.size(); ++p) {
    const auto& pt = grid.points[p];
    const auto region =
        coincidence::region_subgroups(sources, in.alerts[in.of_point[p]], pt.factor, pt.split_deg);
    for (const char* sub : {"warm_spot", "region_near", "region_far"}) {
      res.point_of.push_back(p);
      res.subgroup.emplace_back(sub);
    }
    res.observed.insert(res.observed.end(), {coincidence::mean_rho(sources, split.warm),
                                             coincidence::mean_rho(sources, region.near),
                                             coincidence::mean_rho(sources, region.far)});
    res.n_pairs.insert(res.n_pairs.end(), {static_cast<std::int64_t>(split.warm.size()),
                                           static_cast<std::int64_t>(region.near.size()),
                                           static_cast<std::int64_t>(region.far.size())});
  }
  const std::size_t k_n = res.point_of.size();
  write_sweep_observed(archive, res,
                       {"",
                        "observed mean ρ per column (point; warm_spot, region_near, region_far)",
                        "n_sources_observed", "sources", "sources in each column's subgroup"});
  RunnerOptions ro = config.runner;
  ro.label = "sweep trials";
  TrialRunner runner(archive, comm, "/sweep", config.n_trials, ro);
  const std::size_t i_s = runner.add<double>(
      "statistic", k_n, "", "mean ρ per trial (drawn warm spots, scrambled alert RAs) and column");
  std::vector<std::vector<double>> ra(in.alerts.size());
  std::vector<std::uint32_t> scratch;
  runner.run([&](std::uint64_t g, TrialRows& rows) {
    const auto out = rows.f64[i_s];
    // The streams and counter of `nuflare simultaneity` trial g: one
    // warm-spot draw, and one RA scramble per alert selection.
    const double warm = warm_spot_trial(config.seed, g, sources, split, scratch);
    for (std::size_t i = 0; i < ra.size(); ++i) {
      ra[i].resize(in.alerts[i].size());
      scramble_alert_ra(config.seed, SIMULTANEITY_RA_STREAM, g, ra[i]);
    }
    for (std::size_t p = 0; p < grid.size(); ++p) {
      const auto& pt = grid.points[p];
      const auto sub = coincidence::region_subgroups(sources, in.alerts[in.of_point[p]], pt.factor,
                                                     pt.split_deg, ra[in.of_point[p]]);
      out[3 * p] = warm;
      out[3 * p + 1] = coincidence::mean_rho(sources, sub.near);
      out[3 * p + 2] = coincidence::mean_rho(sources, sub.far);
    }
  });
  conclude(res, runner.gather<double>(i_s));
  return res;
}

namespace {

//! The axis columns of `points` (indices into the grid): numbers for real
//! keys, text otherwise.
void axis_columns(const SweepAxes& grid, const std::vector<std::size_t>& points, io::Table& t) {
  for (std::size_t a = 0; a < grid.axes.size(); ++a) {
    const auto& axis = grid.axes[a];
    const auto& spec = *grid.spec[a];
    if (spec.kind == core::Kind::real) {
      std::vector<double> v;
      for (auto p : points)
        v.push_back(std::get<double>(core::parse_text(spec, axis.values[grid.value_index[p][a]])));
      t.columns.push_back({axis.key, v, spec.unit, "axis: " + spec.help});
    } else {
      std::vector<std::string> v;
      for (auto p : points)
        v.push_back(axis.values[grid.value_index[p][a]]);
      t.columns.push_back({axis.key, v, spec.unit, "axis: " + spec.help});
    }
  }
}

} // namespace

namespace {

constexpr const char* COLUMNS_HELP =
    "statistics tried: points (scan), points × shifts (temporal), points × groups × "
    "thresholds (spatial) or points × 3 subgroups (simultaneity)";

//! The words of each test's columns in the tables.
struct Words {
  const char* count;      //!< the column of observed pairs or events
  const char* count_help; //!< its description
  const char* statistic;  //!< the observed statistic
  const char* trial_mean; //!< the trials' mean
};
Words words(SweepTest test) {
  switch (test) {
  case SweepTest::scan:
    return {"n_pairs", "observed (source, alert) pairs", "observed R(0) (blazar paper eq. 1)",
            "mean R(0) of the alert-RA scrambles"};
  case SweepTest::temporal:
    return {"n_pairs", "observed (source, alert) pairs", "observed R(t) (blazar paper eq. 1)",
            "mean R(t) of the control trials"};
  case SweepTest::simultaneity:
    return {"n_sources", "sources in the subgroup", "observed mean simultaneity ratio ρ",
            "mean ρ of the trials"};
  case SweepTest::spatial:
    break;
  }
  return {"n_events_above", "selected tracks above the threshold",
          "observed N: tracks with a source of the group in their circle (blazar paper §6.3)",
          "mean N of the RA-scrambled skies"};
}

//! The columns that tell a point's columns apart (temporal: the shift;
//! spatial: the group and the threshold), at the columns `cols`.
void within_point_columns(const SweepResult& r, const std::vector<std::size_t>& cols,
                          io::Table& t) {
  const auto pick = [&](const auto& v) {
    std::remove_cvref_t<decltype(v)> out;
    for (auto c : cols)
      out.push_back(v[c]);
    return out;
  };
  if (r.test == SweepTest::temporal)
    t.columns.push_back({"shift_days", pick(r.shift_days), "d", "shift t of the light curves"});
  if (r.test == SweepTest::simultaneity)
    t.columns.push_back(
        {"subgroup", pick(r.subgroup), "", "potential-neutrino-source subgroup (Table 1)"});
  if (r.test == SweepTest::spatial) {
    // A `group` axis already names each column's group.
    const bool group_axis = std::any_of(r.grid.axes.begin(), r.grid.axes.end(),
                                        [](const SweepAxis& a) { return a.key == "group"; });
    if (!group_axis)
      t.columns.push_back({"group", pick(r.group), "", "source group"});
    t.columns.push_back(
        {"log10e_min", pick(r.log10e_min), "log10(E/GeV)", "energy threshold (reconstructed)"});
  }
}

} // namespace

io::Table sweep_points_table(const SweepResult& r) {
  io::Table t;
  if (r.grid.axes.empty())
    t.columns.push_back(
        {"point", std::vector<std::int64_t>(r.point_of.size(), 0), "", "sweep point"});
  axis_columns(r.grid, r.point_of, t);
  std::vector<std::size_t> all(r.point_of.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  within_point_columns(r, all, t);
  std::vector<std::int64_t> best(r.point_of.size(), 0);
  if (!r.point_of.empty() && !std::isnan(r.le.p_min))
    best[r.le.best] = 1;
  const auto w = words(r.test);
  t.columns.push_back({w.count, r.n_pairs,
                       r.test == SweepTest::spatial        ? "events"
                       : r.test == SweepTest::simultaneity ? "sources"
                                                           : "pairs",
                       w.count_help});
  t.columns.push_back({"statistic", r.observed, "", w.statistic});
  t.columns.push_back({"trial_mean", r.trial_mean, "", w.trial_mean});
  t.columns.push_back({"p_value", r.le.p_value, "", "pre-trial (M+1)/(N+1)"});
  t.columns.push_back({"best", best, "", "1 for the column with the smallest pre-trial p"});
  return t;
}

io::Table sweep_summary_table(const SweepResult& r) {
  io::Table t;
  t.columns.push_back({"n_points",
                       std::vector<std::int64_t>{static_cast<std::int64_t>(r.grid.size())}, "",
                       "grid points tried"});
  t.columns.push_back({"n_columns",
                       std::vector<std::int64_t>{static_cast<std::int64_t>(r.point_of.size())}, "",
                       COLUMNS_HELP});
  if (!r.point_of.empty()) {
    axis_columns(r.grid, {r.point_of[r.le.best]}, t);
    within_point_columns(r, {r.le.best}, t);
  }
  t.columns.push_back(
      {"p_min", std::vector<double>{r.le.p_min}, "", "smallest pre-trial p (the best point)"});
  t.columns.push_back({"post_trial_p", std::vector<double>{r.le.post_trial_p}, "",
                       "exact post-trial p from the per-trial minimum (docs/methods.md)"});
  t.columns.push_back({"sidak_p", std::vector<double>{r.le.sidak_p}, "",
                       "1 - (1 - p_min)^n_columns, for comparison"});
  t.columns.push_back({"n_eff", std::vector<double>{r.le.n_eff}, "",
                       "effective trials: 1 - (1 - p_min)^n_eff = post_trial_p"});
  return t;
}

MergedSweep merge_sweep_archives(const std::vector<std::string>& paths) {
  struct Task {
    std::string path;
    std::uint64_t first = 0, rows = 0;
    std::vector<double> trials;
  };
  std::vector<Task> tasks;
  std::vector<double> observed;
  io::Table points;
  std::int64_t seed = 0, n_points = 0;
  std::size_t k_n = 0;
  for (const auto& path : paths) {
    const auto archive = io::Archive::open_read(path);
    if (!archive.exists("/sweep/trials/statistic"))
      throw core::InputError(path, 0, "/sweep", "not a finished nuflare sweep archive");
    const auto obs = archive.read<double>("/sweep/statistic_observed");
    const auto s = static_cast<std::int64_t>(archive.number_attribute("/", "master_seed"));
    if (tasks.empty()) {
      observed = obs;
      seed = s;
      k_n = obs.size();
      points = archive.read_table("/sweep/points");
      n_points = static_cast<std::int64_t>(archive.number_attribute("/sweep", "n_points"));
    } else {
      const auto same = [](double a, double b) {
        return a == b || (std::isnan(a) && std::isnan(b));
      };
      if (obs.size() != observed.size() ||
          !std::equal(obs.begin(), obs.end(), observed.begin(), same))
        throw core::InputError(path, 0, "/sweep/statistic_observed",
                               "differs from " + paths.front() +
                                   "'s: not a task of the same sweep");
      if (s != seed)
        throw core::InputError(path, 0, "master_seed",
                               "differs from " + paths.front() +
                                   "'s: not a task of the same sweep");
    }
    Task t{path, 0, 0, archive.read<double>("/sweep/trials/statistic")};
    t.first =
        static_cast<std::uint64_t>(archive.number_attribute("/sweep/trials", "first_trial_index"));
    t.rows = k_n == 0 ? 0 : t.trials.size() / k_n;
    tasks.push_back(std::move(t));
  }
  std::sort(tasks.begin(), tasks.end(),
            [](const Task& a, const Task& b) { return a.first < b.first; });
  MergedSweep out;
  std::vector<double> trials;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (i > 0 && tasks[i].first != tasks[i - 1].first + tasks[i - 1].rows)
      throw core::InputError(
          tasks[i].path, 0, "/sweep/trials",
          "trials start at global index " + std::to_string(tasks[i].first) + ", expected " +
              std::to_string(tasks[i - 1].first + tasks[i - 1].rows) + " after " +
              tasks[i - 1].path + " (give every task the same trials and its own sweep_point)");
    trials.insert(trials.end(), tasks[i].trials.begin(), tasks[i].trials.end());
    out.n_trials += tasks[i].rows;
  }
  out.le = look_elsewhere(observed, trials, trial_min_p(trials, k_n, 0, k_n));
  const auto mean = column_means(trials, k_n);
  std::vector<std::int64_t> best(k_n, 0);
  if (k_n > 0 && !std::isnan(out.le.p_min))
    best[out.le.best] = 1;
  for (auto& c : points.columns) {
    if (c.name == "p_value")
      c.values = out.le.p_value;
    else if (c.name == "trial_mean")
      c.values = mean;
    else if (c.name == "best")
      c.values = best;
  }
  // The summary: n_points, the best row's axis columns, then the correction.
  io::Table summary;
  summary.columns.push_back(
      {"n_points", std::vector<std::int64_t>{n_points}, "", "grid points tried"});
  summary.columns.push_back(
      {"n_columns", std::vector<std::int64_t>{static_cast<std::int64_t>(k_n)}, "", COLUMNS_HELP});
  for (const auto& c : points.columns) {
    if (c.name == "n_pairs" || c.name == "n_events_above" || c.name == "n_sources")
      break; // the axes (and shift, or group and threshold) come first
    if (c.name == "point")
      continue;
    auto one = c;
    std::visit([&](auto& v) { v = {v.at(out.le.best)}; }, one.values);
    summary.columns.push_back(std::move(one));
  }
  SweepResult dummy;
  dummy.le = out.le;
  auto tail = sweep_summary_table(dummy);
  summary.columns.insert(summary.columns.end(), tail.columns.begin() + 2, tail.columns.end());
  out.points = std::move(points);
  out.summary = std::move(summary);
  return out;
}

const core::OptionTable<SweepRun>& SweepRun::options() {
  using S = SweepRun;
  static const auto table =
      core::OptionTable<S>()
          .choice("test", &S::test,
                  {{"scan", SweepTest::scan},
                   {"temporal", SweepTest::temporal},
                   {"spatial", SweepTest::spatial},
                   {"simultaneity", SweepTest::simultaneity}},
                  "the statistic: scan = R(0) with alert-RA scrambles (as nuflare scan, blazar "
                  "paper §5.1.1); temporal = R(t) at every shift with control-sample trials (as "
                  "nuflare temporal, §5.1.2); spatial = tracks around source groups with "
                  "RA-scrambled sources (as nuflare spatial, §6.3); simultaneity = mean ρ of the "
                  "subgroups (as nuflare simultaneity, §6.2)")
          .add("axis", &S::axis, "",
               "an axis \"key: v1, v2, ...\" or \"key: first:last:count\" (repeat for more)")
          .composing()
          .add("sources", &S::sources, "",
               "source catalogue: as for nuflare scan (time tests) or nuflare spatial")
          .required()
          .paths()
          .include(&S::campaign, TemporalCampaignConfig::options())
          .include(&S::out, OutputOptions::options())
          .section(SWEEP_TIME_KEYS)
          .include(&S::point, TimePoint::options())
          .add("rho", &S::rho, "",
               "simultaneity: CSV source,rho[,band,class] (e.g. the stdout of nuflare flares)")
          .paths()
          .no_default("required with test = simultaneity")
          .section(SWEEP_SPATIAL_KEYS)
          .add("events", &S::events, "", "IceCube track files (one per season; plain, .gz or .xz)")
          .paths()
          .no_default("required with test = spatial")
          .include(&S::spatial, SpatialPoint::options());
  return table;
}

// --- a sweep of whichever test a SweepRun names ---

std::vector<SweepAxis> parse_axes(const SweepRun& run) {
  std::vector<SweepAxis> axes;
  for (const auto& a : run.axis)
    axes.push_back(parse_axis(a, run.test));
  return axes;
}

SweepPlan plan_sweep(const SweepRun& run, const std::vector<SweepAxis>& axes) {
  SweepPlan plan;
  if (run.test == SweepTest::spatial) {
    plan.spatial_grid = make_grid(run.spatial, axes);
    return plan;
  }
  auto point = run.point;
  point.in.sources = run.sources;
  plan.grid = make_grid(point, axes, run.test);
  return plan;
}

void read_sweep_inputs(const SweepRun& run, SweepPlan& plan, MPI_Comm comm) {
  switch (run.test) {
  case SweepTest::spatial:
    plan.spatial = read_spatial_sweep_inputs(plan.spatial_grid, run.events, run.sources, comm);
    plan.files = plan.spatial.files;
    break;
  case SweepTest::simultaneity:
    plan.simultaneity = read_simultaneity_sweep_inputs(plan.grid, run.sources, run.rho, comm);
    plan.files = plan.simultaneity.files;
    break;
  case SweepTest::scan:
  case SweepTest::temporal:
    plan.time = read_sweep_inputs(plan.grid, comm);
    for (const auto& in : plan.time.inputs)
      for (const auto& f : in.files)
        if (std::find(plan.files.begin(), plan.files.end(), f) == plan.files.end())
          plan.files.push_back(f);
    break;
  }
}

SweepResult run_sweep(io::Archive& archive, MPI_Comm comm, const SweepRun& run,
                      const SweepPlan& plan) {
  const auto result = [&] {
    switch (run.test) {
    case SweepTest::spatial:
      return run_spatial_sweep_campaign(archive, comm, plan.spatial_grid, plan.spatial,
                                        run.campaign);
    case SweepTest::simultaneity:
      return run_simultaneity_sweep_campaign(archive, comm, plan.grid, plan.simultaneity,
                                             run.campaign);
    case SweepTest::scan:
    case SweepTest::temporal:
      break;
    }
    return run_sweep_campaign(archive, comm, plan.grid, plan.time, run.campaign, run.test);
  }();
  write_table_once(archive, "/sweep/points", sweep_points_table(result));
  write_table_once(archive, "/sweep/summary", sweep_summary_table(result));
  return result;
}

} // namespace nuflare::campaign
