/* ----------------------------------------------------------------------
   ML-GLASS package for LAMMPS, KOKKOS variant: compute bgraph/kk.
   Documentation: doc/compute_bgraph.rst

   The same graph as compute bgraph (compute_bgraph.cpp), built by other means where the host
   code is sequential:
   - k nearest neighbours: each owned emitting atom keeps its best k candidates in its own rows of
     d_best_r2/d_best_tag by insertion, with KNearest's rules (knn.cpp: nearer by squared distance,
     then by smaller ID; one entry per atom ID, the nearer image; itself excluded). The selected set
     does not depend on the order of the neighbour list.
   - adjacency: i and j are linked if either chose the other; every such j (owned or ghost) lies
     in i's full neighbour list, so each owned atom scans its list once (count, scan, fill) and
     merges periodic images by ID in its own row.
   - components: the host code's union-find and label rounds, with a concurrent union-find.
------------------------------------------------------------------------- */

#include "compute_bgraph_kokkos.h"

#include "mlglass_kokkos.h"

#include "atom_kokkos.h"
#include "atom_masks.h"
#include "bgraph.h"
#include "comm.h"
#include "error.h"
#include "group.h"
#include "kokkos.h"
#include "mlglass_lammps_compat.h"
#include "neigh_list_kokkos.h"
#include "neigh_request.h"
#include "neighbor.h"
#include "update.h"

using namespace LAMMPS_NS;

namespace {

// KNearest's order (knn.h): nearer by squared distance, then smaller ID
KOKKOS_INLINE_FUNCTION bool nearer(double r2a, tagint ta, double r2b, tagint tb)
{
  return r2a < r2b || (r2a == r2b && ta < tb);
}

// root of a in the union-find parent array (no path compression: the trees stay shallow, as
// roots are hooked under smaller roots only)
template <class View> KOKKOS_INLINE_FUNCTION int find_root(const View &parent, int a)
{
  int p = parent(a);
  while (p != a) {
    a = p;
    p = parent(a);
  }
  return a;
}

// Joins the sets of a and b, safe against concurrent calls: the larger root is hooked under the
// smaller with a compare-and-swap, retried if another thread hooked that root first. Hooks only
// ever point to smaller indices, so no cycle can form and the final partition is the components.
template <class View> KOKKOS_INLINE_FUNCTION void unite(const View &parent, int a, int b)
{
  while (true) {
    int ra = find_root(parent, a), rb = find_root(parent, b);
    if (ra == rb) return;
    if (ra < rb) {
      const int t = ra;
      ra = rb;
      rb = t;
    }
    if (Kokkos::atomic_compare_exchange(&parent(ra), ra, rb) == ra) return;
    a = ra;
    b = rb;
  }
}

// Is j linked to owned i: i chose j or j chose i (out-links hold kept links only)?
template <class TagView2d, class TagView1d>
KOKKOS_INLINE_FUNCTION bool linked(const TagView2d &outtag, const TagView1d &tag, int k, int i,
                                   int j)
{
  for (int s = 0; s < k; s++)
    if (outtag(i, s) == tag(j) || outtag(j, s) == tag(i)) return true;
  return false;
}

// the five counts of reduce_metrics(), as one Kokkos reduction value
struct BGraphCounts {
  bigint c[5] = {0, 0, 0, 0, 0};
  KOKKOS_INLINE_FUNCTION BGraphCounts &operator+=(const BGraphCounts &o)
  {
    for (int v = 0; v < 5; v++) c[v] += o.c[v];
    return *this;
  }
};

}    // namespace

namespace Kokkos {
template <> struct reduction_identity<BGraphCounts> {
  KOKKOS_FORCEINLINE_FUNCTION static BGraphCounts sum() { return {}; }
};
}    // namespace Kokkos

/* ---------------------------------------------------------------------- */

template <class DeviceType>
ComputeBGraphKokkos<DeviceType>::ComputeBGraphKokkos(LAMMPS *lmp, int narg, char **arg) :
    ComputeBGraph(mlglass_require_kokkos(lmp, "Compute", "bgraph"), narg, arg),
    atomKK(dynamic_cast<AtomKokkos *>(lmp->atom))
{
  kokkosable = 1;
  execution_space = ExecutionSpaceFromDevice<DeviceType>::space;
  // the compute syncs what it reads itself (prepare())
  datamask_read = EMPTY_MASK;
  datamask_modify = EMPTY_MASK;
}

/* ---------------------------------------------------------------------- */

template <class DeviceType> void ComputeBGraphKokkos<DeviceType>::init()
{
  atomKK->sync(Host, TYPE_MASK | MASK_MASK);    // the plain init() counts B atoms on the host
  ComputeBGraph::init();

  auto *request = neighbor->find_request(this);
  request->set_kokkos_host(std::is_same<DeviceType, LMPHostType>::value &&
                           !std::is_same<DeviceType, LMPDeviceType>::value);
  request->set_kokkos_device(std::is_same<DeviceType, LMPDeviceType>::value);
}

/* ---------------------------------------------------------------------- */

template <class DeviceType> void ComputeBGraphKokkos<DeviceType>::prepare()
{
  mlglass_compat::build_occasional(neighbor, list, update->firststep == update->ntimestep);
  if (group->dynamic[igroup]) {
    atomKK->sync(Host, MASK_MASK);
    forward(MASK);
    atomKK->modified(Host, MASK_MASK);
  }
  atomKK->sync(execution_space, X_MASK | TYPE_MASK | MASK_MASK | TAG_MASK);
}

/* ----------------------------------------------------------------------
   Forward communication of one kind of per-atom data: CommKokkos forwards a compute's data
   through host buffers, so the host copy is brought up to date before and the device copy after.
------------------------------------------------------------------------- */

template <class DeviceType> void ComputeBGraphKokkos<DeviceType>::forward(CommMode mode)
{
  // the DualView this mode communicates (none for MASK: atom->mask is synced by the caller)
  auto transfer = [&](bool to_host) {
    auto move = [to_host](auto &dual) {
      if (to_host) {
        dual.template modify<DeviceType>();
        dual.template sync<LMPHostType>();
      } else {
        dual.template modify<LMPHostType>();
        dual.template sync<DeviceType>();
      }
    };
    if (mode == OUTLINKS) move(k_outtag);
    if (mode == LABELS) move(k_label);
  };
  commmode = mode;
  transfer(true);
  mlglass_compat::forward_comm(comm, this);
  transfer(false);
}

/* ---------------------------------------------------------------------- */

template <class DeviceType> void ComputeBGraphKokkos<DeviceType>::find_out_links()
{
  const int nlocal = atom->nlocal;
  const int nall = nlocal + atom->nghost;
  const int kk = k;
  const int bt = btype;
  const int gb = groupbit;
  const bool symmetric = mlglass::LinkRule(rule) == mlglass::LinkRule::symmetric;
  const double csq = cutsq;

  if (int(k_outtag.extent(0)) < nall) {
    k_outtag = tagview2d("bgraph/kk:outtag", atom->nmax, k);
    k_label = tagview1d("bgraph/kk:label", atom->nmax);
    d_parent = intview1d("bgraph/kk:parent", atom->nmax);
    d_root_min = decltype(d_root_min)("bgraph/kk:root_min", atom->nmax);
  }
  if (int(d_outidx.extent(0)) < nlocal) {
    const int n = atom->nmax;
    d_outidx = intview2d("bgraph/kk:outidx", n, k);
    d_best_r2 = decltype(d_best_r2)("bgraph/kk:best_r2", n, k);
    d_best_tag = decltype(d_best_tag)("bgraph/kk:best_tag", n, k);
    d_nbest = intview1d("bgraph/kk:nbest", n);
    d_adj_start = intview1d("bgraph/kk:adj_start", n + 1);
    d_degree = intview1d("bgraph/kk:degree", n);
  }

  auto *k_list = static_cast<NeighListKokkos<DeviceType> *>(list);
  auto d_ilist = k_list->d_ilist;
  auto d_numneigh = k_list->d_numneigh;
  auto d_neighbors = k_list->d_neighbors;
  auto x = atomKK->k_x.template view<DeviceType>();
  auto type = atomKK->k_type.template view<DeviceType>();
  auto mask = atomKK->k_mask.template view<DeviceType>();
  auto tag = atomKK->k_tag.template view<DeviceType>();
  auto outtag = k_outtag.d_view;
  auto outidx = d_outidx;
  auto best_r2 = d_best_r2;
  auto best_tag = d_best_tag;
  auto nbest = d_nbest;

  Kokkos::deep_copy(Kokkos::subview(outtag, std::make_pair(0, nall), Kokkos::ALL()), tagint(0));
  Kokkos::deep_copy(Kokkos::subview(outidx, std::make_pair(0, nlocal), Kokkos::ALL()), -1);
  Kokkos::deep_copy(Kokkos::subview(nbest, std::make_pair(0, nlocal)), 0);

  Kokkos::parallel_for(
      "bgraph/kk:knn", Kokkos::RangePolicy<DeviceType>(0, list->inum), LAMMPS_LAMBDA(int ii) {
        const int i = d_ilist(ii);
        const bool i_b = type(i) == bt;
        if (!(mask(i) & gb) || !(symmetric || i_b)) return;
        const tagint ti = tag(i);
        int n = 0;
        const int jnum = d_numneigh(i);
        for (int jj = 0; jj < jnum; jj++) {
          const int j = d_neighbors(i, jj) & NEIGHMASK;
          if (!(mask(j) & gb)) continue;
          const double dx = x(j, 0) - x(i, 0);
          const double dy = x(j, 1) - x(i, 1);
          const double dz = x(j, 2) - x(i, 2);
          const double r2 = dx * dx + dy * dy + dz * dz;
          if (r2 > csq) continue;
          const tagint tj = tag(j);
          if (tj == ti) continue;
          // another image of an atom already held: keep the nearer one
          int held = -1;
          for (int s = 0; s < n; s++)
            if (best_tag(i, s) == tj) held = s;
          if (held >= 0) {
            if (!nearer(r2, tj, best_r2(i, held), tj)) continue;
            for (int s = held; s + 1 < n; s++) {
              best_r2(i, s) = best_r2(i, s + 1);
              best_tag(i, s) = best_tag(i, s + 1);
              outidx(i, s) = outidx(i, s + 1);
            }
            n--;
          }
          if (n == kk && !nearer(r2, tj, best_r2(i, n - 1), best_tag(i, n - 1))) continue;
          // insert after every held candidate that is not farther (upper bound)
          int p = n < kk ? n : kk - 1;
          while (p > 0 && nearer(r2, tj, best_r2(i, p - 1), best_tag(i, p - 1))) {
            best_r2(i, p) = best_r2(i, p - 1);
            best_tag(i, p) = best_tag(i, p - 1);
            outidx(i, p) = outidx(i, p - 1);
            p--;
          }
          best_r2(i, p) = r2;
          best_tag(i, p) = tj;
          outidx(i, p) = j;
          if (n < kk) n++;
        }
        nbest(i) = n;
        // the rule's links; outidx keeps the chosen image of a kept link only
        for (int s = 0; s < kk; s++) {
          const bool kept = s < n && (i_b || type(outidx(i, s)) == bt);
          outtag(i, s) = kept ? best_tag(i, s) : 0;
          if (!kept) outidx(i, s) = -1;
        }
      });

  // an emitting atom with fewer than k neighbours within the cutoff: the plain compute's error
  tagint short_id = MAXTAGINT;
  Kokkos::parallel_reduce(
      "bgraph/kk:short", Kokkos::RangePolicy<DeviceType>(0, nlocal),
      LAMMPS_LAMBDA(int i, tagint &m) {
        const bool emits = (mask(i) & gb) && (symmetric || type(i) == bt);
        if (emits && nbest(i) < kk && tag(i) < m) m = tag(i);
      },
      Kokkos::Min<tagint>(short_id));
  int short_count = 0;
  if (short_id != MAXTAGINT) {
    auto h_nbest = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), nbest);
    atomKK->sync(Host, TAG_MASK);
    for (int i = 0; i < nlocal; i++)
      if (atom->tag[i] == short_id) short_count = h_nbest(i);
  }
  error_short(short_id, short_count);

  forward(OUTLINKS);
}

/* ---------------------------------------------------------------------- */

template <class DeviceType> void ComputeBGraphKokkos<DeviceType>::build_adjacency()
{
  const int nlocal = atom->nlocal;
  const int kk = k;
  const int gb = groupbit;

  auto *k_list = static_cast<NeighListKokkos<DeviceType> *>(list);
  auto d_numneigh = k_list->d_numneigh;
  auto d_neighbors = k_list->d_neighbors;
  auto mask = atomKK->k_mask.template view<DeviceType>();
  auto tag = atomKK->k_tag.template view<DeviceType>();
  auto outtag = k_outtag.d_view;
  auto start = d_adj_start;
  auto deg = d_degree;

  Kokkos::parallel_for(
      "bgraph/kk:count", Kokkos::RangePolicy<DeviceType>(0, nlocal), LAMMPS_LAMBDA(int i) {
        int c = 0;
        if (mask(i) & gb) {
          const int jnum = d_numneigh(i);
          for (int jj = 0; jj < jnum; jj++) {
            const int j = d_neighbors(i, jj) & NEIGHMASK;
            if ((mask(j) & gb) && linked(outtag, tag, kk, i, j)) c++;
          }
        }
        deg(i) = c;
      });
  int total = 0;
  Kokkos::parallel_scan(
      "bgraph/kk:scan", Kokkos::RangePolicy<DeviceType>(0, nlocal),
      LAMMPS_LAMBDA(int i, int &update, bool final) {
        if (final) start(i) = update;
        update += deg(i);
      },
      total);
  if (int(d_adj.extent(0)) < total) d_adj = intview1d("bgraph/kk:adj", total);
  auto adj = d_adj;

  // fill each row, sort it by ID (insertion sort: a row holds a few links) and keep one image
  // per atom ID; the row's length becomes the degree
  Kokkos::parallel_for(
      "bgraph/kk:fill", Kokkos::RangePolicy<DeviceType>(0, nlocal), LAMMPS_LAMBDA(int i) {
        if (deg(i) == 0) return;
        const int s0 = start(i);
        int n = 0;
        const int jnum = d_numneigh(i);
        for (int jj = 0; jj < jnum; jj++) {
          const int j = d_neighbors(i, jj) & NEIGHMASK;
          if (!((mask(j) & gb) && linked(outtag, tag, kk, i, j))) continue;
          int p = n++;
          while (p > 0 && tag(adj(s0 + p - 1)) > tag(j)) {
            adj(s0 + p) = adj(s0 + p - 1);
            p--;
          }
          adj(s0 + p) = j;
        }
        int w = 0;
        for (int s = 0; s < n; s++)
          if (w == 0 || tag(adj(s0 + s)) != tag(adj(s0 + w - 1))) adj(s0 + w++) = adj(s0 + s);
        deg(i) = w;
      });
}

/* ---------------------------------------------------------------------- */

template <class DeviceType> void ComputeBGraphKokkos<DeviceType>::resolve_components()
{
  const int nlocal = atom->nlocal;
  const int nall = nlocal + atom->nghost;
  auto tag = atomKK->k_tag.template view<DeviceType>();
  auto parent = d_parent;
  auto root_min = d_root_min;
  auto start = d_adj_start;
  auto deg = d_degree;
  auto adj = d_adj;
  auto lab = k_label.d_view;

  Kokkos::parallel_for(
      "bgraph/kk:uf_init", Kokkos::RangePolicy<DeviceType>(0, nall), LAMMPS_LAMBDA(int a) {
        parent(a) = a;
        lab(a) = (a < nlocal && deg(a) > 0) ? tag(a) : 0;
      });
  Kokkos::parallel_for(
      "bgraph/kk:unite", Kokkos::RangePolicy<DeviceType>(0, nlocal), LAMMPS_LAMBDA(int i) {
        for (int s = start(i); s < start(i) + deg(i); s++) unite(parent, i, adj(s));
      });

  while (true) {
    forward(LABELS);
    Kokkos::deep_copy(Kokkos::subview(root_min, std::make_pair(0, nall)), MAXTAGINT);
    Kokkos::parallel_for(
        "bgraph/kk:root_min", Kokkos::RangePolicy<DeviceType>(0, nall), LAMMPS_LAMBDA(int a) {
          if (lab(a) != 0) Kokkos::atomic_min(&root_min(find_root(parent, a)), lab(a));
        });
    int changed = 0;
    Kokkos::parallel_reduce(
        "bgraph/kk:relabel", Kokkos::RangePolicy<DeviceType>(0, nlocal),
        LAMMPS_LAMBDA(int i, int &c) {
          if (deg(i) == 0) return;
          const tagint m = root_min(find_root(parent, i));
          if (m < lab(i)) {
            lab(i) = m;
            c++;
          }
        },
        changed);
    int any = 0;
    MPI_Allreduce(&changed, &any, 1, MPI_INT, MPI_MAX, world);
    if (!any) break;
  }

  // the per-atom array and largest_component() read the owned atoms' results on the host
  k_label.template modify<DeviceType>();
  k_label.template sync<LMPHostType>();
  auto h_degree = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), deg);
  label.assign(k_label.h_view.data(), k_label.h_view.data() + nlocal);
  degree.assign(h_degree.data(), h_degree.data() + nlocal);
  for (int i = 0; i < nlocal; i++) {
    components[i][0] = double(label[i]);
    components[i][1] = double(degree[i]);
  }
}

/* ---------------------------------------------------------------------- */

template <class DeviceType> void ComputeBGraphKokkos<DeviceType>::reduce_metrics()
{
  const int nlocal = atom->nlocal;
  const int bt = btype;
  const int gb = groupbit;
  auto type = atomKK->k_type.template view<DeviceType>();
  auto mask = atomKK->k_mask.template view<DeviceType>();
  auto tag = atomKK->k_tag.template view<DeviceType>();
  auto start = d_adj_start;
  auto deg = d_degree;
  auto adj = d_adj;
  auto lab = k_label.d_view;

  BGraphCounts counts;
  Kokkos::parallel_reduce(
      "bgraph/kk:counts", Kokkos::RangePolicy<DeviceType>(0, nlocal),
      LAMMPS_LAMBDA(int i, BGraphCounts &c) {
        if (!(mask(i) & gb)) return;
        const bool i_b = type(i) == bt;
        if (deg(i) == 0) {
          c.c[i_b ? 3 : 2]++;
          return;
        }
        if (lab(i) == tag(i)) c.c[0]++;
        for (int s = start(i); s < start(i) + deg(i); s++) {
          const int j = adj(s);
          if (tag(j) < tag(i)) continue;    // each link once, by its smaller-ID end
          c.c[4]++;
          if (i_b && type(j) == bt) c.c[1]++;
        }
      },
      counts);
  finish_metrics(counts.c);
}

/* ---------------------------------------------------------------------- */

template <class DeviceType>
int ComputeBGraphKokkos<DeviceType>::pack_forward_comm(int n, int *sendlist, double *buf,
                                                       int /*pbc_flag*/, int * /*pbc*/)
{
  int m = 0;
  if (commmode == OUTLINKS) {
    auto h = k_outtag.h_view;
    for (int i = 0; i < n; i++)
      for (int s = 0; s < k; s++) buf[m++] = ubuf(h(sendlist[i], s)).d;
  } else if (commmode == LABELS) {
    auto h = k_label.h_view;
    for (int i = 0; i < n; i++) buf[m++] = ubuf(h(sendlist[i])).d;
  } else {
    for (int i = 0; i < n; i++) buf[m++] = ubuf(atom->mask[sendlist[i]]).d;
  }
  return m;
}

template <class DeviceType>
void ComputeBGraphKokkos<DeviceType>::unpack_forward_comm(int n, int first, double *buf)
{
  int m = 0;
  const int last = first + n;
  if (commmode == OUTLINKS) {
    auto h = k_outtag.h_view;
    for (int i = first; i < last; i++)
      for (int s = 0; s < k; s++) h(i, s) = (tagint) ubuf(buf[m++]).i;
  } else if (commmode == LABELS) {
    auto h = k_label.h_view;
    for (int i = first; i < last; i++) h(i) = (tagint) ubuf(buf[m++]).i;
  } else {
    for (int i = first; i < last; i++) atom->mask[i] = (int) ubuf(buf[m++]).i;
  }
}

/* ---------------------------------------------------------------------- */

template <class DeviceType> double ComputeBGraphKokkos<DeviceType>::memory_usage()
{
  double bytes = ComputeBGraph::memory_usage();
  bytes += double(k_outtag.extent(0)) * k * sizeof(tagint) * 2;
  bytes += double(k_label.extent(0)) * (2 * sizeof(tagint) + sizeof(int));
  bytes += double(d_outidx.extent(0)) * k * (sizeof(int) + sizeof(double) + sizeof(tagint));
  bytes += double(d_nbest.extent(0)) * 3 * sizeof(int) + double(d_adj.extent(0)) * sizeof(int);
  return bytes;
}

namespace LAMMPS_NS {
template class ComputeBGraphKokkos<LMPDeviceType>;
#ifdef LMP_KOKKOS_GPU
template class ComputeBGraphKokkos<LMPHostType>;
#endif
}    // namespace LAMMPS_NS
