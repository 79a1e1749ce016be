// Cost of one `compute bgraph` evaluation against one MD force evaluation (pair->compute) of the
// same 2D Kob-Andersen system at density 1.2, for N = 10^3 .. 10^6 (SPEC section 2: O(N), per-atom
// cost flat within +-30 %, one evaluation <= 2x one force evaluation).
//
//   bench_bgraph [N ...]        default: 1000 10000 100000 1000000
// Run on one rank (the figures are per core); prints a table.
#include "compute.h"
#include "force.h"
#include "input.h"
#include "lammps.h"
#include "modify.h"
#include "pair.h"

#include <mpi.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

using namespace LAMMPS_NS;
using Clock = std::chrono::steady_clock;

namespace {

// Seconds per call: repeat until at least `budget` seconds have passed (3 calls at least).
double seconds_per_call(const std::function<void()> &f, double budget = 0.5) {
  f();  // warm-up
  int calls = 0;
  const auto start = Clock::now();
  double elapsed = 0.0;
  do {
    f();
    ++calls;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (calls < 3 || elapsed < budget);
  return elapsed / calls;
}

Compute *find_compute(LAMMPS *lmp, const std::string &id) {
#if LAMMPS_VERSION_NUMBER >= 20220623
  return lmp->modify->get_compute_by_id(id);
#else
  return lmp->modify->compute[lmp->modify->find_compute(id)];
#endif
}

}  // namespace

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  std::vector<long> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atol(argv[i]));
  if (sizes.empty()) sizes = {1000, 10000, 100000, 1000000};

  std::printf("compute bgraph vs one force evaluation, 2D KA 65:35, density 1.2, 1 core\n\n");
  std::printf("| N | force eval (ms) | MD step (ms) | bgraph eval (ms) | bgraph ns/atom | ratio bgraph/force |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|\n");
  for (long n : sizes) {
    const int side = int(std::lround(std::sqrt(double(n))));
    const char *args[] = {"bench", "-log", "none", "-echo", "none", "-screen", "none", "-nocite"};
    auto *lmp = new LAMMPS(8, const_cast<char **>(args), MPI_COMM_WORLD);
    auto cmd = [&](const std::string &c) { lmp->input->one(c); };
    cmd(std::string("plugin load ") + MLGLASS_PLUGIN_PATH);
    for (const char *c : {"units lj", "dimension 2", "atom_style atomic", "lattice sq 1.2"}) cmd(c);
    cmd("region box block 0 " + std::to_string(side) + " 0 " + std::to_string(side) + " -0.5 0.5");
    for (const char *c :
         {"create_box 2 box", "create_atoms 1 box", "set type 1 type/ratio 2 0.35 4321",
          "include " MLGLASS_SOURCE_DIR "/potentials/KA2D.lj", "neighbor 0.3 bin",
          "neigh_modify every 1 delay 0 check yes", "velocity all create 2.0 4321",
          "fix 1 all nve", "fix 2 all enforce2d", "timestep 0.002", "run 40 post no",
          "compute bg all bgraph"})
      cmd(c);
    cmd("run 0 post no");  // sets up neighbour lists for both the pair style and the compute

    const long natoms = long(side) * side;
    Pair *pair = lmp->force->pair;
    Compute *bg = find_compute(lmp, "bg");
    const auto t0 = Clock::now();
    cmd("run 20 pre no post no");
    const double t_step = std::chrono::duration<double>(Clock::now() - t0).count() / 20;
    // Repeated pair->compute() accumulates forces: no dynamics may follow it.
    const double t_force = seconds_per_call([&] { pair->compute(1, 0); });
    const double t_bg = seconds_per_call([&] { bg->compute_vector(); });
    std::printf("| %ld | %.3f | %.3f | %.3f | %.1f | %.2f |\n", natoms, 1e3 * t_force, 1e3 * t_step,
                1e3 * t_bg, 1e9 * t_bg / natoms, t_bg / t_force);
    std::fflush(stdout);
    delete lmp;
  }
  MPI_Finalize();
  return 0;
}
