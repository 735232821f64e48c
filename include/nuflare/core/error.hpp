#pragma once
//! The kinds of failure nuflare reports. `main` turns each into one line
//! on stderr and a non-zero exit status; the library never calls exit().
#include <cstddef>
#include <stdexcept>
#include <string>

namespace nuflare::core {

//! Base of every nuflare error.
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
  //! Process exit status that `main` uses for this error.
  [[nodiscard]] virtual int exit_status() const noexcept { return 2; }
};

//! Malformed input data: names the file, the line (1-based, 0 when the file as a
//! whole is wrong) and the field, e.g.
//! `events.csv:1042: column 3 (AngErr): not a number: "0.4x"` (docs/input-formats.md).
class InputError : public Error {
public:
  InputError(std::string file, std::size_t line, std::string field, const std::string& message);
  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  [[nodiscard]] std::size_t line() const noexcept { return line_; }
  [[nodiscard]] const std::string& field() const noexcept { return field_; }
  //! The message alone, without the "file:line: field: " that what() adds.
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

private:
  std::string file_;
  std::size_t line_;
  std::string field_;
  std::string message_;
};

//! A bad option or deck key: unknown name, wrong type, value out of range.
class ConfigError : public Error {
public:
  using Error::Error;
};

//! A numerical method that did not converge or a quantity that is undefined.
class NumericalError : public Error {
public:
  using Error::Error;
  [[nodiscard]] int exit_status() const noexcept override { return 3; }
};

//! Reading or writing a file failed for a reason outside the input's content:
//! disk full, quota exceeded, permission lost, a file vanished. Exit status 74
//! (EX_IOERR of sysexits.h), distinct from bad input (2).
class IoError : public Error {
public:
  using Error::Error;
  [[nodiscard]] int exit_status() const noexcept override { return 74; }
};

} // namespace nuflare::core
