#pragma once
//! The simultaneity ratio ρ per source (blazar paper §4.2, §6.2, Table 1):
//! the `--rho` input of `nuflare simultaneity`, usually the source table of a
//! `nuflare flares` run (docs/input-formats.md).
#include <string>
#include <unordered_map>

namespace nuflare::io {

//! ρ per source name, from a CSV with columns `source` (or `name`) and `rho`,
//! optionally `band` and `class`. With a `band` column only the "multi" rows
//! count; a source flares in both bands when ρ > 0, or (with a `class`
//! column) when its class is not "none" (an NFS source flares in both with
//! ρ = 0). Without a class column every finite ρ counts. Others get NaN. A ρ
//! outside [0, 1] is a core::InputError naming the file, line and column.
[[nodiscard]] std::unordered_map<std::string, double> read_rho_table(const std::string& path);

} // namespace nuflare::io
