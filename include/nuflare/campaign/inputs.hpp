#pragma once
//! The inputs of the trial campaigns, read and selected before any archive
//! exists (so bad input leaves no output behind): the time test's alerts,
//! catalogue and light curves with the selection cuts of blazar paper §5
//! (`nuflare temporal`, `scan`, `sensitivity --test temporal`), and the
//! spatial test's events and source groups (§6.3: `spatial`, `sensitivity`).
#include "nuflare/campaign/read_once.hpp"
#include "nuflare/campaign/spatial_campaign.hpp"
#include "nuflare/coincidence/simultaneity.hpp"
#include "nuflare/coincidence/temporal.hpp"
#include "nuflare/core/options.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/records.hpp"
#include "nuflare/sky/region.hpp"

#include <mpi.h>

#include <filesystem>
#include <string>
#include <vector>

namespace nuflare::campaign {

//! The alert regions' shape, as decks and the command line spell it.
inline core::Choices<sky::RegionShape> region_words() {
  return {{"ellipse", sky::RegionShape::ellipse}, {"rectangle", sky::RegionShape::rectangle}};
}

//! The readers of the time test's light curves.
enum class LightCurveFormat { long_csv, fermi_lcr, fermi_yearly };

//! The inputs and selection of the time test.
struct TemporalSelection {
  std::string alerts;                   //!< IceCat-1 CSV
  io::AlertSelection alert_selection;   //!< which alerts (window, area, stream, signalness)
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

//! Reads the alerts, sources and light curves and applies the cuts, once, on
//! rank 0 of `comm` (read_once.hpp: the other ranks receive the result, or the
//! same error). No series or no alert is a core::InputError. Collective.
TemporalInputs read_temporal_inputs(const TemporalSelection& selection, MPI_Comm comm);

//! Events, the source catalogue and its groups, and the files they came from.
struct SpatialInputs {
  io::EventSample events;
  //! With Deliver::first_rank instead of `events`: rank 0's seasons, in order
  //! (read_event_parts_once), for SharedSpatialIndex to select from.
  std::vector<io::EventSample> seasons;
  io::SourceCatalog catalog;
  std::vector<campaign::SourceGroup> groups;
  std::vector<std::filesystem::path> files; //!< hashed into the archive
};

//! Reads the event files and the catalogue once per job (read_once.hpp); an
//! empty catalogue is a core::InputError. `events` says which ranks receive
//! the events: Deliver::first_rank where SharedSpatialIndex alone needs them,
//! as the seasons read (`seasons`, rank 0 only; `events` stays empty).
//! Collective.
SpatialInputs read_spatial_inputs(const std::vector<std::string>& event_files,
                                  const std::string& sources_file, MPI_Comm comm,
                                  Deliver events = Deliver::every_rank);

//! The alerts and sources of the simultaneity test (blazar paper §6.2).
struct SimultaneityInputs {
  std::vector<io::Alert> alerts; //!< after `selection`
  std::vector<coincidence::RhoSource>
      sources; //!< the catalogue's, in order, with ρ (NaN: not in both bands)
};

//! Reads the alerts (selected by `selection`), the catalogue and the ρ table
//! (io::read_rho_table) once per job (read_once.hpp), and gives each
//! catalogue source its ρ. Collective.
SimultaneityInputs read_simultaneity_inputs(const std::string& alerts_file,
                                            const io::AlertSelection& selection,
                                            const std::string& sources_file,
                                            const std::string& rho_file, MPI_Comm comm);

} // namespace nuflare::campaign
