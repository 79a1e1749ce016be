// The structural-metrics analysis of `mlglass metrics`: the B-particle graph metrics of every frame
// of cooling-run dumps (the same core code as `compute bgraph`), with the frame's temperature, and
// their statistics: the kink regression y = b0 + b1 T + b2 D + b3 T D (D = 1 above T_g) per metric
// and link rule, and one-sided Wilcoxon signed-rank tests of liquid > glass, paired by cooling run.
#pragma once

#include "bgraph.h"
#include "statistics.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlglass {

// The three metrics of the paper, by their names in BGraphMetrics::names().
inline const std::vector<std::string> &paper_metric_names() {
  static const std::vector<std::string> names = {"components", "bb_links", "isolated_a"};
  return names;
}
double metric_value(const BGraphMetrics &m, const std::string &name);  // throws for unknown names

struct FrameMetrics {
  std::string file;              // the dump
  std::string group;             // the cooling run it belongs to (pairs the Wilcoxon tests)
  std::int64_t timestep = 0;
  double temperature = 0.0;
  std::optional<int> label;      // 1 glass, 0 liquid, none
  LinkRule rule = LinkRule::paper;
  std::int64_t natoms = 0;
  BGraphMetrics metrics;
};

struct KinkTest {
  std::string metric;
  LinkRule rule = LinkRule::paper;
  std::optional<stats::OlsFit> fit;  // none if the data cannot support the regression
  std::string problem;              // why not
};

struct PairedTest {
  std::string metric;
  LinkRule rule = LinkRule::paper;
  std::vector<std::string> groups;           // the runs with both glass and liquid frames
  std::vector<double> liquid_mean, glass_mean;  // per group
  std::optional<stats::WilcoxonResult> test;    // liquid > glass; none without pairs
};

// Kink regressions of each paper metric against T for each rule present in rows.
std::vector<KinkTest> kink_tests(const std::vector<FrameMetrics> &rows, double tg);
// Per rule and metric: the mean over the liquid frames and over the glass frames of each group
// that has both, and the one-sided signed-rank test of liquid > glass over the groups.
std::vector<PairedTest> paired_tests(const std::vector<FrameMetrics> &rows);

}  // namespace mlglass
