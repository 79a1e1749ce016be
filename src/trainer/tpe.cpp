#include "tpe.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace mlglass {

TpeSearch::TpeSearch(std::vector<int> sizes, TpeOptions options, std::uint64_t seed)
    : sizes_(std::move(sizes)), opt_(options), rng_(seed) {
  if (sizes_.empty()) throw std::invalid_argument("TPE: no dimensions");
  for (std::size_t d = 0; d < sizes_.size(); ++d)
    if (sizes_[d] < 1)
      throw std::invalid_argument("TPE: dimension " + std::to_string(d) + " has no values");
  if (opt_.startup < 1 || opt_.candidates < 1 || !(opt_.gamma > 0.0))
    throw std::invalid_argument("TPE: startup and candidates must be >= 1 and gamma > 0");
}

void TpeSearch::observe(const std::vector<int> &point, double loss) {
  if (point.size() != sizes_.size())
    throw std::invalid_argument("TPE: a point of " + std::to_string(point.size()) +
                                " dimensions, the space has " + std::to_string(sizes_.size()));
  for (std::size_t d = 0; d < point.size(); ++d)
    if (point[d] < 0 || point[d] >= sizes_[d])
      throw std::invalid_argument("TPE: index " + std::to_string(point[d]) + " outside dimension " +
                                  std::to_string(d));
  if (std::isnan(loss)) loss = std::numeric_limits<double>::infinity();  // a failed trial
  points_.push_back(point);
  losses_.push_back(loss);
}

// Parzen density over the grid of one dimension from the given trials: the uniform prior counts
// as one observation; each trial adds a Gaussian at its index with the adaptive bandwidth of
// Bergstra et al. (the larger gap to its sorted neighbours, the prior's edges as neighbours of the
// extremes), discretized over the grid.
std::vector<double> TpeSearch::density(int dim, const std::vector<std::size_t> &members) const {
  const int m = sizes_[dim];
  std::vector<double> p(static_cast<std::size_t>(m), 1.0 / m);  // the prior, weight 1
  if (m == 1) return p;
  std::vector<double> mu;
  for (std::size_t i : members) mu.push_back(points_[i][std::size_t(dim)]);
  std::sort(mu.begin(), mu.end());
  const double lo = -0.5, hi = m - 0.5;
  for (std::size_t i = 0; i < mu.size(); ++i) {
    const double left = i == 0 ? lo : mu[i - 1], right = i + 1 == mu.size() ? hi : mu[i + 1];
    const double sigma = std::clamp(std::max(mu[i] - left, right - mu[i]), 1.0, double(m));
    std::vector<double> kernel(static_cast<std::size_t>(m));
    double sum = 0.0;
    for (std::size_t v = 0; v < kernel.size(); ++v) {
      const double z = (double(v) - mu[i]) / sigma;
      sum += kernel[v] = std::exp(-0.5 * z * z);
    }
    for (std::size_t v = 0; v < kernel.size(); ++v) p[v] += kernel[v] / sum;
  }
  const double total = 1.0 + double(mu.size());
  for (double &v : p) v /= total;
  return p;
}

std::vector<int> TpeSearch::propose() {
  const std::size_t dims = sizes_.size();
  std::vector<int> x(dims);
  if (points_.size() < std::size_t(opt_.startup)) {
    for (std::size_t d = 0; d < dims; ++d)
      x[d] = std::uniform_int_distribution<int>(0, sizes_[d] - 1)(rng_);
    return x;
  }
  // split: the best ceil(gamma sqrt(n)) trials are "good" (ties broken by trial order)
  const std::size_t n = points_.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return losses_[a] < losses_[b]; });
  const std::size_t n_good =
      std::clamp<std::size_t>(std::size_t(std::ceil(opt_.gamma * std::sqrt(double(n)))), 1, n - 1);
  const std::vector<std::size_t> good(order.begin(), order.begin() + std::ptrdiff_t(n_good));
  const std::vector<std::size_t> bad(order.begin() + std::ptrdiff_t(n_good), order.end());

  std::vector<std::vector<double>> l(dims), g(dims);
  for (std::size_t d = 0; d < dims; ++d) {
    l[d] = density(int(d), good);
    g[d] = density(int(d), bad);
  }
  double best_score = -std::numeric_limits<double>::infinity();
  for (int c = 0; c < opt_.candidates; ++c) {
    std::vector<int> cand(dims);
    double score = 0.0;
    for (std::size_t d = 0; d < dims; ++d) {
      std::discrete_distribution<int> draw(l[d].begin(), l[d].end());
      cand[d] = draw(rng_);
      score += std::log(l[d][std::size_t(cand[d])]) - std::log(g[d][std::size_t(cand[d])]);
    }
    if (score > best_score) {
      best_score = score;
      x = cand;
    }
  }
  return x;
}

}  // namespace mlglass
