// ZTF candidate statistics (ZTF paper §2–3, Figs 2–4): classification
// mapping, counts per class and per deg², the peak-magnitude histogram and the
// classification efficiency, first on a small hand-counted table, then pinned
// on the paper's 24 tables (MANIFEST.md §8 "Key numbers").
#include "nuflare/core/error.hpp"
#include "nuflare/followup/candidates.hpp"
#include "nuflare/followup/redshift.hpp"
#include "nuflare/io/ztf_tables.hpp"
#include "nuflare_catch.hpp"

#include <cmath>

using namespace nuflare;
using followup::CandidateClass;

namespace {

io::ZtfCandidate cand(const std::string& alert, const std::string& name, const std::string& label,
                      double mag) {
  io::ZtfCandidate c;
  c.alert = alert;
  c.name = name;
  c.classification = label;
  c.peak_mag = mag;
  return c;
}

io::Alert alert(const std::string& name, double area_deg2) {
  io::Alert a;
  a.name = name;
  a.area_obs_deg2 = area_deg2;
  return a;
}

// Ten candidates of three alerts (one alert without any), counted by hand:
// classes  artefact 1, star 2 (Star, CV), AGN variability 2, AGN flare 1,
//          transient 2 (SN Ia, TDE), unclassified 2 ("???", "Unclassified");
// magnitudes on the notebook bins (0.5 mag on [14, 22], faint = bin centre > 19.5):
//   bright (14 ≤ m < 19.5): 15.1 T, 18.0 S, 19.4 A(var)      -> 3, all classified
//   faint (19.5 ≤ m ≤ 22):  19.5 U, 19.9 Art, 20.2 Star, 21.0 U, 22.0 AGNflare -> 5, 3 classified
//   outside: 13.0 TDE, 22.1 AGN var                           -> 2
const std::vector<io::ZtfCandidate> SAMPLE{cand("A", "z1", "SN Ia", 15.1),
                                           cand("A", "z2", "Star", 18.0),
                                           cand("A", "z3", "AGN Variability?", 19.4),
                                           cand("A", "z4", "???", 19.5),
                                           cand("A", "z5", "Artifact\n", 19.9),
                                           cand("B", "z6", "CV", 20.2),
                                           cand("B", "z7", " Unclassified", 21.0),
                                           cand("B", "z8", "AGN?", 22.0),
                                           cand("B", "z9", "TDE", 13.0),
                                           cand("B", "z10", "AGN Variability (FP)", 22.1)};
const std::vector<io::Alert> ALERTS{alert("A", 2.0), alert("B", 3.0), alert("C", 5.0)};

} // namespace

TEST_CASE("classification labels map onto Fig. 2 and Fig. 4 classes", "[followup][candidates]") {
  using followup::classify;
  CHECK(classify("AGN").base == CandidateClass::agn_flare);
  CHECK(classify("AGN?").base == CandidateClass::agn_flare);
  CHECK(classify("AGN Variability?").base == CandidateClass::agn_variability);
  CHECK(classify("AGN Variability (FP)\n").base == CandidateClass::agn_variability);
  CHECK(classify("Star?").base == CandidateClass::star);
  CHECK(classify("CV???").base == CandidateClass::star);
  CHECK(classify("Artifact\n").base == CandidateClass::artefact);
  CHECK(classify("artifact?").base == CandidateClass::artefact);
  CHECK(classify("???").base == CandidateClass::unclassified);
  CHECK(classify("").base == CandidateClass::unclassified);
  CHECK(classify("Unclassified").base == CandidateClass::unclassified);
  const auto ia = classify("SNIa");
  CHECK(ia.base == CandidateClass::transient);
  CHECK(ia.subclass == "SN Ia");
  CHECK(classify("SN II/IIb").subclass == "SN II/IIb");
  CHECK(classify("II/IIb").subclass == "SN II/IIb");
  CHECK(classify("SN IIP").subclass == "SN IIP");
  CHECK(classify("Dwarf Nova").base == CandidateClass::transient);
  CHECK(classify("TDE").subclass == "TDE");
  const auto odd = classify("Galaxy");
  CHECK(odd.base == CandidateClass::other);
  CHECK(odd.subclass == "Galaxy");
  CHECK(followup::to_string(CandidateClass::agn_variability) == "AGN Variability");
}

TEST_CASE("candidate summary of a hand-counted table", "[followup][candidates]") {
  const auto s = followup::summarize_candidates(SAMPLE, ALERTS);
  CHECK(s.candidates == 10);
  CHECK(s.alerts == 3);
  CHECK(s.alerts_without == 1);
  CHECK(s.observed_area_deg2 == 10.0);
  CHECK(s.per_deg2 == 1.0);
  CHECK(s.count(CandidateClass::artefact) == 1);
  CHECK(s.count(CandidateClass::star) == 2);
  CHECK(s.count(CandidateClass::agn_variability) == 2);
  CHECK(s.count(CandidateClass::agn_flare) == 1);
  CHECK(s.count(CandidateClass::transient) == 2);
  CHECK(s.count(CandidateClass::unclassified) == 2);
  CHECK(s.count(CandidateClass::other) == 0);
  CHECK(s.interesting == 5);
  CHECK(s.interesting_per_deg2 == 0.5);
  REQUIRE(s.transient_subclasses.size() == 2);
  CHECK(s.transient_subclasses[0] == std::pair<std::string, std::size_t>{"SN Ia", 1});
  CHECK(s.transient_subclasses[1] == std::pair<std::string, std::size_t>{"TDE", 1});
  REQUIRE(s.per_alert.size() == 3);
  CHECK(s.per_alert[0].candidates == 5);
  CHECK(s.per_alert[0].per_deg2 == 2.5);
  CHECK(s.per_alert[1].candidates == 5);
  CHECK(s.per_alert[2].candidates == 0);

  SECTION("alerts with fewer candidates than a minimum contribute none, area stays") {
    auto few = SAMPLE;
    few.push_back(cand("C", "z11", "Star", 18.0));
    followup::CandidateOptions options;
    options.min_candidates_per_alert = 2;
    const auto t = followup::summarize_candidates(few, ALERTS, options);
    CHECK(t.candidates == 10);
    CHECK(t.observed_area_deg2 == 10.0);
    CHECK(followup::summarize_candidates(few, ALERTS).candidates == 11);
  }
  SECTION("a candidate of an unknown alert is a configuration error") {
    const std::vector<io::Alert> only_a{alert("A", 2.0)};
    CHECK_THROWS_AS(followup::summarize_candidates(SAMPLE, only_a), core::ConfigError);
  }
}

TEST_CASE("peak-magnitude histogram and classification efficiency", "[followup][candidates]") {
  const auto bins = followup::magnitude_histogram(SAMPLE);
  REQUIRE(bins.size() == 16);
  CHECK(bins.front().lo == 14.0);
  CHECK(bins.back().hi == 22.0);
  // 19.5 opens the bin [19.5, 20); 22.0 falls in the closed last bin.
  CHECK(bins[11].lo == 19.5);
  CHECK(bins[11].total == 2); // 19.5 U, 19.9 Artefact
  CHECK(bins[11].classified == 1);
  CHECK(bins[11].efficiency == 0.5);
  CHECK(bins[15].total == 1);
  CHECK(bins[0].total == 0);
  CHECK(bins[0].efficiency == 1.0); // empty bins plot at 1, as in the notebook

  const auto e = followup::classification_efficiency(SAMPLE);
  CHECK(e.bright == 3);
  CHECK(e.bright_classified == 3);
  CHECK(e.faint == 5);
  CHECK(e.faint_classified == 3);
  CHECK(e.outside == 2);
  CHECK(e.faint_efficiency() == 0.6);
  CHECK(e.bright_efficiency() == 1.0);

  // The plain reading: faint when m > 19.5, every candidate counted.
  const auto u = followup::classification_efficiency_unbinned(SAMPLE);
  CHECK(u.faint == 5); // 19.9, 20.2, 21.0, 22.0, 22.1
  CHECK(u.faint_classified == 4);
  CHECK(u.bright == 5);
  CHECK(u.outside == 0);

  const auto config = followup::step_efficiency(e, 21.0, 0.95);
  REQUIRE(config.steps.size() == 2);
  CHECK(config.steps[0].m_max == 19.5);
  CHECK(config.steps[1].efficiency == 0.6);
  CHECK(config.epsilon0 == 0.95);

  followup::MagnitudeBinning odd;
  odd.width = 0.3;
  CHECK_THROWS_AS(followup::magnitude_histogram(SAMPLE, odd), core::ConfigError);
}

TEST_CASE("ZTF candidate statistics of the paper", "[followup][candidates][data]") {
  const auto folder = test::data_file("nuztfpaper/followup_xlsx_as_csv");
  NUFLARE_REQUIRE_DATA(folder / "OVERVIEW_FU.csv");
  const auto alerts = io::read_overview_fu((folder / "OVERVIEW_FU.csv").string());
  std::vector<std::string> names;
  for (const auto& a : alerts)
    names.push_back(a.name);
  const auto candidates = io::read_ztf_candidate_tables(folder.string(), names);

  // §2: 172 candidates for 24 neutrinos over 154.33 deg²; the notebook's 1.11 per deg².
  const auto s = followup::summarize_candidates(candidates, alerts);
  CHECK(s.candidates == 172);
  CHECK(s.alerts == 24);
  CHECK(s.alerts_without == 4);
  CHECK(s.observed_area_deg2 == Approx(154.3278117602363).epsilon(1e-12));
  CHECK(s.per_deg2 == Approx(1.1145107161061754).epsilon(1e-12));
  // Fig. 2 and §2: Artefact 17, Star 17, AGN variability 84 -> 54 interesting
  // (5 AGN flares, 12 transients, 37 unclassified), 0.35 per deg².
  CHECK(s.count(CandidateClass::artefact) == 17);
  CHECK(s.count(CandidateClass::star) == 17);
  CHECK(s.count(CandidateClass::agn_variability) == 84);
  CHECK(s.interesting == 54);
  CHECK(s.count(CandidateClass::agn_flare) == 5);
  CHECK(s.count(CandidateClass::transient) == 12);
  CHECK(s.count(CandidateClass::unclassified) == 37);
  CHECK(s.count(CandidateClass::other) == 0);
  CHECK(s.interesting_per_deg2 == Approx(54 / 154.3278117602363));
  // Fig. 4: the 12 transients, four of them SNe Ia.
  const std::vector<std::pair<std::string, std::size_t>> fig4{
      {"Dwarf Nova", 1}, {"SN II", 2}, {"SN II/IIb", 1}, {"SN IIP", 1},
      {"SN Ia", 4},      {"SN Ic", 1}, {"TDE", 2}};
  CHECK(s.transient_subclasses == fig4);
  CHECK(s.per_alert[9].alert == "IC200530A");
  CHECK(s.per_alert[9].candidates == 41);

  // Fig. 3 / §2: 113 candidates fainter than 19.5 mag, 68.1 % classified (notebook).
  const auto e = followup::classification_efficiency(candidates);
  CHECK(e.faint == 113);
  CHECK(e.faint_classified == 77);
  CHECK(e.faint_efficiency() == Approx(77.0 / 113.0));
  CHECK(e.bright == 55);
  CHECK(e.bright_classified == 54);
  CHECK(e.outside == 4); // 12.9, 13.8 and two at 22.1
  const auto u = followup::classification_efficiency_unbinned(candidates);
  CHECK(u.faint == 111);
  CHECK(u.faint_classified == 77);

  // The paper's 1.05 per deg² and 106 fainter candidates: the 162 candidates of
  // the alerts with more than two candidates.
  followup::CandidateOptions early;
  early.min_candidates_per_alert = 3;
  const auto s162 = followup::summarize_candidates(candidates, alerts, early);
  CHECK(s162.candidates == 162);
  CHECK(s162.per_deg2 == Approx(1.0497135814488396).epsilon(1e-12));
  const auto e162 =
      followup::classification_efficiency(followup::select_candidates(candidates, early));
  CHECK(e162.faint == 106);
  CHECK(e162.faint_classified == 70);
}

TEST_CASE("P_detectable readings of the paper's numbers", "[followup][candidates]") {
  // ZTF paper §6: P_det(−21) = 26 % (SFR), 16 % (GRB); P_det(−17) = 5 %, 4 %.
  // The notebook: 30 % and 18 % at −21 (ε₀ = 1). nuflare's default: ε₀ = 0.95.
  const followup::RedshiftPdf sfr(followup::Evolution::sfr);
  const followup::RedshiftPdf grb(followup::Evolution::grb);
  const followup::DetectionModel notebook(followup::notebook_detection_config());
  const followup::DetectionModel paper(followup::DetectionConfig::ztf());
  CHECK(notebook.config().epsilon0 == 1.0);
  CHECK(notebook.p_detectable(sfr, -21) == Approx(0.2998).margin(5e-4));
  CHECK(notebook.p_detectable(grb, -21) == Approx(0.1811).margin(5e-4));
  CHECK(notebook.p_detectable(sfr, -17) == Approx(0.0474).margin(5e-4));
  CHECK(notebook.p_detectable(grb, -17) == Approx(0.0372).margin(5e-4));
  CHECK(paper.p_detectable(sfr, -21) == Approx(0.95 * notebook.p_detectable(sfr, -21)));

  // k = 0 is eq. 5 itself; k = 1 (constant f_λ) gives the four printed numbers.
  CHECK(followup::p_detectable_k_corrected(paper, sfr, -21, 0.0) ==
        Approx(paper.p_detectable(sfr, -21)).epsilon(1e-7));
  const auto k1 = [&](const followup::RedshiftPdf& pdf, double m) {
    return 100 * followup::p_detectable_k_corrected(notebook, pdf, m, 1.0);
  };
  CHECK(k1(sfr, -21) == Approx(26.00).margin(0.05));
  CHECK(k1(grb, -21) == Approx(16.13).margin(0.05));
  CHECK(k1(sfr, -17) == Approx(4.57).margin(0.01));
  CHECK(k1(grb, -17) == Approx(3.60).margin(0.01));
  CHECK(std::round(k1(sfr, -21)) == 26);
  CHECK(std::round(k1(grb, -21)) == 16);
  CHECK(std::round(k1(sfr, -17)) == 5);
  CHECK(std::round(k1(grb, -17)) == 4);
  CHECK_THROWS_AS(followup::p_detectable_k_corrected(paper, sfr, -21, -3.0), core::ConfigError);

  // The notebook's coarse grid (followup.grid = stein2023) keeps 30 % and 18 %.
  followup::RedshiftConfig grid;
  grid.mode = followup::GridMode::stein2023;
  const followup::RedshiftPdf sfr_grid(followup::Evolution::sfr, grid);
  CHECK(std::round(100 * notebook.p_detectable(sfr_grid, -21)) == 30);
}
