// `mlglass train` and `mlglass eval`: the D-MPNN (or CNN) trainer (src/trainer) on a manifest of
// labelled dump frames, and its evaluation (AUC, accuracy, ROC) of a saved model on another manifest.
#pragma once

#include "dataset.h"
#include "model_file.h"
#include "trainer.h"

#include <string>

namespace CLI {
class App;
class Option;
}

namespace mlglass::cli {

struct TrainArgs {
  std::string manifest, val_manifest, out;
  double val_fraction = 0.1;
  std::string window_units = "fraction", offsets = "independent", features = "type";
  std::string readout = "mean";
  bool no_periodic = false, quiet = false;
  int threads = 1;
  std::string model = "dmpnn";       // train only: dmpnn or cnn
  CLI::Option *dropout = nullptr, *weight_decay = nullptr;  // given explicitly?
  std::string plot;      // learning-curve PNG [OUT/learning.png]
  bool no_plot = false;
  bool overwrite = false;  // train: replace an earlier run in OUT
  TrainOptions options;
};
// The options every training subcommand (train, cv, hyperopt) shares, and their conversion into
// TrainOptions after parsing.
void add_training_options(CLI::App &c, TrainArgs &a);
void finish_training_options(TrainArgs &a);
// --model, --image-size, --diameters, --weight-decay (train and cv), and what they imply
void add_model_options(CLI::App &c, TrainArgs &a);
void finish_model_options(TrainArgs &a);

CLI::App *add_train_command(CLI::App &app, TrainArgs &args);
int run_train(TrainArgs &args);

struct EvalArgs {
  std::string model, manifest, roc_csv, roc_png;
  int windows = 4;
  bool whole = false;
  double window = 0.0;  // 0: the model's own window
  bool tile = false;    // tile each configuration like compute glass/mpnn
  double stride = 0.0;  // tile stride in the model's units (0: the window side)
  int batch = 1;     // with --tile: windows per model call (1, as compute glass/mpnn: bit-identical P)
  std::string probabilities_csv;  // per-window P(glass)
  std::uint64_t seed = 1;
  int threads = 1;
};
CLI::App *add_eval_command(CLI::App &app, EvalArgs &args);
// Throws CommandError (exit 1) naming the first configuration the model does not fit: another
// dimension, an atom type beyond the model's (all atoms checked), or (check_window) a box too small
// for the model's window. eval and attention check their whole manifest with it before sampling.
void check_configurations_fit(const ModelMetadata &m, const std::vector<Configuration> &configs,
                              bool check_window);
int run_eval(const EvalArgs &args);

}  // namespace mlglass::cli
