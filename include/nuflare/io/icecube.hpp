#pragma once
//! Readers for the IceCube 10-year point-source release (SPEC §1): track
//! events, good-run lists and effective areas. Each file is streamed once;
//! plain, `.gz` and `.xz` files are accepted; the first bad record raises
//! core::InputError naming the file, the line and the column.
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
//! checked (the analyses never rely on it).
[[nodiscard]] EventSample read_icecube_events(const std::vector<std::string>& paths);
//! Events of one season file.
[[nodiscard]] EventSample read_icecube_events(const std::string& path);

//! Good-run list `MJD_start MJD_stop` of one season. Each run needs
//! stop > start, and run starts must increase strictly down the file; runs may
//! overlap their predecessor (IC86_V..VII do, as published).
[[nodiscard]] GoodRunList read_good_run_list(const std::string& path);

//! Effective area table `log10(E)_min log10(E)_max Dec_min Dec_max A_eff`;
//! needs min < max for both bins, Dec within [-90, 90] and A_eff >= 0.
[[nodiscard]] EffectiveArea read_effective_area(const std::string& path);

} // namespace nuflare::io
