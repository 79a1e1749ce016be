// One cell list for the core library, in the manner of freud's LinkCell: the points of an
// orthogonal (partly) periodic box binned into a grid of equal cells, stored in compressed form
// (the points of cell c are points(c), ascending). KnnSearch walks rings of cells around a query
// point; WindowCutter collects the cells a window overlaps. Both bin with cell_along().
#pragma once

#include "periodic_box.h"

#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

namespace mlglass {

// d reduced into [0, L) (L > 0); NaN stays NaN. The one periodic reduction of the core: the cell
// list bins with it and cut_window tests window membership with it.
inline double wrap_periodic(double d, double L) {
  if (d >= 0.0 && d < L) return d;
  d -= L * std::floor(d / L);
  if (d < 0.0) d += L;  // d / L rounded up to an integer
  if (d >= L) d -= L;   // d was a tiny negative number: -tiny + L rounds to L
  if (d >= L || d < 0.0) d = 0.0;
  return d;
}

class CellList {
 public:
  // Bins n points (row-major n x 3; coordinates beyond box.dim are ignored) into ncell[a] cells
  // along axis a < box.dim (one cell along the others). Along a periodic axis a coordinate may lie
  // anywhere (it is wrapped into the box); along a non-periodic one a point outside the box goes
  // to the edge cell. x is read only here. Throws std::invalid_argument, with messages that start
  // with `who`, for a box dimension other than 2 or 3, a box length that is not finite and > 0,
  // a cell count < 1, more than 2^31 - 1 cells, or a non-finite coordinate
  // ("<who>: particle 12 has a non-finite coordinate").
  CellList(const PeriodicBox &box, const double *x, std::size_t n, const std::array<int, 3> &ncell,
           const char *who = "CellList");

  // Cells per axis for about `per_cell` points per cell (KnnSearch uses 2): the cell edge is
  // (per_cell * volume / n)^(1/dim), at least one cell per axis, and never more cells in all than
  // 2n + 64 (a very flat box must not allocate a huge grid).
  static std::array<int, 3> cells_for_density(const PeriodicBox &box, std::size_t n,
                                              double per_cell);
  // ncell with every axis halved (at least 1) until there are at most 2n + 64 cells in all: the
  // one cap on the grid size of both cells_for_density and the WindowCutter's grid.
  static std::array<int, 3> capped(std::array<int, 3> ncell, int dim, std::size_t n);

  // The cell of coordinate v along axis a: floor((v - lo) / L * ncell) after wrapping along a
  // periodic axis, clamped to the grid along a non-periodic one. v must be finite.
  int cell_along(double v, int a) const {
    double s = v - box_.lo[a];
    if (box_.periodic[a]) s = wrap_periodic(s, box_.length[a]);
    const double c = std::floor(s * scale_[a]);
    return c < 0.0 ? 0 : (c > double(ncell_[a] - 1) ? ncell_[a] - 1 : static_cast<int>(c));
  }
  // The flat index of cell (cx, cy, cz): x fastest.
  int index(int cx, int cy, int cz) const { return (cz * ncell_[1] + cy) * ncell_[0] + cx; }

  // The points of cell c, ascending: [begin(c), end(c)).
  const int *begin(int c) const { return order_.data() + start_[c]; }
  const int *end(int c) const { return order_.data() + start_[c + 1]; }

  const std::array<int, 3> &cells() const { return ncell_; }
  int total_cells() const { return static_cast<int>(start_.size()) - 1; }
  double cell_length(int a) const { return box_.length[a] / ncell_[a]; }
  std::size_t size() const { return order_.size(); }
  const PeriodicBox &box() const { return box_; }

 private:
  PeriodicBox box_;
  std::array<int, 3> ncell_{1, 1, 1};
  std::array<double, 3> scale_{1.0, 1.0, 1.0};  // ncell / L per axis
  std::vector<int> start_;  // CSR: points of cell c are order_[start_[c] .. start_[c + 1])
  std::vector<int> order_;  // point indices sorted by cell, ascending within a cell
};

}  // namespace mlglass
