#include "nuflare/io/icecube.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/table_reader.hpp"

#include <filesystem>

namespace nuflare::io {

using core::InputError;

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
  double sum = 0;
  for (std::size_t i = 0; i < start_mjd.size(); ++i)
    sum += stop_mjd[i] - start_mjd[i];
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
    std::vector<double> row(t.columns().size());
    while (t.next()) {
      // Every column must parse, also the ones we do not keep (Azimuth,
      // Zenith): a damaged row is reported, not half used. Each field is
      // parsed once; a value out of range is re-read by the checking call,
      // which throws with the file, line and field.
      for (std::size_t c = 0; c < row.size(); ++c)
        row[c] = t.number(c);
      if (!(row[c_err] >= 0))
        (void)t.non_negative(c_err);
      if (!(row[c_dec] >= -90 && row[c_dec] <= 90))
        (void)t.number_in(c_dec, -90, 90);
      const double ra = row[c_ra];
      if (ra < 0 || ra >= 360)
        t.fail(c_ra, "RA must lie in [0, 360): " + std::string(t.text(c_ra)));
      out.mjd.push_back(row[c_mjd]);
      out.log10_e.push_back(row[c_loge]);
      out.angerr_deg.push_back(row[c_err]);
      out.ra_deg.push_back(ra);
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
  GoodRunList out;
  out.season = season_from_path(path);
  const std::size_t c_start = t.require({"MJD_start[days]", "MJD_start"});
  const std::size_t c_stop = t.require({"MJD_stop[days]", "MJD_stop"});
  while (t.next()) {
    const double start = t.number(c_start);
    const double stop = t.number(c_stop);
    if (!(stop > start))
      t.fail(c_stop, "run stop must be after its start (" + std::string(t.text(c_start)) + ")");
    if (!out.start_mjd.empty() && !(start > out.start_mjd.back()))
      t.fail(c_start, std::string(t.text(c_start)) + " is not after the previous run start: runs " +
                          "must be sorted by start time without duplicates");
    out.start_mjd.push_back(start);
    out.stop_mjd.push_back(stop);
  }
  if (out.start_mjd.empty())
    no_rows(t);
  return out;
}

EffectiveArea read_effective_area(const std::string& path) {
  TableReader t(path, release_format());
  EffectiveArea out;
  out.season = season_from_path(path);
  const std::size_t c_emin = t.require({"log10(E_nu/GeV)_min", "log10(E)_min"});
  const std::size_t c_emax = t.require({"log10(E_nu/GeV)_max", "log10(E)_max"});
  const std::size_t c_dmin = t.require({"Dec_nu_min[deg]", "Dec_min"});
  const std::size_t c_dmax = t.require({"Dec_nu_max[deg]", "Dec_max"});
  const std::size_t c_area = t.require({"A_Eff[cm^2]", "A_eff", "A_Eff"});
  while (t.next()) {
    const double emin = t.number(c_emin);
    const double emax = t.number(c_emax);
    if (!(emax > emin))
      t.fail(c_emax, "upper energy edge must exceed the lower one");
    const double dmin = t.number_in(c_dmin, -90, 90);
    const double dmax = t.number_in(c_dmax, -90, 90);
    if (!(dmax > dmin))
      t.fail(c_dmax, "upper Dec edge must exceed the lower one");
    out.log10_e_min.push_back(emin);
    out.log10_e_max.push_back(emax);
    out.dec_min_deg.push_back(dmin);
    out.dec_max_deg.push_back(dmax);
    out.area_cm2.push_back(t.non_negative(c_area));
  }
  if (out.area_cm2.empty())
    no_rows(t);
  return out;
}

} // namespace nuflare::io
