#include "trainer.h"

#include "atomic_file.h"
#include "classification.h"
#include "learner.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <sstream>
#include <stdexcept>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace mlglass {

namespace fs = std::filesystem;

void keep_freed_memory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 256 << 20);
#endif
}

double NoamSchedule::lr(std::int64_t step) const {
  if (step < warmup_steps) return init_lr + (max_lr - init_lr) * double(step) / double(warmup_steps);
  const double decay_steps = double(std::max<std::int64_t>(1, total_steps - warmup_steps));
  const double gamma = std::pow(final_lr / max_lr, 1.0 / decay_steps);
  return max_lr * std::pow(gamma, double(step - warmup_steps));
}

namespace {

using detail::mix;
constexpr std::uint64_t kTrainWindows = 1, kShuffle = 2, kValWindows = 3;

torch::Tensor labels_of(const std::vector<Configuration> &train,
                        const std::vector<std::size_t> &items) {
  torch::Tensor y = torch::empty({std::int64_t(items.size())});
  for (std::size_t i = 0; i < items.size(); ++i) y[i] = float(train[items[i]].label);
  return y;
}

GraphBatch batch_of(const std::vector<const Sample *> &samples) {
  std::vector<const Graph *> graphs;
  graphs.reserve(samples.size());
  for (const Sample *s : samples) graphs.push_back(&s->graph);
  return batch(graphs);
}

std::vector<torch::Tensor> parameters_of(torch::jit::Module &model) {
  std::vector<torch::Tensor> p;
  for (const auto &t : model.parameters()) p.push_back(t);
  return p;
}

void write_metrics(const std::string &path, const std::vector<EpochRecord> &history) {
  write_atomically(path, [&](std::ostream &out) {
    out << "epoch,step,lr,train_loss,val_auc,val_accuracy,seconds\n";
    out.precision(8);
    for (const auto &r : history)
      out << r.epoch << ',' << r.step << ',' << r.lr << ',' << r.train_loss << ',' << r.val_auc
          << ',' << r.val_accuracy << ',' << r.seconds << '\n';
  });
}

// Everything `--resume` needs, in one file written atomically after the epoch's models.
struct Checkpoint {
  std::string record;  // what defines the run (resume_record): a resume must not change it
  int epochs_done = 0;
  std::int64_t step = 0;
  int best_epoch = 0;
  double best_auc = -1.0;
  std::vector<EpochRecord> history;

  void save(const std::string &path, torch::jit::Module &model, torch::optim::Adam &opt) const {
    torch::serialize::OutputArchive a;
    for (const auto &p : model.named_parameters()) a.write("param." + p.name, p.value);
    torch::serialize::OutputArchive oa;
    opt.save(oa);
    a.write("optimizer", oa);
    a.write("epochs_done", torch::tensor(std::int64_t(epochs_done)));
    a.write("step", torch::tensor(step));
    a.write("best_epoch", torch::tensor(std::int64_t(best_epoch)));
    a.write("best_auc", torch::tensor(best_auc, torch::kDouble));
    torch::Tensor h = torch::zeros({std::int64_t(history.size()), 7}, torch::kDouble);
    for (std::size_t i = 0; i < history.size(); ++i) {
      const auto &r = history[i];
      const double row[7] = {double(r.epoch), double(r.step), r.lr, r.train_loss, r.val_auc,
                             r.val_accuracy, r.seconds};
      for (int c = 0; c < 7; ++c) h[i][c] = row[c];
    }
    a.write("history", h);
    a.write("torch_rng", at::detail::getDefaultCPUGenerator().get_state());
    a.write("run_record", c10::IValue(record));
    // in memory first: torch's file writer aborts the process when a write fails (atomic_file.h)
    std::ostringstream bytes;
    a.save_to(bytes);
    write_bytes_atomically(path, bytes.str());
  }

  // Throws std::runtime_error naming the file, what is wrong and the fix, never LibTorch's text
  // alone: a damaged (e.g. truncated) file, or one written with other model options.
  void load(const std::string &path, torch::jit::Module &model, torch::optim::Adam &opt) {
    auto cause = [](const c10::Error &e) { return detail::first_line(e.what_without_backtrace()); };
    torch::serialize::InputArchive a;
    try {
      a.load_from(path);
    } catch (const c10::Error &e) {
      throw std::runtime_error("cannot resume from " + path +
                               ": the file is damaged or not a "
                               "checkpoint (" +
                               cause(e) +
                               "); start the run afresh with "
                               "--overwrite instead of --resume");
    }
    c10::IValue stored;
    if (a.try_read("run_record", stored) && stored.isString())  // older checkpoints have none
      check_same_run(path, stored.toStringRef());
    try {
      load_state(a, model, opt);
    } catch (const c10::Error &e) {
      throw std::runtime_error(
          "cannot resume from " + path + ": it does not fit the model these options make (" +
          cause(e) +
          "). Resume with the options of the run that wrote it (--model, --hidden, "
          "--depth, --ffn-layers, --ffn-hidden, --attention, --features, --ntypes, --image-size), "
          "or start afresh with --overwrite instead of --resume");
    }
  }

  // The differences between the run that wrote the checkpoint and this one, by record key
  void check_same_run(const std::string &path, const std::string &stored) const {
    std::map<std::string, std::string> was, now;
    flatten(nlohmann::json::parse(stored), "", was);
    flatten(nlohmann::json::parse(record), "", now);
    std::string diff;
    int shown = 0;
    auto note = [&](const std::string &key, const std::string &then, const std::string &current) {
      if (shown++ < 4)
        diff += (diff.empty() ? "" : "; ") + key + " " + then + " then, " + current + " now";
    };
    for (const auto &[key, value] : now) {
      auto it = was.find(key);
      if (it == was.end()) note(key, "(none)", value);
      else if (it->second != value) note(key, it->second, value);
    }
    for (const auto &[key, value] : was)
      if (!now.count(key)) note(key, value, "(none)");
    if (shown > 4) diff += "; and " + std::to_string(shown - 4) + " more";
    if (!diff.empty())
      throw std::runtime_error(
          "cannot resume from " + path + ": it was written by a run with other options or data (" +
          diff +
          "). Resume with the model options and manifests of that run (the training schedule "
          "may change: --epochs, learning rates, --clip, ...), or start afresh with --overwrite "
          "instead of --resume");
  }

  static void flatten(const nlohmann::json &j, const std::string &prefix,
                      std::map<std::string, std::string> &out) {
    if (!j.is_object()) {
      out[prefix] = j.dump();
      return;
    }
    for (auto it = j.begin(); it != j.end(); ++it)
      flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  }

  void load_state(torch::serialize::InputArchive &a, torch::jit::Module &model,
                  torch::optim::Adam &opt) {
    auto get = [&](const std::string &name) {
      torch::Tensor t;  // a fresh tensor per read: read() cannot resize a used one
      a.read(name, t);
      return t;
    };
    {
      torch::NoGradGuard no_grad;
      for (const auto &p : model.named_parameters()) {
        const torch::Tensor stored = get("param." + p.name);
        TORCH_CHECK(stored.sizes() == p.value.sizes(), "parameter ", p.name, " has shape ",
                    stored.sizes(), " in the checkpoint, ", p.value.sizes(), " in the model");
        p.value.copy_(stored);
      }
    }
    torch::serialize::InputArchive oa;
    a.read("optimizer", oa);
    opt.load(oa);
    epochs_done = int(get("epochs_done").item<std::int64_t>());
    step = get("step").item<std::int64_t>();
    best_epoch = int(get("best_epoch").item<std::int64_t>());
    best_auc = get("best_auc").item<double>();
    const torch::Tensor h = get("history");
    history.clear();
    for (std::int64_t i = 0; i < h.size(0); ++i) {
      EpochRecord r;
      r.epoch = int(h[i][0].item<double>());
      r.step = std::int64_t(h[i][1].item<double>());
      r.lr = h[i][2].item<double>();
      r.train_loss = h[i][3].item<double>();
      r.val_auc = h[i][4].item<double>();
      r.val_accuracy = h[i][5].item<double>();
      r.seconds = h[i][6].item<double>();
      history.push_back(r);
    }
    at::Generator gen = at::detail::getDefaultCPUGenerator();  // shares the global generator
    gen.set_state(get("torch_rng"));
  }
};

void progress_bar(int epoch, int epochs, std::size_t done, std::size_t total, double loss) {
  const int width = 30;
  const int filled = int(width * double(done) / double(std::max<std::size_t>(total, 1)));
  std::fprintf(stderr, "\repoch %d/%d [%s%s] %zu/%zu loss %.4f", epoch, epochs,
               std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), done,
               total, loss);
  std::fflush(stderr);
}

}  // namespace

const char *model_type_name(ModelType type) { return type == ModelType::cnn ? "cnn" : "dmpnn"; }

Window draw_window(const Configuration &c, const WindowOptions &window, std::mt19937_64 &rng,
                   bool whole, int min_members) {
  if (whole) {
    Window win;
    win.dim = c.box.dim;
    win.periodic = false;
    win.origin = c.box.lo;
    win.side = *std::max_element(c.box.length.begin(), c.box.length.begin() + c.box.dim);
    win.members.resize(c.size());
    std::iota(win.members.begin(), win.members.end(), 0);
    win.local.resize(3 * c.size());
    for (std::size_t i = 0; i < c.size(); ++i)
      for (int a = 0; a < 3; ++a) {
        double d = c.x[3 * i + a] - c.box.lo[a];
        if (a < c.box.dim && c.box.periodic[a]) d -= c.box.length[a] * std::floor(d / c.box.length[a]);
        win.local[3 * i + a] = a < c.box.dim ? d : 0.0;
      }
    return win;
  }
  const double side = window_side(c.box, window);
  for (int attempt = 0;; ++attempt) {
    const auto origin = random_window_origin(c.box, window, rng);
    Window win = cut_window(c.box, c.x.data(), c.size(), origin, side, window.periodic);
    if (int(win.members.size()) >= min_members) return win;
    if (attempt == 20)
      throw std::runtime_error(c.source + ": 20 random windows of side " + std::to_string(side) +
                               " held fewer than " + std::to_string(min_members) +
                               " particles; use a larger window");
  }
}

std::vector<WindowSample> draw_windows(const std::vector<Configuration> &configs,
                                       const WindowOptions &window, int windows,
                                       std::uint64_t seed, bool whole, int min_members) {
  std::vector<WindowSample> samples;
  samples.reserve(configs.size() * std::max(windows, 1));
  for (std::size_t c = 0; c < configs.size(); ++c) {
    std::mt19937_64 rng(mix(seed, 0, c));
    for (int w = 0; w < (whole ? 1 : windows); ++w)
      samples.push_back(
          {draw_window(configs[c], window, rng, whole, min_members), configs[c].label, c});
  }
  return samples;
}

std::vector<Sample> make_samples(const std::vector<Configuration> &configs,
                                 const GraphOptions &graph, int windows, std::uint64_t seed,
                                 bool whole) {
  std::vector<Sample> samples;
  for (const auto &w : draw_windows(configs, graph.window, windows, seed, whole, graph.k + 1)) {
    const Configuration &c = configs[w.config];
    samples.push_back({knn_graph(w.window, c.type.data(), c.id.data(), graph.k, graph.ntypes,
                                 graph.features), w.label, w.config});
  }
  return samples;
}

std::vector<GraphWindowSample> make_window_samples(const std::vector<Configuration> &configs,
                                                   const GraphOptions &graph, int windows,
                                                   std::uint64_t seed, bool whole) {
  std::vector<GraphWindowSample> samples;
  for (auto &w : draw_windows(configs, graph.window, windows, seed, whole, graph.k + 1)) {
    const Configuration &c = configs[w.config];
    GraphWindowSample s;
    s.sample = {knn_graph(w.window, c.type.data(), c.id.data(), graph.k, graph.ntypes,
                          graph.features), w.label, w.config};
    s.window = std::move(w.window);
    samples.push_back(std::move(s));
  }
  return samples;
}

namespace {
// The D-MPNN side of the training loop: kNN graphs of the windows.
class DmpnnLearner : public detail::Learner {
 public:
  DmpnnLearner(const std::vector<Configuration> &train, const std::vector<Configuration> &val,
               const TrainOptions &o, std::uint64_t val_seed)
      : train_(train), graph_(o.graph) {
    DmpnnConfig mc = o.model;
    mc.node_dim = node_feature_dim(o.graph.features, o.graph.ntypes, train.front().box.dim);
    model = make_dmpnn(mc);
    val_samples_ = make_samples(val, o.graph, o.val_windows, val_seed);
    for (const auto &s : val_samples_) val_labels.push_back(s.label);
  }
  void draw_epoch(std::uint64_t seed) override { samples_ = make_samples(train_, graph_, 1, seed); }
  torch::Tensor logits(const std::vector<std::size_t> &items) override {
    std::vector<const Sample *> chunk;
    for (std::size_t i : items) chunk.push_back(&samples_[i]);
    batch_ = batch_of(chunk);  // the logits' autograd graph views it until the next batch
    return run(model, BatchTensors::view(batch_));
  }
  std::vector<double> validate() override { return predict(model, val_samples_); }

 private:
  const std::vector<Configuration> &train_;
  GraphOptions graph_;
  std::vector<Sample> samples_, val_samples_;
  GraphBatch batch_;
};
}  // namespace

std::vector<double> predict(torch::jit::Module &model, const std::vector<Sample> &samples,
                            int batch_size) {
  c10::InferenceMode inference;  // no autograd bookkeeping at all (safe through run())
  model.eval();
  std::vector<double> p;
  p.reserve(samples.size());
  for (std::size_t a = 0; a < samples.size(); a += batch_size) {
    std::vector<const Sample *> chunk;
    for (std::size_t i = a; i < std::min(samples.size(), a + batch_size); ++i)
      chunk.push_back(&samples[i]);
    const GraphBatch b = batch_of(chunk);
    const torch::Tensor prob = torch::sigmoid(run(model, BatchTensors::view(b)));
    for (std::int64_t i = 0; i < prob.size(0); ++i) p.push_back(prob[i].item<double>());
  }
  return p;
}

std::string model_metadata(const TrainOptions &o, const std::vector<Configuration> &train,
                           const std::vector<Configuration> &val, double val_auc, int epoch) {
  // the keys a reader needs (model_file.h) ...
  ModelMetadata m;
  const bool cnn = o.model_type == ModelType::cnn;
  m.architecture = cnn ? ModelArchitecture::cnn : ModelArchitecture::dmpnn;
  m.dimension = train.empty() ? 0 : train.front().box.dim;
  m.graph = o.graph;
  m.validation_auc = val_auc;
  // ... and the descriptive records around them
  nlohmann::json j;
  nlohmann::json type_map = nlohmann::json::array();
  for (int t = 1; t <= o.graph.ntypes; ++t) type_map.push_back(t);
  j["type_map"] = type_map;
  if (cnn) {
    m.image = o.image;
    m.dropout = o.cnn.dropout;
    nlohmann::json colours = nlohmann::json::array();
    for (int t = 1; t <= o.graph.ntypes; ++t) colours.push_back(type_colour(t));
    j["image"] = {{"colours", colours}, {"background", {0, 0, 0}}};
    j["conv"] = {o.cnn.conv1, o.cnn.conv2};
    j["kernel"] = o.cnn.kernel;
    j["pool"] = o.cnn.pool;
    j["fc"] = o.cnn.fc;
  } else {
    m.attention = o.model.attention;
    m.hidden = o.model.hidden;
    m.depth = o.model.depth;
    m.ffn_layers = o.model.ffn_layers;
    m.ffn_hidden = o.model.ffn_hidden;
    m.dropout = o.model.dropout;
    m.readout = readout_name(o.model.readout);
  }
  auto summary = [&o, cnn](const std::vector<Configuration> &set) {
    int glass = 0;
    double tmin = INFINITY, tmax = -INFINITY;
    std::size_t atoms = 0;
    double window_atoms = 0.0;  // expected particles per window (compute glass/mpnn compares)
    for (const auto &c : set) {
      glass += c.label;
      atoms += c.size();
      double volume = 1.0;
      for (int a = 0; a < c.box.dim; ++a) volume *= c.box.length[a];
      try {
        window_atoms +=
            double(c.size()) * std::pow(window_side(c.box, o.graph.window), c.box.dim) / volume;
      } catch (const std::invalid_argument &) {  // a window that does not fit: not recorded
        window_atoms = NAN;
      }
      if (std::isfinite(c.temperature)) {
        tmin = std::min(tmin, c.temperature);
        tmax = std::max(tmax, c.temperature);
      }
    }
    nlohmann::json s = {{"configurations", set.size()}, {"glass", glass},
                        {"liquid", int(set.size()) - glass},
                        {"mean_atoms", set.empty() ? 0.0 : double(atoms) / set.size()}};
    if (!cnn && !set.empty() && std::isfinite(window_atoms))
      s["mean_window_atoms"] = window_atoms / double(set.size());
    if (std::isfinite(tmin)) s["temperature_range"] = {tmin, tmax};
    return s;
  };
  j["training_data"] = summary(train);
  j["validation_data"] = summary(val);
  j["epoch"] = epoch;
  j["training"] = {{"epochs", o.epochs}, {"batch_size", o.batch_size}, {"init_lr", o.init_lr},
                   {"max_lr", o.max_lr}, {"final_lr", o.final_lr},
                   {"warmup_epochs", o.warmup_epochs}, {"clip_norm", o.clip_norm},
                   {"weight_decay", o.weight_decay}, {"seed", o.seed}};
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  j["created"] = stamp;
  j["mlglass_version"] = MLGLASS_VERSION;
  return model_metadata_json(m, j.dump());
}

// What defines a run for --resume: the model metadata it would write (architecture, graph and
// model options, the training and validation sets' summaries) without what changes from epoch to
// epoch and without the training schedule, which a resume may change (more --epochs, a lower
// learning rate after a divergence, clipping)
std::string resume_record(const TrainOptions &o, const std::vector<Configuration> &train,
                          const std::vector<Configuration> &val) {
  nlohmann::json j = nlohmann::json::parse(model_metadata(o, train, val, 0.0, 0));
  for (const char *key : {"created", "epoch", "validation_auc", "mlglass_version", "training"})
    j.erase(key);
  return j.dump();
}

// The message of a run whose weights diverged (a learning-rate spike: the loss or the validation
// scores became NaN or infinite): where, and what is still on disk from before.
static std::string diverged(int epoch, const std::string &where, int best_epoch, double best_auc,
                     int epochs_done, const TrainOptions &o) {
  std::string msg = "epoch " + std::to_string(epoch) + ", " + where +
                    ": training diverged (the weights are no longer finite); lower --max-lr or "
                    "set --clip. Nothing of epoch " + std::to_string(epoch) + " was saved";
  if (best_epoch > 0)
    msg += "; " + o.out_dir + "/best.pt holds epoch " + std::to_string(best_epoch) +
           " (validation AUC " + std::to_string(best_auc) + ")";
  if (epochs_done > 0)
    msg += ", checkpoint.pt the state after epoch " + std::to_string(epochs_done);
  return msg;
}

TrainResult train_model(const std::vector<Configuration> &train,
                        const std::vector<Configuration> &val, const TrainOptions &o) {
  if (train.empty()) throw std::invalid_argument("no training configurations");
  if (val.empty()) throw std::invalid_argument("no validation configurations");
  if (o.epochs < 1 || o.batch_size < 1)
    throw std::invalid_argument("epochs and batch size must be >= 1");
  if (o.out_dir.empty()) throw std::invalid_argument("no output directory");
  fs::create_directories(o.out_dir);
  const std::string ckpt = o.out_dir + "/checkpoint.pt";

  const std::uint64_t val_seed = mix(o.seed, kValWindows, 0);
  std::unique_ptr<detail::Learner> learner =
      o.model_type == ModelType::cnn ? detail::make_cnn_learner(train, val, o, val_seed)
                                     : std::make_unique<DmpnnLearner>(train, val, o, val_seed);
  torch::jit::Module &model = learner->model;
  auto params = parameters_of(model);
  torch::optim::Adam opt(params, torch::optim::AdamOptions(o.init_lr).weight_decay(o.weight_decay));
  torch::manual_seed(o.seed);  // dropout masks

  Checkpoint state;
  state.record = resume_record(o, train, val);
  if (o.resume && fs::exists(ckpt)) state.load(ckpt, model, opt);

  const std::int64_t steps_per_epoch = (std::int64_t(train.size()) + o.batch_size - 1) / o.batch_size;
  NoamSchedule noam{o.init_lr, o.max_lr, o.final_lr,
                    std::max<std::int64_t>(1, std::int64_t(o.warmup_epochs * steps_per_epoch)),
                    o.epochs * steps_per_epoch};
  const std::vector<int> &val_labels = learner->val_labels;
  const bool bar = o.progress && isatty(2);

  TrainResult result;
  const int last_epoch = o.stop_after > 0 ? std::min(o.epochs, state.epochs_done + o.stop_after)
                                          : o.epochs;
  for (int epoch = state.epochs_done + 1; epoch <= last_epoch; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    learner->draw_epoch(mix(o.seed, kTrainWindows, epoch));
    std::vector<std::size_t> order(train.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::mt19937_64 shuffle_rng(mix(o.seed, kShuffle, epoch));
    std::shuffle(order.begin(), order.end(), shuffle_rng);

    model.train(true);
    double loss_sum = 0.0;
    std::size_t seen = 0;
    for (std::size_t a = 0; a < order.size(); a += o.batch_size) {
      const std::vector<std::size_t> chunk(order.begin() + a,
                                           order.begin() + std::min(order.size(), a + o.batch_size));
      const torch::Tensor logits = learner->logits(chunk);
      const torch::Tensor loss =
          torch::binary_cross_entropy_with_logits(logits, labels_of(train, chunk));
      const double batch_loss = loss.item<double>();
      if (!std::isfinite(batch_loss))  // stop before the step spreads it: the models on disk stay
        throw std::runtime_error(diverged(epoch, "batch " + std::to_string(a / o.batch_size + 1) +
                                                     " of " + std::to_string(steps_per_epoch) +
                                                     ": the training loss is " + std::to_string(batch_loss),
                                          state.best_epoch, state.best_auc, state.epochs_done, o));
      opt.zero_grad();
      loss.backward();
      if (o.clip_norm > 0) torch::nn::utils::clip_grad_norm_(params, o.clip_norm);
      static_cast<torch::optim::AdamOptions &>(opt.param_groups()[0].options())
          .lr(noam.lr(state.step));
      opt.step();
      ++state.step;
      loss_sum += batch_loss * chunk.size();
      seen += chunk.size();
      if (bar) progress_bar(epoch, o.epochs, seen, order.size(), loss_sum / seen);
    }
    if (bar) std::fprintf(stderr, "\n");

    const auto scores = learner->validate();
    EpochRecord r;
    r.epoch = epoch;
    r.step = state.step;
    r.lr = noam.lr(state.step);
    r.train_loss = loss_sum / double(seen);
    try {
      r.val_auc = roc_auc(scores, val_labels);
      r.val_accuracy = accuracy(scores, val_labels);
    } catch (const NonFiniteScores &e) {
      throw std::runtime_error(diverged(epoch, std::string("validation: ") + e.what(),
                                        state.best_epoch, state.best_auc, state.epochs_done, o));
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    state.history.push_back(r);
    if (o.progress)
      std::fprintf(stderr, "epoch %d/%d: loss %.4f, validation AUC %.4f, accuracy %.4f (%.1f s)\n",
                   epoch, o.epochs, r.train_loss, r.val_auc, r.val_accuracy, r.seconds);

    // models first, checkpoint last: a kill in between redoes this epoch on --resume
    const std::string meta = model_metadata(o, train, val, r.val_auc, epoch);
    save_model_file(o.out_dir + "/last.pt", model, meta);
    if (r.val_auc > state.best_auc) {
      state.best_auc = r.val_auc;
      state.best_epoch = epoch;
      save_model_file(o.out_dir + "/best.pt", model, meta);
    }
    state.epochs_done = epoch;
    write_metrics(o.out_dir + "/metrics.csv", state.history);
    state.save(ckpt, model, opt);
  }
  result.history = state.history;
  result.best_epoch = state.best_epoch;
  result.best_val_auc = state.best_auc;
  result.best_model = o.out_dir + "/best.pt";
  result.last_model = o.out_dir + "/last.pt";
  return result;
}

}  // namespace mlglass
