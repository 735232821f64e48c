#pragma once
//! The data model: what every reader returns and every analysis takes.
//! Plain structs of arrays (one vector per column) so kernels stream over
//! contiguous memory; angles in degrees, times in MJD (docs/input-formats.md).
#include "nuflare/io/alerts.hpp" // Alert, with the readers that fill its optional fields

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nuflare::io {

//! IceCube track events (10-year point-source release columns).
struct EventSample {
  std::vector<double> mjd;                 //!< arrival time [MJD]
  std::vector<double> log10_e;             //!< reconstructed energy, log10(E/GeV)
  std::vector<double> angerr_deg;          //!< angular uncertainty (circle radius) [deg]
  std::vector<double> ra_deg;              //!< right ascension J2000 [deg]
  std::vector<double> dec_deg;             //!< declination J2000 [deg]
  std::vector<std::string> season;         //!< season label per file, e.g. "IC40"
  std::vector<std::uint32_t> season_index; //!< per event: index into `season`

  [[nodiscard]] std::size_t size() const noexcept { return mjd.size(); }
};

//! Good-run list of one season: detector uptime intervals [MJD].
struct GoodRunList {
  std::string season;
  std::vector<double> start_mjd;
  std::vector<double> stop_mjd;
  //! Time covered by the runs [days]: the length of their union, so time in
  //! two overlapping runs counts once.
  [[nodiscard]] double livetime_days() const;
};

//! Binned effective area A_eff(log10 E_nu, Dec) of one season.
struct EffectiveArea {
  std::string season;
  std::vector<double> log10_e_min, log10_e_max; //!< per row, log10(E_nu/GeV)
  std::vector<double> dec_min_deg, dec_max_deg; //!< per row [deg]
  std::vector<double> area_cm2;                 //!< per row [cm^2]
};

//! A source catalogue: name, position and optional columns (docs/input-formats.md).
//! Optional numeric columns hold NaN where the catalogue has no value.
struct SourceCatalog {
  std::vector<std::string> name;
  std::vector<double> ra_deg, dec_deg;
  std::vector<double> variability_index;  //!< Fermi variability index (NaN if absent)
  std::vector<double> glon_deg, glat_deg; //!< Galactic coordinates (computed if absent)
  std::vector<std::string> group;         //!< group label ("all" without a group column)
  std::vector<std::uint8_t> warm_spot;    //!< 1 when flagged a warm spot

  [[nodiscard]] std::size_t size() const noexcept { return name.size(); }
};

//! One light curve: a source in one band, sorted by time.
struct LightCurve {
  std::string source;
  std::string band;         //!< free label: "fermi", "wise_w1", "xrt", ...
  std::vector<double> mjd;  //!< [MJD]
  std::vector<double> flux; //!< flux in `flux_unit`
  //! The flux unit as the reader knows it (io/lightcurves.hpp: units):
  //! "ph cm^-2 s^-1", "erg cm^-2 s^-1", "s^-1", "Jy", "mJy", "DN"; "" unknown.
  std::string flux_unit;
  std::vector<double> flux_err;          //!< 1σ error, same unit
  std::vector<std::uint8_t> upper_limit; //!< 1 where `flux` is an upper limit
  //! Likelihood test statistic per point (Fermi light curves); empty when the
  //! source gives none, NaN for single points without one.
  std::vector<double> ts;
  //! Fitted photon index per point (Fermi LCR); same convention as `ts`.
  std::vector<double> photon_index;

  [[nodiscard]] std::size_t size() const noexcept { return mjd.size(); }
};

} // namespace nuflare::io
