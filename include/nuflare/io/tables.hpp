#pragma once
//! Summary tables built once (docs/archive-format.md): the rows of any
//! struct become the columns of an io::Table through one column list —
//! name, unit, description, display precision and how a row gives the
//! value, each said once — and the same Table is written to the archive,
//! printed on stdout and printed again by `nuflare table`.
//!
//! Two text forms: CSV keeps every double to the last bit (the shortest
//! text that reads back the same), human tables (Markdown) round each
//! column to its declared precision in significant digits — text columns
//! that hold numbers (so that a missing one prints empty) too, when they
//! declare one. The precision
//! travels with the table as the column attribute `precision`; tables
//! without it (older archives) print with DEFAULT_PRECISION.
#include "nuflare/io/archive.hpp"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace nuflare::io {

//! Significant digits of a human table's numbers when a column declares none.
inline constexpr int DEFAULT_PRECISION = 6;

//! One column of a table whose rows are `Row`s. The column's type follows
//! from what `value` returns: a floating-point number (float64 column), an
//! integer or bool (int64 column) or text (string column); `value` is any
//! callable on a row, a pointer to a member included.
template <class Row>
class ColumnOf {
public:
  template <class F>
  ColumnOf(std::string name, std::string unit, std::string description, F value, int precision = 0)
      : name_(std::move(name)), unit_(std::move(unit)), description_(std::move(description)),
        precision_(precision), value_(wrap(std::move(value))) {}

  //! The column of `rows`.
  [[nodiscard]] Column column(std::span<const Row> rows) const {
    Column c{name_, {}, unit_, description_, precision_};
    std::visit(
        [&](const auto& get) {
          using V = std::decay_t<decltype(get(std::declval<const Row&>()))>;
          std::vector<V> v;
          v.reserve(rows.size());
          for (const auto& row : rows)
            v.push_back(get(row));
          c.values = std::move(v);
        },
        value_);
    return c;
  }

private:
  using Getter =
      std::variant<std::function<double(const Row&)>, std::function<std::int64_t(const Row&)>,
                   std::function<std::string(const Row&)>>;
  template <class F>
  static Getter wrap(F f) {
    using R = std::decay_t<std::invoke_result_t<F&, const Row&>>;
    if constexpr (std::is_floating_point_v<R>)
      return std::function<double(const Row&)>(
          [f](const Row& r) { return static_cast<double>(std::invoke(f, r)); });
    else if constexpr (std::is_integral_v<R>)
      return std::function<std::int64_t(const Row&)>(
          [f](const Row& r) { return static_cast<std::int64_t>(std::invoke(f, r)); });
    else {
      static_assert(std::is_convertible_v<R, std::string>,
                    "a column's value is a number, an integer, a bool or text");
      return std::function<std::string(const Row&)>(
          [f](const Row& r) { return std::string(std::invoke(f, r)); });
    }
  }

  std::string name_, unit_, description_;
  int precision_;
  Getter value_;
};

//! The table of `rows`, one column per entry of `columns`, in that order.
template <class Row>
[[nodiscard]] Table make_table(std::span<const Row> rows, std::span<const ColumnOf<Row>> columns) {
  Table t;
  t.columns.reserve(columns.size());
  for (const auto& c : columns)
    t.columns.push_back(c.column(rows));
  return t;
}
template <class Row>
[[nodiscard]] Table make_table(const std::vector<Row>& rows,
                               const std::vector<ColumnOf<Row>>& columns) {
  return make_table(std::span<const Row>(rows), std::span<const ColumnOf<Row>>(columns));
}

//! The columns `names` of `table`, in that order (stdout often shows part of
//! an archive table). Throws core::InputError for a name the table lacks.
[[nodiscard]] Table select_columns(const Table& table,
                                   std::initializer_list<std::string_view> names);

// ---- text ------------------------------------------------------------------

//! Shortest text that reads back as the same double ("4.8", not
//! "4.7999…"); "nan" for NaN.
[[nodiscard]] std::string format_number(double value);
//! The same, and an empty field for a missing value.
[[nodiscard]] std::string format_number(std::optional<double> value);
//! `value` rounded to `precision` significant digits for people ("-15.849",
//! "0.001998", "125.957"); 0 means DEFAULT_PRECISION.
[[nodiscard]] std::string format_rounded(double value, int precision);

//! How numbers are written: `exact` round-trips (CSV), `human` rounds each
//! column to its precision (Markdown).
enum class TextStyle { exact, human };

//! The text of cell `row` of `column`.
[[nodiscard]] std::string cell_text(const Column& column, std::size_t row, TextStyle style);

//! CSV with a header line; fields with a comma, quote or line break quoted.
void print_csv(std::ostream& out, const Table& table);
//! A Markdown table, numbers at each column's precision.
void print_markdown(std::ostream& out, const Table& table);
//! `format` "csv", or "markdown" (also "md"); anything else is a
//! core::FieldError of the field "format".
void print_table(std::ostream& out, const Table& table, const std::string& format);

// ---- archive -----------------------------------------------------------------

//! Writes `table` at `path` (Archive::write_table) and, for columns that
//! declare one, the display precision as the column attribute `precision`.
//! Collective.
void write_summary_table(Archive& archive, const std::string& path, const Table& table);
//! Archive::read_table with each column's `precision` attribute (0 where absent).
[[nodiscard]] Table read_summary_table(const Archive& archive, const std::string& path);

} // namespace nuflare::io
