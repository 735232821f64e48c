#pragma once
//! Which of nuflare's input formats a file looks like, read from its first
//! lines (docs/input-formats.md): the rule of `nuflare followup
//! --table-format auto`, and the hint a command gives when a file it was
//! told is one format is recognisably another (a Fermi LCR export given as
//! long light curves, say).
#include <string>
#include <string_view>

namespace nuflare::io {

//! The input formats a file can be recognised as.
enum class InputFormat {
  unknown,
  long_lightcurves,   //!< source,band,mjd,flux,flux_err[,upper_limit]
  fermi_lcr,          //!< Fermi LAT Light Curve Repository CSV export
  fermi_4fgl_history, //!< 4FGL flux history: Source_Name,bin,MET_start,...,Flux_History,...
  wise_photometry,    //!< timewise WISE/NEOWISE single-exposure photometry (a chunk)
  wise_sample,        //!< timewise sample table orig_id,name,ra,dec,...
  ztf_overview,       //!< the ZTF paper's OVERVIEW_FU / OVERVIEW_NOT_FU sheet
  followup_campaign,  //!< follow-up campaign CSV name,ra,dec,ra_plus,...
  icecat_alerts,      //!< IceCat-1 alert CSV NAME,...,EVENTMJD,...
  icecube_events,     //!< IceCube track events "# MJD[days] log10(E/GeV) AngErr[deg] ..."
  source_catalog,     //!< source catalogue CSV name,ra,dec[,...]
  xrt_qdp,            //!< Swift-XRT light curve (QDP) of the UK Swift Science Data Centre
  ovro_csv,           //!< OVRO 15 GHz light curve CSV "#mjd,flux,flux err"
};

//! The format `path` looks like from its header (first non-blank lines,
//! plain or compressed); `unknown` when it is none of them or cannot be read.
//! Never throws: the reader the file was given to names any real problem.
[[nodiscard]] InputFormat sniff_format(const std::string& path) noexcept;

//! "a Fermi LCR export", "WISE/NEOWISE photometry", ... (for messages).
[[nodiscard]] std::string_view describe(InputFormat format) noexcept;

// The follow-up alert tables are told apart by io::followup_table_format
// (ztf_tables.hpp).

} // namespace nuflare::io
