#pragma once
//! What `nuflare temporal`, `nuflare scan` and `nuflare sensitivity --test
//! temporal` share: the input and selection options of the time test and the
//! reading of alerts and flare series (blazar paper §5).
#include "cli.hpp"

#include "nuflare/coincidence/temporal.hpp"
#include "nuflare/io/records.hpp"

#include <filesystem>
#include <vector>

namespace nuflare::app {

//! Selected alerts and flare series, and the files they came from.
struct TemporalInputs {
  std::vector<io::Alert> alerts;                //!< after the cuts
  std::vector<coincidence::FlareSeries> series; //!< selected sources with light curves
  coincidence::SeriesReport report;
  std::vector<std::filesystem::path> files; //!< hashed into the archive
};

//! --alerts, [--sources,] --lightcurves, --lightcurve-format, --band, --region,
//! --flare-cut, the selection cuts and --exclude. `required` marks the input
//! files and the band required (temporal, scan); `with_sources` = false leaves
//! --sources to the caller (sensitivity, where both tests share it).
void add_temporal_selection_options(po::options_description& desc, bool required = true,
                                    bool with_sources = true);

//! The selection options plus --trials, --seed, --output and the campaign
//! options: the full input set of `temporal` and `scan`.
void add_temporal_input_options(po::options_description& desc);

//! Reads --alerts, --sources and --lightcurves and applies the cuts, once, on
//! rank 0 (campaign::read_once: the others receive the series), before any
//! archive exists, so bad input leaves no output behind. No series or no
//! alert is an error.
TemporalInputs read_temporal_inputs(const Invocation& inv);

} // namespace nuflare::app
