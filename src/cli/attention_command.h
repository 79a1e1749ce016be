// `mlglass attention`: attention weights and high-attention graph metrics of an attention D-MPNN
// on the windows of a manifest's configurations (src/analysis/attention.h), with a Figure-8 style plot.
#pragma once

#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace mlglass::cli {

struct AttentionArgs {
  std::string model, manifest, out, png;
  int windows = 1;
  bool whole = false, no_plot = false;
  double window = 0.0;
  std::uint64_t seed = 1;
  double threshold = 1.0, quantile = -1.0;
  int btype = 2;
  int threads = 1;
};
CLI::App *add_attention_command(CLI::App &app, AttentionArgs &args);
int run_attention_command(const AttentionArgs &args);

}  // namespace mlglass::cli
