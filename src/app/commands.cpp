// The subcommand table, in `nuflare --help` order: what `nuflare --help`,
// `nuflare <name> --help` and docs/cli.md say of each subcommand, in one place.
// Each subcommand's settings, their option table and its body live in
// src/app/cmd_<name>.cpp, whose <name>_command() binds them.
#include "cli.hpp"

namespace nuflare::app {

// One per src/app/cmd_<name>.cpp.
Binding blocks_command(), flares_command(), dcf_command(), spatial_command(), simulate_command(),
    temporal_command(), scan_command(), sweep_command(), simultaneity_command(),
    sensitivity_command(), followup_command(), candidates_command(), table_command(),
    help_tables_command();

namespace {

// Laid out by hand, one field a line: name and binding, summary, form, what it prints.
// clang-format off
constexpr Command COMMANDS[] = {
    {"blocks", blocks_command,
     "Bayesian Blocks edges of one light curve (astropy-compatible)",
     "--input LC.csv [--fitness measures|events|regular_events] [--p0 P | --gamma G | "
     "--ncp-prior X] [--dt DT]",
     "the block edges, one per line, printf \"%.17g\" (LC.csv: a header and columns "
     "t[,x[,sigma]])"},
    {"flares", flares_command,
     "flares, variability and multi-frequency classes of every source "
     "(blazar paper §3.3, §4.2)",
     "--lightcurves LC.csv [--sources SRC.csv] --output RUN.h5",
     "source,band,n_points,p0_used,f_quiescent,n_flares,flare_days,nxs,rho,class: one row per "
     "(source, band) with rho and class empty, plus one row per source with band \"multi\", the "
     "simultaneity ratio and the class NFS|CFS|TXS-like|none"},
    {"dcf", dcf_command,
     "discrete correlation function of two bands of every source (blazar paper §6.1)",
     "--lightcurves LC.csv [--band-a fermi] [--band-b wise_w1] [--normalisation ek|local] "
     "[--bin-width 30] [--lag-min -450] [--lag-max 450] --output RUN.h5",
     "source,band_a,band_b,n_a,n_b,peak_lag,fit_lag,fit_lag_err,fit_sigma,peak_dcf: one row per "
     "source with both bands (positive lag: band_b lags band_a; nan where undefined)"},
    {"spatial", spatial_command,
     "tracks around source groups with RA-scrambling trials (blazar paper §6.3)",
     "--events FILE... --sources SRC.csv --trials N --seed S --output RUN.h5 [--log10e-min 4.8] "
     "[--log10e-max 6.0] [--log10e-step 0.1] [--max-angerr 5] [--angerr-scale 1]",
     "group,log10e_min,n_observed,n_expected,sigma,p_value (SRC.csv: name,ra,dec[,group]; "
     "without a group column one group \"all\")"},
    {"simulate", simulate_command,
     "write a synthetic sky in every input format (docs/methods.md, simulator)",
     "--config deck.ini --output DIR",
     "file,rows of every file written"},
    {"temporal", temporal_command,
     "R(t) around alert times with control-sample trials (blazar paper §5)",
     "--alerts ALERTS.csv --sources SRC.csv --lightcurves LC.csv --band BAND --delta-t DAYS "
     "[--factor F] [--region ellipse|rectangle] [--flare-cut C] [--shift-step DAYS] [--trials "
     "N] [--seed S] --output RUN.h5",
     "shift_days,r_observed,r_trial_mean,r_trial_p16,r_trial_p84,p_value"},
    {"scan", scan_command,
     "ΔT × containment-factor scan with alert-RA scrambling (blazar paper §5.1.1)",
     "--alerts ALERTS.csv --sources SRC.csv --lightcurves LC.csv --band BAND --delta-t-grid "
     "D1,D2,... --factor-grid F1,F2,... [--trials N] [--seed S] --output RUN.h5",
     "delta_t,factor,n_pairs,r0,p_value and a last line # post_trial_p=..."},
    {"sweep", sweep_command,
     "a grid of deck keys as one campaign with the exact post-trial p (docs/methods.md "
     "\"Sweeps\")",
     "--config SWEEP.ini [--axis \"KEY: V1,V2,...\" ...] [--trials N] [--seed S] --output "
     "RUN.h5",
     "one row per column (temporal: per point and shift; spatial: per point, group and "
     "threshold; simultaneity: per point and subgroup; "
     "axes[,shift_days|,group,log10e_min|,subgroup],n_pairs|n_events_above|n_sources,"
     "statistic,trial_mean,p_value,best) and a "
     "last line # n_points=... n_columns=... p_min=... post_trial_p=... sidak_p=... n_eff=..."},
    {"simultaneity", simultaneity_command,
     "mean simultaneity ratio of potential neutrino sources (blazar paper §6.2)",
     "--alerts ALERTS.csv --sources SRC.csv --rho FLARES.csv --output RUN.h5",
     "subgroup,n_sources,rho_mean_observed,rho_mean_trials,p_value"},
    {"sensitivity", sensitivity_command,
     "injected-signal sensitivity and discovery potential of the spatial or time test",
     "[--test spatial|temporal] --sources SRC.csv --output RUN.h5 [--trials N] [--signal-trials "
     "N] [--strengths S1,S2,...] (spatial: --events FILE...; temporal: --alerts ALERTS.csv "
     "--lightcurves LC.csv --band BAND --delta-t DAYS)",
     "group,n_sources,log10e_min,sensitivity,discovery_3sigma,discovery_5sigma,p_floor "
     "(temporal: the time test's summary)"},
    {"followup", followup_command,
     "limits on neutrino-source counterparts from optical follow-up (ZTF paper §6)",
     "--table OVERVIEW.csv [--evolution sfr|grb|blazar|madau] [--cl 0.9] [--mag-min -27] "
     "[--mag-max -15] [--mag-step 0.5] [--output RUN.h5]",
     "evolution,abs_mag,p_detectable,f_limit (f_limit empty when unconstrained)"},
    {"candidates", candidates_command,
     "ZTF follow-up candidates per alert, class and magnitude (ZTF paper §2–3)",
     "--overview OVERVIEW_FU.csv [--tables DIR] [--min-candidates-per-alert 3] [--output "
     "RUN.h5]",
     "section,label,count,value: the candidate counts and densities, Fig. 2 classes, Fig. 4 "
     "subclasses, Fig. 3 bins and efficiency split, and each alert's count and density"},
    {"table", table_command,
     "print a summary table of a run archive",
     "--archive RUN.h5... --analysis NAME [--table summary] [--format csv|markdown] [--merge]",
     "the table as CSV (numbers exact) or Markdown (numbers at each column's precision); over "
     "several archives of a sweep, one table and a last line # sweep: ... post_trial_p=...; "
     "with --merge (sweep tasks) the merged table and # merged: ... post_trial_p=..."},
    {.name = "help-tables",
     .bind = help_tables_command,
     .summary = "the key tables of the documentation, from the option tables",
     .hidden = true},
};
// clang-format on

} // namespace

std::span<const Command> commands() {
  return COMMANDS;
}

} // namespace nuflare::app
