#include "glass_classifier.h"

#include "block_cache.h"
#include "dmpnn.h"
#include "number_text.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mlglass {

struct GlassClassifier::Impl {
  torch::jit::Module model;
  torch::Device device{torch::kCPU};
  GraphBatch batch;  // reused between calls
};

namespace {

torch::Device parse_device(const std::string &name) {
  if (name == "cpu") return torch::kCPU;
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available())
      throw std::runtime_error("device " + name + " requested, but this LibTorch sees no CUDA device");
    try {
      return torch::Device(name);
    } catch (const c10::Error &) {
      throw std::runtime_error("bad device name '" + name + "' (cpu, cuda or cuda:N)");
    }
  }
  throw std::runtime_error("bad device name '" + name + "' (cpu, cuda or cuda:N)");
}

}  // namespace

GlassClassifier::GlassClassifier(const std::string &path, const std::string &device)
    : impl_(std::make_unique<Impl>()) {
  use_block_cache();  // see block_cache.h: inference speed must not depend on the heap's history
  impl_->device = parse_device(device);
  torch::jit::Module model;
  info_ = load_model_file(path, model);
  if (info_.architecture != ModelArchitecture::dmpnn)
    throw std::runtime_error(path + ": a " + architecture_name(info_.architecture) +
                             " model: only D-MPNN models (format mlglass-dmpnn) can be run here");
  if (impl_->device != torch::kCPU) model.to(impl_->device);
  impl_->model = std::move(model);
}

GlassClassifier::~GlassClassifier() = default;

void GlassClassifier::set_threads(int n) { at::set_num_threads(n); }

int GlassClassifier::cuda_device_count() {
  return torch::cuda::is_available() ? int(torch::cuda::device_count()) : 0;
}

std::string GlassClassifier::device() const { return impl_->device.str(); }

std::vector<double> GlassClassifier::classify(const std::vector<const Graph *> &graphs,
                                              std::vector<double> *node_attention) {
  batch_into(graphs, {}, impl_->batch);
  const GraphBatch &b = impl_->batch;
  GraphArrays a;
  a.n_graphs = b.n_graphs;
  a.n_nodes = b.n_nodes;
  a.n_edges = b.n_edges;
  a.node_dim = b.node_dim;
  a.edge_dim = b.edge_dim;
  a.x = b.x.data();
  a.e = b.e.data();
  a.src = b.src.data();
  a.dst = b.dst.data();
  a.rev = b.rev.data();
  a.node_graph = b.node_graph.data();
  return classify(a, node_attention);
}

std::vector<double> GlassClassifier::classify(const GraphArrays &b,
                                              std::vector<double> *node_attention) {
  if (b.n_graphs == 0) {
    if (node_attention) node_attention->clear();
    return {};
  }
  if (node_attention && !info_.attention)
    throw std::runtime_error(info_.path + ": model without attention: no attention weights");
  c10::InferenceMode inference;
  const torch::Device where =
      b.cuda_device < 0 ? torch::Device(torch::kCPU)
                        : torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(b.cuda_device));
  BatchTensors input(b.n_graphs, b.n_nodes, b.n_edges, b.node_dim, b.edge_dim, b.x, b.e, b.src,
                     b.dst, b.rev, b.node_graph, where);
  if (impl_->device != where) input = input.to(impl_->device);
  torch::Tensor logits;
  if (node_attention) {
    auto [z, alpha] = run_attention(impl_->model, input);
    logits = z;
    const torch::Tensor per_node = torch::zeros({b.n_nodes}, alpha.options())
                                       .index_add(0, input.dst, alpha)
                                       .to(torch::kCPU, torch::kDouble)
                                       .contiguous();
    node_attention->assign(per_node.data_ptr<double>(), per_node.data_ptr<double>() + b.n_nodes);
  } else {
    logits = run(impl_->model, input);
  }
  const torch::Tensor p = torch::sigmoid(logits).to(torch::kCPU, torch::kDouble).contiguous();
  return std::vector<double>(p.data_ptr<double>(), p.data_ptr<double>() + p.size(0));
}

void check_tiling_box(const PeriodicBox &box) {
  for (int a = 0; a < box.dim; ++a)
    if (!box.periodic[a])
      throw std::invalid_argument(
          std::string("the box is not periodic along ") + "xyz"[a] +
          ": windows would run into its walls, and the model (trained on periodic bulk "
          "configurations) never saw a surface; tile only boxes periodic along x and y" +
          (box.dim == 3 ? " and z" : ""));
}

double tile_side(const ModelMetadata &info, const PeriodicBox &box, const TileOptions &opts) {
  WindowOptions w = info.graph.window;
  if (opts.window > 0.0) w.side = opts.window;
  return window_side(box, w);
}

TileGrid tile_grid(const ModelMetadata &info, const PeriodicBox &box, const TileOptions &opts) {
  check_tiling_box(box);
  const double side = tile_side(info, box, opts);
  // a stride in box fractions is a fraction of the (square) box edge, like the window
  const double stride = opts.stride <= 0.0 ? side
                        : info.graph.window.side_is_fraction ? opts.stride * box.length[0]
                                                             : opts.stride;
  return TileGrid(box, side, stride);
}

namespace {

// "window 3 (side 12 at 24, 0"
std::string window_text(const TileGrid &grid, const PeriodicBox &box, std::int64_t w) {
  const auto o = grid.origin(w);
  std::string at = std::to_string(o[0]) + ", " + std::to_string(o[1]);
  if (box.dim == 3) at += ", " + std::to_string(o[2]);
  return "window " + std::to_string(w + 1) + " (side " + std::to_string(grid.side()) + " at " + at;
}

}  // namespace

void check_window_size(const TileGrid &grid, const PeriodicBox &box, std::int64_t w,
                       std::size_t size, int k) {
  if (size <= std::size_t(k))
    throw SparseWindowError(window_text(grid, box, w) + ") holds " + std::to_string(size) +
                            " particles, not more than k = " + std::to_string(k));
}

double checked_p(const GlassClassifier &classifier, const TileGrid &grid, const PeriodicBox &box,
                 std::int64_t w, std::size_t size, double p) {
  if (!std::isfinite(p))  // NaN would pass as "not glass" (p > 0.5 false): refuse it
    throw std::runtime_error("model " + classifier.info().path + " gives a non-finite P(glass) (" +
                             (std::isnan(p) ? std::string("nan") : number_text(p)) + ") for " +
                             window_text(grid, box, w) + ", " + std::to_string(size) +
                             " particles): the model has NaN or infinite weights (a diverged "
                             "training run?); retrain it or use another model file");
  return p;
}

std::vector<WindowP> classify_windows(GlassClassifier &classifier, const PeriodicBox &box,
                                      const double *x, std::size_t n, const int *types,
                                      const std::int64_t *ids,
                                      const std::vector<std::int64_t> &windows,
                                      const TileOptions &opts) {
  if (opts.batch < 1) throw std::invalid_argument("classify_windows: batch must be >= 1");
  const GraphOptions &g = classifier.info().graph;
  const TileGrid grid = tile_grid(classifier.info(), box, opts);
  const WindowCutter cutter(box, x, n, grid.side(), g.window.periodic);  // = cut_window, O(window) each

  std::vector<WindowP> result;
  result.reserve(windows.size());
  std::vector<Window> cut;
  std::vector<Graph> graphs;
  std::vector<const Graph *> ptrs;
  std::vector<double> node_attention;
  for (std::size_t first = 0; first < windows.size(); first += std::size_t(opts.batch)) {
    const std::size_t last = std::min(windows.size(), first + std::size_t(opts.batch));
    cut.clear();
    graphs.clear();
    for (std::size_t k = first; k < last; ++k) {
      cut.push_back(cutter.cut(grid.origin(windows[k])));
      const Window &win = cut.back();
      check_window_size(grid, box, windows[k], win.size(), g.k);
      graphs.push_back(knn_graph(win, types, ids, g.k, g.ntypes, g.features));
    }
    ptrs.clear();
    for (const auto &gr : graphs) ptrs.push_back(&gr);
    const auto p = classifier.classify(ptrs, opts.attention ? &node_attention : nullptr);
    std::size_t node = 0;
    for (std::size_t k = first; k < last; ++k) {
      Window &win = cut[k - first];
      const double pk = checked_p(classifier, grid, box, windows[k], win.size(), p[k - first]);
      WindowP r;
      r.window = windows[k];
      r.p = pk;
      if (opts.attention)
        r.attention.assign(node_attention.begin() + std::ptrdiff_t(node),
                           node_attention.begin() + std::ptrdiff_t(node + win.size()));
      node += win.size();
      r.members = std::move(win.members);
      result.push_back(std::move(r));
    }
  }
  return result;
}

TileResult classify_tiles(GlassClassifier &classifier, const PeriodicBox &box, const double *x,
                          std::size_t n, const int *types, const std::int64_t *ids,
                          const TileOptions &opts) {
  const TileGrid grid = tile_grid(classifier.info(), box, opts);
  std::vector<std::int64_t> all(static_cast<std::size_t>(grid.size()));
  for (std::size_t w = 0; w < all.size(); ++w) all[w] = std::int64_t(w);
  TileResult r;
  for (const std::int64_t w : all) r.origins.push_back(grid.origin(w));
  r.window_p.assign(all.size(), 0.0);
  r.window_size.assign(all.size(), 0);
  r.atom_p.assign(n, 0.0);
  r.atom_windows.assign(n, 0.0);
  r.atom_attention.assign(opts.attention ? n : 0, 0.0);
  for (const WindowP &w : classify_windows(classifier, box, x, n, types, ids, all, opts)) {
    r.window_p[std::size_t(w.window)] = w.p;
    r.window_size[std::size_t(w.window)] = int(w.members.size());
    for (std::size_t v = 0; v < w.members.size(); ++v) {
      r.atom_p[std::size_t(w.members[v])] += w.p;
      r.atom_windows[std::size_t(w.members[v])] += 1.0;
      if (opts.attention) r.atom_attention[std::size_t(w.members[v])] += w.attention[v];
    }
  }
  return r;
}

}  // namespace mlglass
