// The steepest-descent flow reference: follows the exact path of dx/dt = F on a quadratic bowl
// to its error tolerance, converges on a Lennard-Jones cluster, and keeps to dmax.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "flow.h"
#include "lj_cluster.h"

using namespace mlglass;
using mlglass::testing::ArraySystem;
using mlglass::testing::LjCluster;

namespace {

// E = sum_i k_i x_i^2 / 2, whose flow is x_i(t) = x_i(0) exp(-k_i t)
class Bowl : public ArraySystem {
 public:
  Bowl() : ArraySystem(2), k_{1.0, 3.0, 10.0, 30.0, 100.0, 0.3} {
    for (int i = 0; i < 6; ++i) x_[i] = 0.05 * (i + 1);
  }
  double energy_force() override {
    double e = 0.0;
    for (int i = 0; i < 6; ++i) {
      f_[i] = -k_[i] * x_[i];
      e += 0.5 * k_[i] * x_[i] * x_[i];
    }
    return e;
  }
  std::vector<double> k_;
};

TEST(Flow, FollowsTheExactPathToItsTolerance) {
  for (double tol : {1e-4, 1e-6}) {
    Bowl b;
    const std::vector<double> start = b.x_;
    FlowParams p;
    p.flowtol = tol;
    p.ftol = 0.0;
    p.maxiter = 40;
    const auto r = flow_minimize(b, p, b.energy_force());
    EXPECT_EQ(r.reason, StopReason::max_iterations);
    ASSERT_GT(r.flow_time, 0.0);
    double worst = 0.0;
    for (int i = 0; i < 6; ++i)
      worst = std::max(worst, std::fabs(b.x_[i] - start[i] * std::exp(-b.k_[i] * r.flow_time)));
    // the tolerance is relative to a step's displacement (at most 0.3 here): a global error of a
    // few dozen local errors over 40 steps
    EXPECT_LT(worst, 50 * tol * 0.3) << "flowtol " << tol;
    EXPECT_GT(worst, 0.0);
  }
}

TEST(Flow, ConvergesOnAClusterAndKeepsToDmax) {
  LjCluster c(9, 3);
  const double e0 = c.energy_force();
  FlowParams p;
  p.ftol = 1e-6;
  p.dmax = 0.01;
  const auto r = flow_minimize(c, p, e0);
  EXPECT_EQ(r.reason, StopReason::force_tolerance);
  EXPECT_LT(r.fnorm2_final, 1e-6);
  EXPECT_LT(r.energy_final, e0);
  EXPECT_EQ(c.evaluations, 3 * r.iterations + 2);  // 3 per step, + setup and final evaluation
}

TEST(Flow, InvalidToleranceIsNamed) {
  FlowParams p;
  EXPECT_EQ(p.validate(), "");
  p.flowtol = 0.0;
  EXPECT_EQ(p.validate(), "flowtol must be > 0");
}

}  // namespace
