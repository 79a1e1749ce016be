// compute glass/mpnn (issue 5 benchmark):
//  (1) wall time of one evaluation (all windows of the box) at N = 4320 and N = 10^5, 1 rank;
//  (2) overhead on a 4320-particle 2D Kob-Andersen MD run when evaluated every 10^4 steps
//      (target <= 2 %);
//  (3) C++ inference throughput (windows/s) against the same TorchScript model run by PyTorch in
//      Python (Debian's python3-torch) on the same batches: bench/bench_python_inference.py.
//
//   bench_glass_mpnn MODEL [PYTHON]        MODEL e.g. potentials/ka2d-dmpnn.pt
#include "compute.h"
#include "bench_lammps.h"
#include "input.h"
#include "lammps.h"
#include "library.h"
#include "modify.h"
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
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

using namespace LAMMPS_NS;
using Clock = std::chrono::steady_clock;

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

}  // namespace

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_glass_mpnn MODEL [PYTHON]\n");
    return 2;
  }
  const std::string model = argv[1];
  const std::string python = argc > 2 ? argv[2] : "/usr/bin/python3";
  const std::string dir = "/tmp/mlglass-bench-glass-" + std::to_string(getpid());
  std::system(("mkdir -p " + dir).c_str());

  std::printf("compute glass/mpnn benchmark, model %s, 1 rank, 1 LibTorch thread\n\n", model.c_str());
  // (3) first, in a fresh process like the Python one: C++ vs Python inference on the same batches: 32 windows of a 4320-particle box
  {
    mlglass::GlassClassifier classifier(model);
    auto [module, meta] = mlglass::load_model(model);
    const auto &info = classifier.info();
    std::mt19937_64 rng(5);
    const double side = std::sqrt(4320 / 1.2);
    mlglass::PeriodicBox box = mlglass::PeriodicBox::square(side, 2);
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
    std::uniform_real_distribution<double> o(0.0, side);
    for (int w = 0; w < 32; ++w) {
      const mlglass::Window win = mlglass::cut_window(box, x.data(), 4320, {o(rng), o(rng), 0.0}, wside);
      graphs.push_back(mlglass::knn_graph(win, type.data(), nullptr, info.graph.k, info.graph.ntypes,
                                          info.graph.features));
    }
    std::vector<const mlglass::Graph *> ptrs;
    for (const auto &g : graphs) ptrs.push_back(&g);
    const mlglass::GraphBatch b = mlglass::batch(ptrs);
    const auto t = mlglass::BatchTensors::view(b);
    // the batch for Python: torch.load()-able pickle of a dict of tensors
    c10::Dict<std::string, torch::Tensor> d;
    d.insert("x", t.x.clone());
    d.insert("e", t.e.clone());
    d.insert("src", t.src.clone());
    d.insert("dst", t.dst.clone());
    d.insert("rev", t.rev.clone());
    d.insert("node_graph", t.node_graph.clone());
    const auto bytes = torch::pickle_save(d);
    std::ofstream(dir + "/batch.pt", std::ios::binary).write(bytes.data(), bytes.size());

    at::set_num_threads(1);
    // C++ and Python alternately, 3 rounds of ~3 s each: the best of each side (load changes on
    // a shared machine then hit both alike)
    auto cpp_rate = [&] {
      c10::InferenceMode guard;
      for (int i = 0; i < 5; ++i) mlglass::run(module, t);
      int reps = 0;
      const auto t0 = Clock::now();
      while (since(t0) < 3.0) {
        mlglass::run(module, t);
        ++reps;
      }
      return reps * 32 / since(t0);
    };
    const std::string cmd = python + " " MLGLASS_SOURCE_DIR "/bench/bench_python_inference.py " +
                            model + " " + dir + "/batch.pt 32 > " + dir + "/python.txt";
    double cpp = 0.0, py = 0.0;
    bool have_python = true;
    for (int round = 0; round < 3; ++round) {
      cpp = std::max(cpp, cpp_rate());
      if (have_python && std::system(cmd.c_str()) == 0) {
        double r = 0.0;
        std::ifstream(dir + "/python.txt") >> r;
        py = std::max(py, r);
      } else {
        have_python = false;
      }
    }
    std::printf("\ninference, batches of 32 windows (%d nodes, %d edges), best of 3 rounds:\n"
                "  C++ (LibTorch)   %8.1f windows/s\n", b.n_nodes, b.n_edges, cpp);
    if (have_python)
      std::printf("  Python (PyTorch) %8.1f windows/s\n  ratio C++/Python %.2f\n", py, cpp / py);
    else
      std::printf("  Python (PyTorch): not measured (%s with torch not available)\n", python.c_str());
  }

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

  // (2) overhead on MD: 2D KA, N = 4320, 20000 steps, evaluated at steps 0, 10^4, 2*10^4
  {
    LAMMPS *lmp = open_lammps();
    run(lmp, {"variable natoms index 4320", "variable seed index 3",
              "variable mlglass index " MLGLASS_SOURCE_DIR,
              "include " MLGLASS_SOURCE_DIR "/examples/common/ka2d_start.lmp",
              "velocity all create 0.8 5 dist gaussian", "fix md all nvt temp 0.8 0.8 0.5",
              "compute cls all glass/mpnn " + model, "thermo 10000", "run 2000"});
    double plain = 1e30, with = 1e30;
    for (int r = 0; r < 3; ++r) {  // alternating, best of 3 each: load changes cancel out
      run(lmp, {"thermo_style custom step temp pe"});
      auto t0 = Clock::now();
      run(lmp, {"run 20000"});
      plain = std::min(plain, since(t0));
      run(lmp, {"thermo_style custom step temp pe c_cls"});
      t0 = Clock::now();
      run(lmp, {"run 20000"});
      with = std::min(with, since(t0));
    }
    // a run of 20000 steps with output every 10^4 evaluates 3 times (steps 0, 10^4, 2*10^4);
    // a long run evaluates once per 10^4 steps
    const double per_eval = (with - plain) / 3.0;
    const double md_per_1e4 = plain / 2.0;
    std::printf("\nMD overhead, 2D KA N = 4320 (%.3f ms per MD step), P(glass) every 10^4 steps:\n"
                "  20000 steps without %.2f s, with %.2f s (3 evaluations: steps 0, 10^4, 2*10^4)\n"
                "  per evaluation %.1f ms in the run (%.1f ms alone): overhead of one evaluation\n"
                "  per 10^4 steps = %.2f %% (from the run), %.2f %% (from the evaluation alone)\n",
                1e3 * plain / 20000, plain, with, 1e3 * per_eval, 1e3 * eval4320,
                100.0 * per_eval / md_per_1e4, 100.0 * eval4320 / md_per_1e4);
    delete lmp;
  }

  std::system(("rm -rf " + dir).c_str());
  MPI_Finalize();
  return 0;
}
