#include "spatial_inputs.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/icecube.hpp"

namespace nuflare::app {

coincidence::SpatialConfig spatial_selection(const Invocation& inv) {
  // Each value's own range is checked as it is read (cli.hpp); the library
  // checks the order too, but here the error can name the deck line.
  require_order(inv, "log10e-min", "log10e-max", /*strict=*/false);
  coincidence::SpatialConfig c;
  c.log10e_min = inv.get<double>("log10e-min");
  c.log10e_max = inv.get<double>("log10e-max");
  c.log10e_step = inv.get<double>("log10e-step");
  c.max_angerr_deg = inv.get<double>("max-angerr");
  c.angerr_scale = inv.get<double>("angerr-scale");
  return c;
}

SpatialInputs read_spatial_inputs(const Invocation& inv, campaign::Deliver events) {
  SpatialInputs in;
  const auto event_files = inv.get<std::vector<std::string>>("events");
  in.events = campaign::read_events_once(inv.comm, event_files, events);
  in.files.assign(event_files.begin(), event_files.end());
  const std::string sources_file = inv.get<std::string>("sources");
  in.catalog = campaign::read_once(inv.comm, [&] { return io::read_catalog(sources_file); });
  in.files.emplace_back(sources_file);
  if (in.catalog.size() == 0)
    throw core::InputError(sources_file, 0, "", "no sources");
  in.groups = campaign::source_groups(in.catalog);
  return in;
}

} // namespace nuflare::app
