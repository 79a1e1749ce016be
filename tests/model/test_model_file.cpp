// The model file format (model_file.h): metadata to and from JSON with validation, the checks
// against the module, and one message per bad file whichever reader meets it: the GlassClassifier
// that compute glass/mpnn constructs, and `mlglass eval` (random windows and --tile), `info`,
// `export` and `attention`, run as a user runs them.
#include "atomic_file.h"
#include "dmpnn.h"
#include "glass_classifier.h"
#include "model_file.h"
#include "mutate.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/script.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <typeinfo>
#include <vector>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mlglass;
namespace fs = std::filesystem;

namespace {

class ModelFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mlglass-model-file-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string &name) const { return (dir_ / name).string(); }

  // Metadata as mlglass train writes it for the small model below.
  static nlohmann::json good_metadata() {
    ModelMetadata m;
    m.dimension = 2;
    m.graph.k = 2;
    m.graph.ntypes = 2;
    m.graph.window.side = 0.25;
    m.attention = false;
    m.hidden = 8;
    m.depth = 2;
    m.ffn_layers = 2;
    m.ffn_hidden = 8;
    m.dropout = 0.0;
    m.readout = "mean";
    m.validation_auc = 0.75;
    return nlohmann::json::parse(model_metadata_json(m, R"({"epoch": 3})"));
  }
  static torch::jit::Module small_model() {
    DmpnnConfig c;
    c.node_dim = node_feature_dim(NodeFeatures::type_onehot, 2, 2);
    c.hidden = 8;
    c.depth = 2;
    c.ffn_hidden = 8;
    c.seed = 5;
    return make_dmpnn(c);
  }
  // A model file with this metadata text, written without any check (as a broken tool would).
  std::string write(const std::string &name, const std::string &metadata) const {
    save_model(small_model(), path(name), metadata);
    return path(name);
  }

  fs::path dir_;
};

std::string parse_error(const std::string &text, const std::string &file = "m.pt") {
  try {
    parse_model_metadata(text, file);
  } catch (const std::runtime_error &e) {
    return e.what();
  }
  return "(no error)";
}

// stdout + stderr and exit status of a command line run by the shell.
std::pair<std::string, int> shell(const std::string &command) {
  std::string out;
  FILE *p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return {"popen failed", -1};
  std::array<char, 4096> buf;
  while (const std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int status = pclose(p);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

}  // namespace

TEST_F(ModelFileTest, MetadataRoundTripsThroughJson) {
  const nlohmann::json j = good_metadata();
  EXPECT_EQ(j.at("format"), "mlglass-dmpnn");
  EXPECT_EQ(j.at("format_version"), 1);
  EXPECT_EQ(j.at("epoch"), 3);  // the descriptive records are kept
  const ModelMetadata m = parse_model_metadata(j.dump(), "m.pt");
  EXPECT_EQ(m.path, "m.pt");
  EXPECT_EQ(m.architecture, ModelArchitecture::dmpnn);
  EXPECT_EQ(m.dimension, 2);
  EXPECT_EQ(m.graph.k, 2);
  EXPECT_EQ(m.graph.ntypes, 2);
  EXPECT_EQ(m.graph.window.side, 0.25);
  EXPECT_TRUE(m.graph.window.side_is_fraction);
  EXPECT_TRUE(m.graph.window.periodic);
  EXPECT_EQ(m.hidden, 8);
  EXPECT_EQ(m.readout, "mean");
  EXPECT_EQ(m.validation_auc, 0.75);
  EXPECT_EQ(nlohmann::json::parse(model_metadata_json(m)).dump(),
            [&] {
              auto k = j;
              k.erase("epoch");
              return k.dump();
            }());

  // a CNN's metadata
  ModelMetadata c;
  c.architecture = ModelArchitecture::cnn;
  c.dimension = 2;
  c.graph.ntypes = 2;
  c.image.size = 32;
  c.dropout = 0.5;
  const ModelMetadata back = parse_model_metadata(model_metadata_json(c), "c.pt");
  EXPECT_EQ(back.architecture, ModelArchitecture::cnn);
  EXPECT_EQ(back.image.size, 32);
  EXPECT_EQ(back.image.diameters, (std::vector<double>{1.0, 0.88}));
}

TEST_F(ModelFileTest, BadMetadataNamesTheFileAndTheKey) {
  auto without = [](const char *key) {
    auto j = good_metadata();
    j.erase(key);
    return j.dump();
  };
  auto with = [](const char *key, const nlohmann::json &v) {
    auto j = good_metadata();
    j[key] = v;
    return j.dump();
  };
  EXPECT_EQ(parse_error("{not json", "/x/m.pt").rfind("/x/m.pt: model metadata is not valid JSON: ", 0),
            0u);
  EXPECT_EQ(parse_error("[1, 2]"), "m.pt: model metadata is not a JSON object");
  EXPECT_EQ(parse_error(without("k")), "m.pt: model metadata has no key 'k'");
  EXPECT_EQ(parse_error(without("format_version")), "m.pt: model metadata has no key 'format_version'");
  EXPECT_EQ(parse_error(with("k", "two")),
            "m.pt: model metadata key 'k' has a value of the wrong kind (\"two\", expected an integer)");
  EXPECT_EQ(parse_error(with("k", 0)), "m.pt: model metadata key 'k' is 0 (expected >= 1)");
  EXPECT_EQ(parse_error(with("format_version", 2)),
            "m.pt: model metadata key 'format_version' is 2 (this mlglass reads 1)");
  EXPECT_EQ(parse_error(with("format", "other")),
            "m.pt: model metadata key 'format' is 'other' (expected mlglass-dmpnn or mlglass-cnn)");
  EXPECT_EQ(parse_error(with("architecture", "cnn")),
            "m.pt: model metadata key 'architecture' is 'cnn' but 'format' is 'mlglass-dmpnn'");
  EXPECT_EQ(parse_error(with("dimension", 4)),
            "m.pt: model metadata key 'dimension' is 4 (expected 2 or 3)");
  EXPECT_EQ(parse_error(with("node_features", "colour")),
            "m.pt: model metadata key 'node_features' is 'colour' (expected type or type+xy)");
  EXPECT_EQ(parse_error(with("window", 0.2)),
            "m.pt: model metadata key 'window' is not an object (0.2)");
  auto j = good_metadata();
  j["window"].erase("periodic");
  EXPECT_EQ(parse_error(j.dump()), "m.pt: model metadata has no key 'window.periodic'");
  j = good_metadata();
  j["window"]["side"] = -1;
  EXPECT_EQ(parse_error(j.dump()), "m.pt: model metadata key 'window.side' is -1 (expected > 0)");
  // the hyperparameters are optional (the module has them) ...
  EXPECT_EQ(parse_error(without("hidden")), "(no error)");
  // ... the keys a reader needs are not
  EXPECT_EQ(parse_error(without("attention")), "m.pt: model metadata has no key 'attention'");
}

TEST_F(ModelFileTest, MetadataIsCheckedAgainstTheModule) {
  torch::jit::Module m;
  const ModelMetadata good = load_model_file(write("good.pt", good_metadata().dump()), m);
  EXPECT_EQ(good.parameters, [&] {
    std::int64_t n = 0;
    for (const auto &p : m.parameters()) n += p.numel();
    return n;
  }());
  EXPECT_FALSE(m.is_training());

  auto j = good_metadata();
  j["hidden"] = 16;
  j["attention"] = true;
  try {
    load_model_file(write("lying.pt", j.dump()), m);
    ADD_FAILURE() << "loaded";
  } catch (const std::runtime_error &e) {
    EXPECT_EQ(std::string(e.what()),
              path("lying.pt") + ": model metadata disagrees with the model: hidden 16 in the "
                                 "metadata but 8 in the model, attention 1 in the metadata but 0 "
                                 "in the model");
  }
  // absent hyperparameters come from the module
  j = good_metadata();
  for (const char *key : {"hidden", "depth", "ffn_layers", "ffn_hidden", "dropout", "readout"})
    j.erase(key);
  const ModelMetadata filled = load_model_file(write("terse.pt", j.dump()), m);
  EXPECT_EQ(filled.hidden, 8);
  EXPECT_EQ(filled.depth, 2);
  EXPECT_EQ(filled.readout, "mean");
  // a writer cannot save what a reader would refuse
  j = good_metadata();
  j.erase("k");
  EXPECT_THROW(save_model_file(path("refused.pt"), small_model(), j.dump()), std::runtime_error);
  EXPECT_FALSE(fs::exists(path("refused.pt")));
}

// Issue #10: `mlglass eval` printed a raw JSON exception without the file name for metadata that
// compute glass/mpnn reported clearly, and skipped the dimension check of --tile.
TEST_F(ModelFileTest, EveryReaderGivesTheSameMessageForTheSameBadFile) {
  auto wrong_kind = good_metadata();
  wrong_kind["k"] = "two";
  auto no_window = good_metadata();
  no_window.erase("window");
  auto lying = good_metadata();
  lying["depth"] = 5;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"not-json.pt", "{\"format\": \"mlglass-dmpnn\", "},
      {"wrong-kind.pt", wrong_kind.dump()},
      {"no-window.pt", no_window.dump()},
      {"lying.pt", lying.dump()}};
  for (const auto &[name, text] : files) {
    const std::string file = write(name, text);
    std::string compute_message;  // what compute glass/mpnn reports after "Compute glass/mpnn: "
    try {
      GlassClassifier classifier(file);
      ADD_FAILURE() << name << ": GlassClassifier loaded it";
    } catch (const std::exception &e) {
      compute_message = e.what();
    }
    ASSERT_EQ(compute_message.rfind(file + ": model metadata ", 0), 0u) << compute_message;
    if (name != "not-json.pt") {  // (the JSON parser's own words follow the file name there)
      EXPECT_EQ(compute_message.find("json.exception"), std::string::npos) << compute_message;
    }
    // the manifest is never read: the model is loaded first
    const std::string model = " --model " + file + " --manifest " + path("none.csv");
    // every subcommand that reads models on two of the files, eval on all (each run loads LibTorch)
    std::vector<std::string> commands = {"eval" + model, "eval" + model + " --tile"};
    if (name == "not-json.pt" || name == "lying.pt")
      commands.insert(commands.end(), {"info " + file, "export " + file + " " + path("out.pt"),
                                       "attention" + model + " --out " + path("att")});
    for (const std::string &cmd : commands) {
      const auto [out, status] = shell(std::string(MLGLASS_EXECUTABLE) + " " + cmd);
      const std::string sub = cmd.substr(0, cmd.find(' '));
      EXPECT_EQ(out, "mlglass " + sub + ": error: " + compute_message + "\n") << cmd;
      EXPECT_EQ(status, 1) << cmd;
    }
  }
}

TEST_F(ModelFileTest, EvalChecksTheDimensionWithoutTile) {
  // a 3D model on a 2D dump: refused like compute glass/mpnn and eval --tile refuse it
  auto j = good_metadata();
  j["dimension"] = 3;
  DmpnnConfig c;
  c.node_dim = node_feature_dim(NodeFeatures::type_onehot, 2, 3);
  c.hidden = 8;
  c.depth = 2;
  c.ffn_hidden = 8;
  save_model_file(path("m3d.pt"), make_dmpnn(c), j.dump());
  std::ofstream(path("frame.dump")) << "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n3\n"
                                       "ITEM: BOX BOUNDS pp pp pp\n0 4\n0 4\n-0.5 0.5\n"
                                       "ITEM: ATOMS id type x y z\n1 1 0.5 0.5 0\n"
                                       "2 2 1.5 1.5 0\n3 1 2.5 2.5 0\n";
  std::ofstream(path("m.csv")) << "file,timestep,label\nframe.dump,0,1\n";
  for (const std::string flags : {"", " --tile"}) {
    const auto [out, status] = shell(std::string(MLGLASS_EXECUTABLE) + " eval --model " +
                                     path("m3d.pt") + " --manifest " + path("m.csv") + flags);
    EXPECT_NE(out.find("was trained on 3D configurations, the system is 2D"), std::string::npos)
        << flags << ": " << out;
    EXPECT_EQ(status, 1) << flags;
  }
}

// ---- issue #12: failed writes, and the metadata reader under mutation ---------------------------

namespace {

// RLIMIT_FSIZE with SIGXFSZ ignored: writes past `bytes` fail with EFBIG, as writes on a full disk
// fail with ENOSPC. Restored (limit and signal) when the guard goes.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit r = old_;
    r.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &r);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_);
    std::signal(SIGXFSZ, old_handler_);
  }
  FileSizeLimit(const FileSizeLimit &) = delete;
  FileSizeLimit &operator=(const FileSizeLimit &) = delete;

 private:
  rlimit old_{};
  void (*old_handler_)(int) = SIG_DFL;
};

std::string read_all(const std::string &p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(ModelFileTest, AFailedModelWriteNamesTheCauseAndLeavesTheOldFile) {
  const std::string out = path("model.pt");
  save_model_file(out, small_model(), good_metadata().dump());
  const std::string before = read_all(out);
  std::string msg;
  {
    FileSizeLimit limit(2048);  // LibTorch's own file writer aborted the process here
    try {
      save_model_file(out, small_model(), good_metadata().dump());
    } catch (const FileWriteError &e) {
      msg = e.what();
    }
  }
  EXPECT_EQ(msg, "cannot write " + out + ": " + std::strerror(EFBIG));
  EXPECT_EQ(read_all(out), before) << "the earlier model must stay as it was";
  EXPECT_FALSE(fs::exists(out + ".tmp"));
}

TEST_F(ModelFileTest, AtomicWritesCheckEveryWriteAndEveryWriter) {
  const std::string out = path("a.csv");
  {
    FileSizeLimit limit(100);  // a CSV larger than the limit: the buffered writes fail
    try {
      write_atomically(out, [](std::ostream &o) {
        for (int i = 0; i < 100000; ++i) o << i << ",0.5\n";
      });
      ADD_FAILURE() << "no error";
    } catch (const FileWriteError &e) {
      EXPECT_EQ(std::string(e.what()), "cannot write " + out + ": " + std::strerror(EFBIG));
    }
  }
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".tmp"));
  // an exception from the writer (LibTorch's carries a stack trace): its first line, file removed
  try {
    write_atomically(out, [](std::ostream &o) {
      o << "partial";
      throw std::runtime_error("serialization failed\nException raised from f at x.cpp:1");
    });
    ADD_FAILURE() << "no error";
  } catch (const FileWriteError &e) {
    EXPECT_EQ(std::string(e.what()), "cannot write " + out + ": serialization failed");
  }
  EXPECT_FALSE(fs::exists(out + ".tmp"));
  // a file written in place: /dev/full fails every write with ENOSPC
  try {
    write_file_checked("/dev/full", [](std::ostream &o) { o << "x"; });
    ADD_FAILURE() << "no error";
  } catch (const FileWriteError &e) {
    EXPECT_EQ(std::string(e.what()),
              std::string("cannot write /dev/full: ") + std::strerror(ENOSPC));
  }
  // and a directory that is not there
  try {
    write_atomically(path("no/such/dir/x.csv"), [](std::ostream &o) { o << "x"; });
    ADD_FAILURE() << "no error";
  } catch (const FileWriteError &e) {
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos)
        << e.what();
  }
  write_atomically(out, [](std::ostream &o) { o << "complete\n"; });
  EXPECT_EQ(read_all(out), "complete\n");
}

const std::vector<std::string> kJsonTokens = {
    "{",  "}", "[",     "]", ",",         ":",        "\"",      "null", "true", "false",
    "-1", "0", "1e999", "3", "\"dmpnn\"", "\"side\"", "\\u0000", "\n",   "nan",  "1.5"};

// Mutated metadata text: a valid ModelMetadata or the reader's own message naming the file, never
// another exception, a crash or a hang.
TEST_F(ModelFileTest, FuzzMetadataParsesOrNamesTheFile) {
  const std::string valid = good_metadata().dump(2);
  std::mt19937_64 rng(1212);
  int parsed = 0, errors = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    const std::string text = mlglass::testing::mutate(valid, rng, kJsonTokens);
    try {
      const ModelMetadata m = parse_model_metadata(text, "fuzz.pt");
      ++parsed;
      EXPECT_TRUE(m.dimension == 2 || m.dimension == 3) << text;
      EXPECT_GE(m.graph.ntypes, 1) << text;
      EXPECT_GE(m.graph.k, 1) << text;
      EXPECT_GT(m.graph.window.side, 0.0) << text;
      EXPECT_TRUE(std::isfinite(m.graph.window.side)) << text;
      // what parses is written back and read again to the same values
      const ModelMetadata again = parse_model_metadata(model_metadata_json(m), "fuzz.pt");
      EXPECT_EQ(again.graph.k, m.graph.k);
      EXPECT_EQ(again.graph.window.side, m.graph.window.side);
    } catch (const std::runtime_error &e) {
      ++errors;
      EXPECT_EQ(std::string(e.what()).rfind("fuzz.pt: model metadata ", 0), 0u)
          << e.what() << "\ninput:\n"
          << text;
    } catch (const std::exception &e) {
      FAIL() << "iteration " << iter << ": " << typeid(e).name() << ": " << e.what() << "\ninput:\n"
             << text;
    }
  }
  EXPECT_GT(parsed, 100);
  EXPECT_GT(errors, 300);
}

// Damaged model files (bytes changed, cut or inserted anywhere in the archive): load_model_file
// loads them or throws std::runtime_error starting with the file name.
TEST_F(ModelFileTest, FuzzModelFileLoadsOrNamesTheFile) {
  const std::string good = path("good.pt");
  save_model_file(good, small_model(), good_metadata().dump());
  const std::string bytes = read_all(good);
  std::mt19937_64 rng(77);
  const std::vector<std::string> tokens = {std::string("PK\x03\x04", 4), std::string(1, '\0'),
                                           "mlglass_metadata.json", "{", "\xff\xff\xff\xff"};
  int loaded = 0, errors = 0;
  const std::string fuzz = path("fuzz.pt");
  for (int iter = 0; iter < 300; ++iter) {
    const std::string damaged = mlglass::testing::mutate(bytes, rng, tokens);
    std::ofstream(fuzz, std::ios::binary | std::ios::trunc) << damaged;
    try {
      torch::jit::Module m;
      load_model_file(fuzz, m);
      ++loaded;
    } catch (const std::runtime_error &e) {
      ++errors;
      EXPECT_NE(std::string(e.what()).find(fuzz), std::string::npos) << e.what();
    } catch (const std::exception &e) {
      FAIL() << "iteration " << iter << ": " << typeid(e).name() << ": " << e.what();
    }
  }
  EXPECT_GT(errors, 20);
  (void)loaded;
}

}  // namespace
