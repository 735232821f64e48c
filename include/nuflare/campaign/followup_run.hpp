#pragma once
//! What a follow-up run (ZTF paper §6, eq. 1–7, Table 3, 4, Fig. 14–19;
//! `nuflare followup`) computes, and the one place that turns it into the
//! printed table and the archive (docs/archive-format.md):
//!   /followup             attributes: the run's settings and headline numbers
//!   /followup/summary     the printed table (f_limit as text, empty = unconstrained)
//!   /followup/table4      P_astro, P_obs and their product per alert (Table 4)
//!   /followup/selection   campaign tables: each alert's selection outcome (§2)
//!   /followup/pdist/E     P_dist(z) of evolution E (Fig. 14)
//!   /followup/curves/E    P_det, P_no(f = 1) and f limit on the curve grid (Fig. 16, 17)
//!   /followup/fig18/E, fig19/E   the extrapolations
//!   /followup/rejections  the not-followed-up sheet's counts (Table A1)
//!   /followup/table3      flare strengths of ZTF light curves (Table 3)
#include "nuflare/campaign/run_output.hpp"
#include "nuflare/core/options.hpp"
#include "nuflare/followup/alert_statistics.hpp"
#include "nuflare/followup/flare_strength.hpp"
#include "nuflare/followup/limits.hpp"
#include "nuflare/followup/redshift.hpp"
#include "nuflare/io/archive.hpp"

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nuflare::campaign {

//! The selection efficiency of the limits: ZTF's (eq. 2) or a deeper survey's (Fig. 19).
enum class Survey { ztf, deep };
//! The alert table's layout (ZTF paper §2).
enum class TableFormat { automatic, overview, campaign };

//! The options of a follow-up run (docs/cli.md, `nuflare followup`).
struct FollowupOptions {
  std::string table;
  TableFormat table_format = TableFormat::automatic;
  std::optional<std::string> evolution;
  followup::FollowupConfig config;
  double mag_min = -27, mag_max = -15, mag_step = 0.5;
  double curve_step = 0.1;
  double epsilon0 = followup::DetectionConfig{}.epsilon0;
  //! m = M + DM(z) + 2.5 log10(1+z) in eq. 5: the reading that gives the
  //! printed P_det(−21) = 26 % / 16 % with ε₀ = 1 (docs/methods.md, P_detectable(−21)).
  bool k_correction = false;
  Survey survey = Survey::ztf;
  double deep_limit_mag = 24, deep_efficiency = 0.6;
  std::optional<std::string> not_followed_up;
  followup::SelectionConfig selection;
  std::vector<std::string> flare_lightcurve;
  OutputOptions out; //!< an archive only when `output` is given

  //! The keys of the run.
  static const core::OptionTable<FollowupOptions>& options();
};

//! The evolutions nuflare followup prints, in output order.
inline constexpr std::array<followup::Evolution, 4> ALL_EVOLUTIONS{
    followup::Evolution::sfr, followup::Evolution::grb, followup::Evolution::blazar,
    followup::Evolution::madau};

//! Repeat factors of Fig. 18.
inline constexpr std::array<int, 3> FIG18_REPEATS{1, 2, 4};

//! A follow-up run's settings after validation.
struct FollowupSettings {
  std::string table_path;
  std::string table_format; //!< "overview" or "campaign" (after auto-detection)
  std::vector<followup::Evolution> evolutions;
  std::vector<double> mags;       //!< the CSV's magnitude grid
  std::vector<double> curve_mags; //!< the archive curves' grid
  followup::FollowupConfig config;
  followup::DetectionConfig ztf;  //!< eq. 2 with the chosen ε₀
  followup::DetectionConfig deep; //!< Fig. 19 survey with the chosen ε₀
  std::string survey;
  double missing_signalness = 0.5;
  bool galactic_cut = false;
  bool k_correction = false; //!< K-correction +2.5 log10(1+z) in P_detectable
};

//! P_dist(z) of one evolution on a uniform z grid (Fig. 14).
struct PdistCurve {
  followup::Evolution evolution;
  std::vector<double> z, density, cdf;
  double median = 0;
};

//! The curves of Fig. 16–19 for one evolution on the curve grid.
struct EvolutionCurves {
  followup::Evolution evolution;
  std::vector<double> abs_mag, nu_l_nu, p_detectable, p_no_f1, f_limit; //!< the run's survey
  std::array<std::vector<double>, FIG18_REPEATS.size()> f_limit_repeat; //!< ZTF ×1, ×2, ×4
  std::vector<double> p_detectable_ztf, f_limit_ztf, p_detectable_deep, f_limit_deep;
};

//! Table 3 rows of one light curve.
struct FlareStrengthRows {
  std::string source, file;
  double alert_mjd;
  std::vector<followup::FlareStrength> rows;
};

//! Everything the run prints or stores, computed before any file is created.
struct FollowupResults {
  std::vector<io::Alert> alerts;
  std::vector<std::pair<std::string, followup::Rejection>> selection; //!< campaign tables
  std::vector<followup::ProbabilityRow> table4;
  std::vector<double> p_astro_obs;
  std::optional<double> x_limit; //!< f·P_det at CL (eq. 7 root)
  std::vector<followup::LimitPoint> summary;
  std::vector<PdistCurve> pdist;
  std::vector<EvolutionCurves> curves;
  std::vector<followup::RejectionCount> rejections, rejections_v2;
  std::optional<followup::LatencyStats> latency;
  std::vector<FlareStrengthRows> table3;
};

//! The settings `options` give: magnitude grids, evolutions, the two
//! surveys' efficiencies, the table's format (auto: by its first line).
//! Throws core::FieldError / RelationError naming the keys.
[[nodiscard]] FollowupSettings followup_settings(const FollowupOptions& options);

//! The flare strengths (ZTF paper §4, Table 3) of one `--flare-lightcurve`
//! value "SOURCE,ALERT_MJD,FILE": a ZTF forced-photometry .txt or DR .fits
//! light curve around the alert time.
[[nodiscard]] FlareStrengthRows flare_strength_rows(const std::string& spec);

//! Everything a run computes: the alerts and their selection (ZTF paper §2),
//! P_astro·P_obs (eq. 1, Table 4), the limit of the printed table (eq. 5–7),
//! P_dist(z) (eq. 4, Fig. 14), the curves of Fig. 16–19 on the curve grid,
//! and with their options the not-followed-up counts and the flare
//! strengths (Table 3).
[[nodiscard]] FollowupResults followup_limits(const FollowupOptions& options,
                                              const FollowupSettings& settings);

//! The printed table: evolution,abs_mag,p_detectable,f_limit (f_limit as
//! text, empty when unconstrained, so that `nuflare table` prints it as the run did).
[[nodiscard]] io::Table followup_summary_table(const FollowupResults& results);

//! Writes the layout above (collective; every rank passes the same data).
void write_followup_archive(io::Archive& archive, const FollowupSettings& settings,
                            const FollowupResults& results);

} // namespace nuflare::campaign
