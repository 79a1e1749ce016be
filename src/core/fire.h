// FIRE 2.0 energy minimisation (Bitzek et al. 2006; Guenole et al. 2020) as LAMMPS `min_style
// fire` implements it in MinFire::iterate() and Min::run(): same parameters, defaults, stopping
// rules and floating-point operation order, so a quench driven through this code and the LAMMPS
// `minimize` command give the same energies and iteration counts.
//
// The algorithm sees the system through FireSystem: flat x, v, f arrays (3 per atom), masses, an
// energy/force evaluation that may migrate or reorder atoms (the arrays are re-fetched after every
// call), and global reductions (MPI in LAMMPS, identity in a serial test).
#pragma once

#include <cstdint>
#include <string>

namespace mlglass {

// Numbering and names of LAMMPS Min::stopstrings().
enum class StopReason {
  max_iterations = 0,
  max_evaluations = 1,
  energy_tolerance = 2,
  force_tolerance = 3,
  max_vdotf_negative = 11,
};
const char *stop_reason_name(StopReason reason);

enum class FireIntegrator { euler_implicit = 0, verlet = 1, leapfrog = 2, euler_explicit = 3 };
enum class ForceNorm { two, max, inf };

struct FireParams {
  // `minimize etol ftol maxiter maxeval`
  double etol = 0.0;
  double ftol = 1.0e-8;
  std::int64_t maxiter = 100000;
  std::int64_t maxeval = 1000000;
  // `min_modify` keywords with LAMMPS' defaults
  double dmax = 0.1;
  int delaystep = 20;
  double dtgrow = 1.1;
  double dtshrink = 0.5;
  double alpha0 = 0.25;
  double alphashrink = 0.99;
  double tmax = 10.0;
  double tmin = 0.02;
  FireIntegrator integrator = FireIntegrator::euler_implicit;
  bool halfstepback = true;
  bool initialdelay = true;
  int vdfmax = 2000;
  ForceNorm norm = ForceNorm::two;

  // Empty if valid, else what is wrong (as LAMMPS MinFire::init() checks, plus tolerances).
  std::string validate() const;
};

class FireSystem {
 public:
  virtual ~FireSystem() = default;
  virtual int size() const = 0;          // local atoms
  virtual double *x() = 0;               // 3 * size(), valid until the next energy_force()
  virtual double *v() = 0;
  virtual double *f() = 0;
  virtual double mass(int i) const = 0;  // per-atom or per-type mass of local atom i
  virtual double ftm2v() const { return 1.0; }
  // Forces into f(), returns the energy the tolerances are applied to (LAMMPS: per atom when
  // thermo_modify norm yes).
  virtual double energy_force() = 0;
  virtual void next_iteration() {}       // LAMMPS: ++update->ntimestep
  virtual double sum(double local) const { return local; }
  virtual double min(double local) const { return local; }
  virtual double max(double local) const { return local; }
};

struct FireResult {
  StopReason reason = StopReason::max_iterations;
  std::int64_t iterations = 0;
  std::int64_t evaluations = 0;   // force evaluations inside the iterations (LAMMPS neval)
  double energy_initial = 0.0;
  double energy_final = 0.0;
  double fnorm2_final = 0.0;      // Euclidean norm of the final force vector
  double fnorminf_final = 0.0;    // largest force component
  double dt_final = 0.0;
};

// Relax `system` from its current positions. dt is the MD timestep the FIRE steps start from
// (LAMMPS: update->dt); `initial_energy` is the energy of the current forces, already evaluated
// by the caller's setup (LAMMPS Min::setup()). Velocities are overwritten.
FireResult fire_minimize(FireSystem &system, const FireParams &params, double dt,
                         double initial_energy);

double fnorm_sqr(FireSystem &system);
double fnorm_inf(FireSystem &system);
double fnorm_max(FireSystem &system);

}  // namespace mlglass
