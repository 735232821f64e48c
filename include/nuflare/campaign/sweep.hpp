#pragma once
//! The points of a parameter sweep read together (`nuflare table` over
//! several archives; jobs/README.md). Each point is an independent campaign
//! from one seed (global trial index p·N + k, README.md "Using it"), so the
//! best point's p-value is corrected for the K points tried with Šidák's
//! formula, exact for independent trial sets: 1 − (1 − p_best)^K.
#include "nuflare/io/archive.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace nuflare::campaign {

//! A sweep's tables stacked into one, and its best point.
struct SweepTable {
  io::Table table;     //!< an `archive` column (the label), then the points' columns
  double p_best;       //!< smallest p over the points (NaN when no table has one)
  std::string best;    //!< label of the point with p_best
  double post_trial_p; //!< 1 − (1 − p_best)^K
};

//! The smallest p-value a table reports: its post_trial_p column when it has
//! one (a scan corrects within its archive already), else its smallest
//! p_value; NaN when it has neither.
[[nodiscard]] double best_p_value(const io::Table& table);

//! Stacks `tables` (one per sweep point, labelled by `labels`) under a first
//! column `archive`. Tables whose columns differ from the first one's are a
//! core::InputError naming the label and `where`.
[[nodiscard]] SweepTable combine_sweep(const std::vector<std::string>& labels,
                                       const std::vector<io::Table>& tables,
                                       const std::string& where);

} // namespace nuflare::campaign
