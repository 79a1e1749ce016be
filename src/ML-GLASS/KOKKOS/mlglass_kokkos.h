/* -*- c++ -*- ----------------------------------------------------------
   ML-GLASS package for LAMMPS, KOKKOS variants (installed into src/KOKKOS by
   tools/install-in-tree.sh): what the /kk styles share.
------------------------------------------------------------------------- */

#ifndef LMP_MLGLASS_KOKKOS_H
#define LMP_MLGLASS_KOKKOS_H

#include "atom_kokkos.h"
#include "error.h"
#include "lammps.h"

#include <cctype>
#include <string>

namespace LAMMPS_NS {

// A /kk style needs AtomKokkos, which exists only with `-k on`. Called in the initializer of the
// plain style's constructor: an error after that constructor (which may register callbacks)
// would unwind through the base destructor while Modify does not know the style yet.
inline LAMMPS *mlglass_require_kokkos(LAMMPS *lmp, const std::string &kind,
                                      const std::string &style)
{
  if (!lmp->kokkos || !dynamic_cast<AtomKokkos *>(lmp->atom)) {
    std::string command = kind;    // "Fix" -> "fix"
    command[0] = char(std::tolower(command[0]));
    lmp->error->all(FLERR,
                    "{} {}/kk needs the KOKKOS package enabled at run time (-k on); without it "
                    "use {} {}",
                    kind, style, command, style);
  }
  return lmp;
}

}    // namespace LAMMPS_NS

#endif
