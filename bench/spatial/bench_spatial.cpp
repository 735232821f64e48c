// Spatial trials (docs/methods.md; blazar paper §6.3) in-process: scramble the sources' RAs with
// the campaign's stream and count them in batches (campaign::ScrambledSkies),
// as `nuflare spatial` does, without process start-up, reading or the
// archive. Prints the median time
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
  campaign::ScrambledSkies skies(counter, 7, index.n_thresholds());
  std::vector<std::uint64_t> g(static_cast<std::size_t>(block));
  long checksum = 0;
  std::vector<double> per_trial, cpu_per_trial;
  const auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  };
  for (int b = 0; b < 7; ++b) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_now();
    for (std::size_t k = 0; k < g.size(); ++k)
      g[k] = static_cast<std::uint64_t>(b * block) + k;
    skies.count(g);
    for (std::size_t k = 0; k < g.size(); ++k)
      checksum += skies.n_near(k)[0];
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
