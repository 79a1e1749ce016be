#include "dataset.h"

#include "atomic_file.h"
#include "dump_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace mlglass {

namespace {

std::vector<std::string> split_csv(const std::string &line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

std::string trim(const std::string &s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

}  // namespace

std::string directory_of(const std::string &path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

std::vector<ManifestEntry> read_manifest(const std::string &path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open manifest");
  auto fail = [&](std::size_t line, const std::string &what) {
    throw std::runtime_error(path + ": line " + std::to_string(line) + ": " + what);
  };
  std::string line;
  std::size_t lineno = 0;
  std::vector<ManifestEntry> entries;
  std::set<std::pair<std::string, std::int64_t>> seen;
  bool header = false;
  while (std::getline(in, line)) {
    ++lineno;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    auto f = split_csv(line);
    for (auto &x : f) x = trim(x);
    if (!header) {
      // The optional columns are read by position: their names must be those positions' names.
      static const char *const names[] = {"file", "timestep", "label", "temperature", "group"};
      bool ok = f.size() >= 3 && f.size() <= 5;
      for (std::size_t c = 0; ok && c < f.size(); ++c) ok = f[c] == names[c];
      if (!ok) fail(lineno, "expected the header 'file,timestep,label[,temperature][,group]'");
      header = true;
      continue;
    }
    if (f.size() < 3 || f.size() > 5)
      fail(lineno, "expected 3 to 5 comma-separated fields, got " + std::to_string(f.size()));
    ManifestEntry e;
    e.file = f[0];
    if (e.file.empty()) fail(lineno, "empty file name");
    try {
      std::size_t used = 0;
      e.timestep = std::stoll(f[1], &used);
      if (used != f[1].size()) throw std::invalid_argument(f[1]);
    } catch (std::exception &) {
      fail(lineno, "timestep '" + f[1] + "' is not an integer");
    }
    if (f[2] != "0" && f[2] != "1") fail(lineno, "label '" + f[2] + "' is not 0 (liquid) or 1 (glass)");
    e.label = f[2] == "1";
    if (f.size() > 3 && !f[3].empty()) {
      char *end = nullptr;
      errno = 0;
      e.temperature = std::strtod(f[3].c_str(), &end);
      if (end != f[3].c_str() + f[3].size() || errno || !std::isfinite(e.temperature))
        fail(lineno, "temperature '" + f[3] + "' is not a finite number");
    }
    if (f.size() > 4) e.group = f[4];
    if (!seen.insert({e.file, e.timestep}).second)
      fail(lineno, "duplicate entry " + e.file + " timestep " + f[1]);
    entries.push_back(e);
  }
  if (in.bad()) fail(lineno + 1, "read error");
  if (!header)
    fail(lineno + 1, "end of file before the header 'file,timestep,label[,temperature][,group]' "
                     "(an empty manifest)");
  return entries;
}

void write_manifest(const std::string &path, const std::vector<ManifestEntry> &entries) {
  write_atomically(path, [&](std::ostream &out) {
    out << "file,timestep,label,temperature,group\n";
    out.precision(10);
    for (const auto &e : entries) {
      out << e.file << ',' << e.timestep << ',' << e.label << ',';
      if (std::isfinite(e.temperature)) out << e.temperature;
      out << ',' << e.group << '\n';
    }
  });
}

std::vector<Configuration> load_configurations(const std::vector<ManifestEntry> &entries,
                                               const std::string &base) {
  // file -> (timestep -> entry index); files read once, in order
  std::map<std::string, std::map<std::int64_t, std::size_t>> wanted;
  for (std::size_t i = 0; i < entries.size(); ++i) wanted[entries[i].file][entries[i].timestep] = i;

  std::vector<Configuration> configs(entries.size());
  std::vector<bool> loaded(entries.size(), false);
  for (const auto &[file, steps] : wanted) {
    const std::string path = file.empty() || file[0] == '/' || base.empty() ? file : base + "/" + file;
    DumpReader reader(path);
    Frame frame;
    // Where each listed timestep was found: a second frame with it is an error, found by reading
    // the whole file (the frames after the last listed one only by their headers).
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> first;  // -> (frame, line)
    std::size_t found = 0;
    for (;;) {
      bool more = false;
      if (found < steps.size()) {
        more = reader.next(frame);
      } else {
        // Every listed frame is loaded; the rest is read only for repeats. A damaged tail (a dump
        // still being written) ends that check: it was never needed for the listed frames.
        try {
          more = reader.skip();
        } catch (const DumpError &) {
          more = false;
        }
      }
      if (!more) break;
      const std::int64_t step = *reader.last_timestep();
      const auto it = steps.find(step);
      if (it == steps.end()) continue;
      const std::int64_t index = reader.frames_read() - 1, line = reader.last_frame_line();
      const auto [at, fresh] = first.emplace(step, std::make_pair(index, line));
      if (!fresh)
        throw DumpError(
            path, line, index, step,
            "timestep " + std::to_string(step) + " (listed in the manifest) appears again; frame " +
                std::to_string(at->second.first) + " at line " + std::to_string(at->second.second) +
                " has it too. Was a restarted run appended to this dump? Keep one copy of the "
                "repeated frames (or write each run to its own file) and list them again");
      const ManifestEntry &e = entries[it->second];
      if (frame.type.empty()) throw std::runtime_error(path + ": frame without a type column");
      Configuration &c = configs[it->second];
      c.box = frame.box;
      c.x = std::move(frame.x);
      c.type = std::move(frame.type);
      c.id = std::move(frame.id);
      c.label = e.label;
      c.temperature = e.temperature;
      c.source = file + "@" + std::to_string(step);
      c.group = e.group;
      loaded[it->second] = true;
      ++found;
    }
    for (const auto &[step, index] : steps)
      if (!loaded[index])
        throw std::runtime_error(path + ": no frame with timestep " + std::to_string(step) +
                                 " (listed in the manifest)");
  }
  // One dataset, one dimension: a model works in 2D or in 3D.
  for (std::size_t i = 1; i < configs.size(); ++i)
    if (configs[i].box.dim != configs[0].box.dim)
      throw std::runtime_error(
          "the manifest mixes " + std::to_string(configs[0].box.dim) + "D and " +
          std::to_string(configs[i].box.dim) + "D configurations: " + configs[0].source + " is " +
          std::to_string(configs[0].box.dim) + "D, " + configs[i].source + " is " +
          std::to_string(configs[i].box.dim) + "D; list the dumps of one dimension only");
  return configs;
}

}  // namespace mlglass
