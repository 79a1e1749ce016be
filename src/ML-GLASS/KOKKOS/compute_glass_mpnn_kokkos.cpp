/* ----------------------------------------------------------------------
   ML-GLASS package for LAMMPS, KOKKOS variant: compute glass/mpnn/kk.
   Documentation: doc/compute_glass_mpnn.rst

   The graphs of the core library (window_graph.cpp: cut_window, knn_graph, batch_into), built
   by other means where the host code is sequential, with the same arithmetic:
   - membership: each window tests every held atom with cut_window's displacement and wrapping
     (O(windows x held atoms); the host code bins the atoms into cells first);
   - kNN: each node compares itself with every member of its window, KNearest's order (nearer by
     squared distance, then by smaller ID);
   - links: node v's row holds its k choices and every node that chose it (atomic cursors), then
     is sorted and deduplicated; rows in node order are the edges in (source, destination) order;
     the reverse of v -> t is v's position in row t; the distance is computed from the smaller
     node to the larger, as the host code does once per link.
   Node and edge numbers are relative to the model call (`batch` windows each), so each call reads
   contiguous slices of the views in place.
------------------------------------------------------------------------- */

#include "compute_glass_mpnn_kokkos.h"

#include "mlglass_kokkos.h"

#include "glass_classifier.h"
#include "window_graph.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>

using namespace LAMMPS_NS;

namespace {

// cell_list.h's wrap_periodic: d wrapped into [0, L)
KOKKOS_INLINE_FUNCTION double wrap_periodic(double d, double L)
{
  if (d >= 0.0 && d < L) return d;
  d -= L * Kokkos::floor(d / L);
  if (d < 0.0) d += L;
  if (d >= L) d -= L;
  if (d >= L || d < 0.0) d = 0.0;
  return d;
}

// The window geometry of cut_window (windows.cpp) for a box periodic along its dim axes:
// `wrap` = periodic windows (displacement wrapped into [0, L)), else the particle is mapped into
// the box first and the displacement is not wrapped.
struct WindowGeometry {
  int dim;
  bool wrap;
  double side, lo[3], L[3];

  // Is the particle at p a member of the window at o? d receives its displacement; nan is set
  // when a coordinate is not finite (cut_window throws for it).
  KOKKOS_INLINE_FUNCTION bool member(const double p[3], const double o[3], double d[3],
                                     bool &nan) const
  {
    bool in = true;
    d[0] = d[1] = d[2] = 0.0;
    for (int a = 0; a < dim; a++) {
      double v = p[a] - o[a];
      if (wrap) {
        // cut_wrapped's fast path: one period added to a negative displacement, else the full wrap
        double f = v + L[a] * static_cast<double>(v < 0.0);
        if (!(f >= 0.0) || !(f < L[a])) f = wrap_periodic(v, L[a]);
        v = f;
        in = in && v < side;
      } else {
        const double s = p[a] - lo[a];
        if (!(s >= 0.0 && s < L[a])) v -= L[a] * Kokkos::floor(s / L[a]);
        in = in && v >= 0.0 && v < side;
      }
      if (Kokkos::isnan(v)) nan = true;
      d[a] = v;
    }
    return in;
  }
};

template <class T, class Device> using KView = Kokkos::View<T, Kokkos::LayoutRight, Device>;

KOKKOS_INLINE_FUNCTION bool nearer(double r2a, std::int64_t ia, double r2b, std::int64_t ib)
{
  return r2a < r2b || (r2a == r2b && ia < ib);
}

}    // namespace

/* ---------------------------------------------------------------------- */

template <class DeviceType>
ComputeGlassMPNNKokkos<DeviceType>::ComputeGlassMPNNKokkos(LAMMPS *lmp, int narg, char **arg) :
    ComputeGlassMPNN(mlglass_require_kokkos(lmp, "Compute", "glass/mpnn"), narg, arg)
{
  // The held atoms are gathered on the host as by the plain compute (datamask_read: Modify syncs
  // them); the graphs are built in DeviceType's space.
  kokkosable = 1;
}

/* ---------------------------------------------------------------------- */

template <class DeviceType>
std::vector<mlglass::WindowP>
ComputeGlassMPNNKokkos<DeviceType>::classify_owned(const mlglass::TileGrid &grid,
                                                   const std::vector<std::int64_t> &mine)
{
  using Exec = typename DeviceType::execution_space;
  using Mem = typename DeviceType::memory_space;
  using Policy = Kokkos::RangePolicy<Exec>;
  using Host = Kokkos::HostSpace;
  using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;

  const int nw = int(mine.size());
  if (nw == 0) return {};
  const mlglass::GraphOptions &g = classifier->info().graph;
  const mlglass::TileOptions opts = tile_options();
  const mlglass::PeriodicBox box = box_of_domain();
  const int natoms = int(held_tag.size());
  const int kk = g.k;
  const int ntypes = g.ntypes;
  const int batch_n = opts.batch;
  const bool onehot = g.features == mlglass::NodeFeatures::type_onehot;
  const int node_dim = mlglass::node_feature_dim(g.features, ntypes, box.dim);
  WindowGeometry geo;
  geo.dim = box.dim;
  geo.wrap = g.window.periodic;
  geo.side = grid.side();
  for (int a = 0; a < 3; a++) {
    geo.lo[a] = box.lo[a];
    geo.L[a] = box.length[a];
  }
  const double inv_side = 1.0 / geo.side;

  // the held atoms and the windows' origins in this memory space (host spaces: no copy)
  auto x = Kokkos::create_mirror_view_and_copy(
      Mem(), Kokkos::View<const double *, Host, Unmanaged>(held_x.data(), held_x.size()));
  auto type = Kokkos::create_mirror_view_and_copy(
      Mem(), Kokkos::View<const int *, Host, Unmanaged>(held_type.data(), held_type.size()));
  auto tag = Kokkos::create_mirror_view_and_copy(
      Mem(), Kokkos::View<const std::int64_t *, Host, Unmanaged>(held_tag.data(), held_tag.size()));
  Kokkos::View<double *, Host> h_origin("glass/mpnn/kk:origins", 3 * size_t(nw));
  for (int w = 0; w < nw; w++) {
    const auto o = grid.origin(mine[w]);
    for (int a = 0; a < 3; a++) h_origin(3 * w + a) = o[a];
  }
  auto origin = Kokkos::create_mirror_view_and_copy(Mem(), h_origin);

  // membership counts, then node numbers: windows in order, members in held (ID) order
  KView<int *, DeviceType> count("glass/mpnn/kk:count", nw);
  KView<int, DeviceType> first_nan("glass/mpnn/kk:nan");
  Kokkos::deep_copy(first_nan, natoms);
  Kokkos::parallel_for(
      "glass/mpnn/kk:count", Policy(0, nw), KOKKOS_LAMBDA(int w) {
        const double o[3] = {origin(3 * w), origin(3 * w + 1), origin(3 * w + 2)};
        int c = 0;
        for (int i = 0; i < natoms; i++) {
          const double p[3] = {x(3 * i), x(3 * i + 1), x(3 * i + 2)};
          double d[3];
          bool nan = false;
          if (geo.member(p, o, d, nan)) c++;
          if (nan) Kokkos::atomic_min(&first_nan(), i);
        }
        count(w) = c;
      });
  auto h_nan = Kokkos::create_mirror_view_and_copy(Host(), first_nan);
  if (h_nan() < natoms)
    throw std::invalid_argument("cut_window: particle " + std::to_string(h_nan()) +
                                " has a non-finite coordinate");
  KView<int *, DeviceType> node_off("glass/mpnn/kk:node_off", nw + 1);
  Kokkos::parallel_scan(
      "glass/mpnn/kk:node_scan", Policy(0, nw + 1), KOKKOS_LAMBDA(int w, int &sum, bool final) {
        if (final) node_off(w) = sum;
        if (w < nw) sum += count(w);
      });
  auto h_node_off = Kokkos::create_mirror_view_and_copy(Host(), node_off);
  for (int w = 0; w < nw; w++)
    mlglass::check_window_size(grid, box, mine[w], size_t(h_node_off(w + 1) - h_node_off(w)), kk);
  const int nn = h_node_off(nw);

  // nodes: member, displacement, ID, features, window, graph number within the model call
  KView<int *, DeviceType> member("glass/mpnn/kk:member", nn),
      window_of("glass/mpnn/kk:window", nn);
  KView<double **, DeviceType> local("glass/mpnn/kk:local", nn, 3);
  KView<std::int64_t *, DeviceType> ids("glass/mpnn/kk:ids", nn),
      node_graph("glass/mpnn/kk:node_graph", nn);
  KView<float **, DeviceType> feat("glass/mpnn/kk:x", nn, node_dim);
  KView<int, DeviceType> bad_type("glass/mpnn/kk:bad_type");
  Kokkos::deep_copy(bad_type, nn);
  Kokkos::parallel_for(
      "glass/mpnn/kk:nodes", Policy(0, nw), KOKKOS_LAMBDA(int w) {
        const double o[3] = {origin(3 * w), origin(3 * w + 1), origin(3 * w + 2)};
        int n = node_off(w);
        const int call_first = (w / batch_n) * batch_n;
        for (int i = 0; i < natoms; i++) {
          const double p[3] = {x(3 * i), x(3 * i + 1), x(3 * i + 2)};
          double d[3];
          bool nan = false;
          if (!geo.member(p, o, d, nan)) continue;
          member(n) = i;
          window_of(n) = w;
          node_graph(n) = w - call_first;
          ids(n) = tag(i);
          for (int a = 0; a < 3; a++) local(n, a) = d[a];
          const int t = type(i);
          for (int c = 0; c < node_dim; c++) feat(n, c) = 0.0f;
          if (t < 1 || t > ntypes) {
            Kokkos::atomic_min(&bad_type(), n);
          } else if (onehot) {
            feat(n, t - 1) = 1.0f;
          } else {
            feat(n, 0) = static_cast<float>(t);
            for (int a = 0; a < geo.dim; a++) feat(n, 1 + a) = static_cast<float>(d[a] * inv_side);
          }
          n++;
        }
      });
  auto h_bad = Kokkos::create_mirror_view_and_copy(Host(), bad_type);
  if (h_bad() < nn) {
    auto h_member = Kokkos::create_mirror_view_and_copy(Host(), member);
    const int i = h_member(h_bad());
    throw std::invalid_argument("knn_graph: particle id " + std::to_string(held_tag[i]) +
                                " has type " + std::to_string(held_type[i]) + ", outside 1.." +
                                std::to_string(ntypes));
  }

  // the k nearest members of each node's window; in-degrees for the rows
  KView<int **, DeviceType> nb("glass/mpnn/kk:nb", nn, kk);
  KView<double **, DeviceType> nb_r2("glass/mpnn/kk:nb_r2", nn, kk);
  KView<int *, DeviceType> indeg("glass/mpnn/kk:indeg", nn);
  Kokkos::parallel_for(
      "glass/mpnn/kk:knn", Policy(0, nn), KOKKOS_LAMBDA(int v) {
        const int w = window_of(v);
        int n = 0;
        for (int j = node_off(w); j < node_off(w + 1); j++) {
          if (ids(j) == ids(v)) continue;
          const double dx = local(j, 0) - local(v, 0);
          const double dy = local(j, 1) - local(v, 1);
          const double dz = local(j, 2) - local(v, 2);
          const double r2 = dx * dx + dy * dy + dz * dz;
          if (n == kk && !nearer(r2, ids(j), nb_r2(v, n - 1), ids(nb(v, n - 1)))) continue;
          int p = n < kk ? n : kk - 1;
          while (p > 0 && nearer(r2, ids(j), nb_r2(v, p - 1), ids(nb(v, p - 1)))) {
            nb_r2(v, p) = nb_r2(v, p - 1);
            nb(v, p) = nb(v, p - 1);
            p--;
          }
          nb_r2(v, p) = r2;
          nb(v, p) = j;
          if (n < kk) n++;
        }
        for (int s = 0; s < kk; s++) Kokkos::atomic_add(&indeg(nb(v, s)), 1);
      });

  // rows: k choices, then the choosers; sorted, deduplicated; their lengths are the edge counts
  KView<int *, DeviceType> row_start("glass/mpnn/kk:row_start", nn + 1);
  Kokkos::parallel_scan(
      "glass/mpnn/kk:row_scan", Policy(0, nn + 1), KOKKOS_LAMBDA(int v, int &sum, bool final) {
        if (final) row_start(v) = sum;
        if (v < nn) sum += kk + indeg(v);
      });
  int row_total = 0;
  Kokkos::deep_copy(row_total, Kokkos::subview(row_start, nn));
  KView<int *, DeviceType> row("glass/mpnn/kk:row", row_total), cursor("glass/mpnn/kk:cursor", nn);
  Kokkos::parallel_for(
      "glass/mpnn/kk:rows", Policy(0, nn), KOKKOS_LAMBDA(int v) {
        for (int s = 0; s < kk; s++) {
          row(row_start(v) + s) = nb(v, s);
          const int t = nb(v, s);
          row(row_start(t) + kk + Kokkos::atomic_fetch_add(&cursor(t), 1)) = v;
        }
      });
  KView<int *, DeviceType> row_len("glass/mpnn/kk:row_len", nn);
  Kokkos::parallel_for(
      "glass/mpnn/kk:sort", Policy(0, nn), KOKKOS_LAMBDA(int v) {
        const int b = row_start(v), e = row_start(v + 1);
        for (int s = b + 1; s < e; s++) {
          const int val = row(s);
          int q = s;
          for (; q > b && row(q - 1) > val; q--) row(q) = row(q - 1);
          row(q) = val;
        }
        int m = b;
        for (int s = b; s < e; s++)
          if (s == b || row(s) != row(m - 1)) row(m++) = row(s);
        row_len(v) = m - b;
      });
  KView<std::int64_t *, DeviceType> edge_off("glass/mpnn/kk:edge_off", nn + 1);
  Kokkos::parallel_scan(
      "glass/mpnn/kk:edge_scan", Policy(0, nn + 1),
      KOKKOS_LAMBDA(int v, std::int64_t &sum, bool final) {
        if (final) edge_off(v) = sum;
        if (v < nn) sum += row_len(v);
      });
  std::int64_t ne = 0;
  Kokkos::deep_copy(ne, Kokkos::subview(edge_off, nn));

  // edges, numbered within their model call
  KView<std::int64_t *, DeviceType> src("glass/mpnn/kk:src", ne), dst("glass/mpnn/kk:dst", ne),
      rev("glass/mpnn/kk:rev", ne);
  KView<float **, DeviceType> dist("glass/mpnn/kk:e", ne, 1);
  Kokkos::parallel_for(
      "glass/mpnn/kk:edges", Policy(0, nn), KOKKOS_LAMBDA(int v) {
        const int first = node_off((window_of(v) / batch_n) * batch_n);
        const std::int64_t first_edge = edge_off(first);
        for (int q = 0; q < row_len(v); q++) {
          const std::int64_t b = edge_off(v) + q;
          const int t = row(row_start(v) + q);
          src(b) = v - first;
          dst(b) = t - first;
          int r = 0;    // v's place in row t
          while (row(row_start(t) + r) != v) r++;
          rev(b) = edge_off(t) + r - first_edge;
          const int lo = v < t ? v : t, hi = v < t ? t : v;
          const double dx = local(hi, 0) - local(lo, 0);
          const double dy = local(hi, 1) - local(lo, 1);
          const double dz = local(hi, 2) - local(lo, 2);
          dist(b, 0) = static_cast<float>(Kokkos::sqrt(dx * dx + dy * dy + dz * dz));
        }
      });
  Kokkos::fence();

  // model calls of `batch` windows, on slices of the views
  const bool host_memory =
      Kokkos::SpaceAccessibility<Kokkos::DefaultHostExecutionSpace, Mem>::accessible;
  int cuda_device = -1;
  if (!host_memory) cuda_device = Kokkos::device_id();
  auto h_edge_off = Kokkos::create_mirror_view_and_copy(Host(), edge_off);
  auto h_member = Kokkos::create_mirror_view_and_copy(Host(), member);
  std::vector<mlglass::WindowP> result(nw);
  std::vector<double> node_attention;
  for (int fw = 0; fw < nw; fw += batch_n) {
    const int lw = std::min(nw, fw + batch_n);
    const std::int64_t n0 = h_node_off(fw), n1 = h_node_off(lw);
    const std::int64_t e0 = h_edge_off(n0), e1 = h_edge_off(n1);
    mlglass::GraphArrays arrays;
    arrays.n_graphs = lw - fw;
    arrays.n_nodes = n1 - n0;
    arrays.n_edges = e1 - e0;
    arrays.node_dim = node_dim;
    arrays.edge_dim = 1;
    arrays.x = feat.data() + n0 * node_dim;
    arrays.e = dist.data() + e0;
    arrays.src = src.data() + e0;
    arrays.dst = dst.data() + e0;
    arrays.rev = rev.data() + e0;
    arrays.node_graph = node_graph.data() + n0;
    arrays.cuda_device = cuda_device;
    const auto p = classifier->classify(arrays, opts.attention ? &node_attention : nullptr);
    for (int w = fw; w < lw; w++) {
      const int a = h_node_off(w), b = h_node_off(w + 1);
      mlglass::WindowP &r = result[w];
      r.window = mine[w];
      r.p = mlglass::checked_p(*classifier, grid, box, mine[w], size_t(b - a), p[w - fw]);
      r.members.assign(h_member.data() + a, h_member.data() + b);
      if (opts.attention)
        r.attention.assign(node_attention.begin() + (a - n0), node_attention.begin() + (b - n0));
    }
  }
  return result;
}

namespace LAMMPS_NS {
template class ComputeGlassMPNNKokkos<LMPDeviceType>;
#ifdef LMP_KOKKOS_GPU
template class ComputeGlassMPNNKokkos<LMPHostType>;
#endif
}    // namespace LAMMPS_NS
