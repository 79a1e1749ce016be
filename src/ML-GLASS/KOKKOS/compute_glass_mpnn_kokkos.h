/* -*- c++ -*- ----------------------------------------------------------
   ML-GLASS package for LAMMPS, KOKKOS variant (installed into src/KOKKOS by
   tools/install-in-tree.sh). Documentation: doc/compute_glass_mpnn.rst
------------------------------------------------------------------------- */

#ifdef COMPUTE_CLASS
// clang-format off
ComputeStyle(glass/mpnn/kk,ComputeGlassMPNNKokkos<LMPDeviceType>);
ComputeStyle(glass/mpnn/kk/device,ComputeGlassMPNNKokkos<LMPDeviceType>);
ComputeStyle(glass/mpnn/kk/host,ComputeGlassMPNNKokkos<LMPHostType>);
// clang-format on
#else

#ifndef LMP_COMPUTE_GLASS_MPNN_KOKKOS_H
#define LMP_COMPUTE_GLASS_MPNN_KOKKOS_H

#include "compute_glass_mpnn.h"
#include "kokkos_type.h"

namespace LAMMPS_NS {

// compute glass/mpnn with the windows' graphs built by Kokkos kernels in the memory space of
// DeviceType and handed to LibTorch in place (torch::from_blob on the views' memory, on the CUDA
// device when the views live there): window membership, the kNN links inside each window, the
// undirected edges in (source, destination) order with their reverses and distances, node
// features, and the batching. The atoms a rank holds come as in compute glass/mpnn (LAMMPS'
// Irregular, host memory); one copy brings them to the device. Same syntax and results as
// compute glass/mpnn, exactly.
template <class DeviceType> class ComputeGlassMPNNKokkos : public ComputeGlassMPNN {
 public:
  ComputeGlassMPNNKokkos(class LAMMPS *, int, char **);

 protected:
  std::vector<mlglass::WindowP> classify_owned(const mlglass::TileGrid &grid,
                                               const std::vector<std::int64_t> &mine) override;
};

}    // namespace LAMMPS_NS

#endif
#endif
