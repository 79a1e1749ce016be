// LAMMPS API differences between 29Sep2021 (Debian 12) and newer trees, in one place.
// LAMMPS_VERSION_NUMBER (YYYYMMDD) is derived from the tree's version.h by cmake/MLGLASSCommon.cmake.
#pragma once

#include "comm.h"
#include "compute.h"
#include "fix.h"
#include "neigh_request.h"
#include "neighbor.h"

#ifndef LAMMPS_VERSION_NUMBER
#error "LAMMPS_VERSION_NUMBER must be defined by the build (see cmake/MLGLASSCommon.cmake)"
#endif

namespace LAMMPS_NS {
namespace mlglass_compat {

// Occasional full neighbour list for a compute; cutoff > 0 requests a custom cutoff.
template <class Requestor>
inline void request_occasional_full(Neighbor *neighbor, Requestor *requestor, int instance,
                                    double cutoff) {
#if LAMMPS_VERSION_NUMBER >= 20220324
  (void) instance;
  auto *req = neighbor->add_request(requestor, NeighConst::REQ_FULL | NeighConst::REQ_OCCASIONAL);
  if (cutoff > 0.0) req->set_cutoff(cutoff);
#else
  int irequest = neighbor->request(requestor, instance);
  NeighRequest *req = neighbor->requests[irequest];
  req->pair = 0;
  req->compute = 1;
  req->half = 0;
  req->full = 1;
  req->occasional = 1;
  if (cutoff > 0.0) {
    req->cut = 1;
    req->cutoff = cutoff;
  }
#endif
}

inline void forward_comm(Comm *comm, Compute *compute) {
#if LAMMPS_VERSION_NUMBER >= 20220107
  comm->forward_comm(compute);
#else
  comm->forward_comm_compute(compute);
#endif
}

inline void reverse_comm(Comm *comm, Fix *fix, int size) {
#if LAMMPS_VERSION_NUMBER >= 20220107
  comm->reverse_comm(fix, size);
#else
  comm->reverse_comm_fix(fix, size);
#endif
}

}  // namespace mlglass_compat
}  // namespace LAMMPS_NS
