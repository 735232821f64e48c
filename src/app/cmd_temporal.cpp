// nuflare temporal: R(t) around alert times with control-sample trials
// (SPEC §8, §11; blazar paper §5, Fig. 4–8). Parses, reads the inputs, calls
// the library, writes the archive, prints the CSV on rank 0. Also holds the
// input handling that `nuflare scan` shares.
#include "cli.hpp"
#include "output.hpp"

#include "nuflare/campaign/temporal_campaign.hpp"
#include "nuflare/coincidence/temporal.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/lightcurves.hpp"
#include "nuflare/sky/region.hpp"

#include <iostream>
#include <sstream>

namespace nuflare::app {

//! What `temporal` and `scan` read: selected alerts and flare series.
struct TemporalInputs {
  std::vector<io::Alert> alerts;                //!< after the cuts
  std::vector<coincidence::FlareSeries> series; //!< selected sources with light curves
  coincidence::SeriesReport report;
  std::vector<std::filesystem::path> files;
};

//! Options both commands share: inputs, band, cuts, exclusion.
void add_temporal_input_options(po::options_description& desc) {
  desc.add_options()("alerts", po::value<std::string>()->required(),
                     "alert catalogue (IceCat-1 CSV)")(
      "sources", po::value<std::string>()->required(),
      "source catalogue (CSV name,ra,dec[,variability_index,...] or FITS)")(
      "lightcurves", po::value<std::vector<std::string>>()->multitoken()->required(),
      "light curves (see --lightcurve-format)")(
      "lightcurve-format", po::value<std::string>()->default_value("long"),
      "long (source,band,mjd,flux,flux_err[,upper_limit]), fermi-lcr (LCR exports, band "
      "fermi) or 4fgl-yearly (band fermi_yearly)")("band", po::value<std::string>()->required(),
                                                   "light-curve band label to analyse")(
      "region", po::value<std::string>()->default_value("ellipse"), "ellipse or rectangle")(
      "flare-cut", po::value<double>()->default_value(0.0),
      "flare-level cut c: points with L < c contribute 0 (paper: 1.5, 2.5)")(
      "min-abs-glat", po::value<double>(), "keep |b| > value [deg] (paper: 10)")(
      "max-abs-dec", po::value<double>(), "keep |dec| < value [deg] (paper: 40)")(
      "min-variability-index", po::value<double>(),
      "keep variability index > value (paper, gamma-ray: 18.48)")(
      "min-detections", po::value<std::size_t>(),
      "keep sources with at least this many detections (paper, X-ray/mm: 5)")(
      "min-mean-flux", po::value<double>(), "keep sources with mean detected flux >= value")(
      "exclude", po::value<std::string>()->default_value(""),
      "comma-separated source names to leave out (paper §5.2)")(
      "trials", po::value<std::uint64_t>()->default_value(10000), "number of trials")(
      "seed", po::value<std::uint64_t>()->default_value(1), "master seed of the trial RNG")(
      "output", po::value<std::string>()->required(), "run archive RUN.h5");
  add_campaign_options(desc);
}

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

TemporalInputs read_temporal_inputs(const Invocation& inv) {
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
    throw core::ConfigError("--lightcurve-format: expected long, fermi-lcr or 4fgl-yearly, got \"" +
                            format + "\"");
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
  if (inv.get<std::uint64_t>("trials") == 0)
    throw core::ConfigError("--trials must be at least 1");
  return in;
}

void add_temporal_options(po::options_description& desc) {
  add_temporal_input_options(desc);
  desc.add_options()("delta-t", po::value<double>()->required(), "time window ΔT [days]")(
      "factor", po::value<double>()->default_value(1.0), "containment factor of the regions")(
      "shift-step", po::value<double>(), "shift grid step [days] (default ΔT/2; paper IR: 360)")(
      "max-shift", po::value<double>()->default_value(3600), "largest |shift| [days]");
}

int run_temporal(Invocation& inv) {
  const auto output = output_path(inv);
  campaign::TemporalCampaignConfig config;
  config.n_trials = inv.get<std::uint64_t>("trials");
  config.seed = inv.get<std::uint64_t>("seed");
  config.runner = runner_options(inv);
  const double delta_t = inv.get<double>("delta-t");
  if (!(delta_t > 0))
    throw core::ConfigError("--delta-t must be a positive number of days");
  const double factor = inv.get<double>("factor");
  if (!(factor > 0))
    throw core::ConfigError("--factor must be positive");
  const auto shape = sky::parse_region_shape(inv.get<std::string>("region"));
  const double step = inv.has("shift-step") ? inv.get<double>("shift-step") : delta_t / 2;
  const auto shifts = coincidence::shift_grid(step, inv.get<double>("max-shift"));

  // Inputs first: a bad file or option fails before any archive exists.
  const auto in = read_temporal_inputs(inv);
  const auto pairs = coincidence::make_pairs(in.series, in.alerts, factor, shape);
  const std::size_t n_sources = coincidence::distinct_sources(pairs);
  if (pairs.empty())
    throw core::InputError(inv.get<std::string>("sources"), 0, "",
                           "no selected source lies in an alert region");
  std::vector<double> alert_mjd;
  for (const auto& a : in.alerts)
    alert_mjd.push_back(a.mjd);
  const coincidence::ControlEngine engine(
      in.series, coincidence::outside_all_regions(in.series, in.alerts, factor, shape), alert_mjd,
      shifts, delta_t, inv.get<double>("flare-cut"));

  campaign::ControlResult result;
  write_run_archive(inv, output, inv.run_info(config.seed, in.files), [&](io::Archive& archive) {
    result = campaign::run_control_campaign(archive, inv.comm, engine, pairs, n_sources, config);
    if (!archive.exists("/temporal/summary"))
      archive.write_table("/temporal/summary", campaign::control_summary_table(result));
  });
  if (inv.prints()) {
    TextTable out(
        {"shift_days", "r_observed", "r_trial_mean", "r_trial_p16", "r_trial_p84", "p_value"});
    for (std::size_t k = 0; k < result.shift_days.size(); ++k)
      out.add_row({format_number(result.shift_days[k]), format_number(result.r_observed[k]),
                   format_number(result.r_trial_mean[k]), format_number(result.r_trial_p16[k]),
                   format_number(result.r_trial_p84[k]), format_number(result.p_value[k])});
    out.print_csv(std::cout);
    std::cerr << "nuflare temporal: " << in.series.size() << " sources with light curves, "
              << in.alerts.size() << " alerts, " << pairs.size() << " pairs (" << n_sources
              << " sources), control pool " << engine.pool_size() << ", post-trial p "
              << format_number(result.post_trial_p) << '\n';
  }
  return 0;
}

} // namespace nuflare::app
