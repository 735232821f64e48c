#pragma once
//! Writes a simulated sky in every input format nuflare reads (docs/methods.md, Input readers),
//! into a folder that appears complete or not at all.
#include "nuflare/io/tables.hpp"
#include "nuflare/sim/sky.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace nuflare::sim {

//! File contents, exactly as nuflare's readers read them.
[[nodiscard]] std::string events_text(const Season& season); //!< 10-year release layout
[[nodiscard]] std::string good_runs_text(const io::GoodRunList& runs);
[[nodiscard]] std::string effective_area_text(const io::EffectiveArea& area);
[[nodiscard]] std::string alerts_text(const std::vector<io::Alert>& alerts); //!< IceCat-1 CSV
[[nodiscard]] std::string catalog_text(const io::SourceCatalog& catalog);
//! Long CSV `source,band,mjd,flux,flux_err,upper_limit` (flux_err empty for upper limits).
[[nodiscard]] std::string lightcurves_text(const std::vector<io::LightCurve>& curves);
//! The ZTF paper's OVERVIEW_FU sheet as CSV (title rows, `Event` header, `ALL` row).
[[nodiscard]] std::string followup_text(const std::vector<FollowupRow>& rows);
[[nodiscard]] std::string flares_text(const std::vector<Flare>& flares); //!< truth table

//! Relative paths of the files write_sky() creates, in writing order.
[[nodiscard]] std::vector<std::string> output_files(const SimulatedSky& sky);
//! The table `nuflare simulate` prints: file (as output_files) and its data rows.
[[nodiscard]] io::Table output_files_table(const SimulatedSky& sky);

//! Writes one file, compressed when `compression` says so (the path gets no
//! extra suffix here; callers name it). gzip and xz output is deterministic.
void write_file(const std::filesystem::path& path, const std::string& text,
                Compression compression);

//! The file write_sky() puts in every folder it creates. It marks the folder
//! as the simulator's own: only such a folder is ever replaced whole.
inline constexpr const char* SKY_MARKER = ".nuflare-simulate";

//! What write_sky() did with `dir`.
enum class SkyWrite {
  created,  //!< `dir` did not exist
  replaced, //!< `dir` carried SKY_MARKER and was replaced whole
  updated,  //!< `dir` existed without the marker: only the sky's files were replaced
};

//! Writes every file of `sky` into `dir`: first into a hidden sibling folder,
//! renamed to `dir` only when all files are written, so an error leaves
//! nothing behind. An existing `dir` is an error unless `overwrite`; then a
//! folder with SKY_MARKER is replaced whole, and in any other folder only the
//! files this sky consists of are replaced (each atomically) and nothing else
//! is touched or removed. `provenance` (e.g. the resolved deck) goes to
//! `simulate.ini` when not empty. The caller keeps `dir` away from folders
//! that must never be written into (the app refuses decks' folders, the
//! current folder, repositories, $HOME and /).
SkyWrite write_sky(const SimulatedSky& sky, const std::filesystem::path& dir, bool overwrite,
                   const std::string& provenance = {});

} // namespace nuflare::sim
