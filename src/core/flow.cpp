#include "flow.h"

#include <algorithm>
#include <cmath>

namespace mlglass {

namespace {
constexpr double EPS_ENERGY = 1.0e-8;  // the energy criterion of LAMMPS Min
constexpr double SAFETY = 0.9, GROW_MAX = 5.0, SHRINK_MIN = 0.2;
}  // namespace

std::string FlowParams::validate() const {
  const std::string common = MinParams::validate();
  if (!common.empty()) return common;
  if (!(flowtol > 0.0)) return "flowtol must be > 0";
  return "";
}

MinResult flow_minimize(MinSystem &s, const FlowParams &p, double e0) {
  MinResult r;
  r.energy_initial = e0;
  double ecurrent = e0;

  // x = x0 + h * sum_j c_j k_j over the stages computed so far (a stage with c_j = 0 is not read:
  // before its first use it holds whatever the storage held, e.g. uninitialized per-atom memory)
  auto stage = [&](double h, double c1, double c2, double c3) {
    const int n = 3 * s.size();
    double *x = s.x();
    const double *x0 = s.work(0), *k1 = s.work(1);
    const double *k2 = c2 != 0.0 ? s.work(2) : nullptr, *k3 = c3 != 0.0 ? s.work(3) : nullptr;
    for (int i = 0; i < n; i++) {
      double sum = c1 * k1[i];
      if (k2) sum += c2 * k2[i];
      if (k3) sum += c3 * k3[i];
      x[i] = x0[i] + h * sum;
    }
    r.evaluations++;
    const double e = s.energy_force();
    s.rewrap_reference();
    return e;
  };
  auto store = [&](int k, const double *from) { copy_vector(s, from, s.work(k)); };

  store(1, s.f());
  double h = 0.0;        // first step: a tenth of the dmax step
  bool at_start = true;  // x and f() are those of work(0) and work(1)
  for (std::int64_t iter = 0; iter < p.maxiter; iter++) {
    s.next_iteration();
    r.iterations++;
    store(0, s.x());
    const double kmax = max_abs(s, s.work(1));
    if (kmax == 0.0) return finish_minimization(s, r, StopReason::zero_force, ecurrent);
    if (h == 0.0) h = 0.1 * p.dmax / kmax;
    h = std::min(h, p.dmax / kmax);

    stage(h, 0.5, 0.0, 0.0);
    store(2, s.f());
    stage(h, 0.0, 0.75, 0.0);
    store(3, s.f());
    const double e = stage(h, 2.0 / 9.0, 1.0 / 3.0, 4.0 / 9.0);

    // error of the embedded second-order solution, largest over all coordinates
    const int n = 3 * s.size();
    const double *k1 = s.work(1), *k2 = s.work(2), *k3 = s.work(3), *k4 = s.f();
    double local = 0.0;
    for (int i = 0; i < n; i++)
      local = std::max(local, std::fabs(h * (-5.0 / 72.0 * k1[i] + 1.0 / 12.0 * k2[i] +
                                             1.0 / 9.0 * k3[i] - 1.0 / 8.0 * k4[i])));
    // relative to the step's largest displacement h max|k1|, plus a floor of 1e-6 dmax: a purely
    // absolute bound lets a stiff mode oscillate at the stability limit with that amplitude and
    // stalls the flow near the minimum; a purely relative one never accepts a step across a jump
    // of the forces (a pair crossing the cutoff) and approaches the jump forever
    const double err = s.max(local) / (h * kmax + 1.0e-6 * p.dmax);
    const double factor = err > 0.0 ? SAFETY * std::cbrt(p.flowtol / err) : GROW_MAX;

    if (err <= p.flowtol) {  // accept: the new forces are the next step's first stage
      r.flow_time += h;
      store(1, s.f());
      at_start = true;
      const double eprevious = ecurrent;
      ecurrent = e;
      h *= std::min(GROW_MAX, factor);
      if (r.evaluations >= p.maxeval)
        return finish_minimization(s, r, StopReason::max_evaluations, ecurrent);
      if (std::fabs(ecurrent - eprevious) <
          p.etol * 0.5 * (std::fabs(ecurrent) + std::fabs(eprevious) + EPS_ENERGY))
        return finish_minimization(s, r, StopReason::energy_tolerance, ecurrent);
      if (p.ftol > 0.0 && fnorm_selected(s, p.norm) < p.ftol * p.ftol)
        return finish_minimization(s, r, StopReason::force_tolerance, ecurrent);
    } else {  // reject: back to the start of the step with a shorter one
      double *x = s.x();
      const double *x0 = s.work(0);
      for (int i = 0; i < n; i++) x[i] = x0[i];
      at_start = false;
      h *= std::max(SHRINK_MIN, factor);
      if (r.evaluations >= p.maxeval) break;
    }
  }
  // x is the last accepted point; its forces are current unless the last step was rejected
  if (!at_start) {
    ecurrent = s.energy_force();
    s.rewrap_reference();
  }
  const StopReason reason =
      r.evaluations >= p.maxeval ? StopReason::max_evaluations : StopReason::max_iterations;
  return finish_minimization(s, r, reason, ecurrent);
}

}  // namespace mlglass
