// Labelling rules of `mlglass dataset`: the temperature of a dumped frame (from a linear cooling
// ramp or from a timestep -> T table such as a `fix ave/time` file), its class (glass = 1,
// liquid = 0, or neither) and the group and manifest file name of a dump. Pure logic, no I/O
// except TemperatureTable::read; the command-line program only parses options and wires these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlglass {

// T(step) = t0 + (t1 - t0) * step / steps, clamped to [t0, t1] (either order) outside 0..steps:
// the ramp of examples/cooling/in.cooling (timestep 0 = start of the ramp).
struct Ramp {
  double t0 = 0.0;
  double t1 = 0.0;
  std::int64_t steps = 0;
};

// Throws std::invalid_argument if steps <= 0 or t0 / t1 are not finite.
void validate(const Ramp &ramp);
double ramp_temperature(const Ramp &ramp, std::int64_t timestep);
// A dump whose last frame comes before the end of the ramp contradicts it: the run used a shorter
// ramp (its frames would be labelled with temperatures it never had) or stopped early. Throws
// std::runtime_error naming the dump, its last timestep and the ramp length, unless allow_partial
// (a run known to be cut short on this ramp).
void check_ramp_reached(const Ramp &ramp, std::int64_t last_timestep, const std::string &dump,
                        bool allow_partial);

// Exact timestep -> temperature lookup.
class TemperatureTable {
 public:
  TemperatureTable() = default;
  // Throws std::invalid_argument for a non-finite T or a timestep listed twice with different T
  // (the same pair twice is accepted).
  explicit TemperatureTable(const std::vector<std::pair<std::int64_t, double>> &rows);

  // Timesteps from column 1, T from column temp_col (1-based, >= 2) of a whitespace-separated text
  // file with '#' comments (e.g. eis.dat of `fix ave/time`: TimeStep v_Tramp ...). Throws
  // std::runtime_error naming the file, and the line where there is one, for an unreadable file,
  // a malformed line, a timestep that is not an integer (or beyond +-9e15), a conflicting
  // duplicate or a file without data lines; std::invalid_argument if temp_col < 2.
  static TemperatureTable read(const std::string &path, int temp_col);

  std::optional<double> lookup(std::int64_t timestep) const;
  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  std::int64_t first_timestep() const;  // of the sorted table; table must not be empty
  std::int64_t last_timestep() const;

 private:
  std::vector<std::pair<std::int64_t, double>> rows_;  // sorted by timestep, unique
};

// Glass: T <= glass_max. Liquid: |T - liquid| <= liquid_tol. Both bounds are inclusive, with an
// allowance of 1e-12 relative for rounding (T = 1.7 is liquid for liquid 2.0, tol 0.3). Anything
// else is not labelled.
struct LabelRules {
  std::optional<double> glass_max;
  std::optional<double> liquid;
  std::optional<double> liquid_tol;
};

// Throws std::invalid_argument if neither rule is given, if only one of liquid / liquid_tol is
// given, for a non-finite value, a negative tolerance, or if a temperature satisfies both rules
// (glass_max >= liquid - liquid_tol).
void validate(const LabelRules &rules);
// 1 (glass), 0 (liquid) or nullopt (neither). The rules must be valid.
std::optional<int> label_for(double temperature, const LabelRules &rules);

enum class GroupBy { file, dir, none };
// "file", "dir" or "none"; std::invalid_argument otherwise.
GroupBy parse_group_by(const std::string &name);
// The group of every frame of a dump: file -> the dump's file name (traj-3.dump), dir -> the name
// of the directory that holds it (out/seed-3/traj.dump -> seed-3; a bare name -> the current
// directory's name), none -> "".
std::string group_of(const std::string &dump_path, GroupBy by);

// The dump's path as written to a manifest in manifest_dir ("" = current directory): relative to
// manifest_dir (symbolic links resolved) when the two share more than the root directory, else
// absolute (out/a.dump from data/ -> ../out/a.dump; /work/a.dump from /tmp -> /work/a.dump). Throws
// std::invalid_argument if the result contains a comma, a newline or a carriage return (the
// manifest is unquoted CSV).
std::string manifest_file_name(const std::string &dump_path, const std::string &manifest_dir);

// Every n-th selected frame of a file is kept, starting with the first (n >= 1):
// keep_every(k, n) for the k-th (0-based) selected frame.
inline bool keep_every(std::int64_t k, std::int64_t n) { return n <= 1 || k % n == 0; }

}  // namespace mlglass
