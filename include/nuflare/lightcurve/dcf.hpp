#pragma once
//! Discrete correlation function (Edelson & Krolik 1988; blazar paper §6.1;
//! docs/methods.md, DCF; blazar paper §6.1, Fig. 9), with the pyDCF-style local
//! normalisation as an option and a Levenberg–Marquardt Gaussian fit of the peak.
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <vector>

namespace nuflare::lightcurve {

//! How the unbinned correlations are normalised.
enum class DcfNormalisation {
  global, //!< Edelson & Krolik: whole-curve means and variances (np.var, ddof 0)
  local,  //!< pyDCF (Robertson et al. 2015): means, variances, mean errors of the pairs in each bin
};

//! Lag bins and normalisation. Lag τ = t_b − t_a: positive τ means b lags a
//! (a = γ-ray, b = infrared in the blazar analysis).
struct DcfOptions {
  std::vector<double> lag_centres_days; //!< bin centres [days]
  double bin_width_days = 1;            //!< Δτ [days]
  DcfNormalisation normalisation = DcfNormalisation::global;
  //! Bin membership: strict τ−Δτ/2 < Δt < τ+Δτ/2 (pyDCF) or half-open
  //! τ−Δτ/2 <= Δt < τ+Δτ/2 (docs/methods.md, DCF). Default: strict for local, half-open for global.
  std::optional<bool> strict_bounds;
  std::size_t fit_halfwidth = 5; //!< Gaussian fit over bins within this many bins of the maximum
};

//! Centres lag_min, lag_min + step, ... up to lag_max (inclusive within 1e-9 step).
[[nodiscard]] std::vector<double> lag_grid(double lag_min_days, double lag_max_days,
                                           double step_days);
//! pyDCF's grid: n = round((hi − lo)/Δτ) centres evenly from lo + Δτ/2 to hi − Δτ/2.
[[nodiscard]] std::vector<double> pydcf_lag_grid(double lag_min_days, double lag_max_days,
                                                 double bin_width_days);

//! A·exp(−(τ−τ₀)²/2s²) + c fitted by Levenberg–Marquardt (unweighted least squares).
struct GaussianFit {
  double amplitude = 0;   //!< A
  double tau0_days = 0;   //!< τ₀, the reported lag [days]
  double sigma_days = 0;  //!< s [days]
  double offset = 0;      //!< c
  bool converged = false; //!< false when too few bins (< 4) or no convergence
  std::size_t n_bins = 0; //!< bins used
  //! 1σ error of τ₀: sqrt of the covariance s²·(JᵀJ)⁻¹ at the minimum with
  //! s² = Σr²/(n − 4), as scipy's curve_fit without weights; NaN for n <= 4.
  double tau0_err_days = std::numeric_limits<double>::quiet_NaN();
};

//! The DCF on the requested lag bins.
struct DcfResult {
  std::vector<double> lag_days;     //!< bin centres [days]
  std::vector<double> dcf;          //!< NaN for empty bins
  std::vector<double> error;        //!< sqrt(Σ(UDCF − DCF)²)/(M − 1); NaN for M < 2
  std::vector<std::size_t> n_pairs; //!< M
  std::size_t peak_index = 0;       //!< bin with the largest finite DCF
  double peak_lag_days = 0;         //!< its centre (NaN when every bin is empty)
  GaussianFit fit;                  //!< Gaussian fit around the peak
};

//! DCF of series a (t_a, y_a, e_a) and b. Throws core::InputError for
//! mismatched lengths or fewer than 2 points, core::ConfigError for bad bins.
[[nodiscard]] DcfResult
discrete_correlation(std::span<const double> t_a, std::span<const double> y_a,
                     std::span<const double> e_a, std::span<const double> t_b,
                     std::span<const double> y_b, std::span<const double> e_b,
                     const DcfOptions& options);

//! Fits A·exp(−(x−x₀)²/2s²) + c to (x, y) by Levenberg–Marquardt from the
//! given start values.
[[nodiscard]] GaussianFit fit_gaussian(std::span<const double> x, std::span<const double> y,
                                       const GaussianFit& start);

} // namespace nuflare::lightcurve
