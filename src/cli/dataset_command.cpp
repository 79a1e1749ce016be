#include "dataset_command.h"

#include "command_error.h"

#include "dataset.h"
#include "dump_reader.h"
#include "labelling.h"

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

namespace mlglass::cli {

namespace {

constexpr const char *kWho = "mlglass dataset";

using Failure = CommandError;  // a failed step of the command, with its exit code

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

struct FileCounts {
  std::int64_t frames = 0, glass = 0, liquid = 0, unlabelled = 0, thinned = 0;
};

int run(const DatasetArgs &a) {
  // ---- usage checks (exit 2) ----
  if (a.ramp.empty() == a.temps.empty()) throw Failure(2, "give exactly one of --ramp and --temps");
  Ramp ramp;
  if (!a.ramp.empty()) {
    if (a.ramp.size() != 3) throw Failure(2, "--ramp needs 3 values: T0 T1 STEPS");
    ramp.t0 = a.ramp[0];
    ramp.t1 = a.ramp[1];
    const double steps = a.ramp[2];
    if (!(steps >= 1.0 && steps == std::floor(steps) && steps < 9.0e15))
      throw Failure(2, "--ramp STEPS must be a positive integer, got " + num(steps));
    ramp.steps = static_cast<std::int64_t>(steps);
    try {
      validate(ramp);
    } catch (const std::invalid_argument &e) {
      throw Failure(2, std::string("--ramp: ") + e.what());
    }
  }
  LabelRules rules{a.glass_max, a.liquid, a.liquid_tol};
  try {
    validate(rules);
  } catch (const std::invalid_argument &e) {
    throw Failure(2, e.what());
  }
  GroupBy group_by{};
  try {
    group_by = parse_group_by(a.group_by);
  } catch (const std::invalid_argument &e) {
    throw Failure(2, std::string("--") + e.what());
  }

  // ---- temperatures (exit 1 for bad data) ----
  TemperatureTable table;
  if (!a.temps.empty()) {
    try {
      table = TemperatureTable::read(a.temps, a.temp_col);
    } catch (const std::runtime_error &e) {
      throw Failure(1, e.what());
    }
  }
  auto temperature_of = [&](const Frame &f, const std::string &dump) -> double {
    if (a.temps.empty()) return ramp_temperature(ramp, f.timestep);
    if (auto t = table.lookup(f.timestep)) return *t;
    throw Failure(1, dump + ": frame " + std::to_string(f.index) + ", timestep " +
                         std::to_string(f.timestep) + ": no temperature for this timestep in " +
                         a.temps + " (it lists " + std::to_string(table.size()) +
                         " timesteps from " + std::to_string(table.first_timestep()) + " to " +
                         std::to_string(table.last_timestep()) + "; an exact match is required)");
  };

  const std::string manifest_dir = directory_of(a.output);
  std::vector<ManifestEntry> entries;
  std::set<std::pair<std::string, std::int64_t>> seen;
  std::map<std::string, std::string> group_source;  // group -> first dump, to warn on clashes
  FileCounts total;
  for (const std::string &dump : a.dumps) {
    std::string file;
    try {
      file = manifest_file_name(dump, manifest_dir);
    } catch (const std::invalid_argument &e) {
      throw Failure(1, dump + ": " + e.what());
    }
    const std::string group = group_of(dump, group_by);
    if (group_by == GroupBy::file && !group.empty()) {
      auto [it, fresh] = group_source.emplace(group, dump);
      if (!fresh && it->second != dump)
        std::cerr << kWho << ": warning: " << dump << " and " << it->second << " are both in group '"
                  << group << "' (--group-by file uses the file name only)\n";
    }
    FileCounts c;
    std::int64_t selected = 0, last_timestep = -1;
    try {
      DumpReader reader(dump);
      Frame frame;
      // The timestep is all that is needed, but skip() does not report it: next() reads the frame,
      // whose storage is reused, so only one frame is ever in memory.
      while (reader.next(frame)) {
        ++c.frames;
        last_timestep = frame.timestep;
        const double t = temperature_of(frame, dump);
        const auto label = label_for(t, rules);
        if (!label) {
          ++c.unlabelled;
          continue;
        }
        if (!keep_every(selected++, a.every)) {
          ++c.thinned;
          continue;
        }
        if (!seen.insert({file, frame.timestep}).second)
          throw Failure(1, dump + ": frame " + std::to_string(frame.index) + ", timestep " +
                               std::to_string(frame.timestep) +
                               ": this timestep is already in the manifest (a dump given twice, or "
                               "a run that wrote the timestep twice)");
        ManifestEntry e;
        e.file = file;
        e.timestep = frame.timestep;
        e.label = *label;
        e.temperature = t;
        e.group = group;
        entries.push_back(std::move(e));
        ++(*label ? c.glass : c.liquid);
      }
    } catch (const DumpError &e) {
      throw Failure(1, e.what());
    }
    if (a.temps.empty() && c.frames > 0)
      check_ramp_reached(ramp, last_timestep, dump, a.allow_partial_ramp);
    std::cout << dump << ": " << c.frames << " frames, " << c.glass << " glass, " << c.liquid
              << " liquid, " << c.unlabelled << " unlabelled";
    if (a.every > 1) std::cout << ", " << c.thinned << " dropped by --every";
    if (group_by != GroupBy::none) std::cout << " (group " << group << ")";
    std::cout << "\n";
    if (c.frames == 0) std::cerr << kWho << ": warning: " << dump << " has no frames\n";
    total.frames += c.frames;
    total.glass += c.glass;
    total.liquid += c.liquid;
    total.unlabelled += c.unlabelled;
    total.thinned += c.thinned;
  }
  std::cout << "total: " << total.frames << " frames in " << a.dumps.size() << (a.dumps.size() == 1 ? " dump: " : " dumps: ")
            << total.glass << " glass (1), " << total.liquid << " liquid (0), " << total.unlabelled
            << " unlabelled";
  if (a.every > 1) std::cout << ", " << total.thinned << " dropped by --every " << a.every;
  std::cout << "\n";

  if (entries.empty()) throw Failure(1, "no frame was labelled: no manifest written");
  if ((total.glass == 0 || total.liquid == 0) && !a.allow_one_class) {
    const bool glass_rule = rules.glass_max.has_value(), liquid_rule = rules.liquid.has_value();
    if (glass_rule && liquid_rule)
      throw Failure(1, std::string("no ") + (total.glass == 0 ? "glass" : "liquid") +
                           " frames: no manifest written (check the temperatures and rules, or "
                           "pass --allow-one-class)");
    throw Failure(1, std::string("only ") + (total.glass == 0 ? "liquid" : "glass") +
                         " frames (only one rule given): no manifest written (pass "
                         "--allow-one-class to write it anyway)");
  }

  try {
    if (!manifest_dir.empty()) std::filesystem::create_directories(manifest_dir);
    write_manifest(a.output, entries);
  } catch (const std::exception &e) {
    throw Failure(1, e.what());
  }
  std::cout << "wrote " << a.output << " (" << entries.size() << " configurations)\n";
  return 0;
}

CLI::Validator at_least(int lo) {
  return CLI::Validator(
      [lo](std::string &s) -> std::string {
        int v = 0;
        if (!CLI::detail::lexical_cast(s, v)) return "'" + s + "' is not an integer";
        return v >= lo ? "" : "must be >= " + std::to_string(lo) + ", got " + s;
      },
      "");
}

}  // namespace

CLI::App *add_dataset_command(CLI::App &app, DatasetArgs &a) {
  CLI::App *ds = app.add_subcommand("dataset", "labelled manifest (glass/liquid) from cooling-run dumps");
  ds->footer(
      "Gives every frame of the dumps a temperature, from a linear ramp (--ramp: T = T0 + (T1-T0) *\n"
      "timestep / STEPS, clamped to the ramp ends) or from a file (--temps: timestep in column 1, T in\n"
      "--temp-col, exact match required), labels it glass (1) if T <= --glass-max, liquid (0) if\n"
      "|T - --liquid| <= --liquid-tol, else leaves it out, and writes the manifest for\n"
      "`mlglass train --manifest`: file,timestep,label,temperature,group.\n"
      "Exit status: 0 done, 1 bad data or failed output (no manifest written), 2 bad usage.\n"
      "See doc/mlglass_dataset.rst.");
  ds->add_option("DUMP", a.dumps, "LAMMPS text dumps (plain or .gz), e.g. out/seed-*/traj.dump")
      ->required();
  ds->add_option("-o,--output", a.output, "manifest to write (CSV; its directory is created)")
      ->required();
  auto *ramp = ds->add_option("--ramp", a.ramp, "T0 T1 STEPS: linear ramp from timestep 0 to STEPS")
                   ->expected(3)
                   ->type_name("T0 T1 STEPS");
  auto *temps = ds->add_option("--temps", a.temps,
                               "timestep -> T file, e.g. eis.dat of fix ave/time ('#' comments)");
  ramp->excludes(temps);
  ds->add_option("--temp-col", a.temp_col, "column of T in --temps (1-based, >= 2)")
      ->check(at_least(2))
      ->needs(temps)
      ->capture_default_str();
  ds->add_option("--glass-max", a.glass_max, "frames with T <= X are glass (label 1)");
  ds->add_option("--liquid", a.liquid, "frames with |T - X| <= --liquid-tol are liquid (label 0)");
  ds->add_option("--liquid-tol", a.liquid_tol, "tolerance of --liquid (>= 0)");
  ds->add_option("--group-by", a.group_by, "group column: dump file name, its directory, or empty")
      ->check(CLI::IsMember({"file", "dir", "none"}))
      ->capture_default_str();
  ds->add_option("--every", a.every, "keep every N-th labelled frame of each dump (>= 1)")
      ->check(at_least(1))
      ->capture_default_str();
  ds->add_flag("--allow-partial-ramp", a.allow_partial_ramp,
               "accept dumps that end before the end of --ramp (a run cut short)")
      ->needs(ramp);
  ds->add_flag("--allow-one-class", a.allow_one_class,
               "write the manifest even if only glass or only liquid frames were found");
  return ds;
}

int run_dataset(const DatasetArgs &args) { return run(args); }

}  // namespace mlglass::cli
