#include "nuflare/io/icecube.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/table_reader.hpp"
#include "text.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <numeric>

namespace nuflare::io {

using core::InputError;
using detail::fmt;

namespace {

bool strip_suffix(std::string& s, std::string_view suffix) {
  if (s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0) {
    s.erase(s.size() - suffix.size());
    return true;
  }
  return false;
}

//! The release's files: whitespace separated, header line starting with `#`
//! (a copy in icecube/PSLab_PS_analysis has the header without `#`; both work).
TableFormat release_format() {
  TableFormat f;
  f.delimiter = Delimiter::whitespace;
  f.header_may_be_comment = true;
  return f;
}

[[noreturn]] void no_rows(const TableReader& t) {
  throw InputError(t.path(), 0, "", "empty file: a header but no data rows");
}

} // namespace

double GoodRunList::livetime_days() const {
  // Length of the union of the runs: time covered by two runs counts once.
  // read_good_run_list() refuses overlaps beyond a rounding of the run
  // boundaries, but a list built in memory may hold anything.
  std::vector<std::size_t> order(start_mjd.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return start_mjd[a] < start_mjd[b]; });
  double sum = 0;
  double covered_until = -std::numeric_limits<double>::infinity();
  for (auto i : order) {
    const double from = std::max(start_mjd[i], covered_until);
    if (stop_mjd[i] > from)
      sum += stop_mjd[i] - from;
    covered_until = std::max(covered_until, stop_mjd[i]);
  }
  return sum;
}

std::string season_from_path(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  for (auto s : {".xz", ".gz"})
    strip_suffix(name, s);
  for (auto s : {".csv", ".txt", ".dat"})
    strip_suffix(name, s);
  for (auto s : {"_exp", "_effectiveArea"})
    strip_suffix(name, s);
  return name;
}

namespace {
//! A per-season table (good runs, effective area), named after its file.
template <class T>
T of_season(const std::string& path) {
  T out;
  out.season = season_from_path(path);
  return out;
}
} // namespace

EventSample read_icecube_events(const std::vector<std::string>& paths) {
  EventSample out;
  for (const auto& path : paths) {
    TableReader t(path, release_format());
    const std::string season = season_from_path(path);
    for (const auto& s : out.season)
      if (s == season)
        throw InputError(path, 0, "season", "season " + season + " given twice");
    const auto season_index = static_cast<std::uint32_t>(out.season.size());
    out.season.push_back(season);

    const std::size_t c_mjd = t.require({"MJD[days]", "MJD"});
    const std::size_t c_loge = t.require({"log10(E/GeV)", "log10(E)", "logE"});
    const std::size_t c_err = t.require({"AngErr[deg]", "AngErr", "ang_err"});
    const std::size_t c_ra = t.require({"RA[deg]", "RA"});
    const std::size_t c_dec = t.require({"Dec[deg]", "Dec"});
    const std::size_t first = out.size();
    // Every column must parse and lie in its range, also the ones we do not
    // keep (Azimuth, Zenith): a damaged row is reported, not half used.
    std::vector<Range> allowed(t.columns().size(), ranges::ANY_NUMBER);
    allowed[c_mjd] = ranges::ICECUBE_MJD;
    allowed[c_loge] = ranges::LOG10_E_GEV;
    allowed[c_err] = ranges::ANGERR_DEG;
    allowed[c_ra] = ranges::RA_DEG;
    allowed[c_dec] = ranges::DEC_DEG;
    for (auto name : {"Azimuth[deg]", "Azimuth"})
      if (auto c = t.find(name))
        allowed[*c] = ranges::AZIMUTH_DEG;
    for (auto name : {"Zenith[deg]", "Zenith"})
      if (auto c = t.find(name))
        allowed[*c] = ranges::ZENITH_DEG;
    std::vector<double> row(t.columns().size());
    while (t.next()) {
      for (std::size_t c = 0; c < row.size(); ++c)
        row[c] = t.number_in(c, allowed[c]);
      out.mjd.push_back(row[c_mjd]);
      out.log10_e.push_back(row[c_loge]);
      out.angerr_deg.push_back(row[c_err]);
      out.ra_deg.push_back(row[c_ra] == 360 ? 0.0 : row[c_ra]);
      out.dec_deg.push_back(row[c_dec]);
      out.season_index.push_back(season_index);
    }
    if (out.size() == first)
      no_rows(t);
  }
  return out;
}

EventSample read_icecube_events(const std::string& path) {
  return read_icecube_events(std::vector<std::string>{path});
}

GoodRunList read_good_run_list(const std::string& path) {
  TableReader t(path, release_format());
  auto out = of_season<GoodRunList>(path);
  const std::size_t c_start = t.require({"MJD_start[days]", "MJD_start"});
  const std::size_t c_stop = t.require({"MJD_stop[days]", "MJD_stop"});
  std::size_t previous_line = 0; // line of the previous run
  double latest_stop = 0;        // latest stop of the runs so far ...
  std::size_t latest_line = 0;   // ... and its line
  while (t.next()) {
    const double start = t.number_in(c_start, ranges::ICECUBE_MJD);
    const double stop = t.number_in(c_stop, ranges::ICECUBE_MJD);
    if (!(stop > start))
      t.fail(c_stop, "run stop must be after its start (" + std::string(t.text(c_start)) + ")");
    if (!out.start_mjd.empty()) {
      if (!(start > out.start_mjd.back()))
        t.fail(c_start, std::string(t.text(c_start)) +
                            " is not after the start of the run of line " +
                            std::to_string(previous_line) + " (" + fmt(out.start_mjd.back()) +
                            "): runs must be sorted by start time without duplicates");
      // Overlapping runs would count their common time twice in the livetime,
      // the exposure of the flux limits (blazar paper §6.3).
      if (start < latest_stop - ranges::RUN_OVERLAP_TOLERANCE_DAYS)
        t.fail(c_start, std::string(t.text(c_start)) + " is before the stop of the run of line " +
                            std::to_string(latest_line) + " (" + fmt(latest_stop) +
                            "): good runs must not overlap");
    }
    previous_line = t.line_number();
    if (out.start_mjd.empty() || stop > latest_stop) {
      latest_stop = stop;
      latest_line = t.line_number();
    }
    out.start_mjd.push_back(start);
    out.stop_mjd.push_back(stop);
  }
  if (out.start_mjd.empty())
    no_rows(t);
  return out;
}

EffectiveArea read_effective_area(const std::string& path) {
  TableReader t(path, release_format());
  auto out = of_season<EffectiveArea>(path);
  const std::size_t c_emin = t.require({"log10(E_nu/GeV)_min", "log10(E)_min"});
  const std::size_t c_emax = t.require({"log10(E_nu/GeV)_max", "log10(E)_max"});
  const std::size_t c_dmin = t.require({"Dec_nu_min[deg]", "Dec_min"});
  const std::size_t c_dmax = t.require({"Dec_nu_max[deg]", "Dec_max"});
  const std::size_t c_area = t.require({"A_Eff[cm^2]", "A_eff", "A_Eff"});
  while (t.next()) {
    const double emin = t.number_in(c_emin, ranges::LOG10_E_GEV);
    const double emax = t.number_in(c_emax, ranges::LOG10_E_GEV);
    if (!(emax > emin))
      t.fail(c_emax, "upper energy edge must exceed the lower one");
    const double dmin = t.number_in(c_dmin, ranges::DEC_DEG);
    const double dmax = t.number_in(c_dmax, ranges::DEC_DEG);
    if (!(dmax > dmin))
      t.fail(c_dmax, "upper Dec edge must exceed the lower one");
    out.log10_e_min.push_back(emin);
    out.log10_e_max.push_back(emax);
    out.dec_min_deg.push_back(dmin);
    out.dec_max_deg.push_back(dmax);
    out.area_cm2.push_back(t.number_in(c_area, ranges::AEFF_CM2));
  }
  if (out.area_cm2.empty())
    no_rows(t);
  return out;
}

} // namespace nuflare::io
