// The CNN baseline: rendering, augmentation, the network, its file, and training through the
// shared loop on the synthetic two-class set.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>

#include "classification.h"
#include "synthetic.h"
#include "trainer.h"

using namespace mlglass;
namespace fs = std::filesystem;

namespace {

class OneThread : public ::testing::Environment {
 public:
  void SetUp() override { at::set_num_threads(1); }
};
const auto *const kOneThread = ::testing::AddGlobalTestEnvironment(new OneThread);

std::string scratch(const std::string &name) {
  const fs::path p = fs::temp_directory_path() / ("mlglass-cnn-" + std::to_string(getpid())) / name;
  fs::remove_all(p);
  return p.string();
}

Window window_of(std::vector<std::array<double, 2>> xy, double side) {
  Window w;
  w.dim = 2;
  w.side = side;
  for (std::size_t i = 0; i < xy.size(); ++i) {
    w.members.push_back(int(i));
    w.local.insert(w.local.end(), {xy[i][0], xy[i][1], 0.0});
  }
  return w;
}

float px(const std::vector<float> &img, int S, int c, int row, int col) {
  return img[(std::size_t(c) * S + row) * S + col];
}

TEST(Render, DrawsADiscOfTheTypeDiameterAndColourAtItsPixel) {
  // side 10, 20 pixels: h = 0.5; pixel (row 10, col 4) has its centre at (2.25, 5.25)
  const int S = 20;
  RenderOptions o;
  o.size = S;
  const Window w = window_of({{2.25, 5.25}, {7.25, 2.25}}, 10.0);
  const int types[2] = {2, 1};
  std::vector<float> img(3 * S * S, -1.0f);
  render_window(w, types, o, img.data());
  // type 2 (B, diameter 0.88, blue): only its own pixel (neighbours' centres are 0.5 away > 0.44)
  EXPECT_EQ(px(img, S, 0, 10, 4), 0.0f);
  EXPECT_EQ(px(img, S, 1, 10, 4), 0.0f);
  EXPECT_EQ(px(img, S, 2, 10, 4), 1.0f);
  for (auto [r, c] : {std::pair{9, 4}, {11, 4}, {10, 3}, {10, 5}})
    for (int ch = 0; ch < 3; ++ch) EXPECT_EQ(px(img, S, ch, r, c), 0.0f) << r << ',' << c;
  // type 1 (A, diameter 1.0, red) at pixel (4, 14): the four neighbours at 0.5 are inside too
  for (auto [r, c] : {std::pair{4, 14}, {3, 14}, {5, 14}, {4, 13}, {4, 15}}) {
    EXPECT_EQ(px(img, S, 0, r, c), 1.0f) << r << ',' << c;
    EXPECT_EQ(px(img, S, 2, r, c), 0.0f);
  }
  EXPECT_EQ(px(img, S, 0, 3, 13), 0.0f);  // diagonal, 0.71 away
  float lit = 0.0f;
  for (float v : img) lit += v;
  EXPECT_EQ(lit, 6.0f);  // 1 blue + 5 red pixels, nothing else painted
}

TEST(Render, ClipsDiscsAtTheWindowEdgeAndRejectsBadInput) {
  RenderOptions o;
  o.size = 10;
  std::vector<float> img(300);
  const int types[1] = {1};
  render_window(window_of({{0.3, 9.7}}, 10.0), types, o, img.data());  // a corner: no crash
  EXPECT_EQ(px(img, 10, 0, 9, 0), 1.0f);  // 0.28 from the pixel centre (0.5, 9.5)
  EXPECT_EQ(std::accumulate(img.begin(), img.end(), 0.0f), 1.0f);
  const int bad[1] = {3};
  EXPECT_THROW(render_window(window_of({{1, 1}}, 10.0), bad, o, img.data()), std::invalid_argument);
  Window w3 = window_of({{1, 1}}, 10.0);
  w3.dim = 3;
  EXPECT_THROW(render_window(w3, types, o, img.data()), std::invalid_argument);
  EXPECT_NE(validate(o, 3), "");  // two diameters for three types
  o.diameters = {1.0, -1.0};
  EXPECT_NE(validate(o, 2), "");
  EXPECT_EQ(validate(RenderOptions{}, 2), "");
  EXPECT_NE(validate(RenderOptions{}, kMaxImageTypes + 1), "");
}

TEST(Render, RotationAndMirrorArePixelPermutations) {
  const int S = 7, C = 3;
  std::vector<float> in(C * S * S);
  std::iota(in.begin(), in.end(), 0.0f);
  const torch::Tensor t = torch::from_blob(in.data(), {C, S, S});
  for (int code = 0; code < 8; ++code) {
    std::vector<float> out(in.size(), -1.0f);
    augment_image(in.data(), out.data(), C, S, code & 3, code & 4);
    // every value once, and each channel keeps its own values
    std::vector<float> sorted = out;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, in) << code;
    for (int ch = 0; ch < C; ++ch)
      for (int p = 0; p < S * S; ++p) EXPECT_EQ(int(out[ch * S * S + p]) / (S * S), ch);
    // the same as torch's mirror (flip of the column axis) then rot90 in the (row, col) plane
    torch::Tensor ref = (code & 4) ? t.flip({2}) : t;
    ref = torch::rot90(ref, code & 3, {1, 2}).contiguous();
    EXPECT_TRUE(torch::equal(torch::from_blob(out.data(), {C, S, S}), ref)) << code;
  }
}

TEST(Cnn, ForwardGivesOneLogitPerImageAndChecksTheShape) {
  CnnConfig c;
  c.image_size = 32;
  auto m = make_cnn(c);
  m.eval();
  const auto y = run_cnn(m, torch::rand({5, 3, 32, 32}));
  EXPECT_EQ(y.sizes(), (std::vector<std::int64_t>{5}));
  EXPECT_EQ(c.feature_edge(), 5);  // 32 -> 28 -> 14 -> 10 -> 5
  CnnConfig paper;                 // 250 -> 246 -> 123 -> 119 -> 59
  EXPECT_EQ(paper.feature_edge(), 59);
  EXPECT_THROW(run_cnn(m, torch::rand({5, 3, 31, 31})), std::exception);
  EXPECT_THROW(run_cnn(m, torch::rand({5, 1, 32, 32})), std::exception);
  CnnConfig tiny;
  tiny.image_size = 15;
  EXPECT_NE(tiny.validate().find("too small"), std::string::npos) << tiny.validate();
  tiny.image_size = 16;
  EXPECT_EQ(tiny.validate(), "");
  CnnConfig drop;
  drop.dropout = 1.0;
  EXPECT_THROW(make_cnn(drop), std::invalid_argument);
}

TEST(Cnn, SaveAndLoadGiveIdenticalOutputs) {
  CnnConfig c;
  c.image_size = 24;
  c.seed = 3;
  auto m = make_cnn(c);
  m.eval();
  const auto x = torch::rand({4, 3, 24, 24});
  const auto before = run_cnn(m, x);
  const auto path = scratch("roundtrip") + ".pt";
  fs::create_directories(fs::path(path).parent_path());
  save_model(m, path, R"({"architecture": "cnn"})");
  auto [loaded, meta] = load_model(path);
  EXPECT_EQ(nlohmann::json::parse(meta).at("architecture"), "cnn");
  EXPECT_TRUE(torch::equal(before, run_cnn(loaded, x)));
  const CnnConfig back = cnn_config_of(loaded);
  EXPECT_EQ(back.image_size, 24);
  EXPECT_EQ(back.seed, 3u);
  // the same seed gives the same parameters
  auto again = make_cnn(c);
  again.eval();
  EXPECT_TRUE(torch::equal(before, run_cnn(again, x)));
}

struct Sets {
  std::vector<Configuration> train, val;
};
Sets make_sets() {
  Sets s;
  for (unsigned i = 0; i < 64; ++i)
    s.train.push_back(mlglass::testing::synthetic_configuration(int(i % 2), 100 + i));
  for (unsigned i = 0; i < 16; ++i)
    s.val.push_back(mlglass::testing::synthetic_configuration(int(i % 2), 900 + i));
  return s;
}

TrainOptions cnn_options(const std::string &dir) {
  TrainOptions o;
  o.model_type = ModelType::cnn;
  o.graph.window.side = 0.5;
  o.image.size = 32;
  o.weight_decay = 0.01;
  o.epochs = 12;
  o.batch_size = 8;
  o.warmup_epochs = 1;
  o.val_windows = 2;
  o.seed = 5;
  o.out_dir = dir;
  o.progress = false;
  return o;
}

TEST(CnnTrainer, LearnsTheSyntheticSetAndEvaluatesFromItsFile) {
  const auto sets = make_sets();
  const auto o = cnn_options(scratch("learn"));
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = train_model(sets.train, sets.val, o);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(r.best_val_auc, 0.95);
  std::printf("CNN: best validation AUC %.4f at epoch %d in %.1f s\n", r.best_val_auc, r.best_epoch,
              s);
  for (const char *f : {"best.pt", "last.pt", "checkpoint.pt", "metrics.csv"})
    EXPECT_TRUE(fs::exists(o.out_dir + "/" + f)) << f;
  auto [model, meta_text] = load_model(r.best_model);
  const auto meta = nlohmann::json::parse(meta_text);
  EXPECT_EQ(meta.at("architecture"), "cnn");
  EXPECT_EQ(meta.at("format"), "mlglass-cnn");
  EXPECT_EQ(meta.at("image").at("size"), 32);
  EXPECT_EQ(meta.at("conv"), nlohmann::json({6, 16}));
  EXPECT_EQ(meta.at("kernel"), 5);
  EXPECT_DOUBLE_EQ(meta.at("training").at("weight_decay").get<double>(), 0.01);
  EXPECT_FALSE(meta.contains("k"));
  // eval's path (dispatch on the metadata) on the validation windows gives the recorded AUC
  std::vector<int> y;
  const auto p = evaluate_model(model, load_model_file(r.best_model, model), sets.val, 2, 0, false,
                                0.0, y);
  ASSERT_EQ(p.size(), 32u);
  EXPECT_GE(roc_auc(p, y), 0.9);
}

TEST(CnnTrainer, ResumeAfterAnInterruptionGivesIdenticalWeights) {
  const auto sets = make_sets();
  auto o = cnn_options(scratch("straight"));
  o.epochs = 3;
  train_model(sets.train, sets.val, o);
  auto interrupted = o;
  interrupted.out_dir = scratch("interrupted");
  interrupted.stop_after = 1;
  train_model(sets.train, sets.val, interrupted);
  interrupted.stop_after = 0;
  interrupted.resume = true;
  EXPECT_EQ(train_model(sets.train, sets.val, interrupted).history.size(), 3u);
  auto a = load_model(o.out_dir + "/last.pt").first.named_parameters();
  auto b = load_model(interrupted.out_dir + "/last.pt").first.named_parameters();
  auto ib = b.begin();
  for (auto ia = a.begin(); ia != a.end(); ++ia, ++ib)
    EXPECT_TRUE(torch::equal((*ia).value, (*ib).value)) << (*ia).name;
}

TEST(CnnTrainer, RejectsWhatItCannotRender) {
  auto sets = make_sets();
  auto o = cnn_options(scratch("bad"));
  o.graph.ntypes = 3;  // two diameters
  EXPECT_THROW(train_model(sets.train, sets.val, o), std::invalid_argument);
  o = cnn_options(scratch("bad"));
  sets.train[3].box.dim = 3;
  EXPECT_THROW(train_model(sets.train, sets.val, o), std::invalid_argument);
}

TEST(DmpnnTrainer, MetadataNamesTheArchitectureAndEvalDispatches) {
  const auto sets = make_sets();
  TrainOptions o;
  o.graph.k = 3;
  o.graph.window.side = 0.5;
  o.model.hidden = 8;
  o.model.ffn_hidden = 8;
  o.epochs = 1;
  o.batch_size = 16;
  o.out_dir = scratch("dmpnn");
  o.progress = false;
  const auto r = train_model(sets.train, sets.val, o);
  auto [model, meta_text] = load_model(r.last_model);
  const auto meta = nlohmann::json::parse(meta_text);
  EXPECT_EQ(meta.at("architecture"), "dmpnn");
  EXPECT_EQ(meta.at("k"), 3);
  EXPECT_FALSE(meta.contains("image"));
  std::vector<int> y;
  const auto p = evaluate_model(model, load_model_file(r.last_model, model), sets.val, 1, 0, true,
                                0.0, y);
  EXPECT_EQ(p.size(), sets.val.size());
  EXPECT_EQ(y.size(), sets.val.size());
}

}  // namespace
