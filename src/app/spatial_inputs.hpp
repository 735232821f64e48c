#pragma once
//! What `nuflare spatial` and `nuflare sensitivity` share: the event
//! selection options and the reading of events and source groups (blazar paper §6.3).
#include "cli.hpp"

#include "nuflare/campaign/read_once.hpp"
#include "nuflare/campaign/spatial_campaign.hpp"
#include "nuflare/coincidence/spatial.hpp"
#include "nuflare/io/records.hpp"

#include <filesystem>
#include <vector>

namespace nuflare::app {

//! Events, the source catalogue and its groups, and the files they came from.
struct SpatialInputs {
  io::EventSample events;
  io::SourceCatalog catalog;
  std::vector<campaign::SourceGroup> groups;
  std::vector<std::filesystem::path> files; //!< hashed into the archive
};

//! --log10e-min/max/step, --max-angerr and --angerr-scale (min <= max checked).
coincidence::SpatialConfig spatial_selection(const Invocation& inv);

//! Reads --events and --sources once, on rank 0 (campaign::read_once), before
//! any archive exists, so bad input leaves no output behind; an empty
//! catalogue is an input error. `events` says which ranks receive the events:
//! campaign::Deliver::first_rank where campaign::SharedSpatialIndex alone
//! needs them.
SpatialInputs read_spatial_inputs(const Invocation& inv,
                                  campaign::Deliver events = campaign::Deliver::every_rank);

} // namespace nuflare::app
