// nuflare table: print an archive's summary table as CSV or Markdown
// (docs/archive-format.md); over several archives of a sweep, one table with
// the post-trial correction across the sweep (issue 7).
#include "cli.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/tables.hpp"

#include <cmath>
#include <iostream>
#include <limits>

namespace nuflare::app {

struct TableRun {
  std::vector<std::string> archive;
  std::string analysis;
  std::string table = "summary";
  std::string format = "csv";
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
               "csv (numbers exact) or markdown (each column at its display precision)");
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

//! The smallest p-value a table reports: its post-trial p when it has one
//! (scans correct within the archive already), else its smallest p_value.
double best_p(const io::Table& t) {
  for (const char* name : {"post_trial_p", "p_value"})
    for (const auto& c : t.columns)
      if (c.name == name) {
        if (const auto* v = std::get_if<std::vector<double>>(&c.values)) {
          double best = std::numeric_limits<double>::quiet_NaN();
          for (double p : *v)
            if (!std::isnan(p) && !(best <= p))
              best = p;
          return best;
        }
      }
  return std::numeric_limits<double>::quiet_NaN();
}

} // namespace

int run_table(Invocation& inv, const TableRun& run) {
  if (run.archive.size() == 1) {
    const auto table = read_one(run.archive.front(), run.analysis, run.table);
    if (inv.prints())
      io::print_table(std::cout, table, run.format);
    return 0;
  }
  // A sweep: one archive per sweep point, each with its own independent trials
  // (docs/output-files.md: g = p·N + k). Rows are stacked under an `archive`
  // column; the sweep's post-trial p corrects the best point's p for the K
  // points tried (Šidák, exact for independent trial sets): 1 − (1 − p_best)^K.
  io::Table sweep;
  double p_best = std::numeric_limits<double>::quiet_NaN();
  std::string best_archive;
  for (const auto& path : run.archive) {
    auto table = read_one(path, run.analysis, run.table);
    table.columns.insert(table.columns.begin(),
                         io::Column{"archive", std::vector<std::string>(table.rows(), path), "",
                                    "archive of the row"});
    if (sweep.columns.empty()) {
      sweep = table;
    } else {
      if (table.columns.size() != sweep.columns.size() ||
          !std::equal(table.columns.begin(), table.columns.end(), sweep.columns.begin(),
                      [](const io::Column& a, const io::Column& b) {
                        return a.name == b.name && a.values.index() == b.values.index();
                      }))
        throw core::InputError(path, 0, "/" + run.analysis + "/" + run.table,
                               "table columns differ from the first archive's");
      for (std::size_t c = 0; c < table.columns.size(); ++c)
        std::visit(
            [&](auto& into) {
              const auto& more = std::get<std::decay_t<decltype(into)>>(table.columns[c].values);
              into.insert(into.end(), more.begin(), more.end());
            },
            sweep.columns[c].values);
    }
    const double p = best_p(table);
    if (!std::isnan(p) && !(p_best <= p)) {
      p_best = p;
      best_archive = path;
    }
  }
  if (inv.prints()) {
    io::print_table(std::cout, sweep, run.format);
    if (!std::isnan(p_best)) {
      const double k = static_cast<double>(run.archive.size());
      const double post = -std::expm1(k * std::log1p(-p_best));
      std::cout << "# sweep: " << run.archive.size()
                << " archives; best p = " << io::format_number(p_best) << " (" << best_archive
                << "); post_trial_p=" << io::format_number(post) << '\n';
    }
  }
  return 0;
}

Command table_command() {
  return make_command(
      "table", "print a summary table of a run archive", table_options, run_table,
      "--archive RUN.h5... --analysis NAME [--table summary] [--format csv|markdown]",
      "the table as CSV (numbers exact) or Markdown (numbers at each column's "
      "precision); over several archives of a sweep, one table and a last line "
      "# sweep: ... post_trial_p=...");
}

} // namespace nuflare::app
