// Output files of the mlglass subcommands are complete or absent: written under path.tmp, then
// renamed over path. A failed write removes the temporary file and throws std::runtime_error.
#pragma once

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

namespace mlglass::cli {

template <class Write>  // Write: void(std::ostream &)
void write_atomically(const std::string &path, Write write) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) throw std::runtime_error("cannot write " + tmp);
    write(out);
    if (!out.flush()) {
      out.close();
      std::remove(tmp.c_str());
      throw std::runtime_error("cannot write " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + path);
  }
}

}  // namespace mlglass::cli
