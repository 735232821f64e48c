#pragma once
//! The DCF run (blazar paper §6.1, Fig. 9; `nuflare dcf`; docs/methods.md,
//! DCF): the discrete correlation function of two bands of every source that
//! has both, its peak and the Gaussian fit around the peak.
//!
//! Lag convention: τ = t_b − t_a, so a positive lag means band b (the
//! infrared in the paper) lags band a (the γ-ray). Only measured points
//! enter; upper limits are left out (a limit is no flux to correlate).
//!
//! The work is a few thousand pair products per source, so every rank
//! computes every source (no partition, no gather): the table and the
//! archive cannot depend on the number of ranks.
//!
//! Archive layout (docs/archive-format.md):
//!   /dcf/summary   the printed CSV, column for column
//!   /dcf/bins      the DCF bins of every source: source, lag, dcf, dcf_err, n_pairs
#include "nuflare/campaign/flares_campaign.hpp"
#include "nuflare/campaign/run_output.hpp"
#include "nuflare/core/options.hpp"
#include "nuflare/io/archive.hpp"
#include "nuflare/lightcurve/analyse.hpp"
#include "nuflare/lightcurve/dcf.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace nuflare::campaign {

//! The bands, the lag bins and the normalisation of a DCF run.
struct DcfSettings {
  std::string band_a = "fermi";   //!< reference band (γ-ray in the paper)
  std::string band_b = "wise_w1"; //!< band whose lag is measured (infrared in the paper)
  lightcurve::DcfNormalisation normalisation = lightcurve::DcfNormalisation::global;
  double bin_width_days = 30;    //!< Δτ [days]
  double lag_min_days = -450;    //!< lower edge of the first bin [days]
  double lag_max_days = 450;     //!< upper edge of the last bin [days]
  std::size_t fit_halfwidth = 5; //!< bins each side of the peak in the Gaussian fit

  //! The keys of the settings (docs/cli.md, `nuflare dcf`).
  static const core::OptionTable<DcfSettings>& options();
  //! The bins (lightcurve::pydcf_lag_grid: round((max − min)/Δτ) bins of
  //! width Δτ centred from min + Δτ/2 to max − Δτ/2) and the normalisation.
  [[nodiscard]] lightcurve::DcfOptions dcf_options() const;
};

//! A `nuflare dcf` run: the light curves (as `nuflare flares` reads them),
//! the DCF settings and the archive.
struct DcfRun {
  FlaresInputs in;
  DcfSettings dcf;
  OutputOptions out;
  //! The keys (docs/cli.md, `nuflare dcf`).
  static const core::OptionTable<DcfRun>& options();
};

//! Throws core::FieldError / core::RelationError naming the bad key: equal
//! bands, lag_max <= lag_min, a bin wider than the lag range.
void validate(const DcfSettings& settings);

//! The DCF of one source.
struct SourceDcf {
  std::string source;
  std::size_t n_a = 0, n_b = 0; //!< measured points of band a and b
  //! Empty (no bins) when either band has fewer than 2 measured points.
  lightcurve::DcfResult result;
};

//! The DCF of every source of `sources` that has both bands, in source order.
//! No source with both bands is a core::FieldError naming band_b (or band_a
//! when no source has band_a).
[[nodiscard]] std::vector<SourceDcf> run_dcf(std::span<const lightcurve::SourceCurves> sources,
                                             const DcfSettings& settings);

//! The printed table: source, band_a, band_b, n_a, n_b, peak_lag, fit_lag,
//! fit_lag_err, fit_sigma, peak_dcf (NaN where undefined: no bins, no
//! finite DCF, or a fit that did not converge).
[[nodiscard]] io::Table dcf_summary_table(std::span<const SourceDcf> results,
                                          const DcfSettings& settings);
//! Every source's bins: source, lag, dcf, dcf_err, n_pairs.
[[nodiscard]] io::Table dcf_bins_table(std::span<const SourceDcf> results);

//! Writes the layout above (collective; every rank passes the same data).
void write_dcf_archive(io::Archive& archive, std::span<const SourceDcf> results,
                       const DcfSettings& settings);

} // namespace nuflare::campaign
