#pragma once
//! Settings of the sky simulator (docs/methods.md (simulator)). Every field is a deck
//! key of `nuflare simulate` (inputs/README.md lists them with units); the
//! defaults make a sky like the demo's.
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

//! Checks ranges and consistency; throws core::ConfigError naming the key.
void validate(const SkyConfig& config);

} // namespace nuflare::sim
