#pragma once
//! ZTF light curves of the two products the ZTF paper uses for the AGN flare
//! strength of §4 (Table 3; followup/flare_strength.hpp): the forced-photometry
//! service output and the data-release FITS light curves, read as νF_ν per
//! epoch and filter.
#include <string>
#include <vector>

namespace nuflare::io {

//! One photometric point, flux as νF_ν.
struct PhotometryPoint {
  double mjd;               //!< [MJD]
  std::string band;         //!< "g", "r", "i"
  double nu_f_nu_erg_cm2_s; //!< νF_ν [erg cm^-2 s^-1]
};

//! Effective wavelength of a ZTF filter [nm] (SVO Filter Profile Service λ_eff of
//! Palomar/ZTF.g, .r, .i: 472.27, 633.96, 788.61 nm); throws ConfigError otherwise.
[[nodiscard]] double ztf_wavelength_nm(const std::string& band);
//! νF_ν [erg cm^-2 s^-1] of an AB magnitude at `wavelength_nm` (f_ν = 10^(−0.4 (m + 48.6))).
[[nodiscard]] double ab_mag_to_nu_f_nu(double ab_mag, double wavelength_nm);

//! Options of the forced-photometry reader.
struct ForcedPhotometryOptions {
  //! Keep only epochs with procstatus 0 (IPAC: no processing warning).
  bool require_procstatus_zero = true;
  //! Drop epochs with infobitssci ≥ this (IPAC recommends 33554432 = 2^25).
  long long max_infobitssci = 33554432;
};

//! Reads the ZTF forced-photometry service output (`forcedphotometry_req*_lc.txt`):
//! a `#` comment block, one column-name line (`index, field, ..., jd, ...,
//! forcediffimflux, ..., nearestrefmag, ...`), then space-separated rows. The
//! source's total flux is the reference flux plus the difference flux
//! (IPAC forced-photometry guide §13): F = forcediffimflux + 10^(0.4 (zpdiff −
//! nearestrefmag)) [DN], m = zpdiff − 2.5 log10 F. Epochs with flux −99999 / null
//! or F ≤ 0 are skipped; other non-numeric values are an InputError.
[[nodiscard]] std::vector<PhotometryPoint>
read_ztf_forced_photometry(const std::string& path, const ForcedPhotometryOptions& options = {});

//! Reads a ZTF data-release light curve (IRSA FITS table: mjd, mag, magerr,
//! catflags, filtercode zg/zr/zi) through cfitsio; keeps catflags == 0 unless
//! `require_catflags_zero` is false.
[[nodiscard]] std::vector<PhotometryPoint> read_ztf_dr_fits(const std::string& path,
                                                            bool require_catflags_zero = true);

} // namespace nuflare::io
