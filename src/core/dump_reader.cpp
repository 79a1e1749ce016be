#include "dump_reader.h"

#include "byte_source.h"
#include "text_fields.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string_view>

namespace mlglass {

namespace {

// Atom indices are int throughout the core library (kNN rows, graphs).
constexpr std::int64_t kMaxAtoms = std::numeric_limits<std::int32_t>::max();
constexpr std::size_t kReserveCap = std::size_t(1) << 20;  // a corrupt count must not allocate

using text::all_blank;
using text::is_blank;
using text::parse_double;
using text::parse_int;
using text::quote;
using text::split;

std::string missing_atoms(std::size_t have, std::size_t want) {
  return "unexpected end of file after " + std::to_string(have) + " of " + std::to_string(want) +
         " atom lines";
}

std::string fmt_double(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

struct BoxHeader {
  PeriodicBox box;
  std::array<double, 3> tilt{0.0, 0.0, 0.0};
};

// Where each column of the ATOMS line goes. Recomputed only when the columns change.
struct Layout {
  enum Role : unsigned char { kId, kType, kCoord, kExtra, kSkip };
  std::vector<std::string> columns;
  std::vector<Role> role;
  std::vector<int> slot;  // axis of a coordinate, index of an extra column
  std::vector<std::string> extra_names;
  std::string coords;  // "x", "xu", "xs", "xsu"
  bool scaled = false;
  bool has_z = false;
  bool has_type = false;
};

}  // namespace

DumpError::DumpError(const std::string &path, std::int64_t line, std::int64_t frame,
                     std::optional<std::int64_t> timestep, const std::string &problem)
    : std::runtime_error([&] {
        std::string m = path;
        if (line > 0) m += ": line " + std::to_string(line);
        if (frame >= 0) {
          m += " (frame " + std::to_string(frame);
          if (timestep) m += ", timestep " + std::to_string(*timestep);
          m += ")";
        }
        return m + ": " + problem;
      }()),
      path_(path),
      line_(line),
      frame_(frame),
      timestep_(timestep),
      problem_(problem) {}

const std::vector<double> &Frame::column(const std::string &name) const {
  const auto it = extra.find(name);
  if (it != extra.end()) return it->second;
  std::string have;
  for (const auto &e : extra) have += (have.empty() ? "" : " ") + e.first;
  throw std::out_of_range(source + " (frame " + std::to_string(index) + ", timestep " +
                          std::to_string(timestep) + "): no numeric column '" + name +
                          "'; have: " + (have.empty() ? "(none)" : have));
}

class DumpReader::Impl {
 public:
  Impl(const std::string &path, DumpOptions opt) : path_(path), opt_(opt) {
    if (opt.dimension != 0 && opt.dimension != 2 && opt.dimension != 3)
      throw std::invalid_argument("DumpOptions::dimension must be 0 (infer), 2 or 3, got " +
                                  std::to_string(opt.dimension));
    std::string error;
    auto source = open_byte_source(path, gz_, error);
    if (!source) throw DumpError(path, 0, -1, {}, error);
    lines_ = std::make_unique<LineReader>(std::move(source));
  }

  // The public calls: once an error was thrown, the reader's position is meaningless, so every
  // later call repeats that error instead of reading on from the middle of a frame.
  template <class Fn>
  bool guarded(Fn fn) {
    if (failed_) throw *failed_;
    try {
      return fn();
    } catch (const DumpError &e) {
      failed_ = e;
      throw;
    }
  }

  bool read_frame(Frame *frame);  // null: skip

  std::int64_t frames() const { return frames_; }
  std::optional<std::int64_t> last_timestep() const { return prev_timestep_; }
  std::int64_t last_frame_line() const { return prev_first_line_; }
  int dimension() const { return dim_; }
  const std::string &path() const { return path_; }
  bool compressed() const { return gz_; }

 private:
  struct Header {
    std::int64_t timestep = 0;
    std::int64_t natoms = 0;
    double time = std::numeric_limits<double>::quiet_NaN();
    BoxHeader box;
    std::int64_t atoms_line = 0;  // line of ITEM: ATOMS
    std::int64_t first_line = 0;  // line of the frame's first ITEM:
  };

  [[noreturn]] void fail(std::int64_t line, const std::string &problem) const {
    throw DumpError(path_, line, frames_, timestep_, problem);
  }

  bool read_line(std::string_view &line);
  std::string_view require_line(const std::string &expected);
  [[noreturn]] void item_error(const std::string &expected) const;
  bool read_header(Header &h);
  void read_box(BoxHeader &b);
  void update_layout();
  void parse_atoms(const Header &h, Frame &frame);

  std::string path_;
  DumpOptions opt_;
  bool gz_ = false;
  std::unique_ptr<LineReader> lines_;
  std::int64_t line_ = 0;  // 1-based number of the last line read

  std::int64_t frames_ = 0;               // consumed; also the index of the frame being read
  std::optional<std::int64_t> timestep_;  // of the frame being read, once parsed
  std::int64_t prev_natoms_ = -1;         // of the last frame consumed
  std::optional<std::int64_t> prev_timestep_;
  std::int64_t prev_first_line_ = 0;  // first line of the last frame consumed
  int dim_ = 0;
  bool dim_inferred_ = false;
  std::int64_t dim_frame_ = -1;  // frame the dimension was inferred from
  std::optional<DumpError> failed_;

  std::vector<std::string_view> tokens_;
  std::vector<std::string> columns_;  // of the current ATOMS line
  Layout layout_;
  // per-frame scratch, reused
  std::vector<double> raw_;  // n x 3 coordinates as written
  std::vector<std::vector<double>> extra_;
  std::vector<std::size_t> order_;
};

bool DumpReader::Impl::read_line(std::string_view &line) {
  std::string error;
  const LineReader::Status status = lines_->next(line, error);
  line_ = lines_->number();
  if (status == LineReader::Status::error) fail(line_ + 1, error);
  return status == LineReader::Status::line;
}

std::string_view DumpReader::Impl::require_line(const std::string &expected) {
  std::string_view line;
  if (!read_line(line)) fail(line_ + 1, "unexpected end of file: expected " + expected);
  return line;
}

// The current line (in tokens_) is not the header item that must come next.
void DumpReader::Impl::item_error(const std::string &expected) const {
  std::string got;
  for (const auto &t : tokens_) got += (got.empty() ? "" : " ") + std::string(t);
  const bool item = !tokens_.empty() && tokens_[0] == "ITEM:";
  std::string name = item && tokens_.size() > 1 ? std::string(tokens_[1]) : "";
  if (name == "NUMBER" && tokens_.size() > 3)
    name += " " + std::string(tokens_[2]) + " " + std::string(tokens_[3]);
  if (name == "BOX" && tokens_.size() > 2) name += " " + std::string(tokens_[2]);
  static const char *const known[] = {"UNITS",           "TIME",       "TIMESTEP",
                                      "NUMBER OF ATOMS", "BOX BOUNDS", "ATOMS"};
  if (!item) fail(line_, "expected " + expected + ", got " + quote(got));
  if (std::find(std::begin(known), std::end(known), name) == std::end(known))
    fail(line_, "unknown header item " + quote(got) + ", expected " + expected +
                    " (only text dumps of dump atom and dump custom are read)");
  fail(line_, "expected " + expected + ", got " + quote(got) +
                  " (header items out of order or malformed)");
}

bool DumpReader::Impl::read_header(Header &h) {
  timestep_.reset();
  h.time = std::numeric_limits<double>::quiet_NaN();
  std::string_view line;
  do {  // blank lines between frames are harmless; the file may end cleanly only here
    if (!read_line(line)) return false;
  } while (all_blank(line));
  h.first_line = line_;

  split(line, tokens_);
  if (tokens_[0] != "ITEM:" && prev_natoms_ >= 0)  // the previous frame goes on
    throw DumpError(path_, line_, frames_ - 1, prev_timestep_,
                    "more atom lines than NUMBER OF ATOMS (" + std::to_string(prev_natoms_) +
                        "): " + quote(line));
  if (tokens_[0] != "ITEM:")
    fail(line_, "expected 'ITEM: TIMESTEP', got " + quote(line) + " (not a LAMMPS text dump?)");

  // ITEM: UNITS and ITEM: TIME (dump_modify units/time yes) come before the timestep.
  for (;;) {
    if (tokens_.size() == 2 && tokens_[1] == "TIMESTEP") break;
    if (tokens_.size() == 2 && tokens_[1] == "UNITS") {
      require_line("the unit style after 'ITEM: UNITS'");
    } else if (tokens_.size() == 2 && tokens_[1] == "TIME") {
      split(require_line("the time after 'ITEM: TIME'"), tokens_);
      if (tokens_.size() != 1 || !parse_double(tokens_[0], h.time))
        fail(line_, "expected one number (the time) after 'ITEM: TIME'");
    } else {
      item_error("'ITEM: TIMESTEP'");
    }
    split(require_line("'ITEM: TIMESTEP'"), tokens_);
  }

  split(require_line("the timestep after 'ITEM: TIMESTEP'"), tokens_);
  if (tokens_.size() != 1 || !parse_int(tokens_[0], h.timestep))
    fail(line_, "expected one integer (the timestep) after 'ITEM: TIMESTEP'");
  timestep_ = h.timestep;

  split(require_line("'ITEM: NUMBER OF ATOMS'"), tokens_);
  if (!(tokens_.size() == 4 && tokens_[0] == "ITEM:" && tokens_[1] == "NUMBER" &&
        tokens_[2] == "OF" && tokens_[3] == "ATOMS"))
    item_error("'ITEM: NUMBER OF ATOMS'");
  split(require_line("the atom count after 'ITEM: NUMBER OF ATOMS'"), tokens_);
  if (tokens_.size() != 1 || !parse_int(tokens_[0], h.natoms))
    fail(line_, "expected one integer (the atom count) after 'ITEM: NUMBER OF ATOMS'");
  if (h.natoms <= 0)
    fail(line_, "NUMBER OF ATOMS must be positive, got " + std::to_string(h.natoms));
  if (h.natoms > kMaxAtoms)
    fail(line_, "NUMBER OF ATOMS " + std::to_string(h.natoms) + " exceeds the supported " +
                    std::to_string(kMaxAtoms));

  split(require_line("'ITEM: BOX BOUNDS'"), tokens_);
  if (!(tokens_.size() >= 3 && tokens_[0] == "ITEM:" && tokens_[1] == "BOX" &&
        tokens_[2] == "BOUNDS"))
    item_error("'ITEM: BOX BOUNDS'");
  read_box(h.box);

  split(require_line("'ITEM: ATOMS'"), tokens_);
  if (!(tokens_.size() >= 2 && tokens_[0] == "ITEM:" && tokens_[1] == "ATOMS"))
    item_error("'ITEM: ATOMS'");
  h.atoms_line = line_;
  if (tokens_.size() == 2) fail(line_, "'ITEM: ATOMS' lists no columns");
  const bool same = columns_.size() == tokens_.size() - 2 &&
                    std::equal(columns_.begin(), columns_.end(), tokens_.begin() + 2);
  if (!same) {
    columns_.assign(tokens_.begin() + 2, tokens_.end());
    update_layout();
  }
  return true;
}

// tokens_ holds "ITEM: BOX BOUNDS [xy xz yz] [xx yy zz]"; reads the three bound lines after it.
void DumpReader::Impl::read_box(BoxHeader &b) {
  const std::int64_t header_line = line_;
  std::size_t t = 3;
  const bool tilted =
      tokens_.size() >= 6 && tokens_[3] == "xy" && tokens_[4] == "xz" && tokens_[5] == "yz";
  if (tilted) t = 6;
  b.box = PeriodicBox{};
  // Old LAMMPS versions wrote no boundary flags; their dumps were of periodic boxes.
  if (tokens_.size() != t && tokens_.size() != t + 3)
    fail(line_, std::string("expected three boundary flags like 'pp pp pp' after 'ITEM: BOX "
                            "BOUNDS") +
                    (tilted ? " xy xz yz'" : "'"));
  if (tokens_.size() == t + 3) {
    for (int a = 0; a < 3; ++a) {
      const std::string_view f = tokens_[t + a];
      const auto ok = [](char c) { return c == 'p' || c == 'f' || c == 's' || c == 'm'; };
      if (f.size() != 2 || !ok(f[0]) || !ok(f[1]) || ((f[0] == 'p') != (f[1] == 'p')))
        fail(line_, "invalid boundary flag " + quote(f) +
                        " (expected two of p, f, s, m; p only "
                        "as pp)");
      b.box.periodic[a] = f[0] == 'p';
    }
  }
  static const char axis[] = {'x', 'y', 'z'};
  double lo[3], hi[3];
  std::int64_t lines[3];
  b.tilt = {0.0, 0.0, 0.0};
  for (int a = 0; a < 3; ++a) {
    const std::string what = std::string("the ") + axis[a] + " bounds";
    split(require_line(what + " after 'ITEM: BOX BOUNDS'"), tokens_);
    lines[a] = line_;
    const std::size_t want = tilted ? 3 : 2;
    double v[3] = {0.0, 0.0, 0.0};
    bool ok = tokens_.size() == want;
    for (std::size_t i = 0; ok && i < want; ++i) ok = parse_double(tokens_[i], v[i]);
    if (!ok)
      fail(line_, "expected " + std::to_string(want) + " numbers (" + what +
                      (tilted ? " and a tilt factor" : "") + ")");
    if (!std::isfinite(v[0]) || !std::isfinite(v[1]) || !std::isfinite(v[2]))
      fail(line_, what + " are not finite");
    lo[a] = v[0];
    hi[a] = v[1];
    b.tilt[a] = v[2];  // xy, xz, yz in the order LAMMPS writes them
  }
  if (tilted) {
    // LAMMPS writes the bounding box of the tilted cell; undo that (see dump.rst).
    const double xy = b.tilt[0], xz = b.tilt[1], yz = b.tilt[2];
    lo[0] -= std::min({0.0, xy, xz, xy + xz});
    hi[0] -= std::max({0.0, xy, xz, xy + xz});
    lo[1] -= std::min(0.0, yz);
    hi[1] -= std::max(0.0, yz);
  }
  for (int a = 0; a < 3; ++a) {
    if (!(hi[a] > lo[a]))
      fail(lines[a], std::string("box bounds along ") + axis[a] + ": hi " + fmt_double(hi[a]) +
                         " <= lo " + fmt_double(lo[a]));
    b.box.lo[a] = lo[a];
    b.box.length[a] = hi[a] - lo[a];
  }
  const bool nonzero_tilt = b.tilt[0] != 0.0 || b.tilt[1] != 0.0 || b.tilt[2] != 0.0;
  if (nonzero_tilt && !opt_.allow_triclinic)
    fail(header_line, "triclinic box (xy xz yz = " + fmt_double(b.tilt[0]) + " " +
                          fmt_double(b.tilt[1]) + " " + fmt_double(b.tilt[2]) +
                          "): the core library's geometry is orthogonal; set "
                          "DumpOptions::allow_triclinic to read it anyway");
}

void DumpReader::Impl::update_layout() {
  const std::int64_t line = line_;
  Layout L;
  L.columns = columns_;
  const std::size_t nc = columns_.size();
  L.role.assign(nc, Layout::kExtra);
  L.slot.assign(nc, -1);
  for (std::size_t c = 0; c < nc; ++c)
    for (std::size_t d = 0; d < c; ++d)
      if (columns_[c] == columns_[d]) fail(line, "column " + quote(columns_[c]) + " appears twice");
  const auto find = [&](const std::string &name) -> int {
    for (std::size_t c = 0; c < nc; ++c)
      if (columns_[c] == name) return int(c);
    return -1;
  };
  const int id = find("id");
  if (id < 0) fail(line, "no 'id' column in 'ITEM: ATOMS' (atoms cannot be matched across frames)");
  L.role[id] = Layout::kId;
  const int type = find("type");
  if (type < 0 && opt_.require_type) fail(line, "no 'type' column in 'ITEM: ATOMS'");
  if (type >= 0) L.role[type] = Layout::kType;
  L.has_type = type >= 0;
  const int element = find("element");
  if (element >= 0) L.role[element] = Layout::kSkip;  // type names, not numbers

  // Coordinate sets by precedence: as stored, unwrapped, scaled, scaled unwrapped.
  static const char *const sets[4][4] = {{"x", "x", "y", "z"},
                                         {"xu", "xu", "yu", "zu"},
                                         {"xs", "xs", "ys", "zs"},
                                         {"xsu", "xsu", "ysu", "zsu"}};
  for (const auto &s : sets) {
    const int cx = find(s[1]), cy = find(s[2]), cz = find(s[3]);
    if (cx < 0 || cy < 0) continue;
    L.coords = s[0];
    L.scaled = L.coords == "xs" || L.coords == "xsu";
    L.has_z = cz >= 0;
    const int cols[3] = {cx, cy, cz};
    for (int a = 0; a < 3; ++a)
      if (cols[a] >= 0) {
        L.role[cols[a]] = Layout::kCoord;
        L.slot[cols[a]] = a;
      }
    break;
  }
  if (L.coords.empty())
    fail(line,
         "no coordinate columns in 'ITEM: ATOMS': need x y [z], xu yu [zu], xs ys [zs] "
         "or xsu ysu [zsu]");
  for (std::size_t c = 0; c < nc; ++c)
    if (L.role[c] == Layout::kExtra) {
      L.slot[c] = int(L.extra_names.size());
      L.extra_names.push_back(columns_[c]);
    }
  layout_ = std::move(L);
}

void DumpReader::Impl::parse_atoms(const Header &h, Frame &frame) {
  const Layout &L = layout_;
  const std::size_t n = std::size_t(h.natoms);
  const std::size_t nc = L.columns.size();
  const std::int64_t first = line_ + 1;  // line of atom 0; atom lines are consecutive

  frame.id.clear();
  frame.type.clear();
  raw_.clear();
  const std::size_t reserve = std::min(n, kReserveCap);
  frame.id.reserve(reserve);
  if (L.has_type) frame.type.reserve(reserve);
  raw_.reserve(3 * reserve);
  extra_.resize(L.extra_names.size());
  for (auto &e : extra_) {
    e.clear();
    e.reserve(reserve);
  }

  for (std::size_t k = 0; k < n; ++k) {
    std::string_view line;
    if (!read_line(line)) fail(line_ + 1, missing_atoms(k, n));
    split(line, tokens_);
    if (!tokens_.empty() && tokens_[0] == "ITEM:")
      fail(line_, "only " + std::to_string(k) + " atom lines, but NUMBER OF ATOMS is " +
                      std::to_string(n));
    if (tokens_.size() != nc)
      fail(line_,
           "expected " + std::to_string(nc) + " columns, got " + std::to_string(tokens_.size()));
    double xyz[3] = {0.0, 0.0, 0.0};
    for (std::size_t c = 0; c < nc; ++c) {
      const std::string_view tok = tokens_[c];
      switch (L.role[c]) {
        case Layout::kId: {
          std::int64_t v;
          if (!parse_int(tok, v)) fail(line_, "atom id is not an integer: " + quote(tok));
          if (v <= 0) fail(line_, "atom id must be positive, got " + std::to_string(v));
          frame.id.push_back(v);
          break;
        }
        case Layout::kType: {
          std::int64_t v;
          if (!parse_int(tok, v)) fail(line_, "atom type is not an integer: " + quote(tok));
          if (v <= 0 || v > std::numeric_limits<int>::max())
            fail(line_, "atom type must be a positive int, got " + std::to_string(v));
          frame.type.push_back(int(v));
          break;
        }
        case Layout::kCoord: {
          double v;
          if (!parse_double(tok, v))
            fail(line_, "column " + quote(L.columns[c]) + ": not a number: " + quote(tok));
          if (!std::isfinite(v))
            fail(line_,
                 "column " + quote(L.columns[c]) + ": coordinate is not finite: " + quote(tok));
          xyz[L.slot[c]] = v;
          break;
        }
        case Layout::kExtra: {
          double v;
          if (!parse_double(tok, v))
            fail(line_, "column " + quote(L.columns[c]) + ": not a number: " + quote(tok));
          extra_[L.slot[c]].push_back(v);
          break;
        }
        case Layout::kSkip:
          break;
      }
    }
    raw_.insert(raw_.end(), xyz, xyz + 3);
  }

  // The dimension, once per file unless given.
  if (dim_ == 0) {
    if (opt_.dimension != 0) {
      dim_ = opt_.dimension;
    } else {
      bool flat = true;
      for (std::size_t i = 1; flat && i < n; ++i) flat = raw_[3 * i + 2] == raw_[2];
      // One atom says nothing about flatness; reading 2D as 3D loses nothing, the reverse would.
      dim_ = (!L.has_z || (flat && n >= 2)) ? 2 : 3;
      dim_inferred_ = true;
      dim_frame_ = frames_;
    }
  }
  if (dim_ == 3 && !L.has_z)
    fail(h.atoms_line, "the dump is " + std::string(dim_inferred_ ? "" : "declared ") +
                           "3D but 'ITEM: ATOMS' has no z coordinate column");
  if (dim_ == 2 && L.has_z && dim_inferred_)
    for (std::size_t i = 1; i < n; ++i)
      if (raw_[3 * i + 2] != raw_[2])
        fail(first + std::int64_t(i),
             "atoms at different z, but the dump was taken to be 2D (all atoms at one z in frame " +
                 std::to_string(dim_frame_) + "); set DumpOptions::dimension = 3");

  // To box units. Scaled coordinates are fractions of the (possibly tilted) cell edges.
  const PeriodicBox &b = h.box.box;
  const double xy = h.box.tilt[0], xz = h.box.tilt[1], yz = h.box.tilt[2];
  frame.x.resize(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const double *s = &raw_[3 * i];
    double *x = &frame.x[3 * i];
    if (L.scaled) {
      x[0] = b.lo[0] + s[0] * b.length[0] + s[1] * xy + s[2] * xz;
      x[1] = b.lo[1] + s[1] * b.length[1] + s[2] * yz;
      x[2] = b.lo[2] + s[2] * b.length[2];
    } else {
      x[0] = s[0];
      x[1] = s[1];
      x[2] = s[2];
    }
    if (dim_ == 2) x[2] = 0.0;
    if (!std::isfinite(x[0]) || !std::isfinite(x[1]) || !std::isfinite(x[2]))
      fail(first + std::int64_t(i), "scaled coordinates give a non-finite position");
  }

  // Sort by id (a dump written on several ranks comes in rank order); ids must be unique.
  if (!std::is_sorted(frame.id.begin(), frame.id.end(), std::less_equal<std::int64_t>())) {
    order_.resize(n);
    std::iota(order_.begin(), order_.end(), std::size_t(0));
    std::sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
      return frame.id[a] < frame.id[b] || (frame.id[a] == frame.id[b] && a < b);
    });
    for (std::size_t k = 1; k < n; ++k)
      if (frame.id[order_[k]] == frame.id[order_[k - 1]])
        fail(first + std::int64_t(order_[k]),
             "duplicate atom id " + std::to_string(frame.id[order_[k]]) + " (first on line " +
                 std::to_string(first + std::int64_t(order_[k - 1])) + ")");
    const auto permute = [&](auto &v, std::size_t width) {
      auto tmp = v;
      for (std::size_t k = 0; k < n; ++k)
        for (std::size_t w = 0; w < width; ++w) v[width * k + w] = tmp[width * order_[k] + w];
    };
    permute(frame.id, 1);
    if (L.has_type) permute(frame.type, 1);
    permute(frame.x, 3);
    for (auto &e : extra_) permute(e, 1);
  }

  frame.timestep = h.timestep;
  frame.natoms = h.natoms;
  frame.time = h.time;
  frame.box = b;
  frame.box.dim = dim_;
  frame.tilt = h.box.tilt;
  frame.coords = L.coords;
  if (frame.columns != L.columns) frame.columns = L.columns;
  // Swap rather than copy: the frame's old vectors become next frame's scratch.
  for (auto it = frame.extra.begin(); it != frame.extra.end();) {
    if (std::find(L.extra_names.begin(), L.extra_names.end(), it->first) == L.extra_names.end())
      it = frame.extra.erase(it);
    else
      ++it;
  }
  for (std::size_t e = 0; e < extra_.size(); ++e) frame.extra[L.extra_names[e]].swap(extra_[e]);
  frame.source = path_;
  frame.index = frames_;
}

bool DumpReader::Impl::read_frame(Frame *frame) {
  Header h;
  if (!read_header(h)) return false;
  if (frame) {
    parse_atoms(h, *frame);
  } else {
    // Count the atom lines; only a header where atoms should be is worth noticing here.
    for (std::int64_t k = 0; k < h.natoms; ++k) {
      std::string_view line;
      if (!read_line(line)) fail(line_ + 1, missing_atoms(std::size_t(k), std::size_t(h.natoms)));
      std::size_t i = 0;
      while (i < line.size() && is_blank(line[i])) ++i;
      if (line.compare(i, 5, "ITEM:") == 0)
        fail(line_, "only " + std::to_string(k) + " atom lines, but NUMBER OF ATOMS is " +
                        std::to_string(h.natoms));
    }
  }
  prev_natoms_ = h.natoms;
  prev_timestep_ = h.timestep;
  prev_first_line_ = h.first_line;
  ++frames_;
  timestep_.reset();
  return true;
}

DumpReader::DumpReader(const std::string &path, DumpOptions opt)
    : impl_(std::make_unique<Impl>(path, opt)) {}
DumpReader::~DumpReader() = default;
DumpReader::DumpReader(DumpReader &&) noexcept = default;
DumpReader &DumpReader::operator=(DumpReader &&) noexcept = default;

bool DumpReader::next(Frame &frame) {
  return impl_->guarded([&] { return impl_->read_frame(&frame); });
}
bool DumpReader::skip() {
  return impl_->guarded([&] { return impl_->read_frame(nullptr); });
}
std::int64_t DumpReader::frames_read() const {
  return impl_->frames();
}
std::optional<std::int64_t> DumpReader::last_timestep() const {
  return impl_->last_timestep();
}
std::int64_t DumpReader::last_frame_line() const {
  return impl_->last_frame_line();
}
int DumpReader::dimension() const {
  return impl_->dimension();
}
const std::string &DumpReader::path() const {
  return impl_->path();
}
bool DumpReader::compressed() const {
  return impl_->compressed();
}

}  // namespace mlglass
