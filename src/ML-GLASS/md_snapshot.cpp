/* ----------------------------------------------------------------------
   ML-GLASS package for LAMMPS: the MD-state snapshot of fix inherent.
   Documentation: doc/fix_inherent.rst
------------------------------------------------------------------------- */

#include "md_snapshot.h"

#include "mlglass_lammps_compat.h"

#include "angle.h"
#include "atom.h"
#include "atom_masks.h"
#include "atom_vec.h"
#include "bond.h"
#include "comm.h"
#include "dihedral.h"
#include "error.h"
#include "force.h"
#include "improper.h"
#include "irregular.h"
#include "kspace.h"
#include "lammps.h"
#include "neighbor.h"
#include "pair.h"
#include "update.h"

#include <algorithm>
#include <cstring>

using namespace LAMMPS_NS;
using mlglass_compat::kokkos_host_read;
using mlglass_compat::kokkos_host_wrote;

namespace {

enum { HOME_INDEX = 0, HOME_RANK = 1 };    // offsets of the two home columns

void save(TallySnapshot::Global &g, double e0, double e1, const double *v)
{
  g.energy[0] = e0;
  g.energy[1] = e1;
  std::memcpy(g.virial, v, sizeof(g.virial));
}

}    // namespace

/* ---------------------------------------------------------------------- */

void TallySnapshot::take(LAMMPS *lmp)
{
  Force *force = lmp->force;
  const int nall = lmp->atom->nlocal + lmp->atom->nghost;
  if (Pair *p = force->pair) {
    save(pair, p->eng_vdwl, p->eng_coul, p->virial);
    has_eatom = p->eatom && lmp->update->eflag_atom == lmp->update->ntimestep;
    has_vatom = p->vatom && lmp->update->vflag_atom == lmp->update->ntimestep;
    if (has_eatom) eatom.assign(p->eatom, p->eatom + nall);
    if (has_vatom) vatom.assign(&p->vatom[0][0], &p->vatom[0][0] + 6 * size_t(nall));
  }
  if (force->bond) save(bond, force->bond->energy, 0.0, force->bond->virial);
  if (force->angle) save(angle, force->angle->energy, 0.0, force->angle->virial);
  if (force->dihedral) save(dihedral, force->dihedral->energy, 0.0, force->dihedral->virial);
  if (force->improper) save(improper, force->improper->energy, 0.0, force->improper->virial);
  if (force->kspace) save(kspace, force->kspace->energy, 0.0, force->kspace->virial);
}

void TallySnapshot::put(LAMMPS *lmp) const
{
  Force *force = lmp->force;
  if (Pair *p = force->pair) {
    p->eng_vdwl = pair.energy[0];
    p->eng_coul = pair.energy[1];
    std::memcpy(p->virial, pair.virial, sizeof(pair.virial));
    if (has_eatom) std::copy(eatom.begin(), eatom.end(), p->eatom);
    if (has_vatom) std::copy(vatom.begin(), vatom.end(), &p->vatom[0][0]);
  }
  auto restore = [](const Global &g, double &e, double *v) {
    e = g.energy[0];
    std::memcpy(v, g.virial, sizeof(g.virial));
  };
  if (force->bond) restore(bond, force->bond->energy, force->bond->virial);
  if (force->angle) restore(angle, force->angle->energy, force->angle->virial);
  if (force->dihedral) restore(dihedral, force->dihedral->energy, force->dihedral->virial);
  if (force->improper) restore(improper, force->improper->energy, force->improper->virial);
  if (force->kspace) restore(kspace, force->kspace->energy, force->kspace->virial);
}

/* ---------------------------------------------------------------------- */

void MDSnapshot::take(LAMMPS *lmp, double **const &home, int home_col)
{
  Atom *atom = lmp->atom;
  Neighbor *neighbor = lmp->neighbor;
  Update *update = lmp->update;

  kokkos_host_read(lmp, ALL_MASK);    // -k on: the MD state as the device has it
  nlocal = atom->nlocal;
  const size_t n3 = 3 * size_t(nlocal);
  x0.assign(n3, 0.0);
  v0.assign(n3, 0.0);
  f0.assign(n3, 0.0);
  torque0.clear();
  image0.assign(atom->image, atom->image + nlocal);
  if (nlocal) {
    std::memcpy(x0.data(), atom->x[0], n3 * sizeof(double));
    std::memcpy(v0.data(), atom->v[0], n3 * sizeof(double));
    std::memcpy(f0.data(), atom->f[0], n3 * sizeof(double));
    if (atom->torque_flag) torque0.assign(&atom->torque[0][0], &atom->torque[0][0] + n3);
  }
  const int me = lmp->comm->me;
  for (int i = 0; i < nlocal; i++) {
    home[i][home_col + HOME_INDEX] = i;
    home[i][home_col + HOME_RANK] = me;
  }
  tallies.take(lmp);

  ago = neighbor->ago;
  every = neighbor->every;
  delay = neighbor->delay;
  dist_check = neighbor->dist_check;
  lastcall = neighbor->lastcall;
  ncalls = neighbor->ncalls;
  ndanger = neighbor->ndanger;
  ntimestep_ = update->ntimestep;
  nextsort = atom->nextsort;
  eflag_global = update->eflag_global;
  eflag_atom = update->eflag_atom;
  vflag_global = update->vflag_global;
  vflag_atom = update->vflag_atom;
  dt = update->dt;
  whichflag = update->whichflag;
}

/* ----------------------------------------------------------------------
   Home ranks and order, ghosts and lists as built by the MD, then the state.
------------------------------------------------------------------------- */

void MDSnapshot::restore(LAMMPS *lmp, double **const &home, int home_col,
                         const std::vector<double> *xbuild)
{
  Atom *atom = lmp->atom;
  Comm *comm = lmp->comm;
  Neighbor *neighbor = lmp->neighbor;
  Update *update = lmp->update;

  // -k on: Irregular and AtomVec::copy() work on the host arrays, the quench left them current
  kokkos_host_read(lmp, ALL_MASK);
  if (comm->nprocs > 1) {
    const int n = atom->nlocal;
    std::vector<int> procassign(n);
    for (int i = 0; i < n; i++) procassign[i] = int(home[i][home_col + HOME_RANK]);
    Irregular irregular(lmp);
    irregular.migrate_atoms(0, 1, procassign.data());
  }
  if (atom->nlocal != nlocal)
    lmp->error->one(FLERR, "Fix inherent: internal error: rank {} got {} atoms back, had {}",
                    comm->me, atom->nlocal, nlocal);
  restore_home_order(lmp, home, home_col);

  double **x = atom->x;
  const std::vector<double> &xb = xbuild ? *xbuild : x0;
  for (int i = 0; i < nlocal; i++)
    for (int d = 0; d < 3; d++) x[i][d] = xb[3 * i + d];
  kokkos_host_wrote(lmp, ALL_MASK);    // atoms moved home and reordered, x of the last build
  // borders() appends to the ghosts present: clear them as exchange() would
  if (atom->map_style != Atom::MAP_NONE) atom->map_clear();
  atom->nghost = 0;
  atom->avec->clear_bonus();
  comm->setup();
  if (neighbor->style) neighbor->setup_bins();
  comm->borders();
  neighbor->build(1);

  kokkos_host_read(lmp, ALL_MASK);
  x = atom->x;
  for (int i = 0; i < nlocal; i++) {
    for (int d = 0; d < 3; d++) {
      x[i][d] = x0[3 * i + d];
      atom->v[i][d] = v0[3 * i + d];
      atom->f[i][d] = f0[3 * i + d];
      if (atom->torque_flag) atom->torque[i][d] = torque0[3 * i + d];
    }
    atom->image[i] = image0[i];
  }
  kokkos_host_wrote(lmp, X_MASK | V_MASK | F_MASK | TORQUE_MASK | IMAGE_MASK);
  comm->forward_comm();
  tallies.put(lmp);
  kokkos_host_read(lmp, ALL_MASK);    // host and device agree again: what the MD step left

  neighbor->ago = ago;
  neighbor->every = every;
  neighbor->delay = delay;
  neighbor->dist_check = dist_check;
  neighbor->lastcall = lastcall;
  neighbor->ncalls = ncalls;
  neighbor->ndanger = ndanger;
  update->ntimestep = ntimestep_;
  atom->nextsort = nextsort;
  update->eflag_global = eflag_global;
  update->eflag_atom = eflag_atom;
  update->vflag_global = vflag_global;
  update->vflag_atom = vflag_atom;
  update->dt = dt;
  update->whichflag = whichflag;
}

/* ----------------------------------------------------------------------
   Put every owned atom back at the index it had before the quench (cycle-following permutation
   through a spare slot, as Atom::sort() does); AtomVec::copy() moves fix per-atom data too.
------------------------------------------------------------------------- */

void MDSnapshot::restore_home_order(LAMMPS *lmp, double **const &home, int home_col)
{
  Atom *atom = lmp->atom;
  const int n = atom->nlocal;
  std::vector<int> at(n);    // at[h] = current index of the atom whose home index is h
  for (int i = 0; i < n; i++) at[int(home[i][home_col + HOME_INDEX])] = i;
  if (atom->nmax == n) atom->avec->grow(0);
  AtomVec *avec = atom->avec;
  std::vector<char> placed(n, 0);
  for (int h = 0; h < n; h++) {
    if (placed[h]) continue;
    if (at[h] == h) {
      placed[h] = 1;
      continue;
    }
    avec->copy(h, n, 0);    // park the atom occupying slot h
    int slot = h;
    while (true) {
      const int src = at[slot];
      placed[slot] = 1;
      if (src == h) {
        avec->copy(n, slot, 0);
        break;
      }
      avec->copy(src, slot, 0);
      slot = src;
    }
  }
}
