// Streaming reader for LAMMPS text dumps (`dump atom`, `dump custom`, plain or gzip-compressed):
// one frame at a time, atoms sorted by ID, coordinates unscaled whatever the dump wrote. What it
// accepts and the errors it raises are described in doc/dump_format.rst.
//
// Used by the `mlglass` program wherever it reads dumps (datasets, manifests) and by tests that
// compare LAMMPS output with the core library. Never holds more than one frame's atoms.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "periodic_box.h"

namespace mlglass {

// A dump that cannot be read. what() always names the file, and where known the 1-based line, the
// 0-based frame index and the timestep, e.g.
//   traj.dump: line 1034 (frame 3, timestep 30000): expected 6 columns, got 5
class DumpError : public std::runtime_error {
 public:
  DumpError(const std::string &path, std::int64_t line, std::int64_t frame,
            std::optional<std::int64_t> timestep, const std::string &problem);

  const std::string &path() const noexcept { return path_; }
  std::int64_t line() const noexcept { return line_; }  // 0: not tied to a line (cannot open, ...)
  std::int64_t frame() const noexcept { return frame_; }  // -1: before the first frame / unknown
  std::optional<std::int64_t> timestep() const noexcept { return timestep_; }
  const std::string &problem() const noexcept { return problem_; }  // what() without the location

 private:
  std::string path_;
  std::int64_t line_;
  std::int64_t frame_;
  std::optional<std::int64_t> timestep_;
  std::string problem_;
};

struct DumpOptions {
  // 2 or 3, or 0 to infer it from the first frame whose atoms are read: 2 if the coordinate columns
  // have no z, or if every atom has the same z value as written (2D LAMMPS dumps write z = 0 or
  // zs = 0.5 for all); else 3. A file inferred to be 2D that later has atoms at different z is an
  // error (pass 3). In 2D the z coordinates are set to 0.
  int dimension = 0;
  bool require_type =
      true;  // a dump without a `type` column is an error (else Frame::type is empty)
  // The core library's geometry (PeriodicBox) is orthogonal: a box with nonzero tilt factors is
  // refused unless this is set, and then Frame::tilt must be honoured by the caller.
  bool allow_triclinic = false;
};

struct Frame {
  std::int64_t timestep = 0;                               // ITEM: TIMESTEP
  std::int64_t natoms = 0;                                 // ITEM: NUMBER OF ATOMS (= id.size())
  double time = std::numeric_limits<double>::quiet_NaN();  // ITEM: TIME (dump_modify time yes)

  // lo, length and periodic (boundary pp; f, s, m are not periodic) from ITEM: BOX BOUNDS, dim
  // from DumpOptions::dimension or inferred. For a triclinic dump lo and length are those of the
  // untilted edges (LAMMPS writes the bounding box; it is converted back) and tilt = {xy, xz, yz}.
  PeriodicBox box;
  std::array<double, 3> tilt{0.0, 0.0, 0.0};
  bool triclinic() const { return tilt[0] != 0.0 || tilt[1] != 0.0 || tilt[2] != 0.0; }

  std::vector<std::int64_t> id;  // ascending (dumps written on several ranks are not sorted)
  std::vector<int> type;         // per atom, >= 1; empty only without a type column
  // natoms x 3, row-major, in box units (scaled columns are mapped back: x = lo + xs * L, plus
  // the tilt terms). Wrapped or unwrapped as the chosen columns were; z = 0 in 2D.
  std::vector<double> x;
  // The coordinate columns used, by precedence when several sets are present: "x" (x y z),
  // "xu" (xu yu zu, unwrapped), "xs" (xs ys zs, scaled), "xsu" (xsu ysu zsu, scaled unwrapped).
  std::string coords;
  bool unwrapped() const { return coords == "xu" || coords == "xsu"; }

  std::vector<std::string> columns;  // as in the ITEM: ATOMS line
  // Every other numeric column by its name, in id order (e.g. "ix", "c_bg[1]", "f_is[2]", an
  // unused coordinate set). NaN and inf are kept as written. `element` (text) is not stored.
  std::map<std::string, std::vector<double>> extra;
  // extra.at(name) with an error that names the frame and the available columns.
  const std::vector<double> &column(const std::string &name) const;

  std::string source;      // file the frame came from
  std::int64_t index = 0;  // 0-based frame index in that file
};

// Reads frames in file order. A .gz name or the gzip magic bytes select zlib; anything else is
// read as plain text. After a DumpError every further call throws the same error, and the Frame
// passed to the failing next() holds unspecified contents.
class DumpReader {
 public:
  // Opens the file (DumpError if it cannot be opened); std::invalid_argument for bad options.
  explicit DumpReader(const std::string &path, DumpOptions opt = {});
  ~DumpReader();
  DumpReader(DumpReader &&) noexcept;
  DumpReader &operator=(DumpReader &&) noexcept;

  // The next frame into `frame` (its storage is reused); false at a clean end of file.
  bool next(Frame &frame);
  // Advance past the next frame: the header is parsed, atom lines are only counted. False at a
  // clean end of file.
  bool skip();

  std::int64_t frames_read() const;  // frames consumed so far by next() and skip()
  // The timestep of the last frame consumed by next() or skip() (none before the first), and the
  // 1-based line where that frame starts (its first ITEM: line; 0 before the first frame).
  std::optional<std::int64_t> last_timestep() const;
  std::int64_t last_frame_line() const;
  int dimension() const;             // 2 or 3 once known (given, or inferred), else 0
  const std::string &path() const;
  bool compressed() const;  // read through zlib

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlglass
