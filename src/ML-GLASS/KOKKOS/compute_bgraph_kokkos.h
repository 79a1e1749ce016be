/* -*- c++ -*- ----------------------------------------------------------
   ML-GLASS package for LAMMPS, KOKKOS variant (installed into src/KOKKOS by
   tools/install-in-tree.sh). Documentation: doc/compute_bgraph.rst
------------------------------------------------------------------------- */

#ifdef COMPUTE_CLASS
// clang-format off
ComputeStyle(bgraph/kk,ComputeBGraphKokkos<LMPDeviceType>);
ComputeStyle(bgraph/kk/device,ComputeBGraphKokkos<LMPDeviceType>);
ComputeStyle(bgraph/kk/host,ComputeBGraphKokkos<LMPHostType>);
// clang-format on
#else

#ifndef LMP_COMPUTE_BGRAPH_KOKKOS_H
#define LMP_COMPUTE_BGRAPH_KOKKOS_H

#include "compute_bgraph.h"
#include "kokkos_type.h"

namespace LAMMPS_NS {

// compute bgraph with its graph work as Kokkos kernels in the execution space of DeviceType, on
// AtomKokkos' views and a KOKKOS full neighbour list: the k nearest neighbours of every emitting
// atom, the undirected adjacency (merged by atom ID), a concurrent union-find over owned and ghost
// atoms (compare-and-swap hooking of the larger root under the smaller), the per-root minimum
// labels (atomic min) and the link counts (one reduction). Between kernels nothing goes to the
// host except what LAMMPS' forward communication of a compute carries (the out-links once, then
// the labels each round; CommKokkos forwards compute data through host buffers) and, at the end,
// the per-atom label and degree (the per-atom array, the largest component). Same syntax and
// results as compute bgraph, exactly.
template <class DeviceType> class ComputeBGraphKokkos : public ComputeBGraph {
 public:
  typedef DeviceType device_type;
  typedef ArrayTypes<DeviceType> AT;
  using tagview2d = Kokkos::DualView<tagint **, Kokkos::LayoutRight, DeviceType>;
  using tagview1d = Kokkos::DualView<tagint *, Kokkos::LayoutRight, DeviceType>;
  using intview1d = Kokkos::View<int *, Kokkos::LayoutRight, DeviceType>;
  using intview2d = Kokkos::View<int **, Kokkos::LayoutRight, DeviceType>;

  ComputeBGraphKokkos(class LAMMPS *, int, char **);
  void init() override;
  int pack_forward_comm(int, int *, double *, int, int *) override;
  void unpack_forward_comm(int, int, double *) override;
  double memory_usage() override;

 protected:
  void prepare() override;
  void find_out_links() override;
  void build_adjacency() override;
  void resolve_components() override;
  void reduce_metrics() override;

 private:
  class AtomKokkos *atomKK;
  tagview2d k_outtag;    // k out-link IDs per owned and ghost atom (0: none)
  tagview1d k_label;     // component label per owned and ghost atom
  intview2d d_outidx;    // k out-link local indices per owned atom (-1: none)
  Kokkos::View<double **, Kokkos::LayoutRight, DeviceType> d_best_r2;
  Kokkos::View<tagint **, Kokkos::LayoutRight, DeviceType> d_best_tag;
  intview1d d_nbest;        // neighbours found per owned atom
  intview1d d_adj_start;    // owned atom i's links: d_adj[d_adj_start(i), + d_degree(i))
  intview1d d_adj, d_degree, d_parent;
  Kokkos::View<tagint *, Kokkos::LayoutRight, DeviceType> d_root_min;

  void forward(CommMode mode);
};

}    // namespace LAMMPS_NS

#endif
#endif
