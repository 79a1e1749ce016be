// The core's one cell list (KnnSearch and WindowCutter bin with it): every point in exactly one
// cell, the cell a brute-force computation from the definition gives, ascending within a cell; the
// cells around a point hold every point within reach (what the kNN ring search relies on), in 2D
// and 3D with periodic and non-periodic axes; clear errors for bad input.
#include "cell_list.h"
#include "knn.h"
#include "random_config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace mlglass;
using mlglass::testing::random_config;

namespace {

// The cell of coordinate v along axis a, written from the definition with an explicit image loop.
int reference_cell(const PeriodicBox &box, double v, int a, int m) {
  double s = v - box.lo[a];
  if (box.periodic[a]) {
    while (s < 0.0) s += box.length[a];
    while (s >= box.length[a]) s -= box.length[a];
  }
  const int c = static_cast<int>(std::floor(s / box.length[a] * m));
  return std::clamp(c, 0, m - 1);
}

struct Case {
  int dim;
  std::array<bool, 3> periodic;
  std::array<int, 3> ncell;
};

std::string name(const Case &c) {
  std::string s = std::to_string(c.dim) + "D ";
  for (int a = 0; a < c.dim; ++a) s += c.periodic[a] ? 'p' : 'f';
  return s;
}

const Case kCases[] = {
    {2, {true, true, true}, {7, 5, 1}},    {2, {false, true, true}, {6, 6, 1}},
    {2, {false, false, true}, {1, 9, 1}},  {3, {true, true, true}, {4, 5, 3}},
    {3, {true, false, true}, {3, 3, 3}},   {3, {false, false, false}, {5, 2, 4}},
};

}  // namespace

TEST(CellList, EveryPointInItsCellAscending) {
  for (const Case &k : kCases)
    for (unsigned seed = 1; seed <= 5; ++seed) {
      auto c = random_config(300, k.dim, 1.2, seed);
      c.box.periodic = k.periodic;
      c.box.lo = {-1.5, 2.0, 0.25};
      for (std::size_t i = 0; i < c.n(); ++i)
        for (int a = 0; a < k.dim; ++a) c.x[3 * i + a] += c.box.lo[a];
      const CellList cells(c.box, c.x.data(), c.n(), k.ncell);
      ASSERT_EQ(cells.size(), c.n());
      ASSERT_EQ(cells.total_cells(), k.ncell[0] * k.ncell[1] * (k.dim == 3 ? k.ncell[2] : 1));
      std::vector<int> seen(c.n(), 0);
      for (int cz = 0; cz < (k.dim == 3 ? k.ncell[2] : 1); ++cz)
        for (int cy = 0; cy < k.ncell[1]; ++cy)
          for (int cx = 0; cx < k.ncell[0]; ++cx) {
            const int cell = cells.index(cx, cy, cz);
            const int want[3] = {cx, cy, cz};
            for (const int *p = cells.begin(cell); p != cells.end(cell); ++p) {
              if (p != cells.begin(cell)) {
                EXPECT_LT(*(p - 1), *p) << name(k) << ": not ascending in cell " << cell;
              }
              ++seen[*p];
              for (int a = 0; a < k.dim; ++a) {
                EXPECT_EQ(reference_cell(c.box, c.x[3 * *p + a], a, k.ncell[a]), want[a])
                    << name(k) << " seed " << seed << " point " << *p << " axis " << a;
                EXPECT_EQ(cells.cell_along(c.x[3 * *p + a], a), want[a]);
              }
            }
          }
      for (std::size_t i = 0; i < c.n(); ++i) EXPECT_EQ(seen[i], 1) << name(k) << " point " << i;
    }
}

TEST(CellList, NeighbourCellsHoldEveryPointWithinReach) {
  // The ring search's premise: the points within r of a position all lie in the cells within
  // ceil(r / cell length) of its cell (modulo the grid along periodic axes). Brute force over all
  // points decides which lie within r.
  for (const Case &k : kCases)
    for (unsigned seed = 1; seed <= 3; ++seed) {
      auto c = random_config(400, k.dim, 1.2, seed);
      c.box.periodic = k.periodic;
      const CellList cells(c.box, c.x.data(), c.n(), k.ncell);
      for (std::size_t q = 0; q < c.n(); q += 37) {
        const double *xq = c.x.data() + 3 * q;
        const double r = 1.7;
        std::set<int> brute, listed;
        for (std::size_t j = 0; j < c.n(); ++j)
          if (c.box.distance2(xq, c.x.data() + 3 * j) <= r * r) brute.insert(int(j));
        int lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0}, home[3] = {0, 0, 0};
        for (int a = 0; a < k.dim; ++a) {
          const int m = k.ncell[a];
          const int reach = int(std::ceil(r / cells.cell_length(a)));
          home[a] = cells.cell_along(xq[a], a);
          if (k.periodic[a] && 2 * reach + 1 >= m) {
            lo[a] = -home[a];
            hi[a] = m - 1 - home[a];
          } else if (k.periodic[a]) {
            lo[a] = -reach;
            hi[a] = reach;
          } else {
            lo[a] = std::max(-reach, -home[a]);
            hi[a] = std::min(reach, m - 1 - home[a]);
          }
        }
        for (int oz = lo[2]; oz <= hi[2]; ++oz)
          for (int oy = lo[1]; oy <= hi[1]; ++oy)
            for (int ox = lo[0]; ox <= hi[0]; ++ox) {
              int cc[3] = {home[0] + ox, home[1] + oy, home[2] + oz};
              for (int a = 0; a < k.dim; ++a) cc[a] = ((cc[a] % k.ncell[a]) + k.ncell[a]) % k.ncell[a];
              const int cell = cells.index(cc[0], cc[1], k.dim == 3 ? cc[2] : 0);
              for (const int *p = cells.begin(cell); p != cells.end(cell); ++p) listed.insert(*p);
            }
        for (int j : brute) EXPECT_TRUE(listed.count(j)) << name(k) << " query " << q << " misses " << j;
      }
    }
}

TEST(CellList, UnwrappedAndOutsidePoints) {
  // Along a periodic axis an image of a point is binned like the point; along a non-periodic axis
  // a point outside the box goes to the edge cell.
  PeriodicBox box = PeriodicBox::square(10.0, 2);
  box.periodic = {true, false, true};
  const std::vector<double> x = {1.0,  2.5, 0.0,   // cell (0, 1)
                                 31.0, 2.5, 0.0,   // image of point 0 along x
                                 -9.0, 2.5, 0.0,   // another image
                                 9.99, -4.0, 0.0,  // below the box along y: cell y = 0
                                 5.0,  25.0, 0.0,  // above: cell y = 3
                                 10.0, 9.999999, 0.0};  // x = L wraps to 0
  const CellList cells(box, x.data(), 6, {4, 4, 1});
  EXPECT_EQ(cells.cell_along(31.0, 0), 0);
  EXPECT_EQ(cells.cell_along(-9.0, 0), 0);
  EXPECT_EQ(cells.cell_along(-4.0, 1), 0);
  EXPECT_EQ(cells.cell_along(25.0, 1), 3);
  EXPECT_EQ(cells.cell_along(10.0, 0), 0);
  EXPECT_EQ(cells.cell_along(9.999999, 1), 3);
  const int c01 = cells.index(0, 1, 0);
  EXPECT_EQ(std::vector<int>(cells.begin(c01), cells.end(c01)), (std::vector<int>{0, 1, 2}));
  const int c30 = cells.index(3, 0, 0);
  EXPECT_EQ(std::vector<int>(cells.begin(c30), cells.end(c30)), (std::vector<int>{3}));
}

TEST(CellList, CellsForDensity) {
  auto c = random_config(1000, 2, 1.2, 1);
  auto m = CellList::cells_for_density(c.box, c.n(), 2.0);
  EXPECT_EQ(m[2], 1);
  // cell edges are rounded down to whole cells per axis: at least 2 points per cell, not many more
  EXPECT_GE(double(c.n()) / (m[0] * m[1]), 2.0);
  EXPECT_LE(double(c.n()) / (m[0] * m[1]), 2.5);
  c = random_config(1000, 3, 1.2, 1);
  m = CellList::cells_for_density(c.box, c.n(), 2.0);
  EXPECT_GE(double(c.n()) / (m[0] * m[1] * m[2]), 2.0);
  EXPECT_LE(double(c.n()) / (m[0] * m[1] * m[2]), 3.5);
  // a very flat box must not get a huge grid
  PeriodicBox flat;
  flat.length = {1e9, 1e9, 1e-9};
  m = CellList::cells_for_density(flat, 10, 2.0);
  EXPECT_LE(double(m[0]) * m[1] * m[2], 2.0 * 10 + 64);
  EXPECT_GE(m[0], 1);
  EXPECT_GE(m[2], 1);
}

TEST(CellList, ErrorsNameTheProblem) {
  PeriodicBox box = PeriodicBox::square(4.0, 2);
  std::vector<double> x = {1, 1, 0, 2, std::numeric_limits<double>::quiet_NaN(), 0};
  try {
    CellList(box, x.data(), 2, {2, 2, 1}, "knn");
    FAIL() << "no exception for a NaN coordinate";
  } catch (const std::invalid_argument &e) {
    EXPECT_STREQ(e.what(), "knn: particle 1 has a non-finite coordinate");
  }
  x[4] = std::numeric_limits<double>::infinity();
  EXPECT_THROW(CellList(box, x.data(), 2, {2, 2, 1}), std::invalid_argument);
  x[4] = 1.0;
  EXPECT_NO_THROW(CellList(box, x.data(), 2, {2, 2, 1}));
  EXPECT_THROW(CellList(box, x.data(), 2, {0, 2, 1}), std::invalid_argument);
  PeriodicBox bad = box;
  bad.dim = 4;
  EXPECT_THROW(CellList(bad, x.data(), 2, {2, 2, 1}), std::invalid_argument);
  bad = box;
  bad.length[1] = 0.0;
  EXPECT_THROW(CellList(bad, x.data(), 2, {2, 2, 1}), std::invalid_argument);
  bad.length[1] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(CellList(bad, x.data(), 2, {2, 2, 1}), std::invalid_argument);
  EXPECT_THROW(CellList(box, x.data(), 2, {1 << 16, 1 << 16, 1}), std::invalid_argument);
}

TEST(CellList, KnnRefusesNonFiniteCoordinates) {
  // Before the shared cell list, KnnSearch cast floor(NaN) to int (undefined behaviour).
  auto c = random_config(50, 3, 1.2, 3);
  c.x[3 * 17 + 2] = std::numeric_limits<double>::quiet_NaN();
  try {
    knn_indices(c.box, c.x.data(), c.n(), 3);
    FAIL() << "no exception";
  } catch (const std::invalid_argument &e) {
    EXPECT_STREQ(e.what(), "knn: particle 17 has a non-finite coordinate");
  }
}
