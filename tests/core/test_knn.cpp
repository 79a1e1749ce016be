// kNN search: the cell-list search must equal its O(n^2) brute-force twin exactly, including the
// tie-breaking rule, in periodic and non-periodic boxes, 2D and 3D.
#include "knn.h"
#include "random_config.h"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace mlglass;
using mlglass::testing::random_config;

struct KnnCase {
  int dim;
  int k;
  std::size_t n;
};

class KnnRandom : public ::testing::TestWithParam<KnnCase> {};

TEST_P(KnnRandom, EqualsBruteForceOnManySeeds) {
  const auto p = GetParam();
  for (unsigned seed = 1; seed <= 20; ++seed) {
    auto c = random_config(p.n, p.dim, 1.2, seed);
    EXPECT_EQ(knn_indices(c.box, c.x.data(), c.n(), p.k),
              knn_indices_brute_force(c.box, c.x.data(), c.n(), p.k))
        << "dim " << p.dim << " k " << p.k << " seed " << seed;
  }
}

INSTANTIATE_TEST_SUITE_P(Core, KnnRandom,
                         ::testing::Values(KnnCase{2, 1, 300}, KnnCase{2, 2, 500},
                                           KnnCase{2, 5, 200}, KnnCase{3, 2, 400},
                                           KnnCase{3, 4, 250}, KnnCase{2, 2, 7},
                                           KnnCase{3, 3, 9}));

TEST(Knn, NonPeriodicAxesEqualBruteForce) {
  for (unsigned seed = 1; seed <= 10; ++seed) {
    auto c = random_config(400, 2, 1.2, seed);
    c.box.periodic = {false, true, false};
    EXPECT_EQ(knn_indices(c.box, c.x.data(), c.n(), 3),
              knn_indices_brute_force(c.box, c.x.data(), c.n(), 3));
  }
}

TEST(Knn, MinimumImageAcrossTheBoundary) {
  // Two points near opposite faces are nearest neighbours through the periodic boundary.
  PeriodicBox box = PeriodicBox::square(10.0, 2);
  std::vector<double> x = {0.1, 5.0, 0, 9.95, 5.0, 0, 5.0, 5.0, 0};
  auto nn = knn_indices(box, x.data(), 3, 1);
  EXPECT_EQ(nn[0], 1);
  EXPECT_EQ(nn[1], 0);
  EXPECT_NEAR(box.distance2(&x[0], &x[3]), 0.15 * 0.15, 1e-12);
}

TEST(Knn, TiesGoToTheSmallerId) {
  // Square lattice: every point has 4 neighbours at exactly the same distance.
  const int m = 8;
  PeriodicBox box = PeriodicBox::square(double(m), 2);
  std::vector<double> x;
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < m; ++j) x.insert(x.end(), {double(i), double(j), 0.0});
  const std::size_t n = m * m;
  auto fast = knn_indices(box, x.data(), n, 2);
  EXPECT_EQ(fast, knn_indices_brute_force(box, x.data(), n, 2));
  // point 0 = (0,0): neighbours at distance 1 are ids 1 (0,1), 8 (1,0), 7 (0,7), 56 (7,0)
  EXPECT_EQ(fast[0], 1);
  EXPECT_EQ(fast[1], 7);

  // With ids reversed the ties resolve the other way, still identically in both searches.
  std::vector<std::int64_t> ids(n);
  for (std::size_t i = 0; i < n; ++i) ids[i] = std::int64_t(n - i);
  auto fast_rev = knn_indices(box, x.data(), n, 2, ids.data());
  EXPECT_EQ(fast_rev, knn_indices_brute_force(box, x.data(), n, 2, ids.data()));
  EXPECT_EQ(fast_rev[0], 56);
  EXPECT_EQ(fast_rev[1], 8);
}

TEST(Knn, PeriodicImagesOfOneParticleCountOnce) {
  KNearest best(2, 0);
  best.offer({1.0, 5, 10});
  best.offer({0.5, 5, 11});  // nearer image of particle 5 replaces the farther one
  best.offer({2.0, 7, 12});
  best.offer({0.1, 0, 13});  // the particle itself is never its own neighbour
  ASSERT_EQ(best.best().size(), 2u);
  EXPECT_EQ(best.best()[0].index, 11);
  EXPECT_EQ(best.best()[1].id, 7);
}

TEST(Knn, RejectsImpossibleK) {
  auto c = random_config(5, 2, 1.2, 1);
  EXPECT_THROW(knn_indices(c.box, c.x.data(), c.n(), 0), std::invalid_argument);
  EXPECT_THROW(knn_indices(c.box, c.x.data(), c.n(), 5), std::invalid_argument);
}
