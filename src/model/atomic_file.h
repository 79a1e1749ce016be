// Files written by ML-GLASS (models, checkpoints, metrics, reports, CSV outputs) are complete or
// absent: written under path.tmp, then renamed over path. A failed write removes the temporary
// file and throws std::runtime_error naming it.
#pragma once

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

namespace mlglass {

// Write: void(const std::string &tmp_path), creates the file tmp_path (may throw).
template <class Write>
void replace_file_atomically(const std::string &path, Write write) {
  const std::string tmp = path + ".tmp";
  try {
    write(tmp);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + path);
  }
}

// Write: void(std::ostream &), the file's contents.
template <class Write>
void write_atomically(const std::string &path, Write write) {
  replace_file_atomically(path, [&](const std::string &tmp) {
    std::ofstream out(tmp);
    if (!out) throw std::runtime_error("cannot write " + tmp);
    write(out);
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp);
  });
}

}  // namespace mlglass
