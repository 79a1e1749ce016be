/* -*- c++ -*- ----------------------------------------------------------
   ML-GLASS package for LAMMPS: the LAMMPS-backed system fix inherent quenches with the core
   minimisers (FIRE, conjugate gradients).
   Documentation: doc/fix_inherent.rst
------------------------------------------------------------------------- */

#ifndef LMP_MLGLASS_LAMMPS_MIN_SYSTEM_H
#define LMP_MLGLASS_LAMMPS_MIN_SYSTEM_H

#include "force.h"
#include "pointers.h"

#include "min_system.h"

#include <functional>

namespace LAMMPS_NS {

class Compute;

// The quench seen by the core minimisers: Min::setup() and Min::energy_force() of LAMMPS 29Sep2021
// minus output, timers and fix MINIMIZE. Atoms outside the group keep zero force, i.e. stay. The
// work vectors live in the owner's per-atom storage (`work`), which moves with the atoms as fix
// MINIMIZE's vectors do.
class LammpsMinSystem : public mlglass::MinSystem, protected Pointers {
 public:
  using WorkVectors = std::function<double *(int)>;
  LammpsMinSystem(LAMMPS *lmp, int groupbit, WorkVectors work = nullptr);
  // explicit and noexcept: newer LAMMPS declares ~Pointers() noexcept(false), which an implicit
  // destructor would inherit, looser than ~MinSystem()
  ~LammpsMinSystem() noexcept override;

  int size() const override;
  double *x() override;
  double *v() override;
  double *f() override;
  double mass(int i) const override;
  double ftm2v() const override;
  void next_iteration() override;
  double sum(double local) const override;
  double min(double local) const override;
  double max(double local) const override;
  double energy_norm() const override;
  double *work(int k) override;
  void rewrap_reference() override;

  int eflag = ENERGY_GLOBAL;
  double last_total_energy = 0.0;    // thermo_pe of the last evaluation, never normalised

  double setup();                    // Min::setup(): full re-neighbouring and the first forces
  double energy_force() override;    // Min::energy_force()
  double forces();                   // everything after (re)neighbouring
  // error->all with the count if atoms left through a non-periodic boundary during the quench
  void check_no_atoms_lost(bigint step);
  // Makes the host arrays (x, f, per-atom energies) current after the last evaluation: a no-op
  // here, where every evaluation ends on the host; a system whose vectors live on a device
  // (fix inherent/kk) copies them back.
  virtual void to_host() {}

 protected:
  int groupbit;
  // Where the vector data is between evaluations. Here: on the host, where the core minimisers
  // change x and v through x(), v() (marked modified there before an evaluation) and read f
  // (synced to the host after one). A device system keeps them on the device instead.
  virtual void positions_changed();
  virtual void forces_computed();
  virtual void force_clear();
  virtual void freeze_outside_group();
  // Before atoms migrate or are reordered (re-neighbouring in energy_force(), setup()): LAMMPS
  // moves the per-atom work vectors on the host, so a device copy of them goes back first.
  virtual void before_reneighbor() {}
  bool last_reneighbored() const { return reneighbored != 0; }

 private:
  Compute *pe;
  WorkVectors workvec;
  int reneighbored = 0;    // the last energy_force() re-neighboured (atoms may have re-wrapped)

  double reduce(double local, MPI_Op op) const;
  void set_energy_flags();
  void bonded_forces();
  double energy();
};

}    // namespace LAMMPS_NS

#endif
