#include "nuflare/io/catalog.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/table_reader.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fitsio.h>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>

namespace nuflare::io {

using core::InputError;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<std::size_t> find_any(const TableReader& t,
                                    std::initializer_list<std::string_view> names) {
  for (auto n : names)
    if (auto i = t.find(n))
      return i;
  return std::nullopt;
}

// A repeated row (same name at the same position) would count a source twice
// and is bad input. The same name at another position is accepted: 5BZCAT
// gives "5BZBJ1701+3954" to two objects 3' apart.
struct Seen {
  std::size_t line;
  double ra_deg, dec_deg;
};
void check_repeat(std::unordered_map<std::string, Seen>& seen, const std::string& name,
                  std::size_t line, double ra_deg, double dec_deg, const auto& fail) {
  auto [it, fresh] = seen.emplace(name, Seen{line, ra_deg, dec_deg});
  if (!fresh && it->second.ra_deg == ra_deg && it->second.dec_deg == dec_deg)
    fail("duplicated source \"" + name + "\" (same name and position at line/row " +
         std::to_string(it->second.line) + ")");
}

void push_defaults(SourceCatalog& c) {
  c.variability_index.push_back(NaN);
  c.glon_deg.push_back(NaN);
  c.glat_deg.push_back(NaN);
  c.group.emplace_back("all");
  c.warm_spot.push_back(0);
}

} // namespace

SourceCatalog read_catalog_csv(const std::string& path) {
  TableReader t(path);
  const std::size_t c_name = t.require({"name", "source_name", "source", "Source name"});
  const std::size_t c_ra = t.require({"ra", "raj2000", "ra_deg", "RA (J2000.0)"});
  const std::size_t c_dec = t.require({"dec", "dej2000", "decj2000", "dec_deg", "Dec (J2000.0)"});
  const auto c_var = find_any(t, {"variability_index"});
  const auto c_glon = find_any(t, {"glon", "glon_deg"});
  const auto c_glat = find_any(t, {"glat", "glat_deg"});
  const auto c_group = find_any(t, {"group"});
  const auto c_warm = find_any(t, {"warm_spot"});

  SourceCatalog c;
  std::unordered_map<std::string, Seen> seen;
  while (t.next()) {
    std::string name(t.text(c_name));
    if (name.empty())
      t.fail(c_name, "empty source name");
    const double ra = t.ra_deg(c_ra);
    const double dec = t.number_in(c_dec, ranges::DEC_DEG);
    check_repeat(seen, name, t.line_number(), ra, dec,
                 [&](const std::string& m) { t.fail(c_name, m); });
    c.name.push_back(std::move(name));
    c.ra_deg.push_back(ra);
    c.dec_deg.push_back(dec);
    push_defaults(c);
    if (c_var)
      c.variability_index.back() = t.optional_in(*c_var, ranges::VARIABILITY_INDEX).value_or(NaN);
    if (c_glon) {
      const double l = t.optional_in(*c_glon, ranges::GLON_DEG).value_or(NaN);
      c.glon_deg.back() = l == 360 ? 0.0 : l;
    }
    if (c_glat)
      c.glat_deg.back() = t.optional_in(*c_glat, ranges::GLAT_DEG).value_or(NaN);
    if (c_group && !t.text(*c_group).empty())
      c.group.back() = std::string(t.text(*c_group));
    if (c_warm)
      c.warm_spot.back() = t.flag(*c_warm) ? 1 : 0;
  }
  if (c.size() == 0)
    throw InputError(path, 0, "", "empty file: a header but no sources");
  return c;
}

namespace {

struct FitsCloser {
  void operator()(fitsfile* f) const {
    int status = 0;
    fits_close_file(f, &status);
  }
};
using FitsPtr = std::unique_ptr<fitsfile, FitsCloser>;

std::string fits_message(int status) {
  char text[FLEN_STATUS] = {};
  fits_get_errstatus(status, text);
  fits_clear_errmsg();
  return std::string("cfitsio: ") + text + " (status " + std::to_string(status) + ")";
}

class FitsTable {
public:
  explicit FitsTable(const std::string& path) : path_(path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      throw InputError(path, 0, "", "no such file");
    fitsfile* f = nullptr;
    int status = 0;
    if (fits_open_table(&f, path.c_str(), READONLY, &status) != 0) {
      if (f != nullptr) {
        int s2 = 0;
        fits_close_file(f, &s2);
      }
      throw InputError(path, 0, "", "not a FITS file with a table: " + fits_message(status));
    }
    file_.reset(f);
    long n = 0;
    if (fits_get_num_rows(f, &n, &status) != 0)
      throw InputError(path, 0, "", fits_message(status));
    rows_ = static_cast<std::size_t>(n);
  }

  [[nodiscard]] std::size_t rows() const { return rows_; }

  std::optional<int> find(const char* name) const {
    int col = 0, status = 0;
    fits_get_colnum(file_.get(), CASEINSEN, const_cast<char*>(name), &col, &status);
    if (status != 0) {
      fits_clear_errmsg();
      return std::nullopt;
    }
    return col;
  }
  int require(const char* name) const {
    if (auto c = find(name))
      return *c;
    throw InputError(path_, 0, name, "missing column");
  }

  std::vector<double> doubles(int col, const char* name) const {
    std::vector<double> v(rows_);
    if (rows_ == 0)
      return v;
    int status = 0, anynul = 0;
    double nulval = NaN;
    fits_read_col(file_.get(), TDOUBLE, col, 1, 1, static_cast<LONGLONG>(rows_), &nulval, v.data(),
                  &anynul, &status);
    if (status != 0)
      throw InputError(path_, 0, name, "cannot read as numbers: " + fits_message(status));
    return v;
  }

  std::vector<std::string> strings(int col, const char* name) const {
    int status = 0, type = 0;
    long repeat = 0, width = 0;
    fits_get_coltype(file_.get(), col, &type, &repeat, &width, &status);
    if (status != 0 || type != TSTRING)
      throw InputError(path_, 0, name, "not a text column");
    std::vector<std::string> out(rows_);
    std::string buffer(static_cast<std::size_t>(repeat) + 1, '\0');
    for (std::size_t r = 0; r < rows_; ++r) {
      char* p = buffer.data();
      int anynul = 0;
      char nul[] = "";
      fits_read_col_str(file_.get(), col, static_cast<LONGLONG>(r + 1), 1, 1, nul, &p, &anynul,
                        &status);
      if (status != 0)
        throw InputError(path_, r + 1, name, fits_message(status));
      std::string s(p);
      while (!s.empty() && s.back() == ' ')
        s.pop_back();
      out[r] = std::move(s);
    }
    return out;
  }

private:
  std::string path_;
  FitsPtr file_;
  std::size_t rows_ = 0;
};

} // namespace

SourceCatalog read_catalog_fits(const std::string& path) {
  FitsTable t(path);
  const int c_name = t.require("Source_Name");
  const int c_ra = t.require("RAJ2000");
  const int c_dec = t.require("DEJ2000");
  SourceCatalog c;
  c.name = t.strings(c_name, "Source_Name");
  c.ra_deg = t.doubles(c_ra, "RAJ2000");
  c.dec_deg = t.doubles(c_dec, "DEJ2000");
  const std::size_t n = t.rows();
  if (n == 0)
    throw InputError(path, 0, "", "empty table: no sources");
  auto optional = [&](const char* name) {
    if (auto col = t.find(name))
      return t.doubles(*col, name);
    return std::vector<double>(n, NaN);
  };
  c.variability_index = optional("Variability_Index");
  c.glon_deg = optional("GLON");
  c.glat_deg = optional("GLAT");
  c.group.assign(n, "all");
  c.warm_spot.assign(n, 0);

  std::unordered_map<std::string, Seen> seen;
  for (std::size_t r = 0; r < n; ++r) {
    auto fail = [&](const char* field, const std::string& m) {
      throw InputError(path, r + 1, field, m);
    };
    if (c.name[r].empty())
      fail("Source_Name", "empty source name");
    // A NaN (a null value) is missing for the optional columns only.
    auto check = [&](double v, const char* field, const Range& range, bool optional) {
      if (optional && std::isnan(v))
        return;
      if (!std::isfinite(v))
        fail(field, optional ? "not a finite number" : "not a finite number (a required column)");
      if (!range.contains(v)) {
        char text[32];
        std::snprintf(text, sizeof text, "%.10g", v);
        fail(field, std::string(text) + " is outside the allowed range " + range.describe());
      }
    };
    check(c.ra_deg[r], "RAJ2000", ranges::RA_DEG, false);
    check(c.dec_deg[r], "DEJ2000", ranges::DEC_DEG, false);
    check(c.variability_index[r], "Variability_Index", ranges::VARIABILITY_INDEX, true);
    check(c.glon_deg[r], "GLON", ranges::GLON_DEG, true);
    check(c.glat_deg[r], "GLAT", ranges::GLAT_DEG, true);
    if (c.ra_deg[r] == 360)
      c.ra_deg[r] = 0;
    if (c.glon_deg[r] == 360)
      c.glon_deg[r] = 0;
    check_repeat(seen, c.name[r], r + 1, c.ra_deg[r], c.dec_deg[r],
                 [&](const std::string& m) { fail("Source_Name", m); });
  }
  return c;
}

SourceCatalog read_catalog(const std::string& path) {
  std::string name = path;
  if (ends_with(name, ".gz"))
    name.erase(name.size() - 3);
  for (auto ext : {".fit", ".fits", ".FIT", ".FITS", ".fts"})
    if (ends_with(name, ext))
      return read_catalog_fits(path);
  return read_catalog_csv(path);
}

} // namespace nuflare::io
