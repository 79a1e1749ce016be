// Classification statistics against their definitions, computed by brute force.
#include "classification.h"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>

using namespace mlglass;

namespace {

double auc_brute_force(const std::vector<double> &s, const std::vector<int> &y) {
  double wins = 0, pairs = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    for (std::size_t j = 0; j < s.size(); ++j)
      if (y[i] == 1 && y[j] == 0) {
        pairs += 1;
        wins += s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
      }
  return wins / pairs;
}

TEST(Classification, AucEqualsPairCountingWithTies) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<double> s(60);
    std::vector<int> y(60);
    for (int i = 0; i < 60; ++i) {
      y[i] = int(rng() % 2);
      s[i] = double(rng() % 7) / 7.0 + 0.1 * y[i];  // many ties
    }
    y[0] = 0;
    y[1] = 1;
    EXPECT_DOUBLE_EQ(roc_auc(s, y), auc_brute_force(s, y));
  }
}

TEST(Classification, PerfectRandomAndInvertedScores) {
  EXPECT_DOUBLE_EQ(roc_auc({0.1, 0.2, 0.8, 0.9}, {0, 0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc({0.9, 0.8, 0.2, 0.1}, {0, 0, 1, 1}), 0.0);
  EXPECT_DOUBLE_EQ(roc_auc({0.5, 0.5, 0.5, 0.5}, {0, 1, 0, 1}), 0.5);
}

TEST(Classification, AccuracyAtThreshold) {
  EXPECT_DOUBLE_EQ(accuracy({0.1, 0.6, 0.4, 0.9}, {0, 1, 1, 1}), 0.75);
  EXPECT_DOUBLE_EQ(accuracy({0.1, 0.6, 0.4, 0.9}, {0, 1, 1, 1}, 0.3), 1.0);
}

TEST(Classification, RocCurveEndsAtCornersAndIntegratesToAuc) {
  std::vector<double> s = {0.1, 0.4, 0.35, 0.8, 0.8, 0.2};
  std::vector<int> y = {0, 0, 1, 1, 0, 1};
  auto c = roc_curve(s, y);
  EXPECT_DOUBLE_EQ(c.front().fpr, 0.0);
  EXPECT_DOUBLE_EQ(c.front().tpr, 0.0);
  EXPECT_DOUBLE_EQ(c.back().fpr, 1.0);
  EXPECT_DOUBLE_EQ(c.back().tpr, 1.0);
  double area = 0;
  for (std::size_t i = 1; i < c.size(); ++i)
    area += (c[i].fpr - c[i - 1].fpr) * 0.5 * (c[i].tpr + c[i - 1].tpr);
  EXPECT_NEAR(area, roc_auc(s, y), 1e-12);
}

TEST(Classification, StratifiedFoldsKeepTheClassRatio) {
  std::vector<int> y(103);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = i % 3 == 0;  // 35 positives
  auto f = stratified_folds(y, 5, 1);
  for (int k = 0; k < 5; ++k) {
    int n = 0, pos = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (f[i] == k) {
        n++;
        pos += y[i];
      }
    EXPECT_NEAR(n, 103 / 5.0, 1.0);
    EXPECT_NEAR(pos, 35 / 5.0, 1.0);
  }
  EXPECT_EQ(f, stratified_folds(y, 5, 1));  // deterministic
  EXPECT_NE(f, stratified_folds(y, 5, 2));
}

TEST(Classification, ErrorsNameTheProblem) {
  EXPECT_THROW(roc_auc({0.1, 0.2}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(roc_auc({0.1}, {1, 0}), std::invalid_argument);
  EXPECT_THROW(roc_auc({0.1, 0.2}, {0, 2}), std::invalid_argument);
  EXPECT_THROW(stratified_folds({0, 1, 0, 1}, 3, 0), std::invalid_argument);
  EXPECT_THROW(stratified_folds({0, 1}, 1, 0), std::invalid_argument);
}

}  // namespace
