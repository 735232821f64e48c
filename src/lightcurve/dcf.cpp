#include "nuflare/lightcurve/dcf.hpp"

#include "nuflare/core/error.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>

namespace nuflare::lightcurve {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

double mean(std::span<const double> v) {
  double s = 0;
  for (double x : v)
    s += x;
  return s / static_cast<double>(v.size());
}

//! np.var (ddof 0) minus the mean squared error: the E&K denominator factor.
double excess_var(std::span<const double> y, std::span<const double> e) {
  const double m = mean(y);
  double ss = 0, ee = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    ss += (y[i] - m) * (y[i] - m);
    ee += e[i] * e[i];
  }
  return (ss - ee) / static_cast<double>(y.size());
}

} // namespace

std::vector<double> lag_grid(double lo, double hi, double step) {
  if (!(step > 0) || !(hi >= lo))
    throw core::ConfigError("dcf: lag grid needs step > 0 and lag_max >= lag_min");
  std::vector<double> out;
  for (std::size_t k = 0;; ++k) {
    const double c = lo + static_cast<double>(k) * step;
    if (c > hi + 1e-9 * step)
      break;
    out.push_back(c);
  }
  return out;
}

std::vector<double> pydcf_lag_grid(double lo, double hi, double width) {
  if (!(width > 0) || !(hi > lo))
    throw core::ConfigError("dcf: lag grid needs width > 0 and lag_max > lag_min");
  const auto n = static_cast<std::size_t>(std::llround((hi - lo) / width)); // np.around
  std::vector<double> out(n);
  const double a = lo + width / 2, b = hi - width / 2;
  for (std::size_t k = 0; k < n; ++k) // np.linspace(a, b, n)
    out[k] = n == 1 ? a : a + (b - a) * static_cast<double>(k) / static_cast<double>(n - 1);
  if (n > 1)
    out[n - 1] = b;
  return out;
}

GaussianFit fit_gaussian(std::span<const double> x, std::span<const double> y,
                         const GaussianFit& start) {
  GaussianFit fit = start;
  fit.n_bins = x.size();
  fit.converged = false;
  const auto n = static_cast<Eigen::Index>(x.size());
  if (n < 4)
    return fit;
  Eigen::Vector4d p(start.amplitude, start.tau0_days, start.sigma_days, start.offset);
  auto residuals = [&](const Eigen::Vector4d& q, Eigen::VectorXd& r, Eigen::MatrixXd* jac) {
    for (Eigen::Index i = 0; i < n; ++i) {
      const double d = x[static_cast<std::size_t>(i)] - q[1];
      const double g = std::exp(-0.5 * d * d / (q[2] * q[2]));
      r[i] = q[0] * g + q[3] - y[static_cast<std::size_t>(i)];
      if (jac) {
        (*jac)(i, 0) = g;
        (*jac)(i, 1) = q[0] * g * d / (q[2] * q[2]);
        (*jac)(i, 2) = q[0] * g * d * d / (q[2] * q[2] * q[2]);
        (*jac)(i, 3) = 1.0;
      }
    }
  };
  Eigen::VectorXd r(n), r_new(n);
  Eigen::MatrixXd jac(n, 4);
  residuals(p, r, &jac);
  double cost = r.squaredNorm();
  double lambda = 1e-3;
  for (int iter = 0; iter < 200; ++iter) {
    const Eigen::Matrix4d jtj = jac.transpose() * jac;
    const Eigen::Vector4d g = jac.transpose() * r;
    Eigen::Matrix4d a = jtj;
    a.diagonal() += lambda * jtj.diagonal().cwiseMax(1e-12);
    const Eigen::Vector4d step = a.ldlt().solve(-g);
    const Eigen::Vector4d trial = p + step;
    residuals(trial, r_new, nullptr);
    const double cost_new = r_new.squaredNorm();
    if (std::isfinite(cost_new) && cost_new < cost) {
      const bool small =
          step.norm() <= 1e-10 * (p.norm() + 1e-10) || cost - cost_new <= 1e-14 * cost;
      p = trial;
      cost = cost_new;
      residuals(p, r, &jac);
      lambda = std::max(lambda / 10, 1e-12);
      if (small) {
        fit.converged = true;
        break;
      }
    } else {
      lambda *= 10;
      if (lambda > 1e12) { // no further decrease possible: at a minimum
        fit.converged = std::isfinite(cost);
        break;
      }
    }
  }
  if (n > 4 && fit.converged) {
    residuals(p, r, &jac);
    const Eigen::Matrix4d jtj = jac.transpose() * jac;
    const Eigen::FullPivLU<Eigen::Matrix4d> lu(jtj);
    if (lu.isInvertible()) {
      const double var = lu.inverse()(1, 1) * r.squaredNorm() / static_cast<double>(n - 4);
      fit.tau0_err_days = var >= 0 ? std::sqrt(var) : NaN;
    }
  }
  fit.amplitude = p[0];
  fit.tau0_days = p[1];
  fit.sigma_days = std::abs(p[2]);
  fit.offset = p[3];
  return fit;
}

DcfResult discrete_correlation(std::span<const double> t_a, std::span<const double> y_a,
                               std::span<const double> e_a, std::span<const double> t_b,
                               std::span<const double> y_b, std::span<const double> e_b,
                               const DcfOptions& o) {
  if (t_a.size() != y_a.size() || t_a.size() != e_a.size() || t_b.size() != y_b.size() ||
      t_b.size() != e_b.size())
    throw core::InputError("dcf", 0, "", "series columns have different lengths");
  if (t_a.size() < 2 || t_b.size() < 2)
    throw core::InputError("dcf", 0, "", "each series needs at least 2 points");
  if (!(o.bin_width_days > 0) || o.lag_centres_days.empty())
    throw core::ConfigError("dcf: needs lag bins and a positive bin width");
  if (!std::is_sorted(o.lag_centres_days.begin(), o.lag_centres_days.end()))
    throw core::ConfigError("dcf: lag bin centres must be sorted");

  const bool local = o.normalisation == DcfNormalisation::local;
  const bool strict = o.strict_bounds.value_or(local);
  const std::vector<double>& c = o.lag_centres_days;
  const std::size_t nbin = c.size();
  const double half = o.bin_width_days / 2;

  // Calls f(bin, i, j) for every pair (i in a, j in b) and every bin it falls in.
  auto for_each_pair = [&](auto&& f) {
    for (std::size_t i = 0; i < t_a.size(); ++i) {
      for (std::size_t j = 0; j < t_b.size(); ++j) {
        const double d = t_b[j] - t_a[i];
        // bins with c - half <= d < c + half, i.e. d - half < c <= d + half
        auto lo = std::upper_bound(c.begin(), c.end(), d - half);
        if (lo != c.begin())
          --lo; // one more candidate, so rounding at a bin edge cannot lose a pair
        for (auto it = lo; it != c.end() && *it - half <= d; ++it) {
          const double blo = *it - half, bhi = *it + half;
          const bool in = strict ? (d > blo && d < bhi) : (d >= blo && d < bhi);
          if (in)
            f(static_cast<std::size_t>(it - c.begin()), i, j);
        }
      }
    }
  };

  DcfResult res;
  res.lag_days = c;
  res.dcf.assign(nbin, NaN);
  res.error.assign(nbin, NaN);
  res.n_pairs.assign(nbin, 0);

  // Pass 1: pair counts and the per-bin means (local) of y and e.
  std::vector<double> sa(nbin, 0), sb(nbin, 0), sea(nbin, 0), seb(nbin, 0);
  for_each_pair([&](std::size_t k, std::size_t i, std::size_t j) {
    ++res.n_pairs[k];
    sa[k] += y_a[i];
    sb[k] += y_b[j];
    sea[k] += e_a[i];
    seb[k] += e_b[j];
  });
  std::vector<double> ma(nbin), mb(nbin), den(nbin);
  if (local) {
    // pyDCF: sqrt((var(a_pairs) − mean(e_a_pairs)²)(var(b_pairs) − mean(e_b_pairs)²))
    std::vector<double> va(nbin, 0), vb(nbin, 0);
    for (std::size_t k = 0; k < nbin; ++k) {
      const double m = static_cast<double>(res.n_pairs[k]);
      ma[k] = sa[k] / m;
      mb[k] = sb[k] / m;
    }
    for_each_pair([&](std::size_t k, std::size_t i, std::size_t j) {
      va[k] += (y_a[i] - ma[k]) * (y_a[i] - ma[k]);
      vb[k] += (y_b[j] - mb[k]) * (y_b[j] - mb[k]);
    });
    for (std::size_t k = 0; k < nbin; ++k) {
      const double m = static_cast<double>(res.n_pairs[k]);
      const double mea = sea[k] / m, meb = seb[k] / m;
      const double fa = va[k] / m - mea * mea, fb = vb[k] / m - meb * meb;
      den[k] = fa > 0 && fb > 0 ? std::sqrt(fa * fb) : NaN;
    }
  } else {
    // Edelson & Krolik: whole-curve means and variances, ⟨e²⟩ subtracted
    const double ga = mean(y_a), gb = mean(y_b);
    const double fa = excess_var(y_a, e_a), fb = excess_var(y_b, e_b);
    const double d = fa > 0 && fb > 0 ? std::sqrt(fa * fb) : NaN;
    std::fill(ma.begin(), ma.end(), ga);
    std::fill(mb.begin(), mb.end(), gb);
    std::fill(den.begin(), den.end(), d);
  }

  // A non-positive excess variance in either series leaves the DCF undefined
  // (NaN); pyDCF would multiply two negative factors into a positive one.
  for (double& d : den)
    if (!(d > 0))
      d = NaN;

  // Pass 2: DCF = mean UDCF; pass 3: its error.
  std::vector<double> su(nbin, 0), sdev(nbin, 0);
  auto udcf = [&](std::size_t k, std::size_t i, std::size_t j) {
    return (y_a[i] - ma[k]) * (y_b[j] - mb[k]) / den[k];
  };
  for_each_pair([&](std::size_t k, std::size_t i, std::size_t j) { su[k] += udcf(k, i, j); });
  for (std::size_t k = 0; k < nbin; ++k)
    if (res.n_pairs[k] > 0)
      res.dcf[k] = su[k] / static_cast<double>(res.n_pairs[k]);
  for_each_pair([&](std::size_t k, std::size_t i, std::size_t j) {
    const double u = udcf(k, i, j) - res.dcf[k];
    sdev[k] += u * u;
  });
  for (std::size_t k = 0; k < nbin; ++k)
    if (res.n_pairs[k] > 1)
      res.error[k] = std::sqrt(sdev[k]) / static_cast<double>(res.n_pairs[k] - 1);

  // Peak and Gaussian fit around it.
  res.peak_lag_days = NaN;
  double best = -std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < nbin; ++k)
    if (std::isfinite(res.dcf[k]) && res.dcf[k] > best) {
      best = res.dcf[k];
      res.peak_index = k;
      res.peak_lag_days = c[k];
    }
  if (std::isfinite(res.peak_lag_days)) {
    const std::size_t lo = res.peak_index >= o.fit_halfwidth ? res.peak_index - o.fit_halfwidth : 0;
    const std::size_t hi = std::min(nbin - 1, res.peak_index + o.fit_halfwidth);
    std::vector<double> fx, fy;
    for (std::size_t k = lo; k <= hi; ++k)
      if (std::isfinite(res.dcf[k])) {
        fx.push_back(c[k]);
        fy.push_back(res.dcf[k]);
      }
    GaussianFit start;
    start.offset = *std::min_element(fy.begin(), fy.end());
    start.amplitude = best - start.offset;
    start.tau0_days = res.peak_lag_days;
    start.sigma_days = std::max(o.bin_width_days, (fx.back() - fx.front()) / 4);
    res.fit = fit_gaussian(fx, fy, start);
  }
  return res;
}

} // namespace nuflare::lightcurve
