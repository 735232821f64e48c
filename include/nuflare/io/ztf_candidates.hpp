#pragma once
//! Candidate tables of the ZTF neutrino follow-up (ZTF paper §2–3, Appendix
//! B): for each followed-up alert, the transients the pipeline selected for
//! visual inspection, with the classification they were given and their peak
//! apparent magnitude. The tables are the per-alert sheets of the paper's
//! spreadsheet exported as CSV (`nuztfpaper/followup_xlsx_as_csv/IC*.csv`):
//!
//!     Original GCN:,https://gcn.gsfc.nasa.gov/gcn3/24910.gcn3,,,,,,,   <- title rows
//!     ...
//!     Transients:,Name,IAU Name,Classification,Notes,max brightness,max range,...
//!     ,ZTF19aadaszg,SN2019rg,SN Ia,,15.9 (r),5.0 (r),,
//!     ,ZTF19aangwsm,,"Artifact
//!     ","SDSS galaxy, seems offset",19.8 (g),0.5 (g),,
//!
//! (the header's last columns: `Catalogue Name,Distance`).
//!
//! The header is the first line whose first field is `Transients:`; every
//! later non-empty record is one candidate. Fields may be quoted and a quoted
//! field may span lines (the spreadsheet keeps line breaks inside cells);
//! messages name the line where the record starts. The classification is kept
//! as written; followup/candidates.hpp maps it onto the classes of Fig. 2.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace nuflare::io {

//! One candidate of one alert's table.
struct ZtfCandidate {
  std::string alert;          //!< the neutrino alert, e.g. "IC200530A"
  std::string name;           //!< ZTF object name, e.g. "ZTF20abbpkpa"
  std::string iau_name;       //!< IAU/TNS name, empty when none
  std::string classification; //!< as written, blanks and line breaks trimmed, e.g. "SN Ia"
  std::string notes;
  double peak_mag = 0;  //!< "max brightness": peak apparent magnitude [mag]
  char peak_filter = 0; //!< filter of the peak ('g', 'r', 'i'), 0 when not given
  double range_mag = 0; //!< "max range": largest brightness change [mag]; NaN when empty
  char range_filter = 0;
  std::string catalogue_name; //!< catalogue counterpart, empty when none
  //! "Distance" to the catalogue counterpart as written (the sheet states no
  //! unit); NaN when empty.
  double catalogue_distance = 0;
  std::size_t line = 0; //!< line where the candidate's record starts
};

//! Reads one alert's candidate table (plain, `.gz` or `.xz`). `alert` names
//! the alert; empty: the file name without folders and extensions
//! (`IC200530A.csv` -> `IC200530A`). Required columns: Name, Classification,
//! max brightness; the others (IAU Name, Notes, max range, Catalogue Name,
//! Distance) are read when present. A table may hold no candidates (four of
//! the paper's 24 alerts have none). Throws core::InputError naming file, line
//! and column for: no `Transients:` header, a missing required column, a
//! record with the wrong number of fields, an empty Name, a Name repeated
//! within the table, a magnitude that is not `<number>` or
//! `<number> (<filter>)` with a finite number in [-30, 40], a Distance that is
//! not a finite number, and a truncated file (an unterminated quoted field, or
//! a plain file whose last candidate has no final line break).
[[nodiscard]] std::vector<ZtfCandidate> read_ztf_candidates(const std::string& path,
                                                            const std::string& alert = {});

//! Reads `<folder>/<alert>.csv` for every alert, in the order given, and
//! concatenates the candidates. A missing table is an error (core::InputError
//! naming the expected file): an alert that was followed up has a table, even
//! an empty one.
[[nodiscard]] std::vector<ZtfCandidate>
read_ztf_candidate_tables(const std::string& folder, std::span<const std::string> alerts);

} // namespace nuflare::io
