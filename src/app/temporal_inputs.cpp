#include "temporal_inputs.hpp"

#include "nuflare/campaign/read_once.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/lightcurves.hpp"

#include <cstdint>
#include <limits>
#include <sstream>

namespace nuflare::app {

namespace {

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos)
      out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

//! A string option, required or not.
po::typed_value<std::string>* text(bool required) {
  auto* v = po::value<std::string>();
  return required ? v->required() : v;
}

} // namespace

void add_temporal_selection_options(po::options_description& desc, bool required,
                                    bool with_sources) {
  desc.add_options()("alerts", text(required), "alert catalogue (IceCat-1 CSV)");
  if (with_sources)
    desc.add_options()("sources", text(required),
                       "source catalogue (CSV name,ra,dec[,variability_index,...] or FITS)");
  auto* lightcurves = po::value<std::vector<std::string>>()->multitoken();
  desc.add_options()("lightcurves", required ? lightcurves->required() : lightcurves,
                     "light curves (see --lightcurve-format)")(
      "lightcurve-format", po::value<std::string>()->default_value("long"),
      "long (source,band,mjd,flux,flux_err[,upper_limit]), fermi-lcr (LCR exports, band "
      "fermi) or 4fgl-yearly (band fermi_yearly)")("band", text(required),
                                                   "light-curve band label to analyse")(
      "region", po::value<std::string>()->default_value("ellipse"), "ellipse or rectangle")(
      "flare-cut", real()->default_value(0.0),
      "flare-level cut c: points with L < c contribute 0 (paper: 1.5, 2.5)")(
      "min-abs-glat", real(NON_NEGATIVE), "keep |b| > value [deg] (paper: 10)")(
      "max-abs-dec", real(NON_NEGATIVE), "keep |dec| < value [deg] (paper: 40)")(
      "min-variability-index", real(), "keep variability index > value (paper, gamma-ray: 18.48)")(
      "min-detections", integer<std::size_t>(0, std::numeric_limits<std::uint32_t>::max()),
      "keep sources with at least this many detections (paper, X-ray/mm: 5)")(
      "min-mean-flux", real(), "keep sources with mean detected flux >= value")(
      "exclude", po::value<std::string>()->default_value(""),
      "comma-separated source names to leave out (paper §5.2)");
}

void add_temporal_input_options(po::options_description& desc) {
  add_temporal_selection_options(desc);
  desc.add_options()("trials", trials_value(10000),
                     "number of trials")("seed", seed_value(1), "master seed of the trial RNG")(
      "output", po::value<std::string>()->required(), "run archive RUN.h5");
  add_campaign_options(desc);
}

//! How TemporalInputs travel from the rank that read them (campaign/serialize.hpp).
template <class A, campaign::Record<TemporalInputs> R>
void fields(A& a, R& in) {
  a(in.alerts, in.series, in.report, in.files);
}

namespace {

TemporalInputs read_here(const Invocation& inv) {
  TemporalInputs in;
  coincidence::SelectionCuts cuts;
  if (inv.has("min-abs-glat"))
    cuts.min_abs_glat_deg = inv.get<double>("min-abs-glat");
  if (inv.has("max-abs-dec"))
    cuts.max_abs_dec_deg = inv.get<double>("max-abs-dec");
  if (inv.has("min-variability-index"))
    cuts.min_variability_index = inv.get<double>("min-variability-index");
  if (inv.has("min-detections"))
    cuts.min_detections = inv.get<std::size_t>("min-detections");
  if (inv.has("min-mean-flux"))
    cuts.min_mean_flux = inv.get<double>("min-mean-flux");

  const std::string alerts_file = inv.get<std::string>("alerts");
  in.alerts = coincidence::select_alerts(io::read_alerts(alerts_file), cuts);
  in.files.emplace_back(alerts_file);
  const std::string sources_file = inv.get<std::string>("sources");
  const auto catalog = io::read_catalog(sources_file);
  in.files.emplace_back(sources_file);
  if (catalog.size() == 0)
    throw core::InputError(sources_file, 0, "", "no sources");

  const std::string format = inv.get<std::string>("lightcurve-format");
  const auto lc_files = inv.get<std::vector<std::string>>("lightcurves");
  std::vector<io::LightCurve> curves;
  if (format == "long") {
    for (const auto& f : lc_files) {
      auto c = io::read_lightcurves_csv(f);
      curves.insert(curves.end(), std::make_move_iterator(c.begin()),
                    std::make_move_iterator(c.end()));
    }
  } else if (format == "fermi-lcr") {
    for (const auto& f : lc_files)
      curves.push_back(io::read_fermi_lcr(f));
  } else if (format == "4fgl-yearly") {
    for (const auto& f : lc_files) {
      auto c = io::read_4fgl_flux_history(f);
      curves.insert(curves.end(), std::make_move_iterator(c.begin()),
                    std::make_move_iterator(c.end()));
    }
  } else {
    inv.fail("lightcurve-format",
             "expected long, fermi-lcr or 4fgl-yearly, got \"" + format + "\"");
  }
  in.files.insert(in.files.end(), lc_files.begin(), lc_files.end());
  const auto exclude = split_names(inv.get<std::string>("exclude"));
  in.series = coincidence::build_series(catalog, curves, inv.get<std::string>("band"), cuts,
                                        exclude, &in.report);
  if (in.series.empty())
    throw core::InputError(sources_file, 0, "band " + inv.get<std::string>("band"),
                           "no source passes the cuts with a light curve in this band");
  if (in.alerts.empty())
    throw core::InputError(alerts_file, 0, "", "no alert passes the cuts");
  return in;
}

} // namespace

TemporalInputs read_temporal_inputs(const Invocation& inv) {
  return campaign::read_once(inv.comm, [&] { return read_here(inv); });
}

} // namespace nuflare::app
