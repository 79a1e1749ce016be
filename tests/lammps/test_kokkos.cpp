// The plain ML-GLASS styles in a KOKKOS LAMMPS run with `-k on -sf kk` (KOKKOS pair style, atom
// style and integrators, the ML-GLASS styles on host data): the same inherent-structure energy,
// the same B-graph metrics and the same P(glass) as a plain run of the same configuration, and an
// MD trajectory with fix inherent bit-identical to one without it. ctest runs this binary on 1, 2
// and 4 ranks. Skipped when LAMMPS has no KOKKOS package.
#include "lammps_fixture.h"

#include "force.h"

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

}  // namespace
