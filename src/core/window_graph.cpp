#include "window_graph.h"

#include "number_text.h"

#include "knn.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace mlglass {

namespace {


std::string point_str(const std::array<double, 3> &p, int dim) {
  std::string s = "(" + number_text(p[0]);
  for (int a = 1; a < dim; ++a) s += ", " + number_text(p[a]);
  return s + ")";
}

struct GraphScratch {
  std::vector<int> nb, start, adj, fill, cursor;
  std::vector<Candidate> best;
};

}  // namespace

int node_feature_dim(NodeFeatures features, int ntypes, int dim) {
  return features == NodeFeatures::type_onehot ? ntypes : 1 + dim;
}

Graph knn_graph(const Window &window, const int *types, const std::int64_t *ids, int k, int ntypes,
                NodeFeatures features) {
  if (k < 1) throw std::invalid_argument("knn_graph: k must be >= 1, got " + std::to_string(k));
  if (ntypes < 1)
    throw std::invalid_argument("knn_graph: ntypes must be >= 1, got " + std::to_string(ntypes));
  if (window.dim != 2 && window.dim != 3)
    throw std::invalid_argument("knn_graph: window dimension must be 2 or 3, got " +
                                std::to_string(window.dim));
  const std::size_t n = window.members.size();
  if (window.local.size() != 3 * n)
    throw std::invalid_argument("knn_graph: window.local must hold 3 coordinates per member");
  if (n <= static_cast<std::size_t>(k))
    throw std::invalid_argument("knn_graph: the window at origin " +
                                point_str(window.origin, window.dim) + " with side " +
                                number_text(window.side) + " holds " + std::to_string(n) +
                                " particles; k = " + std::to_string(k) + " needs more than " +
                                std::to_string(k));
  if (n > static_cast<std::size_t>(INT32_MAX) / (2 * static_cast<std::size_t>(k) + 1))
    throw std::invalid_argument("knn_graph: window too large");

  Graph g;
  const int nn = static_cast<int>(n);
  g.n_nodes = nn;
  g.node_dim = node_feature_dim(features, ntypes, window.dim);
  g.edge_dim = 1;

  // Node ids and features.
  g.ids.resize(n);
  g.x.assign(n * g.node_dim, 0.0f);
  const double inv_side = 1.0 / window.side;
  for (std::size_t v = 0; v < n; ++v) {
    const int m = window.members[v];
    g.ids[v] = ids ? ids[m] : static_cast<std::int64_t>(m) + 1;
    const int t = types[m];
    if (t < 1 || t > ntypes)
      throw std::invalid_argument("knn_graph: particle id " + std::to_string(g.ids[v]) +
                                  " has type " + std::to_string(t) + ", outside 1.." +
                                  std::to_string(ntypes));
    float *xv = g.x.data() + v * g.node_dim;
    if (features == NodeFeatures::type_onehot) {
      xv[t - 1] = 1.0f;
    } else {
      xv[0] = static_cast<float>(t);
      for (int a = 0; a < window.dim; ++a)
        xv[1 + a] = static_cast<float>(window.local[3 * v + a] * inv_side);
    }
  }

  // k nearest neighbours inside the window: a non-periodic box [0, side)^dim.
  PeriodicBox wbox;
  wbox.dim = window.dim;
  wbox.lo = {0.0, 0.0, 0.0};
  wbox.length = {window.side, window.side, window.dim == 3 ? window.side : 1.0};
  wbox.periodic = {false, false, false};
  const double *pos = window.local.data();
  KnnSearch search(wbox, pos, n, g.ids.data());

  // Undirected links as a CSR adjacency: row v holds v's k out-neighbours and every node that
  // chose v; sorting and deduplicating each row gives the directed edges in (src, dst) order.
  // Scratch arrays are kept per thread: no allocation per graph once they have grown.
  thread_local GraphScratch scratch;
  std::vector<int> &nb = scratch.nb, &start = scratch.start, &adj = scratch.adj,
                   &fill = scratch.fill, &cursor = scratch.cursor;
  std::vector<Candidate> &best = scratch.best;
  nb.resize(n * k);
  start.assign(n + 1, 0);
  for (std::size_t v = 0; v < n; ++v) {
    search.query(v, k, best);
    for (int s = 0; s < k; ++s) {
      const int j = best[s].index;
      nb[v * k + s] = j;
      ++start[j + 1];
    }
    start[v + 1] += k;
  }
  for (std::size_t v = 0; v < n; ++v) start[v + 1] += start[v];
  adj.resize(start[n]);
  fill.assign(start.begin(), start.end() - 1);
  for (std::size_t v = 0; v < n; ++v)
    for (int s = 0; s < k; ++s) {
      const int j = nb[v * k + s];
      adj[fill[v]++] = j;
      adj[fill[j]++] = static_cast<int>(v);
    }

  g.src.resize(adj.size());
  g.dst.resize(adj.size());
  cursor.resize(n);  // compacted start of each row
  std::size_t m = 0;
  for (std::size_t v = 0; v < n; ++v) {
    const auto b = adj.begin() + start[v];
    auto e = adj.begin() + start[v + 1];
    // Rows are short (about 2k): insertion sort.
    for (auto it = b + 1; it < e; ++it) {
      const int val = *it;
      auto jt = it;
      for (; jt > b && *(jt - 1) > val; --jt) *jt = *(jt - 1);
      *jt = val;
    }
    e = std::unique(b, e);
    cursor[v] = static_cast<int>(m);
    for (auto it = b; it != e; ++it, ++m) {
      g.src[m] = static_cast<std::int64_t>(v);
      g.dst[m] = *it;
    }
  }
  g.src.resize(m);
  g.dst.resize(m);
  g.n_edges = static_cast<int>(m);

  // Reverse edges and distances (computed once per link, shared by both directions). Edges s -> d
  // with s < d are visited in ascending s, and row d lists its edges d -> s in ascending s: the
  // reverse of each is the next such entry of row d.
  g.rev.resize(m);
  g.e.resize(m);
  for (std::size_t b = 0; b < m; ++b) {
    const std::int64_t s = g.src[b], d = g.dst[b];
    if (s > d) continue;
    const std::size_t r = static_cast<std::size_t>(cursor[d]++);
    g.rev[b] = static_cast<std::int64_t>(r);
    g.rev[r] = static_cast<std::int64_t>(b);
    const double *ps = pos + 3 * s, *pd = pos + 3 * d;
    const double dx = pd[0] - ps[0], dy = pd[1] - ps[1], dz = pd[2] - ps[2];
    const float dist = static_cast<float>(std::sqrt(dx * dx + dy * dy + dz * dz));
    g.e[b] = dist;
    g.e[r] = dist;
  }
  return g;
}

void batch_into(const std::vector<const Graph *> &graphs, const std::vector<float> &labels,
                GraphBatch &out) {
  if (!labels.empty() && labels.size() != graphs.size())
    throw std::invalid_argument("batch: " + std::to_string(labels.size()) + " labels for " +
                                std::to_string(graphs.size()) + " graphs");
  std::int64_t nodes = 0, edges = 0;
  int node_dim = 0, edge_dim = 0;
  for (std::size_t g = 0; g < graphs.size(); ++g) {
    const Graph &gr = *graphs[g];
    if (g == 0) {
      node_dim = gr.node_dim;
      edge_dim = gr.edge_dim;
    } else if (gr.node_dim != node_dim || gr.edge_dim != edge_dim) {
      throw std::invalid_argument("batch: graph " + std::to_string(g) + " has feature dimensions " +
                                  std::to_string(gr.node_dim) + "/" + std::to_string(gr.edge_dim) +
                                  ", graph 0 has " + std::to_string(node_dim) + "/" +
                                  std::to_string(edge_dim));
    }
    if (gr.x.size() != std::size_t(gr.n_nodes) * gr.node_dim ||
        gr.e.size() != std::size_t(gr.n_edges) * gr.edge_dim ||
        gr.src.size() != std::size_t(gr.n_edges) || gr.dst.size() != std::size_t(gr.n_edges) ||
        gr.rev.size() != std::size_t(gr.n_edges) || gr.ids.size() != std::size_t(gr.n_nodes))
      throw std::invalid_argument("batch: graph " + std::to_string(g) +
                                  " has arrays of the wrong size");
    nodes += gr.n_nodes;
    edges += gr.n_edges;
  }
  if (nodes > INT32_MAX || edges > INT32_MAX)
    throw std::invalid_argument("batch: too many nodes or edges");
  out.n_graphs = static_cast<int>(graphs.size());
  out.n_nodes = static_cast<int>(nodes);
  out.n_edges = static_cast<int>(edges);
  out.node_dim = node_dim;
  out.edge_dim = edge_dim;
  // resize() keeps the capacity of a reused batch: no allocation once it has grown.
  out.x.resize(nodes * node_dim);
  out.e.resize(edges * edge_dim);
  out.src.resize(edges);
  out.dst.resize(edges);
  out.rev.resize(edges);
  out.edge_graph.resize(edges);
  out.node_graph.resize(nodes);
  out.ids.resize(nodes);
  out.node_offset.resize(graphs.size() + 1);
  out.edge_offset.resize(graphs.size() + 1);
  std::int64_t no = 0, eo = 0;
  for (std::size_t g = 0; g < graphs.size(); ++g) {
    const Graph &gr = *graphs[g];
    const auto gi = static_cast<std::int64_t>(g);
    out.node_offset[g] = no;
    out.edge_offset[g] = eo;
    std::copy(gr.x.begin(), gr.x.end(), out.x.begin() + no * node_dim);
    std::copy(gr.e.begin(), gr.e.end(), out.e.begin() + eo * edge_dim);
    std::copy(gr.ids.begin(), gr.ids.end(), out.ids.begin() + no);
    std::fill_n(out.node_graph.begin() + no, gr.n_nodes, gi);
    std::fill_n(out.edge_graph.begin() + eo, gr.n_edges, gi);
    for (int b = 0; b < gr.n_edges; ++b) {
      out.src[eo + b] = gr.src[b] + no;
      out.dst[eo + b] = gr.dst[b] + no;
      out.rev[eo + b] = gr.rev[b] + eo;
    }
    no += gr.n_nodes;
    eo += gr.n_edges;
  }
  out.node_offset[graphs.size()] = no;
  out.edge_offset[graphs.size()] = eo;
  out.label.assign(labels.begin(), labels.end());
}

GraphBatch batch(const std::vector<const Graph *> &graphs, const std::vector<float> &labels) {
  GraphBatch out;
  batch_into(graphs, labels, out);
  return out;
}

GraphBatch batch(const std::vector<Graph> &graphs, const std::vector<float> &labels) {
  std::vector<const Graph *> ptrs;
  ptrs.reserve(graphs.size());
  for (const Graph &g : graphs) ptrs.push_back(&g);
  return batch(ptrs, labels);
}

}  // namespace mlglass
