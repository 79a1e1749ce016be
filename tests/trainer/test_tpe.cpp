// The TPE search: deterministic, proposals on the grid, random during start-up, and better than
// random search at equal budget on synthetic objectives, on average over seeds.
#include "tpe.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

using mlglass::TpeOptions;
using mlglass::TpeSearch;

namespace {

// Table 2's grid sizes: k 5, window 5, hidden 22, depth 5, dropout 11, FFN layers 3, batch 10
const std::vector<int> kSizes = {5, 5, 22, 5, 11, 3, 10};

// A smooth bowl with its minimum at an interior grid point, plus a rugged term.
double bowl(const std::vector<int> &x) {
  const double opt[] = {1, 3, 15, 2, 2, 1, 4};
  double f = 0.0;
  for (std::size_t d = 0; d < x.size(); ++d) {
    const double u = (x[d] - opt[d]) / double(kSizes[d]);
    f += u * u + 0.02 * std::sin(7.0 * x[d] + double(d));
  }
  return f;
}

// Only two of the seven dimensions matter (as for a real model: window and hidden size).
double two_dims(const std::vector<int> &x) {
  return std::pow((x[1] - 4) / 5.0, 2) + std::pow((x[2] - 6) / 22.0, 2);
}

template <class F>
double best_of_tpe(F f, int budget, std::uint64_t seed) {
  TpeSearch s(kSizes, TpeOptions{}, seed);
  double best = std::numeric_limits<double>::infinity();
  for (int t = 0; t < budget; ++t) {
    const auto x = s.propose();
    const double y = f(x);
    s.observe(x, y);
    best = std::min(best, y);
  }
  return best;
}

template <class F>
double best_of_random(F f, int budget, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  double best = std::numeric_limits<double>::infinity();
  for (int t = 0; t < budget; ++t) {
    std::vector<int> x;
    for (int m : kSizes) x.push_back(std::uniform_int_distribution<int>(0, m - 1)(rng));
    best = std::min(best, f(x));
  }
  return best;
}

}  // namespace

TEST(Tpe, ProposalsStayOnTheGridAndAreDeterministic) {
  TpeSearch a(kSizes, TpeOptions{}, 42), b(kSizes, TpeOptions{}, 42);
  for (int t = 0; t < 30; ++t) {
    const auto x = a.propose();
    EXPECT_EQ(x, b.propose()) << "trial " << t;
    ASSERT_EQ(x.size(), kSizes.size());
    for (std::size_t d = 0; d < x.size(); ++d) {
      EXPECT_GE(x[d], 0);
      EXPECT_LT(x[d], kSizes[d]);
    }
    const double y = t == 7 ? std::nan("") : bowl(x);  // a failed trial counts as the worst
    a.observe(x, y);
    b.observe(x, y);
  }
  EXPECT_EQ(a.trials(), 30u);
}

TEST(Tpe, ConcentratesNearTheOptimumAfterStartup) {
  TpeSearch s({21}, TpeOptions{}, 3);
  auto f = [](int i) { return std::abs(i - 15); };
  int near = 0;
  for (int t = 0; t < 40; ++t) {
    const auto x = s.propose();
    if (t >= 20 && std::abs(x[0] - 15) <= 2) ++near;
    s.observe(x, f(x[0]));
  }
  // random search would put 5 of 21 values, about 5 of 20 proposals, within 2 of the optimum
  EXPECT_GE(near, 12);
}

TEST(Tpe, BeatsRandomSearchAtEqualBudgetOnAverage) {
  for (auto [name, f] : {std::pair<const char *, double (*)(const std::vector<int> &)>{"bowl", bowl},
                         {"two_dims", two_dims}}) {
    double tpe = 0.0, rnd = 0.0;
    int wins = 0;
    const int seeds = 20, budget = 30;
    for (int s = 0; s < seeds; ++s) {
      const double a = best_of_tpe(f, budget, 1000 + s), b = best_of_random(f, budget, 1000 + s);
      tpe += a;
      rnd += b;
      wins += a < b;
    }
    EXPECT_LT(tpe / seeds, 0.8 * rnd / seeds) << name << ": mean best loss TPE " << tpe / seeds
                                               << " vs random " << rnd / seeds;
    EXPECT_GE(wins, seeds / 2) << name;
  }
}

TEST(Tpe, RefusesBadSpacesAndPoints) {
  EXPECT_THROW(TpeSearch({}, TpeOptions{}, 1), std::invalid_argument);
  EXPECT_THROW(TpeSearch({3, 0}, TpeOptions{}, 1), std::invalid_argument);
  TpeOptions o;
  o.candidates = 0;
  EXPECT_THROW(TpeSearch({3}, o, 1), std::invalid_argument);
  TpeSearch s({3, 4}, TpeOptions{}, 1);
  EXPECT_THROW(s.observe({1}, 0.5), std::invalid_argument);
  EXPECT_THROW(s.observe({1, 4}, 0.5), std::invalid_argument);
}
