// `mlglass export`: a checked, deployable copy of a trained model, with a provenance record that
// travels with the file (input file name and SHA-256, the command without directories). Models
// are read through load_model_file (model_file.h), like every other reader.
#pragma once

#include "model_file.h"
#include "window_graph.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlglass {

// A fixed batch of `n_graphs` random windows (uniform positions, alternating types, density 1.2)
// built with the model's k, ntypes, features and dimension: the probe of export's reload check.
GraphBatch probe_batch(const ModelMetadata &m, int n_graphs = 3, std::uint64_t seed = 12345);

// SHA-256 of a file's bytes as 64 lowercase hex digits (OpenSSL libcrypto). Throws
// std::runtime_error naming the file if it cannot be read.
std::string file_sha256(const std::string &path);

// Every word of a command line with directories removed from what looks like a path
// ("/a/b/best.pt" -> "best.pt", "--out=/x/y.pt" -> "--out=y.pt"); other words unchanged.
std::vector<std::string> strip_directories(const std::vector<std::string> &command);

// The metadata JSON of `m` with a new "export" record: {"source": {"file": input's file name,
// "sha256": of the input file}, "command": strip_directories(command), "created", "mlglass_version",
// "checked"}. An "export" record already in `m` becomes "export"."previous" with directories
// removed from its file names, so no path of the machine that made a model travels with it.
std::string with_export_record(const ModelMetadata &m, const std::string &input_path,
                               const std::vector<std::string> &command);

struct ExportResult {
  ModelMetadata info;              // of the exported file (metadata with its "export" record)
  int probe_graphs = 0;
  bool checked_attention = false;  // the attention weights were compared too
};

// Loads `in` (load_model_file), adds an "export" record (with_export_record; `command` is the
// command line to record, e.g. {"mlglass", "export", in, out}) and writes `out` through
// out + ".tmp": the temporary file is loaded back and must give bit-identical logits (and
// attention weights) to the loaded model on probe_batch() before it is renamed to `out`. With
// metadata_only, `out` receives the metadata JSON instead of a model. Throws std::runtime_error;
// on failure `out` is not created or replaced.
ExportResult export_model(const std::string &in, const std::string &out, bool metadata_only = false,
                          const std::vector<std::string> &command = {});

}  // namespace mlglass
