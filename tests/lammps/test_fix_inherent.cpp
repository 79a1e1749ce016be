// fix inherent inside LAMMPS: the MD trajectory is bit-identical to a run without the fix, the
// quench equals `minimize` with min_style fire and cg (both line searches), results do not depend
// on the rank count, restart
// continues the schedule, and bad input gets clear errors. ctest runs this binary on 1, 2, 4 ranks.
#include "lammps_fixture.h"

#include "min.h"
#include "output.h"
#include "thermo.h"
#include "update.h"

#include <sys/resource.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

// ka2d_small: for tests that quench many times on up to 4 oversubscribed ranks, where every FIRE
// iteration's global reductions are slow
enum class System { ka2d, ka2d_small, lj3d };

std::vector<std::string> system_commands(System s, int seed = 4321) {
  const std::string sd = std::to_string(seed);
  if (s != System::lj3d)
    return {"units lj", "dimension 2", "atom_style atomic", "lattice sq 1.2",
            s == System::ka2d ? "region box block 0 20 0 20 -0.5 0.5"
                              : "region box block 0 12 0 12 -0.5 0.5", "create_box 2 box", "create_atoms 1 box",
            "set type 1 type/ratio 2 0.35 " + sd, "include " MLGLASS_SOURCE_DIR "/potentials/KA2D.lj",
            "velocity all create 2.0 " + sd + " dist gaussian", "fix md all nvt temp 1.0 1.0 0.5",
            "fix 2d all enforce2d", "fix mom all momentum 1 linear 1 1 0", "timestep 0.005"};
  return {"units lj", "atom_style atomic", "lattice fcc 0.8442", "region box block 0 5 0 5 0 5",
          "create_box 1 box", "create_atoms 1 box", "mass 1 1.0", "pair_style lj/cut 2.5",
          "pair_coeff 1 1 1.0 1.0 2.5", "velocity all create 1.5 " + sd + " dist gaussian",
          "fix md all nvt temp 1.2 1.2 0.5", "timestep 0.005"};
}

class FixInherentTest : public LammpsTest {
 protected:
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
  std::vector<double> fix_vector(const std::string &id) {
    std::vector<double> out;
    for (int i = 0; i < 8; ++i) {
      auto *p = static_cast<double *>(lammps_extract_fix(lmp, id.c_str(), 0, 1, i, 0));
      out.push_back(p ? *p : NAN);
      lammps_free(p);
    }
    return out;
  }
};

// ---- trajectory ------------------------------------------------------------------------------

// the minimiser a test runs: fix inherent's keywords and the matching LAMMPS min_style commands
struct Minimizer {
  std::string name, fix_keywords;
  std::vector<std::string> lammps;
};
const Minimizer kFire{"fire", "", {"min_style fire"}};
const Minimizer kCg{"cg", " min cg shift no", {"min_style cg"}};
const Minimizer kCgBacktrack{"cg_backtrack", " min cg line backtrack shift no",
                            {"min_style cg", "min_modify line backtrack"}};
// the default of min cg: line searches on the energy shifted to zero at the cutoff
const Minimizer kCgShift{"cg_shift", " min cg", {"pair_modify shift yes", "min_style cg"}};

class Trajectory : public FixInherentTest,
                   public ::testing::WithParamInterface<std::tuple<System, Minimizer>> {};

TEST_P(Trajectory, BitIdenticalWithAndWithoutQuenches) {
  const auto [system, minimizer] = GetParam();
  auto run = [&, system = system, minimizer = minimizer](bool with_fix) {
    commands(system_commands(system));
    if (with_fix) command("fix is all inherent 50" + minimizer.fix_keywords);
    // energies and pressure at the quench steps come from the MD, not from the minimum
    commands({"fix avg all ave/time 50 1 50 c_thermo_pe c_thermo_press", "thermo 50",
              "run 200 post no"});
    auto s = state();
    auto *pe = static_cast<double *>(lammps_extract_fix(lmp, "avg", 0, 1, 0, 0));
    auto *press = static_cast<double *>(lammps_extract_fix(lmp, "avg", 0, 1, 1, 0));
    std::vector<double> thermo = {*pe, *press};
    lammps_free(pe);
    lammps_free(press);
    const double quenches = with_fix ? fix_vector("is")[7] : 0.0;
    close();
    open();
    return std::make_tuple(s, thermo, quenches);
  };
  auto [with, thermo_with, quenches] = run(true);
  auto [without, thermo_without, none] = run(false);
  EXPECT_EQ(quenches, 5.0);  // steps 0, 50, 100, 150, 200
  EXPECT_EQ(with.x, without.x);
  EXPECT_EQ(with.v, without.v);
  EXPECT_EQ(with.image, without.image);
  EXPECT_EQ(thermo_with, thermo_without);
}

std::string param_name(const ::testing::TestParamInfo<std::tuple<System, Minimizer>> &info) {
  const System s = std::get<0>(info.param);
  return std::string(s == System::lj3d ? "lj3d" : "ka2d") + "_" + std::get<1>(info.param).name;
}

INSTANTIATE_TEST_SUITE_P(Lammps, Trajectory,
                         ::testing::Combine(::testing::Values(System::ka2d, System::lj3d),
                                            ::testing::Values(kFire, kCg, kCgShift)),
                         param_name);

// ---- equivalence with `minimize` -------------------------------------------------------------

class Equivalence : public FixInherentTest,
                    public ::testing::WithParamInterface<std::tuple<System, Minimizer>> {};

TEST_P(Equivalence, SameEnergyIterationsAndStopAsMinimize) {
  const auto [system, minimizer] = GetParam();
  commands(system_commands(system));
  commands({"fix is all inherent 100 etol 0.0 ftol 1e-8 maxiter 100000 maxeval 1000000" +
                minimizer.fix_keywords,
            "run 100 post no"});
  const auto v = fix_vector("is");
  const auto is_x = gather_peratom("f_is", 3);
  close();
  open();
  commands(system_commands(system));
  command("run 100 post no");
  commands(minimizer.lammps);
  command("minimize 0.0 1e-8 100000 1000000");
  LAMMPS_NS::Min *min = lmp->update->minimize;
  const double norm = lmp->output->thermo->normflag ? 1.0 : 1.0 / natoms();
  const double eis_atom = min->efinal * norm;
  EXPECT_NEAR(v[0], eis_atom, 1e-10 * std::fabs(eis_atom));
  EXPECT_EQ(v[2], double(min->niter));
  EXPECT_EQ(v[3], double(min->neval));
  EXPECT_EQ(v[5], double(min->stop_condition));
  if (minimizer.name == "fire") {
    EXPECT_EQ(v[5], 3.0);  // force tolerance
  }
  EXPECT_NEAR(v[1], v[0] * natoms(), 1e-9 * std::fabs(v[1]));
  // the per-atom IS coordinates are the minimised positions, wrapped into the box
  const auto x = gather_x();
  double lo[3], hi[3], xy, yz, xz;
  int per[3], changed;
  lammps_extract_box(lmp, lo, hi, &xy, &yz, &xz, per, &changed);
  double worst = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const int d = i % 3;
    const double len = hi[d] - lo[d];
    double diff = x[i] - is_x[i];
    diff -= len * std::nearbyint(diff / len);
    worst = std::max(worst, std::fabs(diff));
  }
  EXPECT_LT(worst, 1e-9);
}

INSTANTIATE_TEST_SUITE_P(Lammps, Equivalence,
                         ::testing::Combine(::testing::Values(System::ka2d, System::lj3d),
                                            ::testing::Values(kFire, kCg, kCgBacktrack)),
                         param_name);

// min cg shift yes: the quench is `minimize` with `pair_modify shift yes` (same iterations,
// evaluations, stop, positions), and E_IS is the energy of the unshifted potential there.
class ShiftedCg : public FixInherentTest, public ::testing::WithParamInterface<System> {};

TEST_P(ShiftedCg, QuenchesTheShiftedEnergyAndReportsTheUnshiftedOne) {
  const System system = GetParam();
  commands(system_commands(system));
  // with and without per-atom energies: two ways to the energy of the unshifted potential
  commands({"fix is all inherent 100 ftol 1e-8 min cg energy yes",
            "fix is2 all inherent 100 ftol 1e-8 min cg", "run 100 post no"});
  const auto v = fix_vector("is");
  EXPECT_EQ(fix_vector("is2")[1], v[1]);
  const auto is = gather_peratom("f_is", 4);
  // the pair style is unshifted again: the MD state's energy is that without the fix
  const double pe_after = *static_cast<double *>(lammps_extract_compute(lmp, "thermo_pe", 0, 0));
  close();
  open();
  commands(system_commands(system));
  command("run 100 post no");
  const double pe_md = *static_cast<double *>(lammps_extract_compute(lmp, "thermo_pe", 0, 0));
  commands({"pair_modify shift yes", "min_style cg", "minimize 0.0 1e-8 100000 1000000"});
  LAMMPS_NS::Min *min = lmp->update->minimize;
  const double niter = min->niter, neval = min->neval, stop = min->stop_condition;
  const double eshifted = min->efinal;
  commands({"pair_modify shift no", "run 0 post no"});
  const double eunshifted = *static_cast<double *>(lammps_extract_compute(lmp, "thermo_pe", 0, 0));
  EXPECT_EQ(pe_after, pe_md);
  EXPECT_EQ(v[2], niter);
  EXPECT_EQ(v[3], neval);
  EXPECT_EQ(v[5], stop);
  EXPECT_EQ(v[5], 3.0);  // force tolerance: converged
  EXPECT_NEAR(v[1], eunshifted, 1e-9 * std::fabs(eunshifted));
  EXPECT_LT(v[1], eshifted * (lmp->output->thermo->normflag ? natoms() : 1) - 1.0);
  double sum = 0.0;  // per-atom energies of the unshifted potential too
  for (long i = 0; i < natoms(); ++i) sum += is[4 * i + 3];
  EXPECT_NEAR(sum, v[1], 1e-9 * std::fabs(v[1]));
}

INSTANTIATE_TEST_SUITE_P(Lammps, ShiftedCg, ::testing::Values(System::ka2d, System::lj3d),
                         [](const ::testing::TestParamInfo<System> &info) {
                           return std::string(info.param == System::lj3d ? "lj3d" : "ka2d");
                         });

TEST_F(FixInherentTest, ShiftNeedsOneShiftSettingForThePairStyle) {
  commands(system_commands(System::lj3d));
  commands({"pair_style hybrid lj/cut 2.5", "pair_coeff 1 1 lj/cut 1.0 1.0 2.5",
            "fix is all inherent 10 min cg"});
  EXPECT_LAMMPS_ERROR("run 0 post no",
                      "min cg shift yes cannot shift the energy: pair style hybrid keeps one "
                      "shift setting per sub-style");
  commands({"unfix is", "fix is all inherent 10 min cg shift no", "run 0 post no"});
  EXPECT_EQ(fix_vector("is")[7], 1.0);
}

// ---- rank-count independence -------------------------------------------------------------------

class RankCount : public FixInherentTest, public ::testing::WithParamInterface<Minimizer> {};

TEST_P(RankCount, SameEnergyOnOneRankAsOnAll) {
  const Minimizer minimizer = GetParam();
  // One liquid configuration, quenched at setup by all ranks and by rank 0 alone. (Comparing MD
  // runs would compare different configurations: trajectories diverge at round-off between rank
  // counts.)
  const std::string data = scratch_file("liquid.data");
  commands(system_commands(System::ka2d_small));
  commands({"run 100 post no", "write_data " + data + " nocoeff"});
  auto eis = [&](LAMMPS_NS::LAMMPS *l) {
    for (const auto &c : {std::string("units lj"), std::string("dimension 2"),
                          std::string("atom_style atomic"), "read_data " + data,
                          std::string("include " MLGLASS_SOURCE_DIR "/potentials/KA2D.lj"),
                          // CG needs a continuous energy to converge (doc/fix_inherent.rst)
                          std::string(minimizer.name == "fire" ? "" : "pair_modify shift yes"),
                          std::string("fix 2d all enforce2d"),
                          "fix is all inherent 1000" + minimizer.fix_keywords,
                          std::string("run 0 post no")})
      l->input->one(c);
    auto *p = static_cast<double *>(lammps_extract_fix(l, "is", 0, 1, 0, 0));
    const double e = *p;
    lammps_free(p);
    return e;
  };
  close();
  open();
  const double all = eis(lmp);
  close();  // LAMMPS keeps one process-wide plugin registry: one instance at a time
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  double one = 0.0;
  if (rank == 0) {
    auto *single = make_lammps(MPI_COMM_SELF);
    one = eis(single);
    delete single;
    std::remove(data.c_str());
  }
  MPI_Bcast(&one, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  open();
  EXPECT_NEAR(all, one, 1e-10 * std::fabs(one)) << "on " << nprocs() << " ranks";
  EXPECT_LT(one, minimizer.name == "fire" ? -3.5 : -3.3);  // shifted: every pair gains -V(rc)
}

INSTANTIATE_TEST_SUITE_P(Lammps, RankCount, ::testing::Values(kFire, kCg),
                         [](const ::testing::TestParamInfo<Minimizer> &info) {
                           return info.param.name;
                         });

// ---- the steepest-descent flow reference -------------------------------------------------------

// The accurately integrated steepest-descent path ends in a minimum (whether FIRE finds the same
// one depends on the configuration; on this young liquid it often does not: bench/README.md).
TEST_F(FixInherentTest, FlowReachesAMinimum) {
  commands(system_commands(System::ka2d_small));
  commands({"run 100 post no", "reset_timestep 0", "fix fire all inherent 1000",
            "fix flow all inherent 1000 min flow ftol 1e-3 flowtol 1e-2", "run 0 post no"});
  const auto fire = fix_vector("fire");
  const auto flow = fix_vector("flow");
  EXPECT_EQ(flow[5], 3.0);  // force tolerance
  EXPECT_LT(flow[4], 1e-3);
  EXPECT_EQ(flow[3], 3.0 * flow[2]);  // three evaluations per step
  EXPECT_LT(flow[0], -3.4);
  EXPECT_LT(fire[0], -3.4);
  EXPECT_LAMMPS_ERROR("fix bad all inherent 10 flowtol 1e-3",
                      "keyword 'flowtol' applies to min flow only, not to min fire");
  EXPECT_LAMMPS_ERROR("fix bad all inherent 10 min flow flowtol 0", "flowtol must be > 0");
}

// ---- restart -----------------------------------------------------------------------------------

class Restart : public FixInherentTest, public ::testing::WithParamInterface<Minimizer> {};

TEST_P(Restart, ContinuesScheduleAndValues) {
  const Minimizer minimizer = GetParam();
  const std::string fix = "fix is all inherent 50" + minimizer.fix_keywords;
  const std::string file = scratch_file("inherent.restart");
  commands(system_commands(System::ka2d_small));
  commands({fix, "run 100 post no", "write_restart " + file, "run 100 post no"});
  const auto straight = fix_vector("is");
  close();
  open();
  commands({"read_restart " + file, "include " MLGLASS_SOURCE_DIR "/potentials/KA2D.lj",
            "fix md all nvt temp 1.0 1.0 0.5", "fix 2d all enforce2d",
            "fix mom all momentum 1 linear 1 1 0", "timestep 0.005", fix});
  const auto restored = fix_vector("is");
  EXPECT_EQ(restored[6], 100.0);  // last quench step survives the restart
  EXPECT_EQ(restored[7], 3.0);    // quenches at 0, 50, 100
  EXPECT_NE(restored[0], 0.0);
  command("run 100 post no");     // no repeat quench at step 100, then 150 and 200
  const auto resumed = fix_vector("is");
  EXPECT_EQ(resumed[6], straight[6]);
  EXPECT_EQ(resumed[7], straight[7]);
  EXPECT_NEAR(resumed[0], straight[0], 1e-8 * std::fabs(straight[0]));
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) std::remove(file.c_str());
}

INSTANTIATE_TEST_SUITE_P(Lammps, Restart, ::testing::Values(kFire, kCgShift),
                         [](const ::testing::TestParamInfo<Minimizer> &info) {
                           return info.param.name;
                         });

// ---- outputs -----------------------------------------------------------------------------------

TEST_F(FixInherentTest, FileHasOneLinePerQuenchAndPerAtomEnergiesSumToTotal) {
  const std::string file = scratch_file("inherent.dat");
  commands(system_commands(System::ka2d));
  commands({"fix is all inherent 40 energy yes file " + file, "run 80 post no"});
  const auto v = fix_vector("is");
  const auto cols = gather_peratom("f_is", 4);
  double sum = 0.0;
  for (long i = 0; i < natoms(); ++i) sum += cols[4 * i + 3];
  EXPECT_NEAR(sum, v[1], 1e-9 * std::fabs(v[1]));
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) {
    std::ifstream in(file);
    std::string line;
    std::vector<std::string> rows;
    while (std::getline(in, line))
      if (!line.empty() && line[0] != '#') rows.push_back(line);
    ASSERT_EQ(rows.size(), 3u);  // steps 0, 40, 80
    std::istringstream last(rows.back());
    double step, temp, eis_atom, eis_total, iters, evals, fnorm, reason;
    last >> step >> temp >> eis_atom >> eis_total >> iters >> evals >> fnorm >> reason;
    EXPECT_EQ(step, 80.0);
    EXPECT_GT(temp, 0.0);
    EXPECT_NEAR(eis_atom, v[0], 1e-9 * std::fabs(v[0]));
    EXPECT_EQ(iters, v[2]);
    EXPECT_EQ(reason, 3.0);
    std::remove(file.c_str());
  }
}

// A full disk must stop the run, not leave a file that silently ends early (/dev/full accepts the
// open and fails every write with ENOSPC).
TEST_F(FixInherentTest, WriteErrorsStopTheRunNamingTheFile) {
  commands(system_commands(System::ka2d_small));
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 file /dev/full",
                      "Fix inherent: cannot write to file '/dev/full': No space left on device");
  // the disk fills up later: the header fits under the file size limit, the first line does not
  const std::string file = scratch_file("full.dat");
  command("fix is all inherent 10 file " + file);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  rlimit saved{};
  getrlimit(RLIMIT_FSIZE, &saved);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);  // writes past the limit fail with EFBIG
  if (rank == 0) {
    std::ifstream in(file, std::ios::ate);
    rlimit tight = saved;
    tight.rlim_cur = rlim_t(in.tellg()) + 8;
    setrlimit(RLIMIT_FSIZE, &tight);
  }
  const std::string msg = error_of("run 0 post no");
  setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_NE(msg.find("cannot write to file '" + file + "' (quench at step 0): File too large"),
            std::string::npos)
      << msg;
  if (rank == 0) std::remove(file.c_str());
}

// Atoms pushed out through a non-periodic boundary during the quench cannot be put back: a clear
// collective error with the count, not a per-rank internal message or an abort.
TEST_F(FixInherentTest, AtomsLostInTheQuenchStopTheRunWithTheCount) {
  commands({"units lj", "atom_style atomic", "boundary f p p", "region box block 0 10 0 10 0 10",
            "create_box 1 box", "create_atoms 1 single 0.05 5 5", "create_atoms 1 single 0.6 5 5",
            "create_atoms 1 single 9.7 5 5", "create_atoms 1 single 9.95 5 5", "mass 1 1.0",
            "pair_style lj/cut 2.5", "pair_coeff 1 1 1.0 1.0 2.5", "thermo_modify lost ignore",
            "fix is all inherent 10"});
  EXPECT_LAMMPS_ERROR("run 0 post no",
                      "Fix inherent: 3 of 4 atoms were lost during the quench at step 0");
}

// An empty group has nothing to quench: an error, not the unrelaxed energy reported as E_IS.
TEST_F(FixInherentTest, EmptyGroupIsAnError) {
  commands(system_commands(System::ka2d_small));
  commands({"region nowhere block 100 101 100 101 -0.5 0.5", "group none region nowhere",
            "fix is none inherent 10"});
  EXPECT_LAMMPS_ERROR("run 0 post no", "Fix inherent: group 'none' has no atoms at step 0");
}

TEST_F(FixInherentTest, MaxiterIsReportedNotHidden) {
  commands(system_commands(System::ka2d));
  commands({"fix is all inherent 100 maxiter 5", "run 0 post no"});
  const auto v = fix_vector("is");
  EXPECT_EQ(v[2], 5.0);
  EXPECT_EQ(v[5], 0.0);  // stop reason: max iterations
}

TEST_F(FixInherentTest, AtomsOutsideTheGroupStayPut) {
  commands(system_commands(System::ka2d));
  commands({"region left block INF 8 INF INF INF INF", "group left region left",
            "fix is left inherent 100", "run 0 post no"});
  const auto is_x = gather_peratom("f_is", 3);
  const auto x = gather_x();
  std::vector<int> mask(natoms());
  lammps_gather_atoms(lmp, const_cast<char *>("mask"), 0, 1, mask.data());
  int moved_outside = 0, moved_inside = 0;
  for (long i = 0; i < natoms(); ++i) {
    const bool in_group = mask[i] & 2;  // group "left" is the second group
    const double d = std::fabs(is_x[3 * i] - x[3 * i]) + std::fabs(is_x[3 * i + 1] - x[3 * i + 1]);
    if (!in_group && d > 1e-12) ++moved_outside;
    if (in_group && d > 1e-6) ++moved_inside;
  }
  EXPECT_EQ(moved_outside, 0);
  EXPECT_GT(moved_inside, 0);
}

// ---- bad input ---------------------------------------------------------------------------------

TEST_F(FixInherentTest, BadArgumentsGiveClearErrors) {
  commands(system_commands(System::ka2d));
  EXPECT_LAMMPS_ERROR("fix is all inherent", "missing N");
  EXPECT_LAMMPS_ERROR("fix is all inherent 0", "N must be > 0, got 0");
  EXPECT_LAMMPS_ERROR("fix is all inherent -10", "N must be > 0, got -10");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 tolerance 1", "unknown keyword 'tolerance'");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 etol -1", "etol must be >= 0");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 ftol -1e-8", "ftol must be >= 0");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 maxiter 0", "maxiter must be >= 1");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 maxeval 0", "maxeval must be >= 1");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 integrator rk4", "integrator 'rk4' unknown");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 dtgrow 0.5", "dtgrow has to be larger than 1.0");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 energy maybe", "energy expects yes or no");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 halfstepback y",
                      "Fix inherent: halfstepback expects yes or no (also on/off, true/false, "
                      "1/0), got 'y'");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 ftol", "missing value for keyword 'ftol'");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 min sd", "min 'sd' unknown (fire, cg, flow)");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 min cg line forcezero",
                      "line 'forcezero' unknown (quadratic, backtrack)");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 dtgrow 1.2 min cg",
                      "keyword 'dtgrow' applies to min fire only, not to min cg");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 shift yes",
                      "keyword 'shift' applies to min cg only, not to min fire");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 min flow line backtrack",
                      "keyword 'line' applies to min cg only, not to min flow");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 min cg shift maybe", "shift expects yes or no");
  EXPECT_LAMMPS_ERROR("fix is all inherent 10 file /nonexistent/dir/is.dat",
                      "cannot open file '/nonexistent/dir/is.dat'");
}

TEST_F(FixInherentTest, NeedsAPairStyleWithEnergies) {
  commands({"units lj", "atom_style atomic", "lattice fcc 0.8442", "region box block 0 3 0 3 0 3",
            "create_box 1 box", "create_atoms 1 box", "mass 1 1.0", "fix is all inherent 10"});
  EXPECT_LAMMPS_ERROR("run 0 post no", "needs a pair style that computes forces and energies");
  commands({"pair_style lj/cut 2.5", "pair_coeff 1 1 1.0 1.0 2.5", "pair_modify compute no"});
  EXPECT_LAMMPS_ERROR("run 0 post no", "needs a pair style that computes forces and energies");
}

TEST_F(FixInherentTest, RefusesBoxChangingRuns) {
  commands(system_commands(System::lj3d));
  commands({"unfix md", "fix md all npt temp 1.0 1.0 0.5 iso 1.0 1.0 5.0",
            "fix is all inherent 10"});
  EXPECT_LAMMPS_ERROR("run 0 post no", "cannot be used while the box changes");
}

}  // namespace
