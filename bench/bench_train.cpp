// Training and inference throughput of the D-MPNN on one CPU thread, against the GEMM-bound limit
// (SPEC section 4 "Speed": training >= 1.3x a Python pipeline at ~69 windows/s and >= 70 % of the
// GEMM-bound limit; the Python pipeline infers ~217 windows/s).
//
//   bench_train [--hidden 300] [--depth 3] [--batches 20] [--cnn-batches 4] [--cnn-only]
//               [--no-attention] [--profile TRACE.json]
//
// --no-attention skips the attention model; --profile writes a Chrome trace (legacy autograd
// profiler) of --batches plain D-MPNN training steps and exits.
//
// Then the CNN baseline (model/cnn.h): 250x250 RGB images of the same windows, batch 50, Adam with
// L2 0.01; --cnn-batches 0 skips it, --cnn-only skips the D-MPNN.
//
// The configuration is synthetic: 4320 particles of a 2D Kob-Andersen-like 65:35 mixture at
// density 1.2, placed at random with a minimum distance of 0.7 (random sequential addition). It is
// not a liquid; only the graph sizes matter for timing (windows of side 0.2 of the box hold ~173
// particles, k = 2). Every figure is the best of 3 repetitions. Prints Markdown tables.
#include "dmpnn.h"
#include "periodic_box.h"
#include "trainer.h"
#include "window_graph.h"

#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace mlglass;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kParticles = 4320;
constexpr double kDensity = 1.2;
constexpr double kMinDistance = 0.7;
constexpr int kBatch = 50;
constexpr int kNeighbours = 2;
constexpr int kTypes = 2;
constexpr int kRepeats = 3;

struct Config {
  PeriodicBox box;
  std::vector<double> x;  // n x 3
  std::vector<int> type;
  std::vector<std::int64_t> id;
};

// Random sequential addition with a cell list: uniform positions, rejected if closer than
// kMinDistance to an accepted one (area fraction 0.46, below the RSA jamming limit 0.547).
Config synthetic_configuration(std::uint64_t seed) {
  Config c;
  const double L = std::sqrt(kParticles / kDensity);
  c.box = PeriodicBox::square(L, 2);
  const int ncell = static_cast<int>(L / kMinDistance);
  const double cs = L / ncell;
  std::vector<std::vector<int>> cells(std::size_t(ncell) * ncell);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, L);
  const double d2min = kMinDistance * kMinDistance;
  long attempts = 0;
  while (int(c.type.size()) < kParticles) {
    if (++attempts > 200000000L) throw std::runtime_error("random sequential addition stalled");
    const double p[3] = {u(rng), u(rng), 0.0};
    const int cx = std::min(ncell - 1, int(p[0] / cs)), cy = std::min(ncell - 1, int(p[1] / cs));
    bool ok = true;
    for (int dx = -1; dx <= 1 && ok; ++dx)
      for (int dy = -1; dy <= 1 && ok; ++dy) {
        const auto &cell = cells[std::size_t((cx + dx + ncell) % ncell) * ncell + (cy + dy + ncell) % ncell];
        for (int j : cell)
          if (c.box.distance2(p, &c.x[3 * j]) < d2min) {
            ok = false;
            break;
          }
      }
    if (!ok) continue;
    const int i = int(c.type.size());
    cells[std::size_t(cx) * ncell + cy].push_back(i);
    c.x.insert(c.x.end(), p, p + 3);
    c.type.push_back(0);
    c.id.push_back(i + 1);
  }
  // 65:35 types, assigned at random to the placed particles.
  std::vector<int> order(kParticles);
  for (int i = 0; i < kParticles; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  const int na = static_cast<int>(std::lround(0.65 * kParticles));
  for (int r = 0; r < kParticles; ++r) c.type[order[r]] = r < na ? 1 : 2;
  return c;
}

// One random window -> its kNN graph (what the trainer's make_samples does per window).
Graph random_graph(const Config &c, double side, const WindowOptions &wo, std::mt19937_64 &rng) {
  for (;;) {
    const auto origin = random_window_origin(c.box, wo, rng);
    Window w = cut_window(c.box, c.x.data(), c.type.size(), origin, side, wo.periodic);
    if (int(w.size()) > kNeighbours)
      return knn_graph(w, c.type.data(), c.id.data(), kNeighbours, kTypes, NodeFeatures::type_onehot);
  }
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Best (smallest) of kRepeats timings of f().
double best_of(const std::function<void()> &f) {
  double best = 1e300;
  for (int r = 0; r < kRepeats; ++r) {
    const auto t0 = Clock::now();
    f();
    best = std::min(best, seconds_since(t0));
  }
  return best;
}

struct Batches {
  std::vector<std::vector<Graph>> graphs;
  std::vector<GraphBatch> batch;
  std::vector<torch::Tensor> labels;
};

Batches make_batches(const Config &c, int nbatches, std::uint64_t seed) {
  WindowOptions wo;
  const double side = window_side(c.box, wo);
  std::mt19937_64 rng(seed);
  Batches b;
  b.graphs.resize(nbatches);
  b.batch.resize(nbatches);
  for (int i = 0; i < nbatches; ++i) {
    std::vector<const Graph *> ptr;
    for (int w = 0; w < kBatch; ++w) b.graphs[i].push_back(random_graph(c, side, wo, rng));
    for (const auto &g : b.graphs[i]) ptr.push_back(&g);
    batch_into(ptr, {}, b.batch[i]);
    torch::Tensor y = torch::empty({kBatch});
    for (int w = 0; w < kBatch; ++w) y[w] = float(w % 2);
    b.labels.push_back(y);
  }
  return b;
}

struct Flops {
  double forward = 0.0;  // matrix-product FLOPs per window, forward pass
  double train() const { return 3.0 * forward; }
};

// Matrix-product FLOPs (2 per multiply-add) of one forward pass, per window, from the shapes.
Flops model_flops(const DmpnnConfig &m, double nodes, double edges) {
  const double H = m.hidden;
  double f = 2.0 * edges * (m.node_dim + m.edge_dim) * H;  // W_i
  f += (m.depth - 1) * 2.0 * edges * H * H;                 // W_h per message step
  if (m.attention) f += (m.depth - 1) * (2.0 * edges * H * H + 2.0 * edges * H);  // W_a, V_a
  f += 2.0 * nodes * (m.node_dim + H) * H;                  // W_o
  for (int l = 0; l < m.ffn_layers; ++l) {                  // FFN, once per graph
    const double in = l == 0 ? H : m.ffn_hidden;
    const double out = l == m.ffn_layers - 1 ? 1.0 : m.ffn_hidden;
    f += 2.0 * in * out;
  }
  return {f};
}

// Single-thread GEMM rate (GFLOP/s) of torch::mm([n, h] x [h, h]), best of kRepeats.
double gemm_rate(std::int64_t h, std::int64_t n) {
  torch::NoGradGuard ng;
  const auto a = torch::rand({n, h}), w = torch::rand({h, h});
  auto out = torch::mm(a, w);
  const int calls = std::max<int>(3, int(2e9 / (2.0 * n * h * h)));
  const double t = best_of([&] {
    for (int i = 0; i < calls; ++i) torch::mm_out(out, a, w);
  });
  return 2.0 * n * h * h * calls / t * 1e-9;
}

struct Result {
  double graph_s = 0.0, train_s = 0.0, infer_s = 0.0, e2e_s = 0.0;  // per window
  double e2e_graph_fraction = 0.0;
  double nodes = 0.0, edges = 0.0;                                    // per window
  Flops flops;
};

Result measure(const Config &c, DmpnnConfig mc, int nbatches, const std::string &profile = "") {
  Result r;
  WindowOptions wo;
  const double side = window_side(c.box, wo);
  const double nwin = double(nbatches) * kBatch;

  // (a) graph construction: windows + knn_graph + batch, per window.
  {
    std::mt19937_64 rng(7);
    std::vector<Graph> graphs(kBatch);
    std::vector<const Graph *> ptr;
    for (auto &g : graphs) ptr.push_back(&g);
    GraphBatch out;
    r.graph_s = best_of([&] {
      for (int i = 0; i < nbatches; ++i) {
        for (int w = 0; w < kBatch; ++w) graphs[w] = random_graph(c, side, wo, rng);
        batch_into(ptr, {}, out);
      }
    }) / nwin;
  }

  const Batches pre = make_batches(c, nbatches, 11);
  for (const auto &b : pre.batch) {
    r.nodes += b.n_nodes;
    r.edges += b.n_edges;
  }
  r.nodes /= nwin;
  r.edges /= nwin;
  r.flops = model_flops(mc, r.nodes, r.edges);

  torch::jit::Module model = make_dmpnn(mc);
  std::vector<torch::Tensor> params;
  for (const auto &p : model.parameters()) params.push_back(p);
  torch::optim::Adam opt(params, torch::optim::AdamOptions(1e-4));
  auto train_step = [&](const GraphBatch &b, const torch::Tensor &y) {
    const torch::Tensor logits = run(model, BatchTensors::view(b));
    const torch::Tensor loss = torch::binary_cross_entropy_with_logits(logits, y);
    opt.zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(params, 10.0);  // as the trainer does
    opt.step();
  };

  // (b) training step on prebuilt batches.
  model.train(true);
  train_step(pre.batch[0], pre.labels[0]);  // warm-up (interpreter, allocator)
  train_step(pre.batch[1 % nbatches], pre.labels[1 % nbatches]);
  if (!profile.empty()) {  // --profile: a Chrome trace of the training steps, nothing else
    torch::autograd::profiler::RecordProfile guard(profile);
    for (int i = 0; i < nbatches; ++i) {
      RECORD_FUNCTION("train_step", std::vector<c10::IValue>());
      train_step(pre.batch[i], pre.labels[i]);
    }
    return r;
  }
  r.train_s = best_of([&] {
    for (int i = 0; i < nbatches; ++i) train_step(pre.batch[i], pre.labels[i]);
  }) / nwin;

  // (c) inference on prebuilt batches, as predict() does it.
  {
    c10::InferenceMode inference;
    model.eval();
    double sink = 0.0;
    sink += torch::sigmoid(run(model, BatchTensors::view(pre.batch[0])))[0].item<double>();
    r.infer_s = best_of([&] {
      for (int i = 0; i < nbatches; ++i)
        sink += torch::sigmoid(run(model, BatchTensors::view(pre.batch[i])))[0].item<double>();
    }) / nwin;
    if (std::isnan(sink)) std::fprintf(stderr, "NaN output\n");
  }

  // (d) end to end: fresh windows every batch, then the training step.
  {
    model.train(true);
    std::mt19937_64 rng(13);
    std::vector<Graph> graphs(kBatch);
    std::vector<const Graph *> ptr;
    for (auto &g : graphs) ptr.push_back(&g);
    GraphBatch out;
    double best = 1e300, graph_part = 0.0;
    for (int rep = 0; rep < kRepeats; ++rep) {
      double g_s = 0.0;
      const auto t0 = Clock::now();
      for (int i = 0; i < nbatches; ++i) {
        const auto tg = Clock::now();
        for (int w = 0; w < kBatch; ++w) graphs[w] = random_graph(c, side, wo, rng);
        batch_into(ptr, {}, out);
        g_s += seconds_since(tg);
        train_step(out, pre.labels[i]);
      }
      const double t = seconds_since(t0);
      if (t < best) {
        best = t;
        graph_part = g_s / t;
      }
    }
    r.e2e_s = best / nwin;
    r.e2e_graph_fraction = graph_part;
  }
  return r;
}

// The CNN baseline at the paper's image size: rendering (window + render_images with the training
// augmentation), train step, inference and end to end, per window, as the trainer runs them.
void bench_cnn(const Config &cfg, int nbatches) {
  Configuration c;
  c.box = cfg.box;
  c.x = cfg.x;
  c.type = cfg.type;
  c.id = cfg.id;
  const std::vector<Configuration> one_per_window(kBatch, c);  // draw_windows: one per config
  RenderOptions image;  // 250 pixels, diameters 1.0 / 0.88
  WindowOptions wo;     // side 0.2 of the box
  CnnConfig cc;
  cc.image_size = image.size;
  torch::jit::Module model = make_cnn(cc);
  std::vector<torch::Tensor> params;
  for (const auto &p : model.parameters()) params.push_back(p);
  torch::optim::Adam opt(params, torch::optim::AdamOptions(1e-4).weight_decay(0.01));
  torch::Tensor y = torch::empty({kBatch});
  for (int w = 0; w < kBatch; ++w) y[w] = float(w % 2);
  std::vector<std::uint8_t> codes(kBatch);
  for (int w = 0; w < kBatch; ++w) codes[w] = std::uint8_t(w & 7);
  std::uint64_t seed = 1;
  auto images = [&] {
    const auto samples = draw_windows(one_per_window, wo, 1, seed++);
    std::vector<const WindowSample *> ptr;
    for (const auto &s : samples) ptr.push_back(&s);
    return render_images(one_per_window, ptr, image, codes);
  };
  auto train_step = [&](const torch::Tensor &x) {
    const torch::Tensor loss = torch::binary_cross_entropy_with_logits(run_cnn(model, x), y);
    opt.zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(params, 10.0);
    opt.step();
  };
  const double nwin = double(nbatches) * kBatch;
  const double render_s = best_of([&] {
    for (int i = 0; i < nbatches; ++i) images();
  }) / nwin;
  std::vector<torch::Tensor> pre;
  for (int i = 0; i < nbatches; ++i) pre.push_back(images());
  model.train(true);
  train_step(pre[0]);  // warm-up
  const double train_s = best_of([&] {
    for (int i = 0; i < nbatches; ++i) train_step(pre[i]);
  }) / nwin;
  double infer_s;
  {
    c10::InferenceMode inference;
    model.eval();
    double sink = torch::sigmoid(run_cnn(model, pre[0]))[0].item<double>();
    infer_s = best_of([&] {
      for (int i = 0; i < nbatches; ++i) sink += torch::sigmoid(run_cnn(model, pre[i]))[0].item<double>();
    }) / nwin;
    if (std::isnan(sink)) std::fprintf(stderr, "NaN output\n");
  }
  model.train(true);
  const double e2e_s = best_of([&] {
    for (int i = 0; i < nbatches; ++i) train_step(images());
  }) / nwin;
  // forward multiply-adds x 2 of the two convolutions and the two linear layers
  const double e1 = image.size - cc.kernel + 1, p1 = std::floor(e1 / cc.pool);
  const double e2 = p1 - cc.kernel + 1, f = cc.feature_edge();
  const double k2 = double(cc.kernel) * cc.kernel;
  const double flops = 2.0 * (e1 * e1 * cc.conv1 * 3 * k2 + e2 * e2 * cc.conv2 * cc.conv1 * k2 +
                              f * f * cc.conv2 * cc.fc + cc.fc);
  std::printf("\nCNN baseline: %dx%d RGB images of windows 0.2 of the box (%d px per distance "
              "unit), conv 6-16 5x5 + 2x2 max-pool, FC %d, batch %d, %d batches, Adam L2 0.01, "
              "rotation/mirror augmentation; best of %d\n\n",
              image.size, image.size, int(std::lround(image.size / window_side(c.box, wo))), cc.fc,
              kBatch, nbatches, kRepeats);
  std::printf("| model | MFLOP/window (forward) | render (ms/window) | train step (ms/window) | "
              "inference (ms/window) | train end to end (windows/s) | render share of end to end "
              "| inference (windows/s) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
  std::printf("| CNN 250x250 | %.1f | %.3f | %.3f | %.3f | %.1f | %.1f %% | %.1f |\n", flops * 1e-6,
              render_s * 1e3, train_s * 1e3, infer_s * 1e3, 1.0 / e2e_s, 100.0 * render_s / e2e_s,
              1.0 / infer_s);
}

DmpnnConfig mc_of(int hidden, int depth, bool attention) {
  DmpnnConfig mc;
  mc.node_dim = node_feature_dim(NodeFeatures::type_onehot, kTypes, 2);
  mc.hidden = hidden;
  mc.depth = depth;
  mc.ffn_layers = 2;
  mc.ffn_hidden = hidden;
  mc.attention = attention;
  return mc;
}

int arg_int(int argc, char **argv, int &i) {
  if (i + 1 >= argc) throw std::invalid_argument(std::string(argv[i]) + " needs a value");
  return std::stoi(argv[++i]);
}

}  // namespace

int main(int argc, char **argv) {
  mlglass::keep_freed_memory();  // as `mlglass` does
  int hidden = 300, depth = 3, nbatches = 20, cnn_batches = 4;
  bool cnn_only = false, no_attention = false;
  std::string profile;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--hidden") hidden = arg_int(argc, argv, i);
      else if (a == "--depth") depth = arg_int(argc, argv, i);
      else if (a == "--batches") nbatches = arg_int(argc, argv, i);
      else if (a == "--cnn-batches") cnn_batches = arg_int(argc, argv, i);
      else if (a == "--cnn-only") cnn_only = true;
      else if (a == "--no-attention") no_attention = true;
      else if (a == "--profile" && i + 1 < argc) profile = argv[++i];
      else if (a == "-h" || a == "--help") {
        std::printf("usage: bench_train [--hidden 300] [--depth 3] [--batches 20] "
                    "[--cnn-batches 4] [--cnn-only] [--no-attention] [--profile TRACE.json]\n");
        return 0;
      } else
        throw std::invalid_argument("unknown option " + a);
    }
    if (hidden < 1 || depth < 2 || nbatches < 2)
      throw std::invalid_argument("need --hidden >= 1, --depth >= 2, --batches >= 2");
  } catch (const std::exception &e) {
    std::fprintf(stderr, "bench_train: %s\n", e.what());
    return 2;
  }
  at::set_num_threads(1);
  torch::manual_seed(0);

  const Config c = synthetic_configuration(1);
  if (cnn_only) {
    bench_cnn(c, std::max(cnn_batches, 1));
    return 0;
  }
  if (!profile.empty()) {  // the D-MPNN training step only, as a Chrome trace
    measure(c, mc_of(hidden, depth, false), nbatches, profile);
    return 0;
  }
  std::printf("Synthetic 2D configuration: %d particles, density %.1f, 65:35, min distance %.1f "
              "(random, not a liquid); windows 0.2 of the box, k = %d, batch %d, %d batches, "
              "hidden %d, depth %d, FFN 2x%d; torch threads %d; best of %d\n\n",
              kParticles, kDensity, kMinDistance, kNeighbours, kBatch, nbatches, hidden, depth,
              hidden, at::get_num_threads(), kRepeats);

  DmpnnConfig mc = mc_of(hidden, depth, false);

  // (e) GEMM rate at a few sizes; the limit uses the best one (the most demanding limit).
  std::printf("| GEMM [n x %d] x [%d x %d], 1 thread | GFLOP/s |\n|---|---:|\n", hidden, hidden,
              hidden);
  double rate = 0.0;
  for (std::int64_t n : {1000, 8600, 24000}) {
    const double g = gemm_rate(hidden, n);
    rate = std::max(rate, g);
    std::printf("| n = %lld | %.1f |\n", static_cast<long long>(n), g);
  }
  std::printf("\n");

  std::vector<Result> res;
  for (bool att : {false, true}) {
    if (att && no_attention) break;
    mc.attention = att;
    res.push_back(measure(c, mc, nbatches));
  }
  const int nmodels = int(res.size());
  const char *names[2] = {"D-MPNN", "D-MPNN + attention"};
  std::printf("| model | nodes/window | edges/window | graph build (ms/window) | train step "
              "(ms/window) | inference (ms/window) | train end to end (windows/s) | graph share "
              "of end to end | inference (windows/s) |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (int m = 0; m < nmodels; ++m) {
    const Result &r = res[m];
    std::printf("| %s | %.1f | %.1f | %.3f | %.3f | %.3f | %.1f | %.1f %% | %.1f |\n", names[m],
                r.nodes, r.edges, r.graph_s * 1e3, r.train_s * 1e3, r.infer_s * 1e3,
                1.0 / r.e2e_s, 100.0 * r.e2e_graph_fraction, 1.0 / r.infer_s);
  }
  std::printf("\n| model | MFLOP/window (forward) | GEMM-bound training limit (windows/s) | "
              "training achieved / limit | GEMM-bound inference limit (windows/s) | inference "
              "achieved / limit |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  for (int m = 0; m < nmodels; ++m) {
    const Result &r = res[m];
    const double train_limit = rate * 1e9 / r.flops.train();
    const double infer_limit = rate * 1e9 / r.flops.forward;
    std::printf("| %s | %.1f | %.1f | %.0f %% | %.1f | %.0f %% |\n", names[m],
                r.flops.forward * 1e-6, train_limit, 100.0 / r.e2e_s / train_limit, infer_limit,
                100.0 / r.infer_s / infer_limit);
  }
  std::printf("\nTraining step = forward + BCE + backward + gradient clipping + Adam step, on "
              "prebuilt batches; training FLOPs taken as 3x forward; train windows/s (end to end) "
              "includes building the graphs of every batch; achieved/limit for training uses the "
              "end-to-end rate; the limits use the best GEMM rate above.\n");
  if (cnn_batches > 0) bench_cnn(c, cnn_batches);
  return 0;
}
