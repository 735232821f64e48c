// One control trial of R(t) (blazar paper §5.1.2): draw the sample, pair each source with
// a random alert time, R at every shift. Reads the data run.py writes, prints
// the mean time per trial and trial 0's R values for run.py to compare with
// its numpy reference (bench/temporal/run.py).
#include "nuflare/campaign/temporal_campaign.hpp"
#include "nuflare/coincidence/temporal.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

using namespace nuflare;

namespace {

//! Mean seconds per control trial with the table loop `simd` over `reps`
//! trials; `r` gets R(t) of the trial given by (dp, da).
double seconds_per_trial(const std::vector<coincidence::FlareSeries>& series,
                         const std::vector<std::uint32_t>& pool,
                         const std::vector<double>& alert_mjd, const std::vector<double>& shifts,
                         double delta_t, coincidence::SimdLevel simd,
                         const std::vector<std::uint32_t>& dp, const std::vector<std::uint32_t>& da,
                         int reps, std::vector<double>& r) {
  const coincidence::ControlEngine engine(series, pool, alert_mjd, shifts, delta_t, 0.0, simd);
  r.assign(shifts.size(), 0.0);
  engine.evaluate(dp, da, r); // trial 0 as given, for the comparison
  std::vector<std::uint32_t> p(dp.size()), a(dp.size());
  std::vector<double> out(shifts.size());
  double sink = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int g = 0; g < reps; ++g) {
    campaign::draw_control(1, static_cast<std::uint64_t>(g), pool.size(), alert_mjd.size(), p, a);
    engine.evaluate(p, a, out);
    sink += out[shifts.size() / 2];
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "checksum %.6g\n", sink); // keeps the trials from being optimised away
  return secs / reps;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_temporal DATA.txt [reps]\n";
    return 2;
  }
  // DATA.txt: "n_pool n_points n_draw delta_t n_alerts n_shifts", alert times,
  // shifts, then per pool source its times and levels; then the draws of
  // trial 0 (pool index, alert index) so that both sides evaluate one sample.
  std::ifstream in(argv[1]);
  std::size_t n_pool, n_pts, n_draw, n_alerts, n_shifts;
  double delta_t;
  in >> n_pool >> n_pts >> n_draw >> delta_t >> n_alerts >> n_shifts;
  std::vector<double> alert_mjd(n_alerts), shifts(n_shifts);
  for (auto& t : alert_mjd)
    in >> t;
  for (auto& s : shifts)
    in >> s;
  std::vector<coincidence::FlareSeries> series(n_pool);
  for (auto& s : series) {
    s.mjd.resize(n_pts);
    s.level.resize(n_pts);
    for (auto& t : s.mjd)
      in >> t;
    for (auto& l : s.level)
      in >> l;
  }
  std::vector<std::uint32_t> dp(n_draw), da(n_draw);
  for (std::size_t j = 0; j < n_draw; ++j)
    in >> dp[j] >> da[j];
  std::vector<std::uint32_t> pool(n_pool);
  for (std::size_t i = 0; i < n_pool; ++i)
    pool[i] = static_cast<std::uint32_t>(i);
  const int reps = argc > 2 ? std::atoi(argv[2]) : 20000;
  // The table loop is the caller's choice: the processor's best, or SSE2 with
  // NUFLARE_NO_AVX2 set, as `nuflare temporal` chooses. The SSE2 loop is timed
  // as well, and both must give the same bits.
  const auto simd = std::getenv("NUFLARE_NO_AVX2") ? coincidence::SimdLevel::sse2
                                                   : coincidence::best_simd_level();
  std::vector<double> r, r_sse2;
  const double secs =
      seconds_per_trial(series, pool, alert_mjd, shifts, delta_t, simd, dp, da, reps, r);
  const double secs_sse2 = seconds_per_trial(series, pool, alert_mjd, shifts, delta_t,
                                             coincidence::SimdLevel::sse2, dp, da, reps, r_sse2);
  std::printf("seconds_per_trial %.9g\n", secs);
  std::printf("simd %s\n", simd == coincidence::SimdLevel::avx2 ? "avx2" : "sse2");
  std::printf("seconds_per_trial_sse2 %.9g\n", secs_sse2);
  std::printf("loops_agree %d\n",
              std::memcmp(r.data(), r_sse2.data(), r.size() * sizeof(double)) == 0 ? 1 : 0);
  std::printf("r");
  for (double x : r)
    std::printf(" %.17g", x);
  std::printf("\n");
  return 0;
}
