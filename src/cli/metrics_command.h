// `mlglass metrics`: the B-particle graph metrics of every frame of cooling-run dumps, their kink
// regression at T_g and the glass/liquid signed-rank tests (src/analysis/structure_metrics.h).
#pragma once

#include "frame_temperatures.h"

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace mlglass::cli {

struct MetricsArgs {
  std::vector<std::string> dumps;
  std::string output;        // per-frame CSV
  TemperatureArgs temperature;  // --ramp or --temps
  int btype = 2;
  int k = 2;
  std::string rule = "both";
  std::optional<double> tg;
  std::optional<double> glass_max, liquid, liquid_tol;
  std::string group_by = "dir";
  std::string json;  // summary, or empty
  std::string plot;  // PNG, or empty
};

CLI::App *add_metrics_command(CLI::App &app, MetricsArgs &args);

// Returns the exit code: 0 done, 1 data or output error, 2 usage error (messages on stderr as
// "mlglass metrics: error: ...").
int run_metrics(const MetricsArgs &args);

}  // namespace mlglass::cli
