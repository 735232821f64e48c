// nuflare table: print an archive's summary table as CSV or Markdown (SPEC §10, §11).
#include "cli.hpp"
#include "output.hpp"

#include "nuflare/core/error.hpp"

#include <iostream>

namespace nuflare::app {

void add_table_options(po::options_description& desc) {
  desc.add_options()("archive", po::value<std::string>()->required(), "run archive (RUN.h5)")(
      "analysis", po::value<std::string>()->required(),
      "analysis group in the archive (spatial, temporal, scan, flares, followup, ...)")(
      "table", po::value<std::string>()->default_value("summary"),
      "table inside the analysis group")(
      "format", po::value<std::string>()->default_value("csv"), "csv or markdown");
}

int run_table(Invocation& inv) {
  const auto archive = io::Archive::open_read(inv.get<std::string>("archive"));
  const std::string analysis = inv.get<std::string>("analysis");
  if (!archive.exists("/" + analysis)) {
    std::string have;
    for (const auto& name : archive.list("/"))
      if (name != "config" && name != "inputs")
        have += (have.empty() ? "" : ", ") + name;
    throw core::InputError(inv.get<std::string>("archive"), 0, "--analysis " + analysis,
                           "no such analysis in the archive (it has: " + have + ")");
  }
  const auto table = archive.read_table("/" + analysis + "/" + inv.get<std::string>("table"));
  if (inv.prints())
    to_text(table).print(std::cout, inv.get<std::string>("format"));
  return 0;
}

} // namespace nuflare::app
