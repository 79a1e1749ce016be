// Orthogonal simulation box with per-axis periodicity; minimum-image geometry for the core library.
#pragma once

#include <array>
#include <cmath>

namespace mlglass {

struct PeriodicBox {
  int dim = 3;                                // 2 or 3; in 2D the z coordinate is ignored
  std::array<double, 3> lo{0.0, 0.0, 0.0};    // lower corner
  std::array<double, 3> length{1.0, 1.0, 1.0};
  std::array<bool, 3> periodic{true, true, true};

  static PeriodicBox square(double side, int dim) {
    PeriodicBox box;
    box.dim = dim;
    box.length = {side, side, dim == 3 ? side : 1.0};
    return box;
  }

  // Minimum-image displacement b - a. Every distance in the core library goes through this one
  // function so that the cell-list search and its brute-force twin agree to the last bit.
  void delta(const double *a, const double *b, double d[3]) const {
    for (int k = 0; k < 3; ++k) {
      if (k >= dim) {
        d[k] = 0.0;
        continue;
      }
      d[k] = b[k] - a[k];
      if (periodic[k]) d[k] -= length[k] * std::nearbyint(d[k] / length[k]);
    }
  }

  double distance2(const double *a, const double *b) const {
    double d[3];
    delta(a, b, d);
    return d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
  }
};

}  // namespace mlglass
