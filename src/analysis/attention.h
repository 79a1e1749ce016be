// `mlglass attention`: per-edge attention weights of the last message step of an attention D-MPNN
// on windows of labelled configurations, the graph of high-attention edges and its metrics
// (components, B-B links, isolated A: the core B-graph code, bgraph_from_links), per window and
// averaged per label. Swanson et al. 2020, section on interpretation and Figure 8.
#pragma once

#include "bgraph.h"
#include "model_file.h"
#include "trainer.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mlglass {

// Which directed edges of a window are "high attention". The weights of a window's E directed
// edges sum to 1 (mean 1/E).
struct HighAttentionRule {
  enum class Kind { mean_multiple, quantile } kind = Kind::mean_multiple;
  double value = 1.0;  // mean_multiple: weight > value / E; quantile: weight > the value-quantile
  std::string describe() const;
};

// The cut-off weight of a window (edges strictly above it are high). quantile: the
// nearest-rank value-quantile of the weights, i.e. sorted ascending a[ceil(value * E) - 1]
// (a[0] for value * E < 1).
double high_attention_cutoff(const std::vector<double> &weights, const HighAttentionRule &rule);

struct AttentionOptions {
  int windows = 1;         // random windows per configuration
  bool whole = false;      // one graph per whole configuration
  double window = 0.0;     // > 0: another window side (the model's units)
  std::uint64_t seed = 1;  // windows: the same as `mlglass eval --seed` for the same seed
  HighAttentionRule rule;
  int btype = 2;           // the B (small) particle type
  int batch_size = 50;
};

struct AttentionEdge {
  int src = 0, dst = 0;  // node indices in the window
  double distance = 0.0, weight = 0.0;
  bool high = false;
};

struct AttentionWindow {
  std::size_t config = 0;  // index into the configurations
  int label = 0;
  double p_glass = 0.0;
  double cutoff = 0.0;
  Window window;                   // members and window-local positions
  std::vector<int> type;           // per node
  std::vector<std::int64_t> ids;   // per node
  std::vector<AttentionEdge> edges;
  BGraph high;                     // the graph of high-attention links (either direction high)
};

// Throws std::runtime_error for a model without attention or configurations the model cannot
// take (dimension, types), std::invalid_argument for bad options.
std::vector<AttentionWindow> analyse_attention(torch::jit::Module &model, const ModelMetadata &info,
                                               const std::vector<Configuration> &configs,
                                               const AttentionOptions &options);

// Writes DIR/edges.csv, particles.csv, windows.csv, summary.csv and summary.json (each through a
// temporary file and a rename; doc/mlglass_attention.rst describes the columns). Returns the
// summary JSON.
nlohmann::json write_attention(const std::string &dir, const std::vector<AttentionWindow> &windows,
                               const std::vector<Configuration> &configs,
                               const AttentionOptions &options, const nlohmann::json &run_info);

}  // namespace mlglass
