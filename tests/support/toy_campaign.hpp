#pragma once
//! The toy campaign of the TrialRunner tests (tests/mpi/campaign/): trial g's
//! rows are drawn from TrialRng(11, "toy", g) alone, so that any rank count,
//! any interruption and any resume must give the same rows
//! (docs/methods.md, "Random numbers").
#include "nuflare/campaign/rng.hpp"
#include "nuflare/campaign/runner.hpp"

#include "nuflare_catch.hpp"

#include <csignal>
#include <cstdint>

namespace nuflare::test::toy {

//! Trial `g`: a uniform and a normal number in `values`, an integer below 1000
//! in `counts`.
inline void toy_trial(std::uint64_t g, campaign::TrialRows& rows) {
  campaign::TrialRng rng(11, "toy", g);
  rows.f64[0][0] = rng.uniform();
  rows.f64[0][1] = rng.normal();
  rows.i64[0][0] = static_cast<std::int64_t>(rng.below(1000));
}

//! The toy campaign's run information (analysis "toy", master seed 11).
inline io::RunInfo toy_info() {
  io::RunInfo i;
  i.analysis = "toy";
  i.master_seed = 11;
  return i;
}

//! Quiet runs in rounds of 16 trials.
inline campaign::RunnerOptions toy_options() {
  campaign::RunnerOptions opts;
  opts.quiet = true;
  opts.round_trials = 16;
  return opts;
}

//! toy_options() resuming a partial archive.
inline campaign::RunnerOptions toy_resume_options() {
  campaign::RunnerOptions opts = toy_options();
  opts.resume = true;
  return opts;
}

//! The toy trial's datasets: `values` (uniform, normal) and `counts`.
struct ToyColumns {
  std::size_t values, counts;
};
inline ToyColumns declare_toy(campaign::TrialRunner& runner) {
  return {runner.add<double>("values", 2, "", "uniform and normal"),
          runner.add<std::int64_t>("counts", 1, "", "integer")};
}

//! Runs the toy trials with SIGTERM raised during trial `at` (on the rank
//! that computes it) and checks that the run stops with campaign::Interrupted.
inline void run_toy_until_sigterm(campaign::TrialRunner& runner, std::uint64_t at) {
  CHECK_THROWS_AS(runner.run([at](std::uint64_t g, campaign::TrialRows& rows) {
    if (g == at)
      std::raise(SIGTERM);
    toy_trial(g, rows);
  }),
                  campaign::Interrupted);
}

} // namespace nuflare::test::toy
