// Steepest-descent flow dx/dt = F(x), integrated accurately: the textbook definition of the basin
// of attraction of a minimum (the inherent structure of a configuration is the end point of this
// path). FIRE's inertia and CG's line searches both leave the path and may end in another
// minimum; this integrator is the reference against which they are measured, at a cost of many
// more force evaluations.
//
// Bogacki-Shampine 3(2) embedded Runge-Kutta (first same as last: three evaluations per step)
// with step-size control on the largest coordinate error of a step relative to the step's largest
// displacement (plus 1e-6 dmax, so that steps across jumps of the forces at a cutoff are taken). Work vectors of the system:
// work(0) the step's start positions, work(1..3) the stage forces.
#pragma once

#include <string>

#include "min_system.h"

namespace mlglass {

struct FlowParams : MinParams {
  // largest error of any coordinate in one step, relative to the step's largest displacement;
  // dmax caps that displacement
  double flowtol = 1.0e-3;

  std::string validate() const;
};

// Relax `system` along the steepest-descent path from its current positions; `initial_energy` is
// the energy of the current forces. MinResult::flow_time is the length of the path in time units
// of dx/dt = F.
MinResult flow_minimize(MinSystem &system, const FlowParams &params, double initial_energy);

}  // namespace mlglass
