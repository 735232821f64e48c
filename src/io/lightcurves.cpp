#include "nuflare/io/lightcurves.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/table_reader.hpp"
#include "text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <numbers>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

namespace nuflare::io {

namespace {
std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v)
    out += (out.empty() ? "" : ", ") + x;
  return out;
}
} // namespace

using core::InputError;
using detail::fmt;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

//! Where a point came from, for messages raised after the file was read.
struct Origin {
  std::uint32_t file = 0;
  std::size_t line = 0;
};

//! A curve being assembled plus the origin of each point.
struct Builder {
  LightCurve lc;
  std::vector<Origin> origin;
  std::vector<double> ra_deg, dec_deg; // WISE only: detection positions
};

template <class T>
void permute(std::vector<T>& v, const std::vector<std::size_t>& order) {
  if (v.empty())
    return;
  std::vector<T> out;
  out.reserve(order.size());
  for (auto i : order)
    out.push_back(v[i]);
  v = std::move(out);
}

void reorder(Builder& b, const std::vector<std::size_t>& order) {
  permute(b.lc.mjd, order);
  permute(b.lc.flux, order);
  permute(b.lc.flux_err, order);
  permute(b.lc.upper_limit, order);
  permute(b.lc.ts, order);
  permute(b.lc.photon_index, order);
  permute(b.origin, order);
  permute(b.ra_deg, order);
  permute(b.dec_deg, order);
}

//! Stable sort by time.
void sort_by_time(Builder& b) {
  // Most curves come in time order: then the permutation would be the identity.
  if (std::is_sorted(b.lc.mjd.begin(), b.lc.mjd.end()))
    return;
  std::vector<std::size_t> order(b.lc.mjd.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t x, std::size_t y) { return b.lc.mjd[x] < b.lc.mjd[y]; });
  reorder(b, order);
}

//! Throws for the first repeated time (naming the later of the two rows).
void reject_duplicates(const Builder& b, const std::vector<std::string>& files,
                       const std::string& field) {
  for (std::size_t i = 1; i < b.lc.mjd.size(); ++i)
    if (b.lc.mjd[i] == b.lc.mjd[i - 1]) {
      const Origin& a = b.origin[i - 1];
      const Origin& z = b.origin[i];
      const Origin& later = (a.file > z.file || (a.file == z.file && a.line > z.line)) ? a : z;
      const Origin& earlier = (&later == &a) ? z : a;
      throw InputError(files[later.file], later.line, field,
                       "duplicated time " + fmt(b.lc.mjd[i]) + " for " + b.lc.source + " / " +
                           b.lc.band + " (also at line " + std::to_string(earlier.line) + ")");
    }
}

std::string basename(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

bool contains_ci(std::string_view s, std::string_view word) {
  for (std::size_t i = 0; i + word.size() <= s.size(); ++i)
    if (starts_with_ci(s.substr(i), word))
      return true;
  return false;
}

//! The 1-sigma error of a point. A measured point needs one in
//! ranges::FLUX_ERR: an error of 0 would give it infinite weight in the block
//! fitness and the variability (blazar paper §4.2.2, §4.2.4). An upper limit
//! has none: `missing` text (empty, or "-" in the LCR) or 0 give 0.
double flux_error(const TableReader& t, std::size_t column, bool upper_limit,
                  std::string_view missing = {}) {
  const std::string_view text = t.text(column);
  if (upper_limit && (text.empty() || text == missing))
    return 0.0;
  const double e = t.number(column);
  if (upper_limit && e == 0)
    return 0.0;
  if (!ranges::FLUX_ERR.contains(e))
    t.fail_range(column, ranges::FLUX_ERR,
                 upper_limit ? "or 0 or empty for an upper limit"
                             : "a measured point needs an error > 0");
  return e;
}

} // namespace

// ---------------------------------------------------------------------------
// Long-format CSV

namespace {

//! The columns of a long CSV, found in its header.
struct LongColumns {
  std::size_t src, band, mjd, flux, err;
  std::optional<std::size_t> ul, unit;
};

LongColumns long_columns(const TableReader& t) {
  LongColumns c{};
  c.src = t.require({"source"});
  c.band = t.require({"band"});
  c.mjd = t.require({"mjd"});
  c.flux = t.require({"flux"});
  c.err = t.require({"flux_err"});
  c.ul = t.find("upper_limit");
  c.unit = t.find("flux_unit");
  return c;
}

const std::string ONE_UNIT = " on the curve's first row (one unit per source and band)";

//! The rows of one part (or of a whole compressed file) into `part`; the
//! first bad row stops it and is kept in `part`.
void read_rows(TableReader& t, LightCurvesPart& part) {
  const LongColumns c = long_columns(t);
  const auto& known = flux_units();
  std::unordered_map<std::string, std::size_t> index; // "source\x1f band" -> curves
  std::size_t last = 0;                               // the previous row's curve
  std::string key;
  auto& curves = part.curves;
  while (t.next()) {
    const std::string_view src = t.text(c.src), band = t.text(c.band);
    if (src.empty())
      t.fail(c.src, "empty source name");
    if (band.empty())
      t.fail(c.band, "empty band label");
    std::string_view unit = ENERGY_FLUX;
    if (c.unit) {
      unit = t.text(*c.unit);
      if (std::find(known.begin(), known.end(), unit) == known.end())
        t.fail(*c.unit, "unknown unit \"" + std::string(unit) + "\" (known: " + join(known) + ")");
    }
    // Rows of one curve usually follow each other: compare with the previous
    // row's curve before building and hashing a key.
    if (curves.empty() || curves[last].source != src || curves[last].band != band) {
      key.assign(src);
      key += '\x1f';
      key += band;
      auto [it, fresh] = index.try_emplace(key, curves.size());
      last = it->second;
      if (fresh) {
        LightCurve& lc = curves.emplace_back();
        lc.source = std::string(src);
        lc.band = std::string(band);
        lc.flux_unit = std::string(unit);
        part.lines.emplace_back();
        part.first_line.push_back(t.line_number());
      }
    }
    LightCurve& lc = curves[last];
    // Against the curve's first row in this part; the merge checks the first
    // rows of the parts against each other.
    if (c.unit && unit != lc.flux_unit)
      t.fail(*c.unit, "unit " + std::string(unit) + " differs from " + lc.flux_unit + ONE_UNIT);
    const bool ul = c.ul && t.flag(*c.ul);
    lc.mjd.push_back(t.number_in(c.mjd, ranges::LIGHTCURVE_MJD));
    lc.flux.push_back(t.number_in(c.flux, ranges::FLUX));
    lc.flux_err.push_back(flux_error(t, c.err, ul));
    lc.upper_limit.push_back(ul ? 1 : 0);
    part.lines[last].push_back(t.line_number());
  }
}

} // namespace

LightCurvesCsvLayout lightcurves_csv_layout(const std::string& path, std::uint64_t part_bytes) {
  TableReader t(path);
  (void)long_columns(t); // a missing column is the file's first error
  LightCurvesCsvLayout layout;
  layout.path = path;
  layout.columns = t.columns();
  layout.header_line = t.header_line();
  layout.compressed = t.lines().compressed();
  layout.data_begin = t.lines().offset();
  layout.bounds.push_back(layout.data_begin);
  if (!layout.compressed && part_bytes > 0) {
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(path, ec);
    for (std::uint64_t b = layout.data_begin + part_bytes; !ec && b < size; b += part_bytes)
      layout.bounds.push_back(b);
  }
  layout.bounds.push_back(std::numeric_limits<std::uint64_t>::max());
  return layout;
}

LightCurvesPart read_lightcurves_part(const LightCurvesCsvLayout& layout, std::size_t k) {
  if (k >= layout.parts())
    throw std::out_of_range("read_lightcurves_part: no part " + std::to_string(k));
  std::optional<TableReader> t;
  if (layout.compressed)
    t.emplace(layout.path); // from the start, header included: file lines
  else
    t.emplace(layout.path, TableFormat{}, layout.columns, layout.bounds[k], layout.bounds[k + 1]);
  LightCurvesPart part;
  try {
    read_rows(*t, part);
  } catch (const InputError& e) {
    part.failed = true;
    part.error_line = e.line();
    part.error_field = e.field();
    part.error_message = e.message();
  }
  part.newlines = t->lines().newlines();
  return part;
}

std::vector<LightCurve> merge_lightcurves_parts(const LightCurvesCsvLayout& layout,
                                                std::vector<LightCurvesPart> parts) {
  if (parts.size() != layout.parts())
    throw std::invalid_argument("merge_lightcurves_parts: " + std::to_string(parts.size()) +
                                " parts for a layout of " + std::to_string(layout.parts()));
  const std::optional<std::size_t> c_unit = find_column(layout.columns, "flux_unit");
  const std::size_t c_mjd = find_column(layout.columns, "mjd").value();

  // The first error in file order; at one line a unit change comes first
  // (the reader checks the unit before the numbers of a row).
  struct Bad {
    std::uint64_t line;
    int order; // 0: unit change found here, 1: the part's own error
    std::string field, message;
  };
  std::optional<Bad> bad;
  const auto consider = [&](Bad b) {
    if (!bad || std::tie(b.line, b.order) < std::tie(bad->line, bad->order))
      bad = std::move(b);
  };

  std::vector<Builder> curves;
  std::unordered_map<std::string, std::size_t> index; // "source\x1f band" -> curves
  // Line numbers: a part's lines start after the header and the newlines of
  // the parts before it; a compressed file's one part counts from its start.
  std::uint64_t base = layout.compressed ? 0 : layout.header_line;
  for (auto& part : parts) {
    for (std::size_t i = 0; i < part.curves.size(); ++i) {
      LightCurve& c = part.curves[i];
      auto [it, fresh] = index.try_emplace(c.source + '\x1f' + c.band, curves.size());
      if (fresh) {
        curves.emplace_back();
        curves.back().lc.source = c.source;
        curves.back().lc.band = c.band;
        curves.back().lc.flux_unit = c.flux_unit;
      }
      Builder& b = curves[it->second];
      if (c_unit && c.flux_unit != b.lc.flux_unit)
        consider({base + part.first_line[i], 0, column_label(layout.columns, *c_unit),
                  "unit " + c.flux_unit + " differs from " + b.lc.flux_unit + ONE_UNIT});
      const auto append = [](auto& to, auto& from) {
        if (to.empty())
          to = std::move(from);
        else
          to.insert(to.end(), from.begin(), from.end());
      };
      append(b.lc.mjd, c.mjd);
      append(b.lc.flux, c.flux);
      append(b.lc.flux_err, c.flux_err);
      append(b.lc.upper_limit, c.upper_limit);
      for (auto line : part.lines[i])
        b.origin.push_back({0, static_cast<std::size_t>(base + line)});
    }
    if (part.failed) {
      // Every later part's lines come after this error.
      consider({base + part.error_line, 1, part.error_field, part.error_message});
      break;
    }
    base += part.newlines;
  }
  if (bad)
    throw InputError(layout.path, static_cast<std::size_t>(bad->line), bad->field, bad->message);
  if (curves.empty())
    throw InputError(layout.path, 0, "", "empty file: a header but no points");
  const std::vector<std::string> files{layout.path};
  const std::string mjd_label = column_label(layout.columns, c_mjd);
  std::vector<LightCurve> out;
  out.reserve(curves.size());
  for (auto& b : curves) {
    sort_by_time(b);
    reject_duplicates(b, files, mjd_label);
    out.push_back(std::move(b.lc));
  }
  return out;
}

std::vector<LightCurve> read_lightcurves_csv(const std::string& path) {
  const LightCurvesCsvLayout layout = lightcurves_csv_layout(path, 0);
  std::vector<LightCurvesPart> parts;
  parts.push_back(read_lightcurves_part(layout, 0));
  return merge_lightcurves_parts(layout, std::move(parts));
}

// ---------------------------------------------------------------------------
// Fermi LCR export

std::string source_from_lcr_path(const std::string& path) {
  std::string name = basename(path);
  for (auto tag : {"_daily", "_3-day", "_3day", "_weekly", "_monthly"})
    if (auto p = name.find(tag); p != std::string::npos) {
      name.erase(p);
      break;
    }
  if (auto p = name.find('.'); p != std::string::npos && name.find('_') == std::string::npos)
    name.erase(p);
  if (auto p = name.find('_'); p != std::string::npos)
    name[p] = ' ';
  return name;
}

LightCurve read_fermi_lcr(const std::string& path, const std::string& source,
                          const std::string& band) {
  TableReader t(path);
  const std::size_t c_jd = t.require({"Julian Date", "JD"});
  const std::size_t c_ts = t.require({"TS"});
  std::optional<std::size_t> c_flux, c_err, c_index;
  for (std::size_t c = 0; c < t.columns().size(); ++c) {
    const std::string& n = t.columns()[c];
    const bool flux_like = starts_with_ci(n, "Photon Flux") || starts_with_ci(n, "Energy Flux");
    if (flux_like && contains_ci(n, "Error")) {
      if (!c_err)
        c_err = c;
    } else if (flux_like) {
      if (!c_flux)
        c_flux = c;
    } else if (starts_with_ci(n, "Photon Index") && !contains_ci(n, "Error") && !c_index) {
      c_index = c;
    }
  }
  if (!c_flux)
    throw InputError(path, t.header_line(), "Photon Flux [...]", "missing column");
  if (!c_err)
    throw InputError(path, t.header_line(), "Photon Flux Error(...)", "missing column");

  Builder b;
  b.lc.source = source.empty() ? source_from_lcr_path(path) : source;
  b.lc.band = band;
  // The LCR writes energy fluxes in MeV cm-2 s-1; its header says which unit.
  const std::string& flux_column = t.columns()[*c_flux];
  b.lc.flux_unit = !starts_with_ci(flux_column, "Energy Flux") ? PHOTON_FLUX
                   : contains_ci(flux_column, "erg cm")        ? ENERGY_FLUX
                                                               : ENERGY_FLUX_MEV;
  while (t.next()) {
    const double mjd = t.number_in(c_jd, ranges::LIGHTCURVE_JD) - JD_MINUS_MJD;
    if (!b.lc.mjd.empty() && !(mjd > b.lc.mjd.back()))
      t.fail(c_jd, "time " + std::string(t.text(c_jd)) +
                       " does not follow the previous row: the export must be sorted by time "
                       "without duplicates");
    std::string_view flux_text = t.text(*c_flux);
    const bool ul = !flux_text.empty() && flux_text.front() == '<';
    double flux = 0;
    if (ul) {
      flux_text.remove_prefix(1);
      while (!flux_text.empty() && flux_text.front() == ' ')
        flux_text.remove_prefix(1);
      const auto v = parse_finite(flux_text);
      if (!v)
        t.fail(*c_flux, "not a number after '<': \"" + std::string(t.text(*c_flux)) + "\"");
      flux = *v;
      if (!ranges::FLUX_NON_NEGATIVE.contains(flux))
        t.fail_range(*c_flux, ranges::FLUX_NON_NEGATIVE, "an upper limit");
    } else {
      flux = t.number_in(*c_flux, ranges::FLUX_NON_NEGATIVE);
      if (t.text(*c_err) == "-")
        t.fail(*c_err, "missing error for a flux that is not an upper limit");
    }
    const double err = flux_error(t, *c_err, ul, "-");
    const double ts = t.text(c_ts) == "-" ? NaN : t.number_in(c_ts, ranges::TS);
    double index = NaN;
    if (c_index && t.text(*c_index) != "-")
      index = t.number_in(*c_index, ranges::PHOTON_INDEX);
    b.lc.mjd.push_back(mjd);
    b.lc.flux.push_back(flux);
    b.lc.flux_err.push_back(err);
    b.lc.upper_limit.push_back(ul ? 1 : 0);
    b.lc.ts.push_back(ts);
    b.lc.photon_index.push_back(index);
  }
  if (b.lc.mjd.empty())
    throw InputError(path, 0, "", "empty file: a header but no points");
  return std::move(b.lc);
}

// ---------------------------------------------------------------------------
// WISE / NEOWISE

namespace {

// Vega zero-magnitude flux densities of the WISE bands [Jy] (Jarrett et al.
// 2011, Wright et al. 2010, Explanatory Supplement §4.4.h).
constexpr double WISE_F0_JY[2] = {309.540, 171.787};
// Single-exposure photometric zero points [mag] of the AllWISE multi-epoch
// tables; the fallback when a file carries no magnitudes to calibrate with.
constexpr double WISE_ALLWISE_ZP[2] = {20.5, 19.5};

double median(std::vector<double> v) {
  const std::size_t n = v.size();
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n / 2), v.end());
  const double hi = v[n / 2];
  if (n % 2 == 1)
    return hi;
  return 0.5 * (hi + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n / 2)));
}

double wrap180(double d) {
  while (d > 180)
    d -= 360;
  while (d < -180)
    d += 360;
  return d;
}

struct SampleEntry {
  std::string name;
  double ra_deg, dec_deg;
};

std::unordered_map<std::string, SampleEntry> read_sample(const std::string& path) {
  TableReader t(path);
  const std::size_t c_id = t.require({"orig_id"});
  const std::size_t c_name = t.require({"name"});
  const std::size_t c_ra = t.require({"ra"});
  const std::size_t c_dec = t.require({"dec"});
  std::unordered_map<std::string, SampleEntry> out;
  while (t.next()) {
    std::string id(t.text(c_id));
    if (id.empty())
      t.fail(c_id, "empty orig_id");
    const double ra = t.ra_deg(c_ra);
    SampleEntry e{std::string(t.text(c_name)), ra, t.number_in(c_dec, ranges::DEC_DEG)};
    if (!out.emplace(std::move(id), std::move(e)).second)
      t.fail(c_id, "duplicated orig_id");
  }
  if (out.empty())
    throw InputError(path, 0, "", "empty file: a header but no sources");
  return out;
}

} // namespace

std::vector<LightCurve> read_wise_photometry(const std::vector<std::string>& paths,
                                             const WiseReadOptions& options) {
  std::unordered_map<std::string, SampleEntry> sample;
  if (!options.sample_table.empty())
    sample = read_sample(options.sample_table);

  std::vector<std::string> ids;                          // in order of appearance
  std::unordered_map<std::string, std::size_t> id_index; // orig_id -> ids
  std::vector<Builder> curves;                           // 2 per id: W1, W2
  static const char* band_names[2] = {"wise_w1", "wise_w2"};

  for (std::uint32_t f = 0; f < paths.size(); ++f) {
    TableReader t(paths[f]);
    const std::size_t c_mjd = t.require({"mjd"});
    const std::size_t c_ra = t.require({"ra"});
    const std::size_t c_dec = t.require({"dec"});
    const std::size_t c_id = t.require({"orig_id"});
    const std::size_t c_flux[2] = {t.require({"W1_flux"}), t.require({"W2_flux"})};
    const std::size_t c_err[2] = {t.require({"W1_flux_error"}), t.require({"W2_flux_error"})};
    const std::optional<std::size_t> c_mag[2] = {t.find("W1_mag"), t.find("W2_mag")};
    const std::optional<std::size_t> c_magerr[2] = {t.find("W1_mag_error"), t.find("W2_mag_error")};
    // Raw points of this file: (curve index, first new point) to convert after
    // the file's zero points are known.
    std::vector<double> zp_samples[2];
    std::vector<std::pair<std::size_t, std::size_t>> fresh; // (curve, point)
    while (t.next()) {
      const std::string id(t.text(c_id));
      if (id.empty())
        t.fail(c_id, "empty orig_id");
      auto [it, added] = id_index.emplace(id, ids.size());
      if (added) {
        std::string name = id;
        if (!sample.empty()) {
          auto s = sample.find(id);
          if (s == sample.end())
            t.fail(c_id, "orig_id " + id + " is not in " + basename(options.sample_table));
          name = s->second.name;
        }
        ids.push_back(id);
        for (int band = 0; band < 2; ++band) {
          curves.emplace_back();
          curves.back().lc.source = name;
          curves.back().lc.band = band_names[band];
          curves.back().lc.flux_unit = options.unit == WiseFluxUnit::dn ? WISE_DN : MILLIJANSKY;
        }
      }
      const double mjd = t.number_in(c_mjd, ranges::LIGHTCURVE_MJD);
      const double ra = t.ra_deg(c_ra);
      const double dec = t.number_in(c_dec, ranges::DEC_DEG);
      for (int band = 0; band < 2; ++band) {
        if (t.text(c_flux[band]).empty())
          continue; // no measurement in this band for this exposure
        const double flux = t.number_in(c_flux[band], ranges::FLUX);
        if (t.text(c_err[band]).empty())
          t.fail(c_err[band], "flux given without an error");
        const double err = flux_error(t, c_err[band], false);
        // Calibrate only with real measurements: a magnitude without an error
        // is a 95 % upper limit and does not follow the zero point.
        if (c_mag[band] && c_magerr[band] && flux > 0 && !t.text(*c_mag[band]).empty() &&
            !t.text(*c_magerr[band]).empty())
          zp_samples[band].push_back(t.number_in(*c_mag[band], ranges::WISE_MAG) +
                                     2.5 * std::log10(flux));
        const std::size_t ci = 2 * it->second + static_cast<std::size_t>(band);
        Builder& b = curves[ci];
        fresh.emplace_back(ci, b.lc.mjd.size());
        b.lc.mjd.push_back(mjd);
        b.lc.flux.push_back(flux);
        b.lc.flux_err.push_back(err);
        b.lc.upper_limit.push_back(0);
        b.origin.push_back({f, t.line_number()});
        b.ra_deg.push_back(ra);
        b.dec_deg.push_back(dec);
      }
    }
    if (t.rows_read() == 0)
      throw InputError(paths[f], 0, "", "empty file: a header but no photometry");
    if (options.unit == WiseFluxUnit::mjy) {
      // DN -> mJy with this file's zero point (median over its detections):
      // AllWISE and NEOWISE fluxes differ by ~0.26 mag in W1 in DN, so raw DN
      // would put a false step into every combined light curve.
      double scale[2];
      for (int band = 0; band < 2; ++band) {
        const double zp =
            zp_samples[band].empty() ? WISE_ALLWISE_ZP[band] : median(zp_samples[band]);
        scale[band] = WISE_F0_JY[band] * 1e3 * std::pow(10.0, -0.4 * zp);
      }
      for (auto [ci, p] : fresh) {
        const double s = scale[ci % 2];
        curves[ci].lc.flux[p] *= s;
        curves[ci].lc.flux_err[p] *= s;
      }
    }
  }
  if (ids.empty())
    throw InputError(paths.empty() ? std::string("(no WISE files)") : paths.front(), 0, "",
                     "no photometry");

  std::vector<LightCurve> out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    // Reference position: the sample table's, else the median of detections
    // (RA unwrapped around the first detection).
    double ra0 = NaN, dec0 = NaN;
    if (auto s = sample.find(ids[i]); s != sample.end()) {
      ra0 = s->second.ra_deg;
      dec0 = s->second.dec_deg;
    } else {
      std::vector<double> dra, dd;
      for (int band = 0; band < 2; ++band) {
        const Builder& b = curves[2 * i + static_cast<std::size_t>(band)];
        for (std::size_t p = 0; p < b.ra_deg.size(); ++p) {
          dra.push_back(b.ra_deg[p]);
          dd.push_back(b.dec_deg[p]);
        }
      }
      if (!dra.empty()) {
        const double first = dra.front();
        for (auto& r : dra)
          r = first + wrap180(r - first);
        ra0 = median(dra);
        dec0 = median(dd);
      }
    }
    const double cosd = std::cos(dec0 * std::numbers::pi / 180.0);
    for (int band = 0; band < 2; ++band) {
      Builder& b = curves[2 * i + static_cast<std::size_t>(band)];
      if (b.lc.mjd.empty())
        continue;
      sort_by_time(b);
      // Same exposure, several detections: keep the one nearest the source.
      std::vector<std::size_t> keep;
      for (std::size_t p = 0; p < b.lc.mjd.size();) {
        std::size_t q = p, best = p;
        double best_d2 = std::numeric_limits<double>::infinity();
        for (; q < b.lc.mjd.size() && b.lc.mjd[q] == b.lc.mjd[p]; ++q) {
          const double dx = wrap180(b.ra_deg[q] - ra0) * cosd;
          const double dy = b.dec_deg[q] - dec0;
          const double d2 = dx * dx + dy * dy;
          if (d2 < best_d2) {
            best_d2 = d2;
            best = q;
          }
        }
        keep.push_back(best);
        p = q;
      }
      reorder(b, keep);
      out.push_back(std::move(b.lc));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// 4FGL yearly flux history

std::vector<LightCurve> read_4fgl_flux_history(const std::string& path) {
  TableReader t(path);
  const std::size_t c_name = t.require({"Source_Name"});
  const std::size_t c_start = t.require({"MET_start"});
  const std::size_t c_stop = t.require({"MET_stop"});
  const std::size_t c_flux = t.require({"Flux_History"});
  const std::size_t c_lo = t.require({"Unc_Flux_History_lo"});
  const std::size_t c_hi = t.require({"Unc_Flux_History_hi"});
  const std::size_t c_ts = t.require({"Sqrt_TS_History"});

  struct Acc {
    Builder b;
    double last_stop = -std::numeric_limits<double>::infinity();
    std::size_t unmeasured = 0;       // bins without any error
    std::size_t first_unmeasured = 0; // line of the first one
  };
  std::vector<Acc> acc;
  std::unordered_map<std::string, std::size_t> index;
  while (t.next()) {
    const std::string_view name = t.text(c_name);
    if (name.empty())
      t.fail(c_name, "empty source name");
    auto [it, fresh] = index.emplace(std::string(name), acc.size());
    if (fresh) {
      acc.emplace_back();
      acc.back().b.lc.source = std::string(name);
      acc.back().b.lc.band = "fermi_yearly";
      acc.back().b.lc.flux_unit = PHOTON_FLUX;
    }
    Acc& a = acc[it->second];
    const double start = t.number_in(c_start, ranges::FERMI_MET_S);
    const double stop = t.number_in(c_stop, ranges::FERMI_MET_S);
    if (!(stop > start))
      t.fail(c_stop, "bin stop must be after its start");
    if (start < a.last_stop)
      t.fail(c_start, "bin starts before the previous bin of " + std::string(name) +
                          " ends: bins must be sorted by time without duplicates");
    a.last_stop = stop;
    const double flux = t.number_in(c_flux, ranges::FLUX_NON_NEGATIVE);
    // The lower error is stored with a minus sign; either sign is read as a magnitude.
    const auto lo = t.optional_in(c_lo, ranges::FLUX);
    const auto hi = t.optional_in(c_hi, ranges::FLUX_NON_NEGATIVE);
    double value = flux, err = 0;
    std::uint8_t ul = 0;
    if (!lo && !hi) {
      if (a.unmeasured++ == 0)
        a.first_unmeasured = t.line_number();
    } else if (!hi) {
      t.fail(c_hi, "missing upper error");
    } else if (!lo) {
      ul = 1; // 2σ upper limit, as gammapy's compute_flux_points_ul
      value = flux + 2 * *hi;
    } else {
      err = 0.5 * (std::fabs(*lo) + *hi);
      if (!ranges::FLUX_ERR.contains(err))
        t.fail(c_hi, "the bin's error (|lo| + hi)/2 = " + fmt(err) +
                         " is outside the allowed range " + ranges::FLUX_ERR.describe() +
                         " (a measured bin needs an error > 0)");
    }
    const double sqrt_ts = t.number_in(c_ts, ranges::SQRT_TS);
    a.b.lc.mjd.push_back(mjd_from_met(0.5 * (start + stop)));
    a.b.lc.flux.push_back(value);
    a.b.lc.flux_err.push_back(err);
    a.b.lc.upper_limit.push_back(ul);
    a.b.lc.ts.push_back(sqrt_ts * sqrt_ts);
    a.b.origin.push_back({0, t.line_number()});
  }
  if (acc.empty())
    throw InputError(path, 0, "", "empty file: a header but no bins");
  std::vector<LightCurve> out;
  out.reserve(acc.size());
  for (auto& a : acc) {
    if (a.unmeasured == a.b.lc.mjd.size())
      continue; // fixed model component, not a measured light curve
    if (a.unmeasured > 0)
      throw InputError(path, a.first_unmeasured, t.label(c_lo),
                       "bin has neither a lower nor an upper error");
    out.push_back(std::move(a.b.lc));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Flux units

const std::vector<std::string>& flux_units() {
  static const std::vector<std::string> units{PHOTON_FLUX, ENERGY_FLUX, ENERGY_FLUX_MEV, COUNT_RATE,
                                              JANSKY,      MILLIJANSKY, WISE_DN};
  return units;
}

namespace {

//! ∫_{a}^{b} E^{−p} dE, by its logarithm at p = 1.
double power_integral(double p, double a, double b) {
  if (std::abs(p - 1) < 1e-9)
    return std::log(b / a);
  return (std::pow(b, 1 - p) - std::pow(a, 1 - p)) / (1 - p);
}

} // namespace

double energy_flux_of_photon_flux(double photon_flux, double gamma, double e1_gev, double e2_gev) {
  // Numerator ∫E·E^−Γ = ∫E^{−(Γ−1)}: its logarithmic case is Γ = 2.
  const double energy = power_integral(gamma - 1, e1_gev, e2_gev);
  const double photons = power_integral(gamma, 0.1, 100.0);
  return photon_flux * energy / photons * ERG_PER_GEV;
}

void convert_to_energy_flux(LightCurve& c, double e1_gev, double e2_gev) {
  if (c.flux_unit != PHOTON_FLUX)
    throw InputError(c.source, 0, "flux_unit",
                     "band " + c.band + " is in " +
                         (c.flux_unit.empty() ? "an unknown unit" : c.flux_unit) +
                         ", not a photon flux " + PHOTON_FLUX + ": no energy flux conversion");
  std::vector<double> fitted;
  for (std::size_t i = 0; i < c.size(); ++i)
    if (i < c.photon_index.size() && std::isfinite(c.photon_index[i]))
      fitted.push_back(std::abs(c.photon_index[i]));
  if (fitted.empty())
    throw InputError(c.source, 0, "photon_index",
                     "band " + c.band + " has no fitted photon index: no energy flux conversion");
  std::sort(fitted.begin(), fitted.end());
  const std::size_t n = fitted.size();
  const double median = n % 2 ? fitted[n / 2] : (fitted[n / 2 - 1] + fitted[n / 2]) / 2;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const double index = i < c.photon_index.size() ? c.photon_index[i] : NAN;
    const double gamma = std::isfinite(index) ? std::abs(index) : median;
    const double factor = energy_flux_of_photon_flux(1.0, gamma, e1_gev, e2_gev);
    c.flux[i] *= factor;
    c.flux_err[i] *= factor;
  }
  c.flux_unit = ENERGY_FLUX;
}

} // namespace nuflare::io
