#pragma once
//! Source catalogue readers: CSV tables and FITS binary tables (4FGL, 4LAC)
//! through cfitsio. Accepted ranges: ranges.hpp and docs/input-formats.md.
#include "nuflare/io/records.hpp"

#include <string>

namespace nuflare::io {

//! CSV catalogue (plain, `.gz`, `.xz`). Column names are matched
//! case-insensitively, with aliases:
//! name (`name`, `source_name`, `source`, `Source name`),
//! ra (`ra`, `raj2000`, `ra_deg`, `RA (J2000.0)`),
//! dec (`dec`, `dej2000`, `decj2000`, `dec_deg`, `Dec (J2000.0)`), and the
//! optional `variability_index`, `glon`, `glat`, `group`, `warm_spot`.
//! Missing optional numbers are NaN; without a group column every source is
//! in group "all". RA must lie in [0, 360] (360 is stored as 0), Dec in
//! [-90, 90], glon in [0, 360], glat in [-90, 90], variability_index in
//! [0, 1e7]; a repeated row
//! (same name and position) is an error, a shared name at another position is not. Galactic
//! coordinates are not computed here (NaN when absent): the sky module owns the J2000 -> Galactic
//! rotation.
[[nodiscard]] SourceCatalog read_catalog_csv(const std::string& path);

//! FITS catalogue: the first binary table of the file (`.fit`, `.fits`, also
//! gzip-compressed), columns Source_Name, RAJ2000, DEJ2000 and the optional
//! GLON, GLAT, Variability_Index, with the ranges of read_catalog_csv (a null
//! value is missing in the optional columns, an error in the others). Errors
//! name the file, the table row (as the "line") and the column.
[[nodiscard]] SourceCatalog read_catalog_fits(const std::string& path);

//! Dispatches on the file name: `.fit`/`.fits` (optionally `.gz`) to
//! read_catalog_fits, anything else to read_catalog_csv.
[[nodiscard]] SourceCatalog read_catalog(const std::string& path);

} // namespace nuflare::io
