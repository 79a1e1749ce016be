// B-graph metrics: the library must equal an independent brute-force reference (all-pairs kNN,
// explicit link set, breadth-first components) on random periodic configurations.
#include "bgraph.h"
#include "knn.h"
#include "random_config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <queue>
#include <set>

using namespace mlglass;
using mlglass::testing::Config;
using mlglass::testing::random_config;

namespace {

// Brute force, written from the definition without the library's graph code.
BGraphMetrics reference_metrics(const Config &c, int k, LinkRule rule,
                                std::vector<std::int64_t> *component = nullptr) {
  const std::size_t n = c.n();
  auto knn = knn_indices_brute_force(c.box, c.x.data(), n, k);
  std::set<std::pair<int, int>> links;
  for (std::size_t i = 0; i < n; ++i) {
    const bool bi = c.type[i] == 2;
    if (rule == LinkRule::paper && !bi) continue;
    for (int s = 0; s < k; ++s) {
      const int j = knn[i * k + s];
      if (!bi && c.type[j] != 2) continue;
      links.insert({std::min<int>(i, j), std::max<int>(i, j)});
    }
  }
  std::vector<std::vector<int>> adj(n);
  BGraphMetrics m;
  for (auto [i, j] : links) {
    adj[i].push_back(j);
    adj[j].push_back(i);
    if (c.type[i] == 2 && c.type[j] == 2) ++m.bb_links;
  }
  m.links = std::int64_t(links.size());
  std::vector<std::int64_t> comp(n, 0);
  for (std::size_t s = 0; s < n; ++s) {
    if (adj[s].empty()) {
      ++(c.type[s] == 2 ? m.isolated_b : m.isolated_a);
      continue;
    }
    if (comp[s]) continue;
    ++m.components;
    std::vector<int> members;
    std::queue<int> q;
    q.push(int(s));
    comp[s] = -1;
    while (!q.empty()) {
      int v = q.front();
      q.pop();
      members.push_back(v);
      for (int w : adj[v])
        if (!comp[w]) {
          comp[w] = -1;
          q.push(w);
        }
    }
    const std::int64_t lab = *std::min_element(members.begin(), members.end()) + 1;
    for (int v : members) comp[v] = lab;
    m.largest_component = std::max<std::int64_t>(m.largest_component, members.size());
  }
  if (component) *component = comp;
  return m;
}

struct Case {
  int dim;
  LinkRule rule;
  int k;
};

class BGraphRandom : public ::testing::TestWithParam<Case> {};

TEST_P(BGraphRandom, EqualsBruteForceOn20Configurations) {
  const auto p = GetParam();
  for (unsigned seed = 100; seed < 120; ++seed) {
    auto c = random_config(p.dim == 2 ? 600 : 500, p.dim, 1.2, seed);
    std::vector<std::int64_t> ref_comp;
    const auto ref = reference_metrics(c, p.k, p.rule, &ref_comp);
    const auto g = bgraph(c.box, c.x.data(), c.type.data(), c.n(), 2, p.k, p.rule);
    EXPECT_EQ(g.metrics.as_array(), ref.as_array()) << "seed " << seed;
    EXPECT_EQ(g.component, ref_comp) << "seed " << seed;
    // degree sums to twice the link count
    std::int64_t dsum = 0;
    for (int d : g.degree) dsum += d;
    EXPECT_EQ(dsum, 2 * g.metrics.links);
  }
}

INSTANTIATE_TEST_SUITE_P(Core, BGraphRandom,
                         ::testing::Values(Case{2, LinkRule::paper, 2}, Case{2, LinkRule::symmetric, 2},
                                           Case{3, LinkRule::paper, 2}, Case{3, LinkRule::symmetric, 2},
                                           Case{2, LinkRule::paper, 3}, Case{3, LinkRule::symmetric, 1}));

TEST(BGraph, HandComputedExample) {
  // 1D-like chain in a big 2D box: A0 B1 B2 A3 ... spaced so neighbours are unambiguous.
  PeriodicBox box = PeriodicBox::square(100.0, 2);
  std::vector<double> x = {0, 0, 0, 1.0, 0, 0, 2.1, 0, 0, 3.3, 0, 0, 50, 50, 0, 51.2, 50, 0, 52.5, 50, 0};
  std::vector<int> type = {1, 2, 2, 1, 1, 1, 1};
  // paper, k=2: B1 -> {A0 (1.0), B2 (1.1)}; B2 -> {B1 (1.1), A3 (1.2)}
  auto g = bgraph(box, x.data(), type.data(), type.size(), 2, 2, LinkRule::paper);
  EXPECT_EQ(g.metrics.links, 3);
  EXPECT_EQ(g.metrics.bb_links, 1);
  EXPECT_EQ(g.metrics.components, 1);
  EXPECT_EQ(g.metrics.largest_component, 4);
  EXPECT_EQ(g.metrics.isolated_a, 3);  // particles 4, 5, 6
  EXPECT_EQ(g.metrics.isolated_b, 0);
  EXPECT_EQ(g.component, (std::vector<std::int64_t>{1, 1, 1, 1, 0, 0, 0}));
  EXPECT_EQ(g.degree, (std::vector<int>{1, 2, 2, 1, 0, 0, 0}));
  // symmetric: A0 -> {B1, B2} and A3 -> {B2, B1} add links 0-2 and 1-3; the far A's link only A's
  auto s = bgraph(box, x.data(), type.data(), type.size(), 2, 2, LinkRule::symmetric);
  EXPECT_EQ(s.metrics.links, 5);
  EXPECT_EQ(s.metrics.bb_links, 1);
  EXPECT_EQ(s.metrics.isolated_a, 3);
  EXPECT_EQ(s.degree, (std::vector<int>{2, 3, 3, 2, 0, 0, 0}));
}

TEST(BGraph, ParsesRuleNames) {
  EXPECT_EQ(parse_link_rule("paper"), LinkRule::paper);
  EXPECT_EQ(parse_link_rule("symmetric"), LinkRule::symmetric);
  EXPECT_THROW(parse_link_rule("Paper"), std::invalid_argument);
  for (LinkRule r : {LinkRule::paper, LinkRule::symmetric}) EXPECT_EQ(parse_link_rule(link_rule_name(r)), r);
}

}  // namespace
