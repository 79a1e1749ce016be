// Classification statistics against their definitions, computed by brute force.
#include "classification.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <future>
#include <memory>
#include <thread>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

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

// A NaN score once left roc_auc's tie loop spinning forever (NaN == NaN is false even for the same
// element): every call runs in its own thread and must finish within 10 s (a hang fails the test
// instead of blocking the suite; the stuck thread is then left behind, hence the detached future).
template <class Fn>
void expect_non_finite_rejected(Fn fn, const std::string &who, std::size_t count, std::size_t total,
                                std::size_t first) {
  auto task = std::make_shared<std::packaged_task<std::string()>>([fn] {
    try {
      fn();
    } catch (const NonFiniteScores &e) {
      return std::string(e.what()) + "|" + std::to_string(e.count()) + "|" +
             std::to_string(e.total()) + "|" + std::to_string(e.first());
    } catch (const std::exception &e) {
      return std::string("wrong exception: ") + e.what();
    }
    return std::string("no exception");
  });
  auto result = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << who << " did not return within 10 s";
  const std::string got = result.get();
  EXPECT_EQ(got.rfind(who + ": " + std::to_string(count) + " of " + std::to_string(total) +
                          " scores are not finite",
                      0),
            0u)
      << got;
  EXPECT_NE(got.find("the model's outputs diverged"), std::string::npos) << got;
  EXPECT_NE(got.find("|" + std::to_string(count) + "|" + std::to_string(total) + "|" +
                     std::to_string(first)),
            std::string::npos)
      << got;
}

TEST(Classification, NonFiniteScoresAreRefusedPromptly) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  // all NaN: the case of a model whose weights became NaN
  const std::vector<double> all_nan(1000, nan);
  std::vector<int> y(1000);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = int(i % 2);
  expect_non_finite_rejected([=] { roc_auc(all_nan, y); }, "roc_auc", 1000, 1000, 0);
  expect_non_finite_rejected([=] { roc_curve(all_nan, y); }, "roc_curve", 1000, 1000, 0);
  expect_non_finite_rejected([=] { accuracy(all_nan, y); }, "accuracy", 1000, 1000, 0);
  // a few NaN and infinities among finite scores, with ties
  std::vector<double> some(1000);
  for (std::size_t i = 0; i < some.size(); ++i) some[i] = double(i % 7) / 7.0;
  some[17] = nan;
  some[500] = inf;
  some[999] = -inf;
  expect_non_finite_rejected([=] { roc_auc(some, y); }, "roc_auc", 3, 1000, 17);
  expect_non_finite_rejected([=] { roc_curve(some, y); }, "roc_curve", 3, 1000, 17);
  expect_non_finite_rejected([=] { accuracy(some, y); }, "accuracy", 3, 1000, 17);
  // still a std::invalid_argument for callers that catch only that
  EXPECT_THROW(roc_auc({0.1, nan}, {0, 1}), std::invalid_argument);
  // the finite scores alone still work
  some[17] = some[500] = some[999] = 0.5;
  EXPECT_NO_THROW(roc_auc(some, y));
}

}  // namespace
