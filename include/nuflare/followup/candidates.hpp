#pragma once
//! Statistics of the ZTF follow-up candidates (ZTF paper §2–3, Figs 2–4):
//! how many candidates each alert gave and per square degree observed, what
//! they turned out to be (Fig. 2), the subclasses of the transients (Fig. 4),
//! their peak magnitudes and the classification efficiency above and below
//! 19.5 mag that motivates the step efficiency of eq. 2 (Fig. 3).
//!
//! The numbers of the paper, and how they come out of the 24 tables
//! (docs/methods.md, "ZTF candidate statistics"):
//!  - 172 candidates over 154.33 deg² = 1.11 per deg² (the notebook); the
//!    paper's 1.05 is 162/154.33: an earlier version of the notebook's loader
//!    kept only alerts with more than two candidates
//!    (CandidateOptions::min_candidates_per_alert = 3);
//!  - Artefact 17, Star 17, AGN variability 84 → 54 interesting candidates
//!    (5 AGN flares, 12 transients, 37 unclassified);
//!  - 113 candidates fainter than 19.5 mag, 68.1 % of them classified: the
//!    notebook bins peak magnitudes in 0.5-mag bins on [14, 22] and calls a
//!    candidate fainter when its bin's centre lies above 19.5, i.e.
//!    19.5 ≤ m ≤ 22; the paper's 106 is the same count over the 162
//!    candidates of the earlier loader (whose efficiency would be 66.0 %).
//!
//! Classification labels are free text in the tables; classify() maps them onto
//! the classes of Fig. 2 exactly as the paper's code (nuztfpaper candidates.py).
#include "nuflare/followup/detection.hpp"
#include "nuflare/followup/redshift.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/ztf_candidates.hpp"

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nuflare::followup {

//! The classes of Fig. 2.
enum class CandidateClass {
  artefact,        //!< image artefact
  star,            //!< star or cataclysmic variable
  agn_variability, //!< AGN without contemporaneous flaring ("routine" variability)
  agn_flare,       //!< AGN flaring at the time of the neutrino (§4)
  transient,       //!< classified transient (SN, TDE, dwarf nova; Fig. 4)
  unclassified,    //!< no classification
  other,           //!< a label the mapping does not know (none in the paper's tables)
};
inline constexpr std::size_t N_CANDIDATE_CLASSES = 7;

//! "Artefact", "Star", "AGN Variability", "AGN Flare", "Transient",
//! "Unclassified", "Other" — the labels of Fig. 2.
[[nodiscard]] std::string to_string(CandidateClass c);

//! A classification label mapped onto Fig. 2 (class) and Fig. 4 (subclass).
struct Classification {
  CandidateClass base = CandidateClass::unclassified;
  //! Fig. 4 subclass of a transient ("SN Ia", "SN II", "TDE", ...); the class
  //! label for the other classes; the label itself for `other`.
  std::string subclass;
};

//! Maps a table's label, as the paper's code does: "AGN", "AGN?", "AGN Flare"
//! → AGN flare; "AGN Variability", "AGN Variability?", "AGN Variability (FP)"
//! → AGN variability; "Star", "Star?", "CV", "CV???" → star; "Artifact",
//! "artifact?" → artefact; "", "?", "???", "Unclassified", "Unknown" →
//! unclassified; labels containing "Ia" → transient "SN Ia"; other labels
//! containing "SN" → transient with the label as subclass; "II/IIb" → "SN
//! II/IIb"; "TDE", "Dwarf Nova" → transient. Blanks and line breaks around the
//! label are ignored; anything else is `other`.
[[nodiscard]] Classification classify(std::string_view label);

//! Which candidates count.
struct CandidateOptions {
  //! Alerts with fewer candidates than this contribute none (their area still
  //! counts). 0: all candidates (the notebook). 3 reproduces the paper's 1.05
  //! per deg² and 106 faint candidates (an earlier loader skipped alerts with
  //! at most two candidates).
  std::size_t min_candidates_per_alert = 0;
};

//! The candidates that count under `options`, in their order.
[[nodiscard]] std::vector<io::ZtfCandidate>
select_candidates(std::span<const io::ZtfCandidate> candidates, const CandidateOptions& options);

//! Candidates of one alert.
struct AlertCandidateCount {
  std::string alert;
  std::size_t candidates = 0;
  double area_deg2 = 0; //!< observed area corrected for chip gaps (A_ZTF of eq. 1)
  double per_deg2 = 0;  //!< candidates / area
};

//! Counts per class and the densities of §2.
struct CandidateSummary {
  std::size_t candidates = 0;     //!< 172
  std::size_t alerts = 0;         //!< followed-up alerts (24)
  std::size_t alerts_without = 0; //!< alerts without any candidate (4)
  double observed_area_deg2 = 0;  //!< Σ A_ZTF (154.33)
  double per_deg2 = 0;            //!< candidates / area (1.11)
  //! Counts indexed by CandidateClass (Fig. 2).
  std::array<std::size_t, N_CANDIDATE_CLASSES> per_class{};
  //! Candidates left after removing artefacts, stars and AGN variability (54).
  std::size_t interesting = 0;
  double interesting_per_deg2 = 0; //!< 0.35
  //! Transient subclasses and their counts, sorted by name (Fig. 4).
  std::vector<std::pair<std::string, std::size_t>> transient_subclasses;
  //! One row per followed-up alert, in the order of the alert table.
  std::vector<AlertCandidateCount> per_alert;

  [[nodiscard]] std::size_t count(CandidateClass c) const {
    return per_class[static_cast<std::size_t>(c)];
  }
};

//! Summary of `candidates` (already read, e.g. by io::read_ztf_candidate_tables)
//! over the followed-up `alerts` (their observed areas give the densities).
//! Throws core::ConfigError when a candidate belongs to no alert of `alerts`
//! (tables and alert list do not match), an alert has no observed area or the
//! total area is not positive.
[[nodiscard]] CandidateSummary summarize_candidates(std::span<const io::ZtfCandidate> candidates,
                                                    std::span<const io::Alert> alerts,
                                                    const CandidateOptions& options = {});

//! Magnitude bins of Fig. 3: equal bins of `width` on [lo, hi]; half-open
//! [a, b) except the last, which includes hi (numpy.histogram's rule);
//! magnitudes outside [lo, hi] fall in no bin. The default is the notebook's
//! `np.linspace(14, 22, 17)`.
struct MagnitudeBinning {
  double lo = 14.0;
  double hi = 22.0;
  double width = 0.5;
  //! Throws core::ConfigError unless lo < hi and (hi − lo)/width is a whole number ≥ 1.
  void validate() const;
  [[nodiscard]] std::size_t bins() const;
};

//! One bin of Fig. 3.
struct MagnitudeBin {
  double lo = 0, hi = 0;      //!< edges [mag]
  std::size_t total = 0;      //!< candidates with their peak in the bin (top panel)
  std::size_t classified = 0; //!< of which not unclassified
  //! classified / total; 1 for an empty bin (as the notebook plots it).
  double efficiency = 1.0;
};

//! The peak-magnitude histogram split into classified and unclassified
//! candidates, and the efficiency per bin (Fig. 3).
[[nodiscard]] std::vector<MagnitudeBin>
magnitude_histogram(std::span<const io::ZtfCandidate> candidates,
                    const MagnitudeBinning& binning = {});

//! Classification efficiency on either side of a magnitude cut.
struct EfficiencySplit {
  double cut_mag = 19.5;
  std::size_t bright = 0, bright_classified = 0; //!< brighter than the cut
  std::size_t faint = 0, faint_classified = 0;   //!< fainter than the cut
  std::size_t outside = 0; //!< not counted (beyond the bins, binned reading only)
  [[nodiscard]] double bright_efficiency() const;
  [[nodiscard]] double faint_efficiency() const; //!< 0.681 for the paper's tables
};

//! The paper's reading (Fig. 3, §2 "106 fainter candidates ... 68 per cent"):
//! the histogram of magnitude_histogram, a bin counting as faint when its
//! centre lies above `cut_mag` and as bright otherwise; candidates outside the
//! bins are not counted. With the defaults: 113 faint, 77 classified (68.1 %).
[[nodiscard]] EfficiencySplit
classification_efficiency(std::span<const io::ZtfCandidate> candidates, double cut_mag = 19.5,
                          const MagnitudeBinning& binning = {});

//! The plain reading, for comparison: every candidate, faint when m > cut_mag
//! (111 faint, 77 classified: 69.4 %).
[[nodiscard]] EfficiencySplit
classification_efficiency_unbinned(std::span<const io::ZtfCandidate> candidates,
                                   double cut_mag = 19.5);

//! The step selection efficiency of eq. 2 built from a measured split:
//! efficiency 1 up to the cut, the faint efficiency up to `faint_limit_mag`
//! (21 mag in §6), 0 beyond, times ε₀. With the paper's tables and the
//! defaults this is DetectionConfig::ztf() up to the rounding of 0.681 to 0.68.
[[nodiscard]] DetectionConfig step_efficiency(const EfficiencySplit& split,
                                              double faint_limit_mag = 21.0,
                                              double epsilon0 = 0.95);

// --- Eq. 2 and 5 as the paper's numbers read them (docs/methods.md,
// "P_detectable(-21)"). The paper prints P_det(−21) = 26 % (SFR) and 16 % (GRB)
// and P_det(−17) = 5 % and 4 %; its notebook gives 30 % and 18 % at −21.

//! Eq. 2 as the paper's notebook (set_limits_step) evaluates it: the steps of
//! DetectionConfig::ztf() without the pipeline factor, ε₀ = 1. With exact
//! integration it gives P_det(−21) = 30.0 % (SFR) and 18.1 % (GRB) and
//! P_det(−17) = 4.7 % and 3.7 %; the default ε₀ = 0.95 gives 0.95 times that.
[[nodiscard]] DetectionConfig notebook_detection_config();

//! P_detectable(M) of eq. 5 with a K-correction added to the apparent
//! magnitude: m = M + 5 log10(D_L/10 pc) + 2.5 k log10(1+z) — the K-correction
//! of a spectrum f_ν ∝ ν^−(k+1) observed through a fixed band (k = 1: constant
//! f_λ). The paper says nothing of a K-correction and nuflare applies none by
//! default; with k = 1, notebook_detection_config() and exact integration this
//! is the one reading found that gives all four printed numbers (26.0 %,
//! 16.1 %, 4.6 %, 3.6 %). The step edges' redshifts come from root finding on
//! the exact D_L of the model's magnitude cosmology (also for a stein2023
//! PDF, whose CDF is then interpolated as usual). Throws core::ConfigError
//! unless −1 ≤ k ≤ 5 (m(z) then increases with z on [0, z_max]).
[[nodiscard]] double p_detectable_k_corrected(const DetectionModel& model, const RedshiftPdf& pdf,
                                              double abs_mag, double k_slope);

} // namespace nuflare::followup
