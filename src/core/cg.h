// Polak-Ribiere conjugate gradients as LAMMPS `min_style cg` implements them (MinCG::iterate with
// MinLineSearch's `quadratic` and `backtrack` line searches, Min::run's stopping rules): same
// constants, defaults and floating-point operation order, so a quench driven through this code
// and the LAMMPS `minimize` command give the same energies, iteration and evaluation counts.
//
// Work vectors of the system: work(0) holds the line search's start positions, work(1) the last
// gradient g, work(2) the search direction h.
#pragma once

#include <string>

#include "min_system.h"

namespace mlglass {

enum class LineSearch { backtrack = 0, quadratic = 1 };

struct CgParams : MinParams {
  LineSearch linesearch = LineSearch::quadratic;  // `min_modify line`, LAMMPS' default

  std::string validate() const { return MinParams::validate(); }
};

// Relax `system` from its current positions; `initial_energy` is the energy of the current forces,
// already evaluated by the caller's setup (LAMMPS Min::setup()).
MinResult cg_minimize(MinSystem &system, const CgParams &params, double initial_energy);

}  // namespace mlglass
