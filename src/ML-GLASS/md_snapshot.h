/* -*- c++ -*- ----------------------------------------------------------
   ML-GLASS package for LAMMPS: the MD state fix inherent saves before a quench and restores after
   it, so the trajectory continues bit for bit. Documentation: doc/fix_inherent.rst
------------------------------------------------------------------------- */

#ifndef LMP_MLGLASS_MD_SNAPSHOT_H
#define LMP_MLGLASS_MD_SNAPSHOT_H

#include "lmptype.h"

#include <vector>

namespace LAMMPS_NS {

class LAMMPS;

// Global energy and virial tallies the MD step left for thermo output, which the quench would
// overwrite, plus the pair style's per-atom tallies of this step.
struct TallySnapshot {
  struct Global {
    double energy[2] = {0.0, 0.0};
    double virial[6] = {0, 0, 0, 0, 0, 0};
  };
  Global pair, bond, angle, dihedral, improper, kspace;
  std::vector<double> eatom, vatom;
  bool has_eatom = false, has_vatom = false;

  void take(LAMMPS *lmp);
  void put(LAMMPS *lmp) const;
};

// The dynamical state of an MD step: owned atoms (x, v, f, torque, image flags) in their order
// on their ranks, the energy tallies, and the neighbour, sort and update counters. take() records
// it (and each owned atom's home index and rank in two per-atom columns the caller provides, which
// travel with the atoms through the quench); restore() brings the atoms home, rebuilds ghosts and
// neighbour lists from `xbuild` (the positions at the MD run's last neighbour build, or nullptr for
// the current ones) and puts everything back.
class MDSnapshot {
 public:
  // home[i][home_col] and home[i][home_col + 1] receive atom i's home index and rank. `home` is a
  // reference to the fix's per-atom array pointer, which atom growth may reallocate meanwhile.
  void take(LAMMPS *lmp, double **const &home, int home_col);
  void restore(LAMMPS *lmp, double **const &home, int home_col, const std::vector<double> *xbuild);

  bigint ntimestep() const { return ntimestep_; }

 private:
  int nlocal = 0;
  std::vector<double> x0, v0, f0, torque0;
  std::vector<imageint> image0;
  TallySnapshot tallies;

  int ago = 0, every = 0, delay = 0, dist_check = 0;
  bigint lastcall = 0, ncalls = 0, ndanger = 0;
  bigint ntimestep_ = 0, nextsort = 0;
  bigint eflag_global = 0, eflag_atom = 0, vflag_global = 0, vflag_atom = 0;
  double dt = 0.0;
  int whichflag = 0;

  static void restore_home_order(LAMMPS *lmp, double **const &home, int home_col);
};

}    // namespace LAMMPS_NS

#endif
