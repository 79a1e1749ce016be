#include "frame_temperatures.h"

#include "command_error.h"

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace mlglass::cli {

void add_temperature_options(CLI::App &app, TemperatureArgs &a, const std::string &temps_help) {
  auto *ramp = app.add_option("--ramp", a.ramp, "T0 T1 STEPS: linear ramp from timestep 0 to STEPS")
                   ->expected(3)
                   ->type_name("T0 T1 STEPS");
  auto *temps = app.add_option("--temps", a.temps, temps_help);
  ramp->excludes(temps);
  app.add_option("--temp-col", a.temp_col, "column of T in --temps (1-based, >= 2)")
      ->check(CLI::Range(2, 1000000))
      ->needs(temps);
  app.add_flag("--allow-partial-ramp", a.allow_partial_ramp,
               "accept dumps that end before the end of --ramp (a run cut short)")
      ->needs(ramp);
}

FrameTemperatures::FrameTemperatures(const TemperatureArgs &a) : args_(a) {
  if (a.ramp.empty() == a.temps.empty())
    throw CommandError(2, "give exactly one of --ramp and --temps");
  if (a.ramp.empty()) return;
  if (a.ramp.size() != 3) throw CommandError(2, "--ramp needs 3 values: T0 T1 STEPS");
  const double steps = a.ramp[2];
  if (!(steps >= 1.0 && steps == std::floor(steps) && steps < 9.0e15)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", steps);
    throw CommandError(2, std::string("--ramp STEPS must be a positive integer, got ") + buf);
  }
  ramp_ = {a.ramp[0], a.ramp[1], static_cast<std::int64_t>(steps)};
  try {
    validate(ramp_);
  } catch (const std::invalid_argument &e) {
    throw CommandError(2, std::string("--ramp: ") + e.what());
  }
}

void FrameTemperatures::read_table() {
  if (args_.temps.empty()) return;
  try {
    table_ = TemperatureTable::read(args_.temps, args_.temp_col);
  } catch (const std::runtime_error &e) {
    throw CommandError(1, e.what());
  }
}

double FrameTemperatures::of(const Frame &f, const std::string &dump) const {
  if (args_.temps.empty()) return ramp_temperature(ramp_, f.timestep);
  if (auto t = table_.lookup(f.timestep)) return *t;
  throw CommandError(1, dump + ": frame " + std::to_string(f.index) + ", timestep " +
                            std::to_string(f.timestep) + ": no temperature for this timestep in " +
                            args_.temps + " (it lists " + std::to_string(table_.size()) +
                            " timesteps from " + std::to_string(table_.first_timestep()) + " to " +
                            std::to_string(table_.last_timestep()) +
                            "; an exact match is required)");
}

void FrameTemperatures::check_last(std::int64_t last_timestep, const std::string &dump) const {
  if (args_.temps.empty()) check_ramp_reached(ramp_, last_timestep, dump, args_.allow_partial_ramp);
}

}  // namespace mlglass::cli
