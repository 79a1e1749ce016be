// Binary-classification statistics for the trainer (labels: glass = 1, liquid = 0) and stratified
// fold assignment for cross-validation.
#pragma once

#include <cstdint>
#include <vector>

namespace mlglass {

// Area under the ROC curve = probability that a random positive scores above a random negative,
// ties counting one half (Mann-Whitney U / (n_pos n_neg)). Throws std::invalid_argument if the
// sizes differ, a label is not 0/1, or one class is absent (the AUC is undefined then).
double roc_auc(const std::vector<double> &score, const std::vector<int> &label);

// Fraction of samples with (score >= threshold) == label.
double accuracy(const std::vector<double> &score, const std::vector<int> &label,
                double threshold = 0.5);

struct RocPoint {
  double threshold;  // samples with score >= threshold are called positive
  double fpr;
  double tpr;
};
// The ROC curve from (0,0) to (1,1), one point per distinct score (descending thresholds).
std::vector<RocPoint> roc_curve(const std::vector<double> &score, const std::vector<int> &label);

// Fold index (0..k-1) for each sample: each class is shuffled with `seed` and dealt round-robin,
// so every fold has the class ratio of the whole set within one sample. Throws if k < 2 or a class
// has fewer than k samples.
std::vector<int> stratified_folds(const std::vector<int> &label, int k, std::uint64_t seed);

}  // namespace mlglass
