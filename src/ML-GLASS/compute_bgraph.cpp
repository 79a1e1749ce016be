/* ----------------------------------------------------------------------
   ML-GLASS package for LAMMPS: compute bgraph. Documentation: doc/compute_bgraph.rst
------------------------------------------------------------------------- */

#include "compute_bgraph.h"

#include "bgraph.h"
#include "knn.h"
#include "mlglass_lammps_compat.h"
#include "union_find.h"

#include "atom.h"
#include "atom_masks.h"
#include "comm.h"
#include "domain.h"
#include "error.h"
#include "force.h"
#include "group.h"
#include "memory.h"
#include "neigh_list.h"
#include "neighbor.h"
#include "pair.h"
#include "update.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

using namespace LAMMPS_NS;

/* ---------------------------------------------------------------------- */

ComputeBGraph::ComputeBGraph(LAMMPS *lmp, int narg, char **arg) :
    Compute(lmp, narg, arg), btype(2), k(2), rule(int(mlglass::LinkRule::paper)), normalize(0),
    cutoff(0.0), cutsq(0.0), list(nullptr), nmax(0), components(nullptr), commmode(LABELS),
    evaluated_step(-1), evaluated_flag(0)
{
  if (atom->tag_enable == 0) error->all(FLERR, "Compute bgraph requires atom IDs");

  int iarg = 3;
  while (iarg < narg) {
    const std::string key = arg[iarg];
    if (iarg + 1 >= narg) error->all(FLERR, "Compute bgraph: missing value for keyword '{}'", key);
    const char *value = arg[iarg + 1];
    if (key == "btype") {
      btype = utils::inumeric(FLERR, value, false, lmp);
      if (btype < 1 || btype > atom->ntypes)
        error->all(FLERR, "Compute bgraph: btype {} is out of range (1-{})", btype, atom->ntypes);
    } else if (key == "k") {
      k = utils::inumeric(FLERR, value, false, lmp);
      if (k < 1) error->all(FLERR, "Compute bgraph: k must be >= 1, got {}", k);
    } else if (key == "rule") {
      try {
        rule = int(mlglass::parse_link_rule(value));
      } catch (std::exception &e) {
        error->all(FLERR, "Compute bgraph: {}", e.what());
      }
    } else if (key == "cutoff") {
      cutoff = utils::numeric(FLERR, value, false, lmp);
      if (cutoff <= 0.0) error->all(FLERR, "Compute bgraph: cutoff must be > 0, got {}", value);
    } else if (key == "normalize") {
      normalize = mlglass_compat::logical(lmp, "Compute bgraph", key, value) ? 1 : 0;
    } else {
      error->all(
          FLERR,
          "Compute bgraph: unknown keyword '{}' (expected btype, k, rule, cutoff, normalize)", key);
    }
    iarg += 2;
  }

  vector_flag = 1;
  size_vector = mlglass::BGraphMetrics::count;
  extvector = 0;    // counts are reported as they are; `normalize yes` gives per-atom fractions
  vector = new double[size_vector]();

  peratom_flag = 1;
  size_peratom_cols = 2;

  comm_forward = std::max(k, 1);

  // -k on: a plain (host) compute reading positions, types, groups and IDs; it changes nothing
  execution_space = Host;
  datamask_read = X_MASK | TYPE_MASK | MASK_MASK | TAG_MASK;
  datamask_modify = EMPTY_MASK;
}

/* ---------------------------------------------------------------------- */

ComputeBGraph::~ComputeBGraph()
{
  delete[] vector;
  memory->destroy(components);
}

/* ---------------------------------------------------------------------- */

void ComputeBGraph::init()
{
  // The list is always requested with one cutoff for all type pairs: without it LAMMPS would use
  // each type pair's own pair cutoff and could miss a nearest neighbour of a short-ranged pair.
  double search_cutoff = cutoff;
  if (cutoff == 0.0) {
    if (force->pair == nullptr)
      error->all(FLERR, "Compute bgraph needs a pair style or the cutoff keyword");
    search_cutoff = force->pair->cutforce;
  } else {
    // Comm and Neighbor are initialised after computes, so derive the ghost cutoff they will use.
    const double pair_cut = force->pair ? force->pair->cutforce : 0.0;
    const double comm_cutoff = std::max(comm->cutghostuser, pair_cut + neighbor->skin);
    if (cutoff + neighbor->skin > comm_cutoff)
      error->all(FLERR,
                 "Compute bgraph: cutoff {} plus neighbor skin {} exceeds the communication "
                 "cutoff {}; use comm_modify cutoff",
                 cutoff, neighbor->skin, comm_cutoff);
  }
  cutsq = search_cutoff * search_cutoff;

  mlglass_compat::request_occasional_full(neighbor, this, instance_me, search_cutoff);

  // The graph needs B particles and enough group atoms to have k neighbours each. A dynamic
  // group's members are known only once the run has updated them (its masks are still empty
  // before its first run): each evaluation checks the neighbour count instead.
  if (group->dynamic[igroup]) return;
  bigint nb_local = 0, nb = 0;
  for (int i = 0; i < atom->nlocal; i++)
    if (in_group(i) && atom->type[i] == btype) nb_local++;
  MPI_Allreduce(&nb_local, &nb, 1, MPI_LMP_BIGINT, MPI_SUM, world);
  if (nb == 0)
    error->all(FLERR, "Compute bgraph: group {} has no atoms of btype {}", group->names[igroup],
               btype);
  if (group->count(igroup) <= k)
    error->all(FLERR, "Compute bgraph: group {} has {} atoms, need more than k = {}",
               group->names[igroup], group->count(igroup), k);
}

/* ---------------------------------------------------------------------- */

void ComputeBGraph::init_list(int /*id*/, NeighList *ptr)
{
  list = ptr;
}

/* ---------------------------------------------------------------------- */

void ComputeBGraph::compute_vector()
{
  invoked_vector = update->ntimestep;
  evaluate(INVOKED_VECTOR);
}

void ComputeBGraph::compute_peratom()
{
  invoked_peratom = update->ntimestep;
  evaluate(INVOKED_PERATOM);
}

/* ----------------------------------------------------------------------
   One evaluation serves both the global vector and the per-atom array of the same output pass:
   LAMMPS clears invoked_flag before every pass, so a set bit of the other kind means the atoms
   have not moved since.
------------------------------------------------------------------------- */

void ComputeBGraph::evaluate(int caller_flag)
{
  if (evaluated_step == update->ntimestep && (invoked_flag & evaluated_flag) &&
      evaluated_flag != caller_flag)
    return;

  if (atom->nmax > nmax) {
    memory->destroy(components);
    nmax = atom->nmax;
    memory->create(components, nmax, 2, "bgraph:components");
    array_atom = components;
  }

  prepare();
  find_out_links();
  build_adjacency();
  resolve_components();
  reduce_metrics();

  evaluated_step = update->ntimestep;
  evaluated_flag = caller_flag;
}

/* ----------------------------------------------------------------------
   Current positions, neighbour list and (dynamic group) ghost masks on the host.
------------------------------------------------------------------------- */

void ComputeBGraph::prepare()
{
  mlglass_compat::kokkos_host_read(lmp, datamask_read);
  mlglass_compat::build_occasional(neighbor, list, update->firststep == update->ntimestep);

  if (group->dynamic[igroup]) {
    commmode = MASK;
    mlglass_compat::forward_comm(comm, this);
  }
}

/* ----------------------------------------------------------------------
   Each owned emitting atom picks its k nearest group atoms within the cutoff, with the core
   library's ordering (distance, then atom ID; periodic images of one atom count once), keeps the
   links the rule keeps, and shares the chosen IDs with its ghost images.
------------------------------------------------------------------------- */

void ComputeBGraph::find_out_links()
{
  const int nlocal = atom->nlocal;
  const int nall = nlocal + atom->nghost;
  double **x = atom->x;
  tagint *tag = atom->tag;
  const auto link_rule = mlglass::LinkRule(rule);

  outtag.assign(size_t(nall) * k, 0);
  outidx.assign(size_t(nlocal) * k, -1);
  tagint short_id = MAXTAGINT;
  int short_count = 0;
  mlglass::KNearest nearest(k, 0);

  for (int ii = 0; ii < list->inum; ii++) {
    const int i = list->ilist[ii];
    if (!in_group(i) || !mlglass::emits_links(link_rule, is_b(i))) continue;
    nearest.reset(tag[i]);
    const int *jlist = list->firstneigh[i];
    const int jnum = list->numneigh[i];
    for (int jj = 0; jj < jnum; jj++) {
      const int j = jlist[jj] & NEIGHMASK;
      if (!in_group(j)) continue;
      const double dx = x[j][0] - x[i][0];
      const double dy = x[j][1] - x[i][1];
      const double dz = x[j][2] - x[i][2];
      const double r2 = dx * dx + dy * dy + dz * dz;
      if (r2 <= cutsq) nearest.offer({r2, tag[j], j});
    }
    const auto &best = nearest.best();
    if (!nearest.full() && tag[i] < short_id) {
      short_id = tag[i];
      short_count = int(best.size());
    }
    for (size_t s = 0; s < best.size(); s++)
      if (mlglass::keeps_link(is_b(i), is_b(best[s].index))) {
        outtag[size_t(i) * k + s] = best[s].id;
        outidx[size_t(i) * k + s] = best[s].index;
      }
  }

  error_short(short_id, short_count);

  commmode = OUTLINKS;
  mlglass_compat::forward_comm(comm, this);
}

/* ----------------------------------------------------------------------
   Collective: the error for the smallest atom ID (MAXTAGINT: none on this rank) that found fewer
   than k neighbours, with the count from the rank that owns it.
------------------------------------------------------------------------- */

void ComputeBGraph::error_short(tagint short_id, int short_count)
{
  tagint short_all;
  MPI_Allreduce(&short_id, &short_all, 1, MPI_LMP_TAGINT, MPI_MIN, world);
  if (short_all == MAXTAGINT) return;
  int count_all = -1, mine = (short_id == short_all) ? short_count : -1;
  MPI_Allreduce(&mine, &count_all, 1, MPI_INT, MPI_MAX, world);
  error->all(FLERR,
             "Compute bgraph: atom {} has only {} group neighbours within cutoff {}, needs k = {}; "
             "increase the cutoff keyword",
             short_all, count_all, std::sqrt(cutsq), k);
}

/* ----------------------------------------------------------------------
   Undirected adjacency of owned atoms: j is adjacent to i if i chose j or j chose i.
   Owned choosers are known from their out-links. A ghost chooser lies within the cutoff of the
   atom it chose, so only owned atoms within cutoff + skin of the subdomain boundary can have one,
   and only those scan their neighbour list for it.
------------------------------------------------------------------------- */

void ComputeBGraph::build_adjacency()
{
  const int nlocal = atom->nlocal;
  tagint *tag = atom->tag;
  double **x = atom->x;
  const auto link_rule = mlglass::LinkRule(rule);

  // directed (owned atom, neighbour) pairs, bucketed per owned atom below
  pair_first.clear();
  pair_second.clear();
  auto add = [&](int i, int j) {
    pair_first.push_back(i);
    pair_second.push_back(j);
  };
  for (int i = 0; i < nlocal; i++) {
    for (int s = 0; s < k; s++) {
      const int j = outidx[size_t(i) * k + s];
      if (j < 0) continue;
      add(i, j);
      if (j < nlocal) add(j, i);
    }
  }

  const double margin = std::sqrt(cutsq) + neighbor->skin;
  const int dim = domain->dimension;
  for (int i = 0; i < nlocal; i++) {
    if (!in_group(i)) continue;
    bool near_boundary = domain->triclinic != 0;
    for (int d = 0; d < dim && !near_boundary; d++)
      near_boundary = x[i][d] - domain->sublo[d] < margin || domain->subhi[d] - x[i][d] < margin;
    if (!near_boundary) continue;
    const int *jlist = list->firstneigh[i];
    const int jnum = list->numneigh[i];
    for (int jj = 0; jj < jnum; jj++) {
      const int j = jlist[jj] & NEIGHMASK;
      if (j < nlocal || !in_group(j) || !mlglass::emits_links(link_rule, is_b(j))) continue;
      const tagint *t = &outtag[size_t(j) * k];
      for (int s = 0; s < k; s++)
        if (t[s] == tag[i]) add(i, j);
    }
  }

  // bucket by owned atom (counting sort), then merge periodic images / both directions by ID
  adj_start.assign(nlocal + 1, 0);
  for (int i : pair_first) adj_start[i + 1]++;
  for (int i = 0; i < nlocal; i++) adj_start[i + 1] += adj_start[i];
  adj.resize(pair_first.size());
  fill.assign(adj_start.begin(), adj_start.end() - 1);
  for (size_t p = 0; p < pair_first.size(); p++) adj[fill[pair_first[p]]++] = pair_second[p];

  degree.assign(nlocal, 0);
  auto by_tag = [&](int a, int b) {
    return tag[a] < tag[b];
  };
  auto same_tag = [&](int a, int b) {
    return tag[a] == tag[b];
  };
  int write = 0;
  for (int i = 0; i < nlocal; i++) {
    const int begin = adj_start[i], end = adj_start[i + 1];
    adj_start[i] = write;
    std::sort(adj.begin() + begin, adj.begin() + end, by_tag);
    const int unique_end =
        int(std::unique(adj.begin() + begin, adj.begin() + end, same_tag) - adj.begin());
    for (int s = begin; s < unique_end; s++) adj[write++] = adj[s];
    degree[i] = write - adj_start[i];
  }
  adj_start[nlocal] = write;
  adj.resize(write);
}

/* ----------------------------------------------------------------------
   Component label = smallest atom ID in the component. A union-find over owned and ghost atoms
   joins what this rank sees; forward communication carries labels across ranks and periodic
   images until no rank changes a label.
------------------------------------------------------------------------- */

void ComputeBGraph::resolve_components()
{
  const int nlocal = atom->nlocal;
  const int nall = nlocal + atom->nghost;
  tagint *tag = atom->tag;

  uf.reset(nall);
  for (int i = 0; i < nlocal; i++)
    for (int s = adj_start[i]; s < adj_start[i + 1]; s++) uf.unite(i, adj[s]);

  label.assign(nall, 0);
  for (int i = 0; i < nlocal; i++) label[i] = degree[i] > 0 ? tag[i] : 0;

  root_min.resize(nall);
  commmode = LABELS;
  while (true) {
    mlglass_compat::forward_comm(comm, this);
    std::fill(root_min.begin(), root_min.end(), MAXTAGINT);
    for (int a = 0; a < nall; a++) {
      if (label[a] == 0) continue;
      const size_t r = uf.find(a);
      root_min[r] = std::min(root_min[r], label[a]);
    }
    int changed = 0;
    for (int i = 0; i < nlocal; i++) {
      if (degree[i] == 0) continue;
      const tagint m = root_min[uf.find(i)];
      if (m < label[i]) {
        label[i] = m;
        changed = 1;
      }
    }
    int any = 0;
    MPI_Allreduce(&changed, &any, 1, MPI_INT, MPI_MAX, world);
    if (!any) break;
  }

  for (int i = 0; i < nlocal; i++) {
    components[i][0] = double(label[i]);
    components[i][1] = double(degree[i]);
  }
}

/* ---------------------------------------------------------------------- */

void ComputeBGraph::reduce_metrics()
{
  const int nlocal = atom->nlocal;
  tagint *tag = atom->tag;

  // local counts: components, bb_links, isolated_a, isolated_b, links
  bigint local[5] = {0, 0, 0, 0, 0};
  for (int i = 0; i < nlocal; i++) {
    if (!in_group(i)) continue;
    if (degree[i] == 0) {
      local[is_b(i) ? 3 : 2]++;
      continue;
    }
    if (label[i] == tag[i]) local[0]++;
    for (int s = adj_start[i]; s < adj_start[i + 1]; s++) {
      const int j = adj[s];
      if (tag[j] < tag[i]) continue;    // each link once, by its smaller-ID end
      local[4]++;
      if (is_b(i) && is_b(j)) local[1]++;
    }
  }
  finish_metrics(local);
}

/* ---------------------------------------------------------------------- */

void ComputeBGraph::finish_metrics(const bigint local[5])
{
  bigint total[5];
  MPI_Allreduce(const_cast<bigint *>(local), total, 5, MPI_LMP_BIGINT, MPI_SUM, world);
  const bigint largest = largest_component();
  mlglass::BGraphMetrics m;
  m.components = total[0];
  m.bb_links = total[1];
  m.isolated_a = total[2];
  m.isolated_b = total[3];
  m.links = total[4];
  m.largest_component = largest;
  const auto values = m.as_array();
  const double scale = normalize ? 1.0 / std::max<bigint>(group->count(igroup), 1) : 1.0;
  for (int v = 0; v < size_vector; v++) vector[v] = values[v] * scale;
}

/* ----------------------------------------------------------------------
   Size of the largest component, counted over owned atoms by final label (the union-find also
   holds ghost images, so its set sizes are not component sizes). On one rank a histogram over
   atom IDs suffices; on several, each rank counts its atoms per label and rank 0 merges the
   (label, count) pieces.
------------------------------------------------------------------------- */

bigint ComputeBGraph::largest_component()
{
  const int nlocal = atom->nlocal;
  bigint largest = 0;
  if (comm->nprocs == 1) {
    tagint maxtag = 0;
    for (int i = 0; i < nlocal; i++) maxtag = std::max(maxtag, atom->tag[i]);
    std::vector<bigint> count(size_t(maxtag) + 1, 0);
    for (int i = 0; i < nlocal; i++)
      if (degree[i] > 0) largest = std::max(largest, ++count[label[i]]);
    return largest;
  }

  std::vector<tagint> labels;
  for (int i = 0; i < nlocal; i++)
    if (degree[i] > 0) labels.push_back(label[i]);
  std::sort(labels.begin(), labels.end());
  std::vector<bigint> pieces;    // label, count, label, count, ...
  for (size_t a = 0; a < labels.size();) {
    size_t b = a;
    while (b < labels.size() && labels[b] == labels[a]) b++;
    pieces.push_back(labels[a]);
    pieces.push_back(bigint(b - a));
    a = b;
  }

  int n = int(pieces.size());
  std::vector<int> counts(comm->nprocs), displs(comm->nprocs, 0);
  MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, world);
  std::vector<bigint> all;
  if (comm->me == 0) {
    for (int p = 1; p < comm->nprocs; p++) displs[p] = displs[p - 1] + counts[p - 1];
    all.resize(size_t(displs.back()) + counts.back());
  }
  MPI_Gatherv(pieces.data(), n, MPI_LMP_BIGINT, all.data(), counts.data(), displs.data(),
              MPI_LMP_BIGINT, 0, world);
  if (comm->me == 0) {
    std::vector<std::pair<bigint, bigint>> merged;
    for (size_t p = 0; p + 1 < all.size(); p += 2) merged.emplace_back(all[p], all[p + 1]);
    std::sort(merged.begin(), merged.end());
    for (size_t a = 0; a < merged.size();) {
      bigint sum = 0;
      size_t b = a;
      for (; b < merged.size() && merged[b].first == merged[a].first; b++) sum += merged[b].second;
      largest = std::max(largest, sum);
      a = b;
    }
  }
  MPI_Bcast(&largest, 1, MPI_LMP_BIGINT, 0, world);
  return largest;
}

/* ---------------------------------------------------------------------- */

int ComputeBGraph::pack_forward_comm(int n, int *sendlist, double *buf, int /*pbc_flag*/,
                                     int * /*pbc*/)
{
  int m = 0;
  if (commmode == OUTLINKS) {
    for (int i = 0; i < n; i++) {
      const tagint *t = &outtag[size_t(sendlist[i]) * k];
      for (int s = 0; s < k; s++) buf[m++] = ubuf(t[s]).d;
    }
  } else if (commmode == LABELS) {
    for (int i = 0; i < n; i++) buf[m++] = ubuf(label[sendlist[i]]).d;
  } else {
    for (int i = 0; i < n; i++) buf[m++] = ubuf(atom->mask[sendlist[i]]).d;
  }
  return m;
}

void ComputeBGraph::unpack_forward_comm(int n, int first, double *buf)
{
  int m = 0;
  const int last = first + n;
  if (commmode == OUTLINKS) {
    for (int i = first; i < last; i++)
      for (int s = 0; s < k; s++) outtag[size_t(i) * k + s] = (tagint) ubuf(buf[m++]).i;
  } else if (commmode == LABELS) {
    for (int i = first; i < last; i++) label[i] = (tagint) ubuf(buf[m++]).i;
  } else {
    for (int i = first; i < last; i++) atom->mask[i] = (int) ubuf(buf[m++]).i;
  }
}

/* ---------------------------------------------------------------------- */

double ComputeBGraph::memory_usage()
{
  double bytes = 2.0 * nmax * sizeof(double);
  bytes += outtag.capacity() * sizeof(tagint) + label.capacity() * sizeof(tagint);
  bytes += (adj_start.capacity() + adj.capacity() + degree.capacity()) * sizeof(int);
  return bytes;
}
