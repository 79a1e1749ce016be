// The CNN side of the trainer: rendered images of the same random windows the D-MPNN sees, with
// the random rotation/mirror augmentation of the paper; and model evaluation for both
// architectures (mlglass eval).
#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>

#include "classification.h"
#include "learner.h"

namespace mlglass {

torch::Tensor render_images(const std::vector<Configuration> &configs,
                            const std::vector<const WindowSample *> &samples,
                            const RenderOptions &image, const std::vector<std::uint8_t> &augment) {
  if (!augment.empty() && augment.size() != samples.size())
    throw std::invalid_argument("render_images: one augmentation code per sample");
  const int S = image.size;
  const std::size_t plane = 3 * std::size_t(S) * S;
  torch::Tensor t = torch::empty({std::int64_t(samples.size()), 3, S, S}, torch::kFloat);
  float *out = t.data_ptr<float>();
  std::vector<float> scratch;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const WindowSample &s = *samples[i];
    const int *types = configs.at(s.config).type.data();
    const std::uint8_t code = augment.empty() ? 0 : augment[i];
    if (code == 0) {
      render_window(s.window, types, image, out + i * plane);
    } else {
      scratch.resize(plane);
      render_window(s.window, types, image, scratch.data());
      augment_image(scratch.data(), out + i * plane, 3, S, code & 3, (code & 4) != 0);
    }
  }
  return t;
}

std::vector<double> predict_images(torch::jit::Module &model,
                                   const std::vector<Configuration> &configs,
                                   const std::vector<WindowSample> &samples,
                                   const RenderOptions &image, int batch_size) {
  c10::InferenceMode inference;
  model.eval();
  std::vector<double> p;
  p.reserve(samples.size());
  for (std::size_t a = 0; a < samples.size(); a += batch_size) {
    std::vector<const WindowSample *> chunk;
    for (std::size_t i = a; i < std::min(samples.size(), a + batch_size); ++i)
      chunk.push_back(&samples[i]);
    const torch::Tensor prob = torch::sigmoid(run_cnn(model, render_images(configs, chunk, image)));
    const float *q = prob.data_ptr<float>();
    p.insert(p.end(), q, q + prob.size(0));
  }
  return p;
}

namespace {

constexpr std::uint64_t kAugment = 4;  // stream purpose (trainer.cpp uses 0-3)

void check_images(const std::vector<Configuration> &configs, const RenderOptions &image,
                  int ntypes) {
  if (const std::string why = validate(image, ntypes); !why.empty())
    throw std::invalid_argument("CNN images: " + why);
  for (const auto &c : configs)
    if (c.box.dim != 2)
      throw std::invalid_argument(c.source + ": the CNN takes 2D configurations only");
}

class CnnLearner : public detail::Learner {
 public:
  CnnLearner(const std::vector<Configuration> &train, const std::vector<Configuration> &val,
             const TrainOptions &o, std::uint64_t val_seed)
      : train_(train), val_(val), window_(o.graph.window), image_(o.image) {
    check_images(train, o.image, o.graph.ntypes);
    check_images(val, o.image, o.graph.ntypes);
    CnnConfig c = o.cnn;
    c.image_size = o.image.size;
    model = make_cnn(c);
    val_samples_ = draw_windows(val, window_, o.val_windows, val_seed);
    for (const auto &s : val_samples_) val_labels.push_back(s.label);
  }
  void draw_epoch(std::uint64_t seed) override {
    samples_ = draw_windows(train_, window_, 1, seed);
    augment_.resize(samples_.size());
    for (std::size_t i = 0; i < samples_.size(); ++i)
      augment_[i] = std::uint8_t(detail::mix(seed, kAugment, i) & 7);  // 4 turns x mirror
  }
  torch::Tensor logits(const std::vector<std::size_t> &items) override {
    std::vector<const WindowSample *> chunk;
    std::vector<std::uint8_t> codes;
    for (std::size_t i : items) {
      chunk.push_back(&samples_[i]);
      codes.push_back(augment_[i]);
    }
    return run_cnn(model, render_images(train_, chunk, image_, codes));
  }
  std::vector<double> validate() override {
    return predict_images(model, val_, val_samples_, image_);
  }

 private:
  const std::vector<Configuration> &train_, &val_;
  WindowOptions window_;
  RenderOptions image_;
  std::vector<WindowSample> samples_, val_samples_;
  std::vector<std::uint8_t> augment_;
};

}  // namespace

std::unique_ptr<detail::Learner> detail::make_cnn_learner(const std::vector<Configuration> &train,
                                                          const std::vector<Configuration> &val,
                                                          const TrainOptions &o,
                                                          std::uint64_t val_seed) {
  return std::make_unique<CnnLearner>(train, val, o, val_seed);
}

std::vector<double> evaluate_model(torch::jit::Module &model, const ModelMetadata &meta,
                                   const std::vector<Configuration> &configs, int windows,
                                   std::uint64_t seed, bool whole, double window_side,
                                   std::vector<int> &labels) {
  WindowOptions w = meta.graph.window;
  if (window_side > 0) w.side = window_side;
  ModelMetadata fit = meta;  // the window these samples use (none for whole configurations)
  fit.graph.window = w;
  for (const auto &c : configs) {
    const int ntypes = c.type.empty() ? 0 : *std::max_element(c.type.begin(), c.type.end());
    try {
      check_model_fits(fit, c.box, ntypes, !whole);
    } catch (const std::invalid_argument &e) {
      throw std::invalid_argument(c.source + ": " + e.what());
    }
  }
  labels.clear();
  if (meta.architecture == ModelArchitecture::cnn) {
    check_images(configs, meta.image, meta.graph.ntypes);
    const auto samples = draw_windows(configs, w, windows, seed, whole);
    for (const auto &s : samples) labels.push_back(s.label);
    return predict_images(model, configs, samples, meta.image);
  }
  GraphOptions g = meta.graph;
  g.window = w;
  const auto samples = make_samples(configs, g, windows, seed, whole);
  for (const auto &s : samples) labels.push_back(s.label);
  return predict(model, samples);
}

}  // namespace mlglass
