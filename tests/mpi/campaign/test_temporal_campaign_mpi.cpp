// Rank invariance of the time campaigns (docs/methods.md, docs/cli.md): the scan, control and
// simultaneity campaigns run over MPI must give, at 1, 2 and 4 ranks, exactly
// the per-trial rows and summaries that a serial loop over the same global
// trial indices gives.
#include "nuflare_mpi.hpp"

#include "nuflare/campaign/rng.hpp"
#include "nuflare/campaign/temporal_campaign.hpp"
#include "nuflare/sky/coordinates.hpp"

#include <mpi.h>

#include <cmath>
#include <cstring>

using namespace nuflare;

namespace {

struct Sky {
  std::vector<io::Alert> alerts;
  std::vector<coincidence::FlareSeries> series;
};

Sky make_sky() {
  campaign::TrialRng rng(5, "test.mpi.sky", 0);
  Sky s;
  for (int a = 0; a < 25; ++a) {
    io::Alert al;
    al.ra_deg = rng.uniform(0, 360);
    al.dec_deg = std::asin(rng.uniform(-0.64, 0.64)) / sky::DEG;
    al.ra_plus_deg = rng.uniform(2, 7);
    al.ra_minus_deg = rng.uniform(2, 7);
    al.dec_plus_deg = rng.uniform(2, 5);
    al.dec_minus_deg = rng.uniform(2, 5);
    al.mjd = 55000 + rng.uniform(0, 3000);
    s.alerts.push_back(al);
  }
  for (int i = 0; i < 400; ++i) {
    coincidence::FlareSeries x;
    x.name = "S" + std::to_string(i);
    x.ra_deg = rng.uniform(0, 360);
    x.dec_deg = std::asin(rng.uniform(-0.64, 0.64)) / sky::DEG;
    double t = 54500 + rng.uniform(0, 50);
    while (t < 58500) {
      x.mjd.push_back(t);
      x.level.push_back(std::exp(0.5 * rng.normal()));
      t += rng.uniform(30, 150);
    }
    s.series.push_back(std::move(x));
  }
  return s;
}

bool same(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

} // namespace

TEST_CASE("time campaigns equal a serial loop over global trials at any rank count",
          "[temporal][mpi]") {
  const MPI_Comm comm = MPI_COMM_WORLD;
  const auto dir = test::shared_temp_dir("temporal", comm);
  const Sky sky = make_sky();
  campaign::TemporalCampaignConfig config;
  config.n_trials = 97; // not a multiple of the rank counts
  config.seed = 42;
  config.runner.quiet = true;
  config.runner.round_trials = 16;

  const coincidence::ScanEngine scan(sky.series, sky.alerts, {20, 90, 400}, {1.0, 1.3},
                                     sky::RegionShape::ellipse, 1.5);
  const auto pairs =
      coincidence::make_pairs(sky.series, sky.alerts, 1.0, sky::RegionShape::ellipse);
  REQUIRE(!pairs.empty());
  std::vector<double> alert_mjd;
  for (const auto& a : sky.alerts)
    alert_mjd.push_back(a.mjd);
  const coincidence::ControlEngine control(
      sky.series,
      coincidence::outside_all_regions(sky.series, sky.alerts, 1.0, sky::RegionShape::ellipse),
      alert_mjd, coincidence::shift_grid(200, 1000), 400, 0.0);
  const std::size_t n_src = coincidence::distinct_sources(pairs);
  std::vector<coincidence::RhoSource> rho;
  for (std::size_t i = 0; i < sky.series.size(); ++i)
    rho.push_back({sky.series[i].ra_deg, sky.series[i].dec_deg,
                   i % 5 == 0 ? std::nan("") : static_cast<double>(i % 7) / 7.0, i % 23 == 0});

  io::RunInfo info;
  info.analysis = "temporal-test";
  info.master_seed = config.seed;
  const auto path = dir / "run.h5";
  campaign::ScanResult sr;
  campaign::ControlResult cr;
  campaign::SimultaneityResult mr;
  {
    auto archive = io::Archive::create(path, comm, info);
    sr = campaign::run_scan_campaign(archive, comm, scan, config);
    cr = campaign::run_control_campaign(archive, comm, control, pairs, n_src, config);
    mr = campaign::run_simultaneity_campaign(archive, comm, rho, sky.alerts, 1.0, 1.0, config);
    archive.write_table("/scan/summary", campaign::scan_summary_table(sr));
    archive.commit();
  }

  // Serial reference: every global trial in order on this rank alone.
  const std::size_t k_s = scan.n_points(), k_c = control.shifts_days().size();
  std::vector<double> scan_rows(config.n_trials * k_s), ctrl_rows(config.n_trials * k_c);
  std::vector<double> ra(sky.alerts.size());
  std::vector<std::int64_t> np(k_s);
  std::vector<std::uint32_t> dp(n_src), da(n_src);
  for (std::uint64_t g = 0; g < config.n_trials; ++g) {
    campaign::scramble_alert_ra(config.seed, campaign::SCAN_RA_STREAM, g, ra);
    scan.evaluate(ra, {scan_rows.data() + g * k_s, k_s}, np);
    campaign::draw_control(config.seed, g, control.pool_size(), control.n_alerts(), dp, da);
    control.evaluate(dp, da, {ctrl_rows.data() + g * k_c, k_c});
  }
  const auto archive = io::Archive::open_read(path);
  const auto stored_scan = archive.read<double>("/scan/trials/r0");
  const auto stored_ctrl = archive.read<double>("/temporal/trials/r");
  REQUIRE(stored_scan.size() == scan_rows.size());
  REQUIRE(stored_ctrl.size() == ctrl_rows.size());
  bool all_same = true;
  for (std::size_t i = 0; i < scan_rows.size(); ++i)
    all_same = all_same && same(stored_scan[i], scan_rows[i]);
  for (std::size_t i = 0; i < ctrl_rows.size(); ++i)
    all_same = all_same && same(stored_ctrl[i], ctrl_rows[i]);
  CHECK(all_same);

  for (std::size_t k = 0; k < k_s; ++k) {
    std::vector<double> col;
    for (std::uint64_t g = 0; g < config.n_trials; ++g)
      col.push_back(scan_rows[g * k_s + k]);
    CHECK(same(sr.p_value[k], campaign::right_tail_p(sr.r0[k], col)));
  }
  const double post =
      campaign::post_trial_p(sr.p_value, campaign::trial_min_p(scan_rows, k_s, 0, k_s));
  CHECK(same(sr.post_trial_p, post));
  const double post_c =
      campaign::post_trial_p(cr.p_value, campaign::trial_min_p(ctrl_rows, k_c, 0, k_c));
  CHECK(same(cr.post_trial_p, post_c));
  CHECK(mr.subgroup.size() == 3);
  CHECK(archive.read_table("/scan/summary").rows() == k_s);

  // The same numbers on every rank.
  double mine[3] = {sr.post_trial_p, cr.post_trial_p, mr.p_value[0]};
  double root[3];
  std::memcpy(root, mine, sizeof mine);
  MPI_Bcast(root, 3, MPI_DOUBLE, 0, comm);
  CHECK(std::memcmp(root, mine, sizeof mine) == 0);
}
