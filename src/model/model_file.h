// The ML-GLASS model file: a TorchScript archive with the metadata JSON stored inside it as the
// extra file `mlglass_metadata.json` (keys in doc/model.rst, "Model files"). This is the one place
// that turns that JSON into a ModelMetadata and back, validates it, and checks it against the
// module's own attributes: `compute glass/mpnn` (through GlassClassifier), `mlglass eval`, `info`,
// `export`, `attention`, cross-validation and the CNN evaluation all load models through
// load_model_file(), so the same bad file gives the same message, naming the file, everywhere.
//
// This header includes no torch header (GlassClassifier's header includes it, and the LAMMPS style
// that includes that compiles without LibTorch's headers).
#pragma once

#include "render.h"
#include "window_graph.h"

#include <cmath>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace torch::jit {
struct Module;
}

namespace mlglass {

enum class ModelArchitecture { dmpnn, cnn };
const char *architecture_name(ModelArchitecture a);  // "dmpnn", "cnn"

// What a model's metadata says about the inputs it takes, its hyperparameters and its origin.
struct ModelMetadata {
  std::string path;  // the file it was read from (for messages; not stored in the file)
  std::string json;  // the complete stored JSON text (descriptive records included), verbatim

  ModelArchitecture architecture = ModelArchitecture::dmpnn;  // from "format"
  int format_version = 1;
  int dimension = 0;   // 2 or 3 (the CNN: 2)
  GraphOptions graph;  // window and ntypes (both); k and node features (D-MPNN)
  double validation_auc = NAN;
  // Mean particles per training window (descriptive record training_data.mean_window_atoms of
  // mlglass train; NAN when absent or not a positive number).
  double training_window_atoms = NAN;

  // D-MPNN hyperparameters. attention is required; the others are optional in the file (0, NAN
  // or "" when absent) and, when present, must equal the module's attributes.
  bool attention = false;
  int hidden = 0, depth = 0, ffn_layers = 0, ffn_hidden = 0;
  double dropout = NAN;
  std::string readout;

  RenderOptions image;  // CNN: image.size and image.diameters are required

  std::int64_t parameters = 0;  // set by load_model_file: parameter count of the module
};

// Parses and validates metadata JSON text read from `path`. Throws std::runtime_error
// "<path>: model metadata <what is wrong>" for text that is not JSON, a missing key, a value of
// the wrong kind, an unknown format or format_version, or inconsistent values.
ModelMetadata parse_model_metadata(const std::string &json_text, const std::string &path);

// The JSON text (indent 2) of `extra` (a JSON object of descriptive records, e.g. the trainer's
// "training_data"; "" for none) with the keys of `m` written over it. The result passes
// parse_model_metadata.
std::string model_metadata_json(const ModelMetadata &m, const std::string &extra = "");

// Loads the model file `path` on the CPU into `module` (eval mode) and returns its validated
// metadata, checked against the module (architecture, node feature length, every hyperparameter
// the metadata states). Throws std::runtime_error naming the file: missing, not a TorchScript
// archive, no ML-GLASS metadata, bad metadata, or metadata that disagrees with the module.
ModelMetadata load_model_file(const std::string &path, torch::jit::Module &module);

// Validates `json_text` (as parse_model_metadata, and against the module) and writes the model
// with it through path.tmp and a rename (save_model). Throws std::runtime_error.
void save_model_file(const std::string &path, const torch::jit::Module &module,
                     const std::string &json_text);

// Throws std::invalid_argument naming what does not fit: a box of another dimension than the
// model's, atom types beyond the model's, or (check_window) the model's window larger than the box.
void check_model_fits(const ModelMetadata &m, const PeriodicBox &box, int ntypes,
                      bool check_window = true);

// A human-readable summary of the metadata (one "key: value" line each), `mlglass info`.
void print_model_summary(std::ostream &out, const ModelMetadata &m);

}  // namespace mlglass
