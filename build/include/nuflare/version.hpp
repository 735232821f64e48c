#pragma once
//! Build-time identity of nuflare, stamped into every archive (SPEC §10).
namespace nuflare {
inline constexpr const char* VERSION = "0.1.0";       //!< release version
inline constexpr const char* GIT_REVISION = "c82dea197e64-dirty"; //!< git describe at configure time
} // namespace nuflare
