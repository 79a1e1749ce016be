// compute glass/mpnn (issue 5 benchmark):
//  (1) wall time of one evaluation (all windows of the box) at N = 4320 and N = 10^5, 1 rank;
//  (2) overhead on a 4320-particle 2D Kob-Andersen MD run when evaluated every 10^4 steps
//      (target <= 2 %);
//  (3) C++ inference throughput (windows/s) against the same TorchScript model run by PyTorch in
//      Python (Debian's python3-torch) on the same batch (bench/bench_python_inference.py):
//      medians over fresh processes, with and without the block cache (src/model/block_cache.h).
//
//   bench_glass_mpnn MODEL [PYTHON] [--processes 7]     MODEL e.g. potentials/ka2d-dmpnn.pt
//   bench_glass_mpnn --cpp-rate MODEL SECONDS           (internal: one C++ measurement)
#include "compute.h"
#include "bench_lammps.h"
#include "input.h"
#include "lammps.h"
#include "library.h"
#include "modify.h"
#include "timer.h"
#include "update.h"

#include "dmpnn.h"
#include "glass_classifier.h"

#include <mpi.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

using namespace LAMMPS_NS;
using Clock = std::chrono::steady_clock;
constexpr int kBatch = 32;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }


// A random 2D A/B configuration at density 1.2 (graphs of the right size; no dynamics needed).
void random_system(LAMMPS *lmp, int n) {
  const double side = std::sqrt(n / 1.2);
  run(lmp, {"units lj", "dimension 2", "atom_style atomic", "boundary p p p",
            "region box block 0 " + std::to_string(side) + " 0 " + std::to_string(side) + " -0.5 0.5",
            "create_box 2 box", "create_atoms 1 random " + std::to_string(n) + " 1 NULL",
            "set type 1 type/ratio 2 0.35 2", "mass * 1.0", "pair_style zero 2.5",
            "pair_coeff * *"});
}

// Seconds per evaluation of compute `cls`, best of `repeats` (the compute caches per timestep:
// advance the step counter between calls, as a run would).
double seconds_per_evaluation(LAMMPS *lmp, int repeats) {
  Compute *c = lmp->modify->compute[lmp->modify->find_compute("cls")];
  c->compute_scalar();  // warm-up (first TorchScript call)
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    lmp->update->ntimestep += 1;
    const auto t0 = Clock::now();
    c->compute_scalar();
    best = std::min(best, since(t0));
  }
  return best;
}

// The benchmark's batch: 32 windows of a random 4320-particle box (seed 5, the same in every
// process), as the compute would cut them.
std::vector<mlglass::Graph> benchmark_graphs(const mlglass::ModelMetadata &info) {
  std::mt19937_64 rng(5);
  const double side = std::sqrt(4320 / 1.2);
  const mlglass::PeriodicBox box = mlglass::PeriodicBox::square(side, 2);
  std::vector<double> x(3 * 4320);
  std::vector<int> type(4320);
  std::uniform_real_distribution<double> u(0.0, side);
  for (int i = 0; i < 4320; ++i) {
    x[3 * i] = u(rng);
    x[3 * i + 1] = u(rng);
    x[3 * i + 2] = 0.0;
    type[i] = i % 100 < 65 ? 1 : 2;
  }
  const double wside = mlglass::window_side(box, info.graph.window);
  std::vector<mlglass::Graph> graphs;
  for (int w = 0; w < kBatch; ++w) {
    const mlglass::Window win =
        mlglass::cut_window(box, x.data(), 4320, {u(rng), u(rng), 0.0}, wside);
    graphs.push_back(mlglass::knn_graph(win, type.data(), nullptr, info.graph.k, info.graph.ntypes,
                                        info.graph.features));
  }
  return graphs;
}

std::vector<const mlglass::Graph *> pointers(const std::vector<mlglass::Graph> &graphs) {
  std::vector<const mlglass::Graph *> p;
  for (const auto &g : graphs) p.push_back(&g);
  return p;
}

// Windows per second of what the compute runs per batch (GlassClassifier::classify: batching the
// graphs, the forward pass, sigmoid), 1 thread, over `seconds` after 5 warm-up calls.
double cpp_rate(const std::string &model, double seconds) {
  at::set_num_threads(1);
  mlglass::GlassClassifier classifier(model);
  const auto graphs = benchmark_graphs(classifier.info());
  const auto ptrs = pointers(graphs);
  for (int i = 0; i < 5; ++i) classifier.classify(ptrs);
  int reps = 0;
  const auto t0 = Clock::now();
  while (since(t0) < seconds) {
    classifier.classify(ptrs);
    ++reps;
  }
  return reps * kBatch / since(t0);
}

// Runs `command` (which prints one number) and returns the number, or NaN.
double rate_of(const std::string &command, const std::string &out) {
  if (std::system((command + " > " + out + " 2>/dev/null").c_str()) != 0) return std::nan("");
  double r = std::nan("");
  std::ifstream(out) >> r;
  return r;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

// C++ vs Python inference throughput on the same batch. Every measurement is a fresh process
// (the rate of one process depends on how its heap happens to serve the large tensors: a single
// process cannot sample that), the sides alternate so that load changes hit all alike, and the
// table gives the median and range over `processes` processes per side.
void compare_with_python(const std::string &model, const std::string &python,
                         const std::string &dir, int processes) {
  {  // the batch for Python: a torch.load()-able pickle of a dict of tensors
    mlglass::GlassClassifier classifier(model);
    const auto graphs = benchmark_graphs(classifier.info());
    const mlglass::GraphBatch b = mlglass::batch(pointers(graphs));
    const auto t = mlglass::BatchTensors::view(b);
    c10::Dict<std::string, torch::Tensor> d;
    d.insert("x", t.x.clone());
    d.insert("e", t.e.clone());
    d.insert("src", t.src.clone());
    d.insert("dst", t.dst.clone());
    d.insert("rev", t.rev.clone());
    d.insert("node_graph", t.node_graph.clone());
    const auto bytes = torch::pickle_save(d);
    std::ofstream(dir + "/batch.pt", std::ios::binary).write(bytes.data(), bytes.size());
    std::printf("inference on one batch of %d windows (%d nodes, %d edges), windows/s,\n"
                "%d fresh processes per row, 2 s each, rows interleaved:\n",
                kBatch, b.n_nodes, b.n_edges, processes);
  }
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const std::string cpp = self + " --cpp-rate " + model + " 2";
  const std::string py = python + " " MLGLASS_SOURCE_DIR "/bench/bench_python_inference.py " +
                         model + " " + dir + "/batch.pt " + std::to_string(kBatch);
  // glibc keeping freed memory in its heap: what the block cache does for the C++ side
  const std::string keep_heap =
      "GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=1073741824 ";
  struct Row {
    const char *name;
    std::string command;
    std::vector<double> rates;
  };
  std::vector<Row> rows = {
      {"C++, compute glass/mpnn path (block cache)", cpp, {}},
      {"C++, MLGLASS_BLOCK_CACHE=0", "MLGLASS_BLOCK_CACHE=0 " + cpp, {}},
      {"Python, torch.jit.load + inference_mode", py, {}},
      {"Python, glibc heap kept (GLIBC_TUNABLES)", keep_heap + py, {}}};
  for (int p = 0; p < processes; ++p)
    for (auto &row : rows) row.rates.push_back(rate_of(row.command, dir + "/rate.txt"));
  std::printf("  %-44s %8s %8s %8s\n", "", "median", "min", "max");
  for (const auto &row : rows) {
    if (std::isnan(median(row.rates))) {
      std::printf("  %-44s not measured (%s failed)\n", row.name, row.command.c_str());
      continue;
    }
    std::printf("  %-44s %8.1f %8.1f %8.1f\n", row.name, median(row.rates),
                *std::min_element(row.rates.begin(), row.rates.end()),
                *std::max_element(row.rates.begin(), row.rates.end()));
  }
  const double c = median(rows[0].rates), p = median(rows[2].rates), pk = median(rows[3].rates);
  std::printf("  ratio C++ / Python (medians) %.2f; against Python with the heap kept %.2f\n\n",
              c / p, c / pk);
}

}  // namespace

int main(int argc, char **argv) {
  if (argc == 4 && std::string(argv[1]) == "--cpp-rate") {  // one measurement, this process
    std::printf("%.2f\n", cpp_rate(argv[2], std::atof(argv[3])));
    return 0;
  }
  std::string model, python = "/usr/bin/python3";
  int processes = 7;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--processes" && i + 1 < argc)
      processes = std::max(1, std::atoi(argv[++i]));
    else if (model.empty())
      model = a;
    else
      python = a;
  }
  if (model.empty()) {
    std::fprintf(stderr, "usage: bench_glass_mpnn MODEL [PYTHON] [--processes 7]\n");
    return 2;
  }
  const std::string dir = "/tmp/mlglass-bench-glass-" + std::to_string(getpid());
  std::system(("mkdir -p " + dir).c_str());
  std::printf("compute glass/mpnn benchmark, model %s, 1 rank, 1 LibTorch thread\n\n", model.c_str());

  // (3) first, before MPI starts (it forks processes): C++ vs Python inference on the same batch
  compare_with_python(model, python, dir, processes);

  MPI_Init(&argc, &argv);
  // (1) one evaluation
  std::printf("%10s %8s %14s %14s\n", "N", "windows", "eval (ms)", "us/window");
  double eval4320 = 0.0;
  for (int n : {4320, 100000}) {
    LAMMPS *lmp = open_lammps();
    random_system(lmp, n);
    run(lmp, {"compute cls all glass/mpnn " + model, "run 0"});
    const double t = seconds_per_evaluation(lmp, n > 10000 ? 3 : 10);
    const double w = static_cast<double *>(
        lammps_extract_compute(lmp, "cls", LMP_STYLE_GLOBAL, LMP_TYPE_VECTOR))[5];
    std::printf("%10d %8.0f %14.1f %14.1f\n", n, w, 1e3 * t, 1e6 * t / w);
    if (n == 4320) eval4320 = t;
    delete lmp;
  }

  // (2) overhead on MD: 2D KA, N = 4320, runs of 20000 steps from step 0 with thermo output
  // every 10^4 steps: with P(glass) in the output the model runs 3 times (steps 0, 10^4, 2*10^4)
  {
    LAMMPS *lmp = open_lammps();
    run(lmp, {"variable natoms index 4320", "variable seed index 3",
              "variable mlglass index " MLGLASS_SOURCE_DIR,
              "include " MLGLASS_SOURCE_DIR "/examples/common/ka2d_start.lmp",
              "velocity all create 0.8 5 dist gaussian", "fix md all nvt temp 0.8 0.8 0.5",
              "compute cls all glass/mpnn " + model, "thermo 10000", "run 2000",
              "thermo_style custom step temp pe c_cls", "run 0"});  // the first call's warm-up
    double plain = 1e30, with = 1e30, output = 1e30;
    for (int r = 0; r < 3; ++r) {  // alternating, best of 3 each: load changes cancel out
      run(lmp, {"thermo_style custom step temp pe", "reset_timestep 0"});
      auto t0 = Clock::now();
      run(lmp, {"run 20000"});
      plain = std::min(plain, since(t0));
      run(lmp, {"thermo_style custom step temp pe c_cls", "reset_timestep 0"});
      t0 = Clock::now();
      run(lmp, {"run 20000"});
      with = std::min(with, since(t0));
      // LAMMPS' Output timer of that run: thermo output at steps 10^4 and 2*10^4, i.e. two of
      // the three evaluations (the one at step 0 happens in the run's setup)
      output = std::min(output, lmp->timer->get_wall(Timer::OUTPUT) / 2.0);
    }
    // (with - plain) would be the overhead too, but two 12-s runs differ by +-0.1 s or more
    // (several evaluations): printed for reference, not used
    const double md_per_1e4 = plain / 2.0;
    std::printf("\nMD overhead, 2D KA N = 4320 (%.3f ms per MD step), P(glass) every 10^4 steps:\n"
                "  20000 steps without %.2f s, with %.2f s (3 evaluations: steps 0, 10^4, 2*10^4)\n"
                "  one evaluation: %.1f ms alone, %.1f ms inside the run (LAMMPS' Output timer)\n"
                "  overhead of one evaluation per 10^4 steps: %.2f %% (alone), %.2f %% (in the run)\n",
                1e3 * plain / 20000, plain, with, 1e3 * eval4320, 1e3 * output,
                100.0 * eval4320 / md_per_1e4, 100.0 * output / md_per_1e4);
    delete lmp;
  }

  std::system(("rm -rf " + dir).c_str());
  MPI_Finalize();
  return 0;
}
