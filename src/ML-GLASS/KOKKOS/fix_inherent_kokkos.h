/* -*- c++ -*- ----------------------------------------------------------
   ML-GLASS package for LAMMPS, KOKKOS variant (installed into src/KOKKOS by
   tools/install-in-tree.sh). Documentation: doc/fix_inherent.rst
------------------------------------------------------------------------- */

#ifdef FIX_CLASS
// clang-format off
FixStyle(inherent/kk,FixInherentKokkos<LMPDeviceType>);
FixStyle(inherent/kk/device,FixInherentKokkos<LMPDeviceType>);
FixStyle(inherent/kk/host,FixInherentKokkos<LMPHostType>);
// clang-format on
#else

#ifndef LMP_FIX_INHERENT_KOKKOS_H
#define LMP_FIX_INHERENT_KOKKOS_H

#include "fix_inherent.h"
#include "kokkos_type.h"

namespace LAMMPS_NS {

// fix inherent with FIRE's and CG's vector work in the Kokkos execution space of DeviceType:
// between the force evaluations of a quench, x, v, f (and CG's work vectors) stay where the KOKKOS
// pair style computes them (min_system_kokkos.h). Same syntax, output, restart data and results as
// fix inherent; min flow runs as in the plain fix (on the host arrays, synced around each
// evaluation).
template <class DeviceType> class FixInherentKokkos : public FixInherent {
 public:
  FixInherentKokkos(class LAMMPS *, int, char **);

 protected:
  std::unique_ptr<class LammpsMinSystem> make_system() override;
};

}    // namespace LAMMPS_NS

#endif
#endif
