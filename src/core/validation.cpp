#include "nuflare/core/validation.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace nuflare::core {

namespace {

std::string shortest(double x) {
  if (std::isnan(x))
    return "nan";
  if (std::isinf(x))
    return x > 0 ? "inf" : "-inf";
  std::array<char, 32> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), x);
  return std::string(buf.data(), r.ptr);
}

} // namespace

FieldError::FieldError(std::string field, std::string message)
    : ConfigError(field + ": " + message), field_(std::move(field)), message_(std::move(message)) {}

RelationError::RelationError(std::string first, std::string first_value, Rule rule,
                             std::string second, std::string second_value)
    : FieldError(second, second_value + (rule == Rule::differs ? " must differ from " : "") +
                             (rule == Rule::not_above ? " is below "
                              : rule == Rule::below   ? " is not above "
                                                      : "") +
                             first + " = " + first_value),
      first_(std::move(first)), first_value_(std::move(first_value)),
      second_value_(std::move(second_value)), rule_(rule) {}

std::string RelationError::blame(bool second_is_wrong, const std::string& other) const {
  if (rule_ == Rule::differs)
    return "must differ from " + other;
  if (second_is_wrong)
    return second_value_ + (rule_ == Rule::below ? " is not above " : " is below ") + other;
  return first_value_ + (rule_ == Rule::below ? " is not below " : " is above ") + other;
}

void require_order(const std::string& first, double first_value, const std::string& second,
                   double second_value, bool strict) {
  if (strict ? first_value < second_value : first_value <= second_value)
    return;
  throw RelationError(first, shortest(first_value),
                      strict ? RelationError::Rule::below : RelationError::Rule::not_above, second,
                      shortest(second_value));
}

} // namespace nuflare::core
