// compute glass/mpnn inside LAMMPS: exactly the window probabilities and per-atom values of the
// core tiling that `mlglass eval --tile` runs (classify_tiles on the gathered configuration) on 1, 2
// and 4 ranks (ctest runs this binary on each), so identical on any rank count, in 2D and 3D, on
// brick and tiled decompositions; per-atom attention; and clear errors for every kind of unusable
// model or argument.
#include "lammps_fixture.h"

#include "dmpnn.h"
#include "glass_classifier.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

using namespace mlglass;

namespace {

struct TestModel {
  int dim = 2;
  int ntypes = 2;
  bool attention = false;
  double window = 0.25;  // fraction of the box
  int k = 2;
  bool nan_weights = false;  // a diverged model: one parameter NaN
};

class ComputeGlassMpnnTest : public LammpsTest {
 protected:
  // A small untrained D-MPNN with ML-GLASS metadata, written by rank 0.
  static std::string write_model(const std::string &stem, const TestModel &t) {
    const std::string path = scratch_file(stem);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0) {
      DmpnnConfig cfg;
      cfg.node_dim = node_feature_dim(NodeFeatures::type_onehot, t.ntypes, t.dim);
      cfg.hidden = 24;
      cfg.ffn_hidden = 16;
      cfg.depth = 3;
      cfg.attention = t.attention;
      cfg.seed = 11;
      auto model = make_dmpnn(cfg);
      if (t.nan_weights) {
        torch::NoGradGuard no_grad;
        (*model.parameters().begin()).fill_(NAN);
      }
      nlohmann::json meta = {{"format", "mlglass-dmpnn"}, {"format_version", 1}, {"k", t.k},
                             {"window", {{"side", t.window}, {"side_is_fraction", true},
                                         {"periodic", true}, {"offsets", "independent"}}},
                             {"node_features", "type"}, {"ntypes", t.ntypes},
                             {"dimension", t.dim}, {"attention", t.attention},
                             {"readout", "mean"}, {"validation_auc", 0.5}};
      save_model(model, path, meta.dump());
    }
    MPI_Barrier(MPI_COMM_WORLD);
    return path;
  }

  std::string model2d, model2d_att;

  void SetUp() override {
    LammpsTest::SetUp();
    model2d = write_model("glass2d.pt", {});
    TestModel att;
    att.attention = true;
    model2d_att = write_model("glass2d-att.pt", att);
  }
  void TearDown() override {
    LammpsTest::TearDown();
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0)
      for (const auto &p : {model2d, model2d_att}) std::remove(p.c_str());
  }

  // 2D 65:35 A/B random configuration at number density 1.2 with a short KA-like relaxation
  void system_2d(int n, int seed, int ntypes = 2, const std::string &boundary = "p p p") {
    const double side = std::sqrt(n / 1.2);
    commands(
        {"units lj", "dimension 2", "atom_style atomic", "boundary " + boundary,
         "region box block 0 " + std::to_string(side) + " 0 " + std::to_string(side) + " -0.5 0.5",
         "create_box " + std::to_string(ntypes) + " box",
         "create_atoms 1 random " + std::to_string(n) + " " + std::to_string(seed) + " NULL",
         "set type 1 type/fraction 2 0.35 " + std::to_string(seed + 1), "mass * 1.0",
         "pair_style zero 2.5", "pair_coeff * *"});
  }

  // The serial reference: the core tiling on the gathered configuration (IDs 1..N in order).
  TileResult reference(const std::string &model, const TileOptions &opts) {
    GlassClassifier c(model);
    const auto x = gather_x();
    const auto type = gather_type();
    std::vector<std::int64_t> ids(type.size());
    for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = std::int64_t(i) + 1;
    return classify_tiles(c, box(), x.data(), type.size(), type.data(), ids.data(), opts);
  }
};

TEST_F(ComputeGlassMpnnTest, WindowsMatchTheCoreTilingOnAnyRankCount) {
  system_2d(600, 4711);
  command("compute cls all glass/mpnn " + model2d);
  command("thermo_style custom step c_cls c_cls[6]");
  command("run 0");
  const auto ref = reference(model2d, TileOptions{});
  ASSERT_EQ(ref.window_p.size(), 16u);  // 4 x 4 windows of 1/4 of the box
  const auto v = compute_vector("cls", 6 + 16);
  ASSERT_EQ(v.size(), 22u);
  EXPECT_EQ(v[5], 16.0);
  double mean = 0.0, lo = 1.0, hi = 0.0;
  for (int w = 0; w < 16; ++w) {
    EXPECT_EQ(v[6 + w], ref.window_p[w]) << "window " << w + 1;
    mean += ref.window_p[w] / 16;
    lo = std::min(lo, ref.window_p[w]);
    hi = std::max(hi, ref.window_p[w]);
  }
  EXPECT_NEAR(v[0], mean, 1e-12);  // the summary sums in fixed point, 2^-40
  EXPECT_EQ(v[2], lo);
  EXPECT_EQ(v[3], hi);
  EXPECT_GT(hi - lo, 1e-6) << "windows should differ: the test would not see a mix-up";
  auto *scalar = static_cast<double *>(
      lammps_extract_compute(lmp, "cls", LMP_STYLE_GLOBAL, LMP_TYPE_SCALAR));
  ASSERT_NE(scalar, nullptr);
  EXPECT_EQ(*scalar, v[0]);
}

TEST_F(ComputeGlassMpnnTest, AfterDynamicsAndMigration) {
  system_2d(500, 99);
  commands({"pair_style lj/cut 2.5", "pair_coeff * * 1.0 1.0", "minimize 0 1e-4 200 2000",
            "velocity all create 1.0 5", "fix md all nve", "fix 2d all enforce2d",
            "compute cls all glass/mpnn " + model2d + " stride 0.125",
            "thermo_style custom step c_cls", "run 200"});
  const auto ref = reference(model2d, [] {
    TileOptions o;
    o.stride = 0.125;
    return o;
  }());
  ASSERT_EQ(ref.window_p.size(), 64u);
  const auto v = compute_vector("cls", 6 + 64);
  for (int w = 0; w < 64; ++w) EXPECT_EQ(v[6 + w], ref.window_p[w]) << "window " << w + 1;
  // per atom: mean over the 4 overlapping windows that hold each atom, summed in window order
  const auto pa = gather_peratom("c_cls", 1);
  int bad = 0;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    ASSERT_EQ(ref.atom_windows[i], 4.0);
    bad += pa[i] != ref.atom_p[i] / 4.0;
  }
  EXPECT_EQ(bad, 0);
}

// a window's P(glass) depends on its own atoms only: the windows the tilings with stride 1/4 and
// 1/8 of the box share (every other window of the finer one along each axis) get the same bits,
// although they are classified among other windows and, on several ranks, by other ranks
TEST_F(ComputeGlassMpnnTest, AWindowDoesNotDependOnItsNeighbours) {
  system_2d(600, 17);
  commands({"compute coarse all glass/mpnn " + model2d,
            "compute fine all glass/mpnn " + model2d + " stride 0.125",
            "thermo_style custom step c_coarse c_fine", "run 0"});
  const auto coarse = compute_vector("coarse", 6 + 16);
  const auto fine = compute_vector("fine", 6 + 64);
  for (int iy = 0; iy < 4; ++iy)
    for (int ix = 0; ix < 4; ++ix)
      EXPECT_EQ(coarse[6 + ix + 4 * iy], fine[6 + 2 * ix + 8 * 2 * iy]) << ix << ", " << iy;
}

// 3D, and a tiled (recursive bisection) decomposition whose cuts fall anywhere in the windows
TEST_F(ComputeGlassMpnnTest, ThreeDimensionsAndTiledDecompositions) {
  TestModel t3;
  t3.dim = 3;
  t3.window = 1.0 / 3.0;
  const std::string model3d = write_model("glass3d.pt", t3);
  const double side = std::cbrt(900 / 1.2);
  commands({"units lj", "atom_style atomic", "boundary p p p",
            "region box block 0 " + std::to_string(side) + " 0 " + std::to_string(side) + " 0 " +
                std::to_string(side),
            "create_box 2 box", "create_atoms 1 random 900 31 NULL",
            "set type 1 type/fraction 2 0.35 32", "mass * 1.0", "pair_style zero 2.5",
            "pair_coeff * *", "comm_style tiled", "balance 1.0 rcb",
            "compute cls all glass/mpnn " + model3d + " stride 0.25",
            "thermo_style custom step c_cls", "run 0"});
  TileOptions o;
  o.stride = 0.25;
  const auto ref = reference(model3d, o);
  ASSERT_EQ(ref.window_p.size(), 64u);
  const auto v = compute_vector("cls", 6 + 64);
  for (int w = 0; w < 64; ++w) EXPECT_EQ(v[6 + w], ref.window_p[w]) << "window " << w + 1;
  const auto pa = gather_peratom("c_cls", 1);
  int bad = 0;
  for (std::size_t i = 0; i < pa.size(); ++i) bad += pa[i] != ref.atom_p[i] / ref.atom_windows[i];
  EXPECT_EQ(bad, 0);
  int me = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &me);
  if (me == 0) std::remove(model3d.c_str());
}

// perwindow no: the global vector is the summary only; the summary is the same
TEST_F(ComputeGlassMpnnTest, PerWindowNoKeepsTheSummaryOnly) {
  system_2d(600, 4711);
  commands({"compute all_w all glass/mpnn " + model2d,
            "compute summary all glass/mpnn " + model2d + " perwindow no",
            "thermo_style custom step c_all_w[1] c_summary[1]", "run 0"});
  const auto a = compute_vector("all_w", 6 + 16);
  const auto b = compute_vector("summary", 6);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(a[i], b[i]) << i;
  for (const auto &[id, n] : {std::pair<const char *, int>{"all_w", 22}, {"summary", 6}}) {
    auto *size = static_cast<int *>(
        lammps_extract_compute(lmp, id, LMP_STYLE_GLOBAL, LMP_SIZE_VECTOR));
    ASSERT_NE(size, nullptr);
    EXPECT_EQ(*size, n) << id;
  }
  EXPECT_LAMMPS_ERROR("compute bad all glass/mpnn " + model2d + " perwindow maybe", "perwindow");
}

TEST_F(ComputeGlassMpnnTest, PerAtomAttentionSumsToOnePerWindow) {
  system_2d(400, 3);
  command("compute cls all glass/mpnn " + model2d_att + " attention yes");
  command("run 0");
  command("variable p atom c_cls[1]");  // touch it through a variable, as a user would
  const auto pa = gather_peratom("c_cls", 2);
  const auto v = compute_vector("cls", 6 + 16);
  double total_attention = 0.0;
  for (std::size_t i = 0; i < pa.size() / 2; ++i) {
    EXPECT_GE(pa[2 * i], 0.0);
    EXPECT_LE(pa[2 * i], 1.0);
    total_attention += pa[2 * i + 1];
  }
  // every atom is in one window (stride = side = L/4); a window's edge weights sum to 1
  EXPECT_NEAR(total_attention, 16.0, 1e-4);
  EXPECT_EQ(v[5], 16.0);
}

TEST_F(ComputeGlassMpnnTest, GroupAndEvaluationOncePerStep) {
  system_2d(600, 8);
  commands({"group a type 1", "compute cls a glass/mpnn " + model2d,
            "thermo_style custom step c_cls c_cls[1] c_cls[7]", "run 0"});
  // atoms outside the group have per-atom value 0; inside, a probability
  const auto pa = gather_peratom("c_cls", 1);
  const auto type = gather_type();
  for (std::size_t i = 0; i < pa.size(); ++i) {
    if (type[i] == 2) EXPECT_EQ(pa[i], 0.0);
    else EXPECT_GT(pa[i], 0.0);
  }
}

TEST_F(ComputeGlassMpnnTest, BadModelsGiveClearErrors) {
  system_2d(300, 1);
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn /nonexistent/model.pt", "does not exist");
  const std::string junk = scratch_file("junk.pt");
  const std::string plain = scratch_file("plain.pt");
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) {
    std::ofstream out(junk, std::ios::binary);
    std::mt19937 rng(1);
    for (int i = 0; i < 4096; ++i) out.put(char(rng()));
    torch::jit::Module m("Plain");  // a TorchScript file without ML-GLASS metadata
    m.register_parameter("w", torch::ones({2}), false);
    m.save(plain);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + junk, "not a TorchScript model file");
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + plain, "is not an ML-GLASS model");
  TestModel m3;
  m3.dim = 3;
  const std::string model3d = write_model("glass3d.pt", m3);
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model3d, "trained on 3D configurations, the system is 2D");
  TestModel m1;
  m1.ntypes = 1;
  const std::string model1 = write_model("glass1type.pt", m1);
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model1, "the system has 2 atom types");
  TestModel big;
  big.window = 1.5;
  const std::string modelbig = write_model("glassbig.pt", big);
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + modelbig, "side fraction must be in (0, 1], got 1.5");
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model2d + " window 2.0", "side fraction must be in (0, 1], got 2");
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model2d + " attention yes",
                      "trained without attention");
  if (rank == 0)
    for (const auto &p : {junk, plain, model3d, model1, modelbig}) std::remove(p.c_str());
}

TEST_F(ComputeGlassMpnnTest, BadArgumentsGiveClearErrors) {
  system_2d(300, 2);
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn", "missing model file");
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model2d + " foo 1", "unknown keyword 'foo'");
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model2d + " stride 0", "stride must be > 0");
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model2d + " batch 0", "batch must be >= 1");
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model2d + " threads 0", "threads must be >= 1");
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model2d + " device tpu", "device must be cpu or cuda");
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model2d + " attention maybe", "attention expects yes or no");
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model2d + " stride", "missing value for keyword 'stride'");
}

// The CUDA path is compiled in; where LibTorch sees no CUDA device (CPU-only LibTorch, no GPU) the
// request fails on every rank with an error saying so and what to use instead.
TEST_F(ComputeGlassMpnnTest, DeviceCudaWithoutCudaIsAClearError) {
  if (GlassClassifier::cuda_device_count() > 0) GTEST_SKIP() << "LibTorch sees a CUDA device here";
  system_2d(300, 2);
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model2d + " device cuda",
                      "device cuda requested, but LibTorch sees no CUDA device");
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model2d + " device cuda", "use device cpu");
}

// yes/no keywords take what LAMMPS' utils::logical() takes
TEST_F(ComputeGlassMpnnTest, AttentionTakesLammpsBooleans) {
  system_2d(300, 2);
  for (const std::string v : {"yes", "on", "true", "1"}) {
    command("compute c all glass/mpnn " + model2d_att + " attention " + v);
    command("uncompute c");
  }
  for (const std::string v : {"no", "off", "false", "0"}) {
    command("compute c all glass/mpnn " + model2d + " attention " + v);
    command("uncompute c");
  }
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model2d + " attention Yes",
                      "Compute glass/mpnn: attention expects yes or no (also on/off, true/false, "
                      "1/0), got 'Yes'");
}

TEST_F(ComputeGlassMpnnTest, ABoxThatNoLongerFitsTheWindowsIsAnError) {
  system_2d(600, 6);
  commands({"compute c all glass/mpnn " + model2d, "thermo_style custom step c_c", "run 0",
            "change_box all x scale 1.5 remap"});
  EXPECT_LAMMPS_ERROR("run 0", "needs a square (cubic) box");
}

TEST_F(ComputeGlassMpnnTest, TooFewParticlesInAWindowIsAnError) {
  system_2d(40, 5);  // 40 atoms: windows of 1/4 of the box hold ~2.5 atoms on average
  command("compute c all glass/mpnn " + model2d);
  command("thermo_style custom step c_c");
  EXPECT_LAMMPS_ERROR("run 0", "not more than k = 2; group 'all' has 40 atoms in the box");
}

// Issue #12: a model with NaN weights gave c_cls = nan, min 1, max 0, glass fraction 0 silently.
TEST_F(ComputeGlassMpnnTest, NonFiniteModelOutputIsAnError) {
  system_2d(600, 4711);
  TestModel nan_model;
  nan_model.nan_weights = true;
  const std::string model = write_model("glass-nan.pt", nan_model);
  commands({"compute cls all glass/mpnn " + model + " batch 3", "thermo_style custom step c_cls"});
  const std::string msg = error_of("run 0");
  EXPECT_NE(msg.find("model " + model + " gives a non-finite P(glass) (nan) for window 1 "),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("NaN or infinite weights"), std::string::npos) << msg;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) std::remove(model.c_str());
}

// Windows would run into the walls of a non-periodic box: refused when the compute is defined.
TEST_F(ComputeGlassMpnnTest, NonPeriodicBoundariesAreAnError) {
  system_2d(600, 7, 2, "f p p");
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model2d,
                      "the box is not periodic along x: windows would run into its walls");
  close();
  open();
  system_2d(600, 7, 2, "p s p");
  EXPECT_LAMMPS_ERROR("compute c all glass/mpnn " + model2d, "the box is not periodic along y");
}

// A group much sparser than the system: a documented meaning (windows of the group's atoms) and
// one warning, on rank 0, per compute.
TEST_F(ComputeGlassMpnnTest, ASparseGroupGivesOneWarning) {
  const std::string log = scratch_file("sparse.log");
  system_2d(1200, 12);
  commands({"log " + log, "group few type 2", "compute cls few glass/mpnn " + model2d,
            "thermo_style custom step c_cls", "run 0", "run 0",
            "compute all all glass/mpnn " + model2d, "thermo_style custom step c_all", "run 0",
            "log none"});
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) {
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string warning = "Compute glass/mpnn: group few gives windows of about";
    std::size_t count = 0;
    for (auto at = text.find(warning); at != std::string::npos; at = text.find(warning, at + 1))
      ++count;
    EXPECT_EQ(count, 1u) << text;
    EXPECT_NE(text.find("the model saw about 75.0 per window in the whole system"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("group all gives"), std::string::npos) << "no warning for group all";
    std::remove(log.c_str());
  }
}

}  // namespace
