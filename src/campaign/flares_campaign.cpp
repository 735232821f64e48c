#include "nuflare/campaign/flares_campaign.hpp"

#include "nuflare/campaign/gather.hpp"
#include "nuflare/campaign/partition.hpp"
#include "nuflare/campaign/read_once.hpp"
#include "nuflare/core/validation.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/lightcurves.hpp"
#include "nuflare/io/ovro.hpp"
#include "nuflare/io/tables.hpp"
#include "nuflare/io/xrt_qdp.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>

// ---- results as bytes (serialize.hpp): every member, listed once ------------

namespace nuflare::lightcurve {
template <class A, campaign::Record<SourceCurves> R>
void fields(A& a, R& s) {
  a(s.name, s.curves, s.variability_index, s.potential_neutrino_source);
}
template <class A, campaign::Record<PreparedCurve> R>
void fields(A& a, R& p) {
  a(p.curve, p.artificial, p.n_input, p.n_upper_limits, p.n_low_snr, p.n_clipped, p.n_groups,
    p.gap_filled, p.too_short, p.notes);
}
template <class A, campaign::Record<Blocks> R>
void fields(A& a, R& b) {
  a(b.edges, b.flux, b.ncp_prior, b.n_unique);
}
template <class A, campaign::Record<FlareResult> R>
void fields(A& a, R& f) {
  a(f.f_quiescent, f.f_avg, f.s, f.threshold, f.flaring_block, f.flares);
}
template <class A, campaign::Record<BandAnalysis> R>
void fields(A& a, R& b) {
  a(b.band, b.n_points, b.too_short, b.p0_used, b.span, b.blocks, b.flares, b.variance, b.filter);
}
template <class A, campaign::Record<CurveResult> R>
void fields(A& a, R& c) {
  a(c.prepared, c.analysis);
}
template <class A, campaign::Record<Stages> R>
void fields(A& a, R& s) {
  a(s.common_span, s.high, s.low, s.simultaneous, s.high_only, s.low_only, s.rho);
}
template <class A, campaign::Record<SourceFlares> R>
void fields(A& a, R& r) {
  a(r.curves, r.high, r.low, r.multi, r.dropped, r.rho, r.flare_class, r.stages);
}
} // namespace nuflare::lightcurve

namespace nuflare::campaign {

using lightcurve::CurveResult;
using lightcurve::FlaresConfig;
using lightcurve::SourceCurves;
using lightcurve::SourceFlares;

const core::OptionTable<FlaresInputs>& FlaresInputs::options() {
  using F = FlaresInputs;
  static const auto table =
      core::OptionTable<F>()
          .add("lightcurves", &F::lightcurves, "",
               "long CSV light curves source,band,mjd,flux,flux_err[,upper_limit] (repeatable)")
          .paths()
          .add("fermi_lcr", &F::fermi_lcr, "",
               "Fermi LAT Light Curve Repository CSV exports (source name from the file name)")
          .paths()
          .add("fermi_lcr_band", &F::fermi_lcr_band, "", "band label given to fermi_lcr curves")
          .add("fermi_lcr_energy", &F::fermi_lcr_energy, "GeV",
               "E1,E2: convert fermi_lcr photon fluxes to energy fluxes over [E1, E2] with each "
               "bin's photon index (docs/methods.md, Flux units; the paper's curves: 0.8,200)")
          .no_default("photon fluxes as exported")
          .add("xrt_qdp", &F::xrt_qdp, "",
               "Swift-XRT light-curve QDP files (UKSSDC; WT and PC merged, count rate)")
          .paths()
          .names("xrt_source", &F::xrt_source,
                 "source names of the xrt_qdp files, in order (default: the name in the file's "
                 "first comment, else the file name)")
          .add("xrt_band", &F::xrt_band, "", "band label given to xrt_qdp curves")
          .add("ovro", &F::ovro, "", "OVRO 15 GHz light curves MJD,flux_Jy,err_Jy")
          .paths()
          .names("ovro_source", &F::ovro_source,
                 "source names of the ovro files, in order (default: the file name without a "
                 "trailing _15GHz)")
          .add("ovro_band", &F::ovro_band, "", "band label given to ovro curves")
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
          .paths();
  return table;
}

namespace {

template <class ReadLongCsv>
std::vector<SourceCurves> read_inputs(const FlaresInputs& in,
                                      std::vector<std::filesystem::path>& files,
                                      ReadLongCsv&& read_long_csv) {
  std::vector<io::LightCurve> all;
  std::vector<std::string> origin; // input file of each curve (error messages)
  const auto add = [&](io::LightCurve c, const std::string& path) {
    all.push_back(std::move(c));
    origin.push_back(path);
  };
  for (std::size_t k = 0; k < in.lightcurves.size(); ++k) {
    const std::string& path = in.lightcurves[k];
    auto curves = read_long_csv(k);
    if (curves.empty())
      throw core::InputError(path, 0, "", "no light-curve rows");
    files.emplace_back(path);
    for (auto& c : curves)
      add(std::move(c), path);
  }
  std::optional<std::vector<double>> energy;
  if (in.fermi_lcr_energy) {
    energy = core::number_list("fermi_lcr_energy", *in.fermi_lcr_energy);
    if (energy->size() != 2 || !((*energy)[0] > 0) || !((*energy)[1] > (*energy)[0]))
      throw core::FieldError("fermi_lcr_energy", "expected E1,E2 in GeV with 0 < E1 < E2, got \"" +
                                                     *in.fermi_lcr_energy + "\"");
  }
  for (const auto& path : in.fermi_lcr) {
    add(io::read_fermi_lcr(path, {}, in.fermi_lcr_band), path);
    if (all.back().size() == 0)
      throw core::InputError(path, 0, "", "no light-curve rows");
    if (energy)
      io::convert_to_energy_flux(all.back(), (*energy)[0], (*energy)[1]);
    files.emplace_back(path);
  }
  // One name per file, or none (names from the files).
  const auto name_of = [](const std::vector<std::string>& names,
                          const std::vector<std::string>& paths, std::size_t k, const char* key) {
    if (!names.empty() && names.size() != paths.size())
      throw core::FieldError(key, std::to_string(names.size()) + " names for " +
                                      std::to_string(paths.size()) + " files: give one per file");
    return names.empty() ? std::string() : names[k];
  };
  for (std::size_t k = 0; k < in.xrt_qdp.size(); ++k) {
    io::XrtReadOptions options;
    options.source = name_of(in.xrt_source, in.xrt_qdp, k, "xrt_source");
    options.band = in.xrt_band;
    for (auto& c : io::read_swift_xrt_qdp(in.xrt_qdp[k], options))
      add(std::move(c), in.xrt_qdp[k]);
    files.emplace_back(in.xrt_qdp[k]);
  }
  for (std::size_t k = 0; k < in.ovro.size(); ++k) {
    io::OvroReadOptions options;
    options.source = name_of(in.ovro_source, in.ovro, k, "ovro_source");
    options.band = in.ovro_band;
    add(io::read_ovro_csv(in.ovro[k], options), in.ovro[k]);
    files.emplace_back(in.ovro[k]);
  }
  if (!in.wise.empty()) {
    io::WiseReadOptions options;
    if (in.wise_sample) {
      options.sample_table = *in.wise_sample;
      files.emplace_back(options.sample_table);
    }
    for (auto& c : io::read_wise_photometry(in.wise, options))
      add(std::move(c), in.wise.front());
    files.insert(files.end(), in.wise.begin(), in.wise.end());
  } else if (in.wise_sample) {
    throw core::FieldError("wise_sample", "needs wise (the photometry it names)");
  }
  if (all.empty())
    throw core::FieldError("lightcurves",
                           "no light curves: give lightcurves, fermi_lcr, wise, xrt_qdp or ovro");

  if (!in.select.empty()) {
    const std::set<std::string> selected(in.select.begin(), in.select.end());
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
  for (const auto& s : in.select)
    if (std::none_of(sources.begin(), sources.end(), [&](const auto& c) { return c.name == s; }))
      throw core::FieldError("select", "no light curve of source \"" + s + "\"");
  if (in.sources) {
    lightcurve::attach_catalog(sources, io::read_catalog(*in.sources));
    files.emplace_back(*in.sources);
  }
  return sources;
}

} // namespace

std::vector<SourceCurves> read_flares_inputs(const FlaresInputs& in,
                                             std::vector<std::filesystem::path>& files) {
  return read_inputs(in, files,
                     [&](std::size_t k) { return io::read_lightcurves_csv(in.lightcurves[k]); });
}

std::vector<SourceCurves> read_flares_inputs(const FlaresInputs& in,
                                             std::vector<std::filesystem::path>& files,
                                             LongCsvParts& long_csv) {
  return read_inputs(in, files, [&](std::size_t k) { return long_csv.take(k); });
}

std::vector<SourceCurves> read_flares_inputs(MPI_Comm comm, const FlaresInputs& in,
                                             std::vector<std::filesystem::path>& files) {
  LongCsvParts long_csv(comm, in.lightcurves);
  auto [sources, read] = read_once(comm, [&] {
    std::vector<std::filesystem::path> mine = files;
    auto curves = read_flares_inputs(in, mine, long_csv);
    return std::make_pair(std::move(curves), std::move(mine));
  });
  files = std::move(read);
  return std::move(sources);
}

namespace {
//! A replacement flux in a foreign unit is a settings error: said once, as
//! one line naming ul_flux, before any source is analysed.
void check_units(std::span<const SourceCurves> sources, const FlaresConfig& config) {
  for (const auto& s : sources)
    for (const auto& c : s.curves)
      lightcurve::check_ul_unit(c, config.prepare.for_band(c.band));
}
} // namespace

std::vector<SourceCurves> read_flares_inputs(MPI_Comm comm, const FlaresInputs& in,
                                             const FlaresConfig& config,
                                             std::vector<std::filesystem::path>& files) {
  using Read = std::pair<std::vector<SourceCurves>, std::vector<std::filesystem::path>>;
  LongCsvParts long_csv(comm, in.lightcurves);
  auto [sources, read] = read_once_split(
      comm,
      [&] {
        std::vector<std::filesystem::path> mine = files;
        auto curves = read_flares_inputs(in, mine, long_csv);
        check_units(curves, config);
        return Read(std::move(curves), std::move(mine));
      },
      [](const Read& all, int rank, int size) {
        // Rank `rank`'s block, as run_flares_campaign splits the sources.
        const auto block = work_range(all.first.size(), rank, size);
        Read part;
        part.second = all.second;
        part.first.reserve(all.first.size());
        for (std::size_t i = 0; i < all.first.size(); ++i) {
          const auto& s = all.first[i];
          if (i >= block.begin && i < block.end)
            part.first.push_back(s);
          else
            part.first.push_back({s.name, {}, s.variability_index, s.potential_neutrino_source});
        }
        return part;
      });
  files = std::move(read);
  return std::move(sources);
}

std::vector<SourceFlares> run_flares_campaign(MPI_Comm comm, std::span<const SourceCurves> sources,
                                              const FlaresConfig& config) {
  check_units(sources, config); // on every rank: the curves it holds
  return gather_in_order<SourceFlares>(
      comm, sources.size(),
      [&](std::uint64_t i) { return lightcurve::analyse_curves(sources[i], config); },
      [&](std::uint64_t i) { return "source \"" + sources[i].name + "\""; });
}

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

//! A number of the printed table: empty when missing (NaN).
std::string text(double v) {
  return std::isnan(v) ? std::string() : io::format_number(v);
}

//! Significant digits of times in human tables: 0.01 d at MJD 5 × 10⁴.
constexpr int MJD_DIGITS = 7;

} // namespace

io::Table flares_summary_table(std::span<const SourceCurves> sources,
                               std::span<const SourceFlares> results, const FlaresConfig& config) {
  constexpr std::size_t n_columns = 10;
  static const std::array<std::string, n_columns> header = {
      "source",   "band",       "n_points", "p0_used", "f_quiescent",
      "n_flares", "flare_days", "nxs",      "rho",     "class"};
  using Row = std::array<std::string, n_columns>;
  std::vector<Row> rows;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const auto& name = sources[i].name;
    for (const auto& c : results[i].curves) {
      const auto& a = c.analysis;
      if (a.too_short)
        rows.push_back({name, a.band, std::to_string(a.n_points)});
      else
        rows.push_back({name, a.band, std::to_string(a.n_points), text(a.p0_used),
                        text(a.f_quiescent()), std::to_string(a.n_flares()), text(a.flare_days()),
                        text(a.nxs())});
    }
    const auto& r = results[i];
    rows.push_back({name, "multi", "", "", "", "", "", "", r.multi ? text(r.rho) : "",
                    std::string(lightcurve::class_name(r.reported_class(config.filters)))});
  }
  // Text columns, so that `nuflare table` prints exactly what the run printed.
  // Significant digits of the numbers in human tables (0: text or counts).
  static const std::array<int, n_columns> precision = {0, 0, 0, 3, 6, 0, 6, 4, 3, 0};
  std::vector<io::ColumnOf<Row>> columns;
  for (std::size_t k = 0; k < header.size(); ++k)
    columns.emplace_back(
        header[k], "", "column " + header[k] + " of the stdout CSV",
        [k](const Row& r) { return r[k]; }, precision[k]);
  return io::make_table(rows, columns);
}

namespace {

struct SourceRow {
  const SourceCurves* in;
  const SourceFlares* r;
  std::string flare_class;
  std::int64_t curve_begin = 0, curve_end = 0, stage_begin = 0, stage_end = 0;
};

struct CurveRow {
  std::int64_t source_index;
  const std::string* source;
  const CurveResult* c;
  std::int64_t point_begin = 0, point_end = 0, block_begin = 0, block_end = 0, flare_begin = 0,
               flare_end = 0;
  //! `v` when the curve was analysed, NaN when it was too short.
  [[nodiscard]] double analysed(double v) const { return c->analysis.too_short ? NaN : v; }
};

struct PointRow {
  std::int64_t curve;
  double mjd, flux, flux_err;
  bool artificial;
  double flare_level;
};

struct BlockRow {
  std::int64_t curve;
  double start, stop, flux;
  bool flaring;
};

struct IntervalRow {
  std::int64_t index; //!< row in curves (flares) or sources (stages)
  std::string stage;  //!< stages only
  lightcurve::Interval interval;
};

} // namespace

void write_flares_archive(io::Archive& archive, std::span<const SourceCurves> sources,
                          std::span<const SourceFlares> results, const FlaresConfig& config) {
  io::write_summary_table(archive, "/flares/summary",
                          flares_summary_table(sources, results, config));

  // Rows of every table, each pointing into the next by index ranges.
  std::vector<SourceRow> source_rows;
  std::vector<CurveRow> curve_rows;
  std::vector<PointRow> points;
  std::vector<BlockRow> blocks;
  std::vector<IntervalRow> flares, stages;
  const auto size = [](const auto& v) { return static_cast<std::int64_t>(v.size()); };
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const auto& r = results[i];
    SourceRow s{&sources[i], &r,
                std::string(lightcurve::class_name(r.reported_class(config.filters))),
                size(curve_rows)};
    for (const auto& c : r.curves) {
      const auto& a = c.analysis;
      const auto& pc = c.prepared;
      const auto curve = size(curve_rows);
      CurveRow row{static_cast<std::int64_t>(i), &sources[i].name, &c, size(points)};
      const double fq = row.analysed(a.flares.f_quiescent);
      for (std::size_t k = 0; k < pc.size(); ++k)
        points.push_back({curve, pc.curve.mjd[k], pc.curve.flux[k], pc.curve.flux_err[k],
                          k < pc.artificial.size() && pc.artificial[k] != 0,
                          pc.curve.flux[k] / fq}); // flare level (blazar paper §4.2.2)
      row.point_end = size(points);
      row.block_begin = size(blocks);
      for (std::size_t k = 0; k < a.blocks.n_blocks(); ++k)
        blocks.push_back({curve, a.blocks.edges[k], a.blocks.edges[k + 1], a.blocks.flux[k],
                          k < a.flares.flaring_block.size() && a.flares.flaring_block[k]});
      row.block_end = size(blocks);
      row.flare_begin = size(flares);
      for (const auto& f : a.flares.flares)
        flares.push_back({curve, "", f});
      row.flare_end = size(flares);
      curve_rows.push_back(row);
    }
    s.curve_end = size(curve_rows);
    s.stage_begin = size(stages);
    if (r.multi) {
      const auto& st = r.stages;
      const std::pair<const char*, const lightcurve::IntervalSet*> sets[] = {
          {"high", &st.high},
          {"low", &st.low},
          {"simultaneous", &st.simultaneous},
          {"high_only", &st.high_only},
          {"low_only", &st.low_only}};
      for (const auto& [label, set] : sets)
        for (const auto& iv : *set)
          stages.push_back({static_cast<std::int64_t>(i), label, iv});
    }
    s.stage_end = size(stages);
    source_rows.push_back(std::move(s));
  }

  const std::string flux_unit = "band flux unit";
  using S = SourceRow;
  io::write_summary_table(
      archive, "/flares/sources/sources",
      io::make_table(
          source_rows,
          std::vector<io::ColumnOf<S>>{
              {"source", "", "source name as in the light curves",
               [](const S& s) { return s.in->name; }},
              {"variability_index", "", "catalogue variability index (NaN: unknown)",
               [](const S& s) { return s.in->variability_index; }},
              {"potential_neutrino_source", "", "1: catalogue warm_spot, exempt from filters",
               [](const S& s) { return s.in->potential_neutrino_source; }},
              {"high_band", "", "high-energy band label (empty: absent)",
               [&](const S& s) { return s.r->high >= 0 ? config.high_band : ""; }},
              {"low_band", "", "low-energy band label (empty: absent)",
               [&](const S& s) { return s.r->low >= 0 ? config.low_band : ""; }},
              {"multi", "", "1: both bands analysed, stages and class meaningful",
               [](const S& s) { return s.r->multi; }},
              {"dropped", "", "1: the high or low band failed a §4.2.3 filter",
               [](const S& s) { return s.r->dropped; }},
              {"rho", "", "simultaneity ratio |H n L|/|H u L| (NaN without multi)",
               [](const S& s) { return s.r->multi ? s.r->rho : NaN; }, 3},
              {"class", "", "NFS, CFS, TXS-like or none, as printed", &S::flare_class},
              {"common_start", "MJD", "start of the common time span",
               [](const S& s) { return s.r->multi ? s.r->stages.common_span.start : NaN; },
               MJD_DIGITS},
              {"common_stop", "MJD", "end of the common time span",
               [](const S& s) { return s.r->multi ? s.r->stages.common_span.stop : NaN; },
               MJD_DIGITS},
              {"curve_begin", "", "first row of this source in curves", &S::curve_begin},
              {"curve_end", "", "one past the last row in curves", &S::curve_end},
              {"stage_begin", "", "first row of this source in stages", &S::stage_begin},
              {"stage_end", "", "one past the last row in stages", &S::stage_end},
          }));

  using C = CurveRow;
  const auto prepared = [](auto member) {
    return [member](const C& c) { return c.c->prepared.*member; };
  };
  io::write_summary_table(
      archive, "/flares/sources/curves",
      io::make_table(
          curve_rows,
          std::vector<io::ColumnOf<C>>{
              {"source_index", "", "row in sources", &C::source_index},
              {"source", "", "source name", [](const C& c) { return *c.source; }},
              {"band", "", "band label", [](const C& c) { return c.c->analysis.band; }},
              {"flux_unit", "", "unit of the curve's fluxes (docs/input-formats.md, Flux units)",
               [](const C& c) { return c.c->prepared.curve.flux_unit; }},
              {"n_input", "", "points before preparation",
               prepared(&lightcurve::PreparedCurve::n_input)},
              {"n_upper_limits", "", "upper limits found (replaced or dropped)",
               prepared(&lightcurve::PreparedCurve::n_upper_limits)},
              {"n_low_snr", "", "points dropped by the S/N cut",
               prepared(&lightcurve::PreparedCurve::n_low_snr)},
              {"n_clipped", "", "points removed by sigma-clipping",
               prepared(&lightcurve::PreparedCurve::n_clipped)},
              {"n_groups", "", "visits after merging (0: merging off)",
               prepared(&lightcurve::PreparedCurve::n_groups)},
              {"gap_filled", "", "1: survey-gap points added",
               prepared(&lightcurve::PreparedCurve::gap_filled)},
              {"too_short", "", "1: fewer than min-points prepared points, not analysed",
               [](const C& c) { return c.c->analysis.too_short; }},
              {"n_points", "", "prepared points",
               [](const C& c) { return c.c->analysis.n_points; }},
              {"p0_used", "", "Bayesian Blocks p0 of the kept segmentation",
               [](const C& c) { return c.analysed(c.c->analysis.p0_used); }},
              {"ncp_prior", "", "prior per block actually used",
               [](const C& c) { return c.analysed(c.c->analysis.blocks.ncp_prior); }},
              {"f_quiescent", flux_unit, "quiescent flux F_q",
               [](const C& c) { return c.analysed(c.c->analysis.flares.f_quiescent); }},
              {"f_avg", flux_unit, "mean prepared flux",
               [](const C& c) { return c.analysed(c.c->analysis.flares.f_avg); }},
              {"s", flux_unit, "sample std of the prepared fluxes",
               [](const C& c) { return c.analysed(c.c->analysis.flares.s); }},
              {"threshold", flux_unit, "block flux above which a block flares",
               [](const C& c) { return c.analysed(c.c->analysis.flares.threshold); }},
              {"n_blocks", "", "Bayesian blocks",
               [](const C& c) { return c.c->analysis.blocks.n_blocks(); }},
              {"n_flares", "", "flare intervals",
               [](const C& c) { return c.c->analysis.n_flares(); }},
              {"flare_days", "d", "summed length of the flare intervals",
               [](const C& c) { return c.analysed(c.c->analysis.flare_days()); }},
              {"nxs", "", "normalised excess variance",
               [](const C& c) { return c.analysed(c.c->analysis.variance.nxs); }},
              {"nxs_err", "", "its error (Vaughan et al. 2003)",
               [](const C& c) { return c.analysed(c.c->analysis.variance.nxs_err); }},
              {"fvar", "", "fractional variability (NaN when nxs <= 0)",
               [](const C& c) { return c.analysed(c.c->analysis.variance.fvar); }},
              {"fvar_err", "", "its error",
               [](const C& c) { return c.analysed(c.c->analysis.variance.fvar_err); }},
              {"block_ratio", "", "max/min block flux",
               [](const C& c) { return c.analysed(c.c->analysis.filter.block_ratio); }},
              {"std_ratio", "", "std(outside flares)/std(all)",
               [](const C& c) { return c.analysed(c.c->analysis.filter.std_ratio); }},
              {"non_variable", "", "1: failed the non-variable filter",
               [](const C& c) { return c.c->analysis.filter.non_variable; }},
              {"ambiguous", "", "1: failed the ambiguous filter",
               [](const C& c) { return c.c->analysis.filter.ambiguous; }},
              {"exempt", "", "1: exempt from the filters",
               [](const C& c) { return c.c->analysis.filter.exempt; }},
              {"span_start", "MJD", "first prepared time",
               [](const C& c) { return c.c->prepared.size() ? c.c->analysis.span.start : NaN; },
               MJD_DIGITS},
              {"span_stop", "MJD", "last prepared time",
               [](const C& c) { return c.c->prepared.size() ? c.c->analysis.span.stop : NaN; },
               MJD_DIGITS},
              {"point_begin", "", "first row in points", &C::point_begin},
              {"point_end", "", "one past the last row in points", &C::point_end},
              {"block_begin", "", "first row in blocks", &C::block_begin},
              {"block_end", "", "one past the last row in blocks", &C::block_end},
              {"flare_begin", "", "first row in flares", &C::flare_begin},
              {"flare_end", "", "one past the last row in flares", &C::flare_end},
          }));

  using P = PointRow;
  io::write_summary_table(
      archive, "/flares/sources/points",
      io::make_table(
          points,
          std::vector<io::ColumnOf<P>>{
              {"curve", "", "row in curves", &P::curve},
              {"mjd", "MJD", "prepared time", &P::mjd, MJD_DIGITS},
              {"flux", flux_unit, "prepared flux", &P::flux},
              {"flux_err", flux_unit, "prepared 1 sigma error", &P::flux_err},
              {"artificial", "", "1: survey-gap point (blazar paper §4.2.5)", &P::artificial},
              {"flare_level", "", "flux / F_q (blazar paper §4.2.2)", &P::flare_level},
          }));

  using B = BlockRow;
  io::write_summary_table(
      archive, "/flares/sources/blocks",
      io::make_table(blocks,
                     std::vector<io::ColumnOf<B>>{
                         {"curve", "", "row in curves", &B::curve},
                         {"start", "MJD", "left block edge", &B::start, MJD_DIGITS},
                         {"stop", "MJD", "right block edge", &B::stop, MJD_DIGITS},
                         {"flux", flux_unit, "inverse-variance weighted mean flux", &B::flux},
                         {"flaring", "", "1: flaring block", &B::flaring},
                     }));

  using I = IntervalRow;
  const auto start = [](const I& r) { return r.interval.start; };
  const auto stop = [](const I& r) { return r.interval.stop; };
  io::write_summary_table(
      archive, "/flares/sources/flares",
      io::make_table(
          flares,
          std::vector<io::ColumnOf<I>>{
              {"curve", "", "row in curves", &I::index},
              {"start", "MJD", "flare interval start (first flaring edge)", start, MJD_DIGITS},
              {"stop", "MJD", "flare interval end (last flaring edge)", stop, MJD_DIGITS},
          }));
  io::write_summary_table(
      archive, "/flares/sources/stages",
      io::make_table(stages,
                     std::vector<io::ColumnOf<I>>{
                         {"source_index", "", "row in sources", &I::index},
                         {"stage", "", "high, low, simultaneous, high_only or low_only", &I::stage},
                         {"start", "MJD", "interval start", start, MJD_DIGITS},
                         {"stop", "MJD", "interval end", stop, MJD_DIGITS},
                     }));
}

} // namespace nuflare::campaign
