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
// Parallel scheme: the group's coordinates are gathered on every rank (sorted by atom ID, so the
// graphs do not depend on the decomposition), the windows are evaluated in fixed batches dealt
// round-robin to the ranks, and the per-window results are summed over the ranks. Every window
// is evaluated in the same batch on any number of ranks: results are identical.
class ComputeGlassMPNN : public Compute {
 public:
  ComputeGlassMPNN(class LAMMPS *, int, char **);
  ~ComputeGlassMPNN() override;
  void init() override;
  double compute_scalar() override;
  void compute_vector() override;
  void compute_peratom() override;
  double memory_usage() override;

 private:
  std::string model_path;
  std::unique_ptr<mlglass::GlassClassifier> classifier;
  double stride;             // tile stride, distance units (0: the window side)
  double window_override;    // window side in the model's units (0: the model's)
  int batch;                 // windows per model call
  int threads;               // LibTorch intra-op threads per rank
  int attention_flag;        // per-atom attention column
  std::string device;

  int nwindows;
  std::vector<double> vec;      // global vector
  mlglass::TileResult tiles;    // this rank's windows; window_p summed over ranks
  // gathered group atoms, sorted by ID
  std::vector<std::int64_t> all_tag;
  std::vector<int> all_type;
  std::vector<double> all_x;
  int peratom_reduced;

  int nmax;
  double *patom;
  double **patom_attention;

  bigint evaluated_step;
  int warned_sparse;    // the sparse-window warning is given once

  mlglass::PeriodicBox box_of_domain() const;
  mlglass::TileOptions tile_options() const;
  int count_windows() const;
  void evaluate();
  void gather_atoms();
  void fail_collectively(const std::string &local_error);
  int pick_cuda_device();
};

}    // namespace LAMMPS_NS

#endif
#endif
