// The statistics of `mlglass metrics` on per-frame rows: which frames enter each regression, how
// glass and liquid frames are paired by run, and the rules kept apart.
#include "structure_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace mlglass;

namespace {

FrameMetrics row(const std::string &group, double t, std::optional<int> label, LinkRule rule,
                 std::int64_t components, std::int64_t bb, std::int64_t iso) {
  FrameMetrics r;
  r.group = group;
  r.temperature = t;
  r.label = label;
  r.rule = rule;
  r.metrics.components = components;
  r.metrics.bb_links = bb;
  r.metrics.isolated_a = iso;
  return r;
}

}  // namespace

TEST(StructureMetrics, MetricValueByName) {
  BGraphMetrics m;
  m.components = 3;
  m.bb_links = 5;
  m.isolated_a = 7;
  EXPECT_EQ(metric_value(m, "components"), 3);
  EXPECT_EQ(metric_value(m, "bb_links"), 5);
  EXPECT_EQ(metric_value(m, "isolated_a"), 7);
  EXPECT_THROW(metric_value(m, "nonsense"), std::invalid_argument);
}

TEST(StructureMetrics, KinkTestsPerRuleUseOnlyThatRulesRows) {
  std::vector<FrameMetrics> rows;
  // paper: components = 10 + 2 T below T_g = 0.5, slope 12 above; symmetric: constant 100 + noise
  for (int i = 0; i < 10; ++i) {
    const double t = 0.1 * (i + 1);
    const double c = t <= 0.5 ? 10 + 2 * t : 11 + 12 * (t - 0.5);
    rows.push_back(row("a", t, std::nullopt, LinkRule::paper, std::llround(100 * c), i, 2 * i));
    rows.push_back(row("a", t, std::nullopt, LinkRule::symmetric, 100 + (i % 2), i, 2 * i));
  }
  const auto kinks = kink_tests(rows, 0.5);
  ASSERT_EQ(kinks.size(), 6u);  // 2 rules x 3 metrics
  const KinkTest &paper_components = kinks[0];
  EXPECT_EQ(paper_components.rule, LinkRule::paper);
  EXPECT_EQ(paper_components.metric, "components");
  ASSERT_TRUE(paper_components.fit);
  EXPECT_NEAR(paper_components.fit->beta[1], 200.0, 1.0);   // glass slope (x100, rounded)
  EXPECT_NEAR(paper_components.fit->beta[3], 1000.0, 2.0);  // slope change
  EXPECT_LT(paper_components.fit->p_greater(3), 1e-6);
  EXPECT_EQ(paper_components.fit->n, 10);  // the symmetric rows are not mixed in
  const KinkTest &sym_components = kinks[3];
  EXPECT_EQ(sym_components.rule, LinkRule::symmetric);
  ASSERT_TRUE(sym_components.fit);
  EXPECT_GT(sym_components.fit->p_greater(3), 0.05);  // no kink in a flat metric
  // a T_g below every frame: each test says why it was not fitted
  for (const auto &k : kink_tests(rows, 0.01)) {
    EXPECT_FALSE(k.fit);
    EXPECT_NE(k.problem.find("distinct temperatures"), std::string::npos) << k.problem;
  }
}

TEST(StructureMetrics, PairedTestsPairGlassAndLiquidMeansByRun) {
  std::vector<FrameMetrics> rows;
  const char *runs[] = {"seed-1", "seed-2", "seed-3", "seed-4", "seed-5", "seed-6"};
  for (int s = 0; s < 6; ++s) {
    // two liquid frames (metric 50 + 2s and 52 + 2s: mean 51 + 2s), one glass frame (40 + s):
    // differences 11 + s, all distinct (no ties: the exact test), one unlabelled frame that must
    // not count
    rows.push_back(row(runs[s], 1.0, 0, LinkRule::paper, 50 + 2 * s, 0, 0));
    rows.push_back(row(runs[s], 1.1, 0, LinkRule::paper, 52 + 2 * s, 0, 0));
    rows.push_back(row(runs[s], 0.05, 1, LinkRule::paper, 40 + s, 0, 0));
    rows.push_back(row(runs[s], 0.5, std::nullopt, LinkRule::paper, 1000, 0, 0));
  }
  rows.push_back(row("only-liquid", 1.0, 0, LinkRule::paper, 1, 0, 0));  // no pair: left out
  const auto tests = paired_tests(rows);
  ASSERT_EQ(tests.size(), 3u);
  const PairedTest &c = tests[0];
  EXPECT_EQ(c.metric, "components");
  ASSERT_EQ(c.groups.size(), 6u);
  for (int s = 0; s < 6; ++s) {
    EXPECT_EQ(c.groups[s], runs[s]);
    EXPECT_DOUBLE_EQ(c.liquid_mean[s], 51 + 2 * s);
    EXPECT_DOUBLE_EQ(c.glass_mean[s], 40 + s);
  }
  ASSERT_TRUE(c.test);
  EXPECT_TRUE(c.test->exact);
  EXPECT_DOUBLE_EQ(c.test->p_greater, 1.0 / 64.0);  // all six runs: liquid > glass
  // bb_links are 0 everywhere: every difference is zero, nothing to test, p = 1
  ASSERT_TRUE(tests[1].test);
  EXPECT_EQ(tests[1].test->n, 0);
  EXPECT_EQ(tests[1].test->p_greater, 1.0);
}
