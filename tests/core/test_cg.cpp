// Conjugate gradients in the core library: exact on a quadratic bowl (n line searches for n
// degrees of freedom), both line searches converge on a Lennard-Jones cluster with far fewer force
// evaluations than FIRE, evaluation counts and stop reasons are reported honestly. (Equality with
// LAMMPS' own `minimize` with min_style cg is tested in tests/lammps/test_fix_inherent.cpp.)
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cg.h"
#include "fire.h"
#include "lj_cluster.h"

using namespace mlglass;
using mlglass::testing::ArraySystem;
using mlglass::testing::LjCluster;

namespace {

// E = E0 + sum_i k_i x_i^2 / 2 over 3 n coordinates with three distinct stiffnesses. The offset E0
// keeps energies away from zero as in a real system: the quadratic line search judges its model
// by the error relative to the energy.
class Bowl : public ArraySystem {
 public:
  explicit Bowl(int n) : ArraySystem(n), k_(3 * n) {
    for (int i = 0; i < 3 * n; ++i) {
      // line minima at alpha < 1 = ALPHA_MAX: the secant steps stay inside the search interval
      k_[i] = 2.0 + 0.37 * (i % 3);
      x_[i] = 0.01 * std::cos(1.0 + i);
    }
  }
  double energy_force() override {
    double e = -10.0;
    for (size_t i = 0; i < x_.size(); ++i) {
      f_[i] = -k_[i] * x_[i];
      e += 0.5 * k_[i] * x_[i] * x_[i];
    }
    return e;
  }

 private:
  std::vector<double> k_;
};

// Exact line searches make CG converge on a quadratic in as many iterations as the Hessian has
// distinct eigenvalues (before LAMMPS' restart every ndof iterations); a wrong beta or a line
// search that is not exact would not.
TEST(Cg, QuadraticBowlNeedsOneLineSearchPerDistinctStiffness) {
  Bowl b(4);  // 12 degrees of freedom, 3 distinct stiffnesses
  CgParams p;
  p.ftol = 1e-12;
  const auto r = cg_minimize(b, p, b.energy_force());
  EXPECT_EQ(r.reason, StopReason::force_tolerance);
  EXPECT_EQ(r.iterations, 3);
  EXPECT_NEAR(r.energy_final, -10.0, 1e-14);
}

TEST(Cg, BothLineSearchesConvergeOnAClusterWithFewerEvaluationsThanFire) {
  for (unsigned seed = 1; seed <= 4; ++seed) {
    LjCluster fire_cluster(16, seed);
    FireParams fp;
    fp.ftol = 1e-8;
    const auto fire = fire_minimize(fire_cluster, fp, 0.005, fire_cluster.energy_force());
    ASSERT_EQ(fire.reason, StopReason::force_tolerance);
    for (LineSearch ls : {LineSearch::quadratic, LineSearch::backtrack}) {
      LjCluster c(16, seed);
      const double e0 = c.energy_force();
      CgParams p;
      p.ftol = 1e-8;
      p.linesearch = ls;
      const auto r = cg_minimize(c, p, e0);
      const bool stopped_cleanly = converged(r.reason) || r.reason == StopReason::zero_alpha ||
                                   r.reason == StopReason::zero_quadratic;
      EXPECT_TRUE(stopped_cleanly) << stop_reason_name(r.reason);
      EXPECT_LT(r.energy_final, e0);
      if (ls == LineSearch::quadratic) {
        EXPECT_EQ(r.reason, StopReason::force_tolerance) << "seed " << seed;
        EXPECT_LT(r.fnorm2_final, 1e-8);
        EXPECT_LT(r.evaluations, fire.evaluations) << "seed " << seed;
      }
      // setup-evaluation and the final re-evaluation of Min::run are not counted
      EXPECT_EQ(c.evaluations, r.evaluations + 2);
      EXPECT_NEAR(r.energy_final, c.energy_force(), 1e-12);
    }
  }
}

TEST(Cg, LimitsAndToleranceStopsAreReported) {
  {
    LjCluster c(16, 2);
    CgParams p;
    p.maxiter = 3;
    const auto r = cg_minimize(c, p, c.energy_force());
    EXPECT_EQ(r.reason, StopReason::max_iterations);
    EXPECT_EQ(r.iterations, 3);
  }
  {
    LjCluster c(16, 2);
    CgParams p;
    p.maxeval = 5;
    const auto r = cg_minimize(c, p, c.energy_force());
    EXPECT_EQ(r.reason, StopReason::max_evaluations);
    EXPECT_GE(r.evaluations, 5);
  }
  {
    LjCluster c(16, 7);
    CgParams p;
    p.etol = 1e-6;
    p.ftol = 0.0;
    const auto r = cg_minimize(c, p, c.energy_force());
    EXPECT_EQ(r.reason, StopReason::energy_tolerance);
  }
}

TEST(Cg, NoStepLongerThanDmax) {
  // from a compressed start the forces are huge: the first line search starts at dmax / max|h|
  LjCluster c(9, 1);
  double *x = c.x();
  for (int i = 0; i < 3 * c.size(); ++i) x[i] *= 0.8;
  std::vector<double> before(x, x + 3 * c.size());
  CgParams p;
  p.dmax = 0.05;
  p.maxiter = 1;
  cg_minimize(c, p, c.energy_force());
  double largest = 0.0;
  for (int i = 0; i < 3 * c.size(); ++i)
    largest = std::max(largest, std::fabs(c.x()[i] - before[i]));
  EXPECT_LE(largest, 0.05 + 1e-15);
  EXPECT_GT(largest, 0.0);
}

TEST(Cg, InvalidParametersAreNamed) {
  CgParams p;
  EXPECT_EQ(p.validate(), "");
  p.dmax = 0.0;
  EXPECT_EQ(p.validate(), "dmax must be > 0");
  p = CgParams();
  p.ftol = std::nan("");
  EXPECT_EQ(p.validate(), "ftol must be >= 0");
  EXPECT_STREQ(stop_reason_name(StopReason::zero_alpha), "linesearch alpha is zero");
}

}  // namespace

namespace {

TEST(MinSystem, AdviceForUnconvergedStopsNamesTheCause) {
  MinResult r;
  MinParams p;
  r.reason = StopReason::zero_alpha;
  r.fnorm2_final = 3.0;
  const std::string line_search = unconverged_advice(r, p);
  EXPECT_NE(line_search.find("so this is not a minimum"), std::string::npos) << line_search;
  EXPECT_NE(line_search.find("pair_modify shift no"), std::string::npos) << line_search;
  r.fnorm2_final = 1e-7;
  EXPECT_NE(unconverged_advice(r, p).find("at best roughly a minimum"), std::string::npos);
  r.reason = StopReason::max_iterations;
  EXPECT_EQ(unconverged_advice(r, p), "raise maxiter/maxeval or loosen etol/ftol");
}

}  // namespace
