#pragma once
//! Errors that name a field of a config struct, never a command-line flag:
//! the library checks settings by the keys of their option tables
//! (core/options.hpp), and whoever reads the settings says where the value
//! came from — `nuflare` prints `--key` for the command line and
//! `deck.ini:LINE: key` for a deck (docs/cli.md), Python the keyword.
#include "nuflare/core/error.hpp"

#include <string>

namespace nuflare::core {

//! A bad value of one field: `field` is the key of its option table
//! (`log10e_step`, `events.per_season`); what() reads "field: message".
class FieldError : public ConfigError {
public:
  FieldError(std::string field, std::string message);
  [[nodiscard]] const std::string& field() const noexcept { return field_; }
  //! The message without the field.
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

private:
  std::string field_;
  std::string message_;
};

//! Two fields whose values break a rule between them. Which of the two is
//! wrong is for the reader of the settings to say (the one set last, say);
//! what() blames `second`: "log10e_max: 5 is below log10e_min = 5.5".
class RelationError : public FieldError {
public:
  enum class Rule {
    not_above, //!< first <= second
    below,     //!< first < second
    differs,   //!< first != second
  };
  //! The values as they are written in messages.
  RelationError(std::string first, std::string first_value, Rule rule, std::string second,
                std::string second_value);
  [[nodiscard]] Rule rule() const noexcept { return rule_; }
  [[nodiscard]] const std::string& first() const noexcept { return first_; }
  [[nodiscard]] const std::string& first_value() const noexcept { return first_value_; }
  [[nodiscard]] const std::string& second() const noexcept { return field(); }
  [[nodiscard]] const std::string& second_value() const noexcept { return second_value_; }
  //! What is wrong with `value` of one field against `other` (its label and
  //! value already joined, e.g. "log10e_min = 5.5"): "5 is below
  //! log10e_min = 5.5", "must differ from low_band = wise_w2".
  [[nodiscard]] std::string blame(bool second_is_wrong, const std::string& other) const;

private:
  std::string first_, first_value_, second_value_;
  Rule rule_;
};

//! Throws RelationError(Rule::not_above or, when `strict`, Rule::below)
//! unless first_value <= second_value (< when strict). NaN never passes.
void require_order(const std::string& first, double first_value, const std::string& second,
                   double second_value, bool strict);

} // namespace nuflare::core
