// Saved-model inspection and export for `mlglass info` and `mlglass export`: the metadata of a
// model written by `mlglass train` is checked against the model's own attributes, summarised,
// and the deployable file is written atomically after a reload check on a probe batch.
#pragma once

#include "trainer.h"

#include <nlohmann/json.hpp>
#include <torch/script.h>

#include <ostream>
#include <string>

namespace mlglass {

struct ModelInfo {
  nlohmann::json meta;   // the stored metadata
  DmpnnConfig config;    // from the module's attributes
  GraphOptions graph;    // k, window, features, ntypes from the metadata
  int dimension = 0;     // 2 or 3
  std::int64_t parameters = 0;
};

// The graph options a model was trained with (keys k, window, node_features, ntypes). Throws
// std::runtime_error naming a missing or mistyped key.
GraphOptions graph_options_of(const nlohmann::json &meta);

// Parses and checks metadata_json against the model: format "mlglass-dmpnn" (version 1), every
// key the compute and the CLI read present and typed, hyperparameters equal to the module's
// attributes, node_dim matching node_features/ntypes/dimension. Throws std::runtime_error
// (prefixed with `path`) listing what is wrong.
ModelInfo inspect_model(const torch::jit::Module &model, const std::string &metadata_json,
                        const std::string &path);

// A human-readable summary (one "key: value" line each).
void print_model_summary(std::ostream &out, const std::string &path, const ModelInfo &info);

// A fixed batch of `n_graphs` random windows (uniform positions, alternating types, density 1.2)
// built with the model's k, ntypes, features and dimension: the probe of export's reload check.
GraphBatch probe_batch(const ModelInfo &info, int n_graphs = 3, std::uint64_t seed = 12345);

struct ExportResult {
  ModelInfo info;            // of the exported file (metadata with its "export" record)
  int probe_graphs = 0;
  bool checked_attention = false;  // the attention weights were compared too
};

// Loads `in` (load_model), inspects it, adds an "export" record to the metadata and writes `out`
// through out + ".tmp": the temporary file is loaded back and must give bit-identical logits
// (and attention weights) to the loaded model on probe_batch() before it is renamed to `out`.
// With metadata_only, `out` receives the metadata JSON instead of a model. Throws
// std::runtime_error; on failure `out` is not created or replaced.
ExportResult export_model(const std::string &in, const std::string &out, bool metadata_only = false);

}  // namespace mlglass
