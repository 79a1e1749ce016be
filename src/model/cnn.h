// The CNN baseline of Swanson et al., Soft Matter 16, 435 (2020) (doc/science.rst, "The CNN baseline"): LeNet-5
// style, on RGB images of windows (core render.h). Two valid (unpadded, stride-1) convolutions,
// each followed by ReLU and 2x2 max-pooling, then a fully connected layer with ReLU and dropout and
// one output logit (P(glass) = sigmoid; equivalent to the paper's two softmax outputs). Equations
// and shapes in doc/model.rst ("The CNN baseline").
//
// Like the D-MPNN (dmpnn.h), the model is TorchScript source compiled into a torch::jit::Module
// from C++: save_model_file/load_model_file of model_file.h write and read it with its metadata
// JSON, whose "format" is "mlglass-cnn".
#pragma once

#include <torch/script.h>

#include <cstdint>
#include <string>

#include "dmpnn.h"

namespace mlglass {

struct CnnConfig {
  int image_size = 250;    // input images are 3 x image_size x image_size
  int channels = 3;        // RGB
  int conv1 = 6;           // kernels of the first convolution
  int conv2 = 16;          // kernels of the second convolution
  int kernel = 5;          // square kernel edge of both convolutions (LeNet-5)
  int pool = 2;            // max-pool window and stride after each convolution (1: none)
  int fc = 80;             // width of the fully connected hidden layer
  double dropout = 0.5;    // after the fully connected layer
  std::uint64_t seed = 0;  // parameter initialisation

  // Edge of the feature maps entering the fully connected layer (<= 0: image too small).
  int feature_edge() const;
  // Empty if valid, else what is wrong.
  std::string validate() const;
};

// A fresh CNN, parameters drawn as torch.nn.Conv2d / Linear draw them (uniform in +-1/sqrt(fan_in))
// from a generator seeded with config.seed; the global torch RNG is left alone. Training mode.
// Throws std::invalid_argument for an invalid config.
torch::jit::Module make_cnn(const CnnConfig &config);

// The hyperparameters stored in a CNN's attributes. Throws std::runtime_error for another model.
CnnConfig cnn_config_of(const torch::jit::Module &model);

// Logits [B] of images [B, channels, image_size, image_size] (float32), through the plain
// TorchScript interpreter like run() of dmpnn.h (safe under c10::InferenceMode).
torch::Tensor run_cnn(torch::jit::Module &model, const torch::Tensor &images);

}  // namespace mlglass
