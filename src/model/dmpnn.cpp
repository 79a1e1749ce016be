#include "dmpnn.h"

#include "atomic_file.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/jit/runtime/graph_executor.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mlglass {

namespace {

// The whole model. Edge b runs src[b] -> dst[b]; `incoming[v]` sums the states of the edges
// entering v, so incoming[src[b]] - h[rev[b]] is chemprop's a_message[b2a] - message[b2revb].
// @ATTENTION_*@ and @FFN@ are filled by dmpnn_source(): the class holds only the parameters its
// config uses, and TorchScript cannot loop over a variable number of attributes.
constexpr const char *kSource = R"JIT(
def encode(self, x: Tensor, e: Tensor, src: Tensor, dst: Tensor, rev: Tensor, node_graph: Tensor,
           n_graphs: int) -> Tuple[Tensor, Tensor]:
    if x.size(1) != self.node_dim or e.size(1) != self.edge_dim:
        raise AssertionError("D-MPNN: node/edge features of length {}/{}, the model takes {}/{}"
                             .format(x.size(1), e.size(1), self.node_dim, self.edge_dim))
    n = x.size(0)
    h0 = torch.relu_(torch.mm(torch.cat([x.index_select(0, src), e], 1), self.W_i.t()))
    h = h0
    alpha = torch.ones_like(h0[:, 0])
    W_h_neg = self.W_h.neg().t()
@ATTENTION_SETUP@
    for _ in range(self.depth - 1):
        # h = relu(h0 + m W_h^T) with m = incoming[src] - h[rev], evaluated as
        # h0 + (-m)(-W_h)^T: negation is exact, so this is the same sum of the same products.
        # -m = (-incoming)[src] + h[rev]; rev is an involution (the reverse of the reverse edge
        # is the edge), so adding h[rev[b]] to row b is index_add_ of row b of h into row rev[b].
        # This saves whole passes over the E x H edge states, forward and backward.
        neg_incoming = h.new_zeros([n, h.size(1)]).index_add(0, dst, h).neg()
        neg_m = neg_incoming.index_select(0, src).index_add_(0, rev, h)
        h = torch.dropout(torch.relu_(torch.addmm(h0, neg_m, W_h_neg)), self.dropout,
                          self.training)
@ATTENTION_STEP@
    incoming = h.new_zeros([n, h.size(1)]).index_add(0, dst, h)
    hv = torch.relu_(torch.addmm(self.b_o, torch.cat([x, incoming], 1), self.W_o.t()))
    hv = torch.dropout(hv, self.dropout, self.training)
    z = hv.new_zeros([n_graphs, hv.size(1)]).index_add(0, node_graph, hv)
    if self.readout == "mean":
        count = hv.new_zeros([n_graphs]).index_add(0, node_graph, hv.new_ones([n]))
        z = z / count.clamp(min=1.0).unsqueeze(1)
@FFN@
    return z.squeeze(1), alpha

def edge_softmax(self, s: Tensor, edge_graph: Tensor, n_graphs: int) -> Tensor:
    # softmax over the edges of each graph; the per-graph max only guards exp() from overflow
    smax = s.new_zeros([n_graphs]).scatter_reduce(0, edge_graph, s.detach(), "amax",
                                                  include_self=False)
    w = torch.exp(s - smax.index_select(0, edge_graph))
    return w / w.new_zeros([n_graphs]).index_add(0, edge_graph, w).index_select(0, edge_graph)

def forward(self, x: Tensor, e: Tensor, src: Tensor, dst: Tensor, rev: Tensor,
            node_graph: Tensor, n_graphs: int) -> Tensor:
    return self.encode(x, e, src, dst, rev, node_graph, n_graphs)[0]

def forward_attention(self, x: Tensor, e: Tensor, src: Tensor, dst: Tensor, rev: Tensor,
                      node_graph: Tensor, n_graphs: int) -> Tuple[Tensor, Tensor]:
@ATTENTION_CHECK@
    return self.encode(x, e, src, dst, rev, node_graph, n_graphs)
)JIT";

constexpr const char *kAttentionSetup = "    edge_graph = node_graph.index_select(0, src)\n";
constexpr const char *kAttentionStep =
    "        s = torch.mm(torch.relu_(torch.mm(h, self.W_a.t())), self.V_a.t()).squeeze(1)\n"
    "        alpha = self.edge_softmax(s, edge_graph, n_graphs)\n"
    "        h = h * alpha.unsqueeze(1)\n";
constexpr const char *kNoAttentionCheck =
    "    if not self.attention:\n"
    "        raise AssertionError(\"D-MPNN: this model was built without attention\")\n";

void replace(std::string &s, const std::string &marker, const std::string &text) {
  const auto at = s.find(marker);
  if (at == std::string::npos) throw std::logic_error("dmpnn_source: no marker " + marker);
  s.replace(at, marker.size() + 1, text);  // with the marker's newline
}

// torch.nn.Linear's default draw: kaiming_uniform(a=sqrt(5)) for the weight and the bias
// bound both reduce to uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)).
torch::Tensor uniform(at::Generator &gen, std::vector<std::int64_t> shape, std::int64_t fan_in) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  return torch::empty(shape, torch::kFloat).uniform_(-bound, bound, gen).requires_grad_(true);
}

// scatter_reduce (the per-graph max in edge_softmax) warns once per process that it is "in
// beta", through glog on stderr. Spend that one warning here, unseen, so it never lands in a
// trainer's or LAMMPS' output. (The 1.13 handler is process-wide; this runs once.)
void spend_scatter_reduce_warning() {
  static const bool spent = [] {
    struct Quiet : c10::WarningHandler {
      void process(const c10::SourceLocation &, const std::string &, bool) override {}
    } quiet;
    c10::Warning::WarningHandlerGuard guard(&quiet);
    torch::zeros({1}).scatter_reduce(0, torch::zeros({1}, torch::kLong), torch::zeros({1}), "amax",
                                     /*include_self=*/false);
    return true;
  }();
  (void)spent;
}

}  // namespace

const char *readout_name(DmpnnConfig::Readout readout) {
  return readout == DmpnnConfig::Readout::sum ? "sum" : "mean";
}

std::string DmpnnConfig::validate() const {
  if (node_dim < 1) return "node_dim must be >= 1";
  if (edge_dim < 0) return "edge_dim must be >= 0";
  if (hidden < 1) return "hidden must be >= 1";
  if (depth < 1) return "depth must be >= 1";
  if (ffn_layers < 1) return "ffn_layers must be >= 1";
  if (ffn_hidden < 1) return "ffn_hidden must be >= 1";
  if (!(dropout >= 0.0 && dropout < 1.0)) return "dropout must be in [0, 1)";
  if (attention && depth < 2) return "attention needs depth >= 2 (it follows each message step)";
  return "";
}

std::string dmpnn_source(const DmpnnConfig &c) {
  std::string src = kSource;
  replace(src, "@ATTENTION_SETUP@", c.attention ? kAttentionSetup : "");
  replace(src, "@ATTENTION_STEP@", c.attention ? kAttentionStep : "");
  replace(src, "@ATTENTION_CHECK@", c.attention ? "" : kNoAttentionCheck);
  std::string ffn;
  for (int l = 0; l < c.ffn_layers; l++) {
    const std::string i = std::to_string(l);
    if (l > 0) ffn += "    z = torch.dropout(torch.relu(z), self.dropout, self.training)\n";
    ffn += "    z = torch.addmm(self.ffn_b" + i + ", z, self.ffn_W" + i + ".t())\n";
  }
  replace(src, "@FFN@", ffn);
  return src;
}

torch::jit::Module make_dmpnn(const DmpnnConfig &c) {
  if (const std::string why = c.validate(); !why.empty())
    throw std::invalid_argument("D-MPNN config: " + why);
  torch::jit::Module m(c10::QualifiedName("__torch__.mlglass.DMPNN"));
  m.register_attribute("training", c10::BoolType::get(), true);
  m.register_attribute("node_dim", c10::IntType::get(), c.node_dim);
  m.register_attribute("edge_dim", c10::IntType::get(), c.edge_dim);
  m.register_attribute("hidden", c10::IntType::get(), c.hidden);
  m.register_attribute("depth", c10::IntType::get(), c.depth);
  m.register_attribute("ffn_layers", c10::IntType::get(), c.ffn_layers);
  m.register_attribute("ffn_hidden", c10::IntType::get(), c.ffn_hidden);
  m.register_attribute("dropout", c10::FloatType::get(), c.dropout);
  m.register_attribute("attention", c10::BoolType::get(), c.attention);
  m.register_attribute("readout", c10::StringType::get(), std::string(readout_name(c.readout)));
  m.register_attribute("seed", c10::IntType::get(), static_cast<std::int64_t>(c.seed));

  // Registration order is the draw order and the order of m.parameters().
  at::Generator gen = at::detail::createCPUGenerator(c.seed);
  const std::int64_t H = c.hidden;
  auto param = [&](const char *name, std::vector<std::int64_t> shape, std::int64_t fan_in) {
    m.register_parameter(name, uniform(gen, std::move(shape), fan_in), /*is_buffer=*/false);
  };
  param("W_i", {H, c.node_dim + c.edge_dim}, c.node_dim + c.edge_dim);
  param("W_h", {H, H}, H);
  param("W_o", {H, c.node_dim + H}, c.node_dim + H);
  param("b_o", {H}, c.node_dim + H);
  if (c.attention) {
    param("W_a", {H, H}, H);
    param("V_a", {1, H}, H);
  }
  for (int l = 0; l < c.ffn_layers; l++) {
    const std::int64_t in = l == 0 ? H : c.ffn_hidden;
    const std::int64_t out = l == c.ffn_layers - 1 ? 1 : c.ffn_hidden;
    const std::string i = std::to_string(l);
    param(("ffn_W" + i).c_str(), {out, in}, in);
    param(("ffn_b" + i).c_str(), {out}, in);
  }
  m.define(dmpnn_source(c));
  if (c.attention) spend_scatter_reduce_warning();
  return m;
}

DmpnnConfig config_of(const torch::jit::Module &m) {
  for (const char *name : {"node_dim", "edge_dim", "hidden", "depth", "ffn_layers", "ffn_hidden",
                           "dropout", "attention", "readout", "seed"}) {
    if (!m.hasattr(name))
      throw std::runtime_error(std::string("not an ML-GLASS D-MPNN: no attribute '") + name + "'");
  }
  DmpnnConfig c;
  c.node_dim = static_cast<int>(m.attr("node_dim").toInt());
  c.edge_dim = static_cast<int>(m.attr("edge_dim").toInt());
  c.hidden = static_cast<int>(m.attr("hidden").toInt());
  c.depth = static_cast<int>(m.attr("depth").toInt());
  c.ffn_layers = static_cast<int>(m.attr("ffn_layers").toInt());
  c.ffn_hidden = static_cast<int>(m.attr("ffn_hidden").toInt());
  c.dropout = m.attr("dropout").toDouble();
  c.attention = m.attr("attention").toBool();
  c.readout = m.attr("readout").toStringRef() == "sum" ? DmpnnConfig::Readout::sum
                                                       : DmpnnConfig::Readout::mean;
  c.seed = static_cast<std::uint64_t>(m.attr("seed").toInt());
  return c;
}

void save_model(const torch::jit::Module &model, const std::string &path,
                const std::string &metadata_json) {
  // serialized in memory, written by the checked atomic writer: LibTorch's own file writer aborts
  // the process when a write fails (atomic_file.h)
  std::ostringstream bytes;
  try {
    model.save(bytes, {{kMetadataFile, metadata_json}});
  } catch (const c10::Error &err) {
    throw std::runtime_error("cannot write model " + path + ": " + err.what_without_backtrace());
  }
  write_bytes_atomically(path, bytes.str());
}

std::pair<torch::jit::Module, std::string> load_model(const std::string &path,
                                                      torch::Device device) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw std::runtime_error("model file " + path + " does not exist or is not a regular file");
  // TorchScript archives are zip files: tell a wrong file from a model that fails to load
  // (e.g. on a device this LibTorch lacks).
  char magic[4] = {};
  std::ifstream(path, std::ios::binary).read(magic, sizeof magic);
  if (std::string(magic, sizeof magic) != std::string("PK\x03\x04", 4))
    throw std::runtime_error(path + " is not a TorchScript model file (not a zip archive)");
  torch::jit::ExtraFilesMap extra{{kMetadataFile, ""}};
  torch::jit::Module m;
  try {
    m = torch::jit::load(path, device, extra);
  } catch (const c10::Error &err) {
    throw std::runtime_error("cannot load TorchScript model " + path + ": " +
                             err.what_without_backtrace());
  } catch (const std::exception &err) {  // a damaged archive can fail outside c10 (e.g. bad_alloc)
    throw std::runtime_error("cannot load TorchScript model " + path + ": " + err.what());
  }
  std::string metadata = extra[kMetadataFile];
  if (metadata.empty())
    throw std::runtime_error(path + " is not an ML-GLASS model (a TorchScript file without " +
                             kMetadataFile + ")");
  m.eval();
  if (m.hasattr("attention") && m.attr("attention").toBool()) spend_scatter_reduce_warning();
  return {std::move(m), std::move(metadata)};
}

BatchTensors::BatchTensors(std::int64_t n_graphs, std::int64_t n_nodes, std::int64_t n_edges,
                           int node_dim, int edge_dim, const float *x, const float *e,
                           const std::int64_t *src, const std::int64_t *dst,
                           const std::int64_t *rev, const std::int64_t *node_graph,
                           torch::Device device)
    : n_graphs(n_graphs) {
  // from_blob wants void*; the model only reads its inputs. An empty std::vector may hand us
  // nullptr, which from_blob accepts only for zero elements -- exactly that case.
  auto view = [device](const void *p, std::vector<std::int64_t> shape, torch::ScalarType t) {
    return torch::from_blob(const_cast<void *>(p), shape,
                            torch::TensorOptions().dtype(t).device(device));
  };
  this->x = view(x, {n_nodes, node_dim}, torch::kFloat);
  this->e = view(e, {n_edges, edge_dim}, torch::kFloat);
  this->src = view(src, {n_edges}, torch::kLong);
  this->dst = view(dst, {n_edges}, torch::kLong);
  this->rev = view(rev, {n_edges}, torch::kLong);
  this->node_graph = view(node_graph, {n_nodes}, torch::kLong);
}

BatchTensors BatchTensors::to(torch::Device device, torch::ScalarType dtype) const {
  BatchTensors b;
  b.x = x.to(device, dtype);
  b.e = e.to(device, dtype);
  b.src = src.to(device);
  b.dst = dst.to(device);
  b.rev = rev.to(device);
  b.node_graph = node_graph.to(device);
  b.n_graphs = n_graphs;
  return b;
}

namespace {
std::vector<torch::jit::IValue> inputs(const BatchTensors &b) {
  return {b.x, b.e, b.src, b.dst, b.rev, b.node_graph, b.n_graphs};
}
}  // namespace

// The model runs in the plain TorchScript interpreter with eager autograd, not the profiling
// executor: the latter re-specialises on every new batch shape, its symbolic autodiff trained
// this model ~1.5x slower here, and its differentiable graphs fail under c10::InferenceMode
// ("Inference tensors cannot be saved for backward"). The switch is thread-local.
torch::Tensor run(torch::jit::Module &model, const BatchTensors &batch) {
  torch::jit::GraphOptimizerEnabledGuard interpreter_only(false);
  return model.forward(inputs(batch)).toTensor();
}

std::pair<torch::Tensor, torch::Tensor> run_attention(torch::jit::Module &model,
                                                      const BatchTensors &batch) {
  if (!model.attr("attention", false).toBool())
    throw std::runtime_error("this D-MPNN was built without attention: no attention weights");
  torch::jit::GraphOptimizerEnabledGuard interpreter_only(false);
  auto out = model.get_method("forward_attention")(inputs(batch)).toTuple();
  return {out->elements()[0].toTensor(), out->elements()[1].toTensor()};
}

}  // namespace mlglass
