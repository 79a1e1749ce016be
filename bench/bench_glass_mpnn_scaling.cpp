// compute glass/mpnn at scale (bench/README.md): one evaluation (global vector and per-atom values)
// of a random 2D 65:35 configuration at density 1.2 with the shipped model, per MPI rank:
// CPU time, the compute's memory_usage(), the process's resident memory before and at its peak,
// and the bytes each rank received for the evaluation (measured by the compute when it reports
// them, else the volume of an all-gather of every atom: what the compute did before it exchanged
// only window halos), next to the O(N/P + halo) estimate for the rank's subdomain.
//
//   mpirun -np P bench_glass_mpnn_scaling MODEL N [N ...] [--batch B]   e.g. potentials/ka2d-dmpnn.pt 100000
// Prints one Markdown row per N (rank 0). Run it on 1, 2, 4 ranks; with more ranks than cores
// compare CPU time per rank, not wall time.
#include "bench_lammps.h"
#include "atom.h"
#include "comm.h"
#include "compute.h"
#include "domain.h"
#include "lammps.h"
#include "modify.h"
#include "update.h"

#include <dlfcn.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

using namespace LAMMPS_NS;

namespace {

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

double wall_seconds() { return MPI_Wtime(); }

// VmRSS or VmHWM of this process, MB
double status_mb(const char *key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::atof(line.c_str() + std::string(key).size()) / 1024.0;
  return -1.0;
}

// the compute's own traffic figures, from the plugin when it exports them
using StatsFn = int (*)(Compute *, double *);
StatsFn stats_function() {
  void *handle = dlopen(MLGLASS_PLUGIN_PATH, RTLD_NOW | RTLD_NOLOAD);
  return handle ? reinterpret_cast<StatsFn>(dlsym(handle, "mlglass_glass_mpnn_stats")) : nullptr;
}

struct Row {
  double cpu, wall, memory_usage, rss_before, rss_peak, bytes, estimate;
};

Row measure(const std::string &model, long n, const std::string &keywords) {
  LAMMPS *lmp = open_lammps();
  const double side = std::sqrt(double(n) / 1.2);
  run(lmp, {"units lj", "dimension 2", "atom_style atomic", "boundary p p p",
            "region box block 0 " + std::to_string(side) + " 0 " + std::to_string(side) +
                " -0.5 0.5",
            "create_box 2 box", "create_atoms 1 random " + std::to_string(n) + " 1 NULL",
            "set type 1 type/ratio 2 0.35 2", "mass * 1.0", "pair_style zero 2.5",
            "pair_coeff * *", "compute cls all glass/mpnn " + model + keywords, "run 0 post no"});
  Compute *c = lmp->modify->compute[lmp->modify->find_compute("cls")];
  Row r{};
  r.rss_before = status_mb("VmRSS:");
  const double hwm_before = status_mb("VmHWM:");
  MPI_Barrier(MPI_COMM_WORLD);
  const double c0 = cpu_seconds(), w0 = wall_seconds();
  c->compute_vector();
  c->compute_peratom();
  r.cpu = cpu_seconds() - c0;
  MPI_Barrier(MPI_COMM_WORLD);
  r.wall = wall_seconds() - w0;
  r.rss_peak = std::max(status_mb("VmHWM:"), hwm_before);
  r.memory_usage = c->memory_usage() / 1048576.0;

  // O(N/P + halo): the atoms of this rank's subdomain extended by one window side (12 sigma, the
  // shipped model's) along each axis the decomposition cuts, at density 1.2, 48 bytes each
  const double wside = 12.0;
  double own = 1.0, extended = 1.0;
  for (int a = 0; a < 2; ++a) {
    const double len = lmp->domain->subhi[a] - lmp->domain->sublo[a];
    own *= len;
    extended *= len + (lmp->comm->procgrid[a] > 1 ? wside : 0.0);
  }
  r.estimate = 1.2 * (extended - own) * 48.0;
  double stats[4] = {0, 0, 0, 0};
  static const StatsFn fn = stats_function();
  if (fn && fn(c, stats)) {
    r.bytes = stats[1];
  } else {  // all-gather of ID (8 bytes), type (4) and x (24) of every other rank's atoms
    r.bytes = 36.0 * double(n - lmp->atom->nlocal);
  }
  delete lmp;
  return r;
}

}  // namespace

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int me = 0, nprocs = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &me);
  MPI_Comm_size(MPI_COMM_WORLD, &nprocs);
  if (argc < 3) {
    if (me == 0) std::fprintf(stderr, "usage: bench_glass_mpnn_scaling MODEL N [N ...]\n");
    MPI_Finalize();
    return 2;
  }
  const bool measured = stats_function() != nullptr;
  if (me == 0) {
    std::printf("| N | ranks | CPU s per rank (max) | wall s | memory_usage MB per rank (max) | "
                "RSS MB before / peak per rank (max) | MB received per rank (max, %s) | "
                "O(N/P + halo) MB |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n",
                measured ? "measured" : "all-gather volume");
  }
  std::string keywords;
  std::vector<long> sizes;
  for (int i = 2; i < argc; ++i) {
    if (std::string(argv[i]) == "--batch" && i + 1 < argc) {
      keywords = std::string(" batch ") + argv[++i];
    } else {
      sizes.push_back(std::atol(argv[i]));
    }
  }
  for (const long n : sizes) {
    const Row r = measure(argv[1], n, keywords);
    Row mx{};
    MPI_Reduce(&r, &mx, 7, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    if (me == 0)
      std::printf("| %ld | %d | %.2f | %.2f | %.1f | %.0f / %.0f | %.2f | %.2f |\n", n, nprocs,
                  mx.cpu, mx.wall, mx.memory_usage, mx.rss_before, mx.rss_peak, mx.bytes / 1e6,
                  mx.estimate / 1e6);
    std::fflush(stdout);
  }
  MPI_Finalize();
  return 0;
}
