// Labelled configurations for the trainer (glass = 1, liquid = 0), listed in a CSV manifest:
//
//   file,timestep,label,temperature,group
//   out/seed-1/traj.dump,200000,1,0.05,seed-1
//
// `file` is relative to the manifest's directory unless absolute; `temperature` may be empty (nan)
// and `group` empty (cross-validation keeps a group's configurations in one fold when given).
#pragma once

#include "periodic_box.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace mlglass {

struct ManifestEntry {
  std::string file;
  std::int64_t timestep = 0;
  int label = 0;
  double temperature = std::numeric_limits<double>::quiet_NaN();
  std::string group;
};

// Throws std::runtime_error naming the manifest ("m.csv: line 3: ...") for a file that cannot be
// opened, and with the line for a wrong or missing header (the optional columns must be named
// temperature and group, in that order), a wrong field count, an empty file name, a timestep that
// is not an integer, a label other than 0/1, a temperature that is not a finite number or a
// duplicate (file, timestep).
std::vector<ManifestEntry> read_manifest(const std::string &path);
// Writes atomically (temporary file, then rename): no half-written manifest on failure, and
// FileWriteError "cannot write PATH: CAUSE" (atomic_file.h) for a failed write.
void write_manifest(const std::string &path, const std::vector<ManifestEntry> &entries);

struct Configuration {
  PeriodicBox box;
  std::vector<double> x;          // n x 3, z = 0 in 2D
  std::vector<int> type;          // LAMMPS types, >= 1
  std::vector<std::int64_t> id;   // ascending
  int label = 0;
  double temperature = std::numeric_limits<double>::quiet_NaN();
  std::string source;             // "file@timestep"
  std::string group;
  std::size_t size() const { return type.size(); }
};

// Reads the listed frames, each file once and front to back (to its end: the frames after the last
// listed one only by their headers, and a damaged tail there is not an error), keeping only listed
// frames in memory; `base` resolves relative
// file names. Throws std::runtime_error if a listed timestep is missing from its file, and
// DumpError for malformed dumps and for a listed timestep that appears in two frames of its file
// (a restarted run appended to the dump): the message names the file, both frames and lines, the
// timestep and the fix. Throws std::runtime_error if the configurations are not all of one
// dimension (2D and 3D dumps mixed), naming one of each.
std::vector<Configuration> load_configurations(const std::vector<ManifestEntry> &entries,
                                               const std::string &base = "");

// Directory part of a path ("" for a bare file name).
std::string directory_of(const std::string &path);

}  // namespace mlglass
