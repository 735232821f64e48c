#pragma once
//! A synthetic blazar catalogue: isotropic positions away from the Galactic
//! plane, a flare class per source (its `group`), variability indices and
//! warm-spot flags (docs/methods.md (simulator) §3).
#include "nuflare/io/records.hpp"
#include "nuflare/sim/config.hpp"

#include <cstdint>
#include <string>

namespace nuflare::sim {

//! Flare classes the light-curve model injects; the catalogue's group labels.
inline constexpr const char* GROUP_CFS = "CFS";      //!< simultaneous gamma + infrared flares
inline constexpr const char* GROUP_NFS = "NFS";      //!< orphan flares (never simultaneous)
inline constexpr const char* GROUP_TXS = "TXS-like"; //!< gamma flare, infrared flare after a lag
inline constexpr const char* GROUP_QUIET = "quiet";  //!< red noise only

//! Source name in the 4FGL style, "SIM J0509.4+0542", from the position.
[[nodiscard]] std::string source_name(double ra_deg, double dec_deg);

//! The catalogue (stream "sim.catalog"). Names are unique; glon/glat filled.
[[nodiscard]] io::SourceCatalog simulate_catalog(const CatalogConfig& config, std::uint64_t seed);

} // namespace nuflare::sim
