// The temperature of dumped frames, as `mlglass dataset` and `mlglass metrics` take it: a linear
// cooling ramp (--ramp T0 T1 STEPS, src/core/labelling.h) or a timestep -> T table (--temps FILE
// --temp-col N). One set of options, one set of checks and messages for both subcommands.
#pragma once

#include "dump_reader.h"
#include "labelling.h"

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace mlglass::cli {

struct TemperatureArgs {
  std::vector<double> ramp;  // T0 T1 STEPS, or empty
  std::string temps;         // timestep -> T file, or empty
  int temp_col = 2;
  bool allow_partial_ramp = false;  // accept dumps that end before the ramp does
};

// Registers --ramp, --temps, --temp-col and --allow-partial-ramp; temps_help describes --temps.
void add_temperature_options(CLI::App &app, TemperatureArgs &args, const std::string &temps_help);

class FrameTemperatures {
 public:
  // Usage checks (CommandError, exit 2): exactly one of --ramp and --temps, a valid ramp.
  explicit FrameTemperatures(const TemperatureArgs &args);
  // Reads the --temps file, if any (CommandError, exit 1, naming the file and line).
  void read_table();
  // The frame's temperature; CommandError (exit 1) for a timestep the table does not list.
  double of(const Frame &frame, const std::string &dump) const;
  // After the last frame of a dump: a dump that ends before the ramp does contradicts it
  // (check_ramp_reached), unless --allow-partial-ramp.
  void check_last(std::int64_t last_timestep, const std::string &dump) const;

 private:
  const TemperatureArgs &args_;
  Ramp ramp_;
  TemperatureTable table_;
};

}  // namespace mlglass::cli
