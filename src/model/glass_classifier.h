// P(glass) of configuration windows with a saved ML-GLASS model: what `compute glass/mpnn` runs
// in LAMMPS and what `mlglass eval --tile` runs on dumps, so both give the same numbers.
//
// This header includes no torch header (the model lives behind a pointer to an implementation):
// the LAMMPS style that includes it compiles without LibTorch's headers, as LAMMPS' ML packages
// keep torch out of their style headers.
#pragma once

#include "model_file.h"
#include "periodic_box.h"
#include "window_graph.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace mlglass {

// The arrays of a GraphBatch (window_graph.h) that the model reads, in caller-owned memory:
// x [n_nodes x node_dim], e [n_edges x edge_dim] (float32), src, dst, rev [n_edges] and node_graph
// [n_nodes] (int64, relative to this batch). cuda_device >= 0: the arrays are in that CUDA
// device's memory; -1: host memory.
struct GraphArrays {
  std::int64_t n_graphs = 0, n_nodes = 0, n_edges = 0;
  int node_dim = 0, edge_dim = 0;
  const float *x = nullptr, *e = nullptr;
  const std::int64_t *src = nullptr, *dst = nullptr, *rev = nullptr, *node_graph = nullptr;
  int cuda_device = -1;
};

class GlassClassifier {
 public:
  // device: "cpu", "cuda" or "cuda:N". Loads through load_model_file (model_file.h), so a bad
  // file gives the message `mlglass eval` gives; also throws std::runtime_error for a model that
  // is not a D-MPNN or an unavailable device.
  explicit GlassClassifier(const std::string &path, const std::string &device = "cpu");
  ~GlassClassifier();
  GlassClassifier(const GlassClassifier &) = delete;
  GlassClassifier &operator=(const GlassClassifier &) = delete;

  // LibTorch's intra-op threads for this process (at::set_num_threads), and its CUDA devices.
  static void set_threads(int n);
  static int cuda_device_count();

  const ModelMetadata &info() const { return info_; }
  std::string device() const;

  // P(glass) of each graph, all evaluated as one batch, without gradients. With node_attention
  // (model with attention only) it receives, for every node of every graph in order, the sum of
  // the last message step's attention weights over the edges entering the node.
  std::vector<double> classify(const std::vector<const Graph *> &graphs,
                               std::vector<double> *node_attention = nullptr);

  // The same for a batch the caller built in its own memory (compute glass/mpnn/kk: Kokkos views),
  // read in place (torch::from_blob) and moved only if it lives elsewhere than the model.
  std::vector<double> classify(const GraphArrays &batch,
                               std::vector<double> *node_attention = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  ModelMetadata info_;
};

// How a configuration is tiled with windows (compute glass/mpnn's keywords).
struct TileOptions {
  double window = 0.0;  // window side in the model's units (<= 0: the model's own)
  double stride = 0.0;  // distance between window origins, in the model's units (<= 0: the side)
  // Windows per model call, in the order they are listed. With 1 (the default) a window's P(glass)
  // depends on nothing but its own graph; in a batch of several, the matrix products of the
  // forward pass round differently (float32, ~1e-7 relative) with the batch's shape.
  int batch = 1;
  bool attention = false;  // also sum the per-node attention (model with attention only)
};

// Throws std::invalid_argument for a box that is not periodic along every axis of its dimension:
// tiled windows would run into its walls (compute glass/mpnn and eval --tile refuse such boxes).
void check_tiling_box(const PeriodicBox &box);

// Window side and windows (TileGrid) of a tiling; throws std::invalid_argument for a box that is
// not periodic along every axis of its dimension (windows would run into walls) or a window that
// does not fit the box.
double tile_side(const ModelMetadata &info, const PeriodicBox &box, const TileOptions &opts);
TileGrid tile_grid(const ModelMetadata &info, const PeriodicBox &box, const TileOptions &opts);

// One classified window of a tiling: its number in the TileGrid, P(glass), its particles (indices
// into the configuration, ascending: node v of its graph is members[v]) and, with attention, the
// attention entering each of them.
struct WindowP {
  std::int64_t window = 0;
  double p = 0.0;
  std::vector<int> members;
  std::vector<double> attention;
};

// P(glass) of the listed windows of the tiling of one configuration (n particles, positions
// x[3n], types 1..ntypes, ids may be null), opts.batch windows per model call in the order listed.
// Throws SparseWindowError for a window with <= k particles and std::runtime_error for a
// non-finite P(glass) (a model with NaN or infinite weights), naming the model and the window.
std::vector<WindowP> classify_windows(GlassClassifier &classifier, const PeriodicBox &box,
                                      const double *x, std::size_t n, const int *types,
                                      const std::int64_t *ids,
                                      const std::vector<std::int64_t> &windows,
                                      const TileOptions &opts);

struct TileResult {
  std::vector<std::array<double, 3>> origins;  // all windows of the tiling
  std::vector<double> window_p;      // P(glass) per window
  std::vector<int> window_size;      // particles per window
  // Sums per particle of the configuration over the windows that contain it, in window order:
  std::vector<double> atom_p;          // of the windows' P(glass)
  std::vector<double> atom_windows;    // of 1 (the number of windows)
  std::vector<double> atom_attention;  // of the attention entering the particle (if requested)
};

// A window of the tiling holds no more than k particles: no k-nearest-neighbour graph exists.
struct SparseWindowError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// classify_windows' checks, for the implementations that build the graphs elsewhere (compute
// glass/mpnn/kk): SparseWindowError for window w of the grid with size <= k particles; p itself,
// or the std::runtime_error for a non-finite P(glass).
void check_window_size(const TileGrid &grid, const PeriodicBox &box, std::int64_t w,
                       std::size_t size, int k);
double checked_p(const GlassClassifier &classifier, const TileGrid &grid, const PeriodicBox &box,
                 std::int64_t w, std::size_t size, double p);

// P(glass) of all windows of the tiling of one configuration (classify_windows on every window).
TileResult classify_tiles(GlassClassifier &classifier, const PeriodicBox &box, const double *x,
                          std::size_t n, const int *types, const std::int64_t *ids,
                          const TileOptions &opts);

}  // namespace mlglass
