#include "nuflare/campaign/inputs.hpp"

#include "nuflare/campaign/read_once.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/icecube.hpp"
#include "nuflare/io/lightcurves.hpp"
#include "nuflare/io/rho_table.hpp"

#include <iterator>
#include <limits>

namespace nuflare::campaign {

namespace {

core::OptionTable<TemporalSelection> make_table(bool required, bool with_sources) {
  using T = TemporalSelection;
  core::OptionTable<T> t;
  const auto need = [&](core::OptionTable<T>& table) -> core::OptionTable<T>& {
    return required ? table.required() : table.no_default("required with test = temporal");
  };
  need(t.add("alerts", &T::alerts, "", "alert catalogue (IceCat-1 CSV)").paths());
  t.include(&T::alert_selection, io::AlertSelection::options(), "alerts_");
  if (with_sources)
    need(t.add("sources", &T::sources, "",
               "source catalogue (CSV name,ra,dec[,variability_index,...] or FITS)")
             .paths());
  need(t.add("lightcurves", &T::lightcurves, "", "light curves (see lightcurve_format)").paths());
  t.choice("lightcurve_format", &T::format,
           {{"long", LightCurveFormat::long_csv},
            {"fermi-lcr", LightCurveFormat::fermi_lcr},
            {"4fgl-yearly", LightCurveFormat::fermi_yearly}},
           "long (source,band,mjd,flux,flux_err[,upper_limit]), fermi-lcr (LCR exports, band "
           "fermi) or 4fgl-yearly (band fermi_yearly)");
  need(t.add("band", &T::band, "", "light-curve band label to analyse"));
  t.choice("region", &T::region, region_words(), "shape of the alert regions")
      .add("flare_cut", &T::flare_cut, "",
           "flare-level cut c: points with L < c contribute 0 (paper: 1.5, 2.5)")
      .include(&T::cuts, coincidence::SelectionCuts::options())
      .names("exclude", &T::exclude, "comma-separated source names to leave out (paper §5.2)");
  return t;
}

} // namespace

const core::OptionTable<TemporalSelection>& temporal_selection_options(bool required,
                                                                       bool with_sources) {
  static const auto full = make_table(true, true);
  static const auto optional = make_table(false, false);
  if (required != with_sources)
    throw core::Error("internal: temporal selection options for this combination");
  return required ? full : optional;
}

//! The reading itself, on the rank that reads; long-CSV light curves come
//! from `long_csv`, read in parts by every rank.
static TemporalInputs read_temporal_inputs_here(const TemporalSelection& s,
                                                LongCsvParts& long_csv) {
  TemporalInputs in;
  in.alerts = coincidence::select_alerts(
      io::select_alerts(io::read_alerts(s.alerts), s.alert_selection), s.cuts);
  in.files.emplace_back(s.alerts);
  const auto catalog = io::read_catalog(s.sources);
  in.files.emplace_back(s.sources);
  if (catalog.size() == 0)
    throw core::InputError(s.sources, 0, "", "no sources");

  std::vector<io::LightCurve> curves;
  const auto read = [&](std::size_t k) -> std::vector<io::LightCurve> {
    const std::string& f = s.lightcurves[k];
    switch (s.format) {
    case LightCurveFormat::long_csv:
      return long_csv.take(k);
    case LightCurveFormat::fermi_lcr:
      return {io::read_fermi_lcr(f)};
    case LightCurveFormat::fermi_yearly:
      return io::read_4fgl_flux_history(f);
    }
    return {};
  };
  for (std::size_t k = 0; k < s.lightcurves.size(); ++k) {
    auto c = read(k);
    curves.insert(curves.end(), std::make_move_iterator(c.begin()),
                  std::make_move_iterator(c.end()));
  }
  in.files.insert(in.files.end(), s.lightcurves.begin(), s.lightcurves.end());
  in.series = coincidence::build_series(catalog, curves, s.band, s.cuts, s.exclude, &in.report);
  if (in.series.empty())
    throw core::InputError(s.sources, 0, "band " + s.band,
                           "no source passes the cuts with a light curve in this band");
  if (in.alerts.empty())
    throw core::InputError(s.alerts, 0, "", "no alert passes the cuts");
  return in;
}

//! How TemporalInputs travel from the rank that read them (serialize.hpp).
template <class A, Record<TemporalInputs> R>
void fields(A& a, R& in) {
  a(in.alerts, in.series, in.report, in.files);
}

TemporalInputs read_temporal_inputs(const TemporalSelection& selection, MPI_Comm comm) {
  LongCsvParts long_csv(comm, selection.format == LightCurveFormat::long_csv
                                  ? selection.lightcurves
                                  : std::vector<std::string>{});
  return read_once(comm, [&] { return read_temporal_inputs_here(selection, long_csv); });
}

SpatialInputs read_spatial_inputs(const std::vector<std::string>& event_files,
                                  const std::string& sources_file, MPI_Comm comm, Deliver events) {
  SpatialInputs in;
  if (events == Deliver::first_rank)
    in.seasons = read_event_parts_once(comm, event_files);
  else
    in.events = read_events_once(comm, event_files, events);
  in.files.assign(event_files.begin(), event_files.end());
  in.catalog = read_once(comm, [&] { return io::read_catalog(sources_file); });
  in.files.emplace_back(sources_file);
  if (in.catalog.size() == 0)
    throw core::InputError(sources_file, 0, "", "no sources");
  in.groups = campaign::source_groups(in.catalog);
  return in;
}

SimultaneityInputs read_simultaneity_inputs(const std::string& alerts_file,
                                            const io::AlertSelection& selection,
                                            const std::string& sources_file,
                                            const std::string& rho_file, MPI_Comm comm) {
  SimultaneityInputs in;
  in.alerts =
      io::select_alerts(read_once(comm, [&] { return io::read_alerts(alerts_file); }), selection);
  const auto catalog = read_once(comm, [&] { return io::read_catalog(sources_file); });
  const auto rho = read_once(comm, [&] { return io::read_rho_table(rho_file); });
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    const auto it = rho.find(catalog.name[i]);
    coincidence::RhoSource s;
    s.ra_deg = catalog.ra_deg[i];
    s.dec_deg = catalog.dec_deg[i];
    s.rho = it == rho.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
    s.warm_spot = i < catalog.warm_spot.size() && catalog.warm_spot[i] != 0;
    in.sources.push_back(s);
  }
  return in;
}

} // namespace nuflare::campaign
