/* -*- c++ -*- ----------------------------------------------------------
   ML-GLASS package for LAMMPS, KOKKOS variant (installed into src/KOKKOS by
   tools/install-in-tree.sh). Documentation: doc/fix_inherent.rst

   The system fix inherent/kk quenches: LammpsMinSystem (Min::setup(), Min::energy_force()) with
   FIRE's and CG's vector operations (min_system.h) run as Kokkos kernels on the views of
   AtomKokkos (and CG's work vectors), in the execution space of DeviceType. Between force
   evaluations x, v, f and the work vectors stay where the KOKKOS pair style computes them: no
   host copy per iteration (MinKokkos and the plain fix under -k on copy everything to the host
   after each evaluation); the work vectors go to the host only when atoms are exchanged or
   sorted, which LAMMPS does on the host for fix inherent's per-atom arrays. Each kernel syncs what it reads to its
   space (a no-op when current there) and marks what it writes modified there, as KOKKOS styles
   do. Header-only: LAMMPS' CMake compiles the *_kokkos.cpp files of styles only, and the one
   style using this class (fix_inherent_kokkos.cpp) instantiates it.

   Per-element arithmetic is the host code's (min_system.cpp), operation for operation. Sums are
   Kokkos reductions: in the Serial space they add in the host order (results bit for bit as the
   plain fix); with several threads or on a GPU they add in another order (equal to rounding).
------------------------------------------------------------------------- */

#ifndef LMP_MLGLASS_MIN_SYSTEM_KOKKOS_H
#define LMP_MLGLASS_MIN_SYSTEM_KOKKOS_H

#include "lammps_min_system.h"

#include "atom_kokkos.h"
#include "atom_masks.h"
#include "atom_vec.h"
#include "force.h"
#include "kokkos_type.h"

#include <cmath>

namespace LAMMPS_NS {

// the two sums of one CG pass (f.f, f.g), as one Kokkos reduction value
struct MlglassCgDots {
  double ff = 0.0, fg = 0.0;
  KOKKOS_INLINE_FUNCTION MlglassCgDots &operator+=(const MlglassCgDots &o)
  {
    ff += o.ff;
    fg += o.fg;
    return *this;
  }
};

// the three sums of one FIRE pass, as one Kokkos reduction value
struct MlglassFireDots {
  double vf = 0.0, vv = 0.0, ff = 0.0;
  KOKKOS_INLINE_FUNCTION MlglassFireDots &operator+=(const MlglassFireDots &o)
  {
    vf += o.vf;
    vv += o.vv;
    ff += o.ff;
    return *this;
  }
};

}    // namespace LAMMPS_NS

namespace Kokkos {
// the sum's identity of the reduction value (Kokkos' Sum reducer of a custom type)
template <> struct reduction_identity<LAMMPS_NS::MlglassFireDots> {
  KOKKOS_FORCEINLINE_FUNCTION static LAMMPS_NS::MlglassFireDots sum() { return {}; }
};
template <> struct reduction_identity<LAMMPS_NS::MlglassCgDots> {
  KOKKOS_FORCEINLINE_FUNCTION static LAMMPS_NS::MlglassCgDots sum() { return {}; }
};
}    // namespace Kokkos

namespace LAMMPS_NS {

template <class DeviceType> class LammpsMinSystemKokkos : public LammpsMinSystem {
 public:
  static constexpr ExecutionSpace space = ExecutionSpaceFromDevice<DeviceType>::space;

  LammpsMinSystemKokkos(LAMMPS *lmp, int groupbit, WorkVectors work = nullptr) :
      LammpsMinSystem(lmp, groupbit, std::move(work)), atomKK(dynamic_cast<AtomKokkos *>(lmp->atom))
  {
  }

  // ---- conjugate gradients: x, f and the work vectors x0, g, h (flat, 3 per atom) here --------

  void cg_start() override
  {
    auto f = f_view();
    auto g = work_view(1), h = work_view(2);
    Kokkos::parallel_for(
        policy(), LAMMPS_LAMBDA(int i) {
          for (int d = 0; d < 3; d++) h(3 * i + d) = g(3 * i + d) = f(i, d);
        });
  }

  void local_cg_dots(double &ff, double &fg) override
  {
    auto f = f_view();
    auto g = work_view(1);
    MlglassCgDots sums;
    Kokkos::parallel_reduce(
        policy(),
        LAMMPS_LAMBDA(int i, MlglassCgDots &s) {
          for (int d = 0; d < 3; d++) {
            s.ff += f(i, d) * f(i, d);
            s.fg += f(i, d) * g(3 * i + d);
          }
        },
        sums);
    ff = sums.ff;
    fg = sums.fg;
  }

  double cg_direction(double beta) override
  {
    auto f = f_view();
    auto g = work_view(1), h = work_view(2);
    double gh = 0.0;
    Kokkos::parallel_reduce(
        policy(),
        LAMMPS_LAMBDA(int i, double &s) {
          for (int d = 0; d < 3; d++) {
            g(3 * i + d) = f(i, d);
            h(3 * i + d) = g(3 * i + d) + beta * h(3 * i + d);
          }
          for (int d = 0; d < 3; d++) s += g(3 * i + d) * h(3 * i + d);
        },
        gh);
    return gh;
  }

  void cg_restart() override
  {
    auto g = work_view(1), h = work_view(2);
    Kokkos::parallel_for(
        Kokkos::RangePolicy<DeviceType>(0, 3 * atom->nlocal),
        LAMMPS_LAMBDA(int k) { h(k) = g(k); });
  }

  void save_line_start() override
  {
    auto x = x_view();
    auto x0 = work_view(0);
    Kokkos::parallel_for(
        policy(), LAMMPS_LAMBDA(int i) {
          for (int d = 0; d < 3; d++) x0(3 * i + d) = x(i, d);
        });
  }

  void line_point(double alpha) override
  {
    auto x = x_view();
    auto x0 = work_view(0), h = work_view(2);
    Kokkos::parallel_for(
        policy(), LAMMPS_LAMBDA(int i) {
          for (int d = 0; d < 3; d++) {
            x(i, d) = x0(3 * i + d);
            if (alpha > 0.0) x(i, d) += alpha * h(3 * i + d);
          }
        });
    atomKK->modified(space, X_MASK);
  }

  double local_f_dot_h() override
  {
    auto f = f_view();
    auto h = work_view(2);
    double local = 0.0;
    Kokkos::parallel_reduce(
        policy(),
        LAMMPS_LAMBDA(int i, double &s) {
          for (int d = 0; d < 3; d++) s += f(i, d) * h(3 * i + d);
        },
        local);
    return local;
  }

  double local_max_abs_h() override
  {
    auto h = work_view(2);
    double local = 0.0;
    Kokkos::parallel_reduce(
        Kokkos::RangePolicy<DeviceType>(0, 3 * atom->nlocal),
        LAMMPS_LAMBDA(int k, double &m) { m = fabs(h(k)) > m ? fabs(h(k)) : m; },
        Kokkos::Max<double>(local));
    return local < 0.0 ? 0.0 : local;    // Max starts at the lowest double; no atoms: 0
  }

  // LammpsMinSystem's host code after a re-neighbouring (the work vectors are on the host then)
  void rewrap_reference() override
  {
    if (!last_reneighbored()) return;
    download_work();
    atomKK->sync(Host, X_MASK);
    LammpsMinSystem::rewrap_reference();
  }

  double local_fnorm(mlglass::ForceNorm norm) override
  {
    auto f = f_view();
    double local = 0.0;
    if (norm == mlglass::ForceNorm::two) {
      // three additions per atom in the host's order over the flat vector
      Kokkos::parallel_reduce(
          policy(),
          LAMMPS_LAMBDA(int i, double &s) {
            s += f(i, 0) * f(i, 0);
            s += f(i, 1) * f(i, 1);
            s += f(i, 2) * f(i, 2);
          },
          local);
    } else if (norm == mlglass::ForceNorm::inf) {
      Kokkos::parallel_reduce(
          policy(),
          LAMMPS_LAMBDA(int i, double &m) {
            for (int d = 0; d < 3; d++) m = f(i, d) * f(i, d) > m ? f(i, d) * f(i, d) : m;
          },
          Kokkos::Max<double>(local));
    } else {
      Kokkos::parallel_reduce(
          policy(),
          LAMMPS_LAMBDA(int i, double &m) {
            const double fdotf = f(i, 0) * f(i, 0) + f(i, 1) * f(i, 1) + f(i, 2) * f(i, 2);
            m = fdotf > m ? fdotf : m;
          },
          Kokkos::Max<double>(local));
    }
    return local < 0.0 ? 0.0 : local;    // Max starts at the lowest double; no atoms: 0
  }

  void step_back(double c) override
  {
    auto x = x_view();
    auto v = v_view();
    Kokkos::parallel_for(
        policy(), LAMMPS_LAMBDA(int i) {
          for (int d = 0; d < 3; d++) x(i, d) += c * v(i, d);
        });
    atomKK->modified(space, X_MASK);
  }

  void local_fire_dots(double &vdotf, double &vdotv, double &fdotf) override
  {
    auto v = v_view();
    auto f = f_view();
    MlglassFireDots sums;
    Kokkos::parallel_reduce(
        policy(),
        LAMMPS_LAMBDA(int i, MlglassFireDots &s) {
          s.vf += v(i, 0) * f(i, 0) + v(i, 1) * f(i, 1) + v(i, 2) * f(i, 2);
          s.vv += v(i, 0) * v(i, 0) + v(i, 1) * v(i, 1) + v(i, 2) * v(i, 2);
          s.ff += f(i, 0) * f(i, 0) + f(i, 1) * f(i, 1) + f(i, 2) * f(i, 2);
        },
        sums);
    vdotf = sums.vf;
    vdotv = sums.vv;
    fdotf = sums.ff;
  }

  void fire_move(double dtf, bool mix, double a, double b, double dtv, bool kick_last) override
  {
    auto v = v_view();
    auto f = f_view();
    const Masses m = masses();
    auto x = x_view();
    Kokkos::parallel_for(
        policy(), LAMMPS_LAMBDA(int i) {
          const double dtfm = dtf / m(i);
          if (!kick_last)
            for (int d = 0; d < 3; d++) v(i, d) += dtfm * f(i, d);
          if (mix)
            for (int d = 0; d < 3; d++) v(i, d) = a * v(i, d) + b * f(i, d);
          for (int d = 0; d < 3; d++) x(i, d) += dtv * v(i, d);
          if (kick_last)
            for (int d = 0; d < 3; d++) v(i, d) += dtfm * f(i, d);
        });
    atomKK->modified(space, X_MASK | V_MASK);
  }

  void zero_velocities() override
  {
    auto v = v_view();
    Kokkos::parallel_for(
        policy(), LAMMPS_LAMBDA(int i) {
          for (int d = 0; d < 3; d++) v(i, d) = 0.0;
        });
    atomKK->modified(space, V_MASK);
  }

  void kick(double dtf, bool from_rest) override
  {
    auto v = v_view();
    auto f = f_view();
    const Masses m = masses();
    Kokkos::parallel_for(
        policy(), LAMMPS_LAMBDA(int i) {
          const double dtfm = dtf / m(i);
          if (from_rest)
            for (int d = 0; d < 3; d++) v(i, d) = dtfm * f(i, d);
          else
            for (int d = 0; d < 3; d++) v(i, d) += dtfm * f(i, d);
        });
    atomKK->modified(space, V_MASK);
  }

  double local_step_limit(double dt, double dmax) override
  {
    // the host loop shortens dt atom after atom; as a reduction: the smallest dmax / vmax over
    // the atoms that would move further than dmax with dt
    auto v = v_view();
    double limit = dt;
    Kokkos::parallel_reduce(
        policy(),
        LAMMPS_LAMBDA(int i, double &m) {
          double vmax = fabs(v(i, 0)) > fabs(v(i, 1)) ? fabs(v(i, 0)) : fabs(v(i, 1));
          vmax = vmax > fabs(v(i, 2)) ? vmax : fabs(v(i, 2));
          const double dti = dt * vmax > dmax ? dmax / vmax : dt;
          m = dti < m ? dti : m;
        },
        Kokkos::Min<double>(limit));
    return limit > dt ? dt : limit;    // Min starts at the largest double; no atoms: dt
  }

  void to_host() override
  {
    download_work();
    atomKK->sync(Host, ALL_MASK);
  }

 protected:
  // the vectors FIRE changed are marked modified by its kernels; nothing to do before forces
  void positions_changed() override {}
  // the forces stay where the force styles left them
  void forces_computed() override {}
  // LAMMPS moves and reorders the work vectors with their atoms on the host (fix inherent's
  // per-atom arrays: KOKKOS uses its host exchange and sort for them)
  void before_reneighbor() override { download_work(); }

  // Min::force_clear() as MinKokkos does it, in this space
  void force_clear() override
  {
    const int nzero = atom->nlocal + (force->newton ? atom->nghost : 0);
    atomKK->k_f.clear_sync_state();    // the host values are not needed: all are zeroed here
    if (atom->torque_flag) atomKK->k_torque.clear_sync_state();
    if (nzero) {
      auto f = atomKK->k_f.template view<DeviceType>();
      auto torque = atomKK->k_torque.template view<DeviceType>();
      const int torqueflag = atom->torque_flag;
      Kokkos::parallel_for(
          Kokkos::RangePolicy<DeviceType>(0, nzero), LAMMPS_LAMBDA(int i) {
            for (int d = 0; d < 3; d++) f(i, d) = 0.0;
            if (torqueflag)
              for (int d = 0; d < 3; d++) torque(i, d) = 0.0;
          });
      if (atom->avec->forceclearflag) {
        size_t nbytes = sizeof(double) * atom->nlocal;
        if (force->newton) nbytes += sizeof(double) * atom->nghost;
        atom->avec->force_clear(0, nbytes);
      }
    }
    atomKK->modified(space, F_MASK | TORQUE_MASK);
  }

  void freeze_outside_group() override
  {
    if (groupbit == 1) return;    // group all
    auto f = f_view();
    atomKK->sync(space, MASK_MASK);
    auto mask = atomKK->k_mask.template view<DeviceType>();
    const int bit = groupbit;
    Kokkos::parallel_for(
        policy(), LAMMPS_LAMBDA(int i) {
          if (!(mask(i) & bit)) f(i, 0) = f(i, 1) = f(i, 2) = 0.0;
        });
    atomKK->modified(space, F_MASK);
  }

 private:
  AtomKokkos *atomKK;

  // CG's work vectors in this space: copies of the host vectors of the fix, made when a kernel
  // first needs them after a re-neighbouring and copied back before the next one
  using WorkView = Kokkos::View<double *, Kokkos::LayoutRight, DeviceType>;
  using HostWork = Kokkos::View<double *, Kokkos::HostSpace, Kokkos::MemoryUnmanaged>;
  WorkView d_work[3];
  int work_n = -1;    // values held in d_work (-1: none, the host vectors are current)

  WorkView work_view(int k)
  {
    if (work_n < 0) {
      const int n = 3 * atom->nlocal;
      for (int w = 0; w < 3; w++) {
        if (int(d_work[w].extent(0)) < n)
          d_work[w] = WorkView("fix inherent/kk:work", 3 * atom->nmax);
        Kokkos::deep_copy(Kokkos::subview(d_work[w], std::make_pair(0, n)), HostWork(work(w), n));
      }
      work_n = n;
    }
    return d_work[k];
  }
  void download_work()
  {
    if (work_n < 0) return;
    for (int w = 0; w < 3; w++)
      Kokkos::deep_copy(HostWork(work(w), work_n),
                        Kokkos::subview(d_work[w], std::make_pair(0, work_n)));
    work_n = -1;
  }

  // the mass of local atom i in this space: per-atom (rmass) or per-type
  struct Masses {
    typename ArrayTypes<DeviceType>::t_int_1d type;
    typename ArrayTypes<DeviceType>::t_float_1d rmass, mass;
    bool per_atom;
    KOKKOS_INLINE_FUNCTION double operator()(int i) const
    {
      return per_atom ? rmass(i) : mass(type(i));
    }
  };
  Masses masses()
  {
    const bool per_atom = atom->rmass != nullptr;
    atomKK->sync(space, per_atom ? RMASS_MASK : TYPE_MASK);
    atomKK->k_mass.template sync<DeviceType>();
    return {atomKK->k_type.template view<DeviceType>(), atomKK->k_rmass.template view<DeviceType>(),
            atomKK->k_mass.template view<DeviceType>(), per_atom};
  }

  Kokkos::RangePolicy<DeviceType> policy() const
  {
    return Kokkos::RangePolicy<DeviceType>(0, atom->nlocal);
  }
  // the views of x, v and f in this space, synced there first (x may be LayoutLeft, v and f not)
  auto x_view()
  {
    atomKK->sync(space, X_MASK);
    return atomKK->k_x.template view<DeviceType>();
  }
  auto v_view()
  {
    atomKK->sync(space, V_MASK);
    return atomKK->k_v.template view<DeviceType>();
  }
  auto f_view()
  {
    atomKK->sync(space, F_MASK);
    return atomKK->k_f.template view<DeviceType>();
  }
};

}    // namespace LAMMPS_NS

#endif
