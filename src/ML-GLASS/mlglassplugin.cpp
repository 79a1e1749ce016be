/* ----------------------------------------------------------------------
   ML-GLASS package for LAMMPS: plugin entry point. Documentation: doc/build.rst
   Registers every ML-GLASS style when LAMMPS runs `plugin load mlglassplugin.so`.
------------------------------------------------------------------------- */

#include "lammpsplugin.h"
#include "version.h"

#include "compute_bgraph.h"
#include "compute_glass_mpnn.h"
#include "fix_inherent.h"

using namespace LAMMPS_NS;

static Compute *bgraph_creator(LAMMPS *lmp, int argc, char **argv)
{
  return new ComputeBGraph(lmp, argc, argv);
}

static Compute *glass_mpnn_creator(LAMMPS *lmp, int argc, char **argv)
{
  return new ComputeGlassMPNN(lmp, argc, argv);
}

static Fix *inherent_creator(LAMMPS *lmp, int argc, char **argv)
{
  return new FixInherent(lmp, argc, argv);
}

extern "C" void lammpsplugin_init(void *lmp, void *handle, void *regfunc)
{
  auto register_plugin = (lammpsplugin_regfunc) regfunc;
  lammpsplugin_t plugin;

  plugin.version = LAMMPS_VERSION;
  plugin.style = "compute";
  plugin.name = "bgraph";
  plugin.info = "ML-GLASS B-particle graph metrics (doc/compute_bgraph.rst)";
  plugin.author = "ML-GLASS developers";
  plugin.creator.v2 = (lammpsplugin_factory2 *) &bgraph_creator;
  plugin.handle = handle;
  (*register_plugin)(&plugin, lmp);

  plugin.name = "glass/mpnn";
  plugin.info =
      "ML-GLASS on-the-fly liquid/glass classification with a D-MPNN (doc/compute_glass_mpnn.rst)";
  plugin.creator.v2 = (lammpsplugin_factory2 *) &glass_mpnn_creator;
  (*register_plugin)(&plugin, lmp);

  plugin.style = "fix";
  plugin.name = "inherent";
  plugin.info = "ML-GLASS FIRE inherent-structure sampling (doc/fix_inherent.rst)";
  plugin.creator.v2 = (lammpsplugin_factory2 *) &inherent_creator;
  (*register_plugin)(&plugin, lmp);
}
