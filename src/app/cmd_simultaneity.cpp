// nuflare simultaneity: mean simultaneity ratio ρ of potential neutrino
// sources against trials (blazar paper §6.2, Table 1, Fig. 10–11).
#include "cli.hpp"
#include "output.hpp"

#include "nuflare/campaign/read_once.hpp"
#include "nuflare/campaign/temporal_campaign.hpp"
#include "nuflare/coincidence/simultaneity.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/table_reader.hpp"

#include <cmath>
#include <iostream>
#include <limits>
#include <unordered_map>

namespace nuflare::app {

void add_simultaneity_options(po::options_description& desc) {
  desc.add_options()("alerts", po::value<std::string>()->required(),
                     "alert catalogue (IceCat-1 CSV)")(
      "sources", po::value<std::string>()->required(),
      "source catalogue CSV name,ra,dec[,warm_spot]")(
      "rho", po::value<std::string>()->required(),
      "CSV with columns source,rho[,band,class] (e.g. the stdout of nuflare flares)")(
      "factor", real(POSITIVE)->default_value(1.0), "containment factor of the rectangles")(
      "split-deg", real(NON_NEGATIVE)->default_value(1.0),
      "distance to the alert centre splitting the region subgroups [deg]")(
      "trials", trials_value(100000), "number of trials")("seed", seed_value(1),
                                                          "master seed of the trial RNG")(
      "output", po::value<std::string>()->required(), "run archive RUN.h5");
  add_campaign_options(desc);
}

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

int run_simultaneity(Invocation& inv) {
  const RunOutput output(inv);
  campaign::TemporalCampaignConfig config;
  config.n_trials = inv.get<std::uint64_t>("trials");
  config.seed = inv.get<std::uint64_t>("seed");
  config.runner = runner_options(inv);
  const double factor = inv.get<double>("factor");

  std::vector<std::filesystem::path> files;
  const std::string alerts_file = inv.get<std::string>("alerts");
  std::vector<io::Alert> alerts;
  for (auto& a : campaign::read_once(inv.comm, [&] { return io::read_alerts(alerts_file); }))
    if (!a.retracted)
      alerts.push_back(a);
  files.emplace_back(alerts_file);
  const std::string sources_file = inv.get<std::string>("sources");
  const auto catalog =
      campaign::read_once(inv.comm, [&] { return io::read_catalog(sources_file); });
  files.emplace_back(sources_file);
  const std::string rho_file = inv.get<std::string>("rho");
  const auto rho = campaign::read_once(inv.comm, [&] { return read_rho(rho_file); });
  files.emplace_back(rho_file);
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
  write_run_archive(inv, output, inv.run_info(config.seed, files), [&](io::Archive& archive) {
    result = campaign::run_simultaneity_campaign(archive, inv.comm, sources, alerts, factor,
                                                 inv.get<double>("split-deg"), config);
    if (!archive.exists("/simultaneity/summary"))
      archive.write_table("/simultaneity/summary", campaign::simultaneity_summary_table(result));
  });
  if (inv.prints())
    to_text(campaign::simultaneity_summary_table(result)).print_csv(std::cout);
  return 0;
}

} // namespace nuflare::app
