// The B-particle graph of Swanson et al., Soft Matter 16, 435 (2020), section on structural metrics:
// every B particle is linked to its k nearest neighbours (any type) and the resulting undirected graph
// is summarised by connected components, B-B links and isolated A particles.
//
// Used by `compute bgraph` (distributed, through the rule predicates and BGraphMetrics below); bgraph()
// computes the same metrics from plain coordinate arrays, e.g. frames read from dumps.
#pragma once

#include "periodic_box.h"

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mlglass {

enum class LinkRule {
  paper,      // each B particle links to its k nearest neighbours
  symmetric,  // every particle links to its k nearest; links with at least one B end are kept
};

LinkRule parse_link_rule(const std::string &name);  // "paper" | "symmetric"; throws otherwise
const char *link_rule_name(LinkRule rule);          // the inverse of parse_link_rule

// Does a particle emit kNN links under this rule?
inline bool emits_links(LinkRule rule, bool is_b) { return rule == LinkRule::symmetric || is_b; }
// Is an emitted link i -> j kept? (Under `paper` only B particles emit, so the test is the same.)
inline bool keeps_link(bool i_is_b, bool j_is_b) { return i_is_b || j_is_b; }

struct BGraphMetrics {
  std::int64_t components = 0;         // connected components among linked particles
  std::int64_t bb_links = 0;           // links joining two B particles
  std::int64_t isolated_a = 0;         // non-B particles without a link
  std::int64_t isolated_b = 0;         // B particles without a link
  std::int64_t links = 0;              // all links (each undirected pair once)
  std::int64_t largest_component = 0;  // particles in the largest component

  static constexpr int count = 6;
  static const std::array<const char *, count> &names();
  std::array<double, count> as_array() const;
  bool operator==(const BGraphMetrics &o) const { return as_array() == o.as_array(); }
};

struct BGraph {
  std::vector<std::pair<int, int>> links;  // (i, j), i < j, sorted, each undirected pair once
  std::vector<int> degree;                 // per particle
  std::vector<std::int64_t> component;     // per particle: smallest id in its component, 0 if unlinked
  BGraphMetrics metrics;
};

// Build the graph from kNN rows (n x k indices, nearest first, as from knn_indices()).
// is_b[i] marks B particles; ids (may be null: id = i + 1) label components.
BGraph bgraph_from_knn(std::size_t n, int k, const std::vector<int> &knn,
                       const std::vector<char> &is_b, LinkRule rule,
                       const std::int64_t *ids = nullptr);

// The same metrics for any undirected graph given as links (i, j) between particles 0..n-1 (any
// order, duplicates and both orientations allowed; self-links are ignored): what
// bgraph_from_knn() does after choosing its links. Used by `mlglass attention` for the graph of
// high-attention edges. Throws std::out_of_range for an index outside 0..n-1.
BGraph bgraph_from_links(std::size_t n, std::vector<std::pair<int, int>> links,
                         const std::vector<char> &is_b, const std::int64_t *ids = nullptr);

// Whole pipeline on coordinates: types[i] == btype marks B particles.
BGraph bgraph(const PeriodicBox &box, const double *x, const int *types, std::size_t n, int btype,
              int k, LinkRule rule, const std::int64_t *ids = nullptr);

}  // namespace mlglass
