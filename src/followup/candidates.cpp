#include "nuflare/followup/candidates.hpp"

#include "nuflare/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace nuflare::followup {

namespace {

std::string_view trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && blank(s.back()))
    s.remove_suffix(1);
  return s;
}

bool one_of(std::string_view s, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), s) != options.end();
}

bool is_classified(const io::ZtfCandidate& c) {
  return classify(c.classification).base != CandidateClass::unclassified;
}

double ratio(std::size_t a, std::size_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}

} // namespace

std::string to_string(CandidateClass c) {
  switch (c) {
  case CandidateClass::artefact:
    return "Artefact";
  case CandidateClass::star:
    return "Star";
  case CandidateClass::agn_variability:
    return "AGN Variability";
  case CandidateClass::agn_flare:
    return "AGN Flare";
  case CandidateClass::transient:
    return "Transient";
  case CandidateClass::unclassified:
    return "Unclassified";
  case CandidateClass::other:
    return "Other";
  }
  return "?";
}

Classification classify(std::string_view label) {
  // The order and the label lists follow nuztfpaper's candidates.py, so that
  // the counts are those of Fig. 2 and 4; only the trimming is added (the
  // spreadsheet leaves line breaks after some labels, which that code lists
  // one by one).
  const std::string_view l = trim(label);
  using C = CandidateClass;
  if (one_of(l, {"AGN", "AGN?", "AGN Flare"}))
    return {C::agn_flare, "AGN Flare"};
  if (one_of(l, {"AGN Variability", "AGN Variability?", "AGN Variability (FP)"}))
    return {C::agn_variability, "AGN Variability"};
  if (one_of(l, {"CV", "Star?", "CV???", "Star"}))
    return {C::star, "Star"};
  if (one_of(l, {"", "?", "???", "Unclassified", "Unknown"}))
    return {C::unclassified, "Unclassified"};
  if (one_of(l, {"artifact?", "Artifact", "Artefact"}))
    return {C::artefact, "Artefact"};
  if (l.find("Ia") != std::string_view::npos)
    return {C::transient, "SN Ia"};
  if (l.find("SN") != std::string_view::npos)
    return {C::transient, std::string(l)};
  if (l == "II/IIb")
    return {C::transient, "SN II/IIb"};
  if (one_of(l, {"TDE", "Dwarf Nova"}))
    return {C::transient, std::string(l)};
  return {C::other, std::string(l)};
}

std::vector<io::ZtfCandidate> select_candidates(std::span<const io::ZtfCandidate> candidates,
                                                const CandidateOptions& options) {
  std::unordered_map<std::string, std::size_t> per_alert;
  for (const auto& c : candidates)
    ++per_alert[c.alert];
  std::vector<io::ZtfCandidate> out;
  for (const auto& c : candidates)
    if (per_alert[c.alert] >= options.min_candidates_per_alert)
      out.push_back(c);
  return out;
}

CandidateSummary summarize_candidates(std::span<const io::ZtfCandidate> all,
                                      std::span<const io::Alert> alerts,
                                      const CandidateOptions& options) {
  const auto candidates = select_candidates(all, options);
  CandidateSummary s;
  s.alerts = alerts.size();
  std::unordered_map<std::string, std::size_t> row; // alert name -> per_alert index
  for (const auto& a : alerts) {
    if (!a.area_obs_deg2)
      throw core::ConfigError("ztf candidates: alert " + a.name +
                              " has no observed area (read it from a follow-up table)");
    row.emplace(a.name, s.per_alert.size());
    s.per_alert.push_back({a.name, 0, *a.area_obs_deg2, 0.0});
    s.observed_area_deg2 += *a.area_obs_deg2;
  }
  if (!(s.observed_area_deg2 > 0))
    throw core::ConfigError("ztf candidates: the followed-up alerts have no observed area");
  std::map<std::string, std::size_t> subclasses;
  for (const auto& c : candidates) {
    const auto it = row.find(c.alert);
    if (it == row.end())
      throw core::ConfigError("ztf candidates: candidate " + c.name + " belongs to alert " +
                              c.alert + ", which is not in the follow-up table");
    ++s.per_alert[it->second].candidates;
    const Classification k = classify(c.classification);
    ++s.per_class[static_cast<std::size_t>(k.base)];
    if (k.base == CandidateClass::transient)
      ++subclasses[k.subclass];
  }
  s.candidates = candidates.size();
  s.per_deg2 = static_cast<double>(s.candidates) / s.observed_area_deg2;
  // §2: "after removing those sources flagged as stars, image artefacts, or AGN
  // variability, we are left with 54 'interesting candidates'".
  s.interesting = s.candidates - s.count(CandidateClass::artefact) - s.count(CandidateClass::star) -
                  s.count(CandidateClass::agn_variability);
  s.interesting_per_deg2 = static_cast<double>(s.interesting) / s.observed_area_deg2;
  s.transient_subclasses.assign(subclasses.begin(), subclasses.end());
  for (auto& a : s.per_alert) {
    if (a.candidates == 0)
      ++s.alerts_without;
    a.per_deg2 = a.area_deg2 > 0 ? static_cast<double>(a.candidates) / a.area_deg2 : 0.0;
  }
  return s;
}

void MagnitudeBinning::validate() const {
  if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi && width > 0))
    throw core::ConfigError("candidate magnitude bins: need finite lo < hi and width > 0");
  const double n = (hi - lo) / width;
  if (std::abs(n - std::round(n)) > 1e-9 * std::max(1.0, n) || std::round(n) < 1)
    throw core::ConfigError("candidate magnitude bins: (hi - lo) / width must be a whole number");
}

std::size_t MagnitudeBinning::bins() const {
  validate();
  return static_cast<std::size_t>(std::llround((hi - lo) / width));
}

std::vector<MagnitudeBin> magnitude_histogram(std::span<const io::ZtfCandidate> candidates,
                                              const MagnitudeBinning& binning) {
  const std::size_t n = binning.bins();
  std::vector<MagnitudeBin> out(n);
  // Edges as np.linspace(lo, hi, n + 1) computes them.
  for (std::size_t i = 0; i < n; ++i) {
    out[i].lo =
        binning.lo + (binning.hi - binning.lo) * static_cast<double>(i) / static_cast<double>(n);
    out[i].hi = i + 1 == n ? binning.hi
                           : binning.lo + (binning.hi - binning.lo) * static_cast<double>(i + 1) /
                                              static_cast<double>(n);
  }
  for (const auto& c : candidates) {
    const double m = c.peak_mag;
    if (!(m >= binning.lo && m <= binning.hi))
      continue;
    // The last bin is closed; the others are [lo, hi).
    std::size_t i = n - 1;
    for (std::size_t k = 0; k < n; ++k)
      if (m < out[k].hi) {
        i = k;
        break;
      }
    ++out[i].total;
    if (is_classified(c))
      ++out[i].classified;
  }
  for (auto& b : out)
    b.efficiency = b.total == 0 ? 1.0 : ratio(b.classified, b.total);
  return out;
}

double EfficiencySplit::bright_efficiency() const {
  return ratio(bright_classified, bright);
}

double EfficiencySplit::faint_efficiency() const {
  return ratio(faint_classified, faint);
}

EfficiencySplit classification_efficiency(std::span<const io::ZtfCandidate> candidates,
                                          double cut_mag, const MagnitudeBinning& binning) {
  EfficiencySplit s;
  s.cut_mag = cut_mag;
  std::size_t binned = 0;
  for (const auto& b : magnitude_histogram(candidates, binning)) {
    binned += b.total;
    // The notebook selects bins by their centre (`mids > 19.5`).
    if (0.5 * (b.lo + b.hi) > cut_mag) {
      s.faint += b.total;
      s.faint_classified += b.classified;
    } else {
      s.bright += b.total;
      s.bright_classified += b.classified;
    }
  }
  s.outside = candidates.size() - binned;
  return s;
}

EfficiencySplit classification_efficiency_unbinned(std::span<const io::ZtfCandidate> candidates,
                                                   double cut_mag) {
  EfficiencySplit s;
  s.cut_mag = cut_mag;
  for (const auto& c : candidates) {
    const bool classified = is_classified(c);
    if (c.peak_mag > cut_mag) {
      ++s.faint;
      s.faint_classified += classified ? 1 : 0;
    } else {
      ++s.bright;
      s.bright_classified += classified ? 1 : 0;
    }
  }
  return s;
}

DetectionConfig step_efficiency(const EfficiencySplit& split, double faint_limit_mag,
                                double epsilon0) {
  DetectionConfig c;
  c.epsilon0 = epsilon0;
  c.steps = {{split.cut_mag, 1.0}, {faint_limit_mag, split.faint_efficiency()}};
  c.validate();
  return c;
}

DetectionConfig notebook_detection_config() {
  DetectionConfig c = DetectionConfig::ztf();
  c.epsilon0 = 1.0;
  return c;
}

double p_detectable_k_corrected(const DetectionModel& model, const RedshiftPdf& pdf, double abs_mag,
                                double k_slope) {
  if (!(k_slope >= -1.0 && k_slope <= 5.0))
    throw core::ConfigError("followup: K-correction slope k must be in [-1, 5]");
  const FlatLambdaCdm& cosmology = model.cosmology();
  auto magnitude = [&](double z) {
    return abs_mag + cosmology.distance_modulus(z) + 2.5 * k_slope * std::log10(1.0 + z);
  };
  // Redshift where m(z) reaches `edge`; m increases with z for k >= -1.
  auto threshold = [&](double edge) {
    double lo = 0.0, hi = pdf.z_max();
    if (magnitude(hi) <= edge)
      return hi;
    for (int i = 0; i < 80 && hi - lo > 1e-12; ++i) {
      const double mid = 0.5 * (lo + hi);
      (magnitude(mid) <= edge ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
  };
  // Eq. 5 for a step ε, split at the redshifts of the step edges.
  double total = 0.0, z_prev = 0.0, cdf_prev = pdf.cdf(0.0);
  for (const auto& step : model.config().steps) {
    const double z_k = threshold(step.m_max);
    if (z_k > z_prev) {
      const double cdf_k = pdf.cdf(z_k);
      total += step.efficiency * (cdf_k - cdf_prev);
      cdf_prev = cdf_k;
      z_prev = z_k;
    }
  }
  return model.config().epsilon0 * total;
}

} // namespace nuflare::followup
