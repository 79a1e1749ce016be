/* -*- c++ -*- ----------------------------------------------------------
   ML-GLASS package for LAMMPS. Documentation: doc/fix_inherent.rst
------------------------------------------------------------------------- */

#ifdef FIX_CLASS
// clang-format off
FixStyle(inherent,FixInherent);
// clang-format on
#else

#ifndef LMP_FIX_INHERENT_H
#define LMP_FIX_INHERENT_H

#include "fix.h"

#include "cg.h"
#include "fire.h"
#include "flow.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace LAMMPS_NS {

// Inherent-structure sampling during MD: every N steps the current configuration is quenched with
// FIRE 2.0 or conjugate gradients exactly as `minimize` with `min_style fire` or `cg` would, the
// energy of the minimum is reported, and the dynamical state (atom order and ownership, ghosts, neighbour lists, x, v, f,
// image flags, energy accumulators) is restored so the trajectory continues bit for bit.
class FixInherent : public Fix {
 public:
  FixInherent(class LAMMPS *, int, char **);
  ~FixInherent() override;
  int setmask() override;
  void init() override;
  void setup(int) override;
  void setup_post_neighbor() override;
  void post_neighbor() override;
  void min_post_neighbor() override;
  void end_of_step() override;
  double compute_scalar() override;
  double compute_vector(int) override;

  void write_restart(FILE *) override;
  void restart(char *) override;

  void grow_arrays(int) override;
  void copy_arrays(int, int, int) override;
  int pack_exchange(int, double *) override;
  int unpack_exchange(int, double *) override;
  int pack_reverse_comm(int, int, double *) override;
  void unpack_reverse_comm(int, int *, double *) override;
  double memory_usage() override;

  // the last quench, as reported by compute_vector()
  struct Outcome {
    double eis_atom = 0.0, eis_total = 0.0, fnorm = 0.0;
    bigint iterations = 0, evaluations = 0, step = -1, count = 0;
    int reason = -1;
  };

 protected:
  FixInherent(class LAMMPS *, int, char **, const char *variant);
  enum { FIRE, CG, FLOW };
  int minstyle;
  // The system the quench relaxes: LAMMPS' atoms, forces on the host between evaluations.
  // fix inherent/kk returns one whose FIRE and CG vectors stay on the device.
  virtual std::unique_ptr<class LammpsMinSystem> make_system();
  double *work_vector(int k) const { return work[k]; }

 private:
  mlglass::FireParams params;    // the tolerances of either minimiser, and FIRE's settings
  mlglass::LineSearch linesearch;
  int shift;    // min cg: line searches on the energy shifted to zero at the cutoff
  double flowtol;
  double *work[4];    // per-atom work vectors of CG (x0, g, h) and the flow (x0, k1..k3)
  int nwork;          // work vectors carried with migrating atoms (while CG or the flow runs)
  int work_vectors() const;    // how many the chosen minimiser uses
  mlglass::CgParams cg_params() const;
  mlglass::FlowParams flow_params() const;
  int peratom_energy;    // 1 if column 4 of the per-atom array is the IS energy
  int ncols;             // visible per-atom columns
  int nvalues;           // ncols + 2 hidden columns: home index, home rank
  double **peratom;
  std::string filename;
  int append;
  FILE *fp;
  Outcome last;
  int quenching;

  // positions at the last neighbour build of the MD run, owned atoms in their current order
  std::vector<double> xlast;
  bigint xlast_call;
  void record_neighbor_positions();

  std::vector<double> eatom_sum;    // per-atom IS energy incl. ghosts, reverse-communicated

  void quench();
  mlglass::MinResult minimize(class LammpsMinSystem &system, double e0, double dt);
  double minimum(class LammpsMinSystem &system, bool reevaluate);
  void write_line(double temperature);
};

}    // namespace LAMMPS_NS

#endif
#endif
