#include "train_command.h"

#include "atomic_file.h"
#include "classification.h"
#include "command_error.h"
#include "dataset.h"
#include "glass_classifier.h"
#include "number_text.h"
#include "plot_script.h"
#include "validators.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace mlglass::cli {

void add_training_options(CLI::App &c, TrainArgs &a) {
  auto &o = a.options;
  c.add_option("--k", o.graph.k, "nearest neighbours per particle")->check(CLI::Range(1, 64));
  c.add_option("--window", o.graph.window.side, "window side (a fraction in (0, 1] or a distance)")
      ->check(finite_positive());
  c.add_option("--window-units", a.window_units, "fraction (of the box) or distance")
      ->check(CLI::IsMember({"fraction", "distance"}));
  c.add_option("--offsets", a.offsets, "independent (default) or diagonal (the authors')")
      ->check(CLI::IsMember({"independent", "diagonal"}));
  c.add_flag("--no-periodic", a.no_periodic, "windows inside the box only (the authors')");
  c.add_option("--features", a.features, "node features: type (one-hot) or type+xy")
      ->check(CLI::IsMember({"type", "type+xy"}));
  c.add_option("--ntypes", o.graph.ntypes, "atom types")->check(CLI::Range(1, 64));
  c.add_option("--hidden", o.model.hidden)->check(CLI::Range(1, 100000));
  c.add_option("--depth", o.model.depth)->check(CLI::Range(1, 100));
  c.add_option("--ffn-layers", o.model.ffn_layers)->check(CLI::Range(1, 100));
  c.add_option("--ffn-hidden", o.model.ffn_hidden)->check(CLI::Range(1, 100000));
  a.dropout = c.add_option("--dropout", o.model.dropout, "dropout probability")
                  ->check(finite_in(0.0, 0.95));
  c.add_flag("--attention", o.model.attention, "edge self-attention (per graph)");
  c.add_option("--readout", a.readout)->check(CLI::IsMember({"mean", "sum"}));
  c.add_option("--epochs", o.epochs)->check(CLI::Range(1, 100000));
  c.add_option("--batch", o.batch_size)->check(CLI::Range(1, 100000));
  c.add_option("--init-lr", o.init_lr, "learning rate at the start of the warm-up")
      ->check(finite_positive());
  c.add_option("--max-lr", o.max_lr, "learning rate at the end of the warm-up")
      ->check(finite_positive());
  c.add_option("--final-lr", o.final_lr, "learning rate at the last epoch")
      ->check(finite_positive());
  c.add_option("--warmup", o.warmup_epochs, "warm-up epochs")->check(finite_non_negative());
  c.add_option("--clip", o.clip_norm, "max gradient norm (0: off)")->check(finite_non_negative());
  c.add_option("--val-windows", o.val_windows, "fixed windows per validation configuration")
      ->check(CLI::Range(1, 1000));
  c.add_option("--seed", o.seed)->check(unsigned_integer());
  c.add_option("--threads", a.threads, "torch threads (1 = deterministic)")->check(CLI::Range(1, 256));
  c.add_flag("--quiet", a.quiet, "no progress output");
}

void finish_training_options(TrainArgs &a) {
  auto &o = a.options;
  o.progress = !a.quiet;
  o.graph.window.side_is_fraction = a.window_units == "fraction";
  o.graph.window.offsets = a.offsets == "diagonal" ? WindowOptions::Offsets::diagonal
                                                   : WindowOptions::Offsets::independent;
  o.graph.window.periodic = !a.no_periodic;
  o.graph.features = a.features == "type" ? NodeFeatures::type_onehot : NodeFeatures::type_xy;
  o.model.readout = a.readout == "sum" ? DmpnnConfig::Readout::sum : DmpnnConfig::Readout::mean;
  o.model.seed = o.seed;
}

void add_model_options(CLI::App &c, TrainArgs &a) {
  auto &o = a.options;
  c.add_option("--model", a.model, "dmpnn (default) or cnn (the paper's image baseline)")
      ->check(CLI::IsMember({"dmpnn", "cnn"}));
  c.add_option("--image-size", o.image.size, "CNN: image edge in pixels [250]")
      ->check(CLI::Range(16, 4096));
  c.add_option("--diameters", o.image.diameters, "CNN: disc diameter per atom type [1.0 0.88]")
      ->delimiter(',');  // checked with the type count in finish_model_options
  a.weight_decay =
      c.add_option("--weight-decay", o.weight_decay, "L2 coefficient in Adam [cnn 0.01, dmpnn 0]")
          ->check(finite_non_negative());
}

void finish_model_options(TrainArgs &a) {
  auto &o = a.options;
  o.model_type = a.model == "cnn" ? ModelType::cnn : ModelType::dmpnn;
  o.cnn.seed = o.seed;
  if (a.dropout && a.dropout->count() > 0) o.cnn.dropout = o.model.dropout;
  if (!(a.weight_decay && a.weight_decay->count() > 0))
    o.weight_decay = o.model_type == ModelType::cnn ? 0.01 : 0.0;
  if (o.model_type == ModelType::cnn)
    if (const std::string why = validate(o.image, o.graph.ntypes); !why.empty())
      throw CommandError(2, "--model cnn: " + why + " (--diameters, --ntypes)");
}

CLI::App *add_train_command(CLI::App &app, TrainArgs &a) {
  auto *c = app.add_subcommand("train", "train the D-MPNN (or --model cnn) on labelled dump frames");
  auto &o = a.options;
  c->add_option("--manifest", a.manifest, "CSV manifest: file,timestep,label[,temperature][,group]")
      ->required();
  c->add_option("--out", a.out, "output directory (checkpoint.pt, best.pt, last.pt, metrics.csv)")
      ->required();
  c->add_option("--val-manifest", a.val_manifest, "validation manifest (default: split --manifest)");
  c->add_option("--val-fraction", a.val_fraction, "stratified validation share of --manifest")
      ->check(finite_in(0.01, 0.5));
  add_training_options(*c, a);
  add_model_options(*c, a);
  auto *resume = c->add_flag("--resume", o.resume, "continue from OUT/checkpoint.pt");
  c->add_flag("--overwrite", a.overwrite,
              "train into an OUT that holds an earlier run, replacing it (else refused)")
      ->excludes(resume);
  c->add_option("--stop-after", o.stop_after,
                "end this run after N epochs (for time-limited jobs; 0: no limit)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--plot", a.plot, "learning-curve PNG written at the end [OUT/learning.png]");
  c->add_flag("--no-plot", a.no_plot, "no learning-curve PNG");
  return c;
}

namespace {

// The files of a training run (train_model and the learning-curve plot) present in `dir`.
std::vector<std::string> run_files_in(const std::string &dir) {
  std::vector<std::string> found;
  for (const char *f : {"checkpoint.pt", "best.pt", "last.pt", "metrics.csv", "learning.png"})
    if (std::filesystem::exists(dir + "/" + f)) found.push_back(f);
  return found;
}

std::string join(const std::vector<std::string> &words) {
  std::string s;
  for (const auto &w : words) s += (s.empty() ? "" : ", ") + w;
  return s;
}

}  // namespace

int run_train(TrainArgs &a) {
  at::set_num_threads(a.threads);
  auto &o = a.options;
  o.out_dir = a.out;
  finish_training_options(a);
  finish_model_options(a);

  // OUT: --resume needs the checkpoint; a fresh run does not replace an earlier one unasked
  const std::vector<std::string> earlier = run_files_in(a.out);
  if (o.resume && !std::filesystem::exists(a.out + "/checkpoint.pt"))
    throw CommandError(2, "--resume: " + a.out +
                              "/checkpoint.pt does not exist, there is no run to "
                              "continue in " +
                              a.out + " (leave out --resume to start one)");
  if (!o.resume && !earlier.empty() && !a.overwrite)
    throw CommandError(2, a.out + " holds an earlier run (" + join(earlier) +
                              "): pass --resume to continue it, --overwrite to replace it, or "
                              "choose another --out");

  auto entries = read_manifest(a.manifest);
  auto train = load_configurations(entries, directory_of(a.manifest));
  std::vector<Configuration> val;
  if (!a.val_manifest.empty()) {
    val = load_configurations(read_manifest(a.val_manifest), directory_of(a.val_manifest));
  } else {
    std::vector<int> labels;
    for (const auto &c : train) labels.push_back(c.label);
    // one configuration in k of each label is validation: each label needs k of them
    const int k = std::max(2, int(std::lround(1.0 / a.val_fraction)));
    const auto glass = std::count(labels.begin(), labels.end(), 1);
    const auto liquid = std::count(labels.begin(), labels.end(), 0);
    if (glass < k || liquid < k)
      throw CommandError(
          1, a.manifest + " lists " + std::to_string(glass) + " glass and " +
                 std::to_string(liquid) +
                 " liquid configurations: too few for the validation "
                 "split --val-fraction " +
                 number_text(a.val_fraction) + ", which takes one in " + std::to_string(k) +
                 " of each label and so needs at least " + std::to_string(k) +
                 " of each. List more configurations, raise --val-fraction (0.5 needs 2 of "
                 "each) or give validation configurations of their own with --val-manifest");
    const auto fold = stratified_folds(labels, k, o.seed);
    std::vector<Configuration> rest;
    for (std::size_t i = 0; i < train.size(); ++i)
      (fold[i] == 0 ? val : rest).push_back(std::move(train[i]));
    train = std::move(rest);
  }
  for (const auto *set : {&train, &val})
    for (const auto &c : *set)
      for (int t : c.type)
        if (t < 1 || t > o.graph.ntypes)
          throw CommandError(1, c.source + ": atom type " + std::to_string(t) + " outside 1.." +
                                    std::to_string(o.graph.ntypes) + " (--ntypes)");
  if (!o.resume)  // --overwrite: the earlier run's files go only now that the new run can start
    for (const auto &f : earlier) std::filesystem::remove(a.out + "/" + f);
  std::cerr << "mlglass train: " << train.size() << " training and " << val.size()
            << " validation configurations\n";
  const auto r = train_model(train, val, o);
  std::cout << "best validation AUC " << r.best_val_auc << " at epoch " << r.best_epoch
            << "\nmodel: " << r.best_model << "\nlast: " << r.last_model << "\n";
  if (!a.no_plot) {  // a missing Python or matplotlib costs the plot, not the run
    const std::string png = a.plot.empty() ? a.out + "/learning.png" : a.plot;
    const std::string why = run_plot_script("plot_learning.py", {a.out + "/metrics.csv", png}, 1);
    if (why.empty())
      std::cout << "learning curves: " << png << "\n";
    else
      std::cerr << "mlglass train: warning: no learning-curve plot: " << why << "\n";
  }
  return 0;
}

CLI::App *add_eval_command(CLI::App &app, EvalArgs &a) {
  auto *c = app.add_subcommand("eval", "AUC, accuracy and ROC of a saved model on a manifest");
  c->add_option("--model", a.model, "model file written by mlglass train")->required();
  c->add_option("--manifest", a.manifest, "CSV manifest of labelled frames")->required();
  c->add_option("--windows", a.windows, "random windows per configuration")->check(CLI::Range(1, 10000));
  c->add_flag("--whole", a.whole, "one graph per whole configuration instead of windows");
  c->add_option("--window", a.window, "window side in the model's units (default: the model's)")
      ->check(finite_positive());
  c->add_flag("--tile", a.tile,
              "tile each configuration with windows as compute glass/mpnn does (not random windows)")
      ->excludes("--whole")->excludes("--windows");
  c->add_option("--stride", a.stride, "tile stride in the model's window units (default: the side)")
      ->check(finite_positive())
      ->needs("--tile");
  c->add_option("--batch", a.batch, "windows per model call with --tile")
      ->check(CLI::Range(1, 100000))->needs("--tile");
  c->add_option("--probabilities", a.probabilities_csv,
                "write P(glass) of every window as CSV (source,label,temperature,window,"
                "x0,y0,z0,particles,p)")
      ->needs("--tile");
  c->add_option("--roc", a.roc_csv, "write the ROC curve as CSV");
  c->add_option("--roc-png", a.roc_png, "plot the ROC curve (tools/plot_roc.py)");
  c->add_option("--seed", a.seed)->check(unsigned_integer());
  c->add_option("--threads", a.threads)->check(CLI::Range(1, 256));
  return c;
}

namespace {

struct WindowRow {
  const Configuration *config;
  int window;
  std::array<double, 3> origin;
  int particles;
  double p;
};

}  // namespace

void check_configurations_fit(const ModelMetadata &m, const std::vector<Configuration> &configs,
                              bool check_window) {
  for (const auto &c : configs) {
    const int ntypes = c.type.empty() ? 0 : *std::max_element(c.type.begin(), c.type.end());
    try {
      check_model_fits(m, c.box, ntypes, check_window);
    } catch (const std::invalid_argument &e) {
      throw CommandError(1, c.source + ": " + e.what());
    }
  }
}

int run_eval(const EvalArgs &a) {
  at::set_num_threads(a.threads);
  // the model first: a bad model file gives the message compute glass/mpnn gives, whatever the data
  std::unique_ptr<GlassClassifier> tiler;  // --tile: exactly what compute glass/mpnn evaluates
  torch::jit::Module model;
  ModelMetadata meta;
  if (a.tile)
    tiler = std::make_unique<GlassClassifier>(a.model);
  else
    meta = load_model_file(a.model, model);  // the loader GlassClassifier uses
  const auto configs = load_configurations(read_manifest(a.manifest), directory_of(a.manifest));
  // Every configuration against the model before any is sampled: its dimension and every atom type
  // in it (not only those the random windows happen to hold), and the model's window.
  check_configurations_fit(a.tile ? tiler->info() : meta, configs, !a.whole && a.window <= 0.0);
  std::vector<double> p;
  std::vector<int> y;
  std::vector<WindowRow> rows;
  if (a.tile) {
    GlassClassifier &classifier = *tiler;
    TileOptions opts;
    opts.window = a.window;
    opts.stride = a.stride;
    opts.batch = a.batch;
    for (const auto &c : configs) {
      TileResult r;
      try {
        r = classify_tiles(classifier, c.box, c.x.data(), c.size(), c.type.data(), c.id.data(),
                           opts);
      } catch (const std::exception &e) {
        throw std::runtime_error(c.source + ": " + e.what());
      }
      for (std::size_t w = 0; w < r.window_p.size(); ++w) {
        p.push_back(r.window_p[w]);
        y.push_back(c.label);
        rows.push_back({&c, int(w) + 1, r.origins[w], r.window_size[w], r.window_p[w]});
      }
    }
  } else {
    // dispatches on the model's architecture (dmpnn or cnn)
    p = evaluate_model(model, meta, configs, a.windows, a.seed, a.whole, a.window, y);
  }
  std::cout << (a.tile ? "windows " : "samples ") << p.size() << " (" << configs.size()
            << " configurations)\n";
  // per class: configurations, samples and mean P(glass), so a one-sided result is visible
  for (int label : {1, 0}) {
    std::size_t nconf = 0, nsamples = 0;
    double sum = 0.0;
    for (const auto &c : configs) nconf += c.label == label;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (y[i] == label) ++nsamples, sum += p[i];
    std::cout << (label ? "glass  (1): " : "liquid (0): ") << nconf << " configurations, "
              << nsamples << (a.tile ? " windows" : " samples");
    if (nsamples) std::cout << ", mean P(glass) " << sum / double(nsamples);
    std::cout << "\n";
  }
  for (double v : p)  // a model with NaN or infinite weights: name it, before any statistic
    if (!std::isfinite(v))
      throw std::runtime_error(a.model + ": the model gives non-finite probabilities (NaN or "
                               "infinite weights: a diverged training run?)");
  const bool both = std::count(y.begin(), y.end(), 1) > 0 && std::count(y.begin(), y.end(), 0) > 0;
  if (both)
    std::cout << "AUC " << roc_auc(p, y) << "\n";
  else
    std::cout << "AUC undefined (one class only)\n";
  std::cout << "accuracy " << accuracy(p, y) << "\n";
  if (!a.probabilities_csv.empty())
    write_atomically(a.probabilities_csv, [&](std::ostream &out) {
      out << "source,label,temperature,window,x0,y0,z0,particles,p\n";
      out.precision(17);
      for (const auto &r : rows)
        out << r.config->source << ',' << r.config->label << ',' << r.config->temperature << ','
            << r.window << ',' << r.origin[0] << ',' << r.origin[1] << ',' << r.origin[2] << ','
            << r.particles << ',' << r.p << '\n';
    });
  // --roc-png without --roc: the CSV goes to a scratch file next to the PNG
  const std::string roc_csv = !a.roc_csv.empty() ? a.roc_csv
                              : !a.roc_png.empty() ? a.roc_png + ".roc.csv" : "";
  if (!roc_csv.empty()) {
    if (!both) throw std::runtime_error("--roc and --roc-png need glass and liquid samples");
    write_atomically(roc_csv, [&](std::ostream &out) {
      out << "threshold,fpr,tpr\n";
      for (const auto &pt : roc_curve(p, y)) out << pt.threshold << ',' << pt.fpr << ',' << pt.tpr << '\n';
    });
  }
  if (!a.roc_png.empty()) {
    const std::string why = run_plot_script(
        "plot_roc.py",
        {roc_csv, a.roc_png, "--title",
         "ROC: " + a.model + " on " + a.manifest + " (" + std::to_string(p.size()) + " samples)"},
        1);
    if (a.roc_csv.empty()) std::filesystem::remove(roc_csv);
    if (!why.empty()) throw std::runtime_error("no ROC plot: " + why);
    std::cout << "wrote " << a.roc_png << "\n";
  }
  return 0;
}

}  // namespace mlglass::cli
