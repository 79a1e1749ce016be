// Inside the trainer: what train_model's loop needs of a model family. trainer.cpp implements it
// for the D-MPNN (graphs), cnn_learner.cpp for the CNN (images); the loop, the Noam schedule, the
// checkpoints and the metrics are shared.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "trainer.h"

namespace mlglass::detail {

// Seeds of independent streams: (seed, purpose, index) -> 64 bits (splitmix64 finaliser).
inline std::uint64_t mix(std::uint64_t seed, std::uint64_t purpose, std::uint64_t index) {
  std::uint64_t z = seed ^ (purpose * 0x9E3779B97F4A7C15ULL) ^ (index * 0xBF58476D1CE4E5B9ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Learner {
 public:
  torch::jit::Module model;     // fresh, parameters from the options' seed
  std::vector<int> val_labels;  // of the fixed validation windows
  virtual ~Learner() = default;
  // The epoch's inputs: one random window per training configuration, drawn from `seed`.
  virtual void draw_epoch(std::uint64_t seed) = 0;
  // Logits of the drawn inputs of training configurations `items`, in training mode.
  virtual torch::Tensor logits(const std::vector<std::size_t> &items) = 0;
  // P(glass) of the fixed validation windows.
  virtual std::vector<double> validate() = 0;
};

// Validation windows are drawn from val_seed (the same in every epoch).
std::unique_ptr<Learner> make_cnn_learner(const std::vector<Configuration> &train,
                                          const std::vector<Configuration> &val,
                                          const TrainOptions &options, std::uint64_t val_seed);

}  // namespace mlglass::detail
