// kNN graphs of windows for the D-MPNN of Swanson et al., Soft Matter 16, 435 (2020).
//
// The trainer cuts random square (2D) or cubic (3D) windows out of configurations (windows.h, which
// this header includes); every particle of a window is linked to its k nearest neighbours inside the
// window, and the graphs are batched into flat arrays that the model wraps with torch::from_blob.
// `compute glass/mpnn` tiles the box with windows (tile_origins) and goes through the same
// functions, so both see identical graphs. What is built, exactly, is described in doc/graphs.rst.
#pragma once

#include "periodic_box.h"
#include "windows.h"

#include <array>
#include <cstdint>
#include <vector>

namespace mlglass {

enum class NodeFeatures {
  type_onehot,  // one-hot over the ntypes types (translation/rotation invariant; default)
  type_xy,      // the authors': [type, x/side, y/side(, z/side in 3D)], raw values, not invariant
};

int node_feature_dim(NodeFeatures features, int ntypes, int dim);

struct Graph {
  int n_nodes = 0;
  int n_edges = 0;  // directed edges: twice the number of undirected links
  int node_dim = 0;
  int edge_dim = 1;
  std::vector<float> x;  // n_nodes x node_dim
  std::vector<float> e;  // n_edges x edge_dim: distance (distance units)
  // Directed edge b goes src[b] -> dst[b]; rev[b] is the edge dst[b] -> src[b]. Sorted by
  // (src, dst), so the edges leaving node v are a contiguous run.
  std::vector<std::int64_t> src, dst, rev;
  std::vector<std::int64_t> ids;  // particle ids of the nodes (node i = window member i)
};

// Everything that turns a configuration into the graphs a model sees; stored in every model's
// metadata so that the LAMMPS compute builds exactly the graphs the model was trained on.
struct GraphOptions {
  int k = 2;
  WindowOptions window;  // side 0.2 of the box by default
  NodeFeatures features = NodeFeatures::type_onehot;
  int ntypes = 2;
};

// The kNN graph of a window: every member is linked to its k nearest other members (non-periodic
// geometry inside the window, positions window.local, KnnSearch and its tie rule: nearer by squared
// distance, then by smaller particle id); links are undirected (each unordered pair once) and each
// gives two directed edges. types are those of the whole configuration (LAMMPS types 1..ntypes);
// ids may be null (id = index + 1). Throws std::invalid_argument for k < 1, ntypes < 1, a window
// with <= k particles, or a type outside 1..ntypes.
Graph knn_graph(const Window &window, const int *types, const std::int64_t *ids, int k, int ntypes,
                NodeFeatures features = NodeFeatures::type_onehot);

// The disjoint union of graphs, what the model receives. Node v of graph g is node
// node_offset[g] + v; edge b of graph g is edge edge_offset[g] + b; src, dst, rev are offset
// accordingly.
struct GraphBatch {
  int n_graphs = 0;
  int n_nodes = 0;
  int n_edges = 0;
  int node_dim = 0;
  int edge_dim = 0;
  std::vector<float> x, e;  // n_nodes x node_dim, n_edges x edge_dim
  std::vector<std::int64_t> src, dst, rev;
  std::vector<std::int64_t> node_graph, edge_graph;  // graph index of each node / edge
  std::vector<std::int64_t> node_offset;             // n_graphs + 1
  std::vector<std::int64_t> edge_offset;             // n_graphs + 1
  std::vector<std::int64_t> ids;                     // particle id of each node
  std::vector<float> label;                          // per graph; empty if none were given
};

// labels: empty, or one per graph. Throws std::invalid_argument if the graphs' feature dimensions
// differ, a graph's arrays do not match its counts, or the label count is wrong.
GraphBatch batch(const std::vector<Graph> &graphs, const std::vector<float> &labels = {});
GraphBatch batch(const std::vector<const Graph *> &graphs, const std::vector<float> &labels = {});
// The same into an existing batch, reusing its storage (no allocation once it has grown).
void batch_into(const std::vector<const Graph *> &graphs, const std::vector<float> &labels,
                GraphBatch &out);

}  // namespace mlglass
