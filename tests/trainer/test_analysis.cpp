// Model export (reload check, provenance record, refusals, the shipped model), the high-attention
// rule, the attention analysis and the links-based B-graph metrics it shares with compute bgraph.
#include "attention.h"
#include "model_tools.h"

#include "synthetic.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>

using namespace mlglass;
namespace fs = std::filesystem;

namespace {

std::string scratch(const std::string &name) {
  const fs::path p =
      fs::temp_directory_path() / ("mlglass-analysis-" + std::to_string(getpid())) / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

std::vector<Configuration> configs(int n = 4) {
  std::vector<Configuration> c;
  for (int i = 0; i < n; ++i) c.push_back(mlglass::testing::synthetic_configuration(i % 2, 40 + i));
  return c;
}

TrainOptions options(bool attention) {
  TrainOptions o;
  o.graph.k = 3;
  o.graph.window.side = 0.5;
  o.model.hidden = 16;
  o.model.ffn_hidden = 16;
  o.model.depth = 3;
  o.model.attention = attention;
  o.model.node_dim = node_feature_dim(o.graph.features, o.graph.ntypes, 2);
  o.model.seed = 3;
  return o;
}

// A model as mlglass train writes it (untrained: the checks do not need a good one).
torch::jit::Module write_model(const std::string &path, bool attention) {
  const auto o = options(attention);
  auto model = make_dmpnn(o.model);
  const auto set = configs();
  save_model(model, path, model_metadata(o, set, set, 0.5, 1));
  model.eval();
  return model;
}

}  // namespace

TEST(BGraphFromLinks, CountsComponentsBBLinksAndIsolatedParticles) {
  // types A B B A B A; links 0-1, 1-2 (twice, both orientations), a self-link of 4
  const std::vector<char> is_b = {0, 1, 1, 0, 1, 0};
  const auto g = bgraph_from_links(6, {{0, 1}, {2, 1}, {1, 2}, {4, 4}}, is_b);
  EXPECT_EQ(g.metrics.components, 1);
  EXPECT_EQ(g.metrics.bb_links, 1);
  EXPECT_EQ(g.metrics.isolated_a, 2);
  EXPECT_EQ(g.metrics.isolated_b, 1);
  EXPECT_EQ(g.metrics.links, 2);
  EXPECT_EQ(g.metrics.largest_component, 3);
  EXPECT_EQ(g.component, (std::vector<std::int64_t>{1, 1, 1, 0, 0, 0}));
  EXPECT_THROW(bgraph_from_links(3, {{0, 3}}, {0, 0, 0}), std::out_of_range);
}

TEST(HighAttention, MeanMultipleAndQuantileCutoffs) {
  const std::vector<double> w = {0.1, 0.4, 0.2, 0.3};
  EXPECT_DOUBLE_EQ(high_attention_cutoff(w, {HighAttentionRule::Kind::mean_multiple, 1.0}), 0.25);
  EXPECT_DOUBLE_EQ(high_attention_cutoff(w, {HighAttentionRule::Kind::mean_multiple, 1.5}), 0.375);
  EXPECT_DOUBLE_EQ(high_attention_cutoff(w, {HighAttentionRule::Kind::quantile, 0.5}), 0.2);
  EXPECT_DOUBLE_EQ(high_attention_cutoff(w, {HighAttentionRule::Kind::quantile, 0.9}), 0.4);
  EXPECT_DOUBLE_EQ(high_attention_cutoff(w, {HighAttentionRule::Kind::quantile, 0.1}), 0.1);
}

TEST(WindowSamples, SameWindowsAsMakeSamples) {
  const auto set = configs();
  const auto g = options(true).graph;
  const auto a = make_samples(set, g, 2, 11);
  const auto b = make_window_samples(set, g, 2, 11);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].graph.ids, b[i].sample.graph.ids);
    EXPECT_EQ(a[i].graph.src, b[i].sample.graph.src);
    EXPECT_EQ(a[i].graph.e, b[i].sample.graph.e);
    EXPECT_EQ(b[i].window.members.size(), std::size_t(b[i].sample.graph.n_nodes));
  }
}

TEST(Export, ExportedFileGivesIdenticalOutputsToTheInMemoryModel) {
  at::set_num_threads(1);
  const auto dir = scratch("export");
  auto model = write_model(dir + "/best.pt", true);
  const auto r = export_model(dir + "/best.pt", dir + "/deploy.pt");
  EXPECT_TRUE(r.checked_attention);
  EXPECT_EQ(r.probe_graphs, 3);
  EXPECT_FALSE(fs::exists(dir + "/deploy.pt.tmp"));

  torch::jit::Module loaded;
  const auto info = load_model_file(dir + "/deploy.pt", loaded);
  const auto meta = nlohmann::json::parse(info.json);
  ASSERT_TRUE(meta.contains("export"));
  // provenance that travels: the input's file name and content hash, no directory
  EXPECT_EQ(meta["export"]["source"]["file"], "best.pt");
  EXPECT_EQ(meta["export"]["source"]["sha256"], file_sha256(dir + "/best.pt"));
  EXPECT_FALSE(meta["export"].contains("previous"));
  EXPECT_EQ(info.hidden, 16);
  EXPECT_TRUE(info.attention);

  // real windows, not only the probe
  const auto samples = make_samples(configs(), options(true).graph, 3, 5);
  std::vector<const Graph *> graphs;
  for (const auto &s : samples) graphs.push_back(&s.graph);
  const GraphBatch b = batch(graphs);
  c10::InferenceMode inference;
  const auto view = BatchTensors::view(b);
  EXPECT_TRUE(torch::equal(run(model, view), run(loaded, view)));
  const auto [l1, a1] = run_attention(model, view);
  const auto [l2, a2] = run_attention(loaded, view);
  EXPECT_TRUE(torch::equal(l1, l2));
  EXPECT_TRUE(torch::equal(a1, a2));
}

TEST(Export, MetadataOnlyWritesTheCheckedJson) {
  const auto dir = scratch("metadata-only");
  write_model(dir + "/m.pt", false);
  export_model(dir + "/m.pt", dir + "/m.json", true);
  std::ifstream f(dir + "/m.json");
  const auto j = nlohmann::json::parse(f);
  EXPECT_EQ(j["format"], "mlglass-dmpnn");
  EXPECT_FALSE(j["attention"].get<bool>());
  EXPECT_TRUE(j.contains("export"));
}

TEST(Export, RefusesBadInputAndLeavesNoOutput) {
  const auto dir = scratch("refuse");
  const std::string out = dir + "/out.pt";
  auto expect_refused = [&](const std::string &in, const std::string &what) {
    try {
      export_model(in, out);
      ADD_FAILURE() << "exported " << in;
    } catch (const std::runtime_error &e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(out + ".tmp"));
  };
  expect_refused(dir + "/missing.pt", "does not exist");

  std::ofstream(dir + "/text.pt") << "not a model\n";
  expect_refused(dir + "/text.pt", "not a zip archive");

  auto o = options(false);
  auto bare = make_dmpnn(o.model);
  bare.save(dir + "/bare.pt");  // TorchScript without ML-GLASS metadata
  expect_refused(dir + "/bare.pt", "not an ML-GLASS model");

  auto lying = nlohmann::json::parse(model_metadata(o, configs(), configs(), 0.5, 1));
  lying["hidden"] = 32;
  save_model(bare, dir + "/lying.pt", lying.dump());
  expect_refused(dir + "/lying.pt", "hidden 32 in the metadata but 16 in the model");

  auto no_k = nlohmann::json::parse(model_metadata(o, configs(), configs(), 0.5, 1));
  no_k.erase("k");
  save_model(bare, dir + "/no_k.pt", no_k.dump());
  expect_refused(dir + "/no_k.pt", "no_k.pt: model metadata has no key 'k'");

  write_model(dir + "/same.pt", false);
  EXPECT_THROW(export_model(dir + "/same.pt", dir + "/same.pt"), std::runtime_error);
}

TEST(Attention, WeightsMetricsAndFiles) {
  at::set_num_threads(1);
  const auto dir = scratch("attention");
  write_model(dir + "/a.pt", true);
  torch::jit::Module model;
  const auto info = load_model_file(dir + "/a.pt", model);
  const auto set = configs(6);
  AttentionOptions o;
  o.windows = 2;
  o.batch_size = 5;  // windows straddle batches
  const auto windows = analyse_attention(model, info, set, o);
  ASSERT_EQ(windows.size(), 12u);
  for (const auto &w : windows) {
    ASSERT_FALSE(w.edges.empty());
    double sum = 0;
    std::vector<std::pair<int, int>> high;
    std::vector<char> is_b;
    for (int t : w.type) is_b.push_back(t == 2);
    for (const auto &e : w.edges) {
      sum += e.weight;
      EXPECT_EQ(e.high, e.weight > 1.0 / double(w.edges.size()));
      EXPECT_GT(e.distance, 0.0);
      if (e.high) high.emplace_back(e.src, e.dst);
    }
    EXPECT_NEAR(sum, 1.0, 1e-5);
    EXPECT_EQ(w.high.metrics, bgraph_from_links(w.ids.size(), high, is_b).metrics);
    EXPECT_GT(w.high.metrics.links, 0);
    EXPECT_GE(w.p_glass, 0.0);
    EXPECT_LE(w.p_glass, 1.0);
  }
  const auto summary = write_attention(dir + "/out", windows, set, o, {{"program", "test"}});
  EXPECT_EQ(summary["by_label"]["glass"]["windows"], 6);
  EXPECT_EQ(summary["by_label"]["liquid"]["windows"], 6);
  for (const char *f : {"edges.csv", "particles.csv", "windows.csv", "summary.csv", "summary.json"})
    EXPECT_TRUE(fs::exists(dir + "/out/" + f)) << f;
  std::ifstream edges(dir + "/out/edges.csv");
  std::string header;
  std::getline(edges, header);
  EXPECT_EQ(header, "window,src_id,dst_id,src_type,dst_type,distance,attention,high");
  std::size_t rows = 0;
  for (std::string line; std::getline(edges, line);) ++rows;
  std::size_t want = 0;
  for (const auto &w : windows) want += w.edges.size();
  EXPECT_EQ(rows, want);

  // the quantile rule keeps about a quarter of the edges at 0.75
  o.rule = {HighAttentionRule::Kind::quantile, 0.75};
  for (const auto &w : analyse_attention(model, info, set, o)) {
    const auto n = std::count_if(w.edges.begin(), w.edges.end(), [](auto &e) { return e.high; });
    EXPECT_LE(double(n), 0.25 * w.edges.size() + 1);
  }
}

TEST(Attention, RefusesAModelWithoutAttention) {
  const auto dir = scratch("no-attention");
  write_model(dir + "/plain.pt", false);
  torch::jit::Module model;
  const auto info = load_model_file(dir + "/plain.pt", model);
  try {
    analyse_attention(model, info, configs(), AttentionOptions{});
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error &e) {
    EXPECT_NE(std::string(e.what()).find("without attention"), std::string::npos) << e.what();
  }
}

// ---- provenance -------------------------------------------------------------------------------

namespace {

// Every string anywhere in a JSON document.
void strings_of(const nlohmann::json &j, std::vector<std::string> &out) {
  if (j.is_string()) out.push_back(j.get<std::string>());
  if (j.is_object() || j.is_array())
    for (const auto &v : j) strings_of(v, out);
}

}  // namespace

TEST(Provenance, Sha256OfKnownInputs) {
  const auto dir = scratch("sha");
  std::ofstream(dir + "/abc", std::ios::binary) << "abc";
  std::ofstream(dir + "/empty", std::ios::binary).flush();
  // FIPS 180-2 test vectors
  EXPECT_EQ(file_sha256(dir + "/abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(file_sha256(dir + "/empty"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  {
    std::ofstream big(dir + "/million-a", std::ios::binary);  // crosses the read buffer
    big << std::string(1000000, 'a');
  }
  EXPECT_EQ(file_sha256(dir + "/million-a"),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_THROW(file_sha256(dir + "/missing"), std::runtime_error);
}

TEST(Provenance, CommandWordsLoseTheirDirectories) {
  EXPECT_EQ(strip_directories({"mlglass", "export", "/work/main/data/ka2d/model/best.pt",
                               "potentials/ka2d-dmpnn.pt", "--out=/tmp/x/y.pt", "--metadata-only",
                               "./m.pt", "plain"}),
            (std::vector<std::string>{"mlglass", "export", "best.pt", "ka2d-dmpnn.pt", "--out=y.pt",
                                      "--metadata-only", "m.pt", "plain"}));
}

TEST(Provenance, ReexportKeepsThePreviousRecordWithoutDirectories) {
  const auto dir = scratch("reexport");
  write_model(dir + "/best.pt", false);
  // an export record as mlglass wrote it before provenance records: an absolute path
  torch::jit::Module model;
  auto m = load_model_file(dir + "/best.pt", model);
  auto j = nlohmann::json::parse(m.json);
  j["export"] = {{"source", "/home/someone/runs/model/best.pt"}, {"created", "2026-01-01T00:00:00Z"}};
  save_model_file(dir + "/old.pt", model, j.dump(2));

  export_model(dir + "/old.pt", dir + "/new.pt", false,
               {"mlglass", "export", dir + "/old.pt", dir + "/new.pt"});
  torch::jit::Module again;
  const auto meta = nlohmann::json::parse(load_model_file(dir + "/new.pt", again).json);
  const auto &e = meta.at("export");
  EXPECT_EQ(e.at("source").at("file"), "old.pt");
  EXPECT_EQ(e.at("source").at("sha256"), file_sha256(dir + "/old.pt"));
  EXPECT_EQ(e.at("command"), nlohmann::json({"mlglass", "export", "old.pt", "new.pt"}));
  EXPECT_EQ(e.at("previous").at("source"), "best.pt");
  EXPECT_EQ(e.at("previous").at("created"), "2026-01-01T00:00:00Z");
  std::vector<std::string> strings;
  strings_of(meta, strings);
  for (const auto &str : strings) EXPECT_EQ(str.find('/'), std::string::npos) << str;
}

// The shipped model (potentials/ka2d-dmpnn.pt) is the one its model card describes
// (potentials/ka2d-dmpnn.md: tools/make-shipped-model.sh on the slow cooling runs): its logits on
// export's probe batch and its parameter bytes are that model's, bit for bit, and its export record
// names no directory of the machine it was made on. A new shipped model updates both values here.
TEST(Provenance, ShippedModelKeepsItsOutputsAndNamesNoDirectory) {
  at::set_num_threads(1);
  const std::string path = std::string(MLGLASS_SOURCE_DIR) + "/potentials/ka2d-dmpnn.pt";
  if (!fs::exists(path)) GTEST_SKIP() << path << " is not in this checkout";
  torch::jit::Module model;
  const auto info = load_model_file(path, model);
  EXPECT_EQ(info.parameters, 272401);
  const GraphBatch probe = probe_batch(info);
  c10::InferenceMode inference;
  const torch::Tensor logits = run(model, BatchTensors::view(probe));
  ASSERT_EQ(logits.size(0), 3);
  const float want[3] = {-0x1.88772p+5f, -0x1.0a6f72p+6f, -0x1.7ec2dap+5f};
  for (int i = 0; i < 3; ++i) {
    std::printf("shipped model: probe logit %d = %a\n", i, double(logits[i].item<float>()));
    EXPECT_EQ(logits[i].item<float>(), want[i]) << "graph " << i;
  }
  // and the parameters themselves, bit for bit: SHA-256 of their bytes in the module's order
  const std::string bytes = scratch("shipped") + "/parameters.bin";
  {
    std::ofstream out(bytes, std::ios::binary);
    for (const auto &p : model.named_parameters()) {
      const torch::Tensor t = p.value.contiguous();
      out.write(static_cast<const char *>(t.data_ptr()), std::streamsize(t.nbytes()));
    }
  }
  std::printf("shipped model: parameter bytes sha256 %s\n", file_sha256(bytes).c_str());
  EXPECT_EQ(file_sha256(bytes), "567eb0802181f986cb8d3f98541a4418adcaea1c35506a6af54d0be17ce972ad");
  const auto meta = nlohmann::json::parse(info.json);
  std::vector<std::string> strings;
  strings_of(meta, strings);
  for (const auto &str : strings) EXPECT_EQ(str.find('/'), std::string::npos) << str;
  ASSERT_TRUE(meta.contains("export"));
  ASSERT_TRUE(meta["export"]["source"].is_object());
  EXPECT_EQ(meta["export"]["source"]["file"], "best.pt");   // tools/make-shipped-model.sh train
}
