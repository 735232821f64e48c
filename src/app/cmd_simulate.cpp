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
    files = sim::output_files_table(sky);
  });
  return inv.print_summary([&] { return files; });
}

Binding simulate_command() {
  return make_binding(simulate_options, run_simulate);
}

} // namespace nuflare::app
