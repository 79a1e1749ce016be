#include "structure_metrics.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <utility>

namespace mlglass {

double metric_value(const BGraphMetrics &m, const std::string &name) {
  const auto &names = BGraphMetrics::names();
  const auto values = m.as_array();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (name == names[i]) return values[i];
  throw std::invalid_argument("unknown B-graph metric '" + name + "'");
}

namespace {

std::vector<LinkRule> rules_in(const std::vector<FrameMetrics> &rows) {
  std::vector<LinkRule> rules;
  for (const auto &r : rows)
    if (std::find(rules.begin(), rules.end(), r.rule) == rules.end()) rules.push_back(r.rule);
  return rules;
}

}  // namespace

std::vector<KinkTest> kink_tests(const std::vector<FrameMetrics> &rows, double tg) {
  std::vector<KinkTest> out;
  for (LinkRule rule : rules_in(rows))
    for (const std::string &metric : paper_metric_names()) {
      std::vector<double> t, y;
      for (const auto &r : rows)
        if (r.rule == rule) {
          t.push_back(r.temperature);
          y.push_back(metric_value(r.metrics, metric));
        }
      KinkTest k;
      k.metric = metric;
      k.rule = rule;
      try {
        k.fit = stats::kink_regression(t, y, tg);
      } catch (const std::invalid_argument &e) {
        k.problem = e.what();
      }
      out.push_back(std::move(k));
    }
  return out;
}

std::vector<PairedTest> paired_tests(const std::vector<FrameMetrics> &rows) {
  std::vector<PairedTest> out;
  for (LinkRule rule : rules_in(rows))
    for (const std::string &metric : paper_metric_names()) {
      // group -> (sum, count) per label
      std::map<std::string, std::pair<double, int>> liquid, glass;
      for (const auto &r : rows) {
        if (r.rule != rule || !r.label) continue;
        auto &acc = (*r.label == 1 ? glass : liquid)[r.group];
        acc.first += metric_value(r.metrics, metric);
        ++acc.second;
      }
      PairedTest p;
      p.metric = metric;
      p.rule = rule;
      for (const auto &[group, l] : liquid) {
        const auto g = glass.find(group);
        if (g == glass.end()) continue;
        p.groups.push_back(group);
        p.liquid_mean.push_back(l.first / l.second);
        p.glass_mean.push_back(g->second.first / g->second.second);
      }
      if (!p.groups.empty()) p.test = stats::wilcoxon_greater(p.liquid_mean, p.glass_mean);
      out.push_back(std::move(p));
    }
  return out;
}

}  // namespace mlglass
