// nuflare simultaneity: mean simultaneity ratio ρ of potential neutrino
// sources against trials (blazar paper §6.2, Table 1, Fig. 10–11).
#include "cli.hpp"

#include "nuflare/campaign/runs.hpp"

#include "nuflare/campaign/read_once.hpp"
#include "nuflare/campaign/temporal_campaign.hpp"
#include "nuflare/coincidence/simultaneity.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/table_reader.hpp"
#include "nuflare/io/tables.hpp"

#include <iostream>
#include <limits>
#include <unordered_map>

namespace nuflare::app {

namespace {

//! ρ per source name. With a `band` column only the "multi" rows count; a
//! source flares in both bands when ρ > 0, or (with a `class` column) when its
//! class is not "none" (an NFS source flares in both with ρ = 0). Without a
//! class column every finite ρ counts. Others get NaN.
std::unordered_map<std::string, double> read_rho(const std::string& path) {
  io::TableReader t(path);
  const std::size_t c_src = t.require({"source", "name"});
  const std::size_t c_rho = t.require({"rho"});
  const auto c_band = t.find("band");
  const auto c_class = t.find("class");
  std::unordered_map<std::string, double> out;
  while (t.next()) {
    if (c_band && t.text(*c_band) != "multi")
      continue;
    const auto rho = t.optional_number(c_rho);
    double v = std::numeric_limits<double>::quiet_NaN();
    if (rho) {
      if (*rho < 0 || *rho > 1)
        t.fail(c_rho, "ρ must lie in [0, 1]");
      const bool both = !c_class || *rho > 0 || t.text(*c_class) != "none";
      if (both)
        v = *rho;
    }
    out[std::string(t.text(c_src))] = v;
  }
  return out;
}

} // namespace

int run_simultaneity(Invocation& inv, const campaign::SimultaneityRun& run) {
  check_sweep_point(inv, run.campaign.runner, run.campaign.n_trials);
  const auto output = claim_output(inv);
  const auto alerts =
      io::select_alerts(campaign::read_once(inv.comm, [&] { return io::read_alerts(run.alerts); }),
                        run.alert_selection);
  const auto catalog = campaign::read_once(inv.comm, [&] { return io::read_catalog(run.sources); });
  const auto rho = campaign::read_once(inv.comm, [&] { return read_rho(run.rho); });
  std::vector<coincidence::RhoSource> sources;
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    const auto it = rho.find(catalog.name[i]);
    coincidence::RhoSource s;
    s.ra_deg = catalog.ra_deg[i];
    s.dec_deg = catalog.dec_deg[i];
    s.rho = it == rho.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
    s.warm_spot = i < catalog.warm_spot.size() && catalog.warm_spot[i] != 0;
    sources.push_back(s);
  }

  campaign::SimultaneityResult result;
  output.write(
      inv.run_info(run.campaign.seed, {run.alerts, run.sources, run.rho}), inv.comm,
      [&](io::Archive& archive) {
        result = campaign::run_simultaneity_campaign(archive, inv.comm, sources, alerts, run.factor,
                                                     run.split_deg, run.campaign);
        campaign::write_table_once(archive, "/simultaneity/summary",
                                   campaign::simultaneity_summary_table(result));
      },
      campaign::Signals::checkpoint);
  return inv.print_summary([&] { return campaign::simultaneity_summary_table(result); });
}

Command simultaneity_command() {
  return make_command("simultaneity",
                      "mean simultaneity ratio of potential neutrino sources (blazar paper §6.2)",
                      campaign::SimultaneityRun::options, run_simultaneity,
                      "--alerts ALERTS.csv --sources SRC.csv --rho FLARES.csv --output RUN.h5",
                      "subgroup,n_sources,rho_mean_observed,rho_mean_trials,p_value");
}

} // namespace nuflare::app
