// The plain ML-GLASS styles in a KOKKOS LAMMPS run with `-k on -sf kk` (KOKKOS pair style, atom
// style and integrators, the ML-GLASS styles on host data): the same inherent-structure energy,
// the same B-graph metrics and the same P(glass) as a plain run of the same configuration, and an
// MD trajectory with fix inherent bit-identical to one without it. ctest runs this binary on 1, 2
// and 4 ranks. Skipped when LAMMPS has no KOKKOS package.
#include "lammps_fixture.h"

#include "dmpnn.h"
#include "force.h"
#include "window_graph.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace {

const std::vector<std::string> kKokkos = {"-k", "on", "-sf", "kk"};

// the 2D Kob-Andersen mixture at density 1.2 on a square lattice, type B at random, thermalised
std::vector<std::string> ka2d(int side, int seed) {
  const std::string s = std::to_string(seed), n = std::to_string(side);
  return {"units lj", "dimension 2", "atom_style atomic", "lattice sq 1.2",
          "region box block 0 " + n + " 0 " + n + " -0.5 0.5", "create_box 2 box",
          "create_atoms 1 box", "set type 1 type/ratio 2 0.35 " + s,
          "include " MLGLASS_SOURCE_DIR "/potentials/KA2D.lj",
          "velocity all create 2.0 " + s + " dist gaussian", "fix md all nvt temp 1.0 1.0 0.5",
          "fix 2d all enforce2d", "fix mom all momentum 1 linear 1 1 0", "timestep 0.005"};
}

class KokkosTest : public LammpsTest {
 protected:
  void SetUp() override {
    if (!has_kokkos()) GTEST_SKIP() << "this LAMMPS has no KOKKOS package: -k on tests skipped";
  }
  void TearDown() override { close(); }

  std::vector<double> fix_vector(const std::string &id) {
    std::vector<double> out;
    for (int i = 0; i < 8; ++i) {
      auto *p = static_cast<double *>(lammps_extract_fix(lmp, id.c_str(), 0, 1, i, 0));
      out.push_back(p ? *p : NAN);
      lammps_free(p);
    }
    return out;
  }
  struct State {
    std::vector<double> x, v;
    std::vector<int> image;
  };
  State state() {
    State s;
    s.x = gather_x();
    s.v.resize(3 * size_t(natoms()));
    lammps_gather_atoms(lmp, const_cast<char *>("v"), 1, 3, s.v.data());
    s.image.resize(natoms());
    lammps_gather_atoms(lmp, const_cast<char *>("image"), 0, 1, s.image.data());
    return s;
  }
};

// E_IS, bgraph and P(glass) of one configuration (setup of `run 0`), plain and with -k on -sf kk
TEST_F(KokkosTest, SameResultsAsAPlainRun) {
  struct Results {
    std::vector<double> is, bg, cls, bg_atom, cls_atom, x;
    std::string pair_style;
  };
  auto evaluate = [&](bool kokkos) {
    open(MPI_COMM_WORLD, kokkos ? kKokkos : std::vector<std::string>{});
    commands(ka2d(24, 777));
    commands({"compute bg all bgraph", "compute cls all glass/mpnn " MLGLASS_SOURCE_DIR
              "/potentials/ka2d-dmpnn.pt",
              "fix is all inherent 10 ftol 1e-8 maxiter 100000 maxeval 1000000",
              "thermo_style custom step pe c_bg[1] c_bg[2] c_cls f_is", "run 0 post no"});
    Results r;
    r.is = fix_vector("is");
    r.bg = compute_vector("bg", 5);
    r.cls = compute_vector("cls", 6);
    r.bg_atom = gather_peratom("c_bg", 2);
    r.cls_atom = gather_peratom("c_cls", 1);
    r.x = gather_x();
    r.pair_style = lmp->force->pair_style;
    close();
    return r;
  };
  const Results plain = evaluate(false);
  const Results kk = evaluate(true);
  EXPECT_EQ(plain.pair_style, "lj/cut");
  EXPECT_EQ(kk.pair_style, "lj/cut/kk");  // the KOKKOS pair style computed the quench's forces
  EXPECT_EQ(kk.is[7], 1.0);               // one quench, at step 0
  EXPECT_EQ(kk.is[5], 3.0);               // stopped by the force tolerance
  // the KOKKOS pair style sums forces in another order: equal to rounding, not bit for bit
  EXPECT_NEAR(kk.is[0], plain.is[0], 1e-10 * std::fabs(plain.is[0]));
  EXPECT_NEAR(kk.is[1], plain.is[1], 1e-10 * std::fabs(plain.is[1]));
  // the computes see the same positions
  EXPECT_EQ(kk.x, plain.x);
  EXPECT_EQ(kk.bg, plain.bg);
  EXPECT_EQ(kk.bg_atom, plain.bg_atom);
  EXPECT_EQ(kk.cls, plain.cls);
  EXPECT_EQ(kk.cls_atom, plain.cls_atom);
  EXPECT_GT(kk.bg[0], 0.0);
  EXPECT_GE(kk.cls[0], 0.0);
  EXPECT_LE(kk.cls[0], 1.0);
}

// -k on: quenches every 50 steps leave the MD (positions, velocities, images, thermo) bit-identical
TEST_F(KokkosTest, TrajectoryBitIdenticalWithAndWithoutQuenches) {
  auto run = [&](bool with_fix) {
    open(MPI_COMM_WORLD, kKokkos);
    commands(ka2d(12, 4321));
    if (with_fix) command("fix is all inherent 50");
    commands({"fix avg all ave/time 50 1 50 c_thermo_pe c_thermo_press", "thermo 50",
              "run 200 post no"});
    auto s = state();
    auto *pe = static_cast<double *>(lammps_extract_fix(lmp, "avg", 0, 1, 0, 0));
    auto *press = static_cast<double *>(lammps_extract_fix(lmp, "avg", 0, 1, 1, 0));
    std::vector<double> thermo = {*pe, *press};
    lammps_free(pe);
    lammps_free(press);
    const double quenches = with_fix ? fix_vector("is")[7] : 0.0;
    const double eis = with_fix ? fix_vector("is")[0] : 0.0;
    close();
    return std::make_tuple(s, thermo, quenches, eis);
  };
  auto [with, thermo_with, quenches, eis] = run(true);
  auto [without, thermo_without, none, zero] = run(false);
  EXPECT_EQ(quenches, 5.0);  // steps 0, 50, 100, 150, 200
  EXPECT_LT(eis, -2.0);      // a KA inherent structure, not an unset value
  EXPECT_EQ(with.x, without.x);
  EXPECT_EQ(with.v, without.v);
  EXPECT_EQ(with.image, without.image);
  EXPECT_EQ(thermo_with, thermo_without);
}

// ---- the /kk variants (in-tree ML-GLASS in a KOKKOS LAMMPS: tools/setup-lammps.sh kokkos) ------

class KokkosStyleTest : public KokkosTest {
 protected:
  void SetUp() override {
    KokkosTest::SetUp();
    if (IsSkipped()) return;
    open(MPI_COMM_WORLD, {"-k", "on"});
    const bool has = lammps_has_style(lmp, "fix", "inherent/kk") != 0;
    close();
    if (!has) GTEST_SKIP() << "no fix inherent/kk: ML-GLASS is not built in-tree in this KOKKOS LAMMPS";
  }
  // quench results (f_is[1..8]) and per-atom IS columns of one configuration with `style`
  struct Quench {
    std::vector<double> vec, atoms;
  };
  // the error `run 0` gives under -k on -sf kk after `setup` and `defines` (written with suffix
  // off, so a plain style stays plain)
  std::string run_error(const std::vector<std::string> &setup,
                        const std::vector<std::string> &defines) {
    open(MPI_COMM_WORLD, {"-k", "on", "-sf", "kk"});
    commands(setup);
    command("suffix off");
    commands(defines);
    command("suffix on");
    const std::string msg = error_of("run 0 post no");
    close();
    return msg;
  }
  Quench quench(const std::vector<std::string> &kokkos_args, const std::vector<std::string> &setup,
                const std::string &style, const std::string &args) {
    open(MPI_COMM_WORLD, kokkos_args);
    commands(setup);
    // suffix off: the style as written (under -sf kk `inherent` would become inherent/kk)
    commands({"suffix off", "fix is all " + style + " 10 energy yes " + args, "suffix on",
              "run 0 post no"});
    Quench q{fix_vector("is"), gather_peratom("f_is", 4)};
    close();
    return q;
  }
};

// the 3D Lennard-Jones liquid of test_fix_inherent.cpp's Equivalence tests
std::vector<std::string> lj3d(int seed) {
  const std::string s = std::to_string(seed);
  return {"units lj", "atom_style atomic", "lattice fcc 0.9", "region box block 0 5 0 5 0 5",
          "create_box 1 box", "create_atoms 1 box", "mass 1 1.0",
          "pair_style lj/cut 2.5", "pair_coeff 1 1 1.0 1.0 2.5",
          "velocity all create 3.0 " + s + " dist gaussian", "fix md all nve", "run 100 post no",
          "unfix md", "fix md all nve"};
}

// FIRE on the device: with one thread the reductions add in the host order, so E_IS, the per-atom
// minimum, the iteration and evaluation counts and the stop reason equal the plain fix's (run
// under -k on with the same KOKKOS pair style) bit for bit; 2D Kob-Andersen and 3D LJ, FIRE's
// integrators and the force norms
TEST_F(KokkosStyleTest, FireOnTheDeviceEqualsThePlainFix) {
  struct Case {
    std::vector<std::string> setup;
    std::string args;
  };
  auto ka2d_md = [](int seed) {  // after 200 MD steps: a liquid, not the lattice
    auto setup = ka2d(24, seed);
    setup.push_back("run 200 post no");
    return setup;
  };
  // (FIRE's velocity Verlet loses atoms on the 2D KA liquid, in LAMMPS' own min_style fire too:
  // it is tested in 3D)
  const std::vector<Case> cases = {
      {ka2d_md(777), "ftol 1e-8"},
      {ka2d_md(779), "ftol 1e-6 integrator leapfrog norm max"},
      {ka2d_md(780), "ftol 1e-6 integrator eulerexplicit norm inf halfstepback no"},
      {ka2d_md(781), "etol 1e-10 ftol 0 dmax 0.05"},
      {lj3d(11), "ftol 1e-8"},
      {lj3d(12), "ftol 1e-6 integrator verlet"},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c.args);
    const Quench plain = quench({"-k", "on", "-sf", "kk"}, c.setup, "inherent", c.args);
    const Quench kk = quench({"-k", "on", "-sf", "kk"}, c.setup, "inherent/kk", c.args);
    ASSERT_EQ(plain.vec.size(), 8u);
    EXPECT_GT(plain.vec[3], 10.0);  // a real quench: iterations
    EXPECT_EQ(kk.vec, plain.vec);   // E_IS, fnorm, iterations, evaluations, reason, step, count
    EXPECT_EQ(kk.atoms, plain.atoms);
  }
}

// min cg on the device (its work vectors too) and min flow (host vectors) under fix inherent/kk
// give the plain fix's results bit for bit with one thread: both line searches, the shifted
// energy, the three norms; and with re-neighbouring and sorting at every evaluation of the quench
// (the work vectors travel with their atoms through LAMMPS' exchange and sort on the host)
TEST_F(KokkosStyleTest, OtherMinimizersAsThePlainFix) {
  auto every_step = [](std::vector<std::string> setup) {
    setup.insert(setup.end(), {"run 200 post no", "neigh_modify every 1 delay 0 check no",
                               "atom_modify sort 1 2.0"});
    return setup;
  };
  struct Case {
    std::vector<std::string> setup;
    std::string args;
  };
  const std::vector<Case> cases = {
      {ka2d(24, 777), "min cg ftol 1e-6"},
      {ka2d(24, 777), "min cg shift no ftol 1e-6"},
      {ka2d(24, 778), "min cg line backtrack ftol 1e-6 norm max"},
      {ka2d(24, 779), "min cg ftol 1e-6 norm inf dmax 0.05"},
      {every_step(ka2d(24, 780)), "min cg ftol 1e-8"},
      {lj3d(13), "min cg ftol 1e-8"},
      {ka2d(24, 777), "min flow ftol 1e-2 flowtol 1e-2"},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c.args);
    const Quench plain = quench({"-k", "on", "-sf", "kk"}, c.setup, "inherent", c.args);
    const Quench kk = quench({"-k", "on", "-sf", "kk"}, c.setup, "inherent/kk", c.args);
    EXPECT_GT(plain.vec[3], 5.0);  // a real quench: iterations
    EXPECT_EQ(kk.vec, plain.vec);
    EXPECT_EQ(kk.atoms, plain.atoms);
  }
}

// two OpenMP threads: the device reductions add in another order; E_IS equal to 1e-10 (relative),
// the same iteration and evaluation counts
TEST_F(KokkosStyleTest, TwoThreadsEqualThePlainFixToRounding) {
  const std::vector<std::string> two = {"-k", "on", "t", "2", "-sf", "kk"};
  for (const std::string args : {"ftol 1e-8", "min cg ftol 1e-6"}) {
    SCOPED_TRACE(args);
    const Quench plain = quench(two, ka2d(24, 777), "inherent", args);
    const Quench kk = quench(two, ka2d(24, 777), "inherent/kk", args);
    EXPECT_NEAR(kk.vec[0], plain.vec[0], 1e-10 * std::fabs(plain.vec[0]));
    EXPECT_NEAR(kk.vec[1], plain.vec[1], 1e-10 * std::fabs(plain.vec[1]));
    EXPECT_EQ(kk.vec[3], plain.vec[3]);  // iterations
    EXPECT_EQ(kk.vec[4], plain.vec[4]);  // evaluations
    EXPECT_EQ(kk.vec[5], plain.vec[5]);  // stop reason
    ASSERT_EQ(kk.atoms.size(), plain.atoms.size());
    for (size_t i = 0; i < kk.atoms.size(); ++i)
      ASSERT_NEAR(kk.atoms[i], plain.atoms[i], 1e-8) << "per-atom value " << i;
  }
}

// quenches every 50 steps with the /kk fix (atoms migrate between ranks during the MD and the
// quenches): the trajectory is bit-identical to one without the fix, each quench's E_IS equals the
// plain fix's, on 1 thread and on 2
TEST_F(KokkosStyleTest, RepeatedQuenchesLeaveTheTrajectoryBitIdentical) {
  for (const std::string threads : {"1", "2"}) {
    SCOPED_TRACE("threads " + threads);
    const std::vector<std::string> args = {"-k", "on", "t", threads, "-sf", "kk"};
    auto log_of = [](const std::string &style) {
      return scratch_file(style == "inherent" ? "plain.txt" : "kk.txt");
    };
    auto run = [&](const std::string &style) {
      open(MPI_COMM_WORLD, args);
      commands(ka2d(16, 4321));
      if (!style.empty())
        commands({"suffix off", "fix is all " + style + " 50 file " + log_of(style), "suffix on"});
      commands({"thermo 50", "run 200 post no"});
      auto s = state();
      std::vector<double> fix = style.empty() ? std::vector<double>{} : fix_vector("is");
      close();
      return std::make_pair(s, fix);
    };
    const auto [with_kk, kk] = run("inherent/kk");
    const auto [with_plain, plain] = run("inherent");
    const auto [without, none] = run("");
    EXPECT_EQ(kk[7], 5.0);  // steps 0, 50, 100, 150, 200
    EXPECT_EQ(with_kk.x, without.x);
    EXPECT_EQ(with_kk.v, without.v);
    EXPECT_EQ(with_kk.image, without.image);
    EXPECT_EQ(with_plain.x, without.x);
    // the last quench (step 200) of both fixes
    if (threads == "1") {
      EXPECT_EQ(kk, plain);
    } else {
      EXPECT_NEAR(kk[0], plain[0], 1e-10 * std::fabs(plain[0]));
      EXPECT_EQ(kk[3], plain[3]);
    }
    // the per-quench lines of both files: the same steps and energies
    const std::string kk_file = log_of("inherent/kk"), plain_file = log_of("inherent");
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0) {
      auto lines = [](const std::string &path) {
        std::vector<std::string> out;
        FILE *fp = fopen(path.c_str(), "r");
        char buf[512];
        while (fp && fgets(buf, sizeof buf, fp))
          if (buf[0] != '#') out.emplace_back(buf);
        if (fp) fclose(fp);
        return out;
      };
      const auto a = lines(kk_file), b = lines(plain_file);
      EXPECT_EQ(a.size(), 5u);
      if (threads == "1") EXPECT_EQ(a, b);
      else EXPECT_EQ(a.size(), b.size());
    }
  }
}

// ---- compute bgraph/kk ----------------------------------------------------------------------

class BGraphKokkosTest : public KokkosStyleTest {
 protected:
  struct Graph {
    std::vector<double> vec, atoms;
  };
  // the global vector and the per-atom array of `compute bg <group> <style> <args>` after `setup`
  // and `run <steps>` (thermo every `every` steps evaluates it during the run)
  Graph bgraph(const std::vector<std::string> &kokkos_args, const std::vector<std::string> &setup,
               const std::string &style, const std::string &args, int steps = 0,
               const std::string &group = "all") {
    open(MPI_COMM_WORLD, kokkos_args);
    commands(setup);
    commands({"suffix off", "compute bg " + group + " " + style + " " + args, "suffix on",
              "thermo_style custom step pe c_bg[1] c_bg[2] c_bg[3] c_bg[6]", "thermo 25",
              "run " + std::to_string(steps) + " post no"});
    Graph g{compute_vector("bg", 6), gather_peratom("c_bg", 2)};
    close();
    return g;
  }
};

// the device kNN, adjacency, union-find and labels give the plain compute's numbers exactly: the
// six metrics and every atom's component ID and degree; both link rules, k 1-4, the cutoff
// keyword, normalize, a subset group, a dynamic group, 3D; on 1 thread and on 2
TEST_F(BGraphKokkosTest, EqualsThePlainCompute) {
  auto ka2d_md = [](int seed) {
    auto setup = ka2d(24, seed);
    setup.insert(setup.end(), {"run 200 post no", "region left block INF 12 INF INF INF INF",
                               "group left region left",
                               "group moving dynamic all region left every 1"});
    return setup;
  };
  struct Case {
    std::vector<std::string> setup;
    std::string args, group;
  };
  const std::vector<Case> cases = {
      {ka2d_md(777), "", "all"},
      {ka2d_md(778), "k 3 rule symmetric", "all"},
      {ka2d_md(779), "k 1 normalize yes", "all"},
      {ka2d_md(780), "k 4 rule symmetric cutoff 2.0", "all"},
      {ka2d_md(781), "k 2", "left"},
      {ka2d_md(782), "k 2 rule symmetric", "moving"},
      {lj3d(11), "btype 1 k 3", "all"},
  };
  for (const std::string threads : {"1", "2"}) {
    const std::vector<std::string> args = {"-k", "on", "t", threads, "-sf", "kk"};
    for (const auto &c : cases) {
      SCOPED_TRACE("threads " + threads + ", group " + c.group + ", " + c.args);
      const Graph plain = bgraph(args, c.setup, "bgraph", c.args, 0, c.group);
      const Graph kk = bgraph(args, c.setup, "bgraph/kk", c.args, 0, c.group);
      EXPECT_GT(plain.vec[4], 0.0);  // links
      EXPECT_EQ(kk.vec, plain.vec);
      EXPECT_EQ(kk.atoms, plain.atoms);
    }
  }
}

// evaluated during MD (atoms migrate between ranks and cross the periodic boundaries) and after
// it: the same metrics and per-atom values as the plain compute along the same trajectory
TEST_F(BGraphKokkosTest, EqualsThePlainComputeAfterMigration) {
  const std::vector<std::string> args = {"-k", "on", "t", "2", "-sf", "kk"};
  const Graph plain = bgraph(args, ka2d(16, 4321), "bgraph", "k 2", 200);
  const Graph kk = bgraph(args, ka2d(16, 4321), "bgraph/kk", "k 2", 200);
  EXPECT_GT(plain.vec[0], 0.0);
  EXPECT_EQ(kk.vec, plain.vec);
  EXPECT_EQ(kk.atoms, plain.atoms);
}

// bad input: the plain compute's errors, word for word
TEST_F(BGraphKokkosTest, SameErrorsAsThePlainCompute) {
  auto error_with = [&](const std::string &style) {
    return run_error(ka2d(12, 5), {"compute bg all " + style + " k 3 cutoff 0.5",
                                   "thermo_style custom step c_bg[1]"});
  };
  const std::string plain = error_with("bgraph"), kk = error_with("bgraph/kk");
  EXPECT_NE(plain.find("group neighbours within cutoff"), std::string::npos) << plain;
  EXPECT_EQ(kk, plain);
}

// ---- compute glass/mpnn/kk ------------------------------------------------------------------

class GlassKokkosTest : public KokkosStyleTest {
 protected:
  // a small untrained D-MPNN (2D, two types, k 2, windows 0.25 of the box), written by rank 0
  static std::string write_model(const std::string &stem, bool attention, bool periodic,
                                 const std::string &features) {
    const std::string path = scratch_file(stem);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0) {
      mlglass::DmpnnConfig cfg;
      cfg.node_dim = mlglass::node_feature_dim(features == "type"
                                                   ? mlglass::NodeFeatures::type_onehot
                                                   : mlglass::NodeFeatures::type_xy,
                                               2, 2);
      cfg.hidden = 24;
      cfg.ffn_hidden = 16;
      cfg.depth = 3;
      cfg.attention = attention;
      cfg.seed = 11;
      auto model = mlglass::make_dmpnn(cfg);
      nlohmann::json meta = {{"format", "mlglass-dmpnn"}, {"format_version", 1}, {"k", 2},
                             {"window", {{"side", 0.25}, {"side_is_fraction", true},
                                         {"periodic", periodic}, {"offsets", "independent"}}},
                             {"node_features", features}, {"ntypes", 2}, {"dimension", 2},
                             {"attention", attention}, {"readout", "mean"},
                             {"validation_auc", 0.5}};
      mlglass::save_model(model, path, meta.dump());
    }
    MPI_Barrier(MPI_COMM_WORLD);
    return path;
  }
  struct Classes {
    std::vector<double> vec, atoms;
  };
  // the global vector (n values) and the per-atom values (cols) of `compute cls all <style> args`
  Classes classify(const std::vector<std::string> &kokkos_args,
                   const std::vector<std::string> &setup, const std::string &style,
                   const std::string &args, int n, int cols, int steps = 0) {
    open(MPI_COMM_WORLD, kokkos_args);
    commands(setup);
    commands({"suffix off", "compute cls all " + style + " " + args, "suffix on",
              "thermo_style custom step pe c_cls c_cls[1]", "thermo 25",
              "run " + std::to_string(steps) + " post no"});
    Classes c{compute_vector("cls", n), gather_peratom("c_cls", cols)};
    close();
    return c;
  }
};

// the device windows, graphs and batches give the plain compute's P(glass) exactly: the summary,
// every window (perwindow yes) and every atom; the shipped model (periodic windows of 12 sigma,
// overlapping tiles, several windows per model call, another window side) and small models with
// attention, windows that do not wrap, and type+position node features; 1 and 2 threads
TEST_F(GlassKokkosTest, EqualsThePlainCompute) {
  const std::string shipped = MLGLASS_SOURCE_DIR "/potentials/ka2d-dmpnn.pt";
  const std::string att = write_model("kk-att.pt", true, true, "type");
  const std::string flat = write_model("kk-flat.pt", false, false, "type+xy");
  auto ka2d_md = [](int seed) {
    auto setup = ka2d(24, seed);
    setup.push_back("run 100 post no");
    return setup;
  };
  struct Case {
    std::string args;
    int n, cols;
  };
  const std::vector<Case> cases = {
      {shipped, 6, 1},
      {shipped + " stride 6 batch 3 perwindow yes", 6 + 16, 1},
      {shipped + " window 9 batch 2 perwindow yes", 6 + 9, 1},
      {att + " attention yes perwindow yes", 6 + 16, 2},
      {flat + " stride 0.125 batch 5", 6, 1},
  };
  for (const std::string threads : {"1", "2"}) {
    const std::vector<std::string> args = {"-k", "on", "t", threads, "-sf", "kk"};
    for (const auto &c : cases) {
      SCOPED_TRACE("threads " + threads + ": " + c.args);
      const Classes plain = classify(args, ka2d_md(31), "glass/mpnn", c.args, c.n, c.cols);
      const Classes kk = classify(args, ka2d_md(31), "glass/mpnn/kk", c.args, c.n, c.cols);
      EXPECT_GT(plain.vec[5], 0.0);  // windows
      EXPECT_EQ(kk.vec, plain.vec);
      EXPECT_EQ(kk.atoms, plain.atoms);
    }
  }
}

// evaluated every 25 steps during MD (atoms migrate and wrap): the same values at the end
TEST_F(GlassKokkosTest, EqualsThePlainComputeAfterMigration) {
  const std::string shipped = MLGLASS_SOURCE_DIR "/potentials/ka2d-dmpnn.pt";
  const std::vector<std::string> args = {"-k", "on", "t", "2", "-sf", "kk"};
  const Classes plain = classify(args, ka2d(24, 4321), "glass/mpnn", shipped, 6, 1, 100);
  const Classes kk = classify(args, ka2d(24, 4321), "glass/mpnn/kk", shipped, 6, 1, 100);
  EXPECT_EQ(kk.vec, plain.vec);
  EXPECT_EQ(kk.atoms, plain.atoms);
}

// a window with no more than k atoms: the plain compute's error, word for word
TEST_F(GlassKokkosTest, SameErrorsAsThePlainCompute) {
  auto error_with = [&](const std::string &style) {
    return run_error(ka2d(24, 5), {"group few id <= 10",
                                   "compute cls few " + style + " " MLGLASS_SOURCE_DIR
                                   "/potentials/ka2d-dmpnn.pt window 5",
                                   "thermo_style custom step c_cls"});
  };
  const std::string plain = error_with("glass/mpnn"), kk = error_with("glass/mpnn/kk");
  EXPECT_NE(plain.find("not more than k = 2"), std::string::npos) << plain;
  EXPECT_EQ(kk, plain);
}

// where no /kk style exists (the plugin, a LAMMPS without KOKKOS), naming one is LAMMPS' usual
// error for an unknown style, with or without -k on
TEST_F(LammpsTest, KokkosStyleWhereThereIsNoneIsLammpsUsualError) {
  if (lammps_has_style(lmp, "fix", "inherent/kk"))
    GTEST_SKIP() << "this LAMMPS has fix inherent/kk (ML-GLASS in-tree with KOKKOS)";
  commands(ka2d(8, 1));
  const std::string msg = error_of("fix is all inherent/kk 10");
  EXPECT_NE(msg.find("Unrecognized fix style"), std::string::npos) << msg;
  EXPECT_NE(msg.find("inherent/kk"), std::string::npos) << msg;
}

// a /kk style needs -k on: the style's own error, not a crash
TEST_F(KokkosStyleTest, KokkosStyleWithoutKokkosEnabledIsAnError) {
  open();
  commands(ka2d(8, 1));
  std::string msg = error_of("fix is all inherent/kk 10");
  EXPECT_NE(msg.find("Fix inherent/kk needs the KOKKOS package enabled at run time (-k on)"),
            std::string::npos)
      << msg;
  msg = error_of("compute cls all glass/mpnn/kk " MLGLASS_SOURCE_DIR "/potentials/ka2d-dmpnn.pt");
  EXPECT_NE(msg.find("Compute glass/mpnn/kk needs the KOKKOS package enabled at run time"),
            std::string::npos)
      << msg;
  msg = error_of("compute bg all bgraph/kk");
  EXPECT_NE(msg.find("Compute bgraph/kk needs the KOKKOS package enabled at run time (-k on); "
                     "without it use compute bgraph"),
            std::string::npos)
      << msg;
}

}  // namespace
