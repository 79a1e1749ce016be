/* ----------------------------------------------------------------------
   ML-GLASS package for LAMMPS, KOKKOS variant: fix inherent/kk.
   Documentation: doc/fix_inherent.rst
------------------------------------------------------------------------- */

#include "fix_inherent_kokkos.h"

#include "min_system_kokkos.h"
#include "mlglass_kokkos.h"

#include "atom_kokkos.h"
#include "atom_masks.h"
#include "kokkos.h"

using namespace LAMMPS_NS;

template <class DeviceType>
FixInherentKokkos<DeviceType>::FixInherentKokkos(LAMMPS *lmp, int narg, char **arg) :
    FixInherent(mlglass_require_kokkos(lmp, "Fix", "inherent"), narg, arg, "inherent/kk")
{
  // Kokkos-aware: Modify syncs to the host only what post_neighbor() records (x at each neighbor
  // build) and marks nothing modified; a quench syncs the MD state it saves and restores itself
  // (md_snapshot.cpp) and keeps FIRE's vectors in this execution space (min_system_kokkos.h).
  kokkosable = 1;
  execution_space = Host;
  datamask_read = X_MASK;
  datamask_modify = EMPTY_MASK;
}

template <class DeviceType>
std::unique_ptr<LammpsMinSystem> FixInherentKokkos<DeviceType>::make_system()
{
  if (minstyle == FLOW) return FixInherent::make_system();
  return std::make_unique<LammpsMinSystemKokkos<DeviceType>>(lmp, groupbit, [this](int k) {
    return work_vector(k);
  });
}

namespace LAMMPS_NS {
template class FixInherentKokkos<LMPDeviceType>;
#ifdef LMP_KOKKOS_GPU
template class FixInherentKokkos<LMPHostType>;
#endif
}    // namespace LAMMPS_NS
