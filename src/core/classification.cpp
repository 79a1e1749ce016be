#include "classification.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <random>
#include <stdexcept>
#include <string>

namespace mlglass {

NonFiniteScores::NonFiniteScores(const std::string &who, std::size_t count, std::size_t total,
                                 std::size_t first, double first_value)
    : std::invalid_argument([&] {
        std::ostringstream m;
        m << who << ": " << count << " of " << total
          << " scores are not finite (NaN or infinite; the first is score " << first << " = "
          << first_value << "): the model's outputs diverged";
        return m.str();
      }()),
      count_(count),
      total_(total),
      first_(first) {}

namespace {

// Sizes, labels and scores. Non-finite scores are refused before anything compares them: a NaN
// breaks the ordering std::stable_sort needs and never equals itself in the tie loops.
void check(const char *who, const std::vector<double> &score, const std::vector<int> &label,
           std::size_t &npos, std::size_t &nneg) {
  std::size_t bad = 0, first = 0;
  for (std::size_t i = 0; i < score.size(); ++i)
    if (!std::isfinite(score[i]) && bad++ == 0) first = i;
  if (bad > 0) throw NonFiniteScores(who, bad, score.size(), first, score[first]);
  if (score.size() != label.size())
    throw std::invalid_argument(std::string(who) + ": scores and labels differ in size (" +
                                std::to_string(score.size()) + " vs " +
                                std::to_string(label.size()) + ")");
  npos = nneg = 0;
  for (int l : label) {
    if (l != 0 && l != 1) throw std::invalid_argument("label " + std::to_string(l) + " is not 0 or 1");
    (l ? npos : nneg)++;
  }
}

// indices sorted by descending score (all finite)
std::vector<std::size_t> by_score_desc(const std::vector<double> &score) {
  std::vector<std::size_t> order(score.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  return order;
}

// End of the group of equal scores that starts at a: always > a, so a loop over groups advances
// even if the comparison were never true.
std::size_t tie_end(const std::vector<double> &score, const std::vector<std::size_t> &order,
                    std::size_t a) {
  std::size_t b = a + 1;
  while (b < order.size() && score[order[b]] == score[order[a]]) b++;
  return b;
}

}  // namespace

double roc_auc(const std::vector<double> &score, const std::vector<int> &label) {
  std::size_t npos, nneg;
  check("roc_auc", score, label, npos, nneg);
  if (npos == 0 || nneg == 0)
    throw std::invalid_argument("roc_auc: AUC needs both classes (have " + std::to_string(npos) +
                                " positive, " + std::to_string(nneg) + " negative)");
  // Walk groups of equal score from the top: every negative in a group is beaten by the positives
  // above it and ties with the positives inside it.
  const auto order = by_score_desc(score);
  double wins = 0.0;
  std::size_t pos_above = 0;
  for (std::size_t a = 0; a < order.size();) {
    const std::size_t b = tie_end(score, order, a);
    std::size_t pos_here = 0, neg_here = 0;
    for (std::size_t c = a; c < b; ++c) (label[order[c]] ? pos_here : neg_here)++;
    wins += double(neg_here) * (double(pos_above) + 0.5 * double(pos_here));
    pos_above += pos_here;
    a = b;
  }
  return wins / (double(npos) * double(nneg));
}

double accuracy(const std::vector<double> &score, const std::vector<int> &label, double threshold) {
  std::size_t npos, nneg;
  check("accuracy", score, label, npos, nneg);
  if (score.empty()) throw std::invalid_argument("accuracy of no samples");
  std::size_t right = 0;
  for (std::size_t i = 0; i < score.size(); ++i) right += int(score[i] >= threshold) == label[i];
  return double(right) / double(score.size());
}

std::vector<RocPoint> roc_curve(const std::vector<double> &score, const std::vector<int> &label) {
  std::size_t npos, nneg;
  check("roc_curve", score, label, npos, nneg);
  if (npos == 0 || nneg == 0) throw std::invalid_argument("roc_curve: ROC curve needs both classes");
  const auto order = by_score_desc(score);
  std::vector<RocPoint> curve;
  curve.push_back({score.empty() ? 1.0 : score[order[0]] + 1.0, 0.0, 0.0});
  std::size_t tp = 0, fp = 0;
  for (std::size_t a = 0; a < order.size();) {
    const std::size_t b = tie_end(score, order, a);
    for (std::size_t c = a; c < b; ++c) (label[order[c]] ? tp : fp)++;
    curve.push_back({score[order[a]], double(fp) / nneg, double(tp) / npos});
    a = b;
  }
  return curve;
}

std::vector<int> stratified_folds(const std::vector<int> &label, int k, std::uint64_t seed) {
  if (k < 2) throw std::invalid_argument("need k >= 2 folds, got " + std::to_string(k));
  std::vector<std::size_t> cls[2];
  for (std::size_t i = 0; i < label.size(); ++i) {
    if (label[i] != 0 && label[i] != 1)
      throw std::invalid_argument("label " + std::to_string(label[i]) + " is not 0 or 1");
    cls[label[i]].push_back(i);
  }
  for (int c = 0; c < 2; ++c)
    if (cls[c].size() < std::size_t(k))
      throw std::invalid_argument("class " + std::to_string(c) + " has " +
                                  std::to_string(cls[c].size()) + " samples, fewer than k = " +
                                  std::to_string(k) + " folds");
  std::mt19937_64 rng(seed);
  std::vector<int> fold(label.size(), -1);
  int next = 0;  // continue the deal across classes so fold sizes differ by at most one
  for (int c = 0; c < 2; ++c) {
    std::shuffle(cls[c].begin(), cls[c].end(), rng);
    for (std::size_t i : cls[c]) {
      fold[i] = next;
      next = (next + 1) % k;
    }
  }
  return fold;
}

}  // namespace mlglass
