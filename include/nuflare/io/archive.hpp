#pragma once
//! The run archive: one parallel HDF5 file per run (docs/archive-format.md), written by all
//! ranks together. A small RAII layer over the HDF5 C API in the spirit of
//! HighFive: every call that changes the file's structure is collective (all
//! ranks call it with the same arguments); per-trial rows are written with a
//! collective transfer, each rank its own block of global rows.
//!
//! A run writes `NAME.h5.partial` and renames it to `NAME.h5` in commit(), so
//! a file named `NAME.h5` is always complete. The layout is documented in
//! docs/archive-format.md.
#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace nuflare::io {

inline constexpr const char* ARCHIVE_FORMAT = "nuflare-archive"; //!< root attribute `format`
inline constexpr const char* ARCHIVE_FORMAT_VERSION = "1.0"; //!< root attribute `format_version`

//! What the root attributes record about a run.
struct RunInfo {
  std::string analysis; //!< subcommand, e.g. "spatial"
  std::uint64_t master_seed = 0;
  std::string command_line;                                //!< argv joined with blanks
  std::vector<std::pair<std::string, std::string>> config; //!< resolved key = value pairs
  std::vector<std::filesystem::path> inputs;               //!< input files, hashed into /inputs
};

//! A column of a summary table: doubles, 64-bit integers or strings.
struct Column {
  std::string name;
  std::variant<std::vector<double>, std::vector<std::int64_t>, std::vector<std::string>> values;
  std::string unit;        //!< "" when dimensionless
  std::string description; //!< one line
  int precision = 0;       //!< significant digits in human tables (io/tables.hpp; 0: the default)
  [[nodiscard]] std::size_t size() const;
};

//! A summary table: named columns of equal length, printed by `nuflare table`.
struct Table {
  std::vector<Column> columns;
  [[nodiscard]] std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  //! The column called `name`; throws core::InputError when absent.
  [[nodiscard]] const Column& column(const std::string& name) const;
};

class Archive {
public:
  //! Creates `final_path` + ".partial" on every rank of `comm` (collective),
  //! writes the root attributes and the /config and /inputs groups. An
  //! existing partial file is replaced.
  static Archive create(const std::filesystem::path& final_path, MPI_Comm comm,
                        const RunInfo& info);
  //! Opens a complete archive for reading on the calling rank only.
  static Archive open_read(const std::filesystem::path& path);
  //! Opens `final_path` + ".partial" for appending (resume), collectively.
  static Archive open_partial(const std::filesystem::path& final_path, MPI_Comm comm);

  Archive(Archive&&) noexcept;
  Archive& operator=(Archive&&) noexcept;
  ~Archive(); //!< closes the file; an uncommitted file stays `.partial`

  // --- structure and small data (collective; rank 0's values are written) ---
  void create_group(const std::string& path);
  [[nodiscard]] bool exists(const std::string& path) const;
  void set_attribute(const std::string& path, const std::string& name, const std::string& value);
  void set_attribute(const std::string& path, const std::string& name, double value);
  void set_attribute(const std::string& path, const std::string& name, std::int64_t value);
  void write_vector(const std::string& path, std::span<const double> values,
                    const std::string& unit = "", const std::string& description = "");
  void write_vector(const std::string& path, std::span<const std::int64_t> values,
                    const std::string& unit = "", const std::string& description = "");
  void write_strings(const std::string& path, const std::vector<std::string>& values,
                     const std::string& description = "");
  //! Writes a summary table as a group of column datasets (see archive-format.md).
  void write_table(const std::string& path, const Table& table);

  // --- per-trial rows (collective transfer) ---
  //! Creates a 2-D dataset [n_rows × n_cols] (contiguous) for per-trial values.
  void create_rows_f64(const std::string& path, std::uint64_t n_rows, std::uint64_t n_cols,
                       const std::string& unit, const std::string& description);
  void create_rows_i64(const std::string& path, std::uint64_t n_rows, std::uint64_t n_cols,
                       const std::string& unit, const std::string& description);
  //! Every rank calls; each passes its rows [row_begin, row_begin + values.size()/n_cols)
  //! (possibly none). The transfer is MPI-IO collective.
  void write_rows(const std::string& path, std::uint64_t row_begin, std::span<const double> values);
  void write_rows(const std::string& path, std::uint64_t row_begin,
                  std::span<const std::int64_t> values);

  // --- reading (any rank, independent) ---
  [[nodiscard]] std::vector<std::uint64_t> shape(const std::string& path) const;
  [[nodiscard]] std::vector<double> read_f64(const std::string& path) const;
  [[nodiscard]] std::vector<std::int64_t> read_i64(const std::string& path) const;
  [[nodiscard]] std::vector<std::string> read_strings(const std::string& path) const;
  //! Rows [row_begin, row_end) of a 2-D dataset, row-major.
  [[nodiscard]] std::vector<double> read_rows_f64(const std::string& path, std::uint64_t row_begin,
                                                  std::uint64_t row_end) const;
  [[nodiscard]] std::vector<std::int64_t>
  read_rows_i64(const std::string& path, std::uint64_t row_begin, std::uint64_t row_end) const;
  [[nodiscard]] std::string string_attribute(const std::string& path,
                                             const std::string& name) const;
  [[nodiscard]] double number_attribute(const std::string& path, const std::string& name) const;
  [[nodiscard]] bool has_attribute(const std::string& path, const std::string& name) const;
  [[nodiscard]] Table read_table(const std::string& path) const;
  //! Names of the members of a group, in creation order.
  [[nodiscard]] std::vector<std::string> list(const std::string& path) const;

  //! True when the last write_rows() really ran as a collective MPI-IO transfer.
  [[nodiscard]] bool last_transfer_collective() const noexcept { return last_collective_; }
  //! Flushes buffers to disk (collective), e.g. at a checkpoint.
  void flush();
  //! Closes the file and, on rank 0, renames `.partial` to the final name
  //! (collective). The archive is unusable afterwards.
  void commit();

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  class Handle; //!< owning hid_t (implementation detail)

private:
  Archive() = default;
  template <class T>
  void write_rows_impl(const std::string& path, std::uint64_t row_begin, std::span<const T> values);
  void write_root_attributes(const RunInfo& info);

  std::filesystem::path path_;       //!< file currently open (.partial while writing)
  std::filesystem::path final_path_; //!< rename target
  MPI_Comm comm_ = MPI_COMM_SELF;
  int rank_ = 0;
  std::unique_ptr<Handle> file_;
  bool writable_ = false;
  bool last_collective_ = false;
};

//! Path of the partial file for a final archive path.
std::filesystem::path partial_path(const std::filesystem::path& final_path);

//! SHA-256 of a file's bytes as 64 hex digits (input provenance).
std::string sha256_file(const std::filesystem::path& path);

namespace detail {
//! SHA-256 of bytes; `hardware` = false forces the portable code (tests).
std::string sha256_hex(std::string_view bytes, bool hardware);
} // namespace detail

} // namespace nuflare::io
