#include "knn.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace mlglass {

void KNearest::offer(const Candidate &c) {
  if (c.id == self_) return;
  // A periodic image of a particle already held: keep only the nearer image.
  for (std::size_t j = 0; j < best_.size(); ++j) {
    if (best_[j].id == c.id) {
      if (!nearer(c, best_[j])) return;
      best_.erase(best_.begin() + j);
      break;
    }
  }
  if (full() && !nearer(c, best_.back())) return;
  auto pos = std::upper_bound(best_.begin(), best_.end(), c, nearer);
  best_.insert(pos, c);
  if (static_cast<int>(best_.size()) > k_) best_.pop_back();
}

KnnSearch::KnnSearch(const PeriodicBox &box, const double *x, std::size_t n,
                     const std::int64_t *ids)
    : box_(box), x_(x), n_(n), ids_(ids) {
  // Cells about two points each on average, but never more cells than points.
  const double volume = box.length[0] * box.length[1] * (box.dim == 3 ? box.length[2] : 1.0);
  const double target = std::pow(2.0 * volume / std::max<std::size_t>(n, 1), 1.0 / box.dim);
  std::size_t ntotal = 1;
  for (int a = 0; a < box.dim; ++a) {
    ncell_[a] = std::max(1, static_cast<int>(box.length[a] / target));
    ncell_[a] = std::min(ncell_[a], 1 << 20);
    ntotal *= ncell_[a];
    cell_len_[a] = box.length[a] / ncell_[a];
  }
  point_cell_.resize(n);
  cell_start_.assign(ntotal + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const double *p = x + 3 * i;
    int c = 0;
    for (int a = box.dim - 1; a >= 0; --a) c = c * ncell_[a] + cell_of(p, a);
    point_cell_[i] = c;
    ++cell_start_[c + 1];
  }
  for (std::size_t c = 0; c < ntotal; ++c) cell_start_[c + 1] += cell_start_[c];
  order_.resize(n);
  std::vector<int> fill(cell_start_.begin(), cell_start_.end() - 1);
  for (std::size_t i = 0; i < n; ++i) order_[fill[point_cell_[i]]++] = static_cast<int>(i);
}

int KnnSearch::cell_of(const double *p, int a) const {
  double s = (p[a] - box_.lo[a]) / cell_len_[a];
  int c = static_cast<int>(std::floor(s));
  if (box_.periodic[a]) {
    c %= ncell_[a];
    if (c < 0) c += ncell_[a];
  } else {
    c = std::clamp(c, 0, ncell_[a] - 1);
  }
  return c;
}

void KnnSearch::query(std::size_t i, int k, std::vector<Candidate> &out) const {
  const double *xi = x_ + 3 * i;
  const std::int64_t id_i = ids_ ? ids_[i] : static_cast<std::int64_t>(i);
  KNearest best(k, id_i);
  std::array<int, 3> home{0, 0, 0};
  for (int a = 0; a < box_.dim; ++a) home[a] = cell_of(xi, a);
  double min_len = cell_len_[0];
  for (int a = 1; a < box_.dim; ++a) min_len = std::min(min_len, cell_len_[a]);

  // Offsets [lo, hi] per axis covered by ring r: +-r, limited to the cells that exist.
  auto range = [&](int a, int r, int &lo, int &hi) {
    if (a >= box_.dim) {
      lo = hi = 0;
    } else if (box_.periodic[a]) {
      if (2 * r + 1 >= ncell_[a]) {  // saturated: every cell of this axis exactly once
        lo = -(ncell_[a] - 1) / 2;
        hi = lo + ncell_[a] - 1;
      } else {
        lo = -r;
        hi = r;
      }
    } else {
      lo = std::max(-r, -home[a]);
      hi = std::min(r, ncell_[a] - 1 - home[a]);
    }
  };

  for (int r = 0;; ++r) {
    int lo[3], hi[3], plo[3], phi[3];
    bool all_covered = true;
    for (int a = 0; a < 3; ++a) {
      range(a, r, lo[a], hi[a]);
      if (r > 0) range(a, r - 1, plo[a], phi[a]);
      if (a < box_.dim) {
        const bool whole = box_.periodic[a] ? (2 * r + 1 >= ncell_[a])
                                            : (lo[a] == -home[a] && hi[a] == ncell_[a] - 1 - home[a]);
        all_covered = all_covered && whole;
      }
    }
    for (int oz = lo[2]; oz <= hi[2]; ++oz)
      for (int oy = lo[1]; oy <= hi[1]; ++oy)
        for (int ox = lo[0]; ox <= hi[0]; ++ox) {
          if (r > 0 && ox >= plo[0] && ox <= phi[0] && oy >= plo[1] && oy <= phi[1] &&
              oz >= plo[2] && oz <= phi[2])
            continue;  // visited in an earlier ring
          const int o[3] = {ox, oy, oz};
          int c = 0;
          for (int a = box_.dim - 1; a >= 0; --a) {
            int ca = home[a] + o[a];
            if (box_.periodic[a]) ca = ((ca % ncell_[a]) + ncell_[a]) % ncell_[a];
            c = c * ncell_[a] + ca;
          }
          for (int s = cell_start_[c]; s < cell_start_[c + 1]; ++s) {
            const int j = order_[s];
            const std::int64_t id_j = ids_ ? ids_[j] : j;
            best.offer({box_.distance2(xi, x_ + 3 * j), id_j, j});
          }
        }
    if (all_covered) break;
    // Every unvisited point is at least r cell lengths away along some axis.
    const double reach = r * min_len;
    if (best.full() && best.best().back().r2 < reach * reach) break;
  }
  out = best.best();
}

static void check_k(std::size_t n, int k) {
  if (k < 1) throw std::invalid_argument("knn: k must be >= 1, got " + std::to_string(k));
  if (n <= static_cast<std::size_t>(k))
    throw std::invalid_argument("knn: need more than k=" + std::to_string(k) + " points, got " +
                                std::to_string(n));
}

std::vector<int> knn_indices(const PeriodicBox &box, const double *x, std::size_t n, int k,
                             const std::int64_t *ids) {
  check_k(n, k);
  KnnSearch search(box, x, n, ids);
  std::vector<int> result(n * k);
  std::vector<Candidate> best;
  for (std::size_t i = 0; i < n; ++i) {
    search.query(i, k, best);
    for (int j = 0; j < k; ++j) result[i * k + j] = best[j].index;
  }
  return result;
}

std::vector<int> knn_indices_brute_force(const PeriodicBox &box, const double *x, std::size_t n,
                                         int k, const std::int64_t *ids) {
  check_k(n, k);
  std::vector<int> result(n * k);
  std::vector<Candidate> all;
  for (std::size_t i = 0; i < n; ++i) {
    all.clear();
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      all.push_back({box.distance2(x + 3 * i, x + 3 * j), ids ? ids[j] : std::int64_t(j),
                     static_cast<int>(j)});
    }
    std::sort(all.begin(), all.end(), nearer);
    for (int j = 0; j < k; ++j) result[i * k + j] = all[j].index;
  }
  return result;
}

}  // namespace mlglass
