#pragma once
//! Bayesian Blocks segmentation (Scargle et al. 2013), behaving like
//! astropy.stats.bayesian_blocks (astropy >= 5.2) except where astropy is wrong
//! (blazar paper §4.2.2).
#include "nuflare/core/options.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace nuflare::lightcurve {

//! The fitness functions of astropy (Scargle 2013 eq. 19, C23, 41).
enum class Fitness {
  measures,       //!< point measurements x ± sigma (default for light curves)
  events,         //!< binned or unbinned event times (x = integer counts)
  regular_events, //!< 0/1 events on a regular tick grid of width dt
};

//! Parses "measures", "events" or "regular_events"; throws core::ConfigError otherwise.
[[nodiscard]] Fitness parse_fitness(std::string_view name);
//! The name parse_fitness() accepts for `fitness`.
[[nodiscard]] std::string_view fitness_name(Fitness fitness) noexcept;

//! Prior and fitness choice. Precedence as astropy: ncp_prior > gamma > p0;
//! with none of them set p0 = 0.05 (astropy's default).
struct BlocksOptions {
  Fitness fitness = Fitness::measures;
  std::optional<double> p0;        //!< false-alarm probability (Scargle 2013 eq. 21)
  std::optional<double> gamma;     //!< prior slope; ncp_prior = -ln(gamma)
  std::optional<double> ncp_prior; //!< prior charged once per block
  double dt = 0;                   //!< tick length for regular_events [same unit as t]
  //! PELT pruning of start points that can never win again (every fitness;
  //! regular_events only when no interior cell is shorter than dt). Exact
  //! (same edges as the full O(N²) programme, see bayesian_blocks.cpp); off
  //! gives the plain programme.
  bool prune = true;

  //! The keys of the prior and the tick (docs/cli.md, `nuflare blocks`); the
  //! fitness is read with parse_fitness, whose messages astropy users know.
  static const core::OptionTable<BlocksOptions>& options();
};

inline const core::OptionTable<BlocksOptions>& BlocksOptions::options() {
  using B = BlocksOptions;
  static const auto table =
      core::OptionTable<B>()
          .add("p0", &B::p0, "", "false-alarm probability of the prior", core::OPEN_UNIT_INTERVAL)
          .no_default("0.05")
          .add("gamma", &B::gamma, "", "prior slope: ncp_prior = -ln(gamma)", core::POSITIVE)
          .add("ncp_prior", &B::ncp_prior, "", "prior charged per block (wins over gamma and p0)")
          .add("dt", &B::dt, "same as t", "tick length for regular_events", core::POSITIVE)
          .no_default("none");
  return table;
}

//! Result of one segmentation.
struct Blocks {
  std::vector<double> edges; //!< block edges, size n_blocks + 1 (a single edge for one unique time)
  //! Per block: inverse-variance weighted mean of x (measures, docs/methods.md, Bayesian Blocks),
  //! or the event rate counts / block length (events, regular_events; NaN for zero length).
  std::vector<double> flux;
  double ncp_prior = 0;     //!< prior actually used
  std::size_t n_unique = 0; //!< number of unique times (the N of the p0 prior)

  [[nodiscard]] std::size_t n_blocks() const noexcept { return flux.size(); }
};

//! ncp_prior = 4 - ln(73.53 p0 N^-0.478) (Scargle 2013 eq. 21 as corrected in
//! arXiv:1304.2818; docs/methods.md, Bayesian Blocks).
[[nodiscard]] double ncp_prior_from_p0(double p0, std::size_t n_unique);

//! The prior the options give for `n_unique` unique times (ncp_prior > gamma > p0).
[[nodiscard]] double resolve_ncp_prior(const BlocksOptions& options, std::size_t n_unique);

//! Segments (t, x, sigma). `x` may be empty for events (every time is one event;
//! repeated times are aggregated into counts as astropy does). `sigma` may be
//! empty (sigma = 1), have one element (shared error) or one per point. Input
//! need not be sorted: t, x and sigma are sorted together. Throws
//! core::InputError on bad data (non-finite values, sigma <= 0, duplicated
//! times with x given, non-integer counts) and core::ConfigError on bad options.
[[nodiscard]] Blocks bayesian_blocks(std::span<const double> t, std::span<const double> x,
                                     std::span<const double> sigma, const BlocksOptions& options);

} // namespace nuflare::lightcurve
