#pragma once
//! Multi-frequency flaring stages, simultaneity ratio and the NFS / CFS /
//! TXS-like classes (blazar paper §4.2.2,
//! §4.2.4, Fig. 1, 2, 10).
#include "nuflare/core/options.hpp"
#include "nuflare/lightcurve/intervals.hpp"

#include <cstddef>
#include <string_view>

namespace nuflare::lightcurve {

//! Class of a source with a high-energy and a low-energy light curve.
enum class FlareClass {
  none,     //!< no flare in at least one band, or no class matched
  nfs,      //!< non-simultaneous flaring source: both flare, ρ = 0
  cfs,      //!< correlated flaring source: ρ > 0.5
  txs_like, //!< TXS 0506+056-like: long low-energy flare after a short γ-ray flare
};

//! "none", "NFS", "CFS" or "TXS-like" (docs/cli.md).
[[nodiscard]] std::string_view class_name(FlareClass c) noexcept;

//! Every threshold of the classification (blazar paper §4.2), a config key each.
struct ClassOptions {
  double cfs_min_rho = 0.5;             //!< CFS: ρ > this
  double nfs_max_rho = 0.0;             //!< NFS: ρ <= this (0: no simultaneous stage)
  double txs_max_lag_days = 500;        //!< start(l) − end(h) < this
  double txs_max_pair_overlap = 0.25;   //!< overlap(h, l) <= this · |h ∪ l|
  std::size_t txs_max_gamma_in_low = 1; //!< l contains at most this many γ-ray flares
  double txs_max_rho = 0.25;            //!< whole-source ρ <= this

  //! The keys of the classification (docs/cli.md, `nuflare flares`).
  static const core::OptionTable<ClassOptions>& options();
};

inline const core::OptionTable<ClassOptions>& ClassOptions::options() {
  using C = ClassOptions;
  static const auto table =
      core::OptionTable<C>()
          .add("cfs_min_rho", &C::cfs_min_rho, "", "CFS: rho above this")
          .add("txs_max_lag", &C::txs_max_lag_days, "days",
               "TXS-like: start(l) - end(h) below this")
          .add("txs_max_overlap", &C::txs_max_pair_overlap, "",
               "TXS-like: overlap(h, l) at most this fraction of |h u l|")
          .add("txs_max_gamma_in_low", &C::txs_max_gamma_in_low, "",
               "TXS-like: gamma-ray flares inside l at most this", core::Count{0, 4294967295U})
          .add("txs_max_rho", &C::txs_max_rho, "", "TXS-like: source rho at most this");
  return table;
}

//! The flaring stages of one source, clipped to the common time span.
struct Stages {
  Interval common_span;     //!< overlap of the two light curves' spans [MJD]
  IntervalSet high;         //!< H: union of high-energy flare intervals (clipped)
  IntervalSet low;          //!< L: union of low-energy flare intervals (clipped)
  IntervalSet simultaneous; //!< H ∩ L
  IntervalSet high_only;    //!< H \ L
  IntervalSet low_only;     //!< L \ H
  double rho = 0;           //!< |H ∩ L| / |H ∪ L| (0 without flares)
};

//! Builds the stages from the individual flare intervals of each band and the
//! time spans [first, last point] of the two light curves.
[[nodiscard]] Stages flaring_stages(const IntervalSet& high_flares, const IntervalSet& low_flares,
                                    const Interval& high_span, const Interval& low_span);

//! Classifies in the order TXS-like, CFS, NFS (blazar paper §4.2). The flare lists are
//! the individual flare intervals of each band (clipped to the common span
//! inside); `stages` comes from flaring_stages() on the same lists.
[[nodiscard]] FlareClass classify(const Stages& stages, const IntervalSet& high_flares,
                                  const IntervalSet& low_flares, const ClassOptions& options = {});

} // namespace nuflare::lightcurve
