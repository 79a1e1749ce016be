#include "dataset_command.h"

#include "frame_temperatures.h"

#include "command_error.h"
#include "validators.h"

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

struct FileCounts {
  std::int64_t frames = 0, glass = 0, liquid = 0, unlabelled = 0, thinned = 0;
};

int run(const DatasetArgs &a) {
  // ---- usage checks (exit 2) ----
  FrameTemperatures temperatures(a.temperature);
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
  temperatures.read_table();

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
        const double t = temperatures.of(frame, dump);
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
    if (c.frames > 0) temperatures.check_last(last_timestep, dump);
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
  add_temperature_options(*ds, a.temperature,
                          "timestep -> T file, e.g. eis.dat of fix ave/time ('#' comments)");
  ds->add_option("--glass-max", a.glass_max, "frames with T <= X are glass (label 1)");
  ds->add_option("--liquid", a.liquid, "frames with |T - X| <= --liquid-tol are liquid (label 0)");
  ds->add_option("--liquid-tol", a.liquid_tol, "tolerance of --liquid (>= 0)");
  ds->add_option("--group-by", a.group_by, "group column: dump file name, its directory, or empty")
      ->check(CLI::IsMember({"file", "dir", "none"}))
      ->capture_default_str();
  ds->add_option("--every", a.every, "keep every N-th labelled frame of each dump (>= 1)")
      ->check(at_least(1))
      ->capture_default_str();
  ds->add_flag("--allow-one-class", a.allow_one_class,
               "write the manifest even if only glass or only liquid frames were found");
  return ds;
}

int run_dataset(const DatasetArgs &args) { return run(args); }

}  // namespace mlglass::cli
