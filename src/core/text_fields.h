// Whitespace-separated fields and strict numbers of the core's text inputs (dumps, temperature and
// energy tables): one definition of what a field and a number are.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace mlglass::text {

inline bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// The fields of a line separated by blanks.
inline void split(std::string_view line, std::vector<std::string_view> &out) {
  out.clear();
  std::size_t i = 0;
  const std::size_t n = line.size();
  for (;;) {
    while (i < n && is_blank(line[i])) ++i;
    if (i == n) return;
    std::size_t j = i;
    while (j < n && !is_blank(line[j])) ++j;
    out.push_back(line.substr(i, j - i));
    i = j;
  }
}

inline bool all_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return is_blank(c); });
}

// from_chars has no leading '+'; other tools write one, LAMMPS never does.
inline std::string_view strip_plus(std::string_view s) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  return s;
}

// The whole field must be a number: "1.5x" and "" are not. Accepts inf and nan (callers decide).
inline bool parse_double(std::string_view s, double &v) {
  s = strip_plus(s);
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

inline bool parse_int(std::string_view s, std::int64_t &v) {
  s = strip_plus(s);
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Input text in an error message: printable, short, quoted (the bytes may be anything).
inline std::string quote(std::string_view s) {
  constexpr std::size_t kMax = 40;
  std::string q = "'";
  for (std::size_t i = 0; i < s.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 32 && c < 127) {
      q += char(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      q += hex;
    }
  }
  if (s.size() > kMax) q += "...";
  return q + "'";
}

}  // namespace mlglass::text
