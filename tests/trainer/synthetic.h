// A synthetic two-class set for trainer tests: "glass" is a jittered triangular lattice, "liquid"
// uniform random positions; 2D, 65:35 types, density ~1.2, square box. Not physics: a structural
// contrast the D-MPNN must learn from distances.
#pragma once

#include "dataset.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

namespace mlglass::testing {

inline Configuration synthetic_configuration(int label, unsigned seed, int nx = 16, int ny = 18) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> jitter(0.0, 0.05);
  const double a = std::sqrt(2.0 / (std::sqrt(3.0) * 1.2));
  Configuration c;
  c.box.dim = 2;
  // square box (windows given as box fractions need one): the longer lattice edge
  const double side = std::max(nx * a, ny * a * std::sqrt(3.0) / 2.0);
  c.box.length = {side, side, 1.0};
  c.label = label;
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      double x, y;
      if (label) {
        x = (i + 0.5 * (j % 2)) * a + jitter(rng);
        y = j * a * std::sqrt(3.0) / 2.0 + jitter(rng);
      } else {
        x = u(rng) * side;
        y = u(rng) * side;
      }
      c.x.insert(c.x.end(), {x, y, 0.0});
      c.type.push_back(u(rng) < 0.35 ? 2 : 1);
      c.id.push_back(std::int64_t(c.id.size()) + 1);
    }
  c.source = "synthetic-" + std::to_string(seed);
  return c;
}

}  // namespace mlglass::testing
