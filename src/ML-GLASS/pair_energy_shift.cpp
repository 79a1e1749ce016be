/* ----------------------------------------------------------------------
   ML-GLASS package for LAMMPS: the pair energy the line searches of fix inherent's min cg see.
------------------------------------------------------------------------- */

#include "pair_energy_shift.h"

#include "atom.h"
#include "force.h"
#include "pair.h"
#include "utils.h"

using namespace LAMMPS_NS;

namespace {
// Pair::offset_flag (what pair_modify shift sets) is protected and has no accessor; a member
// pointer taken through a derived class reaches it without touching the pair style's type
struct OffsetFlag : Pair {
  static int &of(Pair *pair) { return pair->*(&OffsetFlag::offset_flag); }
};
}    // namespace

PairEnergyShift::PairEnergyShift(LAMMPS *lmp_, bool enable) : lmp(lmp_)
{
  Pair *p = lmp->force->pair;
  if (!enable || p == nullptr || OffsetFlag::of(p) || !unsupported(lmp).empty()) return;
  pair = p;
  set_offset(1);
  active_ = true;
}

PairEnergyShift::~PairEnergyShift() noexcept
{
  if (!active_) return;
  try {
    set_offset(0);
  } catch (...) {
    // init_one() succeeded with these coefficients at setup and when the shift was switched on
  }
}

void PairEnergyShift::set_offset(int flag)
{
  OffsetFlag::of(pair) = flag;
  const int ntypes = lmp->atom->ntypes;
  for (int i = 1; i <= ntypes; i++)
    for (int j = i; j <= ntypes; j++) pair->init_one(i, j);
}

std::string PairEnergyShift::unsupported(LAMMPS *lmp)
{
  const char *style = lmp->force->pair_style;
  // hybrid keeps one offset flag per sub-style (pair_modify pair ... shift), out of reach here
  if (style && utils::strmatch(style, "^hybrid"))
    return fmt::format("pair style {} keeps one shift setting per sub-style", style);
  return {};
}
