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
}

/* ---------------------------------------------------------------------- */

ComputeGlassMPNN::ComputeGlassMPNN(LAMMPS *lmp, int narg, char **arg) :
    Compute(lmp, narg, arg), stride(0.0), window_override(0.0), batch(32), threads(1),
    attention_flag(0), device("cpu"), nwindows(0), peratom_reduced(0), nmax(0), patom(nullptr),
    patom_attention(nullptr), evaluated_step(-1), warned_sparse(0)
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

  scalar_flag = 1;
  extscalar = 0;
  vector_flag = 1;
  size_vector = kSummary + nwindows;
  extvector = 0;
  peratom_flag = 1;
  size_peratom_cols = attention_flag ? 2 : 0;
  vec.assign(size_vector, 0.0);
  vector = vec.data();

  if (comm->me == 0)
    utils::logmesg(lmp,
                   "compute glass/mpnn: model {} (k = {}, window {} {}, validation AUC {:.4f}), "
                   "{} windows, device {}, {} thread(s) per rank\n",
                   model_path, info.graph.k,
                   window_override > 0 ? window_override : info.graph.window.side,
                   info.graph.window.side_is_fraction ? "of the box" : "distance units",
                   info.validation_auc, nwindows, classifier->device(), threads);
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
  evaluate();
  if (!peratom_reduced) {
    const int n = int(all_tag.size());
    MPI_Allreduce(MPI_IN_PLACE, tiles.atom_p.data(), n, MPI_DOUBLE, MPI_SUM, world);
    MPI_Allreduce(MPI_IN_PLACE, tiles.atom_windows.data(), n, MPI_DOUBLE, MPI_SUM, world);
    if (attention_flag)
      MPI_Allreduce(MPI_IN_PLACE, tiles.atom_attention.data(), n, MPI_DOUBLE, MPI_SUM, world);
    peratom_reduced = 1;
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
  const tagint *tag = atom->tag;
  const int *mask = atom->mask;
  for (int i = 0; i < atom->nlocal; ++i) {
    double p = 0.0, a = 0.0;
    if (mask[i] & groupbit) {
      const auto idx =
          std::lower_bound(all_tag.begin(), all_tag.end(), std::int64_t(tag[i])) - all_tag.begin();
      const double n = tiles.atom_windows[idx];
      p = n > 0.0 ? tiles.atom_p[idx] / n : -1.0;
      a = n > 0.0 && attention_flag ? tiles.atom_attention[idx] / n : 0.0;
    }
    if (attention_flag) {
      patom_attention[i][0] = p;
      patom_attention[i][1] = a;
    } else {
      patom[i] = p;
    }
  }
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
  return int(mlglass::tile_windows(classifier->info(), box_of_domain(), tile_options()).size());
}

/* ----------------------------------------------------------------------
   all ranks: the group's IDs, types and coordinates, sorted by ID
------------------------------------------------------------------------- */

void ComputeGlassMPNN::gather_atoms()
{
  const int nlocal = atom->nlocal;
  std::vector<std::int64_t> tag;
  std::vector<int> type;
  std::vector<double> x;
  for (int i = 0; i < nlocal; ++i) {
    if (!(atom->mask[i] & groupbit)) continue;
    tag.push_back(atom->tag[i]);
    type.push_back(atom->type[i]);
    for (int a = 0; a < 3; ++a) x.push_back(atom->x[i][a]);
  }
  const int nprocs = comm->nprocs;
  std::vector<int> counts(nprocs), displs(nprocs, 0), counts3(nprocs), displs3(nprocs, 0);
  const int n = int(tag.size());
  MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, world);
  for (int p = 1; p < nprocs; ++p) displs[p] = displs[p - 1] + counts[p - 1];
  for (int p = 0; p < nprocs; ++p) {
    counts3[p] = 3 * counts[p];
    displs3[p] = 3 * displs[p];
  }
  const int total = displs[nprocs - 1] + counts[nprocs - 1];
  std::vector<std::int64_t> gtag(total);
  std::vector<int> gtype(total);
  std::vector<double> gx(3 * std::size_t(total));
  MPI_Allgatherv(tag.data(), n, MPI_INT64_T, gtag.data(), counts.data(), displs.data(), MPI_INT64_T,
                 world);
  MPI_Allgatherv(type.data(), n, MPI_INT, gtype.data(), counts.data(), displs.data(), MPI_INT,
                 world);
  MPI_Allgatherv(x.data(), 3 * n, MPI_DOUBLE, gx.data(), counts3.data(), displs3.data(), MPI_DOUBLE,
                 world);

  std::vector<int> order(total);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return gtag[a] < gtag[b];
  });
  all_tag.resize(total);
  all_type.resize(total);
  all_x.resize(3 * std::size_t(total));
  for (int j = 0; j < total; ++j) {
    all_tag[j] = gtag[order[j]];
    all_type[j] = gtype[order[j]];
    for (int a = 0; a < 3; ++a) all_x[3 * std::size_t(j) + a] = gx[3 * std::size_t(order[j]) + a];
  }
}

/* ----------------------------------------------------------------------
   classify all windows once per timestep (the scalar, vector and per-atom values share it)
------------------------------------------------------------------------- */

void ComputeGlassMPNN::evaluate()
{
  if (evaluated_step == update->ntimestep) return;

  mlglass_compat::kokkos_host_read(lmp, datamask_read);
  gather_atoms();
  std::string failure;
  try {
    mlglass::TileOptions opts = tile_options();
    opts.first_batch = comm->me;    // batches dealt round-robin: the same on any rank count
    opts.batch_step = comm->nprocs;
    tiles = mlglass::classify_tiles(*classifier, box_of_domain(), all_x.data(), all_tag.size(),
                                    all_type.data(), all_tag.data(), opts);
    if (int(tiles.origins.size()) != nwindows)
      throw std::runtime_error("the box now holds " + std::to_string(tiles.origins.size()) +
                               " windows, " + std::to_string(nwindows) +
                               " when the compute was defined: box changes are not supported");
  } catch (mlglass::SparseWindowError &e) {
    // no collective call here: only some ranks may be in this branch (the group's atoms are
    // gathered on every rank, so their number is known locally)
    failure = fmt::format("{}; group '{}' has {} atoms in the box: a window needs more than k of "
                          "them (use a denser group or a model with larger windows)",
                          e.what(), group->names[igroup], all_tag.size());
  } catch (std::exception &e) {
    failure = e.what();
  }
  fail_collectively(failure);

  auto &window_p = tiles.window_p;
  MPI_Allreduce(MPI_IN_PLACE, window_p.data(), nwindows, MPI_DOUBLE, MPI_SUM, world);
  double sum = 0.0, sum2 = 0.0, lo = 1.0, hi = 0.0, glass = 0.0;
  for (double p : window_p) {
    sum += p;
    sum2 += p * p;
    lo = std::min(lo, p);
    hi = std::max(hi, p);
    glass += p > 0.5 ? 1.0 : 0.0;
  }
  const double n = std::max(1, nwindows);
  const double mean = sum / n;
  vec[0] = mean;
  vec[1] = std::sqrt(std::max(0.0, sum2 / n - mean * mean));
  vec[2] = lo;
  vec[3] = hi;
  vec[4] = glass / n;
  vec[5] = nwindows;
  std::copy(window_p.begin(), window_p.end(), vec.begin() + kSummary);
  peratom_reduced = 0;
  evaluated_step = update->ntimestep;
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
  return nmax * per_atom * sizeof(double) +
      all_tag.capacity() * (sizeof(std::int64_t) + sizeof(int) + 6 * sizeof(double)) +
      vec.capacity() * 2 * sizeof(double);    // coordinates, per-atom sums, window values
}
