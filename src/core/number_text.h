// A number as the core library's error messages print it: up to 10 significant digits.
#pragma once

#include <sstream>
#include <string>

namespace mlglass {

inline std::string number_text(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

}  // namespace mlglass
