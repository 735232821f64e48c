#include "nuflare/io/ovro.hpp"

#include "nuflare/io/lightcurves.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/line_reader.hpp"
#include "nuflare/io/table_reader.hpp"
#include "text.hpp"
#include "truncated.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <string_view>

namespace nuflare::io {

using core::InputError;
using detail::fmt;
using detail::lower;
using detail::trim;

namespace {

// Whether the file starts with a header line: its first non-blank line begins
// with '#' or with a field that is not a number.
bool has_header(const std::string& path) {
  LineReader lines(path);
  std::string_view line;
  while (lines.next(line)) {
    const auto t = trim(line);
    if (t.empty())
      continue;
    if (t.front() == '#')
      return true;
    return !parse_finite(trim(t.substr(0, t.find(','))));
  }
  throw InputError(path, 0, "", "empty file: no data rows");
}

} // namespace

std::string source_from_ovro_path(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  for (const char* ext : {".gz", ".xz", ".csv", ".CSV", ".txt"})
    if (name.size() > std::string_view(ext).size() && name.ends_with(ext))
      name.erase(name.size() - std::string_view(ext).size());
  if (name.size() > 6 && lower(name.substr(name.size() - 6)) == "_15ghz")
    name.erase(name.size() - 6);
  return name;
}

LightCurve read_ovro_csv(const std::string& path, const OvroReadOptions& options) {
  TableFormat format;
  format.comment = '#';
  if (has_header(path))
    format.header_may_be_comment = true;
  else
    format.fixed_columns = {"MJD", "flux_Jy", "err_Jy"};
  TableReader t(path, format);
  if (t.columns().size() != 3)
    throw InputError(path, t.header_line(), "header",
                     "expected three columns (mjd, flux, flux err), found " +
                         std::to_string(t.columns().size()));
  if (format.fixed_columns.empty()) {
    // Names as the exports write them; the check catches a file of another kind.
    const auto& c = t.columns();
    const bool ok = lower(c[0]).find("mjd") != std::string::npos &&
                    lower(c[1]).find("flux") != std::string::npos &&
                    lower(c[2]).find("err") != std::string::npos;
    if (!ok)
      throw InputError(path, t.header_line(), "header",
                       "expected the columns mjd, flux, flux err, found \"" + c[0] + "," + c[1] +
                           "," + c[2] + "\"");
  }

  LightCurve lc;
  lc.source = options.source.empty() ? source_from_ovro_path(path) : options.source;
  lc.band = options.band;
  lc.flux_unit = JANSKY;
  while (t.next()) {
    const double mjd = t.number(0);
    if (!lc.mjd.empty() && !(mjd > lc.mjd.back()))
      t.fail(0, "time " + fmt(mjd) + " does not follow the previous row (" + fmt(lc.mjd.back()) +
                    "): the export is time-ordered without duplicates");
    lc.mjd.push_back(mjd);
    lc.flux.push_back(t.number(1));
    lc.flux_err.push_back(t.non_negative(2));
    lc.upper_limit.push_back(0);
  }
  if (lc.mjd.empty())
    throw InputError(path, 0, "", "no data rows");
  if (detail::ends_inside_line(path))
    throw InputError(path, t.line_number(), "",
                     "the file ends inside its last line (no final line break): it looks "
                     "truncated");
  return lc;
}

} // namespace nuflare::io
