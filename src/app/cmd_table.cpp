// nuflare table: print an archive's summary table as CSV or Markdown
// (docs/archive-format.md); over several archives of a sweep, one table with
// the post-trial correction across the sweep (issue 7).
#include "cli.hpp"

#include "nuflare/campaign/sweep.hpp"
#include "nuflare/campaign/sweep_campaign.hpp"
#include "nuflare/io/tables.hpp"

#include <cmath>
#include <iostream>

namespace nuflare::app {

struct TableRun {
  std::vector<std::string> archive;
  std::string analysis;
  std::string table = "summary";
  std::string format = "csv";
  bool merge = false;
};

const core::OptionTable<TableRun>& table_options() {
  using T = TableRun;
  static const auto table =
      core::OptionTable<T>()
          .add("archive", &T::archive, "",
               "run archive(s) RUN.h5; several archives of a sweep give one table")
          .required()
          .paths()
          .add("analysis", &T::analysis, "",
               "analysis group in the archive (spatial, temporal, scan, flares, followup, ...)")
          .required()
          .add("table", &T::table, "", "table inside the analysis group")
          .add("format", &T::format, "",
               "csv (numbers exact) or markdown (each column at its display precision)")
          .add("merge", &T::merge, "",
               "the archives are job-array tasks of one nuflare sweep (trial ranges): merge "
               "their trials for the exact post-trial p (docs/methods.md \"Sweeps\")")
          .as_flag();
  return table;
}

namespace {

io::Table read_one(const std::string& path, const std::string& analysis, const std::string& name) {
  const auto archive = io::Archive::open_read(path);
  if (!archive.exists("/" + analysis)) {
    std::string have;
    for (const auto& member : archive.list("/"))
      if (member != "config" && member != "inputs")
        have += (have.empty() ? "" : ", ") + member;
    throw core::InputError(path, 0, "--analysis " + analysis,
                           "no such analysis in the archive (it has: " + have + ")");
  }
  return io::read_summary_table(archive, "/" + analysis + "/" + name);
}

} // namespace

int run_table(Invocation& inv, const TableRun& run) {
  if (run.merge) {
    // Tasks of one sweep that split the trial range: one exact correction.
    if (run.analysis != "sweep")
      inv.fail("merge", "merges nuflare sweep archives: give --analysis sweep");
    const auto merged = campaign::merge_sweep_archives(run.archive);
    if (inv.prints()) {
      io::print_table(std::cout, run.table == "points" ? merged.points : merged.summary,
                      run.format);
      std::cout << "# merged: " << run.archive.size() << " archives, " << merged.n_trials
                << " trials; " << campaign::to_string(merged.le) << '\n';
    }
    return 0;
  }
  if (run.archive.size() == 1) {
    const auto table = read_one(run.archive.front(), run.analysis, run.table);
    if (inv.prints())
      io::print_table(std::cout, table, run.format);
    return 0;
  }
  // A sweep: one archive per sweep point, each with its own independent
  // trials; one table and the post-trial p across the points (campaign/sweep.hpp).
  std::vector<io::Table> tables;
  for (const auto& path : run.archive)
    tables.push_back(read_one(path, run.analysis, run.table));
  const auto sweep =
      campaign::combine_sweep(run.archive, tables, "/" + run.analysis + "/" + run.table);
  if (inv.prints()) {
    io::print_table(std::cout, sweep.table, run.format);
    if (!std::isnan(sweep.p_best))
      std::cout << "# sweep: " << run.archive.size()
                << " archives; best p = " << io::format_number(sweep.p_best) << " (" << sweep.best
                << "); post_trial_p=" << io::format_number(sweep.post_trial_p) << '\n';
  }
  return 0;
}

Binding table_command() {
  return make_binding(table_options, run_table);
}

} // namespace nuflare::app
