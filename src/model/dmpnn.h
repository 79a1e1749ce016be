// Directed message-passing neural network (D-MPNN; Yang et al. 2019, chemprop v1 `mpn.py`) as
// used by Swanson et al. 2020 to classify glass vs liquid windows; equations in doc/model.rst,
// background in doc/science.rst.
//
// The model is written once, as TorchScript source compiled into a torch::jit::Module built here
// from C++. The trainer optimises that module's parameters, save_model_file() (model_file.h) writes
// it with its metadata, and the LAMMPS compute runs what load_model_file() returns: training,
// export and inference execute the same code, and Python can torch.jit.load() the file without
// ML-GLASS.
#pragma once

#include <torch/script.h>

#include <cstdint>
#include <string>
#include <utility>

namespace mlglass {

struct DmpnnConfig {
  enum class Readout { mean, sum };

  int node_dim = 0;      // node feature length (e.g. 2: type one-hot)
  int edge_dim = 1;      // edge feature length (1: distance)
  int hidden = 300;      // H, size of edge and node states
  int depth = 3;         // T: h0 plus T-1 message steps
  int ffn_layers = 2;    // linear layers of the output network (>= 1; the last gives the logit)
  int ffn_hidden = 300;  // width of the hidden FFN layers
  double dropout = 0.0;
  bool attention = false;  // per-graph edge self-attention after every message step
  Readout readout = Readout::mean;
  std::uint64_t seed = 0;  // parameter initialisation

  // Empty if valid, else what is wrong.
  std::string validate() const;
};

const char *readout_name(DmpnnConfig::Readout readout);

// Name of the extra file inside a saved model that holds its metadata (JSON).
inline constexpr const char *kMetadataFile = "mlglass_metadata.json";

// A fresh model, parameters drawn as torch.nn.Linear draws them (uniform in +-1/sqrt(fan_in))
// from a generator seeded with config.seed; the global torch RNG is left alone. Parameters
// require gradients; the module starts in training mode. Throws std::invalid_argument for an
// invalid config.
torch::jit::Module make_dmpnn(const DmpnnConfig &config);

// The hyperparameters stored in a model's attributes (a model from make_dmpnn or load_model).
DmpnnConfig config_of(const torch::jit::Module &model);

// TorchScript source of the model for a config (what make_dmpnn compiles).
std::string dmpnn_source(const DmpnnConfig &config);

// The archive layer under model_file.h (use save_model_file/load_model_file there, which also
// validate the metadata): writes the model and `metadata_json` (stored verbatim as kMetadataFile)
// to path.tmp, then renames it to path, so a kill during the write never leaves a truncated model
// behind.
void save_model(const torch::jit::Module &model, const std::string &path,
                const std::string &metadata_json);

// The model and its metadata. Throws std::runtime_error if the file is missing, is not a
// TorchScript archive, or holds no ML-GLASS metadata. The model comes back in eval mode.
std::pair<torch::jit::Module, std::string> load_model(const std::string &path,
                                                      torch::Device device = torch::kCPU);

// One batch of disjoint graphs, in the model's input layout. Directed edge b runs src[b] -> dst[b]
// and rev[b] is the edge dst[b] -> src[b]; node_graph[v] in [0, n_graphs) numbers the graph of v.
struct BatchTensors {
  torch::Tensor x;           // [N, node_dim] float32
  torch::Tensor e;           // [E, edge_dim] float32
  torch::Tensor src, dst;    // [E] int64
  torch::Tensor rev;         // [E] int64
  torch::Tensor node_graph;  // [N] int64
  std::int64_t n_graphs = 0;

  BatchTensors() = default;
  // Views of caller-owned arrays (torch::from_blob, no copy): they must outlive this object and
  // any tensors taken from it. The model never writes into its inputs.
  // The arrays live on `device` (the host by default; a CUDA device for device memory).
  BatchTensors(std::int64_t n_graphs, std::int64_t n_nodes, std::int64_t n_edges, int node_dim,
               int edge_dim, const float *x, const float *e, const std::int64_t *src,
               const std::int64_t *dst, const std::int64_t *rev, const std::int64_t *node_graph,
               torch::Device device = torch::kCPU);

  // Views of any batch with the fields of the core GraphBatch (n_graphs, n_nodes, n_edges,
  // node_dim, edge_dim, vectors x, e, src, dst, rev, node_graph).
  template <class Batch>
  static BatchTensors view(const Batch &b) {
    return BatchTensors(b.n_graphs, b.n_nodes, b.n_edges, b.node_dim, b.edge_dim, b.x.data(),
                        b.e.data(), b.src.data(), b.dst.data(), b.rev.data(), b.node_graph.data());
  }

  // Copies on `device` (and in `dtype` for x and e, e.g. double for gradient checks).
  BatchTensors to(torch::Device device, torch::ScalarType dtype = torch::kFloat) const;
};

// Logits [n_graphs] (P(glass) = sigmoid(logit)). Gradients flow to the parameters unless the
// caller holds a c10::InferenceMode (fastest) or torch::NoGradGuard; dropout is active in
// training mode. Call the model through run(), not model.forward(): run() selects the plain
// TorchScript interpreter (faster here, and the optimising executor breaks InferenceMode).
torch::Tensor run(torch::jit::Module &model, const BatchTensors &batch);

// Logits and the attention weights of the last message step ([E], summing to 1 over the edges of
// each graph). Throws std::runtime_error for a model without attention.
std::pair<torch::Tensor, torch::Tensor> run_attention(torch::jit::Module &model,
                                                      const BatchTensors &batch);

}  // namespace mlglass
