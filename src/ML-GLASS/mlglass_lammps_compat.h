// LAMMPS API differences between 29Sep2021 (Debian 12) and newer trees, in one place.
// LAMMPS_VERSION_NUMBER (YYYYMMDD) is derived from the tree's version.h by cmake/MLGLASSCommon.cmake.
#pragma once

#include "atom.h"
#include "atom_masks.h"
#include "comm.h"
#include "compute.h"
#include "error.h"
#include "fix.h"
#include "lammps.h"
#include "modify.h"
#include "neigh_request.h"
#include "neighbor.h"
#include "pointers.h"
#include "utils.h"

#include <dlfcn.h>

#include <cstdint>

#include <string>
#include <utility>

#ifndef LAMMPS_VERSION_NUMBER
#error "LAMMPS_VERSION_NUMBER must be defined by the build (see cmake/MLGLASSCommon.cmake)"
#endif

namespace LAMMPS_NS {
namespace mlglass_compat {

  inline Compute *find_compute(Modify *modify, const char *id)
  {
    const int icompute = modify->find_compute(id);
    return icompute < 0 ? nullptr : modify->compute[icompute];
  }

  // Occasional full neighbour list for a compute; cutoff > 0 requests a custom cutoff.
  template <class Requestor>
  inline void request_occasional_full(Neighbor *neighbor, Requestor *requestor, int instance,
                                      double cutoff)
  {
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

  // Build an occasional list if it is out of date. 29Sep2021 needs preflag 1 on the first step of a
  // run (the list may carry the build stamp of the setup re-neighbouring); newer LAMMPS resets the
  // stamps of occasional lists at every build() and its build_one() has no preflag. Which signature
  // a tree has is detected from neighbor.h itself, so every release in between compiles too.
  namespace detail {
    template <class N>
    auto build_one_first(N *neighbor, NeighList *list, int)
        -> decltype(neighbor->build_one(list, 1))
    {
      return neighbor->build_one(list, 1);
    }
    template <class N> void build_one_first(N *neighbor, NeighList *list, long)
    {
      neighbor->build_one(list);
    }
  }    // namespace detail

  inline void build_occasional(Neighbor *neighbor, NeighList *list, bool first_step)
  {
    if (first_step)
      detail::build_one_first(neighbor, list, 0);
    else
      neighbor->build_one(list);
  }

  // A yes/no keyword value, accepting what utils::logical() accepts (yes/no, on/off, true/false,
  // 1/0; utils::logical() exists from LAMMPS 27Oct2021 on), with an error naming the style and keyword.
  inline bool logical(LAMMPS *lmp, const char *style, const std::string &key,
                      const std::string &value)
  {
    const bool known = value == "yes" || value == "no" || value == "on" || value == "off" ||
        value == "true" || value == "false" || value == "1" || value == "0";
    if (!known)
      lmp->error->all(FLERR, "{}: {} expects yes or no (also on/off, true/false, 1/0), got '{}'",
                      style, key, value);
#if LAMMPS_VERSION_NUMBER >= 20211027
    return utils::logical(FLERR, value, false, lmp) != 0;
#else
    return value == "yes" || value == "on" || value == "true" || value == "1";
#endif
  }

  // Domain::minimum_image(): newer trees take the caller's file and line first (and check for
  // absurd distances); chosen by signature, since the change came in a feature release
  namespace detail {
    template <class D>
    auto minimum_image(D *domain, double *delta, int)
        -> decltype(domain->minimum_image(FLERR, delta), void())
    {
      domain->minimum_image(FLERR, delta);
    }
    template <class D> void minimum_image(D *domain, double *delta, long)
    {
      domain->minimum_image(delta);
    }
  }    // namespace detail
  template <class D> void minimum_image(D *domain, double *delta)
  {
    detail::minimum_image(domain, delta, 0);
  }

  inline void forward_comm(Comm *comm, Compute *compute)
  {
#if LAMMPS_VERSION_NUMBER >= 20220107
    comm->forward_comm(compute);
#else
    comm->forward_comm_compute(compute);
#endif
  }

  inline void reverse_comm(Comm *comm, Fix *fix, int size)
  {
#if LAMMPS_VERSION_NUMBER >= 20220107
    comm->reverse_comm(fix, size);
#else
    comm->reverse_comm_fix(fix, size);
#endif
  }

  // ---- KOKKOS (-k on) from a plugin ---------------------------------------------------------------
  // Kokkos lives statically inside liblammps; a plugin must not contain Kokkos code (LAMMPS issue
  // 3469), so it cannot include atom_kokkos.h. What it can use is what LAMMPS' own plain styles use
  // under -k on: the virtual Atom::sync_modify(space, read mask, modify mask), which AtomKokkos
  // implements as atomKK->sync(space, read); atomKK->modified(space, modify) and plain Atom as a
  // no-op. LAMMPS 29Sep2021 has it. Later releases dropped it (plain styles are synced by
  // ModifyKokkos around their calls); there the two AtomKokkos member functions are looked up in
  // the running process by their Itanium-ABI names, as Kokkos::device_id() below, and called with
  // the atom as `this` (AtomKokkos derives from Atom alone). Their mask is unsigned int up to
  // LAMMPS 4Feb2025 and uint64_t after; both names are tried.

  using datamask_t = decltype(Fix::datamask_read);

  namespace detail {
    // AtomKokkos::sync() and AtomKokkos::modified() of a LAMMPS without Atom::sync_modify()
    struct AtomKokkosCalls {
      void *sync = nullptr, *modified = nullptr;
      bool wide = false;    // uint64_t masks
    };
    inline const AtomKokkosCalls &atom_kokkos_calls()
    {
      static const AtomKokkosCalls calls = [] {
        AtomKokkosCalls c;
        for (const char *mask : {"j", "m"}) {    // unsigned int, unsigned long (uint64_t)
          const std::string prefix = "_ZN9LAMMPS_NS10AtomKokkos";
          const std::string args = std::string("ENS_14ExecutionSpaceE") + mask;
          c.sync = dlsym(RTLD_DEFAULT, (prefix + "4sync" + args).c_str());
          c.modified = dlsym(RTLD_DEFAULT, (prefix + "8modified" + args).c_str());
          c.wide = mask[0] == 'm';
          if (c.sync && c.modified) return c;
        }
        return AtomKokkosCalls{};
      }();
      return calls;
    }
    inline void atom_kokkos_call(void *fn, bool wide, Atom *atom, ExecutionSpace space,
                                 datamask_t mask)
    {
      if (wide)
        reinterpret_cast<void (*)(Atom *, ExecutionSpace, std::uint64_t)>(fn)(atom, space, mask);
      else
        reinterpret_cast<void (*)(Atom *, ExecutionSpace, unsigned int)>(fn)(atom, space,
                                                                             (unsigned int) mask);
    }

    template <class A>
    auto sync_modify(A *atom, ExecutionSpace space, datamask_t read, datamask_t modify, int)
        -> decltype(atom->sync_modify(space, (unsigned int) read, (unsigned int) modify))
    {
      return atom->sync_modify(space, (unsigned int) read, (unsigned int) modify);
    }
    template <class A>
    void sync_modify(A *atom, ExecutionSpace space, datamask_t read, datamask_t modify, long)
    {
      const AtomKokkosCalls &c = atom_kokkos_calls();
      if (!c.sync) return;
      atom_kokkos_call(c.sync, c.wide, atom, space, read);
      atom_kokkos_call(c.modified, c.wide, atom, space, modify);
    }

    template <class A>
    constexpr auto has_sync_modify(int)
        -> decltype(std::declval<A *>()->sync_modify(Host, 0u, 0u), bool())
    {
      return true;
    }
    template <class A> constexpr bool has_sync_modify(long)
    {
      return false;
    }
  }    // namespace detail

  // true if plain styles can sync host and device under -k on (in a LAMMPS with KOKKOS)
  inline bool kokkos_sync_available()
  {
    return detail::has_sync_modify<Atom>(0) || detail::atom_kokkos_calls().sync != nullptr;
  }

  // true if this LAMMPS runs with -k on
  inline bool kokkos_on(LAMMPS *lmp)
  {
    return lmp->kokkos != nullptr;
  }

  // Under -k on: make the `read` data current in `space` and mark the `modify` data changed there
  // (the other space copies it when it next syncs). Without KOKKOS: nothing.
  inline void kokkos_sync(LAMMPS *lmp, ExecutionSpace space, datamask_t read, datamask_t modify)
  {
    if (lmp->kokkos) detail::sync_modify(lmp->atom, space, read, modify, 0);
  }
  // host arrays about to be read / just written by plain code
  inline void kokkos_host_read(LAMMPS *lmp, datamask_t mask)
  {
    kokkos_sync(lmp, Host, mask, 0);
  }
  inline void kokkos_host_wrote(LAMMPS *lmp, datamask_t mask)
  {
    kokkos_sync(lmp, Host, 0, mask);
  }

  // The GPU Kokkos runs this rank on, or -1 (no -k on, a host backend, or a Kokkos without
  // Kokkos::device_id(), which came with Kokkos 4.1): looked up in the running process, so the plugin
  // holds no Kokkos code and needs no Kokkos headers.
  inline int kokkos_device_id(LAMMPS *lmp)
  {
    if (!lmp->kokkos) return -1;
    using device_id_fn = int (*)();
    void *sym = dlsym(RTLD_DEFAULT, "_ZN6Kokkos9device_idEv");    // int Kokkos::device_id()
    if (!sym) return -1;
    return reinterpret_cast<device_id_fn>(sym)();
  }

}    // namespace mlglass_compat
}    // namespace LAMMPS_NS
