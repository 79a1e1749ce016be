// Binary-classification statistics for the trainer (labels: glass = 1, liquid = 0) and stratified
// fold assignment for cross-validation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mlglass {

// Scores that are NaN or infinite (a model whose weights diverged): roc_auc, roc_curve and accuracy
// throw this before looking at any score. what() reads, e.g.,
//   "roc_auc: 3 of 1000 scores are not finite (NaN or infinite; the first is score 17 = nan): the
//    model's outputs diverged"
// Derived from std::invalid_argument, so callers that catch that still catch it.
class NonFiniteScores : public std::invalid_argument {
 public:
  NonFiniteScores(const std::string &who, std::size_t count, std::size_t total, std::size_t first,
                  double first_value);
  std::size_t count() const noexcept { return count_; }  // how many scores are not finite
  std::size_t total() const noexcept { return total_; }  // how many scores there are
  std::size_t first() const noexcept { return first_; }  // index of the first non-finite score

 private:
  std::size_t count_, total_, first_;
};

// Area under the ROC curve = probability that a random positive scores above a random negative,
// ties counting one half (Mann-Whitney U / (n_pos n_neg)). Throws NonFiniteScores if a score is NaN
// or infinite, std::invalid_argument if the sizes differ, a label is not 0/1, or one class is
// absent (the AUC is undefined then).
double roc_auc(const std::vector<double> &score, const std::vector<int> &label);

// Fraction of samples with (score >= threshold) == label. Throws NonFiniteScores like roc_auc.
double accuracy(const std::vector<double> &score, const std::vector<int> &label,
                double threshold = 0.5);

struct RocPoint {
  double threshold;  // samples with score >= threshold are called positive
  double fpr;
  double tpr;
};
// The ROC curve from (0,0) to (1,1), one point per distinct score (descending thresholds). Throws
// NonFiniteScores like roc_auc.
std::vector<RocPoint> roc_curve(const std::vector<double> &score, const std::vector<int> &label);

// Fold index (0..k-1) for each sample: each class is shuffled with `seed` and dealt round-robin,
// so every fold has the class ratio of the whole set within one sample. Throws if k < 2 or a class
// has fewer than k samples.
std::vector<int> stratified_folds(const std::vector<int> &label, int k, std::uint64_t seed);

}  // namespace mlglass
