#pragma once
//! What `nuflare spatial` and `nuflare sensitivity` share: the reading of
//! events and source groups (blazar paper §6.3).
#include "nuflare/campaign/spatial_campaign.hpp"
#include "nuflare/io/records.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace nuflare::app {

//! Events, the source catalogue and its groups, and the files they came from.
struct SpatialInputs {
  io::EventSample events;
  io::SourceCatalog catalog;
  std::vector<campaign::SourceGroup> groups;
  std::vector<std::filesystem::path> files; //!< hashed into the archive
};

//! Reads the event files and the catalogue (before any archive exists, so bad
//! input leaves no output behind); an empty catalogue is an input error.
SpatialInputs read_spatial_inputs(const std::vector<std::string>& event_files,
                                  const std::string& sources_file);

} // namespace nuflare::app
