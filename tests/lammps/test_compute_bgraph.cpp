// compute bgraph inside LAMMPS, with the plugin loaded: exact agreement with the core library's
// brute-force reference on random periodic configurations (2D/3D, both rules), identical results
// under any number of MPI ranks (ctest runs this binary with 1, 2 and 4 ranks), and clear errors.
#include "lammps_fixture.h"

#include "bgraph.h"
#include "knn.h"

#include <cmath>
#include <string>

using namespace mlglass;

namespace {

class ComputeBGraphTest : public LammpsTest {
 protected:
  // Random 65:35 A/B configuration at number density 1.2 (no dynamics needed for the metrics).
  void random_system(int dim, int n, int seed) {
    const double side = std::pow(n / 1.2, 1.0 / dim);
    const std::string zext = dim == 2 ? "-0.5 0.5" : "0 " + std::to_string(side);
    commands({"units lj", "dimension " + std::to_string(dim), "atom_style atomic",
              "boundary p p p",
              "region box block 0 " + std::to_string(side) + " 0 " + std::to_string(side) + " " + zext,
              "create_box 2 box",
              "create_atoms 1 random " + std::to_string(n) + " " + std::to_string(seed) + " NULL",
              "set type 1 type/fraction 2 0.35 " + std::to_string(seed + 1), "mass * 1.0",
              "pair_style zero 2.5", "pair_coeff * *"});
  }

  // Brute-force reference on the gathered configuration, with LAMMPS atom IDs as particle ids.
  BGraph reference(int k, LinkRule rule) {
    const auto x = gather_x();
    const auto type = gather_type();
    const std::size_t n = type.size();
    const PeriodicBox pbox = box();
    std::vector<std::int64_t> ids(n);
    std::vector<char> is_b(n);
    for (std::size_t i = 0; i < n; ++i) {
      ids[i] = std::int64_t(i) + 1;  // lammps_gather_atoms orders by atom ID 1..N
      is_b[i] = type[i] == 2;
    }
    return bgraph_from_knn(n, k, knn_indices_brute_force(pbox, x.data(), n, k, ids.data()), is_b,
                           rule, ids.data());
  }

  void expect_matches_reference(int k, LinkRule rule, const std::string &where) {
    const auto ref = reference(k, rule);
    const auto values = compute_vector("bg", BGraphMetrics::count);
    ASSERT_EQ(values.size(), std::size_t(BGraphMetrics::count));
    const auto expected = ref.metrics.as_array();
    for (int v = 0; v < BGraphMetrics::count; ++v)
      EXPECT_EQ(values[v], expected[v]) << BGraphMetrics::names()[v] << " " << where;
    const auto peratom = gather_peratom("c_bg", 2);
    int label_mismatch = 0, degree_mismatch = 0;
    for (std::size_t i = 0; i < ref.degree.size(); ++i) {
      label_mismatch += peratom[2 * i] != double(ref.component[i]);
      degree_mismatch += peratom[2 * i + 1] != double(ref.degree[i]);
    }
    EXPECT_EQ(label_mismatch, 0) << where;
    EXPECT_EQ(degree_mismatch, 0) << where;
  }
};

struct Case {
  int dim;
  const char *rule;
  int k;
};

class BGraphAgainstReference : public ComputeBGraphTest,
                               public ::testing::WithParamInterface<Case> {};

TEST_P(BGraphAgainstReference, TwentyRandomConfigurations) {
  const auto p = GetParam();
  for (int seed = 1; seed <= 20; ++seed) {
    if (seed > 1) {
      close();
      open();
    }
    random_system(p.dim, p.dim == 2 ? 400 : 300, 1000 + 17 * seed);
    command("compute bg all bgraph k " + std::to_string(p.k) + " rule " + p.rule);
    command("run 0 post no");
    expect_matches_reference(p.k, parse_link_rule(p.rule),
                             "seed " + std::to_string(seed) + " on " + std::to_string(nprocs()) +
                                 " ranks");
  }
}

INSTANTIATE_TEST_SUITE_P(Lammps, BGraphAgainstReference,
                         ::testing::Values(Case{2, "paper", 2}, Case{2, "symmetric", 2},
                                           Case{3, "paper", 2}, Case{3, "symmetric", 2},
                                           Case{2, "paper", 3}));

TEST_F(ComputeBGraphTest, AfterDynamicsWithMigrationAndReneighbouring) {
  // A real 2D Kob-Andersen liquid run long enough for atoms to cross subdomains and the boundary.
  commands({"units lj", "dimension 2", "atom_style atomic", "lattice sq 1.2",
            "region box block 0 20 0 20 -0.5 0.5", "create_box 2 box",
            "create_atoms 1 box", "set type 1 type/fraction 2 0.35 4242", "mass * 1.0",
            "pair_style lj/cut 2.5", "pair_coeff 1 1 1.0 1.0 2.5", "pair_coeff 1 2 1.5 0.8 2.0",
            "pair_coeff 2 2 0.5 0.88 2.2", "velocity all create 2.0 87287 loop geom",
            "fix 1 all nve", "fix 2 all enforce2d", "timestep 0.002", "run 300 post no",
            "compute bg all bgraph", "run 0 post no"});
  expect_matches_reference(2, LinkRule::paper, "after dynamics");
}

TEST_F(ComputeBGraphTest, DefaultCutoffIsThePairCutoffForEveryTypePair) {
  // One B and three A in a big box: the B's nearest neighbours are A's at 2.2 and 2.4, beyond the
  // A-B pair cutoff (2.0 + skin 0.3) but within the global pair cutoff 2.5.
  commands({"units lj", "dimension 2", "atom_style atomic", "boundary p p p",
            "region box block 0 40 0 40 -0.5 0.5", "create_box 2 box",
            "create_atoms 2 single 10.0 10.0 0.0", "create_atoms 1 single 12.2 10.0 0.0",
            "create_atoms 1 single 10.0 12.4 0.0", "create_atoms 1 single 30.0 30.0 0.0",
            "mass * 1.0", "pair_style lj/cut 2.5", "pair_coeff 1 1 1.0 1.0 2.5",
            "pair_coeff 1 2 1.5 0.8 2.0", "pair_coeff 2 2 0.5 0.88 2.2",
            "compute bg all bgraph", "thermo_style custom step c_bg[5]", "run 0 post no"});
  const auto v = compute_vector("bg", BGraphMetrics::count);
  EXPECT_EQ(v[4], 2.0);  // two links
  EXPECT_EQ(v[2], 1.0);  // the far A is isolated
}

TEST_F(ComputeBGraphTest, NormalizeDividesByGroupCount) {
  random_system(2, 400, 77);
  commands({"compute bg all bgraph", "compute bgn all bgraph normalize yes", "run 0 post no"});
  const auto raw = compute_vector("bg", BGraphMetrics::count);
  const auto norm = compute_vector("bgn", BGraphMetrics::count);
  for (int v = 0; v < BGraphMetrics::count; ++v) EXPECT_DOUBLE_EQ(norm[v], raw[v] / 400.0);
}

TEST_F(ComputeBGraphTest, GroupRestrictsParticipants) {
  // Atoms outside the group are neither linked nor counted.
  random_system(2, 400, 91);
  commands({"region left block INF 9 INF INF INF INF", "group left region left",
            "compute bg left bgraph", "run 0 post no"});
  const auto peratom = gather_peratom("c_bg", 2);
  const auto x = gather_x();
  int outside_linked = 0;
  for (long i = 0; i < natoms(); ++i)
    if (x[3 * i] > 9.0 && peratom[2 * i + 1] != 0.0) ++outside_linked;
  EXPECT_EQ(outside_linked, 0);
  const auto v = compute_vector("bg", BGraphMetrics::count);
  EXPECT_GT(v[4], 0.0);
}

// a dynamic group is empty until its first run updates it: the compute must not refuse it at
// init (it did: "group d has no atoms of btype 2"), and equals the static group of the same atoms
TEST_F(ComputeBGraphTest, DynamicGroupOnItsFirstRun) {
  random_system(2, 600, 31);
  commands({"region left block INF 11 INF INF INF INF", "group d dynamic all region left",
            "group s region left", "compute bg d bgraph cutoff 2.5",
            "compute bs s bgraph cutoff 2.5", "thermo_style custom step c_bg[1] c_bs[1]",
            "run 0 post no"});
  const auto dynamic = compute_vector("bg", BGraphMetrics::count);
  EXPECT_GT(dynamic[0], 0.0);
  EXPECT_EQ(dynamic, compute_vector("bs", BGraphMetrics::count));
}

TEST_F(ComputeBGraphTest, VariablesAndFixAveTimeSeeTheVector) {
  random_system(2, 400, 5);
  commands({"compute bg all bgraph", "thermo_style custom step c_bg[1] c_bg[2] c_bg[3]",
            "fix avg all ave/time 1 1 1 c_bg[*] mode scalar", "run 0 post no",
            "variable comps equal c_bg[1]", "variable avgbb equal f_avg[2]"});
  const auto v = compute_vector("bg", BGraphMetrics::count);
  auto *comps = static_cast<double *>(lammps_extract_variable(lmp, "comps", nullptr));
  auto *avgbb = static_cast<double *>(lammps_extract_variable(lmp, "avgbb", nullptr));
  ASSERT_NE(comps, nullptr);
  ASSERT_NE(avgbb, nullptr);
  EXPECT_GT(v[0], 0.0);
  EXPECT_EQ(*comps, v[0]);
  EXPECT_EQ(*avgbb, v[1]);
  lammps_free(comps);
  lammps_free(avgbb);
}

TEST_F(ComputeBGraphTest, BadArgumentsGiveClearErrors) {
  random_system(2, 100, 3);
  EXPECT_LAMMPS_ERROR("compute bg all bgraph foo 1", "unknown keyword 'foo'");
  EXPECT_LAMMPS_ERROR("compute bg all bgraph k 0", "k must be >= 1");
  EXPECT_LAMMPS_ERROR("compute bg all bgraph k -2", "k must be >= 1");
  EXPECT_LAMMPS_ERROR("compute bg all bgraph btype 3", "btype 3 is out of range (1-2)");
  EXPECT_LAMMPS_ERROR("compute bg all bgraph btype 0", "btype 0 is out of range");
  EXPECT_LAMMPS_ERROR("compute bg all bgraph k", "missing value for keyword 'k'");
  EXPECT_LAMMPS_ERROR("compute bg all bgraph rule diagonal", "unknown link rule 'diagonal'");
  EXPECT_LAMMPS_ERROR("compute bg all bgraph normalize maybe", "normalize expects yes or no");
  EXPECT_LAMMPS_ERROR("compute bg all bgraph cutoff -1", "cutoff must be > 0");
  EXPECT_LAMMPS_ERROR("compute bg all bgraph k two", "Expected integer");
}

// normalize takes what LAMMPS' utils::logical() takes: on = yes, off = no
TEST_F(ComputeBGraphTest, NormalizeTakesLammpsBooleans) {
  random_system(2, 400, 5);
  commands({"compute yes all bgraph normalize yes", "compute on all bgraph normalize on",
            "compute one all bgraph normalize 1", "compute off all bgraph normalize off",
            "compute no all bgraph normalize no",
            "thermo_style custom step c_yes[1] c_on[1] c_one[1] c_off[1] c_no[1]",
            "run 0 post no"});
  const auto yes = compute_vector("yes", BGraphMetrics::count);
  EXPECT_EQ(compute_vector("on", BGraphMetrics::count), yes);
  EXPECT_EQ(compute_vector("one", BGraphMetrics::count), yes);
  const auto no = compute_vector("no", BGraphMetrics::count);
  EXPECT_EQ(compute_vector("off", BGraphMetrics::count), no);
  EXPECT_NE(yes, no);
  EXPECT_LAMMPS_ERROR("compute bad all bgraph normalize 2",
                      "Compute bgraph: normalize expects yes or no (also on/off, true/false, 1/0), "
                      "got '2'");
}

TEST_F(ComputeBGraphTest, NoBAtomsInGroupIsAnError) {
  random_system(2, 100, 3);
  commands({"group onlya type 1", "compute bg onlya bgraph"});
  EXPECT_LAMMPS_ERROR("run 0 post no", "group onlya has no atoms of btype 2");
}

TEST_F(ComputeBGraphTest, TooFewNeighboursWithinCutoffIsAnError) {
  // Dilute gas: with a 0.3 cutoff most B atoms have no neighbour at all.
  random_system(2, 50, 3);
  commands({"compute bg all bgraph cutoff 0.3", "thermo_style custom step c_bg[1]"});
  EXPECT_LAMMPS_ERROR("run 0 post no", "group neighbours within cutoff 0.3, needs k = 2");
}

TEST_F(ComputeBGraphTest, CutoffBeyondCommunicationIsAnError) {
  random_system(2, 100, 3);
  command("compute bg all bgraph cutoff 10.0");
  EXPECT_LAMMPS_ERROR("run 0 post no", "exceeds the communication cutoff");
}

}  // namespace
