// nuflare simulate: a synthetic sky in every input format nuflare reads
// (docs/methods.md (simulator)). Thin: options -> sim::SkyConfig -> simulate_sky ->
// write_sky on rank 0; the other ranks only learn whether it worked.
#include "cli.hpp"

#include "nuflare/campaign/gather.hpp"
#include "nuflare/campaign/run_output.hpp"
#include "nuflare/io/output_lock.hpp"
#include "nuflare/io/tables.hpp"
#include "nuflare/sim/config.hpp"
#include "nuflare/sim/sky.hpp"
#include "nuflare/sim/writers.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace nuflare::app {

struct SimulateRun {
  std::string output;
  bool overwrite = false;
  sim::SkyConfig sky;
};

const core::OptionTable<SimulateRun>& simulate_options() {
  using S = SimulateRun;
  static const auto table =
      core::OptionTable<S>()
          .add("output", &S::output, "", "output folder (written atomically)")
          .required()
          .output()
          .add("overwrite", &S::overwrite, "",
               "write into an existing output folder: one written by nuflare simulate is "
               "replaced whole, in any other only this sky's files are replaced")
          .implicit()
          .run_control()
          .include(&S::sky, sim::sky_options());
  return table;
}

namespace {

//! The files written and their rows (the printed table file,rows).
io::Table sky_files(const sim::SimulatedSky& sky, const sim::SkyConfig& config) {
  using File = std::pair<std::string, std::size_t>;
  std::vector<File> rows;
  const auto names = sim::output_files(sky);
  std::size_t k = 0;
  const auto add = [&](std::size_t n) { rows.emplace_back(names[k++], n); };
  for (const auto& s : sky.seasons) {
    add(s.events.size());
    add(s.runs.start_mjd.size());
    add(s.area.area_cm2.size());
  }
  std::size_t n_points = 0;
  for (const auto& lc : sky.lightcurves)
    n_points += lc.size();
  add(sky.alerts.size());
  add(sky.catalog.size());
  add(n_points);
  if (config.followup.enabled)
    add(sky.followup.size());
  add(sky.flares.size());
  add(sky.neutrino_sources.size());
  add(sky.alert_flares.size());
  return io::make_table(rows,
                        std::vector<io::ColumnOf<File>>{
                            {"file", "", "file written, relative to the output", &File::first},
                            {"rows", "", "data rows", &File::second},
                        });
}

} // namespace

int run_simulate(Invocation& inv, const SimulateRun& run) {
  // Every rank validates (so bad keys fail on all ranks together); rank 0
  // simulates and writes, then tells the others how it went.
  sim::validate(run.sky);
  const std::filesystem::path output = run.output;
  campaign::refuse_guarded_folder(output, inv.texts("config"));
  const io::OutputLock lock(output, inv.comm); // one simulate per folder at a time
  io::Table files;
  campaign::run_on_root(inv.comm, [&] {
    const std::filesystem::path dir = output.lexically_normal();
    const auto folder = dir.filename().empty() ? dir.parent_path() : dir;
    if (!run.overwrite && !folder.empty() && std::filesystem::exists(folder))
      inv.fail("output", folder.string() + " already exists (remove it or pass --overwrite)");
    const auto sky = sim::simulate_sky(run.sky);
    std::string provenance =
        "# nuflare simulate: the resolved configuration of this sky\n[simulate]\n";
    for (const auto& [key, value] : inv.resolved())
      if (key != "output")
        provenance += key + " = " + value + "\n";
    const auto written = sim::write_sky(sky, output, run.overwrite, provenance);
    if (written == sim::SkyWrite::updated)
      std::cerr << "nuflare simulate: note: " << output.string()
                << " was not written by nuflare simulate (no " << sim::SKY_MARKER
                << "): replaced only this sky's files, left everything else as it was\n";
    files = sky_files(sky, run.sky);
  });
  return inv.print_summary([&] { return files; });
}

Command simulate_command() {
  return make_command("simulate",
                      "write a synthetic sky in every input format (docs/methods.md, simulator)",
                      simulate_options, run_simulate, "--config deck.ini --output DIR",
                      "file,rows of every file written");
}

} // namespace nuflare::app
