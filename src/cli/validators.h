// CLI11 validators for the numeric options of every subcommand. CLI11's PositiveNumber,
// NonNegativeNumber and Range let NaN through (every comparison with NaN is false) and take "inf",
// and CLI11 reads "-3" into an unsigned integer as 2^64 - 3: these refuse all of that. CLI11
// prefixes the message with the option's name ("--init-lr: must be a finite number > 0, got nan").
#pragma once

#include <CLI/CLI.hpp>
#include <cmath>
#include <string>

namespace mlglass::cli {

namespace detail {
inline std::string bound_text(double v) {
  std::string s = CLI::detail::to_string(v);
  // "0.500000" -> "0.5"
  if (s.find('.') != std::string::npos) {
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

// A finite number for which ok(v) holds; `what` completes "must be a finite number" in the message.
template <class Ok>
CLI::Validator finite_if(Ok ok, const std::string &what) {
  return CLI::Validator(
      [=](std::string &s) -> std::string {
        double v = 0.0;
        if (!CLI::detail::lexical_cast(s, v)) return "'" + s + "' is not a number";
        return std::isfinite(v) && ok(v) ? "" : "must be a finite number" + what + ", got " + s;
      },
      "");
}
}  // namespace detail

// A finite number in [lo, hi] (open at either end when asked): lo < x, x < hi.
inline CLI::Validator finite_in(double lo, double hi, bool open_lo = false, bool open_hi = false) {
  const std::string range = std::string(open_lo ? "(" : "[") + detail::bound_text(lo) + ", " +
                            detail::bound_text(hi) + (open_hi ? ")" : "]");
  return detail::finite_if(
      [=](double v) { return (open_lo ? v > lo : v >= lo) && (open_hi ? v < hi : v <= hi); },
      " in " + range);
}

// A finite number > 0 (positive), >= 0 (non-negative), or any finite number.
inline CLI::Validator finite_positive() {
  return detail::finite_if([](double v) { return v > 0.0; }, " > 0");
}
inline CLI::Validator finite_non_negative() {
  return detail::finite_if([](double v) { return v >= 0.0; }, " >= 0");
}
inline CLI::Validator finite_number() {
  return detail::finite_if([](double) { return true; }, "");
}

// An integer >= lo, with a message in words rather than CLI::Range's "Value 0 not in range 1 to
// 2147483647".
inline CLI::Validator at_least(int lo) {
  return CLI::Validator(
      [lo](std::string &s) -> std::string {
        long long v = 0;
        if (!CLI::detail::lexical_cast(s, v)) return "'" + s + "' is not an integer";
        return v >= lo ? "" : "must be >= " + std::to_string(lo) + ", got " + s;
      },
      "");
}

// A seed: an unsigned integer written without a sign.
inline CLI::Validator unsigned_integer() {
  return CLI::Validator(
      [](std::string &s) -> std::string {
        return s.find_first_of("+-") == std::string::npos
                   ? ""
                   : "must be a non-negative integer, got " + s;
      },
      "");
}

}  // namespace mlglass::cli
