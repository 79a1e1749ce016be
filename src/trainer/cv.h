// Cross-validation and hyperparameter search for the D-MPNN trainer (`mlglass cv`, `mlglass
// hyperopt`): group-aware stratified folds, per-fold training with an inner validation split for
// model selection (best.pt by validation AUC), evaluation on the held-out fold with fixed windows,
// and nested cross-validation with random search over the Table 2 space of Swanson et al.
#pragma once

#include "trainer.h"

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace mlglass {

// Fold index (0..k-1) per sample with whole groups kept in one fold: groups are shuffled with
// `seed`, taken largest first, and each goes to the fold whose class counts stay closest to the
// class totals / k (greedy). Throws std::invalid_argument if k < 2, the sizes differ, a label is
// not 0/1, or some fold would lack a class (too few groups).
std::vector<int> group_stratified_folds(const std::vector<int> &label,
                                        const std::vector<std::string> &group, int k,
                                        std::uint64_t seed);

// Folds for configurations: group-aware if every configuration has a non-empty group (then
// *grouped = true), else stratified_folds by class.
std::vector<int> cv_folds(const std::vector<Configuration> &configs, int k, std::uint64_t seed,
                          bool *grouped = nullptr);

// true = validation: per class, round(fraction * n) samples (at least 1, at most n - 1) chosen
// with `seed`. Throws std::invalid_argument if a class has fewer than 2 samples.
std::vector<bool> validation_split(const std::vector<int> &label, double fraction,
                                   std::uint64_t seed);

double mean_of(const std::vector<double> &v);
double sample_std(const std::vector<double> &v);  // n - 1 denominator, 0 for n < 2

// AUC and accuracy (threshold 0.5) of a saved model on `windows` fixed windows per configuration.
struct TestMetrics {
  double auc = 0.0, accuracy = 0.0;
  std::size_t samples = 0;
};
// (The model file's own graph options are not used: cv and hyperopt pass those they trained with.)
TestMetrics test_model(const std::string &model_path, const std::vector<Configuration> &test,
                       const GraphOptions &graph, int windows, std::uint64_t seed);

struct FoldResult {
  int fold = 0;
  double auc = 0.0, accuracy = 0.0;  // on the held-out fold
  double best_val_auc = 0.0;         // inner validation AUC of best.pt
  int best_epoch = 0;
  std::size_t n_train = 0, n_val = 0, n_test = 0;
  std::string model;  // best.pt of the fold
};

struct CvOptions {
  TrainOptions train;          // out_dir and resume are set per fold
  std::string out_dir;         // DIR: fold-<i>/ and cv.json
  int folds = 3;
  int test_windows = 4;        // fixed windows per held-out configuration
  double val_fraction = 1.0 / 9.0;
  bool resume = false;         // skip folds with fold-<i>/result.json, continue the others
  std::function<void(const std::string &)> log;  // progress lines (may be empty)
};

struct CvReport {
  std::vector<FoldResult> folds;
  double mean_auc = 0.0, std_auc = 0.0, mean_accuracy = 0.0, std_accuracy = 0.0;
  bool grouped = false;
  int folds_trained = 0;  // folds trained in this run (not taken from result.json)
};

// Writes DIR/fold-<i>/{best.pt,last.pt,checkpoint.pt,metrics.csv,result.json} and DIR/cv.json.
CvReport run_cv(const std::vector<Configuration> &configs, const CvOptions &options);

// ---- nested cross-validation with random search ------------------------------------------------

// Table 2 of Swanson et al. (window as a fraction of the box edge) for the D-MPNN. For the CNN
// (model = cnn; the paper gives no search for it) the grid is the window, dropout and batch ranges
// shared with the D-MPNN plus the CNN's widths: fully connected layer, first and second
// convolution; the D-MPNN dimensions are not searched then.
struct SearchSpace {
  ModelType model = ModelType::dmpnn;
  int k_min = 1, k_max = 5;
  double window_min = 0.1, window_max = 0.3, window_step = 0.05;
  int hidden_min = 300, hidden_max = 2400, hidden_step = 100;
  int depth_min = 2, depth_max = 6;
  double dropout_min = 0.0, dropout_max = 0.5, dropout_step = 0.05;
  int ffn_layers_min = 1, ffn_layers_max = 3;
  int batch_min = 10, batch_max = 100, batch_step = 10;
  // CNN widths around LeNet-5's (6, 16, 80 at the paper's defaults)
  int fc_min = 40, fc_max = 160, fc_step = 40;
  int conv1_min = 4, conv1_max = 8, conv1_step = 2;
  int conv2_min = 8, conv2_max = 32, conv2_step = 8;
};

struct Hyperparams {
  int k = 2;
  double window = 0.2;
  int hidden = 300, depth = 3;
  double dropout = 0.0;
  int ffn_layers = 2, batch = 50;
  int fc = 80, conv1 = 6, conv2 = 16;  // CNN
};

// Uniform over the grid of each dimension. Throws std::invalid_argument for an empty range.
Hyperparams sample_hyperparams(const SearchSpace &space, std::mt19937_64 &rng);
// The grid as TPE sees it: the number of values of each dimension (D-MPNN: k, window, hidden,
// depth, dropout, ffn_layers, batch; CNN: window, dropout, batch, fc, conv1, conv2), and the
// hyperparameters at one index per dimension (the others keep their defaults).
std::vector<int> grid_sizes(const SearchSpace &space);
Hyperparams hyperparams_at(const SearchSpace &space, const std::vector<int> &index);
bool in_space(const Hyperparams &h, const SearchSpace &space);
// `base` with the hyperparameters of its model type applied (window as a fraction; D-MPNN:
// ffn_hidden = hidden; CNN: the dropout is the CNN's).
TrainOptions with_hyperparams(TrainOptions base, const Hyperparams &h);

// How hyperopt proposes trials: TPE (tpe.h; the paper's search) or uniformly at random.
enum class SearchMethod { tpe, random };
SearchMethod parse_search_method(const std::string &name);  // "tpe" | "random"
const char *search_method_name(SearchMethod m);

struct HyperoptOptions {
  TrainOptions base;           // everything not searched (epochs, schedule, ntypes, seed, ...)
  SearchSpace space;
  SearchMethod search = SearchMethod::tpe;
  int tpe_startup = 5;         // random trials before TPE models the results
  std::string out_dir;         // DIR: outer-<i>/trial-<j>/, outer-<i>/result.json, hyperopt.json
  int trials = 15;
  int outer_folds = 3;
  int test_windows = 4;
  double val_fraction = 1.0 / 9.0;  // of the outer training part: 80/10/10 overall for 5 folds
  bool resume = false;         // reuse finished trials and outer folds
  std::function<void(const std::string &)> log;
};

struct Trial {
  Hyperparams params;
  double val_auc = -1.0;  // -1: failed (error holds why)
  int best_epoch = 0;
  std::string error;
};

struct OuterFold {
  FoldResult result;       // the chosen trial's best.pt on the outer test fold
  int chosen_trial = 0;
  Hyperparams chosen;
  std::vector<Trial> trials;
};

struct HyperoptReport {
  std::vector<OuterFold> folds;
  double mean_auc = 0.0, std_auc = 0.0, mean_accuracy = 0.0, std_accuracy = 0.0;
  bool grouped = false;
};

HyperoptReport run_hyperopt(const std::vector<Configuration> &configs,
                            const HyperoptOptions &options);

}  // namespace mlglass
