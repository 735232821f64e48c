#pragma once
//! Build-time identity of nuflare, stamped into every archive (SPEC §10).
namespace nuflare {
inline constexpr const char* VERSION = "0.1.0";       //!< release version
inline constexpr const char* GIT_REVISION = "f29c1229795f-dirty"; //!< git describe at configure time
} // namespace nuflare
