#include "fire.h"

#include <algorithm>
#include <cmath>

namespace mlglass {

namespace {
constexpr double EPS_ENERGY = 1.0e-8;  // LAMMPS min_fire.cpp
}

std::string FireParams::validate() const {
  const std::string common = MinParams::validate();
  if (!common.empty()) return common;
  if (delaystep < 0) return "delaystep must be >= 0";
  if (tmax < tmin) return "tmax has to be larger than tmin";
  if (tmin < 0.0) return "tmin must be >= 0";
  if (dtgrow < 1.0) return "dtgrow has to be larger than 1.0";
  if (dtshrink > 1.0 || dtshrink <= 0.0) return "dtshrink has to be in (0, 1]";
  if (alpha0 < 0.0 || alpha0 > 1.0) return "alpha0 must be in [0, 1]";
  if (alphashrink <= 0.0 || alphashrink > 1.0) return "alphashrink must be in (0, 1]";
  if (vdfmax < 0) return "vdfmax must be >= 0";
  return "";
}

MinResult fire_minimize(MinSystem &s, const FireParams &p, double dt0, double initial_energy) {
  MinResult r;
  r.energy_initial = initial_energy;

  // MinFire::init() and setup_style()
  double dt = dt0;
  const double dtmax = p.tmax * dt;
  const double dtmin = p.tmin * dt;
  double alpha = p.alpha0;
  std::int64_t ntimestep = 0;
  std::int64_t last_negative = 0;
  const std::int64_t ntimestep_start = 0;
  int vdotf_negatif = 0;
  s.zero_velocities();
  bool flagv0 = true;
  double ecurrent = initial_energy, eprevious = initial_energy;
  const FireIntegrator integrator = p.integrator;

  auto finish = [&](StopReason reason) {
    r.dt_final = dt;
    return finish_minimization(s, r, reason, ecurrent);
  };

  if (integrator == FireIntegrator::leapfrog) {  // initial half step
    s.energy_force();
    r.evaluations++;
    s.kick(-0.5 * dt * s.ftm2v(), true);
  }

  for (std::int64_t iter = 0; iter < p.maxiter; iter++) {
    ntimestep++;
    s.next_iteration();
    r.iterations++;

    // v.v and f.f are only needed when v.f > 0; one pass computes all three (same sums)
    double vdotf = 0.0, vdotv = 0.0, fdotf = 0.0;
    s.local_fire_dots(vdotf, vdotv, fdotf);
    const double vdotfall = s.sum(vdotf);

    double scale1 = 0.0, scale2 = 0.0;
    if (vdotfall > 0.0) {
      vdotf_negatif = 0;
      const double vdotvall = s.sum(vdotv);
      const double fdotfall = s.sum(fdotf);
      scale1 = 1.0 - alpha;
      if (fdotfall <= 1e-20)
        scale2 = 0.0;
      else
        scale2 = alpha * std::sqrt(vdotvall / fdotfall);
      if (ntimestep - last_negative > p.delaystep) {
        dt = std::min(dt * p.dtgrow, dtmax);
        alpha *= p.alphashrink;
      }
    } else {
      last_negative = ntimestep;
      bool delayflag = true;
      if (ntimestep - ntimestep_start < p.delaystep && p.initialdelay) delayflag = false;
      if (delayflag) {
        alpha = p.alpha0;
        if (dt * p.dtshrink >= dtmin) dt *= p.dtshrink;
      }
      vdotf_negatif++;
      if (p.vdfmax > 0 && vdotf_negatif > p.vdfmax) return finish(StopReason::max_vdotf_negative);
      if (p.halfstepback) s.step_back(-(0.5 * dt));  // x -= 0.5 dt v, bit for bit
      s.zero_velocities();
      flagv0 = true;
    }

    // velocities from rest estimate whether dtv has to be limited
    if (flagv0) {
      s.energy_force();
      r.evaluations++;
      s.kick(dt * s.ftm2v(), true);
    }

    // limit the step so no particle moves further than dmax
    const double dtv = s.min(s.local_step_limit(dt, p.dmax));
    if (flagv0) s.zero_velocities();

    const bool mix = vdotfall > 0.0;
    if (integrator != FireIntegrator::euler_explicit) {
      // semi-implicit Euler and leapfrog kick with dtv, velocity Verlet with dtv/2 and once more
      // after the new forces; (0.5 * dtv) * ftm2v as LAMMPS writes it
      const double dtf = (integrator == FireIntegrator::verlet ? 0.5 * dtv : dtv) * s.ftm2v();
      s.fire_move(dtf, mix, scale1, scale2, dtv, false);
      eprevious = ecurrent;
      ecurrent = s.energy_force();
      r.evaluations++;
      if (integrator == FireIntegrator::verlet) s.kick(dtf, false);
    } else {  // explicit Euler
      const double dtf = dtv * s.ftm2v();
      s.fire_move(dtf, mix, scale1, scale2, dtv, true);
      eprevious = ecurrent;
      ecurrent = s.energy_force();
      r.evaluations++;
    }
    flagv0 = false;

    if (p.etol > 0.0 && ntimestep - last_negative > p.delaystep) {
      if (std::fabs(ecurrent - eprevious) <
          p.etol * 0.5 * (std::fabs(ecurrent) + std::fabs(eprevious) + EPS_ENERGY))
        return finish(StopReason::energy_tolerance);
    }
    if (p.ftol > 0.0 && fnorm_selected(s, p.norm) < p.ftol * p.ftol)
      return finish(StopReason::force_tolerance);
    // LAMMPS' FIRE does not check maxeval; here it caps runaway quenches (stop code 1)
    if (r.evaluations >= p.maxeval) return finish(StopReason::max_evaluations);
  }
  return finish(StopReason::max_iterations);
}

}  // namespace mlglass
