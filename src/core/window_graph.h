// Windows and kNN graphs for the D-MPNN of Swanson et al., Soft Matter 16, 435 (2020).
//
// The trainer cuts random square (2D) or cubic (3D) windows out of configurations; every particle
// of a window is linked to its k nearest neighbours inside the window, and the graphs are batched
// into flat arrays that the model wraps with torch::from_blob. `compute glass/mpnn` tiles the box
// with windows (tile_origins) and goes through the same functions, so both see identical graphs.
// What is built, exactly, is described in doc/graphs.rst.
#pragma once

#include "periodic_box.h"

#include <array>
#include <cstdint>
#include <random>
#include <vector>

namespace mlglass {

struct WindowOptions {
  double side = 0.2;            // window edge length
  bool side_is_fraction = true;  // side is a fraction of the box edge (square/cubic box), else distance
  enum class Offsets {
    independent,  // one uniform draw per axis (default)
    diagonal,     // the authors' code: one draw for all axes, windows along the box diagonal
  };
  Offsets offsets = Offsets::independent;
  // true (default): minimum-image geometry, windows may wrap across periodic boundaries.
  // false (the authors' choice): a window lies inside the box; particles are taken at their image
  // inside the box and no periodic images are used.
  bool periodic = true;
};

// The window edge in distance units. With side_is_fraction the box must be square (cubic in 3D) to
// a relative 1e-6. Throws std::invalid_argument for side <= 0, a side larger than a box edge, or a
// fraction on a non-square box.
double window_side(const PeriodicBox &box, const WindowOptions &opts);

// A random window origin. Along an axis on which the window can wrap (opts.periodic and the box is
// periodic there) the origin is uniform in [lo, lo + L); otherwise in [lo, lo + L - side]. The
// draws are u = (rng() >> 11) * 2^-53, one per axis x, y(, z) in that order (independent) or one
// for all axes (diagonal); bit-identical on every platform for a given seed. In 2D origin[2] = lo[2].
std::array<double, 3> random_window_origin(const PeriodicBox &box, const WindowOptions &opts,
                                           std::mt19937_64 &rng);

struct Window {
  int dim = 3;
  std::array<double, 3> origin{0.0, 0.0, 0.0};
  double side = 0.0;
  bool periodic = true;
  std::vector<int> members;   // indices into the configuration, ascending
  std::vector<double> local;  // members x 3: position - origin, in [0, side) per axis (z = 0 in 2D)
  std::size_t size() const { return members.size(); }
};

// The particles of a window: particle i is a member if its displacement from the origin lies in
// [0, side) along every axis of the box dimension. With periodic = true the displacement is
// wrapped into [0, L) along the box's periodic axes (coordinates may be unwrapped); with
// periodic = false the particle is first mapped to its image inside the box along periodic axes
// and the displacement is not wrapped (the window never reaches across a boundary).
// Throws std::invalid_argument if side <= 0, side > the box length on some axis (a window never
// sees a particle twice), or a coordinate is not finite.
Window cut_window(const PeriodicBox &box, const double *x, std::size_t n,
                  const std::array<double, 3> &origin, double side, bool periodic = true);

// Many windows of one configuration (the tiling of compute glass/mpnn and `mlglass eval --tile`):
// the particles are binned into cells once, and each window tests only the particles of the cells
// it overlaps -- O(window) per window instead of cut_window's O(n). cut(origin) returns exactly
// cut_window(box, x, n, origin, side, periodic): the same membership test on the same particles,
// in the same ascending order. x must stay valid and unchanged while the cutter is used. Throws
// std::invalid_argument like cut_window (bad side or origin), and at construction for a
// non-finite coordinate of any particle (cut_window lets +-inf pass on a non-periodic axis).
class WindowCutter {
 public:
  WindowCutter(const PeriodicBox &box, const double *x, std::size_t n, double side,
               bool periodic = true);
  Window cut(const std::array<double, 3> &origin) const;
  std::array<int, 3> cells() const { return ncell_; }

 private:
  PeriodicBox box_;
  const double *x_;
  std::size_t n_;
  double side_;
  bool periodic_;
  std::array<int, 3> ncell_{1, 1, 1};
  std::vector<int> start_;      // cell c holds particles_[start_[c] .. start_[c + 1])
  std::vector<int> particles_;  // particle indices sorted by cell, ascending within a cell
};

// Origins lo + i * stride, i = 0 .. ceil(L / stride) - 1 per axis (L / stride within a relative
// 1e-9 of an integer counts as that integer), x fastest, then y, then z; origin[2] = lo[2] in 2D.
// With periodic windows and stride <= side every particle is in at least one window; with
// stride = side = L / m exactly once. Throws std::invalid_argument for stride <= 0 or side <= 0.
std::vector<std::array<double, 3>> tile_origins(const PeriodicBox &box, double side, double stride);

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
