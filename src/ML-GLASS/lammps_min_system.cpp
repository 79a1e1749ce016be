/* ----------------------------------------------------------------------
   ML-GLASS package for LAMMPS: the LAMMPS-backed system fix inherent quenches.
   Documentation: doc/fix_inherent.rst

   Why own minimiser loops instead of LAMMPS' Min classes: driving update->minimize from inside a
   run adds and deletes fix MINIMIZE while Modify iterates over fixes, writes thermo and dump
   output at the minimizer's fake timesteps and re-initialises every style. Here the FIRE 2.0 and
   conjugate-gradient arithmetic lives in the core library (fire.h, cg.h: operation for operation
   the same as MinFire::iterate and MinCG::iterate) and this file replays Min::setup() and
   Min::energy_force() without those side effects.

   Under -k on (KOKKOS) the FIRE arithmetic runs on the host arrays while LAMMPS' KOKKOS classes
   (pair style, neighbor lists, comm, domain) run where they run: as MinKokkos does, the data a
   force evaluation reads is synced to its style's execution space before and marked modified there
   after, and everything is synced back to the host when an evaluation ends; what FIRE changes on
   the host (x, v) is marked modified on the host before the next evaluation.
------------------------------------------------------------------------- */

#include "lammps_min_system.h"

#include "mlglass_lammps_compat.h"

#include "angle.h"
#include "atom.h"
#include "atom_vec.h"
#include "bond.h"
#include "comm.h"
#include "compute.h"
#include "dihedral.h"
#include "domain.h"
#include "error.h"
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
#include <type_traits>

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

LammpsMinSystem::LammpsMinSystem(LAMMPS *lmp, int groupbit, WorkVectors work) :
    Pointers(lmp), groupbit(groupbit), pe(mlglass_compat::find_compute(modify, "thermo_pe")),
    workvec(std::move(work))
{
}

LammpsMinSystem::~LammpsMinSystem() noexcept = default;

int LammpsMinSystem::size() const
{
  return atom->nlocal;
}

double *LammpsMinSystem::x()
{
  return atom->nlocal ? atom->x[0] : nullptr;
}

double *LammpsMinSystem::v()
{
  return atom->nlocal ? atom->v[0] : nullptr;
}

double *LammpsMinSystem::f()
{
  return atom->nlocal ? atom->f[0] : nullptr;
}

double LammpsMinSystem::mass(int i) const
{
  return atom->rmass ? atom->rmass[i] : atom->mass[atom->type[i]];
}

double LammpsMinSystem::ftm2v() const
{
  return force->ftm2v;
}

void LammpsMinSystem::next_iteration()
{
  ++update->ntimestep;
}

double LammpsMinSystem::sum(double local) const
{
  return reduce(local, MPI_SUM);
}

double LammpsMinSystem::min(double local) const
{
  return reduce(local, MPI_MIN);
}

double LammpsMinSystem::max(double local) const
{
  return reduce(local, MPI_MAX);
}

double LammpsMinSystem::energy_norm() const
{
  return output->thermo->normflag ? double(atom->natoms) : 1.0;
}

/* ----------------------------------------------------------------------
   Atoms lost in the quench (they left the box through a non-periodic boundary): the MD state
   cannot be restored without them, so the run stops on all ranks with the count
------------------------------------------------------------------------- */

void LammpsMinSystem::check_no_atoms_lost(bigint step)
{
  bigint nlocal = atom->nlocal, ntotal = 0;
  MPI_Allreduce(&nlocal, &ntotal, 1, MPI_LMP_BIGINT, MPI_SUM, world);
  if (ntotal != atom->natoms)
    error->all(FLERR,
               "Fix inherent: {} of {} atoms were lost during the quench at step {} (they left "
               "the box through a non-periodic boundary); the MD state cannot be restored without "
               "them: use periodic boundaries, walls (fix wall) or a smaller dmax",
               atom->natoms - ntotal, atom->natoms, step);
}

double *LammpsMinSystem::work(int k)
{
  return workvec ? workvec(k) : MinSystem::work(k);
}

/* ----------------------------------------------------------------------
   FixMinimize::reset_coords() for a fixed box: after a re-neighbouring wrapped atoms back into
   the box, the line search's start positions follow them to the nearest image
------------------------------------------------------------------------- */

void LammpsMinSystem::rewrap_reference()
{
  if (!reneighbored) return;
  double **x = atom->x;
  double *x0 = work(0);
  for (int i = 0; i < atom->nlocal; i++) {
    double d[3] = {x[i][0] - x0[3 * i], x[i][1] - x0[3 * i + 1], x[i][2] - x0[3 * i + 2]};
    const double d0[3] = {d[0], d[1], d[2]};
    mlglass_compat::minimum_image(domain, d);
    for (int k = 0; k < 3; k++)
      if (d[k] != d0[k]) x0[3 * i + k] = x[i][k] - d[k];
  }
}

/* ----------------------------------------------------------------------
   Min::setup(): full re-neighbouring (with exchange and sort) and the first forces
------------------------------------------------------------------------- */

double LammpsMinSystem::setup()
{
  update->setupflag = 1;
  atom->setup();
  modify->setup_pre_exchange();
  domain->pbc();
  domain->reset_box();
  comm->setup();
  if (neighbor->style) neighbor->setup_bins();
  before_reneighbor();
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
  forces_computed();
  freeze_outside_group();
  return energy();
}

/* ----------------------------------------------------------------------
   Min::energy_force()
------------------------------------------------------------------------- */

double LammpsMinSystem::energy_force()
{
  positions_changed();
  reneighbored = neighbor->decide();
  if (reneighbored == 0) {
    comm->forward_comm();
  } else {
    before_reneighbor();
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

double LammpsMinSystem::forces()
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
  forces_computed();
  freeze_outside_group();
  return energy();
}

/* ---------------------------------------------------------------------- */

void LammpsMinSystem::positions_changed()
{
  kokkos_host_wrote(lmp, X_MASK | V_MASK);    // the minimiser moved the atoms on the host
}

void LammpsMinSystem::forces_computed()
{
  kokkos_host_read(lmp, ALL_MASK);
}

/* ---------------------------------------------------------------------- */

double LammpsMinSystem::reduce(double local, MPI_Op op) const
{
  double all;
  MPI_Allreduce(&local, &all, 1, MPI_DOUBLE, op, world);
  return all;
}

void LammpsMinSystem::set_energy_flags()
{
  update->eflag_global = update->ntimestep;
  if (eflag & ENERGY_ATOM) update->eflag_atom = update->ntimestep;
}

void LammpsMinSystem::bonded_forces()
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
void LammpsMinSystem::force_clear()
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

void LammpsMinSystem::freeze_outside_group()
{
  if (groupbit == 1) return;    // group all
  double **f = atom->f;
  for (int i = 0; i < atom->nlocal; i++)
    if (!(atom->mask[i] & groupbit)) f[i][0] = f[i][1] = f[i][2] = 0.0;
  kokkos_host_wrote(lmp, F_MASK);
}

double LammpsMinSystem::energy()
{
  kokkos_sync(lmp, pe->execution_space, pe->datamask_read, 0);
  last_total_energy = pe->compute_scalar();
  kokkos_sync(lmp, pe->execution_space, 0, pe->datamask_modify);
  double e = last_total_energy;
  if (output->thermo->normflag) e /= atom->natoms;
  return e;
}
