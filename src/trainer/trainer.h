// Training and evaluation of the D-MPNN on labelled configurations (glass = 1, liquid = 0):
// random windows -> periodic kNN graphs (core window_graph) -> the TorchScript D-MPNN (model/dmpnn).
// Adam with the Noam schedule of chemprop (per batch), gradient clipping, validation AUC after
// every epoch, and one checkpoint file per epoch written atomically so that `--resume` after a kill
// loses at most the epoch in progress and continues bit for bit (single thread, same seed).
#pragma once

#include "dataset.h"
#include "dmpnn.h"
#include "window_graph.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mlglass {

struct GraphOptions {
  int k = 2;
  WindowOptions window;                  // side 0.2 of the box by default
  NodeFeatures features = NodeFeatures::type_onehot;
  int ntypes = 2;
};

// Noam learning-rate schedule of chemprop's NoamLR: linear from init_lr to max_lr over the warm-up
// steps, then exponential decay reaching final_lr at the last step.
struct NoamSchedule {
  double init_lr = 1e-4, max_lr = 1e-3, final_lr = 1e-4;
  std::int64_t warmup_steps = 1, total_steps = 1;
  double lr(std::int64_t step) const;  // step = optimiser steps taken so far
};

struct TrainOptions {
  GraphOptions graph;
  DmpnnConfig model;            // node_dim is set from graph
  int epochs = 30;
  int batch_size = 50;
  double init_lr = 1e-4, max_lr = 1e-3, final_lr = 1e-4;
  double warmup_epochs = 2.0;
  double clip_norm = 10.0;      // max gradient 2-norm (<= 0: no clipping)
  int val_windows = 4;          // fixed windows per validation configuration
  std::uint64_t seed = 0;
  std::string out_dir;          // checkpoints, metrics.csv, best.pt, last.pt
  bool resume = false;
  int stop_after = 0;           // > 0: end this run after that many epochs (--resume continues)
  bool progress = true;         // progress bar on stderr
};

struct EpochRecord {
  int epoch = 0;
  std::int64_t step = 0;
  double lr = 0.0, train_loss = 0.0, val_auc = 0.0, val_accuracy = 0.0, seconds = 0.0;
};

struct TrainResult {
  std::vector<EpochRecord> history;
  int best_epoch = 0;
  double best_val_auc = 0.0;
  std::string best_model, last_model;  // TorchScript files with metadata
};

// Trains on `train` and validates on `val` (both non-empty, both classes in `val`).
TrainResult train_model(const std::vector<Configuration> &train,
                        const std::vector<Configuration> &val, const TrainOptions &options);

// One graph per window: `windows` random windows per configuration drawn from `seed` (the same
// windows for the same seed), or with whole = true the whole configuration as one graph.
struct Sample {
  Graph graph;
  int label = 0;
  std::size_t config = 0;  // index into the configurations
};
std::vector<Sample> make_samples(const std::vector<Configuration> &configs,
                                 const GraphOptions &graph, int windows, std::uint64_t seed,
                                 bool whole = false);

// make_samples() keeping each graph's window (members and window-local positions), for analyses
// that need the geometry (mlglass attention); the same windows as make_samples() for a seed.
struct WindowSample {
  Window window;
  Sample sample;
};
std::vector<WindowSample> make_window_samples(const std::vector<Configuration> &configs,
                                              const GraphOptions &graph, int windows,
                                              std::uint64_t seed, bool whole = false);

// P(glass) for each sample, in batches, no gradients.
std::vector<double> predict(torch::jit::Module &model, const std::vector<Sample> &samples,
                            int batch_size = 100);

// Metadata JSON stored in every saved model (keys in doc/model.rst).
std::string model_metadata(const TrainOptions &options, const std::vector<Configuration> &train,
                           const std::vector<Configuration> &val, double val_auc, int epoch);

}  // namespace mlglass
