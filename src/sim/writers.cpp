#include "nuflare/sim/writers.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/core/validation.hpp"

#include <lzma.h>
#include <unistd.h>
#include <zlib.h>

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <fstream>
#include <system_error>

namespace nuflare::sim {

namespace fs = std::filesystem;

namespace {

//! printf-style append.
[[gnu::format(printf, 2, 3)]] void append(std::string& out, const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  const int n = std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  if (n > 0)
    out.append(buf, static_cast<std::size_t>(std::min(n, static_cast<int>(sizeof buf) - 1)));
}

std::string events_path(const std::string& season, Compression c) {
  return "events/" + season + "_exp.csv" +
         (c == Compression::xz   ? ".xz"
          : c == Compression::gz ? ".gz"
                                 : "");
}

} // namespace

std::string events_text(const Season& s) {
  std::string out = "#     MJD[days]  log10(E/GeV)   AngErr[deg]       RA[deg]      Dec[deg]  "
                    "Azimuth[deg]   Zenith[deg]\n";
  const auto& e = s.events;
  out.reserve(out.size() + 102 * e.size());
  for (std::size_t i = 0; i < e.size(); ++i)
    append(out, "%17.8f%14.2f%14.2f%14.3f%14.3f%14.3f%14.3f\n", e.mjd[i], e.log10_e[i],
           e.angerr_deg[i], e.ra_deg[i], e.dec_deg[i], s.azimuth_deg[i], s.zenith_deg[i]);
  return out;
}

std::string good_runs_text(const io::GoodRunList& runs) {
  std::string out = "#  MJD_start[days]  MJD_stop[days]\n";
  for (std::size_t i = 0; i < runs.start_mjd.size(); ++i)
    append(out, "%17.8f%17.8f\n", runs.start_mjd[i], runs.stop_mjd[i]);
  return out;
}

std::string effective_area_text(const io::EffectiveArea& a) {
  std::string out = "#  log10(E_nu/GeV)_min  log10(E_nu/GeV)_max  Dec_nu_min[deg]  "
                    "Dec_nu_max[deg]   A_Eff[cm^2]\n";
  for (std::size_t i = 0; i < a.area_cm2.size(); ++i)
    append(out, "%17.2f%14.2f%14.2f%14.2f%14.4e\n", a.log10_e_min[i], a.log10_e_max[i],
           a.dec_min_deg[i], a.dec_max_deg[i], a.area_cm2[i]);
  return out;
}

std::string alerts_text(const std::vector<io::Alert>& alerts) {
  std::string out = "NAME,RUNID,EVENTID,START,EVENTMJD,I3TYPE,RA,DEC,RA_ERR_PLUS,RA_ERR_MINUS,"
                    "DEC_ERR_PLUS,DEC_ERR_MINUS,ENERGY,FAR,SIGNAL,CASCADE_SCR,SKIMMING_SCR,"
                    "START_SCR,STOP_SCR,THRGOING_SCR,CR_VETO,OTHER_I3TYPES\n";
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    const auto& a = alerts[i];
    // Run and event ids only need to be unique (the reader merges repeats).
    const unsigned long run = 120000 + 13 * i;
    const unsigned long event = (7919UL * i + 104729UL) % 100000000UL;
    const double far_per_year = a.stream == "gfu-gold" ? 0.5 : 1.5;
    append(out, "%s,%lu,%lu,%s,%.8f,%s,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.1f,%.3f,%.3f,",
           a.name.c_str(), run, event, iso_time(a.mjd).c_str(), a.mjd, a.stream.c_str(), a.ra_deg,
           a.dec_deg, a.ra_plus_deg, a.ra_minus_deg, a.dec_plus_deg, a.dec_minus_deg,
           a.energy_tev.value_or(std::nan("")), far_per_year, a.signalness.value_or(std::nan("")));
    out += "None,None,None,None,None,FALSE,None\n";
  }
  return out;
}

std::string catalog_text(const io::SourceCatalog& c) {
  std::string out = "name,ra,dec,variability_index,glon,glat,group,warm_spot\n";
  for (std::size_t i = 0; i < c.size(); ++i)
    append(out, "%s,%.4f,%.4f,%.2f,%.4f,%.4f,%s,%d\n", c.name[i].c_str(), c.ra_deg[i], c.dec_deg[i],
           c.variability_index[i], c.glon_deg[i], c.glat_deg[i], c.group[i].c_str(),
           static_cast<int>(c.warm_spot[i]));
  return out;
}

std::string lightcurves_text(const std::vector<io::LightCurve>& curves) {
  std::string out = "source,band,mjd,flux,flux_err,upper_limit\n";
  for (const auto& lc : curves) {
    for (std::size_t i = 0; i < lc.size(); ++i) {
      append(out, "%s,%s,%.5f,%.4e,", lc.source.c_str(), lc.band.c_str(), lc.mjd[i], lc.flux[i]);
      if (lc.upper_limit[i])
        out += ",1\n";
      else
        append(out, "%.3e,0\n", lc.flux_err[i]);
    }
  }
  return out;
}

std::string followup_text(const std::vector<FollowupRow>& rows) {
  const std::string blank = ",,,,,,,,,,,,,,,\n";
  std::string out;
  append(out, "OVERVIEW,,,,,,,,v2 alerts,%zu,,,,,,\n", rows.size());
  out += blank;
  append(out, "total number,,%zu,,,,,,,,,,,,,\n", rows.size());
  out += "Event,Class,RA,RA Unc (rectangle),Dec,Dec Unc (rectangle),Area (rectangle),"
         "Observed area (from Healpix),Observed area (corrected for chip gaps),Signalness,"
         "Energy estimate [TeV],Separation from gal. plane,IC GCN,ZTF ATEL/GCN,"
         "Additional ZTF GCN,Additional ZTF GCN\n";
  double sum_rect = 0, sum_hp = 0, sum_obs = 0, sum_sig = 0;
  for (const auto& r : rows) {
    const auto& a = r.alert;
    append(
        out,
        "%s,%s,%.2f,\"[%.2f, -%.2f]\",%.2f,\"[%.2f, -%.2f]\",%.6f,%.6f,%.6f,%.3f,%.1f,%.2f,,,,\n",
        a.name.c_str(), r.alert_class.c_str(), a.ra_deg, a.ra_plus_deg, a.ra_minus_deg, a.dec_deg,
        a.dec_plus_deg, a.dec_minus_deg, r.area_rect_deg2, r.area_healpix_deg2, r.area_obs_deg2,
        a.signalness.value_or(std::nan("")), a.energy_tev.value_or(std::nan("")), r.glat_deg);
    sum_rect += r.area_rect_deg2;
    sum_hp += r.area_healpix_deg2;
    sum_obs += r.area_obs_deg2;
    sum_sig += a.signalness.value_or(std::nan(""));
  }
  out += blank;
  append(out, "ALL,,,,,,%.6f,%.6f,%.6f,%.3f,,,,,,\n", sum_rect, sum_hp, sum_obs, sum_sig);
  return out;
}

std::string flares_text(const std::vector<Flare>& flares) {
  std::string out = "source,band,kind,start_mjd,stop_mjd,amplitude\n";
  for (const auto& f : flares)
    append(out, "%s,%s,%s,%.2f,%.2f,%.3f\n", f.source.c_str(), f.band.c_str(), f.kind.c_str(),
           f.start_mjd, f.stop_mjd, f.amplitude);
  return out;
}

std::vector<std::string> output_files(const SimulatedSky& sky) {
  const auto c = sky.config.compression;
  std::vector<std::string> out;
  for (const auto& s : sky.seasons) {
    out.push_back(events_path(s.runs.season, c));
    out.push_back("uptime/" + s.runs.season + "_exp.csv");
    out.push_back("irfs/" + s.runs.season + "_effectiveArea.csv");
  }
  out.push_back("alerts.csv");
  out.push_back("catalog.csv");
  out.push_back(c == Compression::xz   ? "lightcurves.csv.xz"
                : c == Compression::gz ? "lightcurves.csv.gz"
                                       : "lightcurves.csv");
  if (sky.config.followup.enabled)
    out.push_back("followup/ztf_overview.csv");
  out.push_back("truth/flares.csv");
  out.push_back("truth/neutrino_sources.csv");
  out.push_back("truth/alert_flares.csv");
  return out;
}

io::Table output_files_table(const SimulatedSky& sky) {
  using File = std::pair<std::string, std::size_t>;
  std::vector<File> rows;
  const auto names = output_files(sky);
  std::size_t k = 0;
  const auto add = [&](std::size_t n) { rows.emplace_back(names[k++], n); };
  for (const auto& s : sky.seasons) {
    add(s.events.size());
    add(s.runs.start_mjd.size());
    add(s.area.area_cm2.size());
  }
  std::size_t n_points = 0;
  for (const auto& lc : sky.lightcurves)
    n_points += lc.size();
  add(sky.alerts.size());
  add(sky.catalog.size());
  add(n_points);
  if (sky.config.followup.enabled)
    add(sky.followup.size());
  add(sky.flares.size());
  add(sky.neutrino_sources.size());
  add(sky.alert_flares.size());
  return io::make_table(rows,
                        std::vector<io::ColumnOf<File>>{
                            {"file", "", "file written, relative to the output", &File::first},
                            {"rows", "", "data rows", &File::second},
                        });
}

void write_file(const fs::path& path, const std::string& text, Compression compression) {
  std::string bytes;
  if (compression == Compression::xz) {
    bytes.resize(lzma_stream_buffer_bound(text.size()));
    std::size_t pos = 0;
    const auto rc = lzma_easy_buffer_encode(
        6, LZMA_CHECK_CRC64, nullptr, reinterpret_cast<const std::uint8_t*>(text.data()),
        text.size(), reinterpret_cast<std::uint8_t*>(bytes.data()), &pos, bytes.size());
    if (rc != LZMA_OK)
      throw core::InputError(path.string(), 0, "", "xz compression failed");
    bytes.resize(pos);
  } else if (compression == Compression::gz) {
    z_stream zs{};
    // windowBits 15 + 16: a gzip wrapper with a zero time stamp (reproducible).
    if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw core::InputError(path.string(), 0, "", "gzip compression failed");
    bytes.resize(deflateBound(&zs, text.size()) + 32);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    zs.avail_in = static_cast<uInt>(text.size());
    zs.next_out = reinterpret_cast<Bytef*>(bytes.data());
    zs.avail_out = static_cast<uInt>(bytes.size());
    const int rc = deflate(&zs, Z_FINISH);
    bytes.resize(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END)
      throw core::InputError(path.string(), 0, "", "gzip compression failed");
  } else {
    bytes = text;
  }
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out)
    throw core::InputError(path.string(), 0, "", "cannot write the file");
}

SkyWrite write_sky(const SimulatedSky& sky, const fs::path& dir_in, bool overwrite,
                   const std::string& provenance) {
  fs::path dir = dir_in.lexically_normal();
  if (dir.filename().empty())
    dir = dir.parent_path();
  if (dir.empty())
    throw core::FieldError("output", "empty folder name");
  std::error_code ec;
  const bool exists = fs::exists(dir, ec);
  if (exists && !overwrite)
    throw core::FieldError("output", dir.string() + " already exists (remove it, or overwrite)");
  if (exists && !fs::is_directory(dir, ec))
    throw core::FieldError("output",
                           dir.string() + " exists and is not a folder; refusing to replace it");
  // Only a folder that carries the marker is write_sky's own to replace whole;
  // in any other folder only the files of this sky are replaced.
  const bool own = exists && fs::exists(dir / SKY_MARKER, ec);
  const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  const std::string tag = std::to_string(static_cast<long>(::getpid()));
  const fs::path tmp = parent / ("." + dir.filename().string() + ".partial-" + tag);
  fs::remove_all(tmp, ec);
  try {
    if (!fs::create_directory(tmp, ec) || ec)
      throw core::InputError(tmp.string(), 0, "", "cannot create the folder: " + ec.message());
    const auto c = sky.config.compression;
    auto names = output_files(sky);
    std::size_t k = 0;
    for (const auto& s : sky.seasons) {
      write_file(tmp / names[k++], events_text(s), c);
      write_file(tmp / names[k++], good_runs_text(s.runs), Compression::none);
      write_file(tmp / names[k++], effective_area_text(s.area), Compression::none);
    }
    write_file(tmp / names[k++], alerts_text(sky.alerts), Compression::none);
    write_file(tmp / names[k++], catalog_text(sky.catalog), Compression::none);
    write_file(tmp / names[k++], lightcurves_text(sky.lightcurves), c);
    if (sky.config.followup.enabled)
      write_file(tmp / names[k++], followup_text(sky.followup), Compression::none);
    write_file(tmp / names[k++], flares_text(sky.flares), Compression::none);
    std::string nu = "source,ra,dec,mean_events\n";
    for (const auto& s : sky.neutrino_sources)
      append(nu, "%s,%.4f,%.4f,%.6g\n", s.name.c_str(), s.ra_deg, s.dec_deg, s.mean_events);
    write_file(tmp / names[k++], nu, Compression::none);
    std::string af = "alert,source\n";
    for (const auto& p : sky.alert_flares)
      af += p.alert + "," + p.source + "\n";
    write_file(tmp / names[k++], af, Compression::none);
    if (!provenance.empty()) {
      write_file(tmp / "simulate.ini", provenance, Compression::none);
      names.emplace_back("simulate.ini");
    }
    write_file(tmp / SKY_MARKER,
               "This folder was written by nuflare simulate: `nuflare simulate --overwrite` "
               "replaces it whole.\n",
               Compression::none);

    if (!exists) {
      fs::rename(tmp, dir);
      return SkyWrite::created;
    }
    if (own) {
      const fs::path old = parent / ("." + dir.filename().string() + ".old-" + tag);
      fs::remove_all(old, ec);
      fs::rename(dir, old);
      fs::rename(tmp, dir);
      fs::remove_all(old, ec);
      return SkyWrite::replaced;
    }
    // Not our folder: move this sky's files in one by one (each replaced
    // atomically), touch nothing else, and leave no marker behind (the
    // folder holds files simulate did not write).
    for (const auto& name : names) {
      fs::create_directories((dir / name).parent_path());
      fs::rename(tmp / name, dir / name);
    }
    fs::remove_all(tmp, ec);
    return SkyWrite::updated;
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(tmp, ec);
    throw core::InputError(e.path1().string(), 0, "", e.code().message());
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

} // namespace nuflare::sim
