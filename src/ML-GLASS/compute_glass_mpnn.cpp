/* ----------------------------------------------------------------------
   ML-GLASS package for LAMMPS: compute glass/mpnn. Documentation: doc/compute_glass_mpnn.rst
------------------------------------------------------------------------- */

#include "compute_glass_mpnn.h"

#include "atom.h"
#include "atom_masks.h"
#include "comm.h"
#include "domain.h"
#include "error.h"
#include "group.h"
#include "irregular.h"
#include "memory.h"
#include "update.h"

#include "glass_classifier.h"
#include "mlglass_lammps_compat.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace LAMMPS_NS;

namespace {
constexpr int kSummary = 6;    // mean, std, min, max, glass fraction, windows
// the global vector lists every window's P(glass) by default up to this many windows
constexpr int kPerWindowDefaultMax = 10000;
// summary sums in fixed point (2^-40, ~1e-12): integer sums are exact in any order, so the mean
// and the standard deviation are the same on any number of ranks (up to 8e6 windows)
constexpr double kQuantum = 1099511627776.0;

// an atom sent to the owner of a window that may hold it
struct HeldAtom {
  double x[3];
  std::int64_t tag;
  int type, rank, index, unused;
};
// a window's P(glass) (and attention) sent back to the owner of one of its atoms
struct Contribution {
  std::int64_t window;
  double p, attention;
  int index, unused;
};

// LAMMPS' irregular exchange of fixed-size records: send[i] goes to rank proclist[i] (this rank
// too); returns what this rank received, ordered by sending rank
template <class Record>
std::vector<Record> exchange(LAMMPS *lmp, std::vector<Record> &send, std::vector<int> &proclist)
{
  Irregular irregular(lmp);
  const int nrecv = irregular.create_data(int(send.size()), proclist.data(), 1);
  std::vector<Record> recv(nrecv);
  irregular.exchange_data(reinterpret_cast<char *>(send.data()), sizeof(Record),
                          reinterpret_cast<char *>(recv.data()));
  irregular.destroy_data();
  return recv;
}
}    // namespace

/* ---------------------------------------------------------------------- */

ComputeGlassMPNN::ComputeGlassMPNN(LAMMPS *lmp, int narg, char **arg) :
    Compute(lmp, narg, arg), stride(0.0), window_override(0.0), batch(1), threads(1),
    attention_flag(0), perwindow(-1), device("cpu"), nwindows(0), peratom_done(0), nmax(0),
    patom(nullptr), patom_attention(nullptr), evaluated_step(-1), warned_sparse(0)
{
  if (narg < 4)
    error->all(FLERR,
               "Compute glass/mpnn: missing model file (compute ID group glass/mpnn model.pt ...)");
  if (atom->tag_enable == 0) error->all(FLERR, "Compute glass/mpnn requires atom IDs");
  if (domain->triclinic) error->all(FLERR, "Compute glass/mpnn does not support triclinic boxes");
  model_path = arg[3];

  int iarg = 4;
  while (iarg < narg) {
    const std::string key = arg[iarg];
    if (iarg + 1 >= narg)
      error->all(FLERR, "Compute glass/mpnn: missing value for keyword '{}'", key);
    const std::string value = arg[iarg + 1];
    if (key == "stride") {
      stride = utils::numeric(FLERR, value.c_str(), false, lmp);
      if (stride <= 0.0) error->all(FLERR, "Compute glass/mpnn: stride must be > 0, got {}", value);
    } else if (key == "window") {
      window_override = utils::numeric(FLERR, value.c_str(), false, lmp);
      if (window_override <= 0.0)
        error->all(FLERR, "Compute glass/mpnn: window must be > 0, got {}", value);
    } else if (key == "batch") {
      batch = utils::inumeric(FLERR, value.c_str(), false, lmp);
      if (batch < 1) error->all(FLERR, "Compute glass/mpnn: batch must be >= 1, got {}", value);
    } else if (key == "threads") {
      threads = utils::inumeric(FLERR, value.c_str(), false, lmp);
      if (threads < 1) error->all(FLERR, "Compute glass/mpnn: threads must be >= 1, got {}", value);
    } else if (key == "device") {
      if (value != "cpu" && value != "cuda")
        error->all(FLERR, "Compute glass/mpnn: device must be cpu or cuda, got '{}'", value);
      device = value;
    } else if (key == "attention") {
      attention_flag = mlglass_compat::logical(lmp, "Compute glass/mpnn", key, value) ? 1 : 0;
    } else if (key == "perwindow") {
      perwindow = mlglass_compat::logical(lmp, "Compute glass/mpnn", key, value) ? 1 : 0;
    } else {
      error->all(FLERR, "Compute glass/mpnn: unknown keyword '{}'", key);
    }
    iarg += 2;
  }

  // CUDA: the device KOKKOS runs this rank on, else (node-local rank mod visible devices)
  std::string device_name = device;
  std::string failure;
  try {
    if (device == "cuda") device_name = "cuda:" + std::to_string(pick_cuda_device());
    mlglass::GlassClassifier::set_threads(threads);
    classifier = std::make_unique<mlglass::GlassClassifier>(model_path, device_name);
  } catch (std::exception &e) {
    failure = e.what();
  }
  fail_collectively(failure);

  const auto &info = classifier->info();
  if (attention_flag && !info.attention)
    error->all(FLERR,
               "Compute glass/mpnn: attention yes, but model {} was trained without attention",
               model_path);
  try {
    mlglass::check_tiling_box(box_of_domain());
    mlglass::check_model_fits(info, box_of_domain(), atom->ntypes);
    nwindows = count_windows();
  } catch (std::exception &e) {
    error->all(FLERR, "Compute glass/mpnn: {}", e.what());
  }

  // -k on: a plain (host) compute reading positions, types, groups and IDs; it changes nothing
  execution_space = Host;
  datamask_read = X_MASK | TYPE_MASK | MASK_MASK | TAG_MASK | IMAGE_MASK;
  datamask_modify = EMPTY_MASK;

  if (perwindow < 0) perwindow = nwindows <= kPerWindowDefaultMax ? 1 : 0;
  scalar_flag = 1;
  extscalar = 0;
  vector_flag = 1;
  size_vector = kSummary + (perwindow ? nwindows : 0);
  extvector = 0;
  peratom_flag = 1;
  size_peratom_cols = attention_flag ? 2 : 0;
  vec.assign(size_vector, 0.0);
  vector = vec.data();

  if (comm->me == 0)
    utils::logmesg(
        lmp,
        "compute glass/mpnn: model {} (k = {}, window {} {}, validation AUC {:.4f}), "
        "{} windows{}, device {}, {} thread(s) per rank\n",
        model_path, info.graph.k, window_override > 0 ? window_override : info.graph.window.side,
        info.graph.window.side_is_fraction ? "of the box" : "distance units", info.validation_auc,
        nwindows, perwindow ? "" : " (summary only in the global vector: perwindow no)",
        classifier->device(), threads);
}

/* ---------------------------------------------------------------------- */

ComputeGlassMPNN::~ComputeGlassMPNN()
{
  memory->destroy(patom);
  memory->destroy(patom_attention);
}

/* ---------------------------------------------------------------------- */

void ComputeGlassMPNN::init()
{
  int n = 0;
  try {
    mlglass::check_tiling_box(box_of_domain());
    mlglass::check_model_fits(classifier->info(), box_of_domain(), atom->ntypes);
    n = count_windows();
  } catch (std::exception &e) {
    error->all(FLERR, "Compute glass/mpnn: {}", e.what());
  }
  if (n != nwindows)
    error->all(FLERR,
               "Compute glass/mpnn: the box now holds {} windows, {} when the compute was "
               "defined (its global vector has a fixed length): define it after changing the box",
               n, nwindows);
  const auto &info = classifier->info();
  const double side = mlglass::tile_side(info, box_of_domain(), tile_options());
  const double step = stride <= 0.0        ? side
      : info.graph.window.side_is_fraction ? stride * domain->prd[0]
                                           : stride;
  if (step > side * (1.0 + 1e-12) && comm->me == 0)
    error->warning(FLERR,
                   "Compute glass/mpnn: stride larger than the window: some atoms are in no "
                   "window (their per-atom value is -1)");

  // Windows hold the group's atoms only. Much sparser windows than the model's training windows
  // (recorded by mlglass train, else those of the whole system) get P(glass) from outside what the
  // model learned: say so once.
  const int dim = domain->dimension;
  double box_volume = 1.0;
  for (int a = 0; a < dim; ++a) box_volume *= domain->prd[a];
  const double window_share = std::pow(side, dim) / box_volume;
  const double per_window = double(group->count(igroup)) * window_share;
  const double reference = std::isfinite(info.training_window_atoms)
      ? info.training_window_atoms
      : double(atom->natoms) * window_share;
  if (!warned_sparse && per_window < 0.5 * reference) {
    if (comm->me == 0)
      error->warning(
          FLERR,
          "Compute glass/mpnn: group {} gives windows of about {:.1f} atoms, the model "
          "saw about {:.1f} per window in {}: P(glass) of such sparse windows is outside "
          "what it learned (use group all, or a model trained on such windows)",
          group->names[igroup], per_window, reference,
          std::isfinite(info.training_window_atoms) ? "training" : "the whole system");
    warned_sparse = 1;
  }
  evaluated_step = -1;    // a new run: positions may have been changed by commands in between
}

/* ---------------------------------------------------------------------- */

double ComputeGlassMPNN::compute_scalar()
{
  invoked_scalar = update->ntimestep;
  evaluate();
  scalar = vec[0];
  return scalar;
}

/* ---------------------------------------------------------------------- */

void ComputeGlassMPNN::compute_vector()
{
  invoked_vector = update->ntimestep;
  evaluate();
}

/* ---------------------------------------------------------------------- */

void ComputeGlassMPNN::compute_peratom()
{
  invoked_peratom = update->ntimestep;
  // per-atom values go to the local atoms of the evaluation: evaluate again if atoms were moved
  // or exchanged since (e.g. displace_atoms between two commands at the same timestep)
  evaluate();
  int stale = atom->nlocal != int(evaluated_tags.size()) ? 1 : 0;
  for (int i = 0; !stale && i < atom->nlocal; ++i) stale = atom->tag[i] != evaluated_tags[i];
  MPI_Allreduce(MPI_IN_PLACE, &stale, 1, MPI_INT, MPI_MAX, world);
  if (stale) {
    evaluated_step = -1;
    evaluate();
  }
  if (atom->nmax > nmax) {
    nmax = atom->nmax;
    if (attention_flag) {
      memory->destroy(patom_attention);
      memory->create(patom_attention, nmax, 2, "glass/mpnn:patom_attention");
      array_atom = patom_attention;
    } else {
      memory->destroy(patom);
      memory->create(patom, nmax, "glass/mpnn:patom");
      vector_atom = patom;
    }
  }
  if (peratom_done) return;

  // every window's P(glass) (and attention) back to the owners of its atoms ...
  std::vector<int> proclist;
  std::vector<Contribution> send;
  double to_self = 0.0;
  for (const auto &w : owned)
    for (std::size_t v = 0; v < w.members.size(); ++v) {
      const int k = w.members[v];
      proclist.push_back(held_rank[k]);
      send.push_back({w.window, w.p, attention_flag ? w.attention[v] : 0.0, held_index[k], 0});
      to_self += held_rank[k] == comm->me ? 1.0 : 0.0;
    }
  std::vector<Contribution> recv = exchange(lmp, send, proclist);
  bytes_received += (double(recv.size()) - to_self) * double(sizeof(Contribution));

  // ... summed per atom in window order, as on one rank
  std::sort(recv.begin(), recv.end(), [](const Contribution &a, const Contribution &b) {
    return a.index != b.index ? a.index < b.index : a.window < b.window;
  });
  const int nlocal = atom->nlocal;
  std::vector<double> sum_p(nlocal, 0.0), count(nlocal, 0.0), sum_a(nlocal, 0.0);
  for (const auto &c : recv) {
    sum_p[c.index] += c.p;
    count[c.index] += 1.0;
    sum_a[c.index] += c.attention;
  }
  const int *mask = atom->mask;
  for (int i = 0; i < nlocal; ++i) {
    double p = 0.0, a = 0.0;
    if (mask[i] & groupbit) {
      p = count[i] > 0.0 ? sum_p[i] / count[i] : -1.0;
      a = count[i] > 0.0 && attention_flag ? sum_a[i] / count[i] : 0.0;
    }
    if (attention_flag) {
      patom_attention[i][0] = p;
      patom_attention[i][1] = a;
    } else {
      patom[i] = p;
    }
  }
  peratom_done = 1;
}

/* ---------------------------------------------------------------------- */

mlglass::PeriodicBox ComputeGlassMPNN::box_of_domain() const
{
  mlglass::PeriodicBox box;
  box.dim = domain->dimension;
  for (int a = 0; a < 3; ++a) {
    box.lo[a] = domain->boxlo[a];
    box.length[a] = domain->prd[a];
    box.periodic[a] = domain->periodicity[a] != 0;
  }
  return box;
}

mlglass::TileOptions ComputeGlassMPNN::tile_options() const
{
  mlglass::TileOptions opts;
  opts.window = window_override;
  opts.stride = stride;
  opts.batch = batch;
  opts.attention = attention_flag;
  return opts;
}

int ComputeGlassMPNN::count_windows() const
{
  return int(mlglass::tile_grid(classifier->info(), box_of_domain(), tile_options()).size());
}

// the rank whose subdomain holds window w's origin: the same rule on every rank, and a function of
// the decomposition only (LAMMPS' own rule for which rank an atom at that point belongs to)
int ComputeGlassMPNN::owner(const mlglass::TileGrid &grid, std::int64_t w) const
{
  auto o = grid.origin(w);
  int igx = 0, igy = 0, igz = 0;
  return comm->coord2proc(o.data(), igx, igy, igz);
}

/* ----------------------------------------------------------------------
   the group atoms of this rank's windows, from the ranks that own them: every rank sends each of
   its group atoms once to each owner of a window that may hold it. Sorted by ID afterwards, so a
   window's particles (and its graph) are in the same order on any number of ranks.
------------------------------------------------------------------------- */

void ComputeGlassMPNN::exchange_atoms(const mlglass::TileGrid &grid)
{
  std::vector<int> proclist;
  std::vector<HeldAtom> send;
  std::vector<std::int64_t> near;
  std::vector<int> owners;
  std::string failure;
  try {
    for (int i = 0; i < atom->nlocal; ++i) {
      if (!(atom->mask[i] & groupbit)) continue;
      near.clear();
      grid.windows_near(atom->x[i], near);
      owners.clear();
      for (const auto w : near) owners.push_back(owner(grid, w));
      std::sort(owners.begin(), owners.end());
      owners.erase(std::unique(owners.begin(), owners.end()), owners.end());
      for (const int p : owners) {
        proclist.push_back(p);
        send.push_back({{atom->x[i][0], atom->x[i][1], atom->x[i][2]},
                        std::int64_t(atom->tag[i]),
                        atom->type[i],
                        comm->me,
                        i,
                        0});
      }
    }
  } catch (std::exception &e) {
    failure = e.what();
  }
  fail_collectively(failure);

  std::vector<HeldAtom> recv = exchange(lmp, send, proclist);
  const int nrecv = int(recv.size());

  std::sort(recv.begin(), recv.end(), [](const HeldAtom &a, const HeldAtom &b) {
    return a.tag < b.tag;
  });
  held_tag.resize(nrecv);
  held_type.resize(nrecv);
  held_rank.resize(nrecv);
  held_index.resize(nrecv);
  held_x.resize(3 * std::size_t(nrecv));
  atoms_received = 0.0;
  for (int k = 0; k < nrecv; ++k) {
    held_tag[k] = recv[k].tag;
    held_type[k] = recv[k].type;
    held_rank[k] = recv[k].rank;
    held_index[k] = recv[k].index;
    for (int a = 0; a < 3; ++a) held_x[3 * std::size_t(k) + a] = recv[k].x[a];
    atoms_received += recv[k].rank == comm->me ? 0.0 : 1.0;
  }
  bytes_received = atoms_received * double(sizeof(HeldAtom));
}

/* ----------------------------------------------------------------------
   classify this rank's windows once per timestep (the scalar, vector and per-atom values share it)
------------------------------------------------------------------------- */

void ComputeGlassMPNN::evaluate()
{
  if (evaluated_step == update->ntimestep) return;

  mlglass_compat::kokkos_host_read(lmp, datamask_read);
  const bigint ngroup = group->count(igroup);
  std::unique_ptr<mlglass::TileGrid> grid;
  std::string failure;
  try {
    grid = std::make_unique<mlglass::TileGrid>(
        mlglass::tile_grid(classifier->info(), box_of_domain(), tile_options()));
    if (grid->size() != nwindows)
      throw std::runtime_error("the box now holds " + std::to_string(grid->size()) + " windows, " +
                               std::to_string(nwindows) +
                               " when the compute was defined: box changes are not supported");
  } catch (std::exception &e) {
    failure = e.what();
  }
  fail_collectively(failure);

  exchange_atoms(*grid);
  std::vector<std::int64_t> mine;
  for (std::int64_t w = 0; w < nwindows; ++w)
    if (owner(*grid, w) == comm->me) mine.push_back(w);
  windows_owned = int(mine.size());
  try {
    owned = classify_owned(*grid, mine);
  } catch (mlglass::SparseWindowError &e) {
    // no collective call here: only some ranks may be in this branch
    failure = fmt::format("{}; group '{}' has {} atoms in the box: a window needs more than k of "
                          "them (use a denser group or a model with larger windows)",
                          e.what(), group->names[igroup], ngroup);
  } catch (std::exception &e) {
    failure = e.what();
  }
  fail_collectively(failure);

  summarize();
  evaluated_tags.assign(atom->tag, atom->tag + atom->nlocal);
  peratom_done = 0;
  evaluated_step = update->ntimestep;
}

/* ----------------------------------------------------------------------
   P(glass) of this rank's windows from the atoms it holds (the core library's graphs)
------------------------------------------------------------------------- */

std::vector<mlglass::WindowP>
ComputeGlassMPNN::classify_owned(const mlglass::TileGrid & /*grid*/,
                                 const std::vector<std::int64_t> &mine)
{
  return mlglass::classify_windows(*classifier, box_of_domain(), held_x.data(), held_tag.size(),
                                   held_type.data(), held_tag.data(), mine, tile_options());
}

/* ----------------------------------------------------------------------
   the global vector: summary (exact integer sums, identical on any rank count) and, with
   perwindow yes, every window's P(glass)
------------------------------------------------------------------------- */

void ComputeGlassMPNN::summarize()
{
  std::int64_t sums[3] = {0, 0, 0};    // P, P^2 in units of 2^-40; windows with P > 0.5
  double extremes[2] = {-1.0, 0.0};    // -min, max
  for (const auto &w : owned) {
    sums[0] += std::llround(w.p * kQuantum);
    sums[1] += std::llround(w.p * w.p * kQuantum);
    sums[2] += w.p > 0.5 ? 1 : 0;
    extremes[0] = std::max(extremes[0], -w.p);
    extremes[1] = std::max(extremes[1], w.p);
  }
  MPI_Allreduce(MPI_IN_PLACE, sums, 3, MPI_INT64_T, MPI_SUM, world);
  MPI_Allreduce(MPI_IN_PLACE, extremes, 2, MPI_DOUBLE, MPI_MAX, world);
  const double n = std::max(1, nwindows);
  const double mean = double(sums[0]) / kQuantum / n;
  vec[0] = mean;
  vec[1] = std::sqrt(std::max(0.0, double(sums[1]) / kQuantum / n - mean * mean));
  vec[2] = -extremes[0];
  vec[3] = extremes[1];
  vec[4] = double(sums[2]) / n;
  vec[5] = nwindows;
  if (perwindow) {    // one owner per window, zeros elsewhere: the sum is exact
    std::fill(vec.begin() + kSummary, vec.end(), 0.0);
    for (const auto &w : owned) vec[kSummary + std::size_t(w.window)] = w.p;
    MPI_Allreduce(MPI_IN_PLACE, vec.data() + kSummary, nwindows, MPI_DOUBLE, MPI_SUM, world);
  }
}

/* ----------------------------------------------------------------------
   The CUDA device of this rank. Under -k on with a KOKKOS GPU backend: the device Kokkos runs on,
   asked through Kokkos::device_id() found in liblammps at run time (a plugin holds no Kokkos code;
   Kokkos >= 4.1 has it). Otherwise, as LAMMPS' GPU and KOKKOS packages assign GPUs: the rank's
   index on its node modulo the devices LibTorch sees, with a warning when that leaves GPUs idle or
   makes ranks share one. Throws if LibTorch sees no CUDA device.
------------------------------------------------------------------------- */

int ComputeGlassMPNN::pick_cuda_device()
{
  const int ndev = mlglass::GlassClassifier::cuda_device_count();
  MPI_Comm node;
  MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, comm->me, MPI_INFO_NULL, &node);
  int node_rank = 0, node_size = 1;
  MPI_Comm_rank(node, &node_rank);
  MPI_Comm_size(node, &node_size);
  MPI_Comm_free(&node);
  if (ndev < 1)
    throw std::runtime_error(
        "device cuda requested, but LibTorch sees no CUDA device (LibTorch "
        "without CUDA, no GPU, or CUDA_VISIBLE_DEVICES empty): use device cpu");

  const int kokkos_device = mlglass_compat::kokkos_device_id(lmp);
  if (kokkos_device >= 0 && kokkos_device < ndev) return kokkos_device;

  if (node_rank == 0 && comm->me == 0) {
    if (node_size < ndev)
      error->warning(FLERR,
                     "Compute glass/mpnn: {} rank(s) on this node, {} CUDA devices: {} GPU(s) "
                     "left idle",
                     node_size, ndev, ndev - node_size);
    else if (node_size > ndev)
      error->warning(FLERR, "Compute glass/mpnn: {} ranks on this node share {} CUDA device(s)",
                     node_size, ndev);
  }
  return node_rank % ndev;
}

/* ----------------------------------------------------------------------
   an error seen on some ranks becomes error->all on every rank, with the first rank's message
------------------------------------------------------------------------- */

void ComputeGlassMPNN::fail_collectively(const std::string &local_error)
{
  const int mine = local_error.empty() ? comm->nprocs : comm->me;
  int first = comm->nprocs;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, world);
  if (first == comm->nprocs) return;
  int len = comm->me == first ? int(local_error.size()) : 0;
  MPI_Bcast(&len, 1, MPI_INT, first, world);
  std::string msg = comm->me == first ? local_error : std::string(len, ' ');
  MPI_Bcast(&msg[0], len, MPI_CHAR, first, world);
  error->all(FLERR, "Compute glass/mpnn: {}", msg);
}

/* ---------------------------------------------------------------------- */

double ComputeGlassMPNN::memory_usage()
{
  const double per_atom = attention_flag ? 2.0 : 1.0;
  double members = 0.0;
  for (const auto &w : owned)
    members += w.members.capacity() * sizeof(int) + w.attention.capacity() * sizeof(double);
  return nmax * per_atom * sizeof(double) +
      held_tag.capacity() * (sizeof(std::int64_t) + 3 * sizeof(int) + 3 * sizeof(double)) +
      members + owned.capacity() * sizeof(mlglass::WindowP) +
      evaluated_tags.capacity() * sizeof(tagint) + vec.capacity() * sizeof(double);
}

/* ----------------------------------------------------------------------
   for bench/bench_glass_mpnn_scaling.cpp (found with dlsym): atoms and bytes this rank received
   from other ranks in the last evaluation, the windows it owns, the atoms it holds; 0 if c is not
   a compute glass/mpnn
------------------------------------------------------------------------- */

extern "C" int mlglass_glass_mpnn_stats(Compute *c, double *stats)
{
  auto *g = dynamic_cast<ComputeGlassMPNN *>(c);
  if (!g) return 0;
  stats[0] = g->atoms_received;
  stats[1] = g->bytes_received;
  stats[2] = g->windows_owned;
  stats[3] = g->memory_usage();
  return 1;
}
