#include "nuflare/core/error.hpp"

namespace nuflare::core {

namespace {
std::string locate(const std::string& file, std::size_t line, const std::string& field,
                   const std::string& message) {
  std::string out = file;
  if (line > 0)
    out += ":" + std::to_string(line);
  out += ": ";
  if (!field.empty())
    out += field + ": ";
  return out + message;
}
} // namespace

InputError::InputError(std::string file, std::size_t line, std::string field,
                       const std::string& message)
    : Error(locate(file, line, field, message)), file_(std::move(file)), line_(line),
      field_(std::move(field)), message_(message) {}

} // namespace nuflare::core
