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
    : box_(box),
      x_(x),
      n_(n),
      ids_(ids),
      cells_(box, x, n, CellList::cells_for_density(box, n, 2.0), "knn") {}

void KnnSearch::query(std::size_t i, int k, std::vector<Candidate> &out) const {
  const double *xi = x_ + 3 * i;
  const std::int64_t id_i = ids_ ? ids_[i] : static_cast<std::int64_t>(i);
  KNearest best(k, id_i);
  const std::array<int, 3> &ncell = cells_.cells();
  std::array<int, 3> home{0, 0, 0};
  for (int a = 0; a < box_.dim; ++a) home[a] = cells_.cell_along(xi[a], a);
  double min_len = cells_.cell_length(0);
  for (int a = 1; a < box_.dim; ++a) min_len = std::min(min_len, cells_.cell_length(a));

  // Offsets [lo, hi] per axis covered by ring r: +-r, limited to the cells that exist.
  auto range = [&](int a, int r, int &lo, int &hi) {
    if (a >= box_.dim) {
      lo = hi = 0;
    } else if (box_.periodic[a]) {
      if (2 * r + 1 >= ncell[a]) {  // saturated: every cell of this axis exactly once
        lo = -(ncell[a] - 1) / 2;
        hi = lo + ncell[a] - 1;
      } else {
        lo = -r;
        hi = r;
      }
    } else {
      lo = std::max(-r, -home[a]);
      hi = std::min(r, ncell[a] - 1 - home[a]);
    }
  };

  for (int r = 0;; ++r) {
    int lo[3], hi[3], plo[3], phi[3];
    bool all_covered = true;
    for (int a = 0; a < 3; ++a) {
      range(a, r, lo[a], hi[a]);
      if (r > 0) range(a, r - 1, plo[a], phi[a]);
      if (a < box_.dim) {
        const bool whole = box_.periodic[a] ? (2 * r + 1 >= ncell[a])
                                            : (lo[a] == -home[a] && hi[a] == ncell[a] - 1 - home[a]);
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
            if (box_.periodic[a]) ca = ((ca % ncell[a]) + ncell[a]) % ncell[a];
            c = c * ncell[a] + ca;
          }
          for (const int *it = cells_.begin(c), *end = cells_.end(c); it != end; ++it) {
            const int j = *it;
            const std::int64_t id_j = ids_ ? ids_[j] : j;
            best.offer({box_.distance2(xi, x_ + 3 * j), id_j, j});
          }
        }
    if (all_covered) break;
    // Every unvisited point is at least r cell lengths away along some axis (less a relative 1e-9
    // for the rounding of the binning).
    const double reach = r * min_len * (1.0 - 1e-9);
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
