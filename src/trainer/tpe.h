// Tree-structured Parzen estimator (Bergstra, Bardenet, Bengio, Kegl, NeurIPS 2011) over a grid:
// the search `mlglass hyperopt --search tpe` runs over the Table 2 space of Swanson et al.
//
// Every dimension is an ordered grid of `size` values, addressed by index 0..size-1. After
// `startup` uniformly random trials, the finished trials are split by loss into the best
// gamma * sqrt(n) (rounded up, at least 1: "good") and the rest ("bad"); per dimension a Parzen
// density over the grid is built from each part (a uniform prior weighted as one observation plus
// one discretized Gaussian per observation, bandwidth the distance to its neighbours in that part,
// clipped to [1, size]); `candidates` points are drawn from the good densities and the one with the
// largest sum over dimensions of log l(x) - log g(x) is proposed (expected improvement under the
// TPE model). Deterministic for a given seed and history. No LibTorch.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace mlglass {

struct TpeOptions {
  int startup = 5;        // random trials before the model is used
  double gamma = 1.0;     // good part: ceil(gamma * sqrt(n)) trials (hyperopt's default rule)
  int candidates = 24;    // draws from l(x) per proposal
};

class TpeSearch {
 public:
  // sizes: number of grid values per dimension (each >= 1). Throws std::invalid_argument otherwise.
  TpeSearch(std::vector<int> sizes, TpeOptions options, std::uint64_t seed);

  // The next point to evaluate (one index per dimension).
  std::vector<int> propose();
  // A finished trial: the point and its loss (lower is better; +inf for a failed trial).
  void observe(const std::vector<int> &point, double loss);

  std::size_t trials() const { return points_.size(); }

 private:
  std::vector<double> density(int dim, const std::vector<std::size_t> &members) const;

  std::vector<int> sizes_;
  TpeOptions opt_;
  std::mt19937_64 rng_;
  std::vector<std::vector<int>> points_;
  std::vector<double> losses_;
};

}  // namespace mlglass
