// `mlglass dataset`: a labelled manifest (src/core/dataset.h) from the dumps of cooling runs, each
// frame labelled glass / liquid / neither by its temperature (src/core/labelling.h).
#pragma once

#include "frame_temperatures.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace mlglass::cli {

struct DatasetArgs {
  std::vector<std::string> dumps;
  std::string output;
  TemperatureArgs temperature;  // --ramp or --temps
  std::optional<double> glass_max, liquid, liquid_tol;
  std::string group_by = "dir";
  int every = 1;
  bool allow_one_class = false;
};

// Registers the subcommand; its options are parsed into args.
CLI::App *add_dataset_command(CLI::App &app, DatasetArgs &args);

// Runs a parsed `mlglass dataset`. Returns the exit code: 0 done, 1 data or output error, 2 usage
// error (messages already printed to stderr as "mlglass dataset: error: ...").
int run_dataset(const DatasetArgs &args);

}  // namespace mlglass::cli
