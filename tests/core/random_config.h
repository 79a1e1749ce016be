// Random periodic test configurations shared by the core-library tests.
#pragma once

#include "periodic_box.h"

#include <random>
#include <vector>

namespace mlglass::testing {

struct Config {
  PeriodicBox box;
  std::vector<double> x;  // n x 3
  std::vector<int> type;  // 1 = A, 2 = B
  std::size_t n() const { return type.size(); }
};

// n particles uniformly in a periodic box at number density rho; 35 % B as in Kob-Andersen 65:35.
inline Config random_config(std::size_t n, int dim, double rho, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Config c;
  const double side = std::pow(n / rho, 1.0 / dim);
  c.box = PeriodicBox::square(side, dim);
  c.x.assign(3 * n, 0.0);
  c.type.assign(n, 1);
  for (std::size_t i = 0; i < n; ++i) {
    for (int a = 0; a < dim; ++a) c.x[3 * i + a] = side * u(rng);
    c.type[i] = u(rng) < 0.35 ? 2 : 1;
  }
  return c;
}

}  // namespace mlglass::testing
