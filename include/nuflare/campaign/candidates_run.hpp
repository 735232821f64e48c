#pragma once
//! ZTF candidate statistics from the command line (ZTF paper §2–3, Figs 2–4;
//! `nuflare candidates`; docs/methods.md, "ZTF candidate statistics"): the
//! followed-up alerts of the OVERVIEW_FU table with their observed areas, each
//! alert's candidate table, and out of them the counts per alert and per deg²,
//! the classes of Fig. 2, the transient subclasses of Fig. 4 and the
//! peak-magnitude histogram and classification efficiency of Fig. 3
//! (followup/candidates.hpp).
//!
//! Archive layout (docs/archive-format.md):
//!   /candidates/summary     the printed CSV: section,label,count,value
//!   /candidates/per_alert   alert, candidates, area_deg2, per_deg2
//!   /candidates/magnitudes  Fig. 3 bins: lo, hi, total, classified, efficiency
#include "nuflare/campaign/run_output.hpp"
#include "nuflare/core/options.hpp"
#include "nuflare/followup/candidates.hpp"
#include "nuflare/io/archive.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nuflare::campaign {

//! The inputs and settings of a candidate-statistics run.
struct CandidatesOptions {
  std::string overview;              //!< OVERVIEW_FU.csv: the followed-up alerts and areas
  std::optional<std::string> tables; //!< folder of <alert>.csv tables (default: overview's)
  std::size_t min_candidates_per_alert = 0;
  double cut_mag = 19.5;              //!< faint/bright split of Fig. 3 [mag]
  followup::MagnitudeBinning binning; //!< Fig. 3 bins
  OutputOptions out;                  //!< the archive, when asked for

  //! The keys (docs/cli.md, `nuflare candidates`).
  static const core::OptionTable<CandidatesOptions>& options();
};

//! Everything a run computes.
struct CandidatesResult {
  std::vector<std::filesystem::path> files; //!< every table read
  followup::CandidateSummary summary;
  std::vector<followup::MagnitudeBin> magnitudes;
  followup::EfficiencySplit split;
};

//! Reads the tables and computes the statistics; bad settings are
//! core::FieldErrors naming the key, bad tables core::InputErrors.
[[nodiscard]] CandidatesResult candidate_statistics(const CandidatesOptions& options);

//! The printed table, one row per number, columns section,label,count,value:
//!   summary   candidates / interesting (count, per deg²), alerts,
//!             alerts_without_candidates, observed_area_deg2 (value)
//!   fig2      each class of Fig. 2: count and fraction of all candidates
//!   fig4      each transient subclass: count
//!   fig3      each magnitude bin "lo-hi": candidates and classified fraction
//!   fig3_split  bright / faint of cut_mag: candidates and classified fraction
//!   alert     each followed-up alert: candidates and candidates per deg²
[[nodiscard]] io::Table candidates_summary_table(const CandidatesResult& result);

//! Writes the layout above (collective; every rank passes the same data).
void write_candidates_archive(io::Archive& archive, const CandidatesResult& result);

} // namespace nuflare::campaign
