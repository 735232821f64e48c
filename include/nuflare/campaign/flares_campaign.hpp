#pragma once
//! The flares campaign (blazar paper §3.3, §4.2; `nuflare flares`): every
//! source's light curves prepared, segmented into Bayesian Blocks, searched
//! for flares and classified, over MPI ranks, and the results written once
//! into the archive and the printed table.
//!
//! Every rank reads a part of each plain long-CSV file (LongCsvParts,
//! read_once.hpp), rank 0 puts the parts together, reads the other inputs and
//! sends each rank the curves of its sources (read_flares_inputs with a
//! communicator). Sources are split over ranks in contiguous blocks
//! (partition.hpp); each rank analyses its block (lightcurve::analyse_curves)
//! and the results are gathered in source order on every rank (gather.hpp).
//! A source's numbers depend on its own light curves only, so the table and
//! the archive are the same for any number of ranks.
//!
//! Archive layout (docs/archive-format.md):
//!   /flares/summary                 the printed CSV, field for field (text)
//!   /flares/sources/sources         one row per source
//!   /flares/sources/curves          one row per (source, band)
//!   /flares/sources/points          prepared points of every curve
//!   /flares/sources/blocks          Bayesian blocks of every curve
//!   /flares/sources/flares          flare intervals of every curve
//!   /flares/sources/stages          multi-frequency stage intervals
//! Rows of a table point into the next by half-open index ranges
//! (curve_begin/curve_end, point_begin/point_end, ...).
#include "nuflare/campaign/read_once.hpp"
#include "nuflare/io/archive.hpp"
#include "nuflare/lightcurve/analyse.hpp"

#include <mpi.h>

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nuflare::campaign {

//! The light curves of a flares run and the catalogue that goes with them
//! (docs/input-formats.md).
struct FlaresInputs {
  std::vector<std::string>
      lightcurves; //!< long CSV files: source,band,mjd,flux,flux_err[,upper_limit]
  std::vector<std::string> fermi_lcr;   //!< Fermi LCR exports (source name from the file name)
  std::string fermi_lcr_band = "fermi"; //!< band label of the LCR curves
  //! "E1,E2" [GeV]: LCR photon fluxes converted to energy fluxes over
  //! [E1, E2] with each bin's photon index (io::convert_to_energy_flux;
  //! the paper's aperture curves: 0.8,200). Unset: photon fluxes.
  std::optional<std::string> fermi_lcr_energy;
  std::vector<std::string> xrt_qdp;    //!< Swift-XRT QDP light curves (count rate)
  std::vector<std::string> xrt_source; //!< their source names, one per file (empty: from the file)
  std::string xrt_band = "xrt";        //!< band label of the XRT curves
  std::vector<std::string> ovro;       //!< OVRO 15 GHz CSV light curves (Jy)
  std::vector<std::string>
      ovro_source; //!< their source names, one per file (empty: from the file name)
  std::string ovro_band = "ovro_15ghz";   //!< band label of the OVRO curves
  std::vector<std::string> wise;          //!< timewise WISE/NEOWISE photometry chunks
  std::optional<std::string> wise_sample; //!< the timewise sample table (names, positions)
  std::vector<std::string> select;        //!< only these sources (empty: all)
  std::optional<std::string> sources;     //!< catalogue: variability index, warm_spot

  //! The keys of the inputs (docs/cli.md, `nuflare flares`).
  static const core::OptionTable<FlaresInputs>& options();
};

//! Reads every input and groups the curves by source in order of first
//! appearance (lightcurve::group_by_source), with the catalogue's
//! variability index and warm_spot flag; the files read are appended to
//! `files`. No light curve, a selected source without one, or wise_sample
//! without wise is a core::FieldError naming the key.
[[nodiscard]] std::vector<lightcurve::SourceCurves>
read_flares_inputs(const FlaresInputs& inputs, std::vector<std::filesystem::path>& files);
//! The same with the long-CSV files taken from `long_csv` (built from
//! inputs.lightcurves), as rank 0 does after reading them in parts.
[[nodiscard]] std::vector<lightcurve::SourceCurves>
read_flares_inputs(const FlaresInputs& inputs, std::vector<std::filesystem::path>& files,
                   LongCsvParts& long_csv);

//! The same, read once per job (read_once.hpp, docs/scaling.md): the ranks
//! of `comm` read the long-CSV files in parts (LongCsvParts), rank 0 reads
//! and checks the other files, and every rank receives the curves and
//! the file list as binary arrays instead of parsing every file again. Bad
//! input stops every rank with rank 0's error (collective; MPI_COMM_NULL: one
//! process).
[[nodiscard]] std::vector<lightcurve::SourceCurves>
read_flares_inputs(MPI_Comm comm, const FlaresInputs& inputs,
                   std::vector<std::filesystem::path>& files);

//! The same for run_flares_campaign with `config` on the same `comm`: rank 0
//! also checks every curve against the settings (lightcurve::check_ul_unit)
//! and sends each other rank the curves of its own block of sources only;
//! the other sources arrive without curves (name and catalogue values
//! only, what the table and the archive need). Rank 0 keeps every curve.
[[nodiscard]] std::vector<lightcurve::SourceCurves>
read_flares_inputs(MPI_Comm comm, const FlaresInputs& inputs,
                   const lightcurve::FlaresConfig& config,
                   std::vector<std::filesystem::path>& files);

//! Analyses every source (collective over `comm`; each rank needs the curves
//! of its own block only); every rank returns every result, in source order. The error of the first
//! failing source is thrown on every rank, prefixed `source "NAME": `.
[[nodiscard]] std::vector<lightcurve::SourceFlares>
run_flares_campaign(MPI_Comm comm, std::span<const lightcurve::SourceCurves> sources,
                    const lightcurve::FlaresConfig& config);

//! The table `nuflare flares` prints, as text columns
//! source,band,n_points,p0_used,f_quiescent,n_flares,flare_days,nxs,rho,class:
//! one row per (source, band) with rho and class empty, then one row per
//! source with band "multi", the simultaneity ratio and the reported class
//! (other fields empty). Missing numbers are empty fields.
[[nodiscard]] io::Table flares_summary_table(std::span<const lightcurve::SourceCurves> sources,
                                             std::span<const lightcurve::SourceFlares> results,
                                             const lightcurve::FlaresConfig& config);

//! Writes the layout above (collective; every rank passes the same data).
void write_flares_archive(io::Archive& archive, std::span<const lightcurve::SourceCurves> sources,
                          std::span<const lightcurve::SourceFlares> results,
                          const lightcurve::FlaresConfig& config);

} // namespace nuflare::campaign
