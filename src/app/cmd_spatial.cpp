// nuflare spatial: tracks around source groups with RA-scrambling trials
// (blazar paper §6.3, Table 2, Table 6, §7.4). Parses, reads the
// inputs, calls the library, writes the archive, prints the CSV on rank 0.
#include "cli.hpp"
#include "output.hpp"
#include "spatial_inputs.hpp"

#include "nuflare/campaign/read_once.hpp"
#include "nuflare/campaign/shared_spatial.hpp"
#include "nuflare/campaign/spatial_campaign.hpp"
#include "nuflare/coincidence/flux_limit.hpp"
#include "nuflare/coincidence/spatial.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/icecube.hpp"
#include "nuflare/sky/region.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <map>

namespace nuflare::app {

void add_spatial_options(po::options_description& desc) {
  desc.add_options()("events", po::value<std::vector<std::string>>()->multitoken()->required(),
                     "IceCube track files (one per season; plain, .gz or .xz)")(
      "sources", po::value<std::string>()->required(),
      "source catalogue CSV: name,ra,dec[,group][,warm_spot]")("trials", trials_value(100000),
                                                               "RA-scrambled trials per group")(
      "seed", seed_value(1), "master seed of the trial RNG")(
      "output", po::value<std::string>()->required(), "run archive RUN.h5")(
      "log10e-min", real()->default_value(4.8), "lowest threshold, log10(E/GeV)")(
      "log10e-max", real()->default_value(6.0), "highest threshold, log10(E/GeV)")(
      "log10e-step", real(POSITIVE)->default_value(0.1), "threshold step [dex]")(
      "max-angerr", real(POSITIVE)->default_value(5.0), "drop events with AngErr above this [deg]")(
      "angerr-scale", real(POSITIVE)->default_value(1.0), "circle radius = scale x AngErr")(
      "alerts", po::value<std::string>(),
      "alert catalogue (IceCat-1 CSV) for the potential-source counts (Table 2)")(
      "alert-factor", real(POSITIVE)->default_value(1.0),
      "scale of the alerts' 90% regions for Table 2")(
      "region", po::value<std::string>()->default_value("ellipse"),
      "alert region shape for Table 2: ellipse or rectangle")(
      "alerts-mjd-min", real(), "Table 2: only alerts at or after this MJD")(
      "alerts-mjd-max", real(),
      "Table 2: only alerts before this MJD (paper §3.1: up to the end of May 2021, 59366)")(
      "flux-uptime", po::value<std::vector<std::string>>()->multitoken(),
      "good-run lists of the seasons for the flux limit (paper §7.4)")(
      "flux-irfs", po::value<std::vector<std::string>>()->multitoken(),
      "effective-area tables (IC86_III..VII use IC86_II when absent)")(
      "flux-bins", po::value<std::string>()->default_value("4.8,5.0,5.2"),
      "edges of the flux-limit energy bins, log10(E/GeV)")(
      "flux-excess", real(NON_NEGATIVE)->default_value(10.0),
      "excess N attributed to the sources in each bin (eq. 2)")(
      "flux-index", real()->default_value(2.0), "spectral index gamma of E^-gamma")(
      "flux-pivot-gev", real(POSITIVE)->default_value(1e5), "pivot energy of phi0 [GeV]")(
      "flux-dec-average", po::value<std::string>()->default_value("solid_angle"),
      "declination average of A_eff: solid_angle or declination");
  add_campaign_options(desc);
}

namespace {

//! Flux limits per energy bin (paper §7.4), or none without --flux-uptime.
std::vector<campaign::FluxLimitRow> flux_limits(const Invocation& inv,
                                                std::vector<std::filesystem::path>& inputs) {
  if (!inv.has("flux-uptime"))
    return {};
  if (!inv.has("flux-irfs"))
    inv.fail("flux-uptime", "needs --flux-irfs (the effective areas of the seasons)");
  const auto weighting = coincidence::parse_dec_average(inv.get<std::string>("flux-dec-average"));
  std::map<std::string, coincidence::AveragedArea> areas;
  for (const auto& path : inv.get<std::vector<std::string>>("flux-irfs")) {
    const auto table = campaign::read_once(inv.comm, [&] { return io::read_effective_area(path); });
    areas[table.season] = coincidence::average_over_declination(table, weighting);
    inputs.emplace_back(path);
  }
  std::vector<coincidence::SeasonExposure> seasons;
  double livetime_days = 0;
  for (const auto& path : inv.get<std::vector<std::string>>("flux-uptime")) {
    const auto runs = campaign::read_once(inv.comm, [&] { return io::read_good_run_list(path); });
    inputs.emplace_back(path);
    auto it = areas.find(runs.season);
    // Release readme: the IC86-2012 area serves IC86-2012 … IC86-2017.
    if (it == areas.end() && runs.season.rfind("IC86_", 0) == 0 && runs.season != "IC86_I")
      it = areas.find("IC86_II");
    if (it == areas.end())
      throw core::InputError(path, 0, "season",
                             "no effective area given for season " + runs.season);
    seasons.push_back({runs.season, runs.livetime_days() * 86400.0, it->second});
    livetime_days += runs.livetime_days();
  }
  const auto edges = parse_number_list(inv, "flux-bins");
  if (edges.size() < 2)
    inv.fail("flux-bins", "need at least two edges");
  if (!std::is_sorted(edges.begin(), edges.end(), std::less_equal<>()))
    inv.fail("flux-bins", "the edges must increase");
  std::vector<campaign::FluxLimitRow> rows;
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    campaign::FluxLimitRow row;
    row.config.n_events = inv.get<double>("flux-excess");
    row.config.log10e_min = edges[i];
    row.config.log10e_max = edges[i + 1];
    row.config.spectral_index = inv.get<double>("flux-index");
    row.config.pivot_gev = inv.get<double>("flux-pivot-gev");
    row.livetime_days = livetime_days;
    row.limit = coincidence::flux_upper_limit(seasons, row.config);
    rows.push_back(row);
  }
  return rows;
}

} // namespace

int run_spatial(Invocation& inv) {
  const RunOutput output(inv);
  campaign::SpatialCampaignConfig config;
  config.spatial = spatial_selection(inv);
  config.n_trials = inv.get<std::uint64_t>("trials");
  config.seed = inv.get<std::uint64_t>("seed");
  config.runner = runner_options(inv);

  // Inputs first: a bad file or option fails before any archive exists.
  SpatialInputs in = read_spatial_inputs(inv, campaign::Deliver::first_rank);
  const io::SourceCatalog& catalog = in.catalog;
  const auto& groups = in.groups;
  std::vector<std::filesystem::path>& inputs = in.files;
  const campaign::SharedSpatialIndex index(inv.comm, in.events, config.spatial);
  in.events = {}; // the index holds what the trials need: free the rest

  std::vector<campaign::PotentialSourceRow> table2;
  if (inv.has("alerts")) {
    const std::string alerts_file = inv.get<std::string>("alerts");
    auto alerts = campaign::read_once(inv.comm, [&] { return io::read_alerts(alerts_file); });
    inputs.emplace_back(alerts_file);
    const double lo = inv.has("alerts-mjd-min") ? inv.get<double>("alerts-mjd-min") : -HUGE_VAL;
    const double hi = inv.has("alerts-mjd-max") ? inv.get<double>("alerts-mjd-max") : HUGE_VAL;
    if (inv.has("alerts-mjd-min") && inv.has("alerts-mjd-max"))
      require_order(inv, "alerts-mjd-min", "alerts-mjd-max", /*strict=*/true);
    std::erase_if(alerts, [&](const io::Alert& a) { return !(a.mjd >= lo && a.mjd < hi); });
    const auto shape = sky::parse_region_shape(inv.get<std::string>("region"));
    for (const auto& g : groups)
      table2.push_back(
          {g.name, coincidence::count_potential_sources(catalog, g.members, alerts,
                                                        inv.get<double>("alert-factor"), shape)});
  }
  const auto limits = flux_limits(inv, inputs);

  std::vector<campaign::SpatialGroupResult> results;
  write_run_archive(inv, output, inv.run_info(config.seed, inputs), [&](io::Archive& archive) {
    results = campaign::run_spatial_campaign(archive, inv.comm, index, catalog, groups, config);
    campaign::write_table_once(archive, "/spatial/summary",
                               campaign::spatial_summary_table(results));
    campaign::write_table_once(archive, "/spatial/table6", campaign::spatial_table6(results));
    if (!table2.empty())
      campaign::write_table_once(archive, "/spatial/table2", campaign::spatial_table2(table2));
    if (!limits.empty())
      campaign::write_table_once(archive, "/spatial/flux_limit",
                                 campaign::spatial_flux_limit_table(limits));
  });

  if (inv.prints()) {
    TextTable out({"group", "log10e_min", "n_observed", "n_expected", "sigma", "p_value"});
    for (const auto& r : results)
      for (std::size_t k = 0; k < r.summary.size(); ++k) {
        const auto& s = r.summary[k];
        out.add_row({r.group, format_number(r.thresholds_log10e[k]), std::to_string(s.n_observed),
                     format_number(s.n_expected), format_number(s.sigma),
                     format_number(s.p_value)});
      }
    out.print_csv(std::cout);
  }
  return 0;
}

} // namespace nuflare::app
