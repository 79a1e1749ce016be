// Seeded mutation of a valid text input for the fuzz tests of the core's parsers: random bytes,
// deleted ranges, truncation, inserted tokens (the caller's, e.g. dump keywords or CSV pieces),
// duplicated lines and changed digits, 1-4 edits per call.
#pragma once

#include <cctype>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace mlglass::testing {

inline std::string mutate(const std::string &text, std::mt19937_64 &rng,
                          const std::vector<std::string> &tokens) {
  std::string s = text;
  const auto pick = [&](std::size_t n) { return n ? std::size_t(rng() % n) : 0; };
  const int edits = 1 + int(rng() % 4);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    switch (rng() % 6) {
      case 0:  // random byte
        s[pick(s.size())] = char(rng() & 0xff);
        break;
      case 1:  // delete a range
      {
        const std::size_t a = pick(s.size());
        s.erase(a, 1 + pick(16));
        break;
      }
      case 2:  // truncate
        s.resize(pick(s.size()));
        break;
      case 3:  // insert a dump-like token
        s.insert(pick(s.size() + 1), tokens[pick(tokens.size())]);
        break;
      case 4:  // duplicate a line
      {
        const std::size_t a = s.rfind('\n', pick(s.size()));
        const std::size_t start = a == std::string::npos ? 0 : a + 1;
        const std::size_t end = s.find('\n', start);
        if (end != std::string::npos) s.insert(start, s.substr(start, end - start + 1));
        break;
      }
      case 5:  // a digit changed
      {
        const std::size_t a = pick(s.size());
        if (std::isdigit(static_cast<unsigned char>(s[a]))) s[a] = char('0' + rng() % 10);
        break;
      }
    }
  }
  return s;
}

}  // namespace mlglass::testing
