#pragma once
//! The ΔT × containment-factor scan of the blazar paper (§5.1.1, Fig. 3;
//! docs/methods.md "Scan"): R(0) at every grid point for one set of alert RAs, the observed
//! one or a scrambled one per trial.
#include "nuflare/coincidence/temporal_kernel.hpp"
#include "nuflare/coincidence/temporal_selection.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/sky/region.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace nuflare::coincidence {

//! The ΔT × containment-factor scan of paper §5.1.1 / Fig. 3: R(0)
//! at every grid point from one set of alert RAs. Grid points are ΔT-major:
//! index = i_delta_t · n_factors + i_factor. With several flare cuts (a
//! sweep, docs/methods.md "Sweeps") the cut is outermost: index =
//! (i_cut · n_delta_t + i_delta_t) · n_factors + i_factor, and the alert
//! regions' members are found once for all cuts.
class ScanEngine {
public:
  ScanEngine(std::span<const FlareSeries> series, std::vector<io::Alert> alerts,
             std::vector<double> delta_t_days, std::vector<double> factors, sky::RegionShape shape,
             double flare_cut);
  ScanEngine(std::span<const FlareSeries> series, std::vector<io::Alert> alerts,
             std::vector<double> delta_t_days, std::vector<double> factors, sky::RegionShape shape,
             const std::vector<double>& flare_cuts);

  [[nodiscard]] std::size_t n_points() const noexcept {
    return kernels_.size() * delta_t_days_.size() * factors_.size();
  }
  [[nodiscard]] std::size_t n_alerts() const noexcept { return alerts_.size(); }
  [[nodiscard]] const std::vector<double>& delta_t_days() const noexcept { return delta_t_days_; }
  [[nodiscard]] const std::vector<double>& factors() const noexcept { return factors_; }

  //! R(0) and the pair count at every grid point; `alert_ra_deg` empty = the
  //! alerts' real RAs, else one (scrambled) RA per alert.
  void evaluate(std::span<const double> alert_ra_deg, std::span<double> r0,
                std::span<std::int64_t> n_pairs) const;
  //! The pairs of factor i_factor for the given alert RAs.
  [[nodiscard]] std::vector<Pair> pairs(std::size_t i_factor,
                                        std::span<const double> alert_ra_deg = {}) const;

private:
  std::span<const FlareSeries> series_;
  std::vector<io::Alert> alerts_;
  std::vector<double> delta_t_days_, factors_;
  sky::RegionShape shape_;
  std::vector<RKernel> kernels_;      //!< one per flare cut
  std::vector<std::uint32_t> by_dec_; //!< series indices sorted by Dec
  std::vector<double> dec_sorted_;
};

} // namespace nuflare::coincidence
