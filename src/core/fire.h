// FIRE 2.0 energy minimisation (Bitzek et al. 2006; Guenole et al. 2020) as LAMMPS `min_style
// fire` implements it in MinFire::iterate() and Min::run(): same parameters, defaults, stopping
// rules and floating-point operation order, so a quench driven through this code and the LAMMPS
// `minimize` command give the same energies and iteration counts.
#pragma once

#include <string>

#include "min_system.h"

namespace mlglass {

enum class FireIntegrator { euler_implicit = 0, verlet = 1, leapfrog = 2, euler_explicit = 3 };

// the `min_modify` keywords of min_style fire, with LAMMPS' defaults
struct FireParams : MinParams {
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

  // Empty if valid, else what is wrong (as LAMMPS MinFire::init() checks, plus tolerances).
  std::string validate() const;
};

// Relax `system` from its current positions. dt is the MD timestep the FIRE steps start from
// (LAMMPS: update->dt); `initial_energy` is the energy of the current forces, already evaluated
// by the caller's setup (LAMMPS Min::setup()). Velocities are overwritten.
MinResult fire_minimize(MinSystem &system, const FireParams &params, double dt,
                        double initial_energy);

}  // namespace mlglass
