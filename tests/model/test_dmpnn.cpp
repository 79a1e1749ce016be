// The D-MPNN against a plain double-precision twin of the equations in doc/model.rst, autograd against
// finite differences, the symmetries a graph model must have, and the model file format.
#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <random>

#include "dmpnn.h"

namespace mlglass {
namespace {

class OneThread : public ::testing::Environment {
 public:
  void SetUp() override { at::set_num_threads(1); }
};
const auto *const kOneThread = ::testing::AddGlobalTestEnvironment(new OneThread);

// A batch with the fields of the core GraphBatch (what BatchTensors::view reads).
struct Graph {
  std::int64_t n_graphs = 0, n_nodes = 0, n_edges = 0;
  int node_dim = 2, edge_dim = 1;
  std::vector<float> x, e;
  std::vector<std::int64_t> src, dst, rev, node_graph;
};

// Node types t (one-hot features) and undirected links (a, b, distance).
Graph make_graph(const std::vector<int> &types,
                 const std::vector<std::tuple<int, int, float>> &links) {
  Graph g;
  g.n_graphs = 1;
  g.n_nodes = static_cast<std::int64_t>(types.size());
  for (int t : types) {
    g.x.push_back(t == 0 ? 1.0f : 0.0f);
    g.x.push_back(t == 1 ? 1.0f : 0.0f);
  }
  g.node_graph.assign(types.size(), 0);
  for (const auto &[a, b, d] : links) {
    const std::int64_t i = g.n_edges;
    g.src.insert(g.src.end(), {a, b});
    g.dst.insert(g.dst.end(), {b, a});
    g.rev.insert(g.rev.end(), {i + 1, i});
    g.e.insert(g.e.end(), {d, d});
    g.n_edges += 2;
  }
  return g;
}

// Random points in a unit square, each linked to its k nearest neighbours (made undirected).
Graph random_graph(int n, int k, std::mt19937 &rng) {
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> px(n), py(n);
  std::vector<int> types(n);
  for (int i = 0; i < n; i++) {
    px[i] = u(rng);
    py[i] = u(rng);
    types[i] = u(rng) < 0.35f ? 1 : 0;
  }
  auto dist = [&](int i, int j) { return std::hypot(px[i] - px[j], py[i] - py[j]); };
  std::map<std::pair<int, int>, float> links;
  for (int i = 0; i < n; i++) {
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return dist(i, a) < dist(i, b); });
    for (int j = 1; j <= k && j < n; j++)
      links[{std::min(i, order[j]), std::max(i, order[j])}] = dist(i, order[j]);
  }
  std::vector<std::tuple<int, int, float>> list;
  for (const auto &[ab, d] : links) list.emplace_back(ab.first, ab.second, d);
  return make_graph(types, list);
}

Graph concat(const std::vector<Graph> &graphs) {
  Graph b;
  for (const Graph &g : graphs) {
    const std::int64_t n0 = b.n_nodes, e0 = b.n_edges;
    b.x.insert(b.x.end(), g.x.begin(), g.x.end());
    b.e.insert(b.e.end(), g.e.begin(), g.e.end());
    for (std::int64_t i = 0; i < g.n_edges; i++) {
      b.src.push_back(g.src[i] + n0);
      b.dst.push_back(g.dst[i] + n0);
      b.rev.push_back(g.rev[i] + e0);
    }
    for (std::int64_t v = 0; v < g.n_nodes; v++)
      b.node_graph.push_back(g.node_graph[v] + b.n_graphs);
    b.n_nodes += g.n_nodes;
    b.n_edges += g.n_edges;
    b.n_graphs += g.n_graphs;
  }
  return b;
}

std::vector<double> values(const torch::Tensor &t) {
  auto c = t.detach().to(torch::kDouble).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

double relu(double v) {
  return v > 0.0 ? v : 0.0;
}

// doc/model.rst's equations in plain doubles, one edge at a time: the twin of the TorchScript model.
std::vector<double> reference_logits(const Graph &g, const torch::jit::Module &m) {
  const DmpnnConfig c = config_of(m);
  const int H = c.hidden, nd = g.node_dim, ed = g.edge_dim;
  auto W = [&](const char *name) { return values(m.attr(name).toTensor()); };
  using Rows = std::vector<std::vector<double>>;
  // y = A v (+ bias), A row-major with v.size() columns
  auto matvec = [](const std::vector<double> &A, const std::vector<double> &v,
                   const std::vector<double> *bias = nullptr) {
    std::vector<double> y(A.size() / v.size(), 0.0);
    for (size_t r = 0; r < y.size(); r++) {
      for (size_t j = 0; j < v.size(); j++) y[r] += A[r * v.size() + j] * v[j];
      if (bias) y[r] += (*bias)[r];
    }
    return y;
  };
  auto incoming = [&](const Rows &h) {
    Rows in(g.n_nodes, std::vector<double>(H, 0.0));
    for (std::int64_t b = 0; b < g.n_edges; b++)
      for (int k = 0; k < H; k++) in[g.dst[b]][k] += h[b][k];
    return in;
  };
  const auto W_i = W("W_i"), W_h = W("W_h"), W_o = W("W_o"), b_o = W("b_o");
  Rows h0(g.n_edges);
  for (std::int64_t b = 0; b < g.n_edges; b++) {
    std::vector<double> in;
    for (int j = 0; j < nd; j++) in.push_back(g.x[g.src[b] * nd + j]);
    for (int j = 0; j < ed; j++) in.push_back(g.e[b * ed + j]);
    h0[b] = matvec(W_i, in);
    for (double &v : h0[b]) v = relu(v);
  }
  Rows h = h0;
  for (int t = 1; t < c.depth; t++) {
    const Rows in = incoming(h);
    Rows next(g.n_edges);
    for (std::int64_t b = 0; b < g.n_edges; b++) {
      std::vector<double> msg(H);
      for (int k = 0; k < H; k++) msg[k] = in[g.src[b]][k] - h[g.rev[b]][k];
      next[b] = matvec(W_h, msg);
      for (int k = 0; k < H; k++) next[b][k] = relu(h0[b][k] + next[b][k]);
    }
    h = next;
    if (c.attention) {
      const auto W_a = W("W_a"), V_a = W("V_a");
      std::vector<double> s(g.n_edges), sum(g.n_graphs, 0.0);
      for (std::int64_t b = 0; b < g.n_edges; b++) {
        auto a = matvec(W_a, h[b]);
        for (double &v : a) v = relu(v);
        s[b] = std::exp(matvec(V_a, a)[0]);
        sum[g.node_graph[g.src[b]]] += s[b];
      }
      for (std::int64_t b = 0; b < g.n_edges; b++)
        for (double &v : h[b]) v *= s[b] / sum[g.node_graph[g.src[b]]];
    }
  }
  const Rows in = incoming(h);
  Rows z(g.n_graphs, std::vector<double>(H, 0.0));
  std::vector<double> count(g.n_graphs, 0.0);
  for (std::int64_t v = 0; v < g.n_nodes; v++) {
    std::vector<double> xin;
    for (int j = 0; j < nd; j++) xin.push_back(g.x[v * nd + j]);
    xin.insert(xin.end(), in[v].begin(), in[v].end());
    auto hv = matvec(W_o, xin, &b_o);
    for (int k = 0; k < H; k++) z[g.node_graph[v]][k] += relu(hv[k]);
    count[g.node_graph[v]] += 1.0;
  }
  std::vector<double> logits;
  for (std::int64_t gi = 0; gi < g.n_graphs; gi++) {
    auto y = z[gi];
    if (c.readout == DmpnnConfig::Readout::mean)
      for (double &v : y) v /= count[gi];
    for (int l = 0; l < c.ffn_layers; l++) {
      const auto w = W(("ffn_W" + std::to_string(l)).c_str());
      const auto bias = W(("ffn_b" + std::to_string(l)).c_str());
      y = matvec(w, y, &bias);
      if (l < c.ffn_layers - 1)
        for (double &v : y) v = relu(v);
    }
    logits.push_back(y[0]);
  }
  return logits;
}

void set_param(torch::jit::Module &m, const char *name, const std::vector<float> &v) {
  torch::NoGradGuard no_grad;
  auto p = m.attr(name).toTensor();
  ASSERT_EQ(p.numel(), static_cast<std::int64_t>(v.size())) << name;
  p.copy_(torch::tensor(v).view(p.sizes()));
}

DmpnnConfig small_config(bool attention, DmpnnConfig::Readout readout, std::uint64_t seed) {
  DmpnnConfig c;
  c.node_dim = 2;
  c.hidden = 8;
  c.depth = 3;
  c.ffn_layers = 2;
  c.ffn_hidden = 5;
  c.attention = attention;
  c.readout = readout;
  c.seed = seed;
  return c;
}

void expect_near(const std::vector<double> &a, const std::vector<double> &b, double tol) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); i++)
    EXPECT_NEAR(a[i], b[i], tol * std::max(1.0, std::abs(b[i]))) << "entry " << i;
}

TEST(Dmpnn, HandWeightsOnPathGraph) {
  // path 0-1-2-3 with a B particle at 1; depth 2 = one message step
  const Graph g = make_graph({0, 1, 0, 0}, {{0, 1, 1.0f}, {1, 2, 1.2f}, {2, 3, 0.9f}});
  DmpnnConfig c;
  c.node_dim = 2;
  c.hidden = 2;
  c.depth = 2;
  c.ffn_layers = 1;
  auto m = make_dmpnn(c);
  set_param(m, "W_i", {0.5f, -0.3f, 0.8f, -0.4f, 0.6f, 0.2f});
  set_param(m, "W_h", {0.7f, -0.9f, -0.5f, 0.4f});
  set_param(m, "W_o", {0.3f, -0.5f, 0.4f, -0.6f, -0.2f, 0.1f, 0.5f, 0.3f});
  set_param(m, "b_o", {0.05f, -0.1f});
  set_param(m, "ffn_W0", {1.5f, -0.7f});
  set_param(m, "ffn_b0", {0.2f});
  m.eval();
  const auto logits = run(m, BatchTensors::view(g));
  ASSERT_EQ(logits.sizes(), torch::IntArrayRef({1}));
  expect_near(values(logits), reference_logits(g, m), 1e-6);
  // by hand: h0 = (1.3,0) (.5,.8) (.66,.84) (1.46,0) (1.22,0) (1.22,0); after the step
  // h = (1.3,0) (1.522,.07) (1.57,.19) (2.314,0) (.926,.006) (1.22,0); node states
  // (.9168,.482) (.9956,1.807) (1.352,1.152) (.7168,.1648); mean (.9953,.9014);
  // logit 1.5 * .9953 - .7 * .9014 + .2 (ReLU clips 5 pre-activations on the way)
  EXPECT_NEAR(values(logits)[0], 1.061935, 1e-6);
}

TEST(Dmpnn, MatchesDoubleTwinWithAttentionAndSum) {
  std::mt19937 rng(11);
  const Graph g =
      concat({random_graph(7, 2, rng), random_graph(12, 3, rng), random_graph(5, 1, rng)});
  for (bool attention : {false, true}) {
    for (auto readout : {DmpnnConfig::Readout::mean, DmpnnConfig::Readout::sum}) {
      auto m = make_dmpnn(small_config(attention, readout, 3));
      m.eval();
      expect_near(values(run(m, BatchTensors::view(g))), reference_logits(g, m), 1e-5);
    }
  }
}

class Gradients : public ::testing::TestWithParam<bool> {};

TEST_P(Gradients, MatchFiniteDifferences) {
  const bool attention = GetParam();
  std::mt19937 rng(5);
  const Graph g = concat({random_graph(6, 2, rng), random_graph(8, 2, rng)});
  auto m = make_dmpnn(small_config(
      attention, attention ? DmpnnConfig::Readout::mean : DmpnnConfig::Readout::sum, 9));
  m.to(torch::kDouble);
  const BatchTensors batch = BatchTensors::view(g).to(torch::kCPU, torch::kDouble);
  const auto labels = torch::tensor({1.0, 0.0}, torch::kDouble);
  auto loss = [&] { return torch::binary_cross_entropy_with_logits(run(m, batch), labels); };

  for (const auto &p : m.parameters()) p.mutable_grad() = torch::Tensor();
  loss().backward();
  int checked = 0;
  for (const auto &np : m.named_parameters()) {
    torch::Tensor p = np.value;
    ASSERT_EQ(p.scalar_type(), torch::kDouble);
    ASSERT_TRUE(p.grad().defined()) << np.name;
    const auto grad = values(p.grad());
    const std::int64_t n = p.numel();
    for (std::int64_t i : {std::int64_t{0}, n / 2, n - 1}) {
      const double eps = 1e-6;
      double *w = p.data_ptr<double>() + i;
      const double w0 = *w;
      double up, down;
      {
        torch::NoGradGuard no_grad;
        *w = w0 + eps;
        up = loss().item<double>();
        *w = w0 - eps;
        down = loss().item<double>();
        *w = w0;
      }
      const double fd = (up - down) / (2 * eps);
      // Relative error, floored: with a loss of O(1) the difference quotient carries rounding
      // noise of ~1e-16 / eps = 1e-10, so gradients below 1e-4 are compared to 1e-9 absolute.
      const double scale = std::max({std::abs(fd), std::abs(grad[i]), 1e-4});
      EXPECT_LT(std::abs(fd - grad[i]) / scale, 1e-5)
          << np.name << "[" << i << "]: autograd " << grad[i] << ", finite differences " << fd;
      checked++;
    }
  }
  // W_i W_h W_o b_o (W_a V_a) ffn_W0 ffn_b0 ffn_W1 ffn_b1
  EXPECT_EQ(checked, 3 * (attention ? 10 : 8));
}
INSTANTIATE_TEST_SUITE_P(Dmpnn, Gradients, ::testing::Bool(),
                         [](const auto &info) { return info.param ? "attention" : "plain"; });

TEST(Dmpnn, AttentionSumsToOnePerGraph) {
  std::mt19937 rng(2);
  const Graph g =
      concat({random_graph(9, 2, rng), random_graph(4, 2, rng), random_graph(15, 3, rng)});
  auto m = make_dmpnn(small_config(true, DmpnnConfig::Readout::mean, 1));
  m.eval();
  const BatchTensors batch = BatchTensors::view(g);
  const auto [logits, alpha] = run_attention(m, batch);
  ASSERT_EQ(alpha.sizes(), torch::IntArrayRef({g.n_edges}));
  EXPECT_TRUE(torch::equal(logits, run(m, batch)));
  EXPECT_GT(alpha.min().item<float>(), 0.0f);
  const auto edge_graph = batch.node_graph.index_select(0, batch.src);
  const auto sums = torch::zeros({3}).index_add(0, edge_graph, alpha);
  expect_near(values(sums), {1.0, 1.0, 1.0}, 1e-6);

  auto plain = make_dmpnn(small_config(false, DmpnnConfig::Readout::mean, 1));
  EXPECT_THROW(run_attention(plain, batch), std::runtime_error);
  std::vector<torch::jit::IValue> in{batch.x,   batch.e,          batch.src,     batch.dst,
                                     batch.rev, batch.node_graph, batch.n_graphs};
  try {
    plain.get_method("forward_attention")(in);
    ADD_FAILURE() << "forward_attention of a model without attention returned";
  } catch (const std::exception &err) {
    EXPECT_NE(std::string(err.what()).find("without attention"), std::string::npos) << err.what();
  }
}

TEST(Dmpnn, NodeAndEdgeOrderDoNotMatter) {
  std::mt19937 rng(8);
  const Graph g = concat({random_graph(10, 2, rng), random_graph(13, 3, rng)});
  // relabel node v -> pn[v] and edge b -> pe[b], keeping every edge's endpoints and reverse
  std::vector<std::int64_t> pn(g.n_nodes), pe(g.n_edges);
  std::iota(pn.begin(), pn.end(), 0);
  std::iota(pe.begin(), pe.end(), 0);
  std::shuffle(pn.begin(), pn.end(), rng);
  std::shuffle(pe.begin(), pe.end(), rng);
  Graph p = g;
  for (std::int64_t v = 0; v < g.n_nodes; v++) {
    for (int j = 0; j < g.node_dim; j++) p.x[pn[v] * g.node_dim + j] = g.x[v * g.node_dim + j];
    p.node_graph[pn[v]] = g.node_graph[v];
  }
  for (std::int64_t b = 0; b < g.n_edges; b++) {
    p.src[pe[b]] = pn[g.src[b]];
    p.dst[pe[b]] = pn[g.dst[b]];
    p.rev[pe[b]] = pe[g.rev[b]];
    p.e[pe[b]] = g.e[b];
  }
  for (bool attention : {false, true}) {
    auto m = make_dmpnn(small_config(attention, DmpnnConfig::Readout::sum, 4));
    m.eval();
    expect_near(values(run(m, BatchTensors::view(p))), values(run(m, BatchTensors::view(g))), 1e-5);
  }
}

TEST(Dmpnn, BatchEqualsGraphsAlone) {
  std::mt19937 rng(21);
  const Graph a = random_graph(11, 2, rng), b = random_graph(7, 2, rng);
  for (bool attention : {false, true}) {
    auto m = make_dmpnn(small_config(attention, DmpnnConfig::Readout::mean, 6));
    m.eval();
    const auto both = values(run(m, BatchTensors::view(concat({a, b}))));
    const auto alone_a = values(run(m, BatchTensors::view(a)));
    const auto alone_b = values(run(m, BatchTensors::view(b)));
    expect_near(both, {alone_a[0], alone_b[0]}, 1e-5);
  }
}

TEST(Dmpnn, GraphsWithoutEdges) {
  // isolated particles: empty edge arrays (null data pointers) and zero incoming messages
  const Graph lonely = make_graph({0, 1, 0}, {});
  std::mt19937 rng(13);
  const Graph b = concat({lonely, random_graph(6, 2, rng)});
  for (bool attention : {false, true}) {
    auto m = make_dmpnn(small_config(attention, DmpnnConfig::Readout::mean, 5));
    m.eval();
    const auto alone = values(run(m, BatchTensors::view(lonely)));
    ASSERT_EQ(alone.size(), 1u);
    EXPECT_TRUE(std::isfinite(alone[0]));
    expect_near(alone, reference_logits(lonely, m), 1e-5);
    expect_near(values(run(m, BatchTensors::view(b))), reference_logits(b, m), 1e-5);
  }
}

TEST(Dmpnn, SameSeedSameWeights) {
  auto a = make_dmpnn(small_config(true, DmpnnConfig::Readout::mean, 42));
  auto b = make_dmpnn(small_config(true, DmpnnConfig::Readout::mean, 42));
  auto c = make_dmpnn(small_config(true, DmpnnConfig::Readout::mean, 43));
  const auto pa = a.named_parameters(), pb = b.named_parameters(), pc = c.named_parameters();
  std::vector<std::string> names;
  auto ib = pb.begin(), ic = pc.begin();
  for (auto ia = pa.begin(); ia != pa.end(); ++ia, ++ib, ++ic) {
    names.push_back((*ia).name);
    EXPECT_TRUE((*ia).value.requires_grad());
    EXPECT_TRUE(torch::equal((*ia).value, (*ib).value)) << (*ia).name;
    EXPECT_FALSE(torch::equal((*ia).value, (*ic).value)) << (*ia).name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"W_i", "W_h", "W_o", "b_o", "W_a", "V_a", "ffn_W0",
                                             "ffn_b0", "ffn_W1", "ffn_b1"}));
  // nn.Linear's bound 1/sqrt(fan_in)
  const double bound = 1.0 / std::sqrt(8.0);
  EXPECT_LE(a.attr("W_h").toTensor().abs().max().item<double>(), bound);
}

TEST(Dmpnn, RejectsWrongFeatureLength) {
  std::mt19937 rng(1);
  Graph g = random_graph(5, 2, rng);
  DmpnnConfig c = small_config(false, DmpnnConfig::Readout::mean, 0);
  c.node_dim = 3;
  auto m = make_dmpnn(c);
  try {
    run(m, BatchTensors::view(g));
    ADD_FAILURE() << "a batch with 2 node features ran through a model taking 3";
  } catch (const std::exception &err) {
    EXPECT_NE(std::string(err.what()).find("the model takes 3/1"), std::string::npos) << err.what();
  }
}

TEST(Dmpnn, DropoutOnlyInTrainingMode) {
  std::mt19937 rng(3);
  const Graph g = concat({random_graph(20, 2, rng), random_graph(20, 2, rng)});
  const BatchTensors batch = BatchTensors::view(g);
  DmpnnConfig c = small_config(false, DmpnnConfig::Readout::mean, 12);
  c.hidden = 32;
  c.ffn_hidden = 32;
  c.dropout = 0.5;
  auto m = make_dmpnn(c);
  c.dropout = 0.0;
  auto reference = make_dmpnn(c);  // same seed: same weights
  reference.eval();
  m.eval();
  EXPECT_FALSE(m.is_training());
  const auto eval1 = run(m, batch), eval2 = run(m, batch);
  EXPECT_TRUE(torch::equal(eval1, eval2));
  EXPECT_TRUE(torch::equal(eval1, run(reference, batch)));
  m.train();
  torch::manual_seed(0);
  const auto train1 = run(m, batch), train2 = run(m, batch);
  EXPECT_FALSE(torch::allclose(train1, train2));
  EXPECT_FALSE(torch::allclose(train1, eval1));
  torch::manual_seed(0);
  EXPECT_TRUE(torch::equal(train1, run(m, batch)));  // dropout masks follow the global seed
}

TEST(Dmpnn, InferenceModeAfterTraining) {
  // the optimising TorchScript executor fails here ("Inference tensors cannot be saved for
  // backward") once a module has run with gradients; run() must avoid it
  std::mt19937 rng(9);
  const Graph g = random_graph(12, 2, rng);
  const BatchTensors batch = BatchTensors::view(g);
  auto m = make_dmpnn(small_config(true, DmpnnConfig::Readout::mean, 2));
  for (int i = 0; i < 3; i++) run(m, batch).sum().backward();
  m.eval();
  const auto with_grad = run(m, batch).detach();
  c10::InferenceMode inference;
  for (int i = 0; i < 3; i++) EXPECT_TRUE(torch::equal(run(m, batch), with_grad));
  EXPECT_TRUE(torch::equal(run_attention(m, batch).first, with_grad));
}

class ModelFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mlglass_model_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const char *name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(ModelFile, RoundTrip) {
  std::mt19937 rng(4);
  const Graph g = concat({random_graph(9, 2, rng), random_graph(14, 2, rng)});
  const BatchTensors batch = BatchTensors::view(g);
  DmpnnConfig c = small_config(true, DmpnnConfig::Readout::sum, 77);
  c.dropout = 0.25;
  auto m = make_dmpnn(c);
  m.eval();
  const std::string meta = R"({"k": 2, "window": {"side": 0.2, "fraction": true}})";
  save_model(m, path("model.pt"), meta);
  EXPECT_FALSE(std::filesystem::exists(path("model.pt.tmp")));

  auto [loaded, loaded_meta] = load_model(path("model.pt"));
  EXPECT_EQ(loaded_meta, meta);
  EXPECT_FALSE(loaded.is_training());
  const DmpnnConfig back = config_of(loaded);
  EXPECT_EQ(back.node_dim, c.node_dim);
  EXPECT_EQ(back.edge_dim, c.edge_dim);
  EXPECT_EQ(back.hidden, c.hidden);
  EXPECT_EQ(back.depth, c.depth);
  EXPECT_EQ(back.ffn_layers, c.ffn_layers);
  EXPECT_EQ(back.ffn_hidden, c.ffn_hidden);
  EXPECT_EQ(back.dropout, c.dropout);
  EXPECT_EQ(back.attention, c.attention);
  EXPECT_EQ(back.readout, c.readout);
  EXPECT_EQ(back.seed, c.seed);
  EXPECT_TRUE(torch::equal(run(loaded, batch), run(m, batch)));
  EXPECT_TRUE(torch::equal(run_attention(loaded, batch).second, run_attention(m, batch).second));

  // a loaded model trains on: its parameters still take gradients
  loaded.train();
  run(loaded, batch).sum().backward();
  for (const auto &p : loaded.parameters()) EXPECT_TRUE(p.grad().defined());

  // saving over an existing model replaces it
  auto other = make_dmpnn(small_config(false, DmpnnConfig::Readout::mean, 1));
  save_model(other, path("model.pt"), "{}");
  EXPECT_FALSE(config_of(load_model(path("model.pt")).first).attention);
}

std::string load_error(const std::string &path) {
  try {
    load_model(path);
  } catch (const std::runtime_error &err) {
    return err.what();
  }
  return "(no error)";
}

TEST_F(ModelFile, LoadErrors) {
  EXPECT_NE(load_error(path("missing.pt")).find("does not exist"), std::string::npos)
      << load_error(path("missing.pt"));

  std::ofstream(path("noise.pt"), std::ios::binary)
      << std::string("\x13\x37 not a zip archive", 20);
  EXPECT_NE(load_error(path("noise.pt")).find("is not a TorchScript model file"), std::string::npos)
      << load_error(path("noise.pt"));

  // starts like a zip archive, but is none
  std::ofstream(path("fake.pt"), std::ios::binary) << std::string("PK\x03\x04 truncated", 14);
  EXPECT_NE(load_error(path("fake.pt")).find("cannot load TorchScript model"), std::string::npos)
      << load_error(path("fake.pt"));

  make_dmpnn(small_config(false, DmpnnConfig::Readout::mean, 0)).save(path("bare.pt"));
  EXPECT_NE(load_error(path("bare.pt")).find("is not an ML-GLASS model"), std::string::npos)
      << load_error(path("bare.pt"));

  EXPECT_THROW(save_model(make_dmpnn(small_config(false, DmpnnConfig::Readout::mean, 0)),
                          path("no/such/dir/model.pt"), "{}"),
               std::runtime_error);
}

TEST(DmpnnConfig, Validation) {
  DmpnnConfig c;
  EXPECT_EQ(c.validate(), "node_dim must be >= 1");
  c.node_dim = 2;
  EXPECT_EQ(c.validate(), "");
  auto with = [&](auto change) {
    DmpnnConfig d = c;
    change(d);
    return d.validate();
  };
  EXPECT_EQ(with([](DmpnnConfig &d) { d.edge_dim = -1; }), "edge_dim must be >= 0");
  EXPECT_EQ(with([](DmpnnConfig &d) { d.hidden = 0; }), "hidden must be >= 1");
  EXPECT_EQ(with([](DmpnnConfig &d) { d.depth = 0; }), "depth must be >= 1");
  EXPECT_EQ(with([](DmpnnConfig &d) { d.ffn_layers = 0; }), "ffn_layers must be >= 1");
  EXPECT_EQ(with([](DmpnnConfig &d) { d.ffn_hidden = 0; }), "ffn_hidden must be >= 1");
  EXPECT_EQ(with([](DmpnnConfig &d) { d.dropout = 1.0; }), "dropout must be in [0, 1)");
  EXPECT_EQ(with([](DmpnnConfig &d) { d.dropout = -0.1; }), "dropout must be in [0, 1)");
  EXPECT_EQ(with([](DmpnnConfig &d) { d.dropout = std::nan(""); }), "dropout must be in [0, 1)");
  EXPECT_EQ(with([](DmpnnConfig &d) { d.depth = 1, d.attention = true; }),
            "attention needs depth >= 2 (it follows each message step)");
  EXPECT_EQ(with([](DmpnnConfig &d) { d.depth = 1; }), "");
  c.hidden = 0;
  EXPECT_THROW(make_dmpnn(c), std::invalid_argument);
}

TEST(DmpnnConfig, SourceHasOneLayerPerFfnLayer) {
  DmpnnConfig c = small_config(false, DmpnnConfig::Readout::mean, 0);
  c.ffn_layers = 3;
  const std::string src = dmpnn_source(c);
  EXPECT_EQ(src.find('@'), std::string::npos);
  EXPECT_NE(src.find("self.ffn_W2"), std::string::npos);
  EXPECT_EQ(src.find("self.ffn_W3"), std::string::npos);
  EXPECT_EQ(src.find("W_a"), std::string::npos);
  auto m = make_dmpnn(c);
  EXPECT_EQ(m.parameters().size(), 4u + 2u * 3u);
  std::mt19937 rng(0);
  EXPECT_EQ(run(m, BatchTensors::view(random_graph(6, 2, rng))).numel(), 1);
}

}  // namespace
}  // namespace mlglass
