#pragma once
//! Settings of the sky simulator (docs/methods.md (simulator)). Every field is a deck
//! key of `nuflare simulate` (inputs/README.md lists them with units); the
//! defaults make a sky like the demo's.
#include "nuflare/core/options.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nuflare::sim {

//! Compression of the large text files (events, light curves).
enum class Compression { none, gz, xz };

//! IceCube-like track events, good-run lists and effective areas.
struct EventsConfig {
  int seasons = 2;                //!< number of seasons
  std::size_t per_season = 20000; //!< background events per season
  double start_mjd = 55694.99;    //!< start of the first season [MJD] (IC86_I's)
  double season_days = 365.0;     //!< length of each season [days]
  double run_hours = 8.0;         //!< mean good-run length [hours]
  double uptime = 0.95;           //!< livetime / season length
  std::string prefix = "SIM";     //!< seasons are named PREFIX01, PREFIX02, ...
};

//! Neutrino alerts (IceCat-1 columns).
struct AlertsConfig {
  std::size_t count = 40;     //!< number of alerts
  double start_mjd = 55700.0; //!< first possible alert time [MJD]
  double stop_mjd = 58900.0;  //!< last possible alert time [MJD]
  double sin_dec_min = -0.3;  //!< alert declinations: sin(Dec) uniform in [min, max]
  double sin_dec_max = 0.8;
  double gold_fraction = 0.31; //!< fraction of gfu-gold alerts (IceCat-1: 99 of 320 gfu)
};

//! The blazar catalogue.
struct CatalogConfig {
  std::size_t count = 300;          //!< number of sources
  double min_abs_glat_deg = 10.0;   //!< sources only at |b| above this [deg]
  double fraction_cfs = 0.15;       //!< sources with simultaneous flares (group "CFS")
  double fraction_nfs = 0.15;       //!< sources with orphan flares (group "NFS")
  double fraction_txs = 0.08;       //!< gamma-then-infrared sources (group "TXS-like")
  double warm_spot_fraction = 0.05; //!< sources flagged warm_spot
};

//! Multi-band light curves (damped random walk plus flares).
struct LightCurvesConfig {
  double start_mjd = 54700.0; //!< light curves span [start, stop] [MJD]
  double stop_mjd = 59000.0;
  std::string gamma_band = "fermi";  //!< label of the gamma-ray band
  double gamma_bin_days = 30.0;      //!< Fermi-like bin width [days]
  double gamma_flux = 1e-11;         //!< median quiescent energy flux [erg cm^-2 s^-1]
  double gamma_noise = 1.5e-12;      //!< 1 sigma noise floor [erg cm^-2 s^-1]
  double gamma_ul_snr = 2.0;         //!< bins with flux/error below this become upper limits
  std::string ir_band = "wise_w2";   //!< label of the infrared band
  double ir_cadence_days = 182.6;    //!< WISE-like visit spacing [days]
  double ir_gap_start_mjd = 55600.0; //!< no infrared visits inside the survey gap [MJD]
  double ir_gap_stop_mjd = 56500.0;
  double ir_first_mjd = 55200.0;      //!< first possible infrared visit [MJD]
  int ir_exposures = 4;               //!< exposures per visit (within ~1.5 days)
  double ir_flux_mjy = 5.0;           //!< median quiescent flux density [mJy]
  double ir_noise_fraction = 0.03;    //!< relative error per exposure
  double drw_tau_days = 200.0;        //!< damped-random-walk relaxation time [days]
  double drw_sigma_gamma = 0.2;       //!< DRW rms of ln(flux), gamma-ray band
  double drw_sigma_ir = 0.12;         //!< DRW rms of ln(flux), infrared band
  double flare_gamma_amplitude = 5.0; //!< mean gamma flare plateau / quiescent flux
  double flare_ir_amplitude = 1.5;    //!< mean infrared flare plateau / quiescent flux
  double flare_gamma_days = 120.0;    //!< gamma flare duration (NFS, TXS-like) [days]
  double flare_ir_days = 450.0;       //!< infrared flare duration (NFS, TXS-like) [days]
  double flare_cfs_days = 365.0;      //!< duration of simultaneous (CFS) flares [days]
  double txs_lag_days = 150.0;        //!< TXS-like: infrared start - gamma end [days]
};

//! Optional signal injection.
struct InjectionConfig {
  std::vector<std::string> sources; //!< neutrino sources by name
  std::size_t random_sources = 0;   //!< plus this many drawn from `group`
  std::string group = "TXS-like";   //!< group the random neutrino sources come from
  double strength = 0.0;            //!< mean signal events per source over all seasons
  double spectral_index = 2.0;      //!< signal spectrum E^-index
  double log10_e_min = 4.0;         //!< signal energies from log10(E/GeV) = min ...
  double log10_e_max = 7.0;         //!< ... to max
  std::size_t alert_flares = 0;     //!< alerts that get a flaring source in their region
};

//! The ZTF-like follow-up table.
struct FollowupConfig {
  bool enabled = true;         //!< write followup/ztf_overview.csv (OVERVIEW_FU layout)
  double start_mjd = 0.0;      //!< only alerts after this time [MJD]
  double min_signalness = 0.5; //!< follow up if signalness above this ...
  double max_area_deg2 = 10.0; //!< ... or 90 % rectangle area below this [deg^2]
};

//! The whole simulated sky.
struct SkyConfig {
  std::uint64_t seed = 1;                    //!< master seed of every random stream
  Compression compression = Compression::xz; //!< events and light curves
  EventsConfig events;
  AlertsConfig alerts;
  CatalogConfig catalog;
  LightCurvesConfig lightcurves;
  InjectionConfig injection;
  FollowupConfig followup;
};

// ---- the keys of `nuflare simulate` (docs/cli.md, inputs/README.md) ------------------

// Upper bounds of the counts: beyond them a sky no longer fits in the memory
// of one node (rank 0 holds the whole sky), e.g. 10^7 events per season take
// ~1 GB with their text. The real samples are far smaller: IceCube's ten
// years hold ~1.1 million tracks, IceCat-1 ~280 alerts, 4FGL ~7000 blazars.
inline constexpr std::uint64_t MAX_EVENTS_PER_SEASON = 10'000'000;
inline constexpr std::uint64_t MAX_ALERTS = 100'000;
inline constexpr std::uint64_t MAX_SOURCES = 1'000'000;

//! Every key of the simulator: `events.per_season`, `lightcurves.gamma_flux`, ...
[[nodiscard]] inline const core::OptionTable<SkyConfig>& sky_options() {
  using core::Count;
  using core::NON_NEGATIVE;
  using core::POSITIVE;
  using core::UNIT_INTERVAL;
  using E = EventsConfig;
  using A = AlertsConfig;
  using K = CatalogConfig;
  using L = LightCurvesConfig;
  using I = InjectionConfig;
  using F = FollowupConfig;
  static const auto events =
      core::OptionTable<E>()
          .add("seasons", &E::seasons, "", "number of IceCube-like seasons", Count{1, 99})
          .add("per_season", &E::per_season, "", "background events per season",
               Count{0, MAX_EVENTS_PER_SEASON})
          .add("start_mjd", &E::start_mjd, "MJD", "start of the first season")
          .add("season_days", &E::season_days, "days",
               "length of a season; seasons follow each other", POSITIVE)
          .add("run_hours", &E::run_hours, "hours", "mean good-run length", POSITIVE)
          .add("uptime", &E::uptime, "", "livetime / season length", core::Range{0, 1, true, false})
          .add("prefix", &E::prefix, "",
               "season names are PREFIX01, PREFIX02, ... (no '_', '/', spaces)");
  static const auto alerts =
      core::OptionTable<A>()
          .add("count", &A::count, "", "number of alerts", Count{0, MAX_ALERTS})
          .add("start_mjd", &A::start_mjd, "MJD", "earliest alert")
          .add("stop_mjd", &A::stop_mjd, "MJD", "latest alert")
          .add("sin_dec_min", &A::sin_dec_min, "", "alert sin(Dec) uniform from ...",
               core::Range{-1, 1})
          .add("sin_dec_max", &A::sin_dec_max, "", "... to this", core::Range{-1, 1})
          .add("gold_fraction", &A::gold_fraction, "",
               "fraction of gfu-gold alerts (rest gfu-bronze)", UNIT_INTERVAL);
  static const auto catalog =
      core::OptionTable<K>()
          .add("count", &K::count, "", "number of sources", Count{1, MAX_SOURCES})
          .add("min_abs_glat", &K::min_abs_glat_deg, "deg", "sources only at |b| above this",
               core::Range{0, 80, false, true})
          .add("fraction_cfs", &K::fraction_cfs, "",
               "fraction of sources with simultaneous flares (group CFS)", UNIT_INTERVAL)
          .add("fraction_nfs", &K::fraction_nfs, "",
               "fraction of sources with orphan flares (group NFS)", UNIT_INTERVAL)
          .add("fraction_txs", &K::fraction_txs, "",
               "fraction of gamma-then-infrared sources (group TXS-like); the rest is quiet",
               UNIT_INTERVAL)
          .add("warm_spot_fraction", &K::warm_spot_fraction, "",
               "fraction of sources flagged warm_spot", UNIT_INTERVAL);
  static const auto lightcurves =
      core::OptionTable<L>()
          .add("start_mjd", &L::start_mjd, "MJD", "light curves start")
          .add("stop_mjd", &L::stop_mjd, "MJD", "light curves end")
          .add("gamma_band", &L::gamma_band, "", "gamma-ray band label")
          .add("gamma_bin_days", &L::gamma_bin_days, "days", "gamma-ray bin width", POSITIVE)
          .add("gamma_flux", &L::gamma_flux, "erg cm^-2 s^-1",
               "median quiescent gamma-ray energy flux", POSITIVE)
          .add("gamma_noise", &L::gamma_noise, "erg cm^-2 s^-1",
               "gamma-ray 1 sigma noise floor (plus 10 % of the flux)", POSITIVE)
          .add("gamma_ul_snr", &L::gamma_ul_snr, "",
               "gamma-ray bins below this S/N become 2 sigma upper limits")
          .add("ir_band", &L::ir_band, "", "infrared band label")
          .add("ir_cadence_days", &L::ir_cadence_days, "days", "infrared visit spacing",
               core::Range{2, std::numeric_limits<double>::infinity(), true, false})
          .add("ir_gap_start", &L::ir_gap_start_mjd, "MJD", "infrared survey gap start")
          .add("ir_gap_stop", &L::ir_gap_stop_mjd, "MJD",
               "infrared survey gap end (the WISE-NEOWISE gap)")
          .add("ir_first_mjd", &L::ir_first_mjd, "MJD",
               "first possible infrared visit (phase random per source)")
          .add("ir_exposures", &L::ir_exposures, "",
               "infrared exposures per visit, within 1.5 days", Count{1, 50})
          .add("ir_flux_mjy", &L::ir_flux_mjy, "mJy", "median quiescent infrared flux density",
               POSITIVE)
          .add("ir_noise_fraction", &L::ir_noise_fraction, "",
               "relative infrared error per exposure (plus 0.05 mJy)", POSITIVE)
          .add("drw_tau_days", &L::drw_tau_days, "days",
               "damped-random-walk time scale (x1.5 in the infrared)", POSITIVE)
          .add("drw_sigma_gamma", &L::drw_sigma_gamma, "", "DRW rms of ln(flux), gamma-ray",
               NON_NEGATIVE)
          .add("drw_sigma_ir", &L::drw_sigma_ir, "", "DRW rms of ln(flux), infrared", NON_NEGATIVE)
          .add("flare_gamma_amplitude", &L::flare_gamma_amplitude, "",
               "mean gamma-ray flare plateau / quiescent flux", NON_NEGATIVE)
          .add("flare_ir_amplitude", &L::flare_ir_amplitude, "",
               "mean infrared flare plateau / quiescent flux", NON_NEGATIVE)
          .add("flare_gamma_days", &L::flare_gamma_days, "days",
               "gamma-ray flare length (NFS, TXS-like, alert flares)", POSITIVE)
          .add("flare_ir_days", &L::flare_ir_days, "days", "infrared flare length (NFS, TXS-like)",
               POSITIVE)
          .add("flare_cfs_days", &L::flare_cfs_days, "days",
               "simultaneous (CFS) flare length, both bands, and infrared alert flares", POSITIVE)
          .add("txs_lag_days", &L::txs_lag_days, "days",
               "TXS-like: infrared start minus gamma-ray end", NON_NEGATIVE);
  static const auto injection =
      core::OptionTable<I>()
          .names("sources", &I::sources, "neutrino sources by catalogue name, comma separated")
          .add("random_sources", &I::random_sources, "", "neutrino sources drawn from inject.group",
               Count{0, MAX_SOURCES})
          .add("group", &I::group, "", "catalogue group of the random neutrino sources")
          .add("strength", &I::strength, "events",
               "mean signal neutrinos per injected source, all seasons", NON_NEGATIVE)
          .add("spectral_index", &I::spectral_index, "", "signal spectrum E^-index", POSITIVE)
          .add("log10e_min", &I::log10_e_min, "log10(E/GeV)", "lowest signal energy")
          .add("log10e_max", &I::log10_e_max, "log10(E/GeV)", "highest signal energy")
          .add("alert_flares", &I::alert_flares, "",
               "alerts given a flaring source inside their region", Count{0, MAX_ALERTS});
  static const auto followup =
      core::OptionTable<F>()
          .add("enabled", &F::enabled, "",
               "write followup/ztf_overview.csv (the ZTF paper's OVERVIEW_FU layout)")
          .add("start_mjd", &F::start_mjd, "MJD", "follow up only alerts after this")
          .add("min_signalness", &F::min_signalness, "",
               "follow up when signalness is above this ...")
          .add("max_area", &F::max_area_deg2, "deg^2",
               "... or the 90% rectangle is smaller than this");
  using S = SkyConfig;
  static const auto table =
      core::OptionTable<S>()
          .add("seed", &S::seed, "", "master seed of every random stream")
          .choice("compress", &S::compression,
                  {{"xz", Compression::xz}, {"gz", Compression::gz}, {"none", Compression::none}},
                  "compression of events and light curves")
          .include(&S::events, events, "events.")
          .include(&S::alerts, alerts, "alerts.")
          .include(&S::catalog, catalog, "catalog.")
          .include(&S::lightcurves, lightcurves, "lightcurves.")
          .include(&S::injection, injection, "inject.")
          .include(&S::followup, followup, "followup.");
  return table;
}

//! Checks ranges (sky_options()) and consistency; throws core::FieldError
//! naming the key.
void validate(const SkyConfig& config);

} // namespace nuflare::sim
