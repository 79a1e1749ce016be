// Training and evaluation of the D-MPNN on labelled configurations (glass = 1, liquid = 0):
// random windows -> periodic kNN graphs (core window_graph) -> the TorchScript D-MPNN (model/dmpnn).
// Adam with the Noam schedule of chemprop (per batch), gradient clipping, validation AUC after
// every epoch, and one checkpoint file per epoch written atomically so that `--resume` after a kill
// loses at most the epoch in progress and continues bit for bit (single thread, same seed).
// The same loop trains the CNN baseline (model/cnn) on rendered images of the same windows
// (core render; trainer/cnn_learner.cpp).
#pragma once

#include "cnn.h"
#include "dataset.h"
#include "dmpnn.h"
#include "model_file.h"
#include "render.h"
#include "window_graph.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mlglass {

// Noam learning-rate schedule of chemprop's NoamLR: linear from init_lr to max_lr over the warm-up
// steps, then exponential decay reaching final_lr at the last step.
struct NoamSchedule {
  double init_lr = 1e-4, max_lr = 1e-3, final_lr = 1e-4;
  std::int64_t warmup_steps = 1, total_steps = 1;
  double lr(std::int64_t step) const;  // step = optimiser steps taken so far
};

enum class ModelType { dmpnn, cnn };
const char *model_type_name(ModelType type);  // "dmpnn", "cnn" (the metadata's "architecture")

struct TrainOptions {
  GraphOptions graph;           // the CNN uses only graph.window and graph.ntypes
  DmpnnConfig model;            // node_dim is set from graph
  ModelType model_type = ModelType::dmpnn;
  CnnConfig cnn;                // image_size is set from image.size
  RenderOptions image;          // CNN input images
  double weight_decay = 0.0;    // L2 coefficient Adam adds to the gradients (CNN default 0.01)
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

// Keeps freed memory in the process heap instead of returning it to the system after every batch
// (glibc mallopt: no mmap for large blocks, no trimming): a training step allocates and frees the
// same ~100 MB of tensors each time, and the page faults of fresh mmaps cost ~3 % of the step.
// Called by `mlglass` at start-up and by bench_train; a no-op on other C libraries.
void keep_freed_memory();

// Trains on `train` and validates on `val` (both non-empty, both classes in `val`); writes
// options.out_dir/{best.pt,last.pt,checkpoint.pt,metrics.csv}.
TrainResult train_model(const std::vector<Configuration> &train,
                        const std::vector<Configuration> &val, const TrainOptions &options);

// A random window of c (random_window_origin + cut_window), redrawn while it holds fewer than
// min_members particles (throws std::runtime_error after 20 redraws); with whole = true the whole
// configuration as one non-periodic window of side the longest box edge, origin box.lo.
Window draw_window(const Configuration &c, const WindowOptions &window, std::mt19937_64 &rng,
                   bool whole, int min_members = 0);

// `windows` random windows per configuration drawn from `seed` (the same windows for the same
// seed; configuration c draws from its own stream), or with whole = true one whole configuration.
struct WindowSample {
  Window window;
  int label = 0;
  std::size_t config = 0;  // index into the configurations
};
std::vector<WindowSample> draw_windows(const std::vector<Configuration> &configs,
                                       const WindowOptions &window, int windows,
                                       std::uint64_t seed, bool whole = false,
                                       int min_members = 0);

// One graph per window of draw_windows (windows holding more than k particles).
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
struct GraphWindowSample {
  Window window;
  Sample sample;
};
std::vector<GraphWindowSample> make_window_samples(const std::vector<Configuration> &configs,
                                                   const GraphOptions &graph, int windows,
                                                   std::uint64_t seed, bool whole = false);

// P(glass) for each sample, in batches, no gradients.
std::vector<double> predict(torch::jit::Module &model, const std::vector<Sample> &samples,
                            int batch_size = 100);

// Images [n, 3, size, size] of n window samples (render_window); augment: empty, or per sample
// the quarter turns (bits 0-1) and the mirror (bit 2) of augment_image.
torch::Tensor render_images(const std::vector<Configuration> &configs,
                            const std::vector<const WindowSample *> &samples,
                            const RenderOptions &image,
                            const std::vector<std::uint8_t> &augment = {});

// P(glass) of a CNN for each window sample, in batches, no gradients.
std::vector<double> predict_images(torch::jit::Module &model,
                                   const std::vector<Configuration> &configs,
                                   const std::vector<WindowSample> &samples,
                                   const RenderOptions &image, int batch_size = 50);

// P(glass) of a loaded model of either architecture (load_model_file: `meta` says which) for
// `windows` random windows per configuration drawn from `seed`, or whole configurations, with the
// model's window and input definitions; window_side > 0 replaces the model's window side (its
// units). labels receives each sample's label. Throws std::invalid_argument for a configuration
// the model cannot take (check_model_fits: dimension, atom types, window larger than the box).
std::vector<double> evaluate_model(torch::jit::Module &model, const ModelMetadata &meta,
                                   const std::vector<Configuration> &configs, int windows,
                                   std::uint64_t seed, bool whole, double window_side,
                                   std::vector<int> &labels);

// Metadata JSON stored in every saved model (keys in doc/model.rst; model_metadata_json of
// model_file.h with the training records).
std::string model_metadata(const TrainOptions &options, const std::vector<Configuration> &train,
                           const std::vector<Configuration> &val, double val_auc, int epoch);

}  // namespace mlglass
