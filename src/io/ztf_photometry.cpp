// ZTF light-curve readers (ZTF paper §4, Table 3; ztf_photometry.hpp).
#include "nuflare/io/ztf_photometry.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/line_reader.hpp"
#include "nuflare/io/table_reader.hpp"

#include <fitsio.h>

#include <cmath>
#include <limits>
#include <memory>

namespace nuflare::io {

using core::InputError;

namespace {

std::string band_label(std::string_view raw) {
  // "ZTF_g" (forced photometry) or "zg" (data release) -> "g".
  if (raw.size() >= 1)
    return std::string(1, raw.back());
  return std::string(raw);
}

} // namespace

double ztf_wavelength_nm(const std::string& band) {
  if (band == "g")
    return 472.27;
  if (band == "r")
    return 633.96;
  if (band == "i")
    return 788.61;
  throw core::ConfigError("unknown ZTF band \"" + band + "\" (g, r, i)");
}

double ab_mag_to_nu_f_nu(double ab_mag, double wavelength_nm) {
  const double f_nu = std::pow(10.0, -0.4 * (ab_mag + 48.6)); // AB [erg s^-1 cm^-2 Hz^-1]
  return f_nu * 2.99792458e17 / wavelength_nm;
}

std::vector<PhotometryPoint> read_ztf_forced_photometry(const std::string& path,
                                                        const ForcedPhotometryOptions& options) {
  // The column-name line is comma separated ("index, field, ..."), the data
  // space separated: read the names first, then read the rows with fixed names.
  std::vector<std::string> names;
  std::size_t header_line = 0;
  {
    LineReader lines(path);
    std::string_view line;
    while (lines.next(line)) {
      const auto first = line.find_first_not_of(" \t");
      if (first == std::string_view::npos || line[first] == '#')
        continue;
      header_line = lines.line_number();
      std::string token;
      for (char c : line) {
        if (c == ',' || c == ' ' || c == '\t' || c == '\r') {
          if (!token.empty())
            names.push_back(token);
          token.clear();
        } else {
          token += c;
        }
      }
      if (!token.empty())
        names.push_back(token);
      break;
    }
    if (names.empty())
      throw InputError(path, 0, "", "empty file: no column-name line");
  }
  TableFormat format;
  format.delimiter = Delimiter::whitespace;
  format.fixed_columns = names;
  TableReader t(path, format);
  auto need = [&](std::string_view n) {
    if (auto i = t.find(n))
      return *i;
    throw InputError(path, header_line, std::string(n), "missing column");
  };
  const auto c_filter = need("filter");
  const auto c_jd = need("jd");
  const auto c_flux = need("forcediffimflux");
  const auto c_zp = need("zpdiff");
  const auto c_ref = need("nearestrefmag");
  const auto c_proc = need("procstatus");
  const auto c_info = need("infobitssci");
  std::vector<PhotometryPoint> out;
  while (t.next()) {
    if (t.line_number() <= header_line)
      continue;
    if (options.require_procstatus_zero && t.text(c_proc) != "0")
      continue;
    if (t.integer(c_info) >= options.max_infobitssci)
      continue;
    const auto flux_text = t.text(c_flux);
    if (flux_text == "null" || flux_text == "NaN")
      continue;
    const double diff = t.number(c_flux);
    if (diff <= -99999.0)
      continue; // IPAC's flag for a failed measurement
    if (t.text(c_ref) == "null")
      continue; // no reference source: the total flux is unknown
    const double jd = t.number_in(c_jd, 2.4e6, 2.6e6);
    const double zp = t.number(c_zp);
    const double ref = t.number(c_ref);
    const double total_dn = diff + std::pow(10.0, 0.4 * (zp - ref));
    if (!(total_dn > 0))
      continue;
    const double mag = zp - 2.5 * std::log10(total_dn);
    const std::string band = band_label(t.text(c_filter));
    out.push_back({jd - 2400000.5, band, ab_mag_to_nu_f_nu(mag, ztf_wavelength_nm(band))});
  }
  return out;
}

std::vector<PhotometryPoint> read_ztf_dr_fits(const std::string& path, bool require_catflags_zero) {
  fitsfile* raw = nullptr;
  int status = 0;
  auto fail = [&](const std::string& what) {
    char text[FLEN_STATUS] = {0};
    fits_get_errstatus(status, text);
    throw InputError(path, 0, what, std::string("FITS error: ") + text);
  };
  if (fits_open_table(&raw, path.c_str(), READONLY, &status))
    fail("");
  std::unique_ptr<fitsfile, void (*)(fitsfile*)> file(raw, [](fitsfile* f) {
    int s = 0;
    fits_close_file(f, &s);
  });
  long n_rows = 0;
  if (fits_get_num_rows(file.get(), &n_rows, &status))
    fail("");
  auto column = [&](const char* name) {
    int col = 0;
    if (fits_get_colnum(file.get(), CASEINSEN, const_cast<char*>(name), &col, &status))
      fail(name);
    return col;
  };
  const int c_mjd = column("mjd"), c_mag = column("mag"), c_flag = column("catflags"),
            c_filter = column("filtercode");
  std::vector<double> mjd(static_cast<std::size_t>(n_rows)), mag(mjd.size());
  std::vector<long> flags(mjd.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  int anynul = 0;
  if (n_rows > 0) {
    if (fits_read_col(file.get(), TDOUBLE, c_mjd, 1, 1, n_rows, const_cast<double*>(&nan),
                      mjd.data(), &anynul, &status))
      fail("mjd");
    if (fits_read_col(file.get(), TDOUBLE, c_mag, 1, 1, n_rows, const_cast<double*>(&nan),
                      mag.data(), &anynul, &status))
      fail("mag");
    long nul = -1;
    if (fits_read_col(file.get(), TLONG, c_flag, 1, 1, n_rows, &nul, flags.data(), &anynul,
                      &status))
      fail("catflags");
  }
  std::vector<PhotometryPoint> out;
  char buffer[72] = {0};
  for (long row = 1; row <= n_rows; ++row) {
    const auto i = static_cast<std::size_t>(row - 1);
    char* p = buffer;
    if (fits_read_col(file.get(), TSTRING, c_filter, row, 1, 1, nullptr, &p, &anynul, &status))
      fail("filtercode");
    if (!std::isfinite(mjd[i]) || !std::isfinite(mag[i]))
      throw InputError(path, static_cast<std::size_t>(row), "mjd/mag", "not a finite number");
    if (require_catflags_zero && flags[i] != 0)
      continue;
    const std::string band = band_label(buffer);
    out.push_back({mjd[i], band, ab_mag_to_nu_f_nu(mag[i], ztf_wavelength_nm(band))});
  }
  return out;
}

} // namespace nuflare::io
