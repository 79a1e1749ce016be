// k-nearest-neighbour search in a (partly) periodic orthogonal box.
//
// One ordering rule everywhere: a neighbour is nearer if its squared distance is smaller, and on an
// exact tie if its id is smaller. Repeated ids (periodic images of one particle) count once, at
// their nearest image, and a particle never neighbours itself. The LAMMPS styles apply the same rule
// through KNearest to candidates taken from a neighbour list.
#pragma once

#include "cell_list.h"
#include "periodic_box.h"

#include <cstdint>
#include <vector>

namespace mlglass {

struct Candidate {
  double r2;        // squared distance
  std::int64_t id;  // global identity (LAMMPS tag); ties are broken by it
  int index;        // caller's local index (array slot, neighbour-list entry, ...)
};

inline bool nearer(const Candidate &a, const Candidate &b) {
  return a.r2 < b.r2 || (a.r2 == b.r2 && a.id < b.id);
}

// Streaming selection of the k nearest candidates: offer() each candidate once, read best().
class KNearest {
 public:
  KNearest(int k, std::int64_t self_id) : k_(k), self_(self_id) { best_.reserve(k + 1); }
  void reset(std::int64_t self_id) {
    self_ = self_id;
    best_.clear();
  }
  void offer(const Candidate &c);
  const std::vector<Candidate> &best() const { return best_; }  // nearest first, size <= k
  bool full() const { return static_cast<int>(best_.size()) == k_; }

 private:
  int k_;
  std::int64_t self_;
  std::vector<Candidate> best_;
};

// kNN over n points (row-major n x 3 coordinates; z ignored in 2D) on a CellList of about two
// points per cell, searched in rings of cells around the query point. O(n) to build, O(k) expected
// per query for homogeneous densities.
class KnnSearch {
 public:
  // ids may be null: then point i has id i. Points must lie inside the box along non-periodic axes
  // (they are clamped to the edge cells otherwise) and may lie anywhere along periodic ones.
  // Throws std::invalid_argument like CellList (e.g. for a non-finite coordinate).
  KnnSearch(const PeriodicBox &box, const double *x, std::size_t n,
            const std::int64_t *ids = nullptr);

  // The k nearest other points of point i, nearest first (fewer if fewer exist).
  void query(std::size_t i, int k, std::vector<Candidate> &out) const;

  std::size_t size() const { return n_; }
  const CellList &cells() const { return cells_; }

 private:
  PeriodicBox box_;
  const double *x_;
  std::size_t n_;
  const std::int64_t *ids_;
  CellList cells_;
};

// n x k neighbour indices (row i: the k nearest of point i, nearest first). Throws
// std::invalid_argument if k < 1 or n <= k.
std::vector<int> knn_indices(const PeriodicBox &box, const double *x, std::size_t n, int k,
                             const std::int64_t *ids = nullptr);

// Brute-force O(n^2) twin of knn_indices, the reference in tests.
std::vector<int> knn_indices_brute_force(const PeriodicBox &box, const double *x, std::size_t n,
                                         int k, const std::int64_t *ids = nullptr);

}  // namespace mlglass
