// kNN graphs of windows for the D-MPNN: graph edges against an all-pairs kNN with the same tie
// rule, reverse edges, node features, invariances and batching. (Windows: test_windows.cpp.)
#include "window_graph.h"
#include "random_config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

using namespace mlglass;
using mlglass::testing::Config;
using mlglass::testing::random_config;

namespace {

// All-pairs kNN on the window's local coordinates (nearer by r2, then by id), symmetrized, as a
// sorted list of directed edges.
std::vector<std::pair<std::int64_t, std::int64_t>> reference_edges(const Window &w,
                                                                   const std::vector<std::int64_t> &ids,
                                                                   int k) {
  const std::size_t n = w.members.size();
  std::set<std::pair<std::int64_t, std::int64_t>> directed;
  std::vector<std::pair<std::pair<double, std::int64_t>, std::size_t>> all;
  for (std::size_t i = 0; i < n; ++i) {
    all.clear();
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      double r2 = 0;
      for (int a = 0; a < 3; ++a) {
        const double d = w.local[3 * j + a] - w.local[3 * i + a];
        r2 += d * d;
      }
      all.push_back({{r2, ids[w.members[j]]}, j});
    }
    std::sort(all.begin(), all.end());
    for (int s = 0; s < k; ++s) {
      const auto j = static_cast<std::int64_t>(all[s].second);
      directed.insert({static_cast<std::int64_t>(i), j});
      directed.insert({j, static_cast<std::int64_t>(i)});
    }
  }
  return {directed.begin(), directed.end()};
}

std::vector<std::pair<std::int64_t, std::int64_t>> edges_of(const Graph &g) {
  std::vector<std::pair<std::int64_t, std::int64_t>> e;
  for (int b = 0; b < g.n_edges; ++b) e.push_back({g.src[b], g.dst[b]});
  return e;
}

void expect_consistent(const Graph &g, int k, const std::string &what) {
  ASSERT_EQ(g.src.size(), static_cast<std::size_t>(g.n_edges)) << what;
  ASSERT_EQ(g.dst.size(), static_cast<std::size_t>(g.n_edges)) << what;
  ASSERT_EQ(g.rev.size(), static_cast<std::size_t>(g.n_edges)) << what;
  ASSERT_EQ(g.e.size(), static_cast<std::size_t>(g.n_edges * g.edge_dim)) << what;
  ASSERT_EQ(g.x.size(), static_cast<std::size_t>(g.n_nodes * g.node_dim)) << what;
  ASSERT_EQ(g.ids.size(), static_cast<std::size_t>(g.n_nodes)) << what;
  EXPECT_EQ(g.n_edges % 2, 0) << what;
  std::vector<int> out_degree(g.n_nodes, 0);
  for (int b = 0; b < g.n_edges; ++b) {
    ASSERT_GE(g.rev[b], 0) << what;
    ASSERT_LT(g.rev[b], g.n_edges) << what;
    EXPECT_EQ(g.rev[g.rev[b]], b) << what;
    EXPECT_EQ(g.src[g.rev[b]], g.dst[b]) << what;
    EXPECT_EQ(g.dst[g.rev[b]], g.src[b]) << what;
    EXPECT_EQ(g.e[g.rev[b]], g.e[b]) << what;
    EXPECT_NE(g.src[b], g.dst[b]) << what;
    EXPECT_GT(g.e[b], 0.0f) << what;
    if (b > 0) {
      EXPECT_LT(std::make_pair(g.src[b - 1], g.dst[b - 1]), std::make_pair(g.src[b], g.dst[b]))
          << what << ": edges not strictly ordered by (src, dst)";
    }
    ++out_degree[g.src[b]];
  }
  for (int v = 0; v < g.n_nodes; ++v) EXPECT_GE(out_degree[v], k) << what;
  // Undirected links: each node contributes at most k new ones, and at least n k / 2 exist.
  const int links = g.n_edges / 2;
  EXPECT_LE(links, g.n_nodes * k) << what;
  EXPECT_GE(2 * links, g.n_nodes * k) << what;
}

std::vector<std::int64_t> default_ids(std::size_t n) {
  std::vector<std::int64_t> ids(n);
  std::iota(ids.begin(), ids.end(), std::int64_t(1));
  return ids;
}

// A window that straddles the periodic boundary along every axis.
std::array<double, 3> straddling_origin(const PeriodicBox &box, double side) {
  std::array<double, 3> o = box.lo;
  for (int a = 0; a < box.dim; ++a) o[a] = box.lo[a] + box.length[a] - 0.4 * side;
  return o;
}

}  // namespace

// ---- graphs -----------------------------------------------------------------------------------

struct GraphCase {
  int dim;
  int k;
  double frac;
};

class GraphRandom : public ::testing::TestWithParam<GraphCase> {};

TEST_P(GraphRandom, EdgesEqualBruteForceKnn) {
  const auto p = GetParam();
  for (unsigned seed = 1; seed <= 6; ++seed) {
    auto c = random_config(p.dim == 2 ? 4320 : 3000, p.dim, 1.2, seed);
    // Shuffled ids, so that the id order differs from the index order.
    std::vector<std::int64_t> ids = default_ids(c.n());
    std::shuffle(ids.begin(), ids.end(), std::mt19937_64(seed));
    WindowOptions opts;
    opts.side = p.frac;
    std::mt19937_64 rng(seed + 100);
    for (int r = 0; r < 3; ++r) {
      const auto o = r == 0 ? straddling_origin(c.box, window_side(c.box, opts))
                            : random_window_origin(c.box, opts, rng);
      Window w = cut_window(c.box, c.x.data(), c.n(), o, window_side(c.box, opts), true);
      const std::string what = "dim " + std::to_string(p.dim) + " k " + std::to_string(p.k) +
                               " seed " + std::to_string(seed);
      Graph g = knn_graph(w, c.type.data(), ids.data(), p.k, 2);
      expect_consistent(g, p.k, what);
      EXPECT_EQ(g.n_nodes, int(w.size()));
      EXPECT_EQ(edges_of(g), reference_edges(w, ids, p.k)) << what;
      for (std::size_t v = 0; v < w.size(); ++v) EXPECT_EQ(g.ids[v], ids[w.members[v]]);
      // Distances are the local Euclidean distances.
      for (int b = 0; b < g.n_edges; ++b) {
        double r2 = 0;
        for (int a = 0; a < 3; ++a) {
          const double d = w.local[3 * g.dst[b] + a] - w.local[3 * g.src[b] + a];
          r2 += d * d;
        }
        EXPECT_FLOAT_EQ(g.e[b], float(std::sqrt(r2)));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Core, GraphRandom,
                         ::testing::Values(GraphCase{2, 1, 0.2}, GraphCase{2, 2, 0.2},
                                           GraphCase{2, 3, 0.1}, GraphCase{2, 5, 0.3},
                                           GraphCase{3, 2, 0.3}, GraphCase{3, 4, 0.4}));

TEST(Graph, LatticeWindowWithManyTies) {
  // Square lattice, spacing 1: every node has 4 neighbours at exactly distance 1 (fewer on the
  // window's edges), so the tie rule decides. Ids are shuffled so it is the id order that counts.
  for (int dim : {2, 3}) {
    const int m = dim == 2 ? 20 : 8;
    PeriodicBox box = PeriodicBox::square(double(m), dim);
    std::vector<double> x;
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j)
        for (int l = 0; l < (dim == 3 ? m : 1); ++l) x.insert(x.end(), {double(i), double(j), double(l)});
    const std::size_t n = x.size() / 3;
    std::vector<int> types(n, 1);
    for (std::size_t i = 0; i < n; i += 3) types[i] = 2;
    for (unsigned seed = 1; seed <= 4; ++seed) {
      std::vector<std::int64_t> ids = default_ids(n);
      std::shuffle(ids.begin(), ids.end(), std::mt19937_64(seed));
      // The window straddles the boundary; lattice points sit at local coordinates k + 0.5.
      const std::array<double, 3> o{m - 2.5, m - 3.5, dim == 3 ? m - 1.5 : 0.0};
      Window w = cut_window(box, x.data(), n, o, dim == 2 ? 7.0 : 5.0, true);
      ASSERT_EQ(w.size(), std::size_t(dim == 2 ? 49 : 125));
      for (int k : {1, 2, 3, 4, 5}) {
        Graph g = knn_graph(w, types.data(), ids.data(), k, 2);
        expect_consistent(g, k, "lattice");
        EXPECT_EQ(edges_of(g), reference_edges(w, ids, k)) << "dim " << dim << " k " << k;
      }
      // k = 4 in 2D: a node two rows inside the window links only its 4 lattice neighbours (a
      // corner node reaches out to distance 2).
      if (dim == 2) {
        Graph g = knn_graph(w, types.data(), ids.data(), 4, 2);
        for (int b = 0; b < g.n_edges; ++b) {
          const double *ps = &w.local[3 * g.src[b]];
          const bool interior = ps[0] > 2 && ps[0] < 5 && ps[1] > 2 && ps[1] < 5;
          if (interior) { EXPECT_EQ(g.e[b], 1.0f); }
          EXPECT_LE(g.e[b], 2.0f);
        }
      }
    }
  }
}

TEST(Graph, NullIdsMeanIndexPlusOne) {
  auto c = random_config(2000, 2, 1.2, 4);
  Window w = cut_window(c.box, c.x.data(), c.n(), {1.0, 2.0, 0.0}, 0.25 * c.box.length[0], true);
  Graph g = knn_graph(w, c.type.data(), nullptr, 2, 2);
  std::vector<std::int64_t> ids = default_ids(c.n());
  Graph h = knn_graph(w, c.type.data(), ids.data(), 2, 2);
  for (std::size_t v = 0; v < w.size(); ++v) EXPECT_EQ(g.ids[v], w.members[v] + 1);
  EXPECT_EQ(g.src, h.src);
  EXPECT_EQ(g.dst, h.dst);
  EXPECT_EQ(g.rev, h.rev);
  EXPECT_EQ(g.ids, h.ids);
}

TEST(Graph, NodeFeatures) {
  for (int dim : {2, 3}) {
    auto c = random_config(3000, dim, 1.2, 8);
    for (std::size_t i = 0; i < c.n(); i += 7) c.type[i] = 3;  // a third type
    const double side = 0.3 * c.box.length[0];
    Window w = cut_window(c.box, c.x.data(), c.n(), straddling_origin(c.box, side), side, true);
    Graph g = knn_graph(w, c.type.data(), nullptr, 2, 4);  // 4 types declared, 3 present
    ASSERT_EQ(g.node_dim, 4);
    EXPECT_EQ(node_feature_dim(NodeFeatures::type_onehot, 4, dim), 4);
    for (int v = 0; v < g.n_nodes; ++v) {
      const int t = c.type[w.members[v]];
      for (int f = 0; f < 4; ++f) EXPECT_EQ(g.x[v * 4 + f], f == t - 1 ? 1.0f : 0.0f);
    }
    Graph h = knn_graph(w, c.type.data(), nullptr, 2, 4, NodeFeatures::type_xy);
    ASSERT_EQ(h.node_dim, 1 + dim);
    EXPECT_EQ(node_feature_dim(NodeFeatures::type_xy, 4, dim), 1 + dim);
    for (int v = 0; v < h.n_nodes; ++v) {
      EXPECT_EQ(h.x[v * h.node_dim], float(c.type[w.members[v]]));
      for (int a = 0; a < dim; ++a) {
        const float f = h.x[v * h.node_dim + 1 + a];
        EXPECT_FLOAT_EQ(f, float(w.local[3 * v + a] / side));
        EXPECT_GE(f, 0.0f);
        EXPECT_LE(f, 1.0f);
      }
    }
    // The features do not change the edges.
    EXPECT_EQ(g.src, h.src);
    EXPECT_EQ(g.dst, h.dst);
    EXPECT_EQ(g.e, h.e);
  }
}

TEST(Graph, TranslationInvariance) {
  for (int dim : {2, 3}) {
    auto c = random_config(dim == 2 ? 4320 : 3000, dim, 1.2, 13);
    const double L = c.box.length[0];
    const double side = 0.2 * L;
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u(-2 * L, 2 * L);
    for (int r = 0; r < 5; ++r) {
      std::array<double, 3> t{u(rng), u(rng), dim == 3 ? u(rng) : 0.0};
      std::array<double, 3> o = {u(rng), u(rng), dim == 3 ? u(rng) : 0.0};
      auto moved = c;
      std::array<double, 3> o2 = o;
      for (int a = 0; a < dim; ++a) {
        o2[a] += t[a];
        for (std::size_t i = 0; i < c.n(); ++i) {
          double &v = moved.x[3 * i + a];
          v += t[a];
          if (i % 2) v -= L * std::floor(v / L);  // half of them wrapped back into the box
        }
      }
      Window w1 = cut_window(c.box, c.x.data(), c.n(), o, side, true);
      Window w2 = cut_window(moved.box, moved.x.data(), moved.n(), o2, side, true);
      ASSERT_EQ(w1.members, w2.members);
      Graph g1 = knn_graph(w1, c.type.data(), nullptr, 3, 2);
      Graph g2 = knn_graph(w2, moved.type.data(), nullptr, 3, 2);
      EXPECT_EQ(g1.src, g2.src);
      EXPECT_EQ(g1.dst, g2.dst);
      EXPECT_EQ(g1.rev, g2.rev);
      EXPECT_EQ(g1.ids, g2.ids);
      EXPECT_EQ(g1.x, g2.x);
      ASSERT_EQ(g1.e.size(), g2.e.size());
      for (std::size_t b = 0; b < g1.e.size(); ++b) EXPECT_FLOAT_EQ(g1.e[b], g2.e[b]);
    }
  }
}

TEST(Graph, RotationBy90DegreesKeepsEdgesAndDistances) {
  for (int dim : {2, 3}) {
    auto c = random_config(dim == 2 ? 4320 : 3000, dim, 1.2, 17);
    const double side = 0.25 * c.box.length[0];
    Window w = cut_window(c.box, c.x.data(), c.n(), straddling_origin(c.box, side), side, true);
    Graph g = knn_graph(w, c.type.data(), nullptr, 3, 2);
    Window rot = w;
    for (int turn = 1; turn <= 3; ++turn) {
      // (x, y) -> (side - y, x): a quarter turn about the window centre (z unchanged).
      for (std::size_t i = 0; i < rot.size(); ++i) {
        const double px = rot.local[3 * i], py = rot.local[3 * i + 1];
        rot.local[3 * i] = side - py;
        rot.local[3 * i + 1] = px;
      }
      Graph h = knn_graph(rot, c.type.data(), nullptr, 3, 2);
      EXPECT_EQ(g.src, h.src) << "turn " << turn;
      EXPECT_EQ(g.dst, h.dst) << "turn " << turn;
      EXPECT_EQ(g.rev, h.rev);
      EXPECT_EQ(g.x, h.x);
      ASSERT_EQ(g.e.size(), h.e.size());
      for (std::size_t b = 0; b < g.e.size(); ++b) EXPECT_NEAR(g.e[b], h.e[b], 1e-5f);
    }
  }
}

TEST(Graph, Errors) {
  auto c = random_config(2000, 2, 1.2, 2);
  const double L = c.box.length[0];
  Window w = cut_window(c.box, c.x.data(), c.n(), {0, 0, 0}, 0.2 * L, true);
  EXPECT_THROW(knn_graph(w, c.type.data(), nullptr, 0, 2), std::invalid_argument);
  EXPECT_THROW(knn_graph(w, c.type.data(), nullptr, -1, 2), std::invalid_argument);
  EXPECT_THROW(knn_graph(w, c.type.data(), nullptr, 2, 0), std::invalid_argument);
  // A type outside 1..ntypes.
  EXPECT_THROW(knn_graph(w, c.type.data(), nullptr, 2, 1), std::invalid_argument);
  auto bad = c;
  bad.type[w.members[3]] = 0;
  try {
    knn_graph(w, bad.type.data(), nullptr, 2, 2);
    ADD_FAILURE() << "type 0 accepted";
  } catch (const std::invalid_argument &e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("id " + std::to_string(w.members[3] + 1)), std::string::npos) << msg;
    EXPECT_NE(msg.find("type 0"), std::string::npos) << msg;
  }
  // Too few particles: the message says which window and how many.
  const std::array<double, 3> near0{c.x[0] - 0.5, c.x[1] - 0.5, 0.0};
  Window tiny = cut_window(c.box, c.x.data(), c.n(), near0, 1.0, true);
  ASSERT_GE(tiny.size(), 1u);
  ASSERT_LE(tiny.size(), 6u);
  const int k = static_cast<int>(tiny.size());
  try {
    knn_graph(tiny, c.type.data(), nullptr, k, 2);
    ADD_FAILURE() << "window with k particles accepted";
  } catch (const std::invalid_argument &e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("origin ("), std::string::npos) << msg;
    EXPECT_NE(msg.find("holds " + std::to_string(tiny.size()) + " particles"), std::string::npos)
        << msg;
  }
  Window empty = cut_window(c.box, c.x.data(), 0, {0, 0, 0}, 1.0, true);
  EXPECT_THROW(knn_graph(empty, c.type.data(), nullptr, 1, 2), std::invalid_argument);
  if (tiny.size() >= 2) {
    EXPECT_NO_THROW(knn_graph(tiny, c.type.data(), nullptr, k - 1, 2));
  }
}

// ---- batches ----------------------------------------------------------------------------------

TEST(Graph, BatchOffsets) {
  auto c = random_config(4320, 2, 1.2, 5);
  const double L = c.box.length[0];
  std::vector<Graph> graphs;
  std::mt19937_64 rng(2);
  for (double frac : {0.1, 0.2, 0.15, 0.3}) {
    WindowOptions opts;
    opts.side = frac;
    Window w = cut_window(c.box, c.x.data(), c.n(), random_window_origin(c.box, opts, rng),
                          frac * L, true);
    graphs.push_back(knn_graph(w, c.type.data(), nullptr, 2, 2));
  }
  const std::vector<float> labels{1, 0, 1, 0};
  GraphBatch b = batch(graphs, labels);
  ASSERT_EQ(b.n_graphs, 4);
  EXPECT_EQ(b.node_dim, 2);
  EXPECT_EQ(b.edge_dim, 1);
  EXPECT_EQ(b.label, labels);
  ASSERT_EQ(b.node_offset.size(), 5u);
  ASSERT_EQ(b.edge_offset.size(), 5u);
  EXPECT_EQ(b.node_offset[0], 0);
  EXPECT_EQ(b.edge_offset[0], 0);
  for (int g = 0; g < 4; ++g) {
    EXPECT_EQ(b.node_offset[g + 1] - b.node_offset[g], graphs[g].n_nodes);
    EXPECT_EQ(b.edge_offset[g + 1] - b.edge_offset[g], graphs[g].n_edges);
  }
  EXPECT_EQ(b.node_offset[4], b.n_nodes);
  EXPECT_EQ(b.edge_offset[4], b.n_edges);
  ASSERT_EQ(b.x.size(), std::size_t(b.n_nodes) * b.node_dim);
  ASSERT_EQ(b.e.size(), std::size_t(b.n_edges) * b.edge_dim);
  ASSERT_EQ(b.src.size(), std::size_t(b.n_edges));
  ASSERT_EQ(b.node_graph.size(), std::size_t(b.n_nodes));
  ASSERT_EQ(b.edge_graph.size(), std::size_t(b.n_edges));
  ASSERT_EQ(b.ids.size(), std::size_t(b.n_nodes));
  for (int g = 0; g < 4; ++g) {
    const Graph &gr = graphs[g];
    const auto no = b.node_offset[g], eo = b.edge_offset[g];
    for (int v = 0; v < gr.n_nodes; ++v) {
      EXPECT_EQ(b.node_graph[no + v], g);
      EXPECT_EQ(b.ids[no + v], gr.ids[v]);
      for (int f = 0; f < b.node_dim; ++f)
        EXPECT_EQ(b.x[(no + v) * b.node_dim + f], gr.x[v * gr.node_dim + f]);
    }
    for (int e = 0; e < gr.n_edges; ++e) {
      const auto be = eo + e;
      EXPECT_EQ(b.edge_graph[be], g);
      EXPECT_GE(b.src[be], b.node_offset[g]);
      EXPECT_LT(b.src[be], b.node_offset[g + 1]);
      EXPECT_GE(b.dst[be], b.node_offset[g]);
      EXPECT_LT(b.dst[be], b.node_offset[g + 1]);
      EXPECT_EQ(b.src[be], gr.src[e] + no);
      EXPECT_EQ(b.dst[be], gr.dst[e] + no);
      EXPECT_EQ(b.rev[be], gr.rev[e] + eo);
      EXPECT_EQ(b.rev[b.rev[be]], be);
      EXPECT_EQ(b.e[be], gr.e[e]);
    }
  }
  // The pointer overload gives the same batch; labels are optional.
  std::vector<const Graph *> ptrs{&graphs[2], &graphs[0]};
  GraphBatch p = batch(ptrs);
  EXPECT_TRUE(p.label.empty());
  EXPECT_EQ(p.n_nodes, graphs[2].n_nodes + graphs[0].n_nodes);
  EXPECT_EQ(p.node_offset[1], graphs[2].n_nodes);
  EXPECT_EQ(p.src[graphs[2].n_edges], graphs[0].src[0] + graphs[2].n_nodes);

  // batch_into a reused batch (here a larger one) gives the same arrays.
  GraphBatch reused = batch(graphs);
  batch_into(ptrs, {}, reused);
  EXPECT_EQ(reused.n_graphs, 2);
  EXPECT_EQ(reused.n_nodes, p.n_nodes);
  EXPECT_EQ(reused.x, p.x);
  EXPECT_EQ(reused.e, p.e);
  EXPECT_EQ(reused.src, p.src);
  EXPECT_EQ(reused.dst, p.dst);
  EXPECT_EQ(reused.rev, p.rev);
  EXPECT_EQ(reused.node_graph, p.node_graph);
  EXPECT_EQ(reused.edge_graph, p.edge_graph);
  EXPECT_EQ(reused.node_offset, p.node_offset);
  EXPECT_EQ(reused.edge_offset, p.edge_offset);
  EXPECT_EQ(reused.ids, p.ids);
  EXPECT_TRUE(reused.label.empty());

  GraphBatch none = batch(std::vector<Graph>{});
  EXPECT_EQ(none.n_graphs, 0);
  EXPECT_EQ(none.node_offset, std::vector<std::int64_t>{0});

  EXPECT_THROW(batch(graphs, std::vector<float>{1, 0}), std::invalid_argument);
  Graph broken = graphs[0];
  broken.rev.pop_back();
  EXPECT_THROW(batch(std::vector<const Graph *>{&broken}), std::invalid_argument);
  Graph other = graphs[0];
  other.node_dim = 3;
  other.x.resize(std::size_t(other.n_nodes) * 3);
  graphs.push_back(other);
  EXPECT_THROW(batch(graphs), std::invalid_argument);
}

TEST(Graph, SameSeedSameBatch) {
  auto c = random_config(4320, 2, 1.2, 6);
  auto make = [&](unsigned seed) {
    std::mt19937_64 rng(seed);
    WindowOptions opts;
    std::vector<Graph> gs;
    for (int r = 0; r < 5; ++r) {
      Window w = cut_window(c.box, c.x.data(), c.n(), random_window_origin(c.box, opts, rng),
                            window_side(c.box, opts), true);
      gs.push_back(knn_graph(w, c.type.data(), nullptr, 2, 2));
    }
    return batch(gs);
  };
  GraphBatch a = make(7), b = make(7), d = make(8);
  EXPECT_EQ(a.src, b.src);
  EXPECT_EQ(a.dst, b.dst);
  EXPECT_EQ(a.e, b.e);
  EXPECT_EQ(a.ids, b.ids);
  EXPECT_NE(a.ids, d.ids);
}
