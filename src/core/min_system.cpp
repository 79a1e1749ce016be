#include "min_system.h"

#include <algorithm>
#include <cmath>

namespace mlglass {

const char *stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::max_iterations:
      return "max iterations";
    case StopReason::max_evaluations:
      return "max force evaluations";
    case StopReason::energy_tolerance:
      return "energy tolerance";
    case StopReason::force_tolerance:
      return "force tolerance";
    case StopReason::not_downhill:
      return "search direction is not downhill";
    case StopReason::zero_alpha:
      return "linesearch alpha is zero";
    case StopReason::zero_force:
      return "forces are zero";
    case StopReason::zero_quadratic:
      return "quadratic factors are zero";
    case StopReason::max_vdotf_negative:
      return "max iterations with v.f negative";
  }
  return "unknown";
}

bool converged(StopReason reason) {
  return reason == StopReason::energy_tolerance || reason == StopReason::force_tolerance;
}

std::string unconverged_advice(const MinResult &r, const MinParams &p) {
  if (r.reason != StopReason::not_downhill && r.reason != StopReason::zero_alpha &&
      r.reason != StopReason::zero_quadratic)
    return "raise maxiter/maxeval or loosen etol/ftol";
  return std::string("the line search could not lower the energy, so this is ") +
         (r.fnorm2_final > std::max(p.ftol, 1.0e-3) ? "not " : "at best roughly ") +
         "a minimum; CG's line searches need an energy that is continuous along the path: if "
         "the pair style is truncated without shift (pair_modify shift no), the energy jumps at "
         "the cutoff; use min fire or a shifted or smoothed potential";
}

std::string MinParams::validate() const {
  if (!(etol >= 0.0)) return "etol must be >= 0";
  if (!(ftol >= 0.0)) return "ftol must be >= 0";
  if (maxiter < 1) return "maxiter must be >= 1";
  if (maxeval < 1) return "maxeval must be >= 1";
  if (!(dmax > 0.0)) return "dmax must be > 0";
  return "";
}

double *MinSystem::work(int k) {
  if (int(work_.size()) <= k) work_.resize(k + 1);
  work_[k].resize(3 * size_t(size()));
  return work_[k].data();
}

MinResult finish_minimization(MinSystem &s, MinResult r, StopReason reason, double ecurrent) {
  r.reason = reason;
  if (reason != StopReason::max_iterations) ecurrent = s.energy_force();
  r.energy_final = ecurrent;
  r.fnorm2_final = std::sqrt(fnorm_sqr(s));
  r.fnorminf_final = std::sqrt(fnorm_inf(s));
  return r;
}

namespace {
// the largest |v_i| of this rank's 3 * size() values (0 without atoms)
double local_max_abs(MinSystem &s, const double *v) {
  const int n = 3 * s.size();
  double local = 0.0;
  for (int i = 0; i < n; i++) local = std::max(local, std::fabs(v[i]));
  return local;
}
}  // namespace

double max_abs(MinSystem &s, const double *v) { return s.max(local_max_abs(s, v)); }

void copy_vector(MinSystem &s, const double *from, double *to) {
  std::copy(from, from + 3 * size_t(s.size()), to);
}

double fnorm_sqr(MinSystem &s) { return s.sum(s.local_fnorm(ForceNorm::two)); }
double fnorm_inf(MinSystem &s) { return s.max(s.local_fnorm(ForceNorm::inf)); }
double fnorm_max(MinSystem &s) { return s.max(s.local_fnorm(ForceNorm::max)); }

// ---- the host implementations of the vector operations -----------------------------------------

void MinSystem::local_fire_dots(double &vdotf, double &vdotv, double &fdotf) {
  const double *v = this->v(), *f = this->f();
  const int n = size();
  vdotf = vdotv = fdotf = 0.0;
  for (int i = 0; i < n; i++) {
    vdotf += v[3 * i] * f[3 * i] + v[3 * i + 1] * f[3 * i + 1] + v[3 * i + 2] * f[3 * i + 2];
    vdotv += v[3 * i] * v[3 * i] + v[3 * i + 1] * v[3 * i + 1] + v[3 * i + 2] * v[3 * i + 2];
    fdotf += f[3 * i] * f[3 * i] + f[3 * i + 1] * f[3 * i + 1] + f[3 * i + 2] * f[3 * i + 2];
  }
}

double MinSystem::local_fnorm(ForceNorm norm) {
  const double *f = this->f();
  const int n = 3 * size();
  double local = 0.0;
  if (norm == ForceNorm::two) {
    for (int i = 0; i < n; i++) local += f[i] * f[i];
  } else if (norm == ForceNorm::inf) {
    for (int i = 0; i < n; i++) local = std::max(f[i] * f[i], local);
  } else {
    for (int i = 0; i < n; i += 3) {
      const double fdotf = f[i] * f[i] + f[i + 1] * f[i + 1] + f[i + 2] * f[i + 2];
      local = std::max(fdotf, local);
    }
  }
  return local;
}

void MinSystem::zero_velocities() {
  double *v = this->v();
  std::fill(v, v + 3 * size(), 0.0);
}

void MinSystem::step_back(double c) {
  double *x = this->x();
  const double *v = this->v();
  const int n = 3 * size();
  for (int i = 0; i < n; i++) x[i] += c * v[i];
}

void MinSystem::kick(double dtf, bool from_rest) {
  const int n = size();
  double *v = this->v();
  const double *f = this->f();
  for (int i = 0; i < n; i++) {
    const double dtfm = dtf / mass(i);
    if (from_rest)
      for (int d = 0; d < 3; d++) v[3 * i + d] = dtfm * f[3 * i + d];
    else
      for (int d = 0; d < 3; d++) v[3 * i + d] += dtfm * f[3 * i + d];
  }
}

void MinSystem::fire_move(double dtf, bool mix, double a, double b, double dtv, bool kick_last) {
  const int n = size();
  double *x = this->x(), *v = this->v();
  const double *f = this->f();
  for (int i = 0; i < n; i++) {
    const double dtfm = dtf / mass(i);
    if (!kick_last)
      for (int d = 0; d < 3; d++) v[3 * i + d] += dtfm * f[3 * i + d];
    if (mix)
      for (int d = 0; d < 3; d++) v[3 * i + d] = a * v[3 * i + d] + b * f[3 * i + d];
    for (int d = 0; d < 3; d++) x[3 * i + d] += dtv * v[3 * i + d];
    if (kick_last)
      for (int d = 0; d < 3; d++) v[3 * i + d] += dtfm * f[3 * i + d];
  }
}

double MinSystem::local_step_limit(double dt, double dmax) {
  const double *v = this->v();
  const int n = size();
  double dtv = dt;
  for (int i = 0; i < n; i++) {
    double vmax = std::max(std::fabs(v[3 * i]), std::fabs(v[3 * i + 1]));
    vmax = std::max(vmax, std::fabs(v[3 * i + 2]));
    if (dtv * vmax > dmax) dtv = dmax / vmax;
  }
  return dtv;
}

double fnorm_selected(MinSystem &s, ForceNorm norm) {
  if (norm == ForceNorm::max) return fnorm_max(s);
  if (norm == ForceNorm::inf) return fnorm_inf(s);
  return fnorm_sqr(s);
}

// ---- conjugate gradients (cg.cpp), host defaults -------------------------------------------------

void MinSystem::cg_start() {
  const int n = 3 * size();
  const double *f = this->f();
  double *g = work(1), *h = work(2);
  for (int i = 0; i < n; i++) h[i] = g[i] = f[i];
}

void MinSystem::local_cg_dots(double &ff, double &fg) {
  const int n = 3 * size();
  const double *f = this->f(), *g = work(1);
  double dot0 = 0.0, dot1 = 0.0;
  for (int i = 0; i < n; i++) {
    dot0 += f[i] * f[i];
    dot1 += f[i] * g[i];
  }
  ff = dot0;
  fg = dot1;
}

double MinSystem::cg_direction(double beta) {
  const int n = 3 * size();
  const double *f = this->f();
  double *g = work(1), *h = work(2);
  for (int i = 0; i < n; i++) {
    g[i] = f[i];
    h[i] = g[i] + beta * h[i];
  }
  double gh = 0.0;
  for (int i = 0; i < n; i++) gh += g[i] * h[i];
  return gh;
}

void MinSystem::cg_restart() { copy_vector(*this, work(1), work(2)); }

void MinSystem::save_line_start() { copy_vector(*this, x(), work(0)); }

void MinSystem::line_point(double alpha) {
  const int n = 3 * size();
  double *x = this->x();
  const double *x0 = work(0);
  for (int i = 0; i < n; i++) x[i] = x0[i];
  if (alpha > 0.0) {
    const double *h = work(2);
    for (int i = 0; i < n; i++) x[i] += alpha * h[i];
  }
}

double MinSystem::local_f_dot_h() {
  const int n = 3 * size();
  const double *f = this->f(), *h = work(2);
  double local = 0.0;
  for (int i = 0; i < n; i++) local += f[i] * h[i];
  return local;
}

double MinSystem::local_max_abs_h() { return local_max_abs(*this, work(2)); }

}  // namespace mlglass
