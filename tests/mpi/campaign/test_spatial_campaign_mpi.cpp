// The spatial campaign over MPI (docs/methods.md, blazar paper §6.3, docs/cli.md): per-trial counts
// in the archive and the summaries equal a serial recomputation from the trial indices, whatever
// the number of ranks. Registered at 1, 2 and 4 ranks.
#include "nuflare/campaign/spatial_campaign.hpp"

#include "nuflare_mpi.hpp"
#include "nuflare_sky.hpp"

#include <mpi.h>

#include <cmath>
#include <random>

using namespace nuflare;

namespace {

io::EventSample random_sky(std::size_t n) {
  return test::isotropic_events(n, 99, 4.6, 1.6, 3.0);
}

io::SourceCatalog catalog() {
  std::mt19937_64 gen(5);
  std::uniform_real_distribution<double> u(0, 1);
  io::SourceCatalog c;
  for (int i = 0; i < 40; ++i) {
    c.name.push_back("s" + std::to_string(i));
    c.ra_deg.push_back(360 * u(gen));
    c.dec_deg.push_back(std::asin(2 * u(gen) - 1) * 57.29577951308232);
    c.group.push_back(i % 3 == 0 ? "alpha" : "beta");
    c.warm_spot.push_back(0);
  }
  return c;
}

} // namespace

TEST_CASE("spatial campaign: archive and summaries are rank-invariant", "[spatial][mpi]") {
  const MPI_Comm comm = MPI_COMM_WORLD;
  const auto events = random_sky(3000);
  const auto cat = catalog();
  const auto groups = campaign::source_groups(cat);
  REQUIRE(groups.size() == 2);
  campaign::SpatialCampaignConfig cfg;
  // Not divisible by 2 or 4; on one rank the counter's batches are 256 + 45
  // skies (the campaign's rounds are at least 2048 trials).
  cfg.n_trials = 301;
  cfg.seed = 20240611;
  cfg.runner.quiet = true;
  const coincidence::SpatialIndex index(events, cfg.spatial);

  const auto path = test::shared_temp_dir("spatial", comm) / "spatial.h5";
  io::RunInfo info;
  info.analysis = "spatial";
  info.master_seed = cfg.seed;
  std::vector<campaign::SpatialGroupResult> results;
  {
    auto archive = io::Archive::create(path, comm, info);
    results = campaign::run_spatial_campaign(archive, comm, index, cat, groups, cfg);
    archive.write_table("/spatial/summary", campaign::spatial_summary_table(results));
    archive.commit();
  }
  MPI_Barrier(comm);

  // Serial reference from the trial indices alone.
  const auto archive = io::Archive::open_read(path);
  const std::size_t n_thr = index.n_thresholds();
  for (std::size_t j = 0; j < groups.size(); ++j) {
    std::vector<double> ra, dec;
    for (auto i : groups[j].members) {
      ra.push_back(cat.ra_deg[i]);
      dec.push_back(cat.dec_deg[i]);
    }
    coincidence::SpatialCounter counter(index, dec);
    std::vector<std::int64_t> expected(cfg.n_trials * n_thr), observed(n_thr);
    counter.count(ra, observed);
    for (std::uint64_t g = 0; g < cfg.n_trials; ++g) {
      campaign::scramble_ra(cfg.seed, g, ra);
      counter.count(ra, std::span<std::int64_t>(expected.data() + g * n_thr, n_thr));
    }
    const std::string base = "/spatial/" + groups[j].name;
    CHECK(archive.read<std::int64_t>(base + "/trials/n_near") == expected);
    CHECK(archive.read<std::int64_t>(base + "/n_observed") == observed);
    const auto ref = coincidence::summarize_trials(expected, observed);
    for (std::size_t k = 0; k < n_thr; ++k) {
      CHECK(results[j].summary[k].n_expected == ref[k].n_expected);
      CHECK(results[j].summary[k].sigma == ref[k].sigma);
      CHECK(results[j].summary[k].p_value == ref[k].p_value);
      CHECK(results[j].summary[k].p16 == ref[k].p16);
    }
  }
  const auto table = archive.read_table("/spatial/summary");
  CHECK(table.rows() == 2 * n_thr);
}
