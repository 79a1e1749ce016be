#include "cell_list.h"

#include "number_text.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

namespace mlglass {

namespace {


}  // namespace

CellList::CellList(const PeriodicBox &box, const double *x, std::size_t n,
                   const std::array<int, 3> &ncell, const char *who)
    : box_(box) {
  const std::string w(who);
  if (box.dim != 2 && box.dim != 3)
    throw std::invalid_argument(w + ": box dimension must be 2 or 3, got " +
                                std::to_string(box.dim));
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::invalid_argument(w + ": " + std::to_string(n) + " points exceed the supported " +
                                std::to_string(std::numeric_limits<int>::max()));
  double total = 1.0;
  for (int a = 0; a < box.dim; ++a) {
    if (!(box.length[a] > 0.0) || !std::isfinite(box.length[a]) || !std::isfinite(box.lo[a]))
      throw std::invalid_argument(w + ": box length along " + "xyz"[a] + " must be finite and > 0, got " +
                                  number_text(box.length[a]) + " (lo " + number_text(box.lo[a]) + ")");
    if (ncell[a] < 1)
      throw std::invalid_argument(w + ": need at least one cell along " + "xyz"[a] + ", got " +
                                  std::to_string(ncell[a]));
    ncell_[a] = ncell[a];
    scale_[a] = ncell[a] / box.length[a];
    total *= ncell[a];
  }
  if (total > double(std::numeric_limits<int>::max() - 1))
    throw std::invalid_argument(w + ": " + number_text(total) + " cells are too many");

  // Counting sort by cell: stable, so the points of a cell stay ascending.
  std::vector<int> cell(n);
  start_.assign(static_cast<std::size_t>(total) + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const double *p = x + 3 * i;
    int c = 0;
    for (int a = box.dim - 1; a >= 0; --a) {
      if (!std::isfinite(p[a]))
        throw std::invalid_argument(w + ": particle " + std::to_string(i) +
                                    " has a non-finite coordinate");
      c = c * ncell_[a] + cell_along(p[a], a);
    }
    cell[i] = c;
    ++start_[c + 1];
  }
  for (std::size_t c = 1; c < start_.size(); ++c) start_[c] += start_[c - 1];
  order_.resize(n);
  std::vector<int> fill(start_.begin(), start_.end() - 1);
  for (std::size_t i = 0; i < n; ++i) order_[fill[cell[i]]++] = static_cast<int>(i);
}

std::array<int, 3> CellList::cells_for_density(const PeriodicBox &box, std::size_t n,
                                               double per_cell) {
  std::array<int, 3> m{1, 1, 1};
  if (box.dim != 2 && box.dim != 3) return m;  // the constructor names the problem
  const double volume = box.length[0] * box.length[1] * (box.dim == 3 ? box.length[2] : 1.0);
  const double target =
      std::pow(per_cell * volume / static_cast<double>(std::max<std::size_t>(n, 1)), 1.0 / box.dim);
  for (int a = 0; a < box.dim; ++a) {
    const double c = box.length[a] / target;
    m[a] = c >= 1.0 ? static_cast<int>(std::min(c, double(1 << 20))) : 1;  // NaN: one cell
  }
  return capped(m, box.dim, n);
}

std::array<int, 3> CellList::capped(std::array<int, 3> m, int dim, std::size_t n) {
  auto total = [&] {
    double t = 1.0;
    for (int a = 0; a < dim; ++a) t *= m[a];
    return t;
  };
  while (total() > 2.0 * static_cast<double>(n) + 64.0)
    for (int a = 0; a < dim; ++a) m[a] = std::max(1, m[a] / 2);
  return m;
}

}  // namespace mlglass
