#include "nuflare/io/formats.hpp"

#include "nuflare/io/line_reader.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

namespace nuflare::io {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

//! The first line with a character other than blanks and quotes; nothing
//! for an empty or unreadable file.
std::optional<std::string> first_line(const std::string& path) noexcept {
  try {
    LineReader lines(path);
    std::string_view line;
    while (lines.next(line))
      if (line.find_first_not_of(" \t\r\"") != std::string_view::npos)
        return std::string(line);
  } catch (...) {
    // unreadable: the reader the file was given to says why
  }
  return std::nullopt;
}

//! The comma-separated cells of a header line, trimmed, unquoted, lower case.
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= line.size()) {
    const auto comma = std::min(line.find(',', pos), line.size());
    std::string cell = lower(line.substr(pos, comma - pos));
    const auto b = cell.find_first_not_of(" \t\r\"");
    const auto e = cell.find_last_not_of(" \t\r\"");
    out.push_back(b == std::string::npos ? std::string() : cell.substr(b, e - b + 1));
    pos = comma + 1;
  }
  return out;
}

bool has(const std::vector<std::string>& row, std::string_view cell) {
  return std::find(row.begin(), row.end(), cell) != row.end();
}

bool has_prefix(const std::vector<std::string>& row, std::string_view prefix) {
  return std::any_of(row.begin(), row.end(),
                     [&](const std::string& c) { return c.rfind(prefix, 0) == 0; });
}

} // namespace

InputFormat sniff_format(const std::string& path) noexcept {
  try {
    const auto line = first_line(path);
    if (!line)
      return InputFormat::unknown;
    const std::string text = lower(*line);
    const auto start = text.find_first_not_of(" \t");
    if (text[start] == '!' || text.compare(start, 9, "read serr") == 0 ||
        text.compare(start, 9, "read terr") == 0)
      return InputFormat::xrt_qdp;
    if (text[start] == '#') {
      if (text.find("mjd[days]") != std::string::npos &&
          text.find("log10(e/gev)") != std::string::npos)
        return InputFormat::icecube_events;
      const auto row = cells(text.substr(start + 1));
      if (row.size() >= 3 && row[0] == "mjd" && row[1] == "flux")
        return InputFormat::ovro_csv;
      return InputFormat::unknown;
    }
    const auto row = cells(text);
    if (row.front().rfind("overview", 0) == 0)
      return InputFormat::ztf_overview;
    if (has(row, "julian date") && has_prefix(row, "photon flux"))
      return InputFormat::fermi_lcr;
    if (has(row, "source_name") && has(row, "flux_history"))
      return InputFormat::fermi_4fgl_history;
    if (has(row, "mjd") && (has_prefix(row, "w1_") || has_prefix(row, "w2_")))
      return InputFormat::wise_photometry;
    if (has(row, "orig_id") && has(row, "name"))
      return InputFormat::wise_sample;
    if (has(row, "source") && has(row, "band") && has(row, "mjd") && has(row, "flux"))
      return InputFormat::long_lightcurves;
    if (has(row, "eventmjd"))
      return InputFormat::icecat_alerts;
    if (row.front() == "name" && has(row, "ra_plus"))
      return InputFormat::followup_campaign;
    if (has(row, "name") && has(row, "ra") && has(row, "dec"))
      return InputFormat::source_catalog;
  } catch (...) {
    // a sniff never fails a run
  }
  return InputFormat::unknown;
}

std::string_view describe(InputFormat format) noexcept {
  switch (format) {
  case InputFormat::long_lightcurves:
    return "a long light-curve CSV (source,band,mjd,flux,flux_err)";
  case InputFormat::fermi_lcr:
    return "a Fermi LAT Light Curve Repository export";
  case InputFormat::fermi_4fgl_history:
    return "a 4FGL flux-history table";
  case InputFormat::wise_photometry:
    return "WISE/NEOWISE single-exposure photometry (timewise)";
  case InputFormat::wise_sample:
    return "a timewise sample table";
  case InputFormat::ztf_overview:
    return "the ZTF paper's overview sheet";
  case InputFormat::followup_campaign:
    return "a follow-up campaign table";
  case InputFormat::icecat_alerts:
    return "an IceCat-1 alert table";
  case InputFormat::icecube_events:
    return "an IceCube track-event file";
  case InputFormat::source_catalog:
    return "a source catalogue";
  case InputFormat::xrt_qdp:
    return "a Swift-XRT QDP light curve";
  case InputFormat::ovro_csv:
    return "an OVRO 15 GHz light curve";
  case InputFormat::unknown:
    break;
  }
  return "a file of unknown format";
}

} // namespace nuflare::io
