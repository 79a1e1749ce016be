// What the LAMMPS benchmark drivers share: an in-process LAMMPS with the plugin loaded and quiet
// output, and running a list of commands.
#pragma once

#include "input.h"
#include "lammps.h"

#include <mpi.h>

#include <string>
#include <vector>

inline LAMMPS_NS::LAMMPS *open_lammps() {
  const char *args[] = {"bench", "-log", "none", "-echo", "none", "-screen", "none", "-nocite"};
  auto *lmp = new LAMMPS_NS::LAMMPS(8, const_cast<char **>(args), MPI_COMM_WORLD);
  lmp->input->one(std::string("plugin load ") + MLGLASS_PLUGIN_PATH);
  return lmp;
}

inline void run(LAMMPS_NS::LAMMPS *lmp, const std::vector<std::string> &cmds) {
  for (const auto &c : cmds) lmp->input->one(c);
}
