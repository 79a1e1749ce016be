#include "window_graph.h"

#include "knn.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace mlglass {

namespace {

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

std::string point_str(const std::array<double, 3> &p, int dim) {
  std::string s = "(" + fmt(p[0]);
  for (int a = 1; a < dim; ++a) s += ", " + fmt(p[a]);
  return s + ")";
}

void check_side(const PeriodicBox &box, double side, const char *who) {
  if (!(side > 0.0) || !std::isfinite(side))
    throw std::invalid_argument(std::string(who) + ": window side must be > 0, got " + fmt(side));
  for (int a = 0; a < box.dim; ++a)
    if (side > box.length[a])
      throw std::invalid_argument(std::string(who) + ": window side " + fmt(side) +
                                  " exceeds the box length " + fmt(box.length[a]) + " along " +
                                  "xyz"[a] + " (a window could see a particle twice)");
}

void check_dim(const PeriodicBox &box, const char *who) {
  if (box.dim != 2 && box.dim != 3)
    throw std::invalid_argument(std::string(who) + ": box dimension must be 2 or 3, got " +
                                std::to_string(box.dim));
}

// d reduced into [0, L); NaN stays NaN.
inline double wrap(double d, double L) {
  if (d >= 0.0 && d < L) return d;
  d -= L * std::floor(d / L);
  if (d < 0.0) d += L;   // d / L rounded up to an integer
  if (d >= L) d -= L;    // d was a tiny negative number: -tiny + L rounds to L
  if (d >= L || d < 0.0) d = 0.0;
  return d;
}

struct GraphScratch {
  std::vector<int> nb, start, adj, fill, cursor;
  std::vector<Candidate> best;
};

inline double uniform01(std::mt19937_64 &rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0, 1), 53 random bits
}

// The particles a window is cut from: all of 0 .. n-1 (cut_window) or an ascending list of
// candidates (WindowCutter); the same loops run over either.
struct AllParticles {
  std::size_t n;
  std::size_t size() const { return n; }
  std::size_t operator[](std::size_t k) const { return k; }
};
struct ListedParticles {
  const std::vector<int> &list;
  std::size_t size() const { return list.size(); }
  std::size_t operator[](std::size_t k) const { return static_cast<std::size_t>(list[k]); }
};

// The common case of cut_window (periodic box, periodic window), free of data-dependent branches
// for coordinates within one box length of the origin (wrapped dumps); anything else (unwrapped
// coordinates, NaN) takes a rarely taken slow path.
template <int DIM, class Particles>
void cut_wrapped(const PeriodicBox &box, const double *x, const Particles &particles,
                 const std::array<double, 3> &origin, double side, Window &w) {
  double L[3], o[3];
  for (int a = 0; a < 3; ++a) {
    L[a] = box.length[a];
    o[a] = origin[a];
  }
  for (std::size_t k = 0; k < particles.size(); ++k) {
    const std::size_t i = particles[k];
    const double *p = x + 3 * i;
    double d[3] = {0.0, 0.0, 0.0};
    bool bad = false, in = true;
    for (int a = 0; a < DIM; ++a) {
      double v = p[a] - o[a];
      v += L[a] * static_cast<double>(v < 0.0);
      bad |= !(v >= 0.0) | !(v < L[a]);
      in &= v < side;
      d[a] = v;
    }
    if (__builtin_expect(bad, 0)) {
      in = true;
      for (int a = 0; a < DIM; ++a) {
        const double v = wrap(p[a] - o[a], L[a]);
        if (std::isnan(v))
          throw std::invalid_argument("cut_window: particle " + std::to_string(i) +
                                      " has a non-finite coordinate");
        in &= v < side;
        d[a] = v;
      }
    }
    if (!in) continue;
    w.members.push_back(static_cast<int>(i));
    w.local.insert(w.local.end(), d, d + 3);
  }
}

}  // namespace

double window_side(const PeriodicBox &box, const WindowOptions &opts) {
  check_dim(box, "window");
  if (!(opts.side > 0.0) || !std::isfinite(opts.side))
    throw std::invalid_argument("window: side must be > 0, got " + fmt(opts.side));
  double side = opts.side;
  if (opts.side_is_fraction) {
    const double L = box.length[0];
    for (int a = 1; a < box.dim; ++a)
      if (std::fabs(box.length[a] - L) > 1e-6 * L)
        throw std::invalid_argument(
            "window: a side given as a fraction of the box needs a square (cubic) box, the box "
            "is " + fmt(box.length[0]) + " x " + fmt(box.length[1]) +
            (box.dim == 3 ? " x " + fmt(box.length[2]) : std::string()) +
            "; give the side in distance units");
    if (opts.side > 1.0)
      throw std::invalid_argument("window: side fraction must be in (0, 1], got " +
                                  fmt(opts.side));
    side = opts.side * L;
    // The fraction 1 must give a window that fits along every axis despite the 1e-6 tolerance.
    for (int a = 0; a < box.dim; ++a) side = std::min(side, box.length[a]);
  }
  check_side(box, side, "window");
  return side;
}

std::array<double, 3> random_window_origin(const PeriodicBox &box, const WindowOptions &opts,
                                           std::mt19937_64 &rng) {
  const double side = window_side(box, opts);
  std::array<double, 3> origin = box.lo;
  const double shared = opts.offsets == WindowOptions::Offsets::diagonal ? uniform01(rng) : 0.0;
  for (int a = 0; a < box.dim; ++a) {
    const double u = opts.offsets == WindowOptions::Offsets::diagonal ? shared : uniform01(rng);
    const double L = box.length[a];
    const bool wraps = opts.periodic && box.periodic[a];
    origin[a] = box.lo[a] + u * (wraps ? L : L - side);
    if (wraps && origin[a] >= box.lo[a] + L) origin[a] = box.lo[a];  // u * L rounded up to L
  }
  return origin;
}

namespace {

// cut_window over the given particles (all, or WindowCutter's candidates); n is the size of the
// whole configuration.
template <class Particles>
Window cut_particles(const PeriodicBox &box, const double *x, std::size_t n,
                     const Particles &particles, const std::array<double, 3> &origin, double side,
                     bool periodic) {
  check_dim(box, "cut_window");
  check_side(box, side, "cut_window");
  for (int a = 0; a < box.dim; ++a)
    if (!std::isfinite(origin[a]))
      throw std::invalid_argument("cut_window: the window origin is not finite");

  Window w;
  w.dim = box.dim;
  w.origin = origin;
  w.side = side;
  w.periodic = periodic;
  // Expected membership (side / L)^dim of n, plus a margin for density fluctuations.
  double frac = 1.0;
  for (int a = 0; a < box.dim; ++a) frac *= side / box.length[a];
  const std::size_t expect = static_cast<std::size_t>(frac * n * 1.25) + 16;
  w.members.reserve(std::min(particles.size(), expect));
  w.local.reserve(3 * std::min(particles.size(), expect));

  const int dim = box.dim;
  // Per axis: 1 = wrap the displacement (periodic window), 2 = map the particle into the box first
  // (non-periodic window on a periodic axis), 0 = plain displacement.
  int mode[3] = {0, 0, 0};
  bool all_wrap = true;
  for (int a = 0; a < dim; ++a) {
    if (box.periodic[a]) mode[a] = periodic ? 1 : 2;
    all_wrap = all_wrap && mode[a] == 1;
  }
  auto non_finite = [](std::size_t i) {
    return std::invalid_argument("cut_window: particle " + std::to_string(i) +
                                 " has a non-finite coordinate");
  };

  if (all_wrap) {
    if (dim == 2)
      cut_wrapped<2>(box, x, particles, origin, side, w);
    else
      cut_wrapped<3>(box, x, particles, origin, side, w);
    return w;
  }

  for (std::size_t k = 0; k < particles.size(); ++k) {
    const std::size_t i = particles[k];
    const double *p = x + 3 * i;
    double d[3] = {0.0, 0.0, 0.0};
    bool inside = true;
    for (int a = 0; a < dim; ++a) {
      const double L = box.length[a];
      double v = p[a] - origin[a];
      if (mode[a] == 1) {
        v = wrap(v, L);
      } else if (mode[a] == 2) {
        const double s = p[a] - box.lo[a];
        if (!(s >= 0.0 && s < L)) v -= L * std::floor(s / L);
      }
      if (std::isnan(v)) throw non_finite(i);
      d[a] = v;
      inside &= v >= 0.0 && v < side;
    }
    if (!inside) continue;
    w.members.push_back(static_cast<int>(i));
    w.local.insert(w.local.end(), d, d + 3);
  }
  return w;
}

}  // namespace

Window cut_window(const PeriodicBox &box, const double *x, std::size_t n,
                  const std::array<double, 3> &origin, double side, bool periodic) {
  return cut_particles(box, x, n, AllParticles{n}, origin, side, periodic);
}

WindowCutter::WindowCutter(const PeriodicBox &box, const double *x, std::size_t n, double side,
                           bool periodic)
    : box_(box), x_(x), n_(n), side_(side), periodic_(periodic) {
  check_dim(box, "WindowCutter");
  check_side(box, side, "WindowCutter");
  const int dim = box.dim;
  // Cells of at least half a window per axis (a window then overlaps at most 3 of them, 5 with
  // the guard cells below), and not many more cells than particles.
  double cells = 1.0;
  for (int a = 0; a < dim; ++a) {
    ncell_[a] = static_cast<int>(std::clamp(std::floor(2.0 * box.length[a] / side), 1.0, 1e6));
    cells *= ncell_[a];
  }
  while (cells > 2.0 * static_cast<double>(n) + 64.0) {
    cells = 1.0;
    for (int a = 0; a < dim; ++a) {
      ncell_[a] = std::max(1, ncell_[a] / 2);
      cells *= ncell_[a];
    }
  }
  // Counting sort of the particles by cell: ascending indices within a cell.
  std::vector<int> cell_of(n);
  start_.assign(static_cast<std::size_t>(cells) + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    int c = 0;
    for (int a = dim - 1; a >= 0; --a) {
      const double v = x[3 * i + a];
      if (!std::isfinite(v))
        throw std::invalid_argument("cut_window: particle " + std::to_string(i) +
                                    " has a non-finite coordinate");
      double s = v - box.lo[a];
      if (box.periodic[a]) s = wrap(s, box.length[a]);
      const int ci = static_cast<int>(
          std::clamp(std::floor(s * ncell_[a] / box.length[a]), 0.0, double(ncell_[a] - 1)));
      c = c * ncell_[a] + ci;
    }
    cell_of[i] = c;
    ++start_[c + 1];
  }
  for (std::size_t c = 1; c < start_.size(); ++c) start_[c] += start_[c - 1];
  particles_.resize(n);
  std::vector<int> fill(start_.begin(), start_.end() - 1);
  for (std::size_t i = 0; i < n; ++i) particles_[fill[cell_of[i]]++] = static_cast<int>(i);
}

Window WindowCutter::cut(const std::array<double, 3> &origin) const {
  for (int a = 0; a < box_.dim; ++a)
    if (!std::isfinite(origin[a]))
      throw std::invalid_argument("cut_window: the window origin is not finite");
  // Per axis the cells that can hold members, with one guard cell on each side against
  // round-off between a particle's cell and the membership test (which alone decides).
  std::array<std::vector<int>, 3> range;
  for (int a = 0; a < 3; ++a) {
    if (a >= box_.dim) {
      range[a] = {0};
      continue;
    }
    const int m = ncell_[a];
    const double L = box_.length[a];
    const double lo = origin[a] - box_.lo[a];
    if (box_.periodic[a] && periodic_) {  // the window wraps: cells modulo m
      const double first = std::floor(wrap(lo, L) * m / L) - 1.0;
      const double count = std::ceil(side_ * m / L) + 3.0;
      if (count >= m) {
        for (int c = 0; c < m; ++c) range[a].push_back(c);
      } else {
        for (int c = 0; c < int(count); ++c) range[a].push_back(((int(first) + c) % m + m) % m);
      }
    } else {  // particles were clamped into the edge cells: clamp the window's cells alike
      const double first = std::clamp(std::floor(lo * m / L) - 1.0, 0.0, double(m - 1));
      const double last = std::clamp(std::floor((lo + side_) * m / L) + 1.0, 0.0, double(m - 1));
      for (int c = int(first); c <= int(last); ++c) range[a].push_back(c);
    }
  }
  std::vector<int> candidates;
  for (const int cz : range[2])
    for (const int cy : range[1])
      for (const int cx : range[0]) {
        const int c = (cz * ncell_[1] + cy) * ncell_[0] + cx;
        candidates.insert(candidates.end(), particles_.begin() + start_[c],
                          particles_.begin() + start_[c + 1]);
      }
  std::sort(candidates.begin(), candidates.end());
  return cut_particles(box_, x_, n_, ListedParticles{candidates}, origin, side_, periodic_);
}


std::vector<std::array<double, 3>> tile_origins(const PeriodicBox &box, double side,
                                                double stride) {
  check_dim(box, "tile_origins");
  check_side(box, side, "tile_origins");
  if (!(stride > 0.0) || !std::isfinite(stride))
    throw std::invalid_argument("tile_origins: stride must be > 0, got " + fmt(stride));
  std::array<std::int64_t, 3> count{1, 1, 1};
  double total = 1.0;
  for (int a = 0; a < box.dim; ++a) {
    const double q = box.length[a] / stride;
    const double r = std::nearbyint(q);
    count[a] = static_cast<std::int64_t>(std::fabs(q - r) <= 1e-9 * q ? r : std::ceil(q));
    count[a] = std::max<std::int64_t>(count[a], 1);
    total *= static_cast<double>(count[a]);
  }
  if (total > 1e7)
    throw std::invalid_argument("tile_origins: stride " + fmt(stride) + " gives " + fmt(total) +
                                " windows (more than 1e7)");
  std::vector<std::array<double, 3>> origins;
  origins.reserve(static_cast<std::size_t>(total));
  for (std::int64_t iz = 0; iz < count[2]; ++iz)
    for (std::int64_t iy = 0; iy < count[1]; ++iy)
      for (std::int64_t ix = 0; ix < count[0]; ++ix) {
        std::array<double, 3> o = box.lo;
        const std::int64_t idx[3] = {ix, iy, iz};
        for (int a = 0; a < box.dim; ++a) o[a] = box.lo[a] + static_cast<double>(idx[a]) * stride;
        origins.push_back(o);
      }
  return origins;
}

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
                                fmt(window.side) + " holds " + std::to_string(n) +
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
