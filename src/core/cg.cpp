#include "cg.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>

namespace mlglass {

namespace {

// LAMMPS min_cg.cpp and min_linesearch.cpp
constexpr double EPS_ENERGY = 1.0e-8;
constexpr double ALPHA_MAX = 1.0;
constexpr double ALPHA_REDUCE = 0.5;
constexpr double BACKTRACK_SLOPE = 0.4;
constexpr double QUADRATIC_TOL = 0.1;
constexpr double EMACH = 1.0e-8;
constexpr double EPS_QUAD = 1.0e-28;
constexpr int SUCCESS = -1;  // a line search that moved; otherwise the StopReason as int

class ConjugateGradients {
 public:
  ConjugateGradients(MinSystem &s, const CgParams &p, double e0) : s(s), p(p), ecurrent(e0) {
    r.energy_initial = e0;
  }

  MinResult run() {
    // nlimit: CG restarts every ndof iterations (MinCG::iterate)
    const double ndof = s.sum(3.0 * s.size());
    const std::int64_t nlimit = std::int64_t(std::min<double>(INT_MAX, ndof));
    s.cg_start();
    double gg = fnorm_sqr(s);

    for (std::int64_t iter = 0; iter < p.maxiter; iter++) {
      s.next_iteration();
      r.iterations++;
      const double eprevious = ecurrent;
      const int fail = p.linesearch == LineSearch::quadratic ? linemin_quadratic(ecurrent)
                                                             : linemin_backtrack(ecurrent);
      if (fail != SUCCESS) return finish(StopReason(fail));
      if (r.evaluations >= p.maxeval) return finish(StopReason::max_evaluations);
      if (std::fabs(ecurrent - eprevious) <
          p.etol * 0.5 * (std::fabs(ecurrent) + std::fabs(eprevious) + EPS_ENERGY))
        return finish(StopReason::energy_tolerance);

      double dot0 = 0.0, dot1 = 0.0;
      s.local_cg_dots(dot0, dot1);
      const double ff = s.sum(dot0), fg = s.sum(dot1);
      if (p.ftol > 0.0) {
        const double fdotf = p.norm == ForceNorm::two ? ff : fnorm_selected(s, p.norm);
        if (fdotf < p.ftol * p.ftol) return finish(StopReason::force_tolerance);
      }

      // Polak-Ribiere, restarted every nlimit iterations and whenever h is not downhill
      double beta = std::max(0.0, (ff - fg) / gg);
      if ((r.iterations + 1) % nlimit == 0) beta = 0.0;
      gg = ff;
      if (s.sum(s.cg_direction(beta)) <= 0.0) s.cg_restart();
    }
    return finish(StopReason::max_iterations);
  }

 private:
  MinSystem &s;
  const CgParams &p;
  double ecurrent;
  MinResult r;

  MinResult finish(StopReason reason) { return finish_minimization(s, r, reason, ecurrent); }

  // x = x0 + alpha h, then energy and forces (MinLineSearch::alpha_step)
  double alpha_step(double alpha, bool reset_reference) {
    s.line_point(alpha);
    r.evaluations++;
    const double e = s.energy_force();
    if (reset_reference) s.rewrap_reference();
    return e;
  }

  // f.h over the system, scaled like the energy
  double f_dot_h() { return s.sum(s.local_f_dot_h()) / s.energy_norm(); }

  // The common start of both line searches: SUCCESS or the reason to stop. alphamax so that no
  // coordinate moves more than dmax.
  int start(double &fdothall, double &alphamax) {
    fdothall = f_dot_h();
    if (fdothall <= 0.0) return int(StopReason::not_downhill);
    const double hmaxall = s.max(s.local_max_abs_h());
    alphamax = std::min(ALPHA_MAX, p.dmax / hmaxall);
    if (hmaxall == 0.0) return int(StopReason::zero_force);
    s.save_line_start();
    return SUCCESS;
  }

  // MinLineSearch::linemin_backtrack: Armijo backtracking from alphamax
  int linemin_backtrack(double eoriginal) {
    double fdothall, alpha;
    const int status = start(fdothall, alpha);
    if (status != SUCCESS) return status;
    while (true) {
      ecurrent = alpha_step(alpha, true);
      const double de_ideal = -BACKTRACK_SLOPE * alpha * fdothall;
      const double de = ecurrent - eoriginal;
      if (de <= de_ideal) return SUCCESS;
      alpha *= ALPHA_REDUCE;
      if (alpha <= 0.0 || de_ideal >= -EMACH) {
        ecurrent = alpha_step(0.0, false);
        return int(de < 0.0 ? StopReason::energy_tolerance : StopReason::zero_alpha);
      }
    }
  }

  // MinLineSearch::linemin_quadratic: backtracking until the energy is quadratic in alpha to
  // within QUADRATIC_TOL, then a secant step to f.h = 0
  int linemin_quadratic(double eoriginal) {
    double fdothall, alphamax;
    const int status = start(fdothall, alphamax);
    if (status != SUCCESS) return status;
    double alpha = alphamax, fhprev = fdothall, engprev = eoriginal, alphaprev = 0.0;
    while (true) {
      ecurrent = alpha_step(alpha, true);
      const double fh = f_dot_h();
      const double delfh = fh - fhprev;
      if (std::fabs(fh) < EPS_QUAD || std::fabs(delfh) < EPS_QUAD) {
        ecurrent = alpha_step(0.0, false);
        return int(StopReason::zero_quadratic);
      }
      const double relerr =
          std::fabs(1.0 - (0.5 * (alpha - alphaprev) * (fh + fhprev) + ecurrent) / engprev);
      const double alpha0 = alpha - (alpha - alphaprev) * fh / delfh;
      if (relerr <= QUADRATIC_TOL && alpha0 > 0.0 && alpha0 < alphamax) {
        ecurrent = alpha_step(alpha0, true);
        if (ecurrent - eoriginal < EMACH) return SUCCESS;
      }
      const double de_ideal = -BACKTRACK_SLOPE * alpha * fdothall;
      const double de = ecurrent - eoriginal;
      if (de <= de_ideal) return SUCCESS;
      fhprev = fh;
      engprev = ecurrent;
      alphaprev = alpha;
      alpha *= ALPHA_REDUCE;
      if (alpha <= 0.0 || de_ideal >= -EMACH) {
        ecurrent = alpha_step(0.0, false);
        return int(StopReason::zero_alpha);
      }
    }
  }
};

}  // namespace

MinResult cg_minimize(MinSystem &system, const CgParams &params, double initial_energy) {
  return ConjugateGradients(system, params, initial_energy).run();
}

}  // namespace mlglass
