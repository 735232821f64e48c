// nuflare table: print an archive's summary table as CSV or Markdown
// (docs/archive-format.md); over several archives of a sweep, one table with
// the post-trial correction across the sweep (issue 7).
#include "cli.hpp"
#include "output.hpp"

#include "nuflare/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>

namespace nuflare::app {

void add_table_options(po::options_description& desc) {
  desc.add_options()("archive", po::value<std::vector<std::string>>()->multitoken()->required(),
                     "run archive(s) RUN.h5; several archives of a sweep give one table")(
      "analysis", po::value<std::string>()->required(),
      "analysis group in the archive (spatial, temporal, scan, flares, followup, ...)")(
      "table", po::value<std::string>()->default_value("summary"),
      "table inside the analysis group")("format", po::value<std::string>()->default_value("csv"),
                                         "csv or markdown");
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
  return archive.read_table("/" + analysis + "/" + name);
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

int run_table(Invocation& inv) {
  const auto archives = inv.get<std::vector<std::string>>("archive");
  const std::string analysis = inv.get<std::string>("analysis");
  const std::string name = inv.get<std::string>("table");
  const std::string format = inv.get<std::string>("format");
  if (archives.size() == 1) {
    const auto table = read_one(archives.front(), analysis, name);
    if (inv.prints())
      to_text(table).print(std::cout, format);
    return 0;
  }
  // A sweep: one archive per sweep point, each with its own independent trials
  // (docs/output-files.md: g = p·N + k). Rows are stacked under an `archive` column; the
  // sweep's post-trial p corrects the best point's p for the K points tried
  // (Šidák, exact for independent trial sets): 1 − (1 − p_best)^K.
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  double p_best = std::numeric_limits<double>::quiet_NaN();
  std::string best_archive;
  for (const auto& path : archives) {
    const auto table = read_one(path, analysis, name);
    const auto text = to_text(table);
    std::vector<std::string> names{"archive"};
    for (const auto& c : table.columns)
      names.push_back(c.name);
    if (header.empty())
      header = names;
    else if (names != header)
      throw core::InputError(path, 0, "/" + analysis + "/" + name,
                             "table columns differ from the first archive's");
    for (auto row : text.cells()) {
      row.insert(row.begin(), path);
      rows.push_back(std::move(row));
    }
    const double p = best_p(table);
    if (!std::isnan(p) && !(p_best <= p)) {
      p_best = p;
      best_archive = path;
    }
  }
  TextTable out(header);
  for (auto& r : rows)
    out.add_row(std::move(r));
  if (inv.prints()) {
    out.print(std::cout, format);
    if (!std::isnan(p_best)) {
      const double k = static_cast<double>(archives.size());
      const double post = -std::expm1(k * std::log1p(-p_best));
      std::cout << "# sweep: " << archives.size() << " archives; best p = " << format_number(p_best)
                << " (" << best_archive << "); post_trial_p=" << format_number(post) << '\n';
    }
  }
  return 0;
}

} // namespace nuflare::app
