/* ----------------------------------------------------------------------
   ML-GLASS package for LAMMPS: fix inherent. Documentation: doc/fix_inherent.rst

   Every N steps: take a snapshot of the MD state (md_snapshot.h), quench with the core FIRE 2.0 or
   conjugate gradients through LAMMPS' own force evaluation (lammps_min_system.h), restore the
   snapshot, report.
------------------------------------------------------------------------- */

#include "fix_inherent.h"

#include "lammps_min_system.h"
#include "md_snapshot.h"
#include "mlglass_lammps_compat.h"
#include "pair_energy_shift.h"

#include "angle.h"
#include "atom.h"
#include "atom_masks.h"
#include "bond.h"
#include "comm.h"
#include "compute.h"
#include "dihedral.h"
#include "domain.h"
#include "error.h"
#include "force.h"
#include "group.h"
#include "improper.h"
#include "kspace.h"
#include "memory.h"
#include "modify.h"
#include "neighbor.h"
#include "pair.h"
#include "update.h"

#include <cerrno>
#include <cstring>
#include <set>

using namespace LAMMPS_NS;
using namespace FixConst;

namespace {
const int HOME_COLS = 2;    // hidden per-atom columns after the visible ones: home index, rank
}    // namespace

/* ---------------------------------------------------------------------- */

FixInherent::FixInherent(LAMMPS *lmp, int narg, char **arg) :
    FixInherent(lmp, narg, arg, "inherent")
{
}

// variant: the style name for the file header (Modify renames a suffixed fix after construction)
FixInherent::FixInherent(LAMMPS *lmp, int narg, char **arg, const char *variant) :
    Fix(lmp, narg, arg), minstyle(FIRE), linesearch(mlglass::LineSearch::quadratic), shift(1),
    flowtol(mlglass::FlowParams().flowtol), work{nullptr, nullptr, nullptr, nullptr}, nwork(0),
    peratom_energy(0), ncols(3), nvalues(5), peratom(nullptr), append(0), fp(nullptr), quenching(0),
    xlast_call(-1)
{
  if (narg < 4)
    error->all(FLERR, "Illegal fix inherent command: missing N (fix ID group inherent N ...)");
  nevery = utils::inumeric(FLERR, arg[3], false, lmp);
  if (nevery <= 0) error->all(FLERR, "Fix inherent: N must be > 0, got {}", nevery);

  auto yes_no = [&](const std::string &key, const char *value) {
    return mlglass_compat::logical(lmp, "Fix inherent", key, value);
  };

  std::string fire_keyword;    // the first FIRE-only keyword given, for the checks below
  std::string flow_keyword;    // flowtol, if given
  std::string cg_keyword;      // line or shift, if given
  for (int iarg = 4; iarg < narg; iarg += 2) {
    const std::string key = arg[iarg];
    static const std::set<std::string> fire_only = {
        "delaystep", "dtgrow", "dtshrink",     "alpha0",       "alphashrink", "tmax",
        "tmin",      "vdfmax", "halfstepback", "initialdelay", "integrator"};
    if (fire_keyword.empty() && fire_only.count(key)) fire_keyword = key;
    if (iarg + 1 >= narg) error->all(FLERR, "Fix inherent: missing value for keyword '{}'", key);
    const char *value = arg[iarg + 1];
    auto real = [&]() {
      return utils::numeric(FLERR, value, false, lmp);
    };
    auto integer = [&]() {
      return utils::inumeric(FLERR, value, false, lmp);
    };
    if (key == "etol")
      params.etol = real();
    else if (key == "ftol")
      params.ftol = real();
    else if (key == "maxiter")
      params.maxiter = utils::bnumeric(FLERR, value, false, lmp);
    else if (key == "maxeval")
      params.maxeval = utils::bnumeric(FLERR, value, false, lmp);
    else if (key == "dmax")
      params.dmax = real();
    else if (key == "delaystep")
      params.delaystep = integer();
    else if (key == "dtgrow")
      params.dtgrow = real();
    else if (key == "dtshrink")
      params.dtshrink = real();
    else if (key == "alpha0")
      params.alpha0 = real();
    else if (key == "alphashrink")
      params.alphashrink = real();
    else if (key == "tmax")
      params.tmax = real();
    else if (key == "tmin")
      params.tmin = real();
    else if (key == "vdfmax")
      params.vdfmax = integer();
    else if (key == "halfstepback")
      params.halfstepback = yes_no(key, value);
    else if (key == "initialdelay")
      params.initialdelay = yes_no(key, value);
    else if (key == "integrator") {
      const std::string v = value;
      if (v == "eulerimplicit")
        params.integrator = mlglass::FireIntegrator::euler_implicit;
      else if (v == "verlet")
        params.integrator = mlglass::FireIntegrator::verlet;
      else if (v == "leapfrog")
        params.integrator = mlglass::FireIntegrator::leapfrog;
      else if (v == "eulerexplicit")
        params.integrator = mlglass::FireIntegrator::euler_explicit;
      else
        error->all(FLERR,
                   "Fix inherent: integrator '{}' unknown (eulerimplicit, verlet, leapfrog, "
                   "eulerexplicit)",
                   v);
    } else if (key == "norm") {
      const std::string v = value;
      if (v == "two")
        params.norm = mlglass::ForceNorm::two;
      else if (v == "max")
        params.norm = mlglass::ForceNorm::max;
      else if (v == "inf")
        params.norm = mlglass::ForceNorm::inf;
      else
        error->all(FLERR, "Fix inherent: norm '{}' unknown (two, max, inf)", v);
    } else if (key == "min") {
      const std::string v = value;
      if (v == "fire")
        minstyle = FIRE;
      else if (v == "cg")
        minstyle = CG;
      else if (v == "flow")
        minstyle = FLOW;
      else
        error->all(FLERR, "Fix inherent: min '{}' unknown (fire, cg, flow)", v);
    } else if (key == "flowtol") {
      flowtol = real();
      flow_keyword = key;
    } else if (key == "shift") {
      shift = yes_no(key, value);
      cg_keyword = key;
    } else if (key == "line") {
      cg_keyword = key;
      const std::string v = value;
      if (v == "quadratic")
        linesearch = mlglass::LineSearch::quadratic;
      else if (v == "backtrack")
        linesearch = mlglass::LineSearch::backtrack;
      else
        error->all(FLERR, "Fix inherent: line '{}' unknown (quadratic, backtrack)", v);
    } else if (key == "file")
      filename = value;
    else if (key == "append")
      append = yes_no(key, value);
    else if (key == "energy")
      peratom_energy = yes_no(key, value);
    else
      error->all(
          FLERR,
          "Fix inherent: unknown keyword '{}' (expected min, etol, ftol, maxiter, maxeval, "
          "dmax, norm, line, shift, flowtol, delaystep, dtgrow, dtshrink, alpha0, alphashrink, "
          "tmax, tmin, "
          "integrator, halfstepback, initialdelay, vdfmax, file, append, energy)",
          key);
  }
  const char *minname = minstyle == FIRE ? "fire" : (minstyle == CG ? "cg" : "flow");
  if (minstyle != FIRE && !fire_keyword.empty())
    error->all(FLERR, "Fix inherent: keyword '{}' applies to min fire only, not to min {}",
               fire_keyword, minname);
  if (minstyle != CG && !cg_keyword.empty())
    error->all(FLERR, "Fix inherent: keyword '{}' applies to min cg only, not to min {}",
               cg_keyword, minname);
  if (minstyle != FLOW && !flow_keyword.empty())
    error->all(FLERR, "Fix inherent: keyword 'flowtol' applies to min flow only, not to min {}",
               minname);
  const std::string problem = minstyle == FLOW ? flow_params().validate() : params.validate();
  if (!problem.empty()) error->all(FLERR, "Fix inherent: {}", problem);

  ncols = peratom_energy ? 4 : 3;
  nvalues = ncols + HOME_COLS;

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
  maxexchange = nvalues + 3 * work_vectors();    // doubles per migrating atom

  // -k on: a plain (host) fix, as LAMMPS' own non-Kokkos fixes: Modify syncs everything to the
  // host before post_neighbor()/end_of_step() and marks everything modified after, since a quench
  // moves, migrates and reorders atoms; within the quench the FIRE system and the snapshot sync
  // around each step that runs in KOKKOS (lammps_min_system.cpp, md_snapshot.cpp).
  kokkosable = 0;
  execution_space = Host;
  datamask_read = ALL_MASK;
  datamask_modify = ALL_MASK;

  // the output file first: an error after add_callback() would leave the callback behind
  if (!filename.empty()) {
    int status[2] = {1, 0};    // ok (1), cannot open (0) or cannot write (-1); errno on rank 0
    if (comm->me == 0) {
      fp = fopen(filename.c_str(), append ? "a" : "w");
      status[0] = fp != nullptr;
      if (fp) {
        fmt::print(fp,
                   "# fix {} {}: one line per quench (min {})\n# step temp eis_atom "
                   "eis_total iterations evaluations fnorm reason\n",
                   id, variant, minname);
        fmt::print(fp,
                   "# reason: 0 max iterations, 1 max force evaluations, 2 energy tolerance, "
                   "3 force tolerance, 4 search direction not downhill, 5 linesearch alpha is "
                   "zero, 6 forces are zero, 7 quadratic factors are zero, 11 max iterations "
                   "with v.f negative\n");
        if (fflush(fp) != 0) status[0] = -1;
      }
      status[1] = errno;
    }
    MPI_Bcast(status, 2, MPI_INT, 0, world);
    if (status[0] == 0)
      error->all(FLERR, "Fix inherent: cannot open file '{}' for writing: {}", filename,
                 strerror(status[1]));
    if (status[0] < 0)
      error->all(FLERR, "Fix inherent: cannot write to file '{}': {}", filename,
                 strerror(status[1]));
  }

  grow_arrays(atom->nmax);    // before nwork is set: sizes the CG work vectors too
  atom->add_callback(Atom::GROW);
  for (int i = 0; i < atom->nlocal; i++)
    for (int c = 0; c < nvalues; c++) peratom[i][c] = 0.0;
}

/* ---------------------------------------------------------------------- */

FixInherent::~FixInherent()
{
  atom->delete_callback(id, Atom::GROW);
  memory->destroy(peratom);
  for (double *&w : work) memory->destroy(w);
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
  if (mlglass_compat::find_compute(modify, "thermo_pe") == nullptr)
    error->all(FLERR, "Fix inherent needs the thermo_pe compute");
  if (domain->triclinic) error->all(FLERR, "Fix inherent supports orthogonal boxes only");
  if (domain->box_change)
    error->all(FLERR, "Fix inherent cannot be used while the box changes (fix npt, deform, ...)");
  if (modify->min_dof())
    error->all(FLERR,
               "Fix inherent cannot be used with fixes adding minimizer degrees of freedom "
               "(fix box/relax)");
  const std::string unshiftable = PairEnergyShift::unsupported(lmp);
  if (minstyle == CG && shift && !unshiftable.empty())
    error->all(FLERR,
               "Fix inherent: min cg shift yes cannot shift the energy: {}; use pair_modify "
               "shift yes (or pair_modify pair ... shift yes) and shift no in the fix",
               unshiftable);
  if (utils::strmatch(update->integrate_style, "^respa"))
    error->all(FLERR, "Fix inherent does not support run_style respa");
  if (mlglass_compat::kokkos_on(lmp) && !mlglass_compat::kokkos_sync_available())
    error->all(FLERR,
               "Fix inherent under -k on needs Atom::sync_modify() or the AtomKokkos::sync() "
               "and modified() of liblammps, which this LAMMPS ({}) "
               "lacks: run without -k on (see doc/build.rst)",
               LAMMPS_VERSION_NUMBER);
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
  Compute *temperature = mlglass_compat::find_compute(modify, "thermo_temp");
  const double temp_now = temperature ? temperature->compute_scalar() : 0.0;

  if (group->count(igroup) == 0)
    error->all(FLERR,
               "Fix inherent: group '{}' has no atoms at step {}: there is nothing to quench "
               "(E_IS would be the unrelaxed energy)",
               group->names[igroup], update->ntimestep);

  const int nlocal0 = atom->nlocal;
  const int me = comm->me;
  const bool exact = xlast_call == neighbor->lastcall && xlast.size() == 3 * size_t(nlocal0);
  if (!exact && me == 0)
    error->warning(FLERR,
                   "Fix inherent: positions of the last neighbor build unknown (run pre "
                   "no after a change?); the trajectory continues correctly but not "
                   "bit-identically");

  // ---- 1. save the dynamical state ------------------------------------------------------------
  MDSnapshot snapshot;
  snapshot.take(lmp, peratom, ncols);
  const double dt = update->dt;

  // ---- 2. quench: Min::init() settings, Min::setup(), MinFire, Min::run() -----------------------
  quenching = 1;
  neighbor->every = 1;
  neighbor->delay = 0;
  neighbor->dist_check = 1;
  update->whichflag = 2;
  std::unique_ptr<LammpsMinSystem> system_owner = make_system();
  LammpsMinSystem &system = *system_owner;
  mlglass::MinResult result;
  bool shifted = false;
  {
    PairEnergyShift line_search_energy(lmp, minstyle == CG && shift);
    shifted = line_search_energy.active();
    const double e0 = system.setup();
    result = minimize(system, e0, dt);
  }
  system.check_no_atoms_lost(snapshot.ntimestep());
  const double total_energy = minimum(system, shifted);

  // ---- 3. restore: home ranks and order, ghosts and lists as built by the MD, then the state ----
  snapshot.restore(lmp, peratom, ncols, exact ? &xlast : nullptr);
  quenching = 0;
  if (!exact) record_neighbor_positions();

  // ---- 4. report ------------------------------------------------------------------------------
  last.eis_total = total_energy;
  last.eis_atom = total_energy / double(atom->natoms);
  last.fnorm = result.fnorm2_final;
  last.iterations = result.iterations;
  last.evaluations = result.evaluations;
  last.reason = int(result.reason);
  last.step = snapshot.ntimestep();
  last.count++;
  if (me == 0 && !mlglass::converged(result.reason))
    error->warning(FLERR,
                   "Fix inherent: quench at step {} stopped by {} after {} iterations (force norm "
                   "{:.6g}, ftol {:.6g}): {}",
                   last.step, mlglass::stop_reason_name(result.reason), result.iterations,
                   result.fnorm2_final, params.ftol, mlglass::unconverged_advice(result, params));
  write_line(temp_now);
}

std::unique_ptr<LammpsMinSystem> FixInherent::make_system()
{
  return std::make_unique<LammpsMinSystem>(lmp, groupbit, [this](int k) {
    return work[k];
  });
}

/* ----------------------------------------------------------------------
   The chosen minimiser; CG's work vectors move with migrating atoms while it runs
------------------------------------------------------------------------- */

mlglass::MinResult FixInherent::minimize(LammpsMinSystem &system, double e0, double dt)
{
  if (minstyle == FIRE) return mlglass::fire_minimize(system, params, dt, e0);
  nwork = work_vectors();
  mlglass::MinResult result;
  if (minstyle == CG)
    result = mlglass::cg_minimize(system, cg_params(), e0);
  else
    result = mlglass::flow_minimize(system, flow_params(), e0);
  nwork = 0;
  return result;
}

// the tolerances and limits given to the fix (parsed into params) with CG's or the flow's own
mlglass::CgParams FixInherent::cg_params() const
{
  mlglass::CgParams cg;
  static_cast<mlglass::MinParams &>(cg) = params;
  cg.linesearch = linesearch;
  return cg;
}

mlglass::FlowParams FixInherent::flow_params() const
{
  mlglass::FlowParams flow;
  static_cast<mlglass::MinParams &>(flow) = params;
  flow.flowtol = flowtol;
  return flow;
}

int FixInherent::work_vectors() const
{
  return minstyle == CG ? 3 : (minstyle == FLOW ? 4 : 0);
}

/* ----------------------------------------------------------------------
   The per-atom columns at the minimum the quench reached: unwrapped-into-the-box positions and,
   with `energy yes`, per-atom energies from one more evaluation there (same positions, same
   totals); also after a quench on the shifted energy (min cg shift yes), to report the energy of
   the unshifted potential. Returns the total energy of the minimum.
------------------------------------------------------------------------- */

double FixInherent::minimum(LammpsMinSystem &system, bool reevaluate)
{
  const int nlocal = atom->nlocal;
  if (reevaluate || peratom_energy) {
    if (peratom_energy) system.eflag = ENERGY_GLOBAL | ENERGY_ATOM;
    system.forces();
  }
  system.to_host();
  const double total_energy = system.last_total_energy;
  if (peratom_energy) {
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
  return total_energy;
}

/* ---------------------------------------------------------------------- */

// one line per quench, flushed and checked on rank 0: a write error (full disk, quota) stops
// the run on all ranks instead of leaving a file that silently ends early
void FixInherent::write_line(double temperature)
{
  if (filename.empty()) return;
  int status[2] = {1, 0};    // ok, errno on rank 0
  if (comm->me == 0) {
    fmt::print(fp, "{} {:.8g} {:.12g} {:.12g} {} {} {:.8g} {}\n", last.step, temperature,
               last.eis_atom, last.eis_total, last.iterations, last.evaluations, last.fnorm,
               last.reason);
    status[0] = fflush(fp) == 0 && !ferror(fp);
    status[1] = errno;
  }
  MPI_Bcast(status, 2, MPI_INT, 0, world);
  if (!status[0])
    error->all(FLERR, "Fix inherent: cannot write to file '{}' (quench at step {}): {}", filename,
               last.step, strerror(status[1]));
}

double FixInherent::compute_scalar()
{
  return last.eis_atom;
}

double FixInherent::compute_vector(int n)
{
  switch (n) {
    case 0:
      return last.eis_atom;
    case 1:
      return last.eis_total;
    case 2:
      return double(last.iterations);
    case 3:
      return double(last.evaluations);
    case 4:
      return last.fnorm;
    case 5:
      return double(last.reason);
    case 6:
      return double(last.step);
    default:
      return double(last.count);
  }
}

/* ---------------------------------------------------------------------- */

void FixInherent::write_restart(FILE *fpr)
{
  const double list[9] = {1.0,    // format version
                          last.eis_atom,
                          last.eis_total,
                          last.fnorm,
                          double(last.iterations),
                          double(last.evaluations),
                          double(last.step),
                          double(last.count),
                          double(last.reason)};
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
  for (int k = 0; k < work_vectors(); k++) memory->grow(work[k], 3 * nmax, "inherent:work");
}

void FixInherent::copy_arrays(int i, int j, int /*delflag*/)
{
  for (int c = 0; c < nvalues; c++) peratom[j][c] = peratom[i][c];
  for (int k = 0; k < nwork; k++)
    for (int d = 0; d < 3; d++) work[k][3 * j + d] = work[k][3 * i + d];
}

int FixInherent::pack_exchange(int i, double *buf)
{
  int m = 0;
  for (int c = 0; c < nvalues; c++) buf[m++] = peratom[i][c];
  for (int k = 0; k < nwork; k++)
    for (int d = 0; d < 3; d++) buf[m++] = work[k][3 * i + d];
  return m;
}

int FixInherent::unpack_exchange(int nlocal, double *buf)
{
  int m = 0;
  for (int c = 0; c < nvalues; c++) peratom[nlocal][c] = buf[m++];
  for (int k = 0; k < nwork; k++)
    for (int d = 0; d < 3; d++) work[k][3 * nlocal + d] = buf[m++];
  return m;
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
  const int nvec = 3 * work_vectors();
  return double(atom->nmax) * (nvalues + nvec) * sizeof(double) +
      (xlast.capacity() + eatom_sum.capacity()) * sizeof(double);
}
