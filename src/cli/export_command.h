// `mlglass export` (a validated, deployable copy of a trained model) and `mlglass info` (its
// metadata).
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace mlglass::cli {

struct ExportArgs {
  std::string model, out;
  bool metadata_only = false;
};
CLI::App *add_export_command(CLI::App &app, ExportArgs &args);
int run_export(const ExportArgs &args);

struct InfoArgs {
  std::string model;
  bool json = false;
};
CLI::App *add_info_command(CLI::App &app, InfoArgs &args);
int run_info(const InfoArgs &args);

}  // namespace mlglass::cli
