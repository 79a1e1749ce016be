/* ----------------------------------------------------------------------
   ML-GLASS package for LAMMPS: fix inherent. Documentation: doc/fix_inherent.rst

   Why an own FIRE loop instead of LAMMPS' Min classes: driving update->minimize from inside a
   run adds and deletes fix MINIMIZE while Modify iterates over fixes, writes thermo and dump
   output at the minimizer's fake timesteps and re-initialises every style. Here the FIRE 2.0
   arithmetic lives in the core library (fire.h, operation for operation the same as
   MinFire::iterate) and this file replays Min::setup() and Min::energy_force() without those
   side effects, then restores the MD state exactly.
------------------------------------------------------------------------- */

#include "fix_inherent.h"

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
#include "irregular.h"
#include "kspace.h"
#include "memory.h"
#include "modify.h"
#include "neighbor.h"
#include "output.h"
#include "pair.h"
#include "thermo.h"
#include "update.h"

#include <cmath>
#include <cstring>

using namespace LAMMPS_NS;
using namespace FixConst;

namespace {

Compute *find_compute(Modify *modify, const char *id)
{
  const int icompute = modify->find_compute(id);
  return icompute < 0 ? nullptr : modify->compute[icompute];
}

/* ----------------------------------------------------------------------
   The quench seen by the core FIRE: Min::setup() and Min::energy_force() of LAMMPS 29Sep2021
   minus output, timers and fix MINIMIZE. Atoms outside the fix group keep zero force, i.e. stay.
------------------------------------------------------------------------- */

class LammpsFireSystem : public mlglass::FireSystem, protected Pointers {
 public:
  LammpsFireSystem(LAMMPS *lmp, int groupbit) : Pointers(lmp), groupbit(groupbit)
  {
    pe = find_compute(modify, "thermo_pe");
  }
  int size() const override { return atom->nlocal; }
  double *x() override { return atom->nlocal ? atom->x[0] : nullptr; }
  double *v() override { return atom->nlocal ? atom->v[0] : nullptr; }
  double *f() override { return atom->nlocal ? atom->f[0] : nullptr; }
  double mass(int i) const override
  {
    return atom->rmass ? atom->rmass[i] : atom->mass[atom->type[i]];
  }
  double ftm2v() const override { return force->ftm2v; }
  void next_iteration() override { ++update->ntimestep; }
  double sum(double local) const override { return reduce(local, MPI_SUM); }
  double min(double local) const override { return reduce(local, MPI_MIN); }
  double max(double local) const override { return reduce(local, MPI_MAX); }

  int eflag = ENERGY_GLOBAL;
  double last_total_energy = 0.0;    // thermo_pe of the last evaluation, never normalised

  // Min::setup(): full re-neighbouring (with exchange and sort) and the first forces
  double setup()
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
    if (force->pair && force->pair->compute_flag) force->pair->compute(eflag, 0);
    else if (force->pair) force->pair->compute_dummy(eflag, 0);
    bonded_forces();
    if (force->kspace) {
      force->kspace->setup();
      if (force->kspace->compute_flag) force->kspace->compute(eflag, 0);
      else force->kspace->compute_dummy(eflag, 0);
    }
    modify->setup_pre_reverse(eflag, 0);
    if (force->newton) comm->reverse_comm();
    modify->setup(0);    // whichflag 2: the fixes' min_setup(), e.g. enforce2d
    update->setupflag = 0;
    freeze_outside_group();
    return energy();
  }

  // Min::energy_force()
  double energy_force() override
  {
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

  // everything after (re)neighbouring
  double forces()
  {
    set_energy_flags();
    force_clear();
    if (modify->n_min_pre_force) modify->min_pre_force(0);
    if (force->pair && force->pair->compute_flag) force->pair->compute(eflag, 0);
    bonded_forces();
    if (force->kspace && force->kspace->compute_flag) force->kspace->compute(eflag, 0);
    if (modify->n_min_pre_reverse) modify->min_pre_reverse(eflag, 0);
    if (force->newton) comm->reverse_comm();
    if (modify->n_min_post_force) modify->min_post_force(0);
    freeze_outside_group();
    return energy();
  }

 private:
  int groupbit;
  Compute *pe;

  double reduce(double local, MPI_Op op) const
  {
    double all;
    MPI_Allreduce(&local, &all, 1, MPI_DOUBLE, op, world);
    return all;
  }

  void set_energy_flags()
  {
    update->eflag_global = update->ntimestep;
    if (eflag & ENERGY_ATOM) update->eflag_atom = update->ntimestep;
  }

  void bonded_forces()
  {
    if (atom->molecular == Atom::ATOMIC) return;
    if (force->bond) force->bond->compute(eflag, 0);
    if (force->angle) force->angle->compute(eflag, 0);
    if (force->dihedral) force->dihedral->compute(eflag, 0);
    if (force->improper) force->improper->compute(eflag, 0);
  }

  // Min::force_clear()
  void force_clear()
  {
    size_t nbytes = sizeof(double) * atom->nlocal;
    if (force->newton) nbytes += sizeof(double) * atom->nghost;
    if (nbytes) {
      memset(&atom->f[0][0], 0, 3 * nbytes);
      if (atom->torque_flag) memset(&atom->torque[0][0], 0, 3 * nbytes);
      if (atom->avec->forceclearflag) atom->avec->force_clear(0, nbytes);
    }
  }

  void freeze_outside_group()
  {
    if (groupbit == 1) return;    // group all
    double **f = atom->f;
    for (int i = 0; i < atom->nlocal; i++)
      if (!(atom->mask[i] & groupbit)) f[i][0] = f[i][1] = f[i][2] = 0.0;
  }

  double energy()
  {
    last_total_energy = pe->compute_scalar();
    double e = last_total_energy;
    if (output->thermo->normflag) e /= atom->natoms;
    return e;
  }
};

/* ----------------------------------------------------------------------
   Global energy and virial tallies the MD step left for thermo output, which the quench would
   overwrite, plus the pair style's per-atom tallies of this step.
------------------------------------------------------------------------- */

struct TallySnapshot {
  struct Global {
    double energy[2] = {0.0, 0.0};
    double virial[6] = {0, 0, 0, 0, 0, 0};
  };
  Global pair, bond, angle, dihedral, improper, kspace;
  std::vector<double> eatom, vatom;
  bool has_eatom = false, has_vatom = false;

  static void save(Global &g, double e0, double e1, const double *v)
  {
    g.energy[0] = e0;
    g.energy[1] = e1;
    std::memcpy(g.virial, v, sizeof(g.virial));
  }

  void take(LAMMPS *lmp)
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

  void put(LAMMPS *lmp) const
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
};

enum { HOME_INDEX = 0, HOME_RANK = 1 };    // hidden per-atom columns after the visible ones

}    // namespace

/* ---------------------------------------------------------------------- */

FixInherent::FixInherent(LAMMPS *lmp, int narg, char **arg) :
    Fix(lmp, narg, arg), peratom_energy(0), ncols(3), nvalues(5), peratom(nullptr), append(0),
    fp(nullptr), quenching(0), xlast_call(-1)
{
  if (narg < 4) error->all(FLERR, "Illegal fix inherent command: missing N (fix ID group inherent N ...)");
  nevery = utils::inumeric(FLERR, arg[3], false, lmp);
  if (nevery <= 0) error->all(FLERR, "Fix inherent: N must be > 0, got {}", nevery);

  auto yes_no = [&](const std::string &key, const char *value) {
    const std::string v = value;
    if (v == "yes") return true;
    if (v == "no") return false;
    error->all(FLERR, "Fix inherent: {} expects yes or no, got '{}'", key, v);
    return false;
  };

  for (int iarg = 4; iarg < narg; iarg += 2) {
    const std::string key = arg[iarg];
    if (iarg + 1 >= narg) error->all(FLERR, "Fix inherent: missing value for keyword '{}'", key);
    const char *value = arg[iarg + 1];
    auto real = [&]() { return utils::numeric(FLERR, value, false, lmp); };
    auto integer = [&]() { return utils::inumeric(FLERR, value, false, lmp); };
    if (key == "etol") params.etol = real();
    else if (key == "ftol") params.ftol = real();
    else if (key == "maxiter") params.maxiter = utils::bnumeric(FLERR, value, false, lmp);
    else if (key == "maxeval") params.maxeval = utils::bnumeric(FLERR, value, false, lmp);
    else if (key == "dmax") params.dmax = real();
    else if (key == "delaystep") params.delaystep = integer();
    else if (key == "dtgrow") params.dtgrow = real();
    else if (key == "dtshrink") params.dtshrink = real();
    else if (key == "alpha0") params.alpha0 = real();
    else if (key == "alphashrink") params.alphashrink = real();
    else if (key == "tmax") params.tmax = real();
    else if (key == "tmin") params.tmin = real();
    else if (key == "vdfmax") params.vdfmax = integer();
    else if (key == "halfstepback") params.halfstepback = yes_no(key, value);
    else if (key == "initialdelay") params.initialdelay = yes_no(key, value);
    else if (key == "integrator") {
      const std::string v = value;
      if (v == "eulerimplicit") params.integrator = mlglass::FireIntegrator::euler_implicit;
      else if (v == "verlet") params.integrator = mlglass::FireIntegrator::verlet;
      else if (v == "leapfrog") params.integrator = mlglass::FireIntegrator::leapfrog;
      else if (v == "eulerexplicit") params.integrator = mlglass::FireIntegrator::euler_explicit;
      else
        error->all(FLERR,
                   "Fix inherent: integrator '{}' unknown (eulerimplicit, verlet, leapfrog, "
                   "eulerexplicit)", v);
    } else if (key == "norm") {
      const std::string v = value;
      if (v == "two") params.norm = mlglass::ForceNorm::two;
      else if (v == "max") params.norm = mlglass::ForceNorm::max;
      else if (v == "inf") params.norm = mlglass::ForceNorm::inf;
      else error->all(FLERR, "Fix inherent: norm '{}' unknown (two, max, inf)", v);
    } else if (key == "file") filename = value;
    else if (key == "append") append = yes_no(key, value);
    else if (key == "energy") peratom_energy = yes_no(key, value);
    else
      error->all(FLERR,
                 "Fix inherent: unknown keyword '{}' (expected etol, ftol, maxiter, maxeval, dmax, "
                 "delaystep, dtgrow, dtshrink, alpha0, alphashrink, tmax, tmin, integrator, "
                 "halfstepback, initialdelay, vdfmax, norm, file, append, energy)", key);
  }
  const std::string problem = params.validate();
  if (!problem.empty()) error->all(FLERR, "Fix inherent: {}", problem);

  ncols = peratom_energy ? 4 : 3;
  nvalues = ncols + 2;

  scalar_flag = 1;
  vector_flag = 1;
  size_vector = 8;
  global_freq = 1;    // the last quench's values are always available
  extscalar = 0;
  extvector = 0;
  peratom_flag = 1;
  size_peratom_cols = ncols;
  peratom_freq = 1;
  restart_global = 1;
  comm_reverse = 1;

  grow_arrays(atom->nmax);
  atom->add_callback(Atom::GROW);
  for (int i = 0; i < atom->nlocal; i++)
    for (int c = 0; c < nvalues; c++) peratom[i][c] = 0.0;

  if (!filename.empty()) {
    int ok = 1;
    if (comm->me == 0) {
      fp = fopen(filename.c_str(), append ? "a" : "w");
      ok = fp != nullptr;
      if (fp) {
        fmt::print(fp, "# fix {} inherent: one line per quench\n# step temp eis_atom eis_total "
                   "iterations evaluations fnorm reason\n", id);
        fmt::print(fp, "# reason: 0 max iterations, 1 max force evaluations, 2 energy tolerance, "
                   "3 force tolerance, 11 max iterations with v.f negative\n");
        fflush(fp);
      }
    }
    MPI_Bcast(&ok, 1, MPI_INT, 0, world);
    if (!ok)
      error->all(FLERR, "Fix inherent: cannot open file '{}' for writing: {}", filename,
                 utils::getsyserror());
  }
}

/* ---------------------------------------------------------------------- */

FixInherent::~FixInherent()
{
  atom->delete_callback(id, Atom::GROW);
  memory->destroy(peratom);
  if (fp) fclose(fp);
}

int FixInherent::setmask()
{
  return POST_NEIGHBOR | MIN_POST_NEIGHBOR | END_OF_STEP;
}

/* ---------------------------------------------------------------------- */

void FixInherent::init()
{
  if (update->whichflag != 1) return;    // the fix quenches during MD runs only; minimize is free
  if (force->pair == nullptr || !force->pair->compute_flag)
    error->all(FLERR, "Fix inherent needs a pair style that computes forces and energies");
  if (find_compute(modify, "thermo_pe") == nullptr)
    error->all(FLERR, "Fix inherent needs the thermo_pe compute");
  if (domain->triclinic) error->all(FLERR, "Fix inherent supports orthogonal boxes only");
  if (domain->box_change)
    error->all(FLERR, "Fix inherent cannot be used while the box changes (fix npt, deform, ...)");
  if (modify->min_dof())
    error->all(FLERR, "Fix inherent cannot be used with fixes adding minimizer degrees of freedom "
                      "(fix box/relax)");
  if (utils::strmatch(update->integrate_style, "^respa"))
    error->all(FLERR, "Fix inherent does not support run_style respa");
  if (lmp->kokkos) error->all(FLERR, "Fix inherent is not Kokkos-aware: run without -k on");
}

/* ----------------------------------------------------------------------
   Positions at the last neighbour build, owned atoms in their current order: the restore rebuilds
   ghosts and neighbour lists from exactly these, so they come out as the MD run had them.
------------------------------------------------------------------------- */

void FixInherent::record_neighbor_positions()
{
  if (quenching) return;
  const int nlocal = atom->nlocal;
  xlast.resize(3 * size_t(nlocal));
  if (nlocal) std::memcpy(xlast.data(), atom->x[0], 3 * sizeof(double) * nlocal);
  xlast_call = neighbor->lastcall;
}

void FixInherent::setup_post_neighbor()
{
  record_neighbor_positions();
}

void FixInherent::post_neighbor()
{
  record_neighbor_positions();
}

void FixInherent::min_post_neighbor()
{
  record_neighbor_positions();
}

/* ---------------------------------------------------------------------- */

void FixInherent::setup(int /*vflag*/)
{
  if (update->ntimestep % nevery == 0 && last.step != update->ntimestep) quench();
}

void FixInherent::end_of_step()
{
  if (last.step != update->ntimestep) quench();
}

/* ---------------------------------------------------------------------- */

void FixInherent::quench()
{
  Compute *temperature = find_compute(modify, "thermo_temp");
  const double temp_now = temperature ? temperature->compute_scalar() : 0.0;

  const int nlocal0 = atom->nlocal;
  const int me = comm->me;
  const bool exact = xlast_call == neighbor->lastcall && xlast.size() == 3 * size_t(nlocal0);
  if (!exact && me == 0)
    error->warning(FLERR, "Fix inherent: positions of the last neighbor build unknown (run pre "
                          "no after a change?); the trajectory continues correctly but not "
                          "bit-identically");

  // ---- 1. save the dynamical state ------------------------------------------------------------
  const size_t n3 = 3 * size_t(nlocal0);
  std::vector<double> x0(n3), v0(n3), f0(n3), torque0;
  std::vector<imageint> image0(atom->image, atom->image + nlocal0);
  if (nlocal0) {
    std::memcpy(x0.data(), atom->x[0], n3 * sizeof(double));
    std::memcpy(v0.data(), atom->v[0], n3 * sizeof(double));
    std::memcpy(f0.data(), atom->f[0], n3 * sizeof(double));
    if (atom->torque_flag) torque0.assign(&atom->torque[0][0], &atom->torque[0][0] + n3);
  }
  for (int i = 0; i < nlocal0; i++) {
    peratom[i][ncols + HOME_INDEX] = i;
    peratom[i][ncols + HOME_RANK] = me;
  }
  TallySnapshot tallies;
  tallies.take(lmp);

  const int ago = neighbor->ago, every = neighbor->every, delay = neighbor->delay;
  const int dist_check = neighbor->dist_check;
  const bigint lastcall = neighbor->lastcall, ncalls = neighbor->ncalls;
  const bigint ndanger = neighbor->ndanger;
  const bigint ntimestep = update->ntimestep, nextsort = atom->nextsort;
  const bigint eflag_global = update->eflag_global, eflag_atom = update->eflag_atom;
  const bigint vflag_global = update->vflag_global, vflag_atom = update->vflag_atom;
  const double dt = update->dt;
  const int whichflag = update->whichflag;

  // ---- 2. quench: Min::init() settings, Min::setup(), MinFire, Min::run() -----------------------
  quenching = 1;
  neighbor->every = 1;
  neighbor->delay = 0;
  neighbor->dist_check = 1;
  update->whichflag = 2;
  LammpsFireSystem system(lmp, groupbit);
  const double e0 = system.setup();
  const mlglass::FireResult result = mlglass::fire_minimize(system, params, dt, e0);
  double total_energy = system.last_total_energy;

  const int nlocal = atom->nlocal;
  if (peratom_energy) {
    // one more evaluation at the minimum for per-atom energies (same positions, same totals)
    system.eflag = ENERGY_GLOBAL | ENERGY_ATOM;
    system.forces();
    total_energy = system.last_total_energy;
    const int nall = nlocal + atom->nghost;
    eatom_sum.assign(nall, 0.0);
    auto add = [&](const double *e, int n) {
      if (e)
        for (int i = 0; i < n; i++) eatom_sum[i] += e[i];
    };
    add(force->pair->eatom, force->newton_pair ? nall : nlocal);
    if (atom->molecular != Atom::ATOMIC) {
      if (force->bond) add(force->bond->eatom, force->newton_bond ? nall : nlocal);
      if (force->angle) add(force->angle->eatom, force->newton_bond ? nall : nlocal);
      if (force->dihedral) add(force->dihedral->eatom, force->newton_bond ? nall : nlocal);
      if (force->improper) add(force->improper->eatom, force->newton_bond ? nall : nlocal);
    }
    if (force->kspace) add(force->kspace->eatom, nlocal);
    if (force->newton) mlglass_compat::reverse_comm(comm, this, 1);
    for (int i = 0; i < nlocal; i++) peratom[i][3] = eatom_sum[i];
  }
  for (int i = 0; i < nlocal; i++) {
    double xs[3] = {atom->x[i][0], atom->x[i][1], atom->x[i][2]};
    imageint im = atom->image[i];
    domain->remap(xs, im);
    peratom[i][0] = xs[0];
    peratom[i][1] = xs[1];
    peratom[i][2] = xs[2];
  }

  // ---- 3. restore: home ranks and order, ghosts and lists as built by the MD, then the state ----
  if (comm->nprocs > 1) {
    std::vector<int> procassign(nlocal);
    for (int i = 0; i < nlocal; i++) procassign[i] = int(peratom[i][ncols + HOME_RANK]);
    Irregular irregular(lmp);
    irregular.migrate_atoms(0, 1, procassign.data());
  }
  if (atom->nlocal != nlocal0)
    error->one(FLERR, "Fix inherent: rank {} got {} atoms back, had {}", me, atom->nlocal, nlocal0);
  restore_home_order();

  double **x = atom->x;
  const std::vector<double> &xbuild = exact ? xlast : x0;
  for (int i = 0; i < nlocal0; i++)
    for (int d = 0; d < 3; d++) x[i][d] = xbuild[3 * i + d];
  // borders() appends to the ghosts present: clear them as exchange() would
  if (atom->map_style != Atom::MAP_NONE) atom->map_clear();
  atom->nghost = 0;
  atom->avec->clear_bonus();
  comm->setup();
  if (neighbor->style) neighbor->setup_bins();
  comm->borders();
  neighbor->build(1);

  x = atom->x;
  for (int i = 0; i < nlocal0; i++) {
    for (int d = 0; d < 3; d++) {
      x[i][d] = x0[3 * i + d];
      atom->v[i][d] = v0[3 * i + d];
      atom->f[i][d] = f0[3 * i + d];
      if (atom->torque_flag) atom->torque[i][d] = torque0[3 * i + d];
    }
    atom->image[i] = image0[i];
  }
  comm->forward_comm();
  tallies.put(lmp);

  neighbor->ago = ago;
  neighbor->every = every;
  neighbor->delay = delay;
  neighbor->dist_check = dist_check;
  neighbor->lastcall = lastcall;
  neighbor->ncalls = ncalls;
  neighbor->ndanger = ndanger;
  update->ntimestep = ntimestep;
  atom->nextsort = nextsort;
  update->eflag_global = eflag_global;
  update->eflag_atom = eflag_atom;
  update->vflag_global = vflag_global;
  update->vflag_atom = vflag_atom;
  update->dt = dt;
  update->whichflag = whichflag;
  quenching = 0;
  if (!exact) record_neighbor_positions();

  // ---- 4. report ------------------------------------------------------------------------------
  last.eis_total = total_energy;
  last.eis_atom = total_energy / double(atom->natoms);
  last.fnorm = result.fnorm2_final;
  last.iterations = result.iterations;
  last.evaluations = result.evaluations;
  last.reason = int(result.reason);
  last.step = ntimestep;
  last.count++;
  if (me == 0) {
    if (result.reason != mlglass::StopReason::energy_tolerance &&
        result.reason != mlglass::StopReason::force_tolerance)
      error->warning(FLERR,
                     "Fix inherent: quench at step {} stopped by {} after {} iterations "
                     "(force norm {:.6g}); raise maxiter/maxeval or loosen etol/ftol",
                     ntimestep, mlglass::stop_reason_name(result.reason), result.iterations,
                     result.fnorm2_final);
    write_line(temp_now);
  }
}

/* ----------------------------------------------------------------------
   Put every owned atom back at the index it had before the quench (cycle-following permutation
   through a spare slot, as Atom::sort() does); AtomVec::copy() moves fix per-atom data too.
------------------------------------------------------------------------- */

void FixInherent::restore_home_order()
{
  const int n = atom->nlocal;
  std::vector<int> at(n);    // at[h] = current index of the atom whose home index is h
  for (int i = 0; i < n; i++) at[int(peratom[i][ncols + HOME_INDEX])] = i;
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

/* ---------------------------------------------------------------------- */

void FixInherent::write_line(double temperature)
{
  if (!fp) return;
  fmt::print(fp, "{} {:.8g} {:.12g} {:.12g} {} {} {:.8g} {}\n", last.step, temperature,
             last.eis_atom, last.eis_total, last.iterations, last.evaluations, last.fnorm,
             last.reason);
  fflush(fp);
}

double FixInherent::compute_scalar()
{
  return last.eis_atom;
}

double FixInherent::compute_vector(int n)
{
  switch (n) {
    case 0: return last.eis_atom;
    case 1: return last.eis_total;
    case 2: return double(last.iterations);
    case 3: return double(last.evaluations);
    case 4: return last.fnorm;
    case 5: return double(last.reason);
    case 6: return double(last.step);
    default: return double(last.count);
  }
}

/* ---------------------------------------------------------------------- */

void FixInherent::write_restart(FILE *fpr)
{
  const double list[9] = {1.0,    // format version
                          last.eis_atom,        last.eis_total,           last.fnorm,
                          double(last.iterations), double(last.evaluations), double(last.step),
                          double(last.count),   double(last.reason)};
  if (comm->me == 0) {
    const int size = sizeof(list);
    fwrite(&size, sizeof(int), 1, fpr);
    fwrite(list, sizeof(double), 9, fpr);
  }
}

void FixInherent::restart(char *buf)
{
  const auto *list = reinterpret_cast<const double *>(buf);
  if (list[0] != 1.0) error->all(FLERR, "Fix inherent: unknown restart format {}", list[0]);
  last.eis_atom = list[1];
  last.eis_total = list[2];
  last.fnorm = list[3];
  last.iterations = bigint(list[4]);
  last.evaluations = bigint(list[5]);
  last.step = bigint(list[6]);
  last.count = bigint(list[7]);
  last.reason = int(list[8]);
}

/* ---------------------------------------------------------------------- */

void FixInherent::grow_arrays(int nmax)
{
  memory->grow(peratom, nmax, nvalues, "inherent:peratom");
  array_atom = peratom;
}

void FixInherent::copy_arrays(int i, int j, int /*delflag*/)
{
  for (int c = 0; c < nvalues; c++) peratom[j][c] = peratom[i][c];
}

int FixInherent::pack_exchange(int i, double *buf)
{
  for (int c = 0; c < nvalues; c++) buf[c] = peratom[i][c];
  return nvalues;
}

int FixInherent::unpack_exchange(int nlocal, double *buf)
{
  for (int c = 0; c < nvalues; c++) peratom[nlocal][c] = buf[c];
  return nvalues;
}

int FixInherent::pack_reverse_comm(int n, int first, double *buf)
{
  for (int i = 0; i < n; i++) buf[i] = eatom_sum[first + i];
  return n;
}

void FixInherent::unpack_reverse_comm(int n, int *list, double *buf)
{
  for (int i = 0; i < n; i++) eatom_sum[list[i]] += buf[i];
}

double FixInherent::memory_usage()
{
  return double(atom->nmax) * nvalues * sizeof(double) +
      (xlast.capacity() + eatom_sum.capacity()) * sizeof(double);
}
