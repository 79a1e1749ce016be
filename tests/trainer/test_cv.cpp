// Cross-validation and nested random search: group-aware folds, cv files and statistics, resume,
// hyperopt choices inside the search space. Tiny models on a synthetic two-class set.
#include "cv.h"
#include "model_file.h"

#include "synthetic.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

using namespace mlglass;
namespace fs = std::filesystem;

namespace {

// Grid 32 x 36 so that windows of 0.1 hold more than 5 particles.
Configuration synthetic(int label, unsigned seed) {
  return mlglass::testing::synthetic_configuration(label, seed, 32, 36);
}

// 24 configurations, 12 per class, in 8 groups of 3 (mixed classes within a group).
std::vector<Configuration> dataset(bool groups) {
  std::vector<Configuration> v;
  for (unsigned i = 0; i < 24; ++i) {
    v.push_back(synthetic(int(i % 2), 300 + i));
    if (groups) v.back().group = "g" + std::to_string(i / 3);
  }
  return v;
}

TrainOptions tiny() {
  TrainOptions o;
  o.graph.k = 3;
  o.graph.window.side = 0.3;
  o.model.hidden = 16;
  o.model.ffn_hidden = 16;
  o.model.depth = 2;
  o.epochs = 2;
  o.batch_size = 8;
  o.warmup_epochs = 1;
  o.val_windows = 2;
  o.seed = 5;
  o.progress = false;
  return o;
}

std::string scratch(const std::string &name) {
  const fs::path p = fs::temp_directory_path() / ("mlglass-cv-" + std::to_string(getpid())) / name;
  fs::remove_all(p);
  return p.string();
}

// 3 folds of tiny() models into scratch directory `name`, 2 test windows per configuration
CvOptions tiny_cv(const std::string &name) {
  CvOptions o;
  o.train = tiny();
  o.out_dir = scratch(name);
  o.folds = 3;
  o.test_windows = 2;
  return o;
}

nlohmann::json read(const std::string &path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

TEST(Folds, GroupAwareFoldsKeepGroupsTogetherAndBalanceClasses) {
  std::vector<int> label;
  std::vector<std::string> group;
  std::mt19937_64 rng(3);
  // 30 groups of 1-4 configurations with mixed classes
  for (int g = 0; g < 30; ++g) {
    const int n = 1 + int(rng() % 4);
    for (int i = 0; i < n; ++i) {
      label.push_back(int(rng() % 2));
      group.push_back("group-" + std::to_string(g));
    }
  }
  const int k = 3;
  const auto fold = group_stratified_folds(label, group, k, 42);
  ASSERT_EQ(fold.size(), label.size());
  std::map<std::string, int> fold_of;
  std::vector<std::array<int, 2>> count(k, {0, 0});
  std::array<int, 2> total{0, 0};
  for (std::size_t i = 0; i < label.size(); ++i) {
    ASSERT_GE(fold[i], 0);
    ASSERT_LT(fold[i], k);
    auto [it, fresh] = fold_of.emplace(group[i], fold[i]);
    EXPECT_EQ(it->second, fold[i]) << group[i] << " split across folds";
    ++count[fold[i]][label[i]];
    ++total[label[i]];
  }
  for (int f = 0; f < k; ++f)
    for (int c = 0; c < 2; ++c)  // within one largest group (4) of the ideal share
      EXPECT_LE(std::abs(count[f][c] - double(total[c]) / k), 4.0) << "fold " << f << " class " << c;
  EXPECT_EQ(group_stratified_folds(label, group, k, 42), fold);  // seeded
  // too few groups for both classes in every fold
  EXPECT_THROW(group_stratified_folds({0, 1, 0, 1}, {"a", "a", "b", "b"}, 3, 1),
               std::invalid_argument);
}

TEST(Folds, FallsBackToStratifiedWithoutGroupsAndSplitsValidation) {
  auto configs = dataset(false);
  bool grouped = true;
  const auto fold = cv_folds(configs, 3, 1, &grouped);
  EXPECT_FALSE(grouped);
  std::vector<std::array<int, 2>> count(3, {0, 0});
  for (std::size_t i = 0; i < configs.size(); ++i) ++count[fold[i]][configs[i].label];
  for (const auto &c : count) {
    EXPECT_EQ(c[0], 4);
    EXPECT_EQ(c[1], 4);
  }
  std::vector<int> labels(18);
  for (int i = 0; i < 18; ++i) labels[i] = i % 2;
  const auto val = validation_split(labels, 1.0 / 9.0, 7);
  int nv[2] = {0, 0};
  for (int i = 0; i < 18; ++i) nv[labels[i]] += val[i];
  EXPECT_EQ(nv[0], 1);
  EXPECT_EQ(nv[1], 1);
  EXPECT_NEAR(sample_std({1.0, 2.0, 3.0}), 1.0, 1e-12);
}

TEST(Cv, TrainsEveryFoldWritesItsFilesAndResumeSkipsFinishedFolds) {
  at::set_num_threads(1);
  const auto configs = dataset(true);
  CvOptions o = tiny_cv("cv");
  const auto r = run_cv(configs, o);
  EXPECT_TRUE(r.grouped);
  EXPECT_EQ(r.folds_trained, 3);
  ASSERT_EQ(r.folds.size(), 3u);
  double sum = 0.0, sum_acc = 0.0;
  std::size_t n_test = 0;
  for (const auto &f : r.folds) {
    EXPECT_GE(f.auc, 0.0);
    EXPECT_LE(f.auc, 1.0);
    EXPECT_GE(f.accuracy, 0.0);
    EXPECT_LE(f.accuracy, 1.0);
    EXPECT_GT(f.n_val, 0u);
    sum += f.auc;
    sum_acc += f.accuracy;
    n_test += f.n_test;
    for (const char *file : {"best.pt", "metrics.csv", "result.json"})
      EXPECT_TRUE(fs::exists(o.out_dir + "/fold-" + std::to_string(f.fold) + "/" + file)) << file;
  }
  EXPECT_EQ(n_test, configs.size());
  EXPECT_NEAR(r.mean_auc, sum / 3, 1e-12);
  EXPECT_NEAR(r.mean_accuracy, sum_acc / 3, 1e-12);
  const auto j = read(o.out_dir + "/cv.json");
  ASSERT_EQ(j.at("folds").size(), 3u);
  EXPECT_NEAR(j.at("auc").at("mean").get<double>(), sum / 3, 1e-12);
  std::vector<double> aucs;
  for (const auto &f : j.at("folds")) aucs.push_back(f.at("auc"));
  EXPECT_NEAR(j.at("auc").at("std").get<double>(), sample_std(aucs), 1e-12);

  // resume: fold 1 "interrupted" (no result.json) -> only fold 1 is trained again
  const std::string r1 = o.out_dir + "/fold-1/result.json";
  const auto fold0_time = fs::last_write_time(o.out_dir + "/fold-0/result.json");
  fs::remove(r1);
  auto again = o;
  again.resume = true;
  const auto r2 = run_cv(configs, again);
  EXPECT_EQ(r2.folds_trained, 1);
  EXPECT_TRUE(fs::exists(r1));
  EXPECT_EQ(fs::last_write_time(o.out_dir + "/fold-0/result.json"), fold0_time);
  ASSERT_EQ(r2.folds.size(), 3u);
  EXPECT_DOUBLE_EQ(r2.folds[0].auc, r.folds[0].auc);
  EXPECT_DOUBLE_EQ(r2.folds[2].auc, r.folds[2].auc);
}

TEST(Hyperopt, NestedRandomSearchChoosesInsideTheSpace) {
  at::set_num_threads(1);
  const auto configs = dataset(false);
  HyperoptOptions o;
  o.base = tiny();
  o.space.hidden_min = 8;
  o.space.hidden_max = 16;
  o.space.hidden_step = 8;
  o.space.depth_max = 3;
  o.out_dir = scratch("hyperopt");
  o.trials = 2;
  o.outer_folds = 2;
  o.test_windows = 2;
  o.search = SearchMethod::random;
  const auto r = run_hyperopt(configs, o);
  ASSERT_EQ(r.folds.size(), 2u);
  for (const auto &f : r.folds) {
    ASSERT_EQ(f.trials.size(), 2u);
    EXPECT_TRUE(in_space(f.chosen, o.space));
    for (const auto &t : f.trials) {
      EXPECT_TRUE(in_space(t.params, o.space));
      EXPECT_EQ(t.error, "");
      EXPECT_GE(t.val_auc, 0.0);
    }
    EXPECT_GE(f.result.best_val_auc, f.trials[1 - f.chosen_trial].val_auc);
    EXPECT_GE(f.result.auc, 0.0);
    EXPECT_LE(f.result.auc, 1.0);
    EXPECT_TRUE(fs::exists(f.result.model));
  }
  // the Table 2 space itself holds what it draws
  SearchSpace table2;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 200; ++i) {
    const auto h = sample_hyperparams(table2, rng);
    EXPECT_TRUE(in_space(h, table2));
    EXPECT_GE(h.window, 0.1 - 1e-12);
    EXPECT_LE(h.window, 0.3 + 1e-12);
    EXPECT_EQ(h.hidden % 100, 0);
  }
  const auto j = read(o.out_dir + "/hyperopt.json");
  ASSERT_EQ(j.at("folds").size(), 2u);
  EXPECT_NEAR(j.at("auc").at("mean").get<double>(), r.mean_auc, 1e-12);
  EXPECT_EQ(j.at("search"), "random");

  // the same with TPE after one random trial: the second trial of each fold is a TPE proposal
  o.search = SearchMethod::tpe;
  o.tpe_startup = 1;
  o.out_dir = scratch("hyperopt-tpe");
  const auto t = run_hyperopt(configs, o);
  ASSERT_EQ(t.folds.size(), 2u);
  for (const auto &f : t.folds)
    for (const auto &tr : f.trials) {
      EXPECT_TRUE(in_space(tr.params, o.space));
      EXPECT_EQ(tr.error, "");
    }
  EXPECT_EQ(read(o.out_dir + "/hyperopt.json").at("search"), "tpe");
}

// The grid TPE searches is Table 2's: its sizes, its corners, and every index in the space.
TEST(Hyperopt, TpeGridIsTheSearchSpace) {
  SearchSpace table2;
  const std::vector<int> sizes = grid_sizes(table2);
  EXPECT_EQ(sizes, (std::vector<int>{5, 5, 22, 5, 11, 3, 10}));
  const Hyperparams lo = hyperparams_at(table2, {0, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(lo.k, 1);
  EXPECT_DOUBLE_EQ(lo.window, 0.1);
  EXPECT_EQ(lo.hidden, 300);
  EXPECT_EQ(lo.batch, 10);
  std::vector<int> top;
  for (int m : sizes) top.push_back(m - 1);
  const Hyperparams hi = hyperparams_at(table2, top);
  EXPECT_EQ(hi.k, 5);
  EXPECT_DOUBLE_EQ(hi.window, 0.3);
  EXPECT_EQ(hi.hidden, 2400);
  EXPECT_EQ(hi.depth, 6);
  EXPECT_DOUBLE_EQ(hi.dropout, 0.5);
  EXPECT_EQ(hi.ffn_layers, 3);
  EXPECT_EQ(hi.batch, 100);
  std::mt19937_64 rng(2);
  for (int t = 0; t < 100; ++t) {
    std::vector<int> idx;
    for (int m : sizes) idx.push_back(std::uniform_int_distribution<int>(0, m - 1)(rng));
    EXPECT_TRUE(in_space(hyperparams_at(table2, idx), table2));
  }
  EXPECT_EQ(parse_search_method("tpe"), SearchMethod::tpe);
  EXPECT_EQ(parse_search_method("random"), SearchMethod::random);
  EXPECT_THROW(parse_search_method("grid"), std::invalid_argument);
}

// The CNN's grid: window, dropout and batch as the D-MPNN's, and the CNN widths; its corners map
// to the ranges' ends, every index is in the space, and the trial's options are the CNN's
TEST(Hyperopt, CnnGridIsItsSearchSpace) {
  SearchSpace cnn;
  cnn.model = ModelType::cnn;
  const std::vector<int> sizes = grid_sizes(cnn);
  EXPECT_EQ(sizes, (std::vector<int>{5, 11, 10, 4, 3, 4}));
  const Hyperparams lo = hyperparams_at(cnn, {0, 0, 0, 0, 0, 0});
  EXPECT_DOUBLE_EQ(lo.window, 0.1);
  EXPECT_DOUBLE_EQ(lo.dropout, 0.0);
  EXPECT_EQ(lo.batch, 10);
  EXPECT_EQ(lo.fc, 40);
  EXPECT_EQ(lo.conv1, 4);
  EXPECT_EQ(lo.conv2, 8);
  const Hyperparams hi = hyperparams_at(cnn, {4, 10, 9, 3, 2, 3});
  EXPECT_DOUBLE_EQ(hi.window, 0.3);
  EXPECT_DOUBLE_EQ(hi.dropout, 0.5);
  EXPECT_EQ(hi.batch, 100);
  EXPECT_EQ(hi.fc, 160);
  EXPECT_EQ(hi.conv1, 8);
  EXPECT_EQ(hi.conv2, 32);
  EXPECT_THROW(hyperparams_at(cnn, {0, 0, 0, 0, 0, 0, 0}), std::invalid_argument);
  std::mt19937_64 rng(3);
  for (int t = 0; t < 100; ++t) EXPECT_TRUE(in_space(sample_hyperparams(cnn, rng), cnn));
  Hyperparams off = lo;
  off.fc = 50;  // between grid points
  EXPECT_FALSE(in_space(off, cnn));
  TrainOptions base;
  base.model_type = ModelType::cnn;
  const TrainOptions o = with_hyperparams(base, hi);
  EXPECT_EQ(o.cnn.fc, 160);
  EXPECT_EQ(o.cnn.conv1, 8);
  EXPECT_EQ(o.cnn.conv2, 32);
  EXPECT_DOUBLE_EQ(o.cnn.dropout, 0.5);
  EXPECT_EQ(o.batch_size, 100);
  EXPECT_DOUBLE_EQ(o.graph.window.side, 0.3);
  EXPECT_EQ(o.model.hidden, base.model.hidden);  // the D-MPNN's options are left alone
}

}  // namespace

// mlglass hyperopt --model cnn: nested search over the CNN grid, every trial a CNN model file
TEST(Hyperopt, TheCnnIsSearchedOnItsGrid) {
  at::set_num_threads(1);
  const auto configs = dataset(true);
  HyperoptOptions o;
  o.base = tiny();
  o.base.model_type = ModelType::cnn;
  o.base.image.size = 40;
  o.base.weight_decay = 0.01;
  o.space.model = ModelType::cnn;
  o.space.fc_max = 80;
  o.out_dir = scratch("hyperopt-cnn");
  o.trials = 2;
  o.outer_folds = 2;
  o.test_windows = 2;
  o.tpe_startup = 1;
  const auto r = run_hyperopt(configs, o);
  ASSERT_EQ(r.folds.size(), 2u);
  for (const auto &f : r.folds) {
    EXPECT_TRUE(in_space(f.chosen, o.space));
    for (const auto &t : f.trials) EXPECT_EQ(t.error, "");
    torch::jit::Module m;
    EXPECT_EQ(load_model_file(f.result.model, m).architecture, ModelArchitecture::cnn);
  }
  const auto j = read(o.out_dir + "/hyperopt.json");
  EXPECT_EQ(j.at("model"), "cnn");
  EXPECT_TRUE(j.at("space").contains("conv2"));
  // a search space for the other model is refused
  o.space.model = ModelType::dmpnn;
  o.out_dir = scratch("hyperopt-mismatch");
  EXPECT_THROW(run_hyperopt(configs, o), std::invalid_argument);
}

// mlglass cv --model cnn: the paper's image baseline on the same folds as the D-MPNN (the folds
// depend on the configurations and the seed only), tested on its held-out fold as a CNN
TEST(Cv, TheCnnRunsOnTheSameFolds) {
  at::set_num_threads(1);
  const auto configs = dataset(true);
  CvOptions o = tiny_cv("cv-dmpnn");
  const auto dmpnn = run_cv(configs, o);
  o.train.model_type = ModelType::cnn;
  o.train.image.size = 40;
  o.train.weight_decay = 0.01;
  o.out_dir = scratch("cv-cnn");
  const auto cnn = run_cv(configs, o);
  ASSERT_EQ(cnn.folds.size(), 3u);
  for (int f = 0; f < 3; ++f) {
    EXPECT_EQ(cnn.folds[f].n_train, dmpnn.folds[f].n_train);
    EXPECT_EQ(cnn.folds[f].n_test, dmpnn.folds[f].n_test);
    EXPECT_GE(cnn.folds[f].auc, 0.0);
    EXPECT_LE(cnn.folds[f].auc, 1.0);
    torch::jit::Module m;
    const auto meta = load_model_file(cnn.folds[f].model, m);
    EXPECT_EQ(meta.architecture, ModelArchitecture::cnn);
  }
}
