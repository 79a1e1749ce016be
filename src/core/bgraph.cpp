#include "bgraph.h"

#include "knn.h"
#include "union_find.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

namespace mlglass {

LinkRule parse_link_rule(const std::string &name) {
  if (name == "paper") return LinkRule::paper;
  if (name == "symmetric") return LinkRule::symmetric;
  throw std::invalid_argument("unknown link rule '" + name + "' (expected paper or symmetric)");
}

const char *link_rule_name(LinkRule rule) {
  return rule == LinkRule::paper ? "paper" : "symmetric";
}

const std::array<const char *, BGraphMetrics::count> &BGraphMetrics::names() {
  static const std::array<const char *, count> n = {
      "components", "bb_links", "isolated_a", "isolated_b", "links", "largest_component"};
  return n;
}

std::array<double, BGraphMetrics::count> BGraphMetrics::as_array() const {
  return {double(components), double(bb_links),  double(isolated_a),
          double(isolated_b), double(links),     double(largest_component)};
}

BGraph bgraph_from_knn(std::size_t n, int k, const std::vector<int> &knn,
                       const std::vector<char> &is_b, LinkRule rule, const std::int64_t *ids) {
  std::vector<std::pair<int, int>> links;
  for (std::size_t i = 0; i < n; ++i) {
    if (!emits_links(rule, is_b[i])) continue;
    for (int s = 0; s < k; ++s) {
      const int j = knn[i * k + s];
      if (j < 0 || !keeps_link(is_b[i], is_b[j])) continue;
      links.emplace_back(int(i), j);
    }
  }
  return bgraph_from_links(n, std::move(links), is_b, ids);
}

BGraph bgraph_from_links(std::size_t n, std::vector<std::pair<int, int>> links,
                         const std::vector<char> &is_b, const std::int64_t *ids) {
  auto id = [&](std::size_t i) { return ids ? ids[i] : static_cast<std::int64_t>(i) + 1; };
  BGraph g;
  for (auto [i, j] : links) {
    if (i < 0 || j < 0 || std::size_t(i) >= n || std::size_t(j) >= n)
      throw std::out_of_range("bgraph_from_links: link (" + std::to_string(i) + ", " +
                              std::to_string(j) + ") outside 0.." + std::to_string(n) + "-1");
    if (i != j) g.links.emplace_back(std::min(i, j), std::max(i, j));
  }
  std::sort(g.links.begin(), g.links.end());
  g.links.erase(std::unique(g.links.begin(), g.links.end()), g.links.end());

  g.degree.assign(n, 0);
  UnionFind uf(n);
  for (auto [i, j] : g.links) {
    ++g.degree[i];
    ++g.degree[j];
    uf.unite(i, j);
    if (is_b[i] && is_b[j]) ++g.metrics.bb_links;
  }
  g.metrics.links = static_cast<std::int64_t>(g.links.size());

  std::unordered_map<std::size_t, std::int64_t> root_label;  // root -> smallest id
  for (std::size_t i = 0; i < n; ++i) {
    if (g.degree[i] == 0) continue;
    auto [it, fresh] = root_label.try_emplace(uf.find(i), id(i));
    if (!fresh) it->second = std::min(it->second, id(i));
  }
  g.component.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (g.degree[i] == 0) {
      ++(is_b[i] ? g.metrics.isolated_b : g.metrics.isolated_a);
      continue;
    }
    const std::size_t root = uf.find(i);
    g.component[i] = root_label[root];
    g.metrics.largest_component =
        std::max<std::int64_t>(g.metrics.largest_component, uf.set_size(root));
  }
  g.metrics.components = static_cast<std::int64_t>(root_label.size());
  return g;
}

BGraph bgraph(const PeriodicBox &box, const double *x, const int *types, std::size_t n, int btype,
              int k, LinkRule rule, const std::int64_t *ids) {
  std::vector<char> is_b(n);
  for (std::size_t i = 0; i < n; ++i) is_b[i] = types[i] == btype;
  return bgraph_from_knn(n, k, knn_indices(box, x, n, k, ids), is_b, rule, ids);
}

}  // namespace mlglass
