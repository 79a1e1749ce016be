/* -*- c++ -*- ----------------------------------------------------------
   ML-GLASS package for LAMMPS: the pair energy the line searches of fix inherent's min cg see.
   Documentation: doc/fix_inherent.rst (keyword shift)
------------------------------------------------------------------------- */

#ifndef LMP_MLGLASS_PAIR_ENERGY_SHIFT_H
#define LMP_MLGLASS_PAIR_ENERGY_SHIFT_H

#include <string>

namespace LAMMPS_NS {

class LAMMPS;
class Pair;

// For the lifetime of the object, the pair style's energy shifted to zero at the cutoff, as
// `pair_modify shift yes` does; the previous setting comes back when the object is destroyed.
//
// A pair style truncated without shift has an energy that jumps whenever a pair crosses the
// cutoff, and the energy-comparing line searches of conjugate gradients stop at such a jump. The
// shift removes the jumps and changes no force, so the minima (the points of zero force) are the
// same: a quench on the shifted energy ends where the forces vanish, and the energy of the
// unshifted potential is evaluated there afterwards.
//
// The shift is switched as LAMMPS does it at setup: the offset flag, then init_one() for every
// pair of atom types (which also updates the device copies of KOKKOS pair styles).
class PairEnergyShift {
 public:
  PairEnergyShift(LAMMPS *lmp, bool enable);
  ~PairEnergyShift() noexcept;
  PairEnergyShift(const PairEnergyShift &) = delete;
  PairEnergyShift &operator=(const PairEnergyShift &) = delete;

  // true if the energy was unshifted and is shifted now (the caller re-evaluates the energy of
  // the minimum after destroying the object)
  bool active() const { return active_; }

  // Empty if the pair style of `lmp` can be shifted this way, else why not.
  static std::string unsupported(LAMMPS *lmp);

 private:
  LAMMPS *lmp;
  Pair *pair = nullptr;
  bool active_ = false;

  void set_offset(int flag);
};

}    // namespace LAMMPS_NS

#endif
