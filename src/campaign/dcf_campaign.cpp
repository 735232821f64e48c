#include "nuflare/campaign/dcf_campaign.hpp"

#include "nuflare/core/validation.hpp"
#include "nuflare/io/tables.hpp"

#include <cmath>
#include <limits>

namespace nuflare::campaign {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

//! The measured points (upper limits left out) of one curve.
struct Points {
  std::vector<double> t, y, e;
};
Points measured(const io::LightCurve& c) {
  Points p;
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c.upper_limit.empty() || !c.upper_limit[i]) {
      p.t.push_back(c.mjd[i]);
      p.y.push_back(c.flux[i]);
      p.e.push_back(c.flux_err[i]);
    }
  return p;
}

const io::LightCurve* band_of(const lightcurve::SourceCurves& s, const std::string& band) {
  for (const auto& c : s.curves)
    if (c.band == band)
      return &c;
  return nullptr;
}

bool has_bins(const SourceDcf& d) {
  return !d.result.lag_days.empty();
}
double peak_lag(const SourceDcf& d) {
  return has_bins(d) ? d.result.peak_lag_days : NaN;
}
double peak_dcf(const SourceDcf& d) {
  return has_bins(d) && std::isfinite(d.result.peak_lag_days) ? d.result.dcf[d.result.peak_index]
                                                              : NaN;
}
//! A fit value, NaN unless the fit converged.
template <class F>
double fitted(const SourceDcf& d, F value) {
  return has_bins(d) && d.result.fit.converged ? value(d.result.fit) : NaN;
}

} // namespace

const core::OptionTable<DcfSettings>& DcfSettings::options() {
  using D = DcfSettings;
  using N = lightcurve::DcfNormalisation;
  static const auto table =
      core::OptionTable<D>()
          .add("band_a", &D::band_a, "", "reference band (the γ-ray in blazar paper §6.1)")
          .add("band_b", &D::band_b, "",
               "band whose lag is measured: a positive lag means band_b lags band_a")
          .choice("normalisation", &D::normalisation, {{"ek", N::global}, {"local", N::local}},
                  "ek: Edelson & Krolik 1988, whole-curve means and variances; local: pyDCF, "
                  "means and variances of the pairs in each bin")
          .add("bin_width", &D::bin_width_days, "days", "lag bin width Δτ", core::POSITIVE)
          .add("lag_min", &D::lag_min_days, "days", "lower edge of the first lag bin")
          .add("lag_max", &D::lag_max_days, "days", "upper edge of the last lag bin")
          .add("fit_halfwidth", &D::fit_halfwidth, "",
               "bins each side of the DCF maximum in the Gaussian fit of the peak",
               core::Count{1, 10000});
  return table;
}

const core::OptionTable<DcfRun>& DcfRun::options() {
  static const auto table = core::OptionTable<DcfRun>()
                                .include(&DcfRun::in, FlaresInputs::options())
                                .include(&DcfRun::dcf, DcfSettings::options())
                                .include(&DcfRun::out, OutputOptions::options());
  return table;
}

lightcurve::DcfOptions DcfSettings::dcf_options() const {
  lightcurve::DcfOptions o;
  o.lag_centres_days = lightcurve::pydcf_lag_grid(lag_min_days, lag_max_days, bin_width_days);
  o.bin_width_days = bin_width_days;
  o.normalisation = normalisation;
  o.fit_halfwidth = fit_halfwidth;
  return o;
}

void validate(const DcfSettings& s) {
  DcfSettings::options().check_ranges(s);
  if (s.band_a == s.band_b)
    throw core::RelationError("band_a", s.band_a, core::RelationError::Rule::differs, "band_b",
                              s.band_b);
  core::require_order("lag_min", s.lag_min_days, "lag_max", s.lag_max_days, true);
  if (std::llround((s.lag_max_days - s.lag_min_days) / s.bin_width_days) < 1)
    throw core::FieldError("bin_width", "wider than twice the lag range of " +
                                            io::format_number(s.lag_max_days - s.lag_min_days) +
                                            " days: no lag bin");
}

std::vector<SourceDcf> run_dcf(std::span<const lightcurve::SourceCurves> sources,
                               const DcfSettings& s) {
  validate(s);
  const auto options = s.dcf_options();
  std::vector<SourceDcf> out;
  bool any_a = false;
  for (const auto& source : sources) {
    const auto* a = band_of(source, s.band_a);
    const auto* b = band_of(source, s.band_b);
    any_a = any_a || a;
    if (!a || !b)
      continue;
    const auto pa = measured(*a), pb = measured(*b);
    SourceDcf d{source.name, pa.t.size(), pb.t.size(), {}};
    if (d.n_a >= 2 && d.n_b >= 2)
      d.result = lightcurve::discrete_correlation(pa.t, pa.y, pa.e, pb.t, pb.y, pb.e, options);
    out.push_back(std::move(d));
  }
  if (out.empty()) {
    const auto& key = any_a ? "band_b" : "band_a";
    throw core::FieldError(key, "no source has a light curve in both bands " + s.band_a + " and " +
                                    s.band_b);
  }
  return out;
}

io::Table dcf_summary_table(std::span<const SourceDcf> results, const DcfSettings& s) {
  using C = io::ColumnOf<SourceDcf>;
  using Fit = lightcurve::GaussianFit;
  const std::vector<C> columns{
      C("source", "", "source name", &SourceDcf::source),
      C("band_a", "", "reference band", [&](const SourceDcf&) { return s.band_a; }),
      C("band_b", "", "lagging band (positive lag: band_b after band_a)",
        [&](const SourceDcf&) { return s.band_b; }),
      C("n_a", "", "measured points of band_a", &SourceDcf::n_a),
      C("n_b", "", "measured points of band_b", &SourceDcf::n_b),
      C("peak_lag", "days", "centre of the bin with the largest DCF", peak_lag, 4),
      C(
          "fit_lag", "days", "mean τ₀ of the Gaussian fitted around the peak",
          [](const SourceDcf& d) { return fitted(d, [](const Fit& f) { return f.tau0_days; }); },
          4),
      C(
          "fit_lag_err", "days", "1σ error of τ₀ (least-squares covariance)",
          [](const SourceDcf& d) {
            return fitted(d, [](const Fit& f) { return f.tau0_err_days; });
          },
          2),
      C(
          "fit_sigma", "days", "width s of the fitted Gaussian",
          [](const SourceDcf& d) { return fitted(d, [](const Fit& f) { return f.sigma_days; }); },
          4),
      C("peak_dcf", "", "largest DCF", peak_dcf, 4),
  };
  return io::make_table(std::span<const SourceDcf>(results), std::span<const C>(columns));
}

io::Table dcf_bins_table(std::span<const SourceDcf> results) {
  struct Bin {
    const SourceDcf* d;
    std::size_t k;
  };
  std::vector<Bin> bins;
  for (const auto& d : results)
    for (std::size_t k = 0; k < d.result.lag_days.size(); ++k)
      bins.push_back({&d, k});
  using C = io::ColumnOf<Bin>;
  const std::vector<C> columns{
      C("source", "", "source name", [](const Bin& b) { return b.d->source; }),
      C("lag", "days", "bin centre τ = t_b − t_a",
        [](const Bin& b) { return b.d->result.lag_days[b.k]; }),
      C("dcf", "", "DCF (NaN: no pair, or no excess variance)",
        [](const Bin& b) { return b.d->result.dcf[b.k]; }),
      C("dcf_err", "", "error sqrt(Σ(UDCF − DCF)²)/(M − 1) (NaN for M < 2)",
        [](const Bin& b) { return b.d->result.error[b.k]; }),
      C("n_pairs", "", "pairs M in the bin", [](const Bin& b) { return b.d->result.n_pairs[b.k]; }),
  };
  return io::make_table(bins, columns);
}

void write_dcf_archive(io::Archive& archive, std::span<const SourceDcf> results,
                       const DcfSettings& s) {
  archive.create_group("/dcf");
  archive.set_attribute("/dcf", "lag_convention",
                        "lag = t_b - t_a: positive means band_b lags band_a");
  io::write_summary_table(archive, "/dcf/summary", dcf_summary_table(results, s));
  io::write_summary_table(archive, "/dcf/bins", dcf_bins_table(results));
}

} // namespace nuflare::campaign
