// What the energy minimisers of the core (FIRE 2.0 in fire.h, conjugate gradients in cg.h) share:
// the system they relax, the stopping rules and result, and LAMMPS' three force norms.
//
// A minimiser sees the system through MinSystem: flat x, v, f arrays (3 per atom), masses, an
// energy/force evaluation that may migrate or reorder atoms (every array is re-fetched after each
// call), per-atom work vectors that move with the atoms, and global reductions (MPI in LAMMPS,
// identity in a serial test).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mlglass {

// Numbering and names of LAMMPS Min::stopstrings().
enum class StopReason {
  max_iterations = 0,
  max_evaluations = 1,
  energy_tolerance = 2,
  force_tolerance = 3,
  not_downhill = 4,
  zero_alpha = 5,
  zero_force = 6,
  zero_quadratic = 7,
  max_vdotf_negative = 11,
};
const char *stop_reason_name(StopReason reason);
// True for the stops that mean "converged" (energy or force tolerance reached).
bool converged(StopReason reason);

enum class ForceNorm { two, max, inf };

// `minimize etol ftol maxiter maxeval` and the `min_modify` settings every minimiser has
struct MinParams {
  double etol = 0.0;
  double ftol = 1.0e-8;
  std::int64_t maxiter = 100000;
  std::int64_t maxeval = 1000000;
  double dmax = 0.1;
  ForceNorm norm = ForceNorm::two;

  // Empty if valid, else what is wrong.
  std::string validate() const;
};

class MinSystem {
 public:
  virtual ~MinSystem() = default;
  virtual int size() const = 0;  // local atoms
  virtual double *x() = 0;       // 3 * size(), valid until the next energy_force()
  virtual double *v() = 0;
  virtual double *f() = 0;
  virtual double mass(int i) const = 0;  // per-atom or per-type mass of local atom i
  virtual double ftm2v() const { return 1.0; }
  // Forces into f(), returns the energy the tolerances are applied to (LAMMPS: divided by the
  // number of atoms when thermo_modify norm yes, see energy_norm()).
  virtual double energy_force() = 0;
  // The divisor energy_force() applied to the total energy (LAMMPS: natoms with norm yes, else 1);
  // line searches scale their directional derivatives the same way.
  virtual double energy_norm() const { return 1.0; }
  virtual void next_iteration() {}  // LAMMPS: ++update->ntimestep
  virtual double sum(double local) const { return local; }
  virtual double min(double local) const { return local; }
  virtual double max(double local) const { return local; }

  // Per-atom work vector k (3 * size() values) that follows its atoms through migration and
  // reordering in energy_force(); valid until the next energy_force(). The default storage suits
  // systems whose atoms never move between calls.
  virtual double *work(int k);
  // After an energy_force() that re-wrapped atoms into the periodic box: move the reference
  // positions in work(0) to the image nearest the current x() (LAMMPS FixMinimize::reset_coords).
  virtual void rewrap_reference() {}

  // ---- FIRE's vector operations and the force norms ------------------------------------------
  // Each works on this rank's 3 * size() values of x(), v(), f(); sums and limits are local (the
  // caller reduces them with sum(), min(), max()). The defaults loop over the arrays x(), v(), f()
  // return, in LAMMPS' operation order. A system whose arrays live elsewhere (device memory: fix
  // inherent/kk) overrides all of them, and FIRE then never touches x(), v(), f() itself.
  // v.f, v.v and f.f, each summed over atoms as a0 b0 + a1 b1 + a2 b2 (one pass)
  virtual void local_fire_dots(double &vdotf, double &vdotv, double &fdotf);
  // the local part of the squared force norm: sum of f_k^2 (two), largest f_k^2 (inf), largest
  // per-atom |f|^2 (max)
  virtual double local_fnorm(ForceNorm norm);
  virtual void zero_velocities();
  virtual void step_back(double c);  // x += c v (FIRE's half step back with c = -dt/2)
  // v = dtf / m_i f_i (from_rest), else v += dtf / m_i f_i
  virtual void kick(double dtf, bool from_rest);
  // FIRE's step limit: dt, shortened to dmax / max_k |v_k| for atoms that would move further
  virtual double local_step_limit(double dt, double dmax);
  // FIRE's move in one pass (per element LAMMPS' order): kick (v += dtf / m f), mix if `mix`
  // (v = a v + b f), move (x += dtv v); explicit Euler (kick_last) kicks after the move.
  virtual void fire_move(double dtf, bool mix, double a, double b, double dtv, bool kick_last);

  // ---- conjugate gradients' vector operations (cg.cpp) ---------------------------------------
  // On x(), f() and the work vectors 0 (x0, the line search's start), 1 (g) and 2 (h), with the
  // same conventions: local sums and limits, host defaults in LAMMPS' operation order, overridden
  // together by a system whose arrays live elsewhere.
  virtual void cg_start();                             // g = h = f
  virtual void local_cg_dots(double &ff, double &fg);  // f.f and f.g, one pass
  virtual double cg_direction(double beta);            // g = f, h = g + beta h; the local g.h
  virtual void cg_restart();                           // h = g
  virtual void save_line_start();                      // x0 = x
  virtual void line_point(double alpha);               // x = x0, then x += alpha h if alpha > 0
  virtual double local_f_dot_h();
  virtual double local_max_abs_h();  // the largest |h_k| (0 without atoms)

 private:
  std::vector<std::vector<double>> work_;
};

struct MinResult {
  StopReason reason = StopReason::max_iterations;
  std::int64_t iterations = 0;
  std::int64_t evaluations = 0;  // force evaluations inside the iterations (LAMMPS neval)
  double energy_initial = 0.0;
  double energy_final = 0.0;
  double fnorm2_final = 0.0;    // Euclidean norm of the final force vector
  double fnorminf_final = 0.0;  // largest force component
  double dt_final = 0.0;        // FIRE's last timestep (0 for other minimisers)
  double flow_time = 0.0;       // steepest-descent flow: length of the path in time units
};

// What to change after a minimisation that did not converge: raise the limits, or (line-search
// stops of CG) make the energy continuous or use FIRE.
std::string unconverged_advice(const MinResult &result, const MinParams &params);

// Min::run() after the iterations: a minimisation that stopped for any reason but max iterations
// evaluates energy and forces once more; fills the final energy and force norms.
MinResult finish_minimization(MinSystem &system, MinResult result, StopReason reason,
                              double ecurrent);

// The largest |v_i| over the system's 3 * size() values of v (a global maximum), and a copy of
// 3 * size() values: the vector operations the minimisers share.
double max_abs(MinSystem &system, const double *v);
void copy_vector(MinSystem &system, const double *from, double *to);

// The three squared norms of LAMMPS Min, with its summation order over the flat force vector.
double fnorm_sqr(MinSystem &system);
double fnorm_inf(MinSystem &system);
double fnorm_max(MinSystem &system);
// The squared norm params.norm selects.
double fnorm_selected(MinSystem &system, ForceNorm norm);

}  // namespace mlglass
