#include "cv.h"

#include "tpe.h"

#include "atomic_file.h"

#include "classification.h"
#include "learner.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace mlglass {

// JSON records of folds and trials: keys are the member names
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FoldResult, fold, auc, accuracy, best_val_auc, best_epoch, n_train,
                                   n_val, n_test, model)
// with defaults: reports written before the CNN fields existed still load (--resume)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Hyperparams, k, window, hidden, depth, dropout,
                                                ffn_layers, batch, fc, conv1, conv2)

// The hyperparameters a search over `model`'s grid sets (what reports and logs show).
static nlohmann::json searched(const Hyperparams &h, ModelType model) {
  nlohmann::json j = h;
  const auto &drop = model == ModelType::cnn
                         ? std::vector<std::string>{"k", "hidden", "depth", "ffn_layers"}
                         : std::vector<std::string>{"fc", "conv1", "conv2"};
  for (const auto &key : drop) j.erase(key);
  return j;
}

namespace {

using detail::mix;
constexpr std::uint64_t kFolds = 11, kInner = 12, kTest = 13, kSearch = 14;

void write_json(const std::string &path, const nlohmann::json &j) {
  write_atomically(path, [&](std::ostream &out) { out << j.dump(2) << "\n"; });
}

// A record of a finished fold or trial read back on --resume: read(json) takes what it needs. A
// damaged or foreign file names itself, the cause and the fix, not nlohmann's bare message.
template <class Read>
void read_json(const std::string &path, Read read) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  try {
    read(nlohmann::json::parse(in));
  } catch (const nlohmann::json::exception &e) {
    throw std::runtime_error(path + ": not a record this mlglass wrote (" + e.what() +
                             "); delete it to redo that part on --resume");
  }
}

void say(const std::function<void(const std::string &)> &log, const std::string &s) {
  if (log) log(s);
}

struct Split {
  std::vector<Configuration> train, val, test;
};
// Outer fold `f` is the test set; the rest is split into training and inner validation.
Split split_fold(const std::vector<Configuration> &configs, const std::vector<int> &fold, int f,
                 double val_fraction, std::uint64_t seed) {
  Split s;
  std::vector<Configuration> rest;
  for (std::size_t i = 0; i < configs.size(); ++i)
    (fold[i] == f ? s.test : rest).push_back(configs[i]);
  std::vector<int> labels;
  for (const auto &c : rest) labels.push_back(c.label);
  const auto is_val = validation_split(labels, val_fraction, mix(seed, kInner, std::uint64_t(f)));
  for (std::size_t i = 0; i < rest.size(); ++i)
    (is_val[i] ? s.val : s.train).push_back(std::move(rest[i]));
  return s;
}

// Trains in dir on the split and evaluates best.pt on its test part.
FoldResult train_and_test(const Split &s, TrainOptions o, const std::string &dir, bool resume,
                          int fold, int test_windows) {
  o.out_dir = dir;
  o.resume = resume;
  o.model.seed = o.seed;
  const auto r = train_model(s.train, s.val, o);
  FoldResult res;
  res.fold = fold;
  res.best_val_auc = r.best_val_auc;
  res.best_epoch = r.best_epoch;
  res.n_train = s.train.size();
  res.n_val = s.val.size();
  res.n_test = s.test.size();
  res.model = r.best_model;
  const auto m = test_model(r.best_model, s.test, o.graph, test_windows,
                                mix(o.seed, kTest, std::uint64_t(fold)));
  res.auc = m.auc;
  res.accuracy = m.accuracy;
  return res;
}

template <class F>
void summarise(const std::vector<F> &folds, double &mean_auc, double &std_auc, double &mean_acc,
               double &std_acc, const FoldResult &(*get)(const F &)) {
  std::vector<double> auc, acc;
  for (const auto &f : folds) {
    auc.push_back(get(f).auc);
    acc.push_back(get(f).accuracy);
  }
  mean_auc = mean_of(auc);
  std_auc = sample_std(auc);
  mean_acc = mean_of(acc);
  std_acc = sample_std(acc);
}

std::string fmt(double x) {
  std::ostringstream s;
  s.precision(4);
  s << std::fixed << x;
  return s.str();
}

}  // namespace

std::vector<int> group_stratified_folds(const std::vector<int> &label,
                                        const std::vector<std::string> &group, int k,
                                        std::uint64_t seed) {
  if (k < 2) throw std::invalid_argument("need at least 2 folds");
  if (label.size() != group.size()) throw std::invalid_argument("labels and groups differ in size");
  std::map<std::string, std::size_t> index;
  std::vector<std::vector<std::size_t>> members;
  std::vector<std::array<int, 2>> count;
  std::array<int, 2> total{0, 0};
  for (std::size_t i = 0; i < label.size(); ++i) {
    if (label[i] != 0 && label[i] != 1) throw std::invalid_argument("label other than 0/1");
    auto [it, fresh] = index.emplace(group[i], members.size());
    if (fresh) {
      members.emplace_back();
      count.push_back({0, 0});
    }
    members[it->second].push_back(i);
    ++count[it->second][label[i]];
    ++total[label[i]];
  }
  std::vector<std::size_t> order(members.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return members[a].size() > members[b].size();
  });
  std::vector<std::array<int, 2>> have(k, {0, 0});
  std::vector<int> fold(label.size(), -1);
  for (std::size_t g : order) {
    // cost: squared relative overfill of each class after adding the group; ties -> smaller fold
    int best = 0;
    double best_cost = 0.0;
    for (int f = 0; f < k; ++f) {
      double cost = 0.0;
      for (int c = 0; c < 2; ++c)
        if (total[c] > 0) {
          const double r = double(have[f][c] + count[g][c]) / (double(total[c]) / k);
          cost += r * r;
        }
      const int size = have[f][0] + have[f][1], best_size = have[best][0] + have[best][1];
      if (f == 0 || cost < best_cost - 1e-12 ||
          (std::abs(cost - best_cost) <= 1e-12 && size < best_size)) {
        best = f;
        best_cost = cost;
      }
    }
    for (int c = 0; c < 2; ++c) have[best][c] += count[g][c];
    for (std::size_t i : members[g]) fold[i] = best;
  }
  for (int f = 0; f < k; ++f)
    if (have[f][0] == 0 || have[f][1] == 0)
      throw std::invalid_argument("cannot form " + std::to_string(k) +
                                  " group-preserving folds with both classes in each (" +
                                  std::to_string(members.size()) + " groups)");
  return fold;
}

std::vector<int> cv_folds(const std::vector<Configuration> &configs, int k, std::uint64_t seed,
                          bool *grouped) {
  std::vector<int> labels;
  std::vector<std::string> groups;
  bool all = !configs.empty();
  for (const auto &c : configs) {
    labels.push_back(c.label);
    groups.push_back(c.group);
    all = all && !c.group.empty();
  }
  if (grouped) *grouped = all;
  return all ? group_stratified_folds(labels, groups, k, seed) : stratified_folds(labels, k, seed);
}

std::vector<bool> validation_split(const std::vector<int> &label, double fraction,
                                   std::uint64_t seed) {
  std::vector<bool> is_val(label.size(), false);
  std::mt19937_64 rng(seed);
  for (int c = 0; c < 2; ++c) {
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < label.size(); ++i)
      if (label[i] == c) idx.push_back(i);
    if (idx.size() < 2)
      throw std::invalid_argument(
          std::string("a training part (the configurations outside one test fold) holds fewer "
                      "than 2 ") +
          (c ? "glass" : "liquid") +
          " configurations, too few to set validation ones apart: list more configurations or "
          "use fewer folds");
    std::shuffle(idx.begin(), idx.end(), rng);
    const auto n = std::clamp<std::size_t>(std::size_t(std::lround(fraction * idx.size())), 1,
                                           idx.size() - 1);
    for (std::size_t i = 0; i < n; ++i) is_val[idx[i]] = true;
  }
  return is_val;
}

double mean_of(const std::vector<double> &v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

double sample_std(const std::vector<double> &v) {
  if (v.size() < 2) return 0.0;
  const double m = mean_of(v);
  double s = 0.0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / double(v.size() - 1));
}

TestMetrics test_model(const std::string &model_path, const std::vector<Configuration> &test,
                       const GraphOptions &graph, int windows, std::uint64_t seed) {
  torch::jit::Module model;
  ModelMetadata meta = load_model_file(model_path, model);
  meta.graph = graph;  // D-MPNN or CNN (evaluate_model dispatches); the graphs cv trained with
  std::vector<int> y;
  const auto p = evaluate_model(model, meta, test, windows, seed, false, 0.0, y);
  return {roc_auc(p, y), accuracy(p, y), p.size()};
}

CvReport run_cv(const std::vector<Configuration> &configs, const CvOptions &o) {
  if (o.out_dir.empty()) throw std::invalid_argument("no output directory");
  if (o.test_windows < 1) throw std::invalid_argument("test windows must be >= 1");
  CvReport rep;
  const auto fold = cv_folds(configs, o.folds, mix(o.train.seed, kFolds, 0), &rep.grouped);
  fs::create_directories(o.out_dir);
  for (int f = 0; f < o.folds; ++f) {
    const std::string dir = o.out_dir + "/fold-" + std::to_string(f);
    const std::string result = dir + "/result.json";
    if (o.resume && fs::exists(result)) {
      read_json(result, [&](const nlohmann::json &j) { rep.folds.push_back(j.get<FoldResult>()); });
      say(o.log, "fold " + std::to_string(f) + ": done before (" + result + ")");
      continue;
    }
    const auto s = split_fold(configs, fold, f, o.val_fraction, o.train.seed);
    say(o.log, "fold " + std::to_string(f) + ": " + std::to_string(s.train.size()) + " train, " +
                   std::to_string(s.val.size()) + " validation, " +
                   std::to_string(s.test.size()) + " test");
    const auto r = train_and_test(s, o.train, dir, o.resume, f, o.test_windows);
    write_json(result, nlohmann::json(r));
    ++rep.folds_trained;
    rep.folds.push_back(r);
    say(o.log, "fold " + std::to_string(f) + ": test AUC " + fmt(r.auc) + ", accuracy " +
                   fmt(r.accuracy) + " (validation AUC " + fmt(r.best_val_auc) + " at epoch " +
                   std::to_string(r.best_epoch) + ")");
  }
  summarise<FoldResult>(rep.folds, rep.mean_auc, rep.std_auc, rep.mean_accuracy,
                        rep.std_accuracy, [](const FoldResult &r) -> const FoldResult & { return r; });
  nlohmann::json j;
  j["folds"] = nlohmann::json::array();
  for (const auto &r : rep.folds) j["folds"].push_back(nlohmann::json(r));
  j["k"] = o.folds;
  j["grouped"] = rep.grouped;
  j["test_windows"] = o.test_windows;
  j["val_fraction"] = o.val_fraction;
  j["seed"] = o.train.seed;
  j["auc"] = {{"mean", rep.mean_auc}, {"std", rep.std_auc}};
  j["accuracy"] = {{"mean", rep.mean_accuracy}, {"std", rep.std_accuracy}};
  write_json(o.out_dir + "/cv.json", j);
  return rep;
}

// ---- random search ---------------------------------------------------------------------------

namespace {
int steps_of(double lo, double hi, double step) {
  if (hi < lo - 1e-9) throw std::invalid_argument("empty hyperparameter range");
  return step > 0 ? int(std::floor((hi - lo) / step + 1e-9)) : 0;
}
int draw(std::mt19937_64 &rng, int n) { return std::uniform_int_distribution<int>(0, n)(rng); }
bool on_grid(double x, double lo, double hi, double step) {
  if (x < lo - 1e-9 || x > hi + 1e-9) return false;
  if (step <= 0) return std::abs(x - lo) < 1e-9;
  const double q = (x - lo) / step;
  return std::abs(q - std::round(q)) < 1e-6;
}
}  // namespace

Hyperparams sample_hyperparams(const SearchSpace &s, std::mt19937_64 &rng) {
  if (s.model == ModelType::cnn) {  // a uniform index per dimension of the CNN grid
    std::vector<int> index;
    for (int m : grid_sizes(s)) index.push_back(draw(rng, m - 1));
    return hyperparams_at(s, index);
  }
  Hyperparams h;
  h.k = s.k_min + draw(rng, steps_of(s.k_min, s.k_max, 1));
  h.window = s.window_min + s.window_step * draw(rng, steps_of(s.window_min, s.window_max, s.window_step));
  h.window = std::round(h.window * 1e9) / 1e9;
  h.hidden = s.hidden_min + s.hidden_step * draw(rng, steps_of(s.hidden_min, s.hidden_max, s.hidden_step));
  h.depth = s.depth_min + draw(rng, steps_of(s.depth_min, s.depth_max, 1));
  h.dropout = s.dropout_min + s.dropout_step * draw(rng, steps_of(s.dropout_min, s.dropout_max, s.dropout_step));
  h.dropout = std::round(h.dropout * 1e9) / 1e9;
  h.ffn_layers = s.ffn_layers_min + draw(rng, steps_of(s.ffn_layers_min, s.ffn_layers_max, 1));
  h.batch = s.batch_min + s.batch_step * draw(rng, steps_of(s.batch_min, s.batch_max, s.batch_step));
  return h;
}

std::vector<int> grid_sizes(const SearchSpace &s) {
  if (s.model == ModelType::cnn)
    return {steps_of(s.window_min, s.window_max, s.window_step) + 1,
            steps_of(s.dropout_min, s.dropout_max, s.dropout_step) + 1,
            steps_of(s.batch_min, s.batch_max, s.batch_step) + 1,
            steps_of(s.fc_min, s.fc_max, s.fc_step) + 1,
            steps_of(s.conv1_min, s.conv1_max, s.conv1_step) + 1,
            steps_of(s.conv2_min, s.conv2_max, s.conv2_step) + 1};
  return {steps_of(s.k_min, s.k_max, 1) + 1,
          steps_of(s.window_min, s.window_max, s.window_step) + 1,
          steps_of(s.hidden_min, s.hidden_max, s.hidden_step) + 1,
          steps_of(s.depth_min, s.depth_max, 1) + 1,
          steps_of(s.dropout_min, s.dropout_max, s.dropout_step) + 1,
          steps_of(s.ffn_layers_min, s.ffn_layers_max, 1) + 1,
          steps_of(s.batch_min, s.batch_max, s.batch_step) + 1};
}

Hyperparams hyperparams_at(const SearchSpace &s, const std::vector<int> &i) {
  if (i.size() != grid_sizes(s).size())
    throw std::invalid_argument("hyperparams_at: " + std::to_string(grid_sizes(s).size()) +
                                " indices expected, got " + std::to_string(i.size()));
  Hyperparams h;
  if (s.model == ModelType::cnn) {
    h.window = std::round((s.window_min + s.window_step * i[0]) * 1e9) / 1e9;
    h.dropout = std::round((s.dropout_min + s.dropout_step * i[1]) * 1e9) / 1e9;
    h.batch = s.batch_min + s.batch_step * i[2];
    h.fc = s.fc_min + s.fc_step * i[3];
    h.conv1 = s.conv1_min + s.conv1_step * i[4];
    h.conv2 = s.conv2_min + s.conv2_step * i[5];
    return h;
  }
  h.k = s.k_min + i[0];
  h.window = std::round((s.window_min + s.window_step * i[1]) * 1e9) / 1e9;
  h.hidden = s.hidden_min + s.hidden_step * i[2];
  h.depth = s.depth_min + i[3];
  h.dropout = std::round((s.dropout_min + s.dropout_step * i[4]) * 1e9) / 1e9;
  h.ffn_layers = s.ffn_layers_min + i[5];
  h.batch = s.batch_min + s.batch_step * i[6];
  return h;
}

SearchMethod parse_search_method(const std::string &name) {
  if (name == "tpe") return SearchMethod::tpe;
  if (name == "random") return SearchMethod::random;
  throw std::invalid_argument("search method '" + name + "' (expected tpe or random)");
}

const char *search_method_name(SearchMethod m) { return m == SearchMethod::tpe ? "tpe" : "random"; }

bool in_space(const Hyperparams &h, const SearchSpace &s) {
  if (s.model == ModelType::cnn)
    return on_grid(h.window, s.window_min, s.window_max, s.window_step) &&
           on_grid(h.dropout, s.dropout_min, s.dropout_max, s.dropout_step) &&
           on_grid(h.batch, s.batch_min, s.batch_max, s.batch_step) &&
           on_grid(h.fc, s.fc_min, s.fc_max, s.fc_step) &&
           on_grid(h.conv1, s.conv1_min, s.conv1_max, s.conv1_step) &&
           on_grid(h.conv2, s.conv2_min, s.conv2_max, s.conv2_step);
  return on_grid(h.k, s.k_min, s.k_max, 1) &&
         on_grid(h.window, s.window_min, s.window_max, s.window_step) &&
         on_grid(h.hidden, s.hidden_min, s.hidden_max, s.hidden_step) &&
         on_grid(h.depth, s.depth_min, s.depth_max, 1) &&
         on_grid(h.dropout, s.dropout_min, s.dropout_max, s.dropout_step) &&
         on_grid(h.ffn_layers, s.ffn_layers_min, s.ffn_layers_max, 1) &&
         on_grid(h.batch, s.batch_min, s.batch_max, s.batch_step);
}

TrainOptions with_hyperparams(TrainOptions o, const Hyperparams &h) {
  o.graph.window.side = h.window;
  o.graph.window.side_is_fraction = true;
  o.batch_size = h.batch;
  if (o.model_type == ModelType::cnn) {
    o.cnn.fc = h.fc;
    o.cnn.conv1 = h.conv1;
    o.cnn.conv2 = h.conv2;
    o.cnn.dropout = h.dropout;
    return o;
  }
  o.graph.k = h.k;
  o.model.hidden = h.hidden;
  o.model.ffn_hidden = h.hidden;
  o.model.depth = h.depth;
  o.model.dropout = h.dropout;
  o.model.ffn_layers = h.ffn_layers;
  o.batch_size = h.batch;
  return o;
}

HyperoptReport run_hyperopt(const std::vector<Configuration> &configs, const HyperoptOptions &o) {
  if (o.out_dir.empty()) throw std::invalid_argument("no output directory");
  if (o.trials < 1) throw std::invalid_argument("trials must be >= 1");
  if (o.space.model != o.base.model_type)
    throw std::invalid_argument(std::string("the search space is for the ") +
                                model_type_name(o.space.model) + ", the training options for the " +
                                model_type_name(o.base.model_type));
  HyperoptReport rep;
  const auto fold = cv_folds(configs, o.outer_folds, mix(o.base.seed, kFolds, 0), &rep.grouped);
  fs::create_directories(o.out_dir);
  for (int f = 0; f < o.outer_folds; ++f) {
    const std::string odir = o.out_dir + "/outer-" + std::to_string(f);
    const std::string result = odir + "/result.json";
    OuterFold of;
    if (o.resume && fs::exists(result)) {
      read_json(result, [&](const nlohmann::json &j) {
        of.result = j.at("test").get<FoldResult>();
        of.chosen_trial = j.at("chosen_trial");
        of.chosen = j.at("chosen").get<Hyperparams>();
        for (const auto &t : j.at("trials")) {
          Trial tr;
          tr.params = t.at("params").get<Hyperparams>();
          tr.val_auc = t.at("val_auc");
          tr.best_epoch = t.value("best_epoch", 0);
          tr.error = t.value("error", "");
          of.trials.push_back(tr);
        }
      });
      rep.folds.push_back(of);
      say(o.log, "outer fold " + std::to_string(f) + ": done before (" + result + ")");
      continue;
    }
    const auto s = split_fold(configs, fold, f, o.val_fraction, o.base.seed);
    std::mt19937_64 rng(mix(o.base.seed, kSearch, std::uint64_t(f)));
    TpeOptions tpe_options;
    tpe_options.startup = o.tpe_startup;
    TpeSearch tpe(grid_sizes(o.space), tpe_options, mix(o.base.seed, kSearch, std::uint64_t(f)));
    int best = -1;
    for (int t = 0; t < o.trials; ++t) {
      Trial trial;
      // TPE proposes from the trials before (also when they are read back on --resume, in the
      // same order, so the proposals repeat)
      std::vector<int> index;
      if (o.search == SearchMethod::tpe) {
        index = tpe.propose();
        trial.params = hyperparams_at(o.space, index);
      } else {
        trial.params = sample_hyperparams(o.space, rng);
      }
      const std::string tdir = odir + "/trial-" + std::to_string(t);
      const std::string tres = tdir + "/trial.json";
      if (o.resume && fs::exists(tres)) {
        read_json(tres, [&](const nlohmann::json &j) {
          trial.val_auc = j.at("val_auc");
          trial.best_epoch = j.value("best_epoch", 0);
          trial.error = j.value("error", "");
        });
      } else {
        try {
          auto to = with_hyperparams(o.base, trial.params);
          to.out_dir = tdir;
          to.resume = o.resume;
          to.model.seed = to.seed;
          const auto r = train_model(s.train, s.val, to);
          trial.val_auc = r.best_val_auc;
          trial.best_epoch = r.best_epoch;
        } catch (const FileWriteError &) {  // a full disk ends the search, it is no failed trial
          throw;
        } catch (const std::runtime_error &e) {  // e.g. windows too small for k
          trial.error = e.what();
        }
        fs::create_directories(tdir);
        nlohmann::json j{{"params", searched(trial.params, o.space.model)},
                         {"val_auc", trial.val_auc},
                         {"best_epoch", trial.best_epoch}};
        if (!trial.error.empty()) j["error"] = trial.error;
        write_json(tres, j);
      }
      say(o.log, "outer fold " + std::to_string(f) + " trial " + std::to_string(t) + ": " +
                     searched(trial.params, o.space.model).dump() + " -> " +
                     (trial.error.empty() ? "validation AUC " + fmt(trial.val_auc)
                                          : "failed: " + trial.error));
      if (o.search == SearchMethod::tpe)  // loss 1 - AUC; a failed trial is the worst (NaN)
        tpe.observe(index, trial.error.empty() ? 1.0 - trial.val_auc : std::nan(""));
      if (trial.error.empty() && (best < 0 || trial.val_auc > of.trials[best].val_auc)) best = t;
      of.trials.push_back(trial);
    }
    if (best < 0)
      throw std::runtime_error("outer fold " + std::to_string(f) + ": every trial failed");
    of.chosen_trial = best;
    of.chosen = of.trials[best].params;
    const auto to = with_hyperparams(o.base, of.chosen);
    const std::string model = odir + "/trial-" + std::to_string(best) + "/best.pt";
    const auto m = test_model(model, s.test, to.graph, o.test_windows,
                                  mix(o.base.seed, kTest, std::uint64_t(f)));
    of.result.fold = f;
    of.result.auc = m.auc;
    of.result.accuracy = m.accuracy;
    of.result.best_val_auc = of.trials[best].val_auc;
    of.result.best_epoch = of.trials[best].best_epoch;
    of.result.n_train = s.train.size();
    of.result.n_val = s.val.size();
    of.result.n_test = s.test.size();
    of.result.model = model;
    nlohmann::json j{{"test", nlohmann::json(of.result)},
                     {"chosen_trial", of.chosen_trial},
                     {"chosen", nlohmann::json(of.chosen)},
                     {"trials", nlohmann::json::array()}};
    for (const auto &t : of.trials) {
      nlohmann::json tj{
          {"params", searched(t.params, o.space.model)}, {"val_auc", t.val_auc}, {"best_epoch", t.best_epoch}};
      if (!t.error.empty()) tj["error"] = t.error;
      j["trials"].push_back(tj);
    }
    write_json(result, j);
    say(o.log, "outer fold " + std::to_string(f) + ": chose trial " + std::to_string(best) +
                   ", test AUC " + fmt(m.auc) + ", accuracy " + fmt(m.accuracy));
    rep.folds.push_back(of);
  }
  summarise<OuterFold>(rep.folds, rep.mean_auc, rep.std_auc, rep.mean_accuracy, rep.std_accuracy,
                       [](const OuterFold &f) -> const FoldResult & { return f.result; });
  nlohmann::json j;
  j["folds"] = nlohmann::json::array();
  for (const auto &f : rep.folds)
    j["folds"].push_back({{"fold", f.result.fold},
                          {"auc", f.result.auc},
                          {"accuracy", f.result.accuracy},
                          {"best_val_auc", f.result.best_val_auc},
                          {"chosen_trial", f.chosen_trial},
                          {"chosen", searched(f.chosen, o.space.model)},
                          {"model", f.result.model}});
  j["outer_folds"] = o.outer_folds;
  j["trials"] = o.trials;
  j["search"] = search_method_name(o.search);
  j["model"] = model_type_name(o.base.model_type);
  if (o.search == SearchMethod::tpe) j["tpe_startup"] = o.tpe_startup;
  j["epochs"] = o.base.epochs;
  j["grouped"] = rep.grouped;
  j["seed"] = o.base.seed;
  const auto &sp = o.space;
  if (sp.model == ModelType::cnn)
    j["space"] = {{"window", {sp.window_min, sp.window_max, sp.window_step}},
                  {"dropout", {sp.dropout_min, sp.dropout_max, sp.dropout_step}},
                  {"batch", {sp.batch_min, sp.batch_max, sp.batch_step}},
                  {"fc", {sp.fc_min, sp.fc_max, sp.fc_step}},
                  {"conv1", {sp.conv1_min, sp.conv1_max, sp.conv1_step}},
                  {"conv2", {sp.conv2_min, sp.conv2_max, sp.conv2_step}}};
  else
    j["space"] = {{"k", {sp.k_min, sp.k_max}},
                  {"window", {sp.window_min, sp.window_max, sp.window_step}},
                  {"hidden", {sp.hidden_min, sp.hidden_max, sp.hidden_step}},
                  {"depth", {sp.depth_min, sp.depth_max}},
                  {"dropout", {sp.dropout_min, sp.dropout_max, sp.dropout_step}},
                  {"ffn_layers", {sp.ffn_layers_min, sp.ffn_layers_max}},
                  {"batch", {sp.batch_min, sp.batch_max, sp.batch_step}}};
  j["auc"] = {{"mean", rep.mean_auc}, {"std", rep.std_auc}};
  j["accuracy"] = {{"mean", rep.mean_accuracy}, {"std", rep.std_accuracy}};
  write_json(o.out_dir + "/hyperopt.json", j);
  return rep;
}

}  // namespace mlglass
