// Toy systems for the core minimisers' tests: flat arrays of n unit-mass particles, and n
// Lennard-Jones particles in open 2D space.
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "min_system.h"

namespace mlglass::testing {

// x, v, f of n unit-mass particles in flat arrays; energy_force() is the test's own
class ArraySystem : public MinSystem {
 public:
  explicit ArraySystem(int n) : x_(3 * n), v_(3 * n), f_(3 * n) {}
  int size() const override { return int(x_.size() / 3); }
  double *x() override { return x_.data(); }
  double *v() override { return v_.data(); }
  double *f() override { return f_.data(); }
  double mass(int) const override { return 1.0; }

  std::vector<double> x_, v_, f_;
};

// n Lennard-Jones particles in open 2D space (z stays 0).
class LjCluster : public ArraySystem {
 public:
  explicit LjCluster(int n, unsigned seed) : ArraySystem(n) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> jitter(-0.1, 0.1);
    const int side = int(std::ceil(std::sqrt(double(n))));
    for (int i = 0; i < n; ++i) {
      x_[3 * i] = 1.12 * (i % side) + jitter(rng);
      x_[3 * i + 1] = 1.12 * (i / side) + jitter(rng);
    }
  }
  double energy_force() override {
    ++evaluations;
    std::fill(f_.begin(), f_.end(), 0.0);
    double e = 0.0;
    const int n = size();
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j) {
        const double dx = x_[3 * i] - x_[3 * j], dy = x_[3 * i + 1] - x_[3 * j + 1];
        const double r2 = dx * dx + dy * dy, ir6 = 1.0 / (r2 * r2 * r2);
        e += 4.0 * ir6 * (ir6 - 1.0);
        const double fpair = 24.0 * ir6 * (2.0 * ir6 - 1.0) / r2;
        f_[3 * i] += fpair * dx;
        f_[3 * i + 1] += fpair * dy;
        f_[3 * j] -= fpair * dx;
        f_[3 * j + 1] -= fpair * dy;
      }
    return e;
  }
  int evaluations = 0;
};

}  // namespace mlglass::testing
