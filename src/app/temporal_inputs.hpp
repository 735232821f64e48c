#pragma once
//! What `nuflare temporal`, `nuflare scan` and `nuflare sensitivity --test
//! temporal` share: the inputs and selection of the time test (blazar paper
//! §5) and their reading.
#include "cli.hpp"

#include "nuflare/coincidence/temporal.hpp"
#include "nuflare/io/records.hpp"
#include "nuflare/sky/region.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nuflare::app {

//! The alert regions' shape, as decks and the command line spell it.
inline core::Choices<sky::RegionShape> region_words() {
  return {{"ellipse", sky::RegionShape::ellipse}, {"rectangle", sky::RegionShape::rectangle}};
}

//! The readers of --lightcurves.
enum class LightCurveFormat { long_csv, fermi_lcr, fermi_yearly };

//! The inputs and selection of the time test.
struct TemporalSelection {
  std::string alerts;                   //!< IceCat-1 CSV
  std::string sources;                  //!< catalogue (CSV or FITS)
  std::vector<std::string> lightcurves; //!< light curves in `format`
  LightCurveFormat format = LightCurveFormat::long_csv;
  std::string band;
  sky::RegionShape region = sky::RegionShape::ellipse;
  double flare_cut = 0; //!< blazar paper §5: points with flare level below contribute 0
  coincidence::SelectionCuts cuts;
  std::vector<std::string> exclude; //!< source names left out (paper §5.2)
};

//! Its keys. `required` marks the input files and the band required
//! (temporal, scan); `with_sources` = false leaves `sources` to the caller
//! (sensitivity, where both tests share it).
const core::OptionTable<TemporalSelection>& temporal_selection_options(bool required = true,
                                                                       bool with_sources = true);

//! Selected alerts and flare series, and the files they came from.
struct TemporalInputs {
  std::vector<io::Alert> alerts;                //!< after the cuts
  std::vector<coincidence::FlareSeries> series; //!< selected sources with light curves
  coincidence::SeriesReport report;
  std::vector<std::filesystem::path> files; //!< hashed into the archive
};

//! Reads the alerts, sources and light curves and applies the cuts (before
//! any archive exists, so bad input leaves no output behind). No series or no
//! alert is an error.
TemporalInputs read_temporal_inputs(const TemporalSelection& selection);

} // namespace nuflare::app
