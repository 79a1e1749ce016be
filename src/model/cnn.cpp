#include "cnn.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/jit/runtime/graph_executor.h>

#include <cmath>
#include <stdexcept>

namespace mlglass {

namespace {

constexpr const char *kSource = R"JIT(
def forward(self, images: Tensor) -> Tensor:
    if images.dim() != 4 or images.size(1) != self.channels or images.size(2) != self.image_size \
            or images.size(3) != self.image_size:
        raise AssertionError("CNN: the model takes images [B, {}, {}, {}]".format(
            self.channels, self.image_size, self.image_size))
    x = torch.relu(torch.conv2d(images, self.conv1_w, self.conv1_b))
    if self.pool > 1:
        x = torch.max_pool2d(x, [self.pool, self.pool])
    x = torch.relu(torch.conv2d(x, self.conv2_w, self.conv2_b))
    if self.pool > 1:
        x = torch.max_pool2d(x, [self.pool, self.pool])
    x = torch.flatten(x, 1)
    x = torch.dropout(torch.relu(torch.addmm(self.fc_b, x, self.fc_w.t())), self.dropout,
                      self.training)
    return torch.addmm(self.out_b, x, self.out_w.t()).squeeze(1)
)JIT";

}  // namespace

int CnnConfig::feature_edge() const {
  int e = image_size;
  for (int layer = 0; layer < 2; ++layer) {
    e = e - kernel + 1;
    if (e < 1) return 0;
    e /= std::max(pool, 1);
  }
  return e;
}

std::string CnnConfig::validate() const {
  if (channels < 1) return "channels must be >= 1";
  if (conv1 < 1 || conv2 < 1) return "convolution kernels must be >= 1";
  if (kernel < 1) return "kernel size must be >= 1";
  if (pool < 1) return "pool size must be >= 1";
  if (fc < 1) return "fully connected width must be >= 1";
  if (!(dropout >= 0.0 && dropout < 1.0)) return "dropout must be in [0, 1)";
  if (image_size < 1 || feature_edge() < 1)
    return "image size " + std::to_string(image_size) + " is too small for two " +
           std::to_string(kernel) + "x" + std::to_string(kernel) + " convolutions with " +
           std::to_string(pool) + "x" + std::to_string(pool) +
           " pooling (need >= " + std::to_string((kernel - 1 + pool) * pool + kernel - 1) + ")";
  return "";
}

torch::jit::Module make_cnn(const CnnConfig &c) {
  if (const std::string why = c.validate(); !why.empty())
    throw std::invalid_argument("CNN config: " + why);
  torch::jit::Module m(c10::QualifiedName("__torch__.mlglass.CNN"));
  m.register_attribute("training", c10::BoolType::get(), true);
  m.register_attribute("image_size", c10::IntType::get(), c.image_size);
  m.register_attribute("channels", c10::IntType::get(), c.channels);
  m.register_attribute("conv1", c10::IntType::get(), c.conv1);
  m.register_attribute("conv2", c10::IntType::get(), c.conv2);
  m.register_attribute("kernel", c10::IntType::get(), c.kernel);
  m.register_attribute("pool", c10::IntType::get(), c.pool);
  m.register_attribute("fc", c10::IntType::get(), c.fc);
  m.register_attribute("dropout", c10::FloatType::get(), c.dropout);
  m.register_attribute("seed", c10::IntType::get(), static_cast<std::int64_t>(c.seed));

  // torch.nn.Conv2d / Linear defaults: weight and bias uniform in +-1/sqrt(fan_in).
  at::Generator gen = at::detail::createCPUGenerator(c.seed);
  auto param = [&](const char *name, std::vector<std::int64_t> shape, std::int64_t fan_in) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    m.register_parameter(
        name, torch::empty(shape, torch::kFloat).uniform_(-bound, bound, gen).requires_grad_(true),
        /*is_buffer=*/false);
  };
  const std::int64_t k = c.kernel, f = c.feature_edge();
  param("conv1_w", {c.conv1, c.channels, k, k}, c.channels * k * k);
  param("conv1_b", {c.conv1}, c.channels * k * k);
  param("conv2_w", {c.conv2, c.conv1, k, k}, c.conv1 * k * k);
  param("conv2_b", {c.conv2}, c.conv1 * k * k);
  param("fc_w", {c.fc, c.conv2 * f * f}, c.conv2 * f * f);
  param("fc_b", {c.fc}, c.conv2 * f * f);
  param("out_w", {1, c.fc}, c.fc);
  param("out_b", {1}, c.fc);
  m.define(kSource);
  return m;
}

CnnConfig cnn_config_of(const torch::jit::Module &m) {
  for (const char *name :
       {"image_size", "channels", "conv1", "conv2", "kernel", "pool", "fc", "dropout", "seed"})
    if (!m.hasattr(name))
      throw std::runtime_error(std::string("not an ML-GLASS CNN: no attribute '") + name + "'");
  CnnConfig c;
  c.image_size = static_cast<int>(m.attr("image_size").toInt());
  c.channels = static_cast<int>(m.attr("channels").toInt());
  c.conv1 = static_cast<int>(m.attr("conv1").toInt());
  c.conv2 = static_cast<int>(m.attr("conv2").toInt());
  c.kernel = static_cast<int>(m.attr("kernel").toInt());
  c.pool = static_cast<int>(m.attr("pool").toInt());
  c.fc = static_cast<int>(m.attr("fc").toInt());
  c.dropout = m.attr("dropout").toDouble();
  c.seed = static_cast<std::uint64_t>(m.attr("seed").toInt());
  return c;
}

torch::Tensor run_cnn(torch::jit::Module &model, const torch::Tensor &images) {
  torch::jit::GraphOptimizerEnabledGuard interpreter_only(false);
  return model.forward({images}).toTensor();
}

}  // namespace mlglass
