#pragma once
//! Light-curve readers. Every reader returns curves sorted by time with no two
//! points at the same time; what counts as bad ordering differs per format and
//! is documented on each function and in docs/methods.md (input readers).
//! Every value must lie in its range (ranges.hpp, docs/input-formats.md):
//! times in ranges::LIGHTCURVE_MJD, fluxes within ±1e30 in the band's unit, and
//! the error of a measured point in ranges::FLUX_ERR (> 0).
#include "nuflare/io/records.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace nuflare::io {

// ---- flux units (docs/input-formats.md, "Flux units") ----------------------------
//! Photon flux (Fermi LCR photon-flux exports, the 4FGL flux history).
inline constexpr const char* PHOTON_FLUX = "ph cm^-2 s^-1";
//! Energy flux (Fermi LCR energy-flux exports; the long CSV's default).
inline constexpr const char* ENERGY_FLUX = "erg cm^-2 s^-1";
//! Energy flux as the LCR writes its `Energy Flux` column (MeV cm-2 s-1).
inline constexpr const char* ENERGY_FLUX_MEV = "MeV cm^-2 s^-1";
inline constexpr const char* COUNT_RATE = "s^-1"; //!< Swift-XRT count rate
inline constexpr const char* JANSKY = "Jy";       //!< OVRO flux density
inline constexpr const char* MILLIJANSKY = "mJy"; //!< WISE flux density (Vega zero points)
inline constexpr const char* WISE_DN = "DN";      //!< raw WISE `w?flux`
//! The units a light curve may declare (the long CSV's `flux_unit` column).
[[nodiscard]] const std::vector<std::string>& flux_units();

//! 1 GeV in erg.
inline constexpr double ERG_PER_GEV = 1.602176634e-3;
//! The energy flux over [e1, e2] GeV of a power law dN/dE ∝ E^−Γ whose
//! photon flux over the LCR's 0.1–100 GeV is `photon_flux`:
//! F_E = F_ph · ∫_{e1}^{e2} E·E^−Γ dE / ∫_{0.1}^{100} E^−Γ dE [erg cm^-2 s^-1]
//! (docs/methods.md, Flux units), Γ = 1 and Γ = 2 by their logarithms.
[[nodiscard]] double energy_flux_of_photon_flux(double photon_flux, double gamma, double e1_gev,
                                                double e2_gev);
//! Converts a Fermi LCR photon-flux curve to energy flux over [e1, e2] GeV,
//! bin by bin with its fitted photon index (|index|; the LCR signs it). Bins
//! without a fitted index (upper limits) take the median index of the curve's
//! fitted bins. A curve that is not in PHOTON_FLUX, or has no fitted index at
//! all, is a core::InputError naming the source.
void convert_to_energy_flux(LightCurve& curve, double e1_gev, double e2_gev);

//! Fermi mission elapsed time reference: MET 0 s = MJD 51910 + 64.184 s (TT).
inline constexpr double FERMI_MJDREF = 51910.0 + 7.428703703703703e-4;
//! Julian Date minus this is MJD.
inline constexpr double JD_MINUS_MJD = 2400000.5;

//! MJD of a Fermi mission elapsed time [s].
[[nodiscard]] constexpr double mjd_from_met(double met_s) {
  return FERMI_MJDREF + met_s / 86400.0;
}

//! Long-format CSV `source,band,mjd,flux,flux_err[,upper_limit]` (plain,
//! `.gz`, `.xz`). Rows may come in any order; they are grouped by (source,
//! band) in order of first appearance and sorted by time. Two points of one
//! curve at the same MJD are an error. flux may be negative (background-
//! subtracted photometry); flux_err must be > 0 for a measured point and may
//! be empty or 0 for an upper limit (then 0). An optional `flux_unit` column
//! names the unit (one of flux_units(), the same on every row of a curve);
//! without it the flux is an energy flux, ENERGY_FLUX.
//! The file is read as one part (read_lightcurves_part) and merged.
[[nodiscard]] std::vector<LightCurve> read_lightcurves_csv(const std::string& path);

// ---- the long CSV in parts (docs/scaling.md, "Read once per job") ---------------
//
// A plain long CSV is cut into byte ranges that readers parse independently
// (each on its own rank or thread); merge_lightcurves_parts then puts the
// parts together into exactly what read_lightcurves_csv returns, value for
// value, and raises exactly the error it raises, for any cut. Lines cannot
// span parts in a way that matters: a line belongs to the part in which it
// starts, and a quoted field never spans lines (io::TableReader refuses an
// unterminated quote on its line), so every line is read whole by one part.
// A gzip or xz file cannot be cut and is one part read from its start.

//! Bytes of a part when a long CSV is cut for reading in parallel: 2 MiB
//! parts keep 16 readers busy on the paper-scale sky's 32 MB file, and the
//! merge's cost per part (one look-up per curve) is small beside a part.
inline constexpr std::uint64_t LIGHTCURVE_PART_BYTES = std::uint64_t{2} << 20;

//! A long-CSV file's header and the byte ranges it is cut into.
struct LightCurvesCsvLayout {
  std::string path;
  std::vector<std::string> columns; //!< the header's column names
  std::size_t header_line = 0;      //!< 1-based line of the header
  bool compressed = false;          //!< gzip or xz: one part, read from the file's start
  std::uint64_t data_begin = 0;     //!< byte offset of the line after the header
  //! Part k holds the rows whose lines start in bytes [bounds[k], bounds[k+1]);
  //! bounds run from data_begin to UINT64_MAX (the file's end). Any
  //! non-decreasing cuts in between are valid (the tests cut everywhere).
  std::vector<std::uint64_t> bounds;
  [[nodiscard]] std::size_t parts() const noexcept {
    return bounds.empty() ? 0 : bounds.size() - 1;
  }
};

//! Reads the header of `path` (with the errors read_lightcurves_csv raises
//! for it: no header, a missing column) and cuts a plain file into parts of
//! about `part_bytes` (at least one; a compressed file is one part).
[[nodiscard]] LightCurvesCsvLayout
lightcurves_csv_layout(const std::string& path, std::uint64_t part_bytes = LIGHTCURVE_PART_BYTES);

//! The rows of one part, as read, not yet checked across parts.
struct LightCurvesPart {
  //! Curves in order of first appearance within the part, points in file
  //! order (not sorted); a curve's flux_unit is that of its first row here.
  std::vector<LightCurve> curves;
  //! Per curve, per point: its line, counted from the part's start (below).
  std::vector<std::vector<std::uint64_t>> lines;
  //! Per curve: the line of its first row in the part (that row may have
  //! failed after naming the curve; then the curve has no point from it).
  std::vector<std::uint64_t> first_line;
  //! `\n` bytes in the part's range: the merge adds them up to turn part
  //! lines into file lines (a compressed file's lines are the file's).
  std::uint64_t newlines = 0;
  //! The part's first bad row, kept instead of thrown: the merge decides
  //! whether an earlier part's row or a check across parts comes first.
  bool failed = false;
  std::uint64_t error_line = 0; //!< counted as `lines`
  std::string error_field, error_message;
};

//! Reads part `k` of `layout` (any thread; errors other than bad rows, such
//! as core::IoError, are thrown).
[[nodiscard]] LightCurvesPart read_lightcurves_part(const LightCurvesCsvLayout& layout,
                                                    std::size_t k);

//! Puts the parts of `layout` (all of them, in order) together: curves by
//! (source, band) in order of first appearance in the file, points sorted by
//! time, one unit per curve, no two points of a curve at one time. Throws
//! the core::InputError that read_lightcurves_csv would throw for the file:
//! the first bad line in file order (a unit change between parts is compared
//! by line with the parts' own errors), then "a header but no points", then
//! the first duplicated time in curve order.
[[nodiscard]] std::vector<LightCurve> merge_lightcurves_parts(const LightCurvesCsvLayout& layout,
                                                              std::vector<LightCurvesPart> parts);

//! Fermi-LAT Light Curve Repository CSV export (quoted CSV, "Julian Date",
//! photon- or energy-flux columns, `< x` upper limits with error `-`).
//! MJD = JD - 2400000.5. Times must increase strictly down the file (the
//! export is time-ordered; disorder means a damaged file). Upper limits get
//! flux = the limit, flux_err = 0, upper_limit = 1. `ts` and `photon_index`
//! are filled (NaN where `-`). An empty `source` is taken from the file name
//! (`4FGL_J1104.4+3812_weekly_...csv` -> `4FGL J1104.4+3812`).
[[nodiscard]] LightCurve read_fermi_lcr(const std::string& path, const std::string& source = {},
                                        const std::string& band = "fermi");

//! Source name encoded in an LCR export's file name (see read_fermi_lcr).
[[nodiscard]] std::string source_from_lcr_path(const std::string& path);

//! How WISE single-exposure fluxes are returned.
enum class WiseFluxUnit {
  mjy, //!< Vega-calibrated flux density [mJy] (default; see docs/methods.md (input readers))
  dn,  //!< the raw IRSA `w?flux` values [DN], per survey zero point
};

struct WiseReadOptions {
  //! Optional table `orig_id,name,ra,dec,...` (timewise `test_sample.csv`):
  //! gives source names and the reference positions used to resolve two
  //! detections in one exposure. Empty: names are the orig_id values and the
  //! reference position is the median position of the source's detections.
  std::string sample_table;
  WiseFluxUnit unit = WiseFluxUnit::mjy;
};

//! WISE / NEOWISE single-exposure photometry as written by timewise (IRSA
//! `allwise_p3as_mep` / `neowiser_p1bs_psd` query results, columns `mjd, ra,
//! dec, W1_flux, W1_flux_error, W2_flux, W2_flux_error, orig_id` and
//! optionally `W?_mag`, `W?_mag_error`). Returns per source a `wise_w1` and a
//! `wise_w2` curve, sorted by time. A band whose flux is empty in a row is
//! skipped for that row; a flux without an error is an error. Several
//! detections in the same exposure (same MJD) of one source: the one nearest
//! to the reference position is kept.
[[nodiscard]] std::vector<LightCurve> read_wise_photometry(const std::vector<std::string>& paths,
                                                           const WiseReadOptions& options = {});

//! The yearly flux history of the 4FGL catalogue as CSV (`Source_Name, bin,
//! MET_start, MET_stop, Flux_History, Unc_Flux_History_lo,
//! Unc_Flux_History_hi, Sqrt_TS_History`): one curve per source, band
//! "fermi_yearly", time = bin centre [MJD], flux [ph cm^-2 s^-1],
//! flux_err = (|lo| + hi)/2, ts = Sqrt_TS^2. A bin with NaN lower error is an
//! upper limit at flux + 2*hi (the 2σ limit, gammapy's convention). Sources
//! whose bins all lack both errors (fixed model components such as the Crab
//! IC) are skipped. Per source, bins must follow each other in time.
[[nodiscard]] std::vector<LightCurve> read_4fgl_flux_history(const std::string& path);

} // namespace nuflare::io
