#include "nuflare/campaign/candidates_run.hpp"

#include "nuflare/core/validation.hpp"
#include "nuflare/io/tables.hpp"
#include "nuflare/io/ztf_candidates.hpp"
#include "nuflare/io/ztf_tables.hpp"

#include <cmath>
#include <limits>

namespace nuflare::campaign {

namespace {
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
} // namespace

const core::OptionTable<CandidatesOptions>& CandidatesOptions::options() {
  using C = CandidatesOptions;
  static const auto table =
      core::OptionTable<C>()
          .add("overview", &C::overview, "",
               "OVERVIEW_FU.csv: the followed-up alerts and their observed areas (ZTF paper §2)")
          .required()
          .paths()
          .add("tables", &C::tables, "",
               "folder of the per-alert candidate tables <alert>.csv (ZTF paper Appendix B)")
          .no_default("the folder of overview")
          .paths()
          .add("min_candidates_per_alert", &C::min_candidates_per_alert, "",
               "alerts with fewer candidates contribute none (3 gives the paper's 162 "
               "candidates, 1.05 per deg²; 0 the notebook's 172)",
               core::Count{0, 1000000})
          .add("cut_mag", &C::cut_mag, "mag",
               "bright/faint split of the classification efficiency (Fig. 3)")
          .add(
              "mag_lo", [](C& c) -> double& { return c.binning.lo; }, "mag",
              "lower edge of the Fig. 3 magnitude bins")
          .add(
              "mag_hi", [](C& c) -> double& { return c.binning.hi; }, "mag",
              "upper edge of the Fig. 3 magnitude bins")
          .add(
              "mag_width", [](C& c) -> double& { return c.binning.width; }, "mag",
              "width of the Fig. 3 magnitude bins", core::POSITIVE)
          .include(&C::out, OutputOptions::optional_options());
  return table;
}

CandidatesResult candidate_statistics(const CandidatesOptions& o) {
  CandidatesOptions::options().check_ranges(o);
  core::require_order("mag_lo", o.binning.lo, "mag_hi", o.binning.hi, true);
  const double n = (o.binning.hi - o.binning.lo) / o.binning.width;
  if (std::abs(n - std::round(n)) > 1e-9 * std::max(1.0, n) || std::round(n) < 1)
    throw core::FieldError("mag_width", "(mag_hi − mag_lo)/mag_width = " + io::format_number(n) +
                                            " is not a whole number of bins");
  CandidatesResult r;
  const auto alerts = io::read_overview_fu(o.overview);
  r.files.emplace_back(o.overview);
  std::vector<std::string> names;
  for (const auto& a : alerts)
    names.push_back(a.name);
  const std::string folder =
      o.tables ? *o.tables : std::filesystem::path(o.overview).parent_path().string();
  const auto candidates = io::read_ztf_candidate_tables(folder.empty() ? "." : folder, names);
  for (const auto& name : names)
    r.files.push_back(std::filesystem::path(folder) / (name + ".csv"));
  followup::CandidateOptions options;
  options.min_candidates_per_alert = o.min_candidates_per_alert;
  r.summary = followup::summarize_candidates(candidates, alerts, options);
  const auto counted = followup::select_candidates(candidates, options);
  r.magnitudes = followup::magnitude_histogram(counted, o.binning);
  r.split = followup::classification_efficiency(counted, o.cut_mag, o.binning);
  return r;
}

io::Table candidates_summary_table(const CandidatesResult& r) {
  struct Row {
    std::string section, label;
    std::int64_t count;
    double value;
  };
  const auto& s = r.summary;
  const auto n = [](std::size_t k) { return static_cast<std::int64_t>(k); };
  const double all = static_cast<double>(s.candidates);
  std::vector<Row> rows{
      {"summary", "candidates", n(s.candidates), s.per_deg2},
      {"summary", "interesting", n(s.interesting), s.interesting_per_deg2},
      {"summary", "alerts", n(s.alerts), NaN},
      {"summary", "alerts_without_candidates", n(s.alerts_without), NaN},
      {"summary", "observed_area_deg2", 0, s.observed_area_deg2},
  };
  for (std::size_t c = 0; c < followup::N_CANDIDATE_CLASSES; ++c)
    rows.push_back({"fig2", followup::to_string(static_cast<followup::CandidateClass>(c)),
                    n(s.per_class[c]), static_cast<double>(s.per_class[c]) / all});
  for (const auto& [label, count] : s.transient_subclasses)
    rows.push_back({"fig4", label, n(count), NaN});
  for (const auto& b : r.magnitudes)
    rows.push_back({"fig3", io::format_number(b.lo) + "-" + io::format_number(b.hi), n(b.total),
                    b.efficiency});
  rows.push_back({"fig3_split", "bright", n(r.split.bright), r.split.bright_efficiency()});
  rows.push_back({"fig3_split", "faint", n(r.split.faint), r.split.faint_efficiency()});
  for (const auto& a : s.per_alert)
    rows.push_back({"alert", a.alert, n(a.candidates), a.per_deg2});
  using C = io::ColumnOf<Row>;
  return io::make_table(
      rows,
      std::vector<C>{
          C("section", "", "summary, fig2, fig4, fig3, fig3_split or alert", &Row::section),
          C("label", "", "the quantity, class, subclass, magnitude bin or alert", &Row::label),
          C("count", "", "candidates", &Row::count),
          C("value", "",
            "per deg² (summary, alert), fraction (fig2), classified fraction (fig3, "
            "fig3_split), area [deg²] (observed_area_deg2); nan where none",
            &Row::value, 4),
      });
}

void write_candidates_archive(io::Archive& archive, const CandidatesResult& r) {
  archive.create_group("/candidates");
  io::write_summary_table(archive, "/candidates/summary", candidates_summary_table(r));
  using A = followup::AlertCandidateCount;
  io::write_summary_table(
      archive, "/candidates/per_alert",
      io::make_table(r.summary.per_alert,
                     std::vector<io::ColumnOf<A>>{
                         {"alert", "", "neutrino alert", &A::alert},
                         {"candidates", "", "candidates of the alert", &A::candidates},
                         {"area_deg2", "deg2", "observed area A_ZTF (eq. 1)", &A::area_deg2, 5},
                         {"per_deg2", "deg-2", "candidates per deg²", &A::per_deg2, 4},
                     }));
  using M = followup::MagnitudeBin;
  io::write_summary_table(
      archive, "/candidates/magnitudes",
      io::make_table(r.magnitudes,
                     std::vector<io::ColumnOf<M>>{
                         {"lo", "mag", "lower bin edge", &M::lo},
                         {"hi", "mag", "upper bin edge", &M::hi},
                         {"total", "", "candidates with their peak in the bin", &M::total},
                         {"classified", "", "of which classified", &M::classified},
                         {"efficiency", "", "classified / total (1 when empty)", &M::efficiency, 3},
                     }));
}

} // namespace nuflare::campaign
