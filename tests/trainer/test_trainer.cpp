// The trainer: Noam schedule, learning on a synthetic two-class set, exact resume, metadata.
#include "trainer.h"

#include "synthetic.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

using namespace mlglass;
namespace fs = std::filesystem;

namespace {

Configuration synthetic(int label, unsigned seed) {
  return mlglass::testing::synthetic_configuration(label, seed);
}

TrainOptions small_options(const std::string &dir) {
  TrainOptions o;
  o.graph.k = 3;
  o.graph.window.side = 0.5;
  o.model.hidden = 24;
  o.model.ffn_hidden = 24;
  o.model.depth = 3;
  o.epochs = 15;
  o.batch_size = 8;
  o.warmup_epochs = 1;
  o.val_windows = 2;
  o.seed = 7;
  o.out_dir = dir;
  o.progress = false;
  return o;
}

struct Sets {
  std::vector<Configuration> train, val;
};
Sets make_sets() {
  Sets s;
  for (unsigned i = 0; i < 48; ++i) s.train.push_back(synthetic(int(i % 2), 100 + i));
  for (unsigned i = 0; i < 16; ++i) s.val.push_back(synthetic(int(i % 2), 900 + i));
  return s;
}

std::string scratch(const std::string &name) {
  const fs::path p = fs::temp_directory_path() / ("mlglass-trainer-" + std::to_string(getpid())) / name;
  fs::remove_all(p);
  return p.string();
}

TEST(Noam, WarmsUpLinearlyThenDecaysToFinal) {
  NoamSchedule n{1e-4, 1e-3, 1e-5, 10, 110};
  EXPECT_DOUBLE_EQ(n.lr(0), 1e-4);
  EXPECT_NEAR(n.lr(5), 5.5e-4, 1e-15);
  EXPECT_NEAR(n.lr(10), 1e-3, 1e-15);
  EXPECT_NEAR(n.lr(110), 1e-5, 1e-15);
  EXPECT_LT(n.lr(60), n.lr(50));
}

TEST(Trainer, LearnsASeparableSetAndWritesItsFiles) {
  at::set_num_threads(1);
  auto sets = make_sets();
  const auto dir = scratch("learn");
  const auto r = train_model(sets.train, sets.val, small_options(dir));
  EXPECT_GE(r.best_val_auc, 0.95);
  ASSERT_EQ(r.history.size(), 15u);
  EXPECT_LT(r.history.back().train_loss, r.history.front().train_loss);
  for (const char *f : {"best.pt", "last.pt", "checkpoint.pt", "metrics.csv"})
    EXPECT_TRUE(fs::exists(dir + "/" + f)) << f;
  auto [model, meta_text] = load_model(r.best_model);
  const auto meta = nlohmann::json::parse(meta_text);
  EXPECT_EQ(meta.at("k"), 3);
  EXPECT_EQ(meta.at("dimension"), 2);
  EXPECT_EQ(meta.at("node_features"), "type");
  EXPECT_DOUBLE_EQ(meta.at("validation_auc").get<double>(), r.best_val_auc);
  EXPECT_EQ(meta.at("training_data").at("configurations"), 48);
  // the saved model reproduces the validation AUC it records
  GraphOptions g = small_options(dir).graph;
  const auto samples = make_samples(sets.val, g, 2, 12345);
  const auto p = predict(model, samples);
  EXPECT_EQ(p.size(), samples.size());
}

TEST(Trainer, ResumeAfterAnInterruptionGivesIdenticalWeights) {
  at::set_num_threads(1);
  auto sets = make_sets();
  auto o = small_options(scratch("straight"));
  o.epochs = 4;
  train_model(sets.train, sets.val, o);
  auto [straight, m1] = load_model(o.out_dir + "/last.pt");

  auto interrupted = o;
  interrupted.out_dir = scratch("interrupted");
  interrupted.stop_after = 2;  // as if killed after epoch 2's checkpoint
  train_model(sets.train, sets.val, interrupted);
  auto resumed = interrupted;
  resumed.stop_after = 0;
  resumed.resume = true;
  const auto r = train_model(sets.train, sets.val, resumed);
  ASSERT_EQ(r.history.size(), 4u);
  auto [again, m2] = load_model(resumed.out_dir + "/last.pt");
  auto a = straight.named_parameters(), b = again.named_parameters();
  auto ia = a.begin();
  for (auto ib = b.begin(); ib != b.end(); ++ia, ++ib) {
    EXPECT_EQ((*ia).name, (*ib).name);
    EXPECT_TRUE(torch::equal((*ia).value, (*ib).value)) << (*ia).name;
  }
}

TEST(Trainer, RejectsEmptySets) {
  auto sets = make_sets();
  auto o = small_options(scratch("empty"));
  EXPECT_THROW(train_model({}, sets.val, o), std::invalid_argument);
  EXPECT_THROW(train_model(sets.train, {}, o), std::invalid_argument);
}

// A learning-rate spike (the failure of the authors' lab log: accuracy collapsing to 50 %) makes
// the weights infinite: the run stops at once with a message naming the epoch and batch, instead of
// hanging or saving a NaN model, and best.pt from before the divergence is left as it was.
TEST(Trainer, DivergenceStopsWithAMessageAndKeepsTheBestModel) {
  at::set_num_threads(1);
  const Sets sets = make_sets();
  TrainOptions o = small_options(scratch("diverge"));
  o.epochs = 4;
  o.stop_after = 1;
  train_model(sets.train, sets.val, o);  // epoch 1, sane
  const std::string best = o.out_dir + "/best.pt";
  ASSERT_TRUE(fs::exists(best));
  auto bytes = [](const std::string &p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  const std::string before = bytes(best);

  o.resume = true;
  o.stop_after = 0;
  o.init_lr = o.max_lr = o.final_lr = 1e30;  // the spike: float32 weights overflow
  std::string message;
  try {
    train_model(sets.train, sets.val, o);
  } catch (const std::runtime_error &e) {
    message = e.what();
  }
  EXPECT_NE(message.find("epoch 2, "), std::string::npos) << message;
  EXPECT_NE(message.find("training diverged"), std::string::npos) << message;
  EXPECT_NE(message.find("best.pt holds epoch 1"), std::string::npos) << message;
  EXPECT_EQ(bytes(best), before) << "best.pt was replaced by a diverged model";
}

}  // namespace
