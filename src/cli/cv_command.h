// `mlglass cv` (stratified, group-aware k-fold cross-validation of the trainer) and `mlglass
// hyperopt` (nested cross-validation with random search over the Table 2 space): src/trainer/cv.h.
#pragma once

#include "cv.h"
#include "train_command.h"

#include <string>

namespace CLI {
class App;
}

namespace mlglass::cli {

// The training options come from train_command.h (add_training_options, finish_training_options).

struct CvArgs {
  TrainArgs train;
  int folds = 3;
  int test_windows = 4;
};
CLI::App *add_cv_command(CLI::App &app, CvArgs &args);
int run_cv_command(CvArgs &args);

struct HyperoptArgs {
  TrainArgs train;
  SearchSpace space;
  int trials = 15;
  int outer_folds = 3;
  int test_windows = 4;
  int hidden_max = 0;  // > 0: shrink the hidden range to [min(300, H), H]
  std::string search = "tpe";
  int tpe_startup = 5;
};
CLI::App *add_hyperopt_command(CLI::App &app, HyperoptArgs &args);
int run_hyperopt_command(HyperoptArgs &args);

}  // namespace mlglass::cli
