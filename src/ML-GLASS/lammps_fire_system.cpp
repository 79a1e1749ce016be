/* ----------------------------------------------------------------------
   ML-GLASS package for LAMMPS: the LAMMPS-backed FIRE system of fix inherent.
   Documentation: doc/fix_inherent.rst

   Why an own FIRE loop instead of LAMMPS' Min classes: driving update->minimize from inside a
   run adds and deletes fix MINIMIZE while Modify iterates over fixes, writes thermo and dump
   output at the minimizer's fake timesteps and re-initialises every style. Here the FIRE 2.0
   arithmetic lives in the core library (fire.h, operation for operation the same as
   MinFire::iterate) and this file replays Min::setup() and Min::energy_force() without those
   side effects.

   Under -k on (KOKKOS) the FIRE arithmetic runs on the host arrays while LAMMPS' KOKKOS classes
   (pair style, neighbor lists, comm, domain) run where they run: as MinKokkos does, the data a
   force evaluation reads is synced to its style's execution space before and marked modified there
   after, and everything is synced back to the host when an evaluation ends; what FIRE changes on
   the host (x, v) is marked modified on the host before the next evaluation.
------------------------------------------------------------------------- */

#include "lammps_fire_system.h"

#include "mlglass_lammps_compat.h"

#include "angle.h"
#include "atom.h"
#include "atom_vec.h"
#include "bond.h"
#include "comm.h"
#include "compute.h"
#include "dihedral.h"
#include "domain.h"
#include "force.h"
#include "improper.h"
#include "kspace.h"
#include "modify.h"
#include "neighbor.h"
#include "output.h"
#include "pair.h"
#include "thermo.h"
#include "update.h"

#include <cstring>

using namespace LAMMPS_NS;
using mlglass_compat::kokkos_host_read;
using mlglass_compat::kokkos_host_wrote;
using mlglass_compat::kokkos_sync;

namespace {

// a force style's compute() bracketed the way MinKokkos brackets it
template <class Style, class Call> void evaluate(LAMMPS *lmp, Style *style, Call call)
{
  kokkos_sync(lmp, style->execution_space, style->datamask_read, 0);
  call();
  kokkos_sync(lmp, style->execution_space, 0, style->datamask_modify);
}

}    // namespace

LammpsFireSystem::LammpsFireSystem(LAMMPS *lmp, int groupbit) :
    Pointers(lmp), groupbit(groupbit), pe(mlglass_compat::find_compute(modify, "thermo_pe"))
{
}

LammpsFireSystem::~LammpsFireSystem() noexcept = default;

int LammpsFireSystem::size() const
{
  return atom->nlocal;
}

double *LammpsFireSystem::x()
{
  return atom->nlocal ? atom->x[0] : nullptr;
}

double *LammpsFireSystem::v()
{
  return atom->nlocal ? atom->v[0] : nullptr;
}

double *LammpsFireSystem::f()
{
  return atom->nlocal ? atom->f[0] : nullptr;
}

double LammpsFireSystem::mass(int i) const
{
  return atom->rmass ? atom->rmass[i] : atom->mass[atom->type[i]];
}

double LammpsFireSystem::ftm2v() const
{
  return force->ftm2v;
}

void LammpsFireSystem::next_iteration()
{
  ++update->ntimestep;
}

double LammpsFireSystem::sum(double local) const
{
  return reduce(local, MPI_SUM);
}

double LammpsFireSystem::min(double local) const
{
  return reduce(local, MPI_MIN);
}

double LammpsFireSystem::max(double local) const
{
  return reduce(local, MPI_MAX);
}

/* ----------------------------------------------------------------------
   Min::setup(): full re-neighbouring (with exchange and sort) and the first forces
------------------------------------------------------------------------- */

double LammpsFireSystem::setup()
{
  update->setupflag = 1;
  atom->setup();
  modify->setup_pre_exchange();
  domain->pbc();
  domain->reset_box();
  comm->setup();
  if (neighbor->style) neighbor->setup_bins();
  comm->exchange();
  if (atom->sortfreq > 0) atom->sort();
  comm->borders();
  modify->setup_pre_neighbor();
  neighbor->build(1);
  modify->setup_post_neighbor();
  neighbor->ncalls = 0;

  force->setup();
  set_energy_flags();
  force_clear();
  modify->setup_pre_force(0);
  Pair *pair = force->pair;
  if (pair && pair->compute_flag)
    evaluate(lmp, pair, [&] {
      pair->compute(eflag, 0);
    });
  else if (pair)
    pair->compute_dummy(eflag, 0);
  bonded_forces();
  if (KSpace *kspace = force->kspace) {
    kspace->setup();
    if (kspace->compute_flag)
      evaluate(lmp, kspace, [&] {
        kspace->compute(eflag, 0);
      });
    else
      kspace->compute_dummy(eflag, 0);
  }
  modify->setup_pre_reverse(eflag, 0);
  if (force->newton) comm->reverse_comm();
  modify->setup(0);    // whichflag 2: the fixes' min_setup(), e.g. enforce2d
  update->setupflag = 0;
  kokkos_host_read(lmp, ALL_MASK);
  freeze_outside_group();
  return energy();
}

/* ----------------------------------------------------------------------
   Min::energy_force()
------------------------------------------------------------------------- */

double LammpsFireSystem::energy_force()
{
  kokkos_host_wrote(lmp, X_MASK | V_MASK);    // FIRE moved the atoms on the host
  if (neighbor->decide() == 0) {
    comm->forward_comm();
  } else {
    if (modify->n_min_pre_exchange) modify->min_pre_exchange();
    domain->pbc();
    comm->exchange();
    if (atom->sortfreq > 0 && update->ntimestep >= atom->nextsort) atom->sort();
    comm->borders();
    if (modify->n_min_pre_neighbor) modify->min_pre_neighbor();
    neighbor->build(1);
    if (modify->n_min_post_neighbor) modify->min_post_neighbor();
  }
  return forces();
}

double LammpsFireSystem::forces()
{
  set_energy_flags();
  force_clear();
  if (modify->n_min_pre_force) modify->min_pre_force(0);
  Pair *pair = force->pair;
  if (pair && pair->compute_flag)
    evaluate(lmp, pair, [&] {
      pair->compute(eflag, 0);
    });
  bonded_forces();
  KSpace *kspace = force->kspace;
  if (kspace && kspace->compute_flag)
    evaluate(lmp, kspace, [&] {
      kspace->compute(eflag, 0);
    });
  if (modify->n_min_pre_reverse) modify->min_pre_reverse(eflag, 0);
  if (force->newton) comm->reverse_comm();
  if (modify->n_min_post_force) modify->min_post_force(0);
  kokkos_host_read(lmp, ALL_MASK);
  freeze_outside_group();
  return energy();
}

/* ---------------------------------------------------------------------- */

double LammpsFireSystem::reduce(double local, MPI_Op op) const
{
  double all;
  MPI_Allreduce(&local, &all, 1, MPI_DOUBLE, op, world);
  return all;
}

void LammpsFireSystem::set_energy_flags()
{
  update->eflag_global = update->ntimestep;
  if (eflag & ENERGY_ATOM) update->eflag_atom = update->ntimestep;
}

void LammpsFireSystem::bonded_forces()
{
  if (atom->molecular == Atom::ATOMIC) return;
  if (Bond *bond = force->bond)
    evaluate(lmp, bond, [&] {
      bond->compute(eflag, 0);
    });
  if (Angle *angle = force->angle)
    evaluate(lmp, angle, [&] {
      angle->compute(eflag, 0);
    });
  if (Dihedral *dihedral = force->dihedral)
    evaluate(lmp, dihedral, [&] {
      dihedral->compute(eflag, 0);
    });
  if (Improper *improper = force->improper)
    evaluate(lmp, improper, [&] {
      improper->compute(eflag, 0);
    });
}

// Min::force_clear()
void LammpsFireSystem::force_clear()
{
  size_t nbytes = sizeof(double) * atom->nlocal;
  if (force->newton) nbytes += sizeof(double) * atom->nghost;
  if (nbytes) {
    kokkos_host_read(lmp, F_MASK | TORQUE_MASK);    // cleared on the host: current there first
    memset(&atom->f[0][0], 0, 3 * nbytes);
    if (atom->torque_flag) memset(&atom->torque[0][0], 0, 3 * nbytes);
    if (atom->avec->forceclearflag) atom->avec->force_clear(0, nbytes);
    kokkos_host_wrote(lmp, F_MASK | TORQUE_MASK);
  }
}

void LammpsFireSystem::freeze_outside_group()
{
  if (groupbit == 1) return;    // group all
  double **f = atom->f;
  for (int i = 0; i < atom->nlocal; i++)
    if (!(atom->mask[i] & groupbit)) f[i][0] = f[i][1] = f[i][2] = 0.0;
  kokkos_host_wrote(lmp, F_MASK);
}

double LammpsFireSystem::energy()
{
  kokkos_sync(lmp, pe->execution_space, pe->datamask_read, 0);
  last_total_energy = pe->compute_scalar();
  kokkos_sync(lmp, pe->execution_space, 0, pe->datamask_modify);
  double e = last_total_energy;
  if (output->thermo->normflag) e /= atom->natoms;
  return e;
}
