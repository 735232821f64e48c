// Spatial trials (SPEC §6, §7) in-process: scramble the sources' RAs with
// the campaign's stream and count them in batches of the runner's round
// (256 trials), as `nuflare spatial` does, without process start-up, reading
// or the archive. Prints the median time
// per trial over several timed blocks and N_obs of trial 0, for
// bench/spatial/run_bench.sh to compare with its numpy reference.
// usage: bench_spatial EVENTS SOURCES.csv [trials per block = 2000]
#include "nuflare/campaign/spatial_campaign.hpp"
#include "nuflare/coincidence/spatial.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/icecube.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <span>
#include <vector>

using namespace nuflare;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_spatial EVENTS SOURCES.csv [trials per block]\n";
    return 2;
  }
  const auto events = io::read_icecube_events(std::string(argv[1]));
  const auto catalog = io::read_catalog(argv[2]);
  const long block = argc > 3 ? std::atol(argv[3]) : 2000;
  const coincidence::SpatialIndex index(events, coincidence::SpatialConfig{});
  coincidence::SpatialCounter counter(index, catalog.dec_deg);
  constexpr long BATCH = 256; // RunnerOptions::round_trials: the runner's batch
  const std::size_t n_src = catalog.size(), n_thr = index.n_thresholds();
  std::vector<double> ra;
  std::vector<std::int64_t> n;
  long checksum = 0;
  std::vector<double> per_trial, cpu_per_trial;
  const auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  };
  std::uint64_t g = 0;
  for (int b = 0; b < 7; ++b) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_now();
    for (long k = 0; k < block; k += BATCH) {
      const auto m = static_cast<std::size_t>(std::min(BATCH, block - k));
      ra.resize(m * n_src);
      n.resize(m * n_thr);
      for (std::size_t j = 0; j < m; ++j)
        campaign::scramble_ra(7, g++, std::span<double>(ra).subspan(j * n_src, n_src));
      counter.count(ra, n);
      for (std::size_t j = 0; j < m; ++j)
        checksum += n[j * n_thr];
    }
    cpu_per_trial.push_back((cpu_now() - c0) / static_cast<double>(block));
    per_trial.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() /
        static_cast<double>(block));
  }
  std::sort(per_trial.begin(), per_trial.end());
  std::sort(cpu_per_trial.begin(), cpu_per_trial.end());
  std::printf("seconds_per_trial %.9g\n", per_trial[per_trial.size() / 2]);
  std::printf("cpu_seconds_per_trial %.9g\n", cpu_per_trial[cpu_per_trial.size() / 2]);
  std::printf("intervals %zu\n", counter.n_intervals());
  std::printf("checksum %ld\n", checksum);
  return 0;
}
