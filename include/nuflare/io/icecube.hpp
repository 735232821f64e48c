#pragma once
//! Readers for the IceCube 10-year point-source release: track events,
//! good-run lists and effective areas. Each file is streamed once; plain, `.gz`
//! and `.xz` files are accepted; the first bad record raises core::InputError
//! naming the file, the line and the column. Accepted ranges: ranges.hpp and
//! docs/input-formats.md.
#include "nuflare/io/records.hpp"

#include <string>
#include <vector>

namespace nuflare::io {

//! Season label from a file name: `.../IC86_II_exp.csv.xz` -> `IC86_II`,
//! `IC40_effectiveArea.csv` -> `IC40` (folders, compression suffix, extension
//! and the `_exp` / `_effectiveArea` tags are removed).
[[nodiscard]] std::string season_from_path(const std::string& path);

//! Events of one or more season files, concatenated in the given order; the
//! season of each file comes from season_from_path(). Two files with the
//! same season label are an error. Event order within a file is kept and not
//! checked (the analyses never rely on it). Every column must lie in its range:
//! MJD in ranges::ICECUBE_MJD, log10 E in ranges::LOG10_E_GEV, AngErr in
//! (0, 180], RA, Dec, Azimuth and Zenith on the sphere; RA 360 is stored as 0.
[[nodiscard]] EventSample read_icecube_events(const std::vector<std::string>& paths);
//! Events of one season file.
[[nodiscard]] EventSample read_icecube_events(const std::string& path);

//! Good-run list `MJD_start MJD_stop` of one season. Both times lie in
//! ranges::ICECUBE_MJD, each run needs stop > start, run starts must increase
//! strictly down the file, and a run must not start before an earlier run
//! stops, beyond ranges::RUN_OVERLAP_TOLERANCE_DAYS (IC86_V..VII overlap by
//! less than a second, as published). Errors name both lines.
[[nodiscard]] GoodRunList read_good_run_list(const std::string& path);

//! Effective area table `log10(E)_min log10(E)_max Dec_min Dec_max A_eff`;
//! needs min < max for both bins, energies in ranges::LOG10_E_GEV, Dec within
//! [-90, 90] and A_eff in ranges::AEFF_CM2.
[[nodiscard]] EffectiveArea read_effective_area(const std::string& path);

} // namespace nuflare::io
