/* -*- c++ -*- ----------------------------------------------------------
   ML-GLASS package for LAMMPS. Documentation: doc/compute_glass_mpnn.rst
------------------------------------------------------------------------- */

#ifdef COMPUTE_CLASS
// clang-format off
ComputeStyle(glass/mpnn,ComputeGlassMPNN);
// clang-format on
#else

#ifndef LMP_COMPUTE_GLASS_MPNN_H
#define LMP_COMPUTE_GLASS_MPNN_H

#include "compute.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "glass_classifier.h"    // no torch headers: the model sits behind a pointer

namespace LAMMPS_NS {

// On-the-fly liquid/glass classification with a D-MPNN trained by `mlglass train`: the box is
// tiled with the model's windows, each window's kNN graph is built by the core library (the code
// the trainer uses) and classified by the TorchScript model through LibTorch.
// Parallel scheme (doc/compute_glass_mpnn.rst): a window belongs to the rank whose subdomain holds
// its origin (Comm::coord2proc); every rank sends each of its group atoms to the owners of the
// windows that may hold it (Irregular), so a rank holds its own windows' atoms only: its subdomain
// and a halo of one window side, O(N/P + halo). Each window is classified alone, from its atoms
// sorted by ID, and per-atom sums go back to the atoms' owners in window order: every number is
// the same on any number of ranks.
class ComputeGlassMPNN : public Compute {
 public:
  ComputeGlassMPNN(class LAMMPS *, int, char **);
  ~ComputeGlassMPNN() override;
  void init() override;
  double compute_scalar() override;
  void compute_vector() override;
  void compute_peratom() override;
  double memory_usage() override;

  // what the last evaluation received from other ranks (bench/bench_glass_mpnn_scaling.cpp)
  double atoms_received = 0.0, bytes_received = 0.0;
  int windows_owned = 0;

 protected:
  std::string model_path;
  std::unique_ptr<mlglass::GlassClassifier> classifier;
  double stride;             // tile stride, distance units (0: the window side)
  double window_override;    // window side in the model's units (0: the model's)
  int batch;                 // windows per model call
  int threads;               // LibTorch intra-op threads per rank
  int attention_flag;        // per-atom attention column
  int perwindow;             // the global vector holds every window's P(glass)
  std::string device;

  int nwindows;
  std::vector<double> vec;    // global vector

  // The atoms of this rank's windows (its own and those other ranks sent), sorted by ID, with the
  // rank and local index where each lives; this rank's classified windows (members index these).
  std::vector<std::int64_t> held_tag;
  std::vector<int> held_type, held_rank, held_index;
  std::vector<double> held_x;
  std::vector<mlglass::WindowP> owned;
  std::vector<tagint>
      evaluated_tags;    // local atoms at the evaluation (per-atom values are theirs)
  int peratom_done;

  int nmax;
  double *patom;
  double **patom_attention;

  bigint evaluated_step;
  int warned_sparse;    // the sparse-window warning is given once

  mlglass::PeriodicBox box_of_domain() const;
  mlglass::TileOptions tile_options() const;
  int count_windows() const;
  int owner(const mlglass::TileGrid &grid, std::int64_t w) const;
  void evaluate();
  void exchange_atoms(const mlglass::TileGrid &grid);
  void summarize();
  // P(glass) of the windows `mine` of the tiling from the held atoms; compute glass/mpnn/kk builds
  // the graphs with Kokkos. Throws like mlglass::classify_windows.
  virtual std::vector<mlglass::WindowP> classify_owned(const mlglass::TileGrid &grid,
                                                       const std::vector<std::int64_t> &mine);
  void fail_collectively(const std::string &local_error);
  int pick_cuda_device();
};

}    // namespace LAMMPS_NS

#endif
#endif
