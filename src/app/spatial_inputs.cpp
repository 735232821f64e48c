#include "spatial_inputs.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/icecube.hpp"

namespace nuflare::app {

SpatialInputs read_spatial_inputs(const std::vector<std::string>& event_files,
                                  const std::string& sources_file) {
  SpatialInputs in;
  in.events = io::read_icecube_events(event_files);
  in.files.assign(event_files.begin(), event_files.end());
  in.catalog = io::read_catalog(sources_file);
  in.files.emplace_back(sources_file);
  if (in.catalog.size() == 0)
    throw core::InputError(sources_file, 0, "", "no sources");
  in.groups = campaign::source_groups(in.catalog);
  return in;
}

} // namespace nuflare::app
