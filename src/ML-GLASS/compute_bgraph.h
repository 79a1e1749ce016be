/* -*- c++ -*- ----------------------------------------------------------
   ML-GLASS package for LAMMPS. Documentation: doc/compute_bgraph.rst
------------------------------------------------------------------------- */

#ifdef COMPUTE_CLASS
// clang-format off
ComputeStyle(bgraph,ComputeBGraph);
// clang-format on
#else

#ifndef LMP_COMPUTE_BGRAPH_H
#define LMP_COMPUTE_BGRAPH_H

#include "atom.h"
#include "compute.h"
#include "union_find.h"

#include <vector>

namespace LAMMPS_NS {

// B-particle graph metrics: links every B particle to its k nearest neighbours and reports
// components, B-B links, isolated A/B particles, links and the largest component size (global
// vector), plus per-atom component id and degree. Components are resolved across ranks with a local
// union-find, then forward communication of the smallest atom ID of each component until no rank
// changes (compute cluster/atom communicates the same way, but within a rank it propagates labels
// over neighbour pairs instead of using a union-find).
class ComputeBGraph : public Compute {
 public:
  ComputeBGraph(class LAMMPS *, int, char **);
  ~ComputeBGraph() override;
  void init() override;
  void init_list(int, class NeighList *) override;
  void compute_vector() override;
  void compute_peratom() override;
  int pack_forward_comm(int, int *, double *, int, int *) override;
  void unpack_forward_comm(int, int, double *) override;
  double memory_usage() override;

 protected:
  enum CommMode { OUTLINKS, LABELS, MASK };

  int btype;        // LAMMPS type of the B particles
  int k;            // neighbours per emitting particle
  int rule;         // mlglass::LinkRule
  int normalize;    // divide the global vector by the number of atoms in the group
  double cutoff;    // neighbour search cutoff (0: the pair cutoff)
  double cutsq;
  class NeighList *list;

  int nmax;
  double **components;           // per-atom array: [0] component id, [1] degree
  std::vector<tagint> outtag;    // k out-link IDs per local+ghost atom (0: none)
  std::vector<int> outidx;       // k out-link local indices per owned atom (-1: none)
  std::vector<int> pair_first, pair_second, fill;    // scratch for build_adjacency()
  std::vector<tagint> label;                         // component label per local+ghost atom
  std::vector<int> adj_start, adj;                   // owned atoms' adjacency (CSR, local indices)
  std::vector<int> degree;
  std::vector<tagint> root_min;    // scratch for resolve_components()
  mlglass::UnionFind uf;
  int commmode;
  bigint evaluated_step;
  int evaluated_flag;    // invoked_flag bit of the call that evaluated

  void evaluate(int caller_flag);
  // The steps of an evaluation; compute bgraph/kk runs them as Kokkos kernels. After
  // resolve_components(), label and degree hold the owned atoms' results on the host.
  virtual void prepare();
  virtual void find_out_links();
  virtual void build_adjacency();
  virtual void resolve_components();
  virtual void reduce_metrics();
  // the global vector from this rank's counts (components, bb_links, isolated_a, isolated_b,
  // links) and the largest component (from label and degree)
  void finish_metrics(const bigint local[5]);
  bigint largest_component();
  void error_short(tagint short_id, int short_count);
  bool is_b(int i) const { return atom->type[i] == btype; }
  bool in_group(int i) const { return atom->mask[i] & groupbit; }
};

}    // namespace LAMMPS_NS

#endif
#endif
