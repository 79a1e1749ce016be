#include "cv_command.h"

#include "command_error.h"
#include "dataset.h"
#include "validators.h"

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <iostream>

namespace mlglass::cli {

namespace {

void add_common(CLI::App &c, TrainArgs &a, int &test_windows, const std::string &out_help) {
  a.val_fraction = 1.0 / 9.0;
  c.add_option("--manifest", a.manifest, "CSV manifest: file,timestep,label[,temperature][,group]")
      ->required();
  c.add_option("--out", a.out, out_help)->required();
  c.add_option("--val-fraction", a.val_fraction,
               "stratified inner validation share of each training part [1/9]")
      ->check(finite_in(0.01, 0.5));
  c.add_option("--test-windows", test_windows, "fixed windows per held-out configuration [4]")
      ->check(CLI::Range(1, 10000));
  auto *resume =
      c.add_flag("--resume", a.options.resume, "skip finished folds, continue interrupted ones");
  c.add_flag("--overwrite", a.overwrite,
             "run into an OUT that holds an earlier run, replacing its folds (else refused)")
      ->excludes(resume);
}

// OUT against --resume and --overwrite: `parts` is the prefix of the run's fold directories
// (fold-, outer-), `report` its report file. --resume needs an earlier run; a fresh run does not
// replace one unasked.
void check_out_dir(const TrainArgs &a, const std::string &parts, const std::string &report) {
  namespace fs = std::filesystem;
  bool earlier = fs::exists(a.out + "/" + report);
  std::error_code ec;
  if (fs::is_directory(a.out, ec))
    for (const auto &e : fs::directory_iterator(a.out, ec))
      earlier = earlier || e.path().filename().string().rfind(parts, 0) == 0;
  if (a.options.resume && !earlier)
    throw CommandError(2, "--resume: " + a.out + " holds no earlier run (no " + parts + "*/ or " +
                              report +
                              "), there is nothing to continue (leave out --resume to "
                              "start one)");
  if (!a.options.resume && earlier && !a.overwrite)
    throw CommandError(2, a.out + " holds an earlier run (" + parts + "*/, " + report +
                              "): pass --resume to continue it, --overwrite to replace it, or "
                              "choose another --out");
}

// Each label needs a configuration per fold.
void check_labels_for_folds(const std::vector<Configuration> &configs, const std::string &manifest,
                            int folds, const std::string &option) {
  long glass = 0, liquid = 0;
  for (const auto &c : configs) ++(c.label ? glass : liquid);
  if (glass < folds || liquid < folds)
    throw CommandError(1, manifest + " lists " + std::to_string(glass) + " glass and " +
                              std::to_string(liquid) + " liquid configurations: too few for " +
                              option + " " + std::to_string(folds) +
                              ", which needs at least one of each label per fold. List more "
                              "configurations or lower " +
                              option);
}

// Loads the manifest and checks atom types.
std::vector<Configuration> load(const TrainArgs &a) {
  auto configs = load_configurations(read_manifest(a.manifest), directory_of(a.manifest));
  for (const auto &c : configs)
    for (int t : c.type)
      if (t < 1 || t > a.options.graph.ntypes)
        throw CommandError(1, c.source + ": atom type " + std::to_string(t) + " outside 1.." +
                                  std::to_string(a.options.graph.ntypes) + " (--ntypes)");
  return configs;
}

// What cv and hyperopt do before their folds: threads, the training options, OUT (`parts`,
// `report` as for check_out_dir), and configurations enough for `folds` folds (`option`).
std::vector<Configuration> prepare(TrainArgs &a, const std::string &parts,
                                   const std::string &report, int folds,
                                   const std::string &option) {
  at::set_num_threads(a.threads);
  finish_training_options(a);
  finish_model_options(a);  // D-MPNN or --model cnn
  check_out_dir(a, parts, report);
  std::vector<Configuration> configs = load(a);
  check_labels_for_folds(configs, a.manifest, folds, option);
  return configs;
}

std::function<void(const std::string &)> logger(const std::string &who) {
  return [who](const std::string &s) { std::cerr << who << ": " << s << "\n"; };
}

}  // namespace

CLI::App *add_cv_command(CLI::App &app, CvArgs &a) {
  auto *c = app.add_subcommand(
      "cv", "stratified k-fold cross-validation of the trainer (groups kept in one fold)");
  add_common(*c, a.train, a.test_windows, "output directory (fold-<i>/, cv.json)");
  c->add_option("--folds", a.folds, "number of folds [3]")->check(CLI::Range(2, 100));
  add_training_options(*c, a.train);
  add_model_options(*c, a.train);
  return c;
}

int run_cv_command(CvArgs &a) {
  const std::string who = "mlglass cv";
  const auto configs = prepare(a.train, "fold-", "cv.json", a.folds, "--folds");
  CvOptions o;
  o.train = a.train.options;
  o.out_dir = a.train.out;
  o.folds = a.folds;
  o.test_windows = a.test_windows;
  o.val_fraction = a.train.val_fraction;
  o.resume = a.train.options.resume;
  o.log = logger(who);
  const auto r = run_cv(configs, o);
  std::cout << "fold  AUC     accuracy  (validation AUC, epoch)\n";
  for (const auto &f : r.folds)
    std::cout << f.fold << "     " << f.auc << "  " << f.accuracy << "  (" << f.best_val_auc
              << ", " << f.best_epoch << ")\n";
  std::cout << "AUC " << r.mean_auc << " +- " << r.std_auc << "\naccuracy " << r.mean_accuracy
            << " +- " << r.std_accuracy << "\n"
            << (r.grouped ? "folds keep groups together\n" : "")
            << "report: " << o.out_dir << "/cv.json\n";
  return 0;
}

CLI::App *add_hyperopt_command(CLI::App &app, HyperoptArgs &a) {
  auto *c = app.add_subcommand(
      "hyperopt", "nested cross-validation with TPE (or random) search over the Table 2 space "
                  "(--model cnn: window, dropout, batch and the CNN's widths)");
  a.train.options.epochs = 10;
  add_common(*c, a.train, a.test_windows, "output directory (outer-<i>/, hyperopt.json)");
  c->add_option("--trials", a.trials, "configurations drawn per outer fold [15]")
      ->check(CLI::Range(1, 100000));
  c->add_option("--outer-folds", a.outer_folds, "outer folds [3]")->check(CLI::Range(2, 100));
  c->add_option("--search", a.search, "how trials are proposed: tpe (tree-structured Parzen "
                "estimator) or random")
      ->check(CLI::IsMember({"tpe", "random"}));
  c->add_option("--tpe-startup", a.tpe_startup, "random trials before TPE models the results")
      ->check(CLI::Range(1, 100000));
  c->add_option("--hidden-max", a.hidden_max, "shrink the hidden range to at most H (quick runs)")
      ->check(CLI::Range(1, 100000));
  c->add_option("--window-min", a.space.window_min,
                "smallest window searched, a fraction of the box edge [0.1]")
      ->check(CLI::Range(0.0, 1.0, "a fraction of the box edge in (0, 1]"));
  c->add_option("--window-max", a.space.window_max,
                "largest window searched, a fraction of the box edge [0.3]")
      ->check(CLI::Range(0.0, 1.0, "a fraction of the box edge in (0, 1]"));
  c->add_option("--window-step", a.space.window_step, "window grid step [0.05]")
      ->check(CLI::PositiveNumber);
  add_training_options(*c, a.train);
  add_model_options(*c, a.train);
  c->add_option("--fc-max", a.space.fc_max,
                "CNN: largest fully connected width searched [160] (quick runs)")
      ->check(CLI::Range(1, 100000));
  // the searched hyperparameters are drawn, not given
  for (const char *name : {"--k", "--window", "--window-units", "--hidden", "--depth",
                           "--ffn-layers", "--ffn-hidden", "--dropout", "--batch"})
    c->remove_option(c->get_option(name));
  a.train.dropout = nullptr;    // removed with its option (CLI11 deletes it): not to be read
  c->get_option("--epochs")->description("epochs per trial [10]");
  return c;
}

int run_hyperopt_command(HyperoptArgs &a) {
  const std::string who = "mlglass hyperopt";
  // before prepare(): a refused option makes no output directory
  if (!(a.space.window_min > 0.0) || a.space.window_max < a.space.window_min)
    throw CommandError(2, "--window-min must be > 0 and at most --window-max (got " +
                       std::to_string(a.space.window_min) + ", " +
                       std::to_string(a.space.window_max) + ")");
  const auto configs = prepare(a.train, "outer-", "hyperopt.json", a.outer_folds, "--outer-folds");
  HyperoptOptions o;
  o.base = a.train.options;
  o.space = a.space;
  o.space.model = o.base.model_type;
  if (o.space.fc_min > o.space.fc_max) o.space.fc_min = o.space.fc_max;
  if (a.hidden_max > 0) {
    o.space.hidden_max = a.hidden_max;
    if (o.space.hidden_min > a.hidden_max) o.space.hidden_min = a.hidden_max;
  }
  o.out_dir = a.train.out;
  o.trials = a.trials;
  o.search = parse_search_method(a.search);
  o.tpe_startup = a.tpe_startup;
  o.outer_folds = a.outer_folds;
  o.test_windows = a.test_windows;
  o.val_fraction = a.train.val_fraction;
  o.resume = a.train.options.resume;
  o.log = logger(who);
  const auto r = run_hyperopt(configs, o);
  const bool cnn = o.base.model_type == ModelType::cnn;
  std::cout << "fold  AUC     accuracy  chosen "
            << (cnn ? "(window dropout batch fc conv1 conv2)\n"
                    : "(k window hidden depth dropout ffn batch)\n");
  for (const auto &f : r.folds) {
    const auto &h = f.chosen;
    std::cout << f.result.fold << "     " << f.result.auc << "  " << f.result.accuracy << "  ";
    if (cnn)
      std::cout << h.window << ' ' << h.dropout << ' ' << h.batch << ' ' << h.fc << ' '
                << h.conv1 << ' ' << h.conv2 << "\n";
    else
      std::cout << h.k << ' ' << h.window << ' ' << h.hidden << ' ' << h.depth << ' '
                << h.dropout << ' ' << h.ffn_layers << ' ' << h.batch << "\n";
  }
  std::cout << "AUC " << r.mean_auc << " +- " << r.std_auc << "\naccuracy " << r.mean_accuracy
            << " +- " << r.std_accuracy << "\nreport: " << o.out_dir << "/hyperopt.json\n";
  return 0;
}

}  // namespace mlglass::cli
