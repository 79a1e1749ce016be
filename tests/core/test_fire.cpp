// FIRE 2.0 in the core library on a toy system: converges by the force criterion, lowers the
// energy, reports the stop reason honestly, and rejects invalid parameters. (Equality with LAMMPS'
// own `minimize` is tested in tests/lammps/test_fix_inherent.cpp.)
#include "fire.h"
#include "lj_cluster.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace mlglass;
using mlglass::testing::LjCluster;

namespace {

TEST(Fire, ConvergesByForceToleranceAndLowersTheEnergy) {
  for (unsigned seed = 1; seed <= 5; ++seed) {
    LjCluster c(16, seed);
    const double e0 = c.energy_force();
    FireParams p;
    p.ftol = 1e-8;
    const auto r = fire_minimize(c, p, 0.005, e0);
    EXPECT_EQ(r.reason, StopReason::force_tolerance) << "seed " << seed;
    EXPECT_LT(r.fnorm2_final, 1e-8);
    EXPECT_LT(r.energy_final, e0);
    EXPECT_NEAR(r.energy_final, c.energy_force(), 1e-12);
    EXPECT_GT(r.iterations, 10);
    // forces counted inside the iterations, plus setup-less final re-evaluation not counted
    EXPECT_EQ(c.evaluations - 2, r.evaluations + 1);
  }
}

TEST(Fire, AllIntegratorsReachTheSameMinimum) {
  double reference = 0.0;
  for (auto integ : {FireIntegrator::euler_implicit, FireIntegrator::verlet,
                     FireIntegrator::leapfrog, FireIntegrator::euler_explicit}) {
    LjCluster c(9, 3);
    FireParams p;
    p.integrator = integ;
    p.ftol = 1e-10;
    const auto r = fire_minimize(c, p, 0.005, c.energy_force());
    EXPECT_EQ(r.reason, StopReason::force_tolerance) << int(integ);
    if (integ == FireIntegrator::euler_implicit) reference = r.energy_final;
    EXPECT_NEAR(r.energy_final, reference, 1e-8) << int(integ);
  }
}

TEST(Fire, EnergyToleranceStops) {
  LjCluster c(16, 7);
  FireParams p;
  p.etol = 1e-6;
  p.ftol = 0.0;
  const auto r = fire_minimize(c, p, 0.005, c.energy_force());
  EXPECT_EQ(r.reason, StopReason::energy_tolerance);
}

TEST(Fire, MaxIterationsIsReported) {
  LjCluster c(16, 2);
  FireParams p;
  p.maxiter = 3;
  const auto r = fire_minimize(c, p, 0.005, c.energy_force());
  EXPECT_EQ(r.reason, StopReason::max_iterations);
  EXPECT_EQ(r.iterations, 3);
  EXPECT_STREQ(stop_reason_name(r.reason), "max iterations");
}

TEST(Fire, MaxEvaluationsCapsTheQuench) {
  LjCluster c(16, 2);
  FireParams p;
  p.maxeval = 10;
  const auto r = fire_minimize(c, p, 0.005, c.energy_force());
  EXPECT_EQ(r.reason, StopReason::max_evaluations);
  EXPECT_LE(r.evaluations, 11);
}

TEST(Fire, InvalidParametersAreNamed) {
  FireParams p;
  EXPECT_EQ(p.validate(), "");
  p.etol = -1;
  EXPECT_EQ(p.validate(), "etol must be >= 0");
  p = FireParams();
  p.maxiter = 0;
  EXPECT_EQ(p.validate(), "maxiter must be >= 1");
  p = FireParams();
  p.tmax = 0.01;
  EXPECT_EQ(p.validate(), "tmax has to be larger than tmin");
  p = FireParams();
  p.dtshrink = 1.5;
  EXPECT_NE(p.validate().find("dtshrink"), std::string::npos);
}

}  // namespace
