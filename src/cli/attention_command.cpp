#include "attention_command.h"

#include "attention.h"
#include "command_error.h"
#include "dataset.h"
#include "plot_script.h"
#include "train_command.h"
#include "validators.h"

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <iostream>

namespace mlglass::cli {

CLI::App *add_attention_command(CLI::App &app, AttentionArgs &a) {
  auto *c = app.add_subcommand(
      "attention", "attention weights and high-attention graph metrics of an attention D-MPNN");
  c->add_option("--model", a.model, "model trained with --attention (mlglass train or export)")
      ->required();
  c->add_option("--manifest", a.manifest, "CSV manifest of labelled frames")->required();
  c->add_option("--out", a.out, "output directory (edges.csv, particles.csv, windows.csv, summary)")
      ->required();
  c->add_option("--windows", a.windows, "random windows per configuration [1]")
      ->check(CLI::Range(1, 10000));
  c->add_flag("--whole", a.whole, "one graph per whole configuration instead of windows");
  c->add_option("--window", a.window, "window side in the model's units (default: the model's)")
      ->check(finite_positive());
  c->add_option("--seed", a.seed, "window draws (as mlglass eval --seed) [1]")
      ->check(unsigned_integer());
  auto *thr = c->add_option("--threshold", a.threshold,
                            "high attention: weight > F / (edges of the window), F x the mean [1]")
                  ->check(finite_positive());
  c->add_option("--quantile", a.quantile,
                "high attention: weight above this quantile of the window's weights")
      ->check(CLI::Range(0.0, 1.0))
      ->excludes(thr);
  c->add_option("--btype", a.btype, "the B particle type [2]")->check(CLI::Range(1, 64));
  c->add_option("--png", a.png, "plot file [OUT/attention.png]");
  c->add_flag("--no-plot", a.no_plot, "no plot");
  c->add_option("--threads", a.threads)->check(CLI::Range(1, 256));
  return c;
}

int run_attention_command(const AttentionArgs &a) {
  at::set_num_threads(a.threads);
  AttentionOptions o;
  o.windows = a.windows;
  o.whole = a.whole;
  o.window = a.window;
  o.seed = a.seed;
  o.btype = a.btype;
  if (a.quantile >= 0) {
    if (!(a.quantile > 0 && a.quantile < 1)) throw CommandError(2, "--quantile must lie in (0, 1)");
    o.rule = {HighAttentionRule::Kind::quantile, a.quantile};
  } else {
    o.rule = {HighAttentionRule::Kind::mean_multiple, a.threshold};
  }
  torch::jit::Module model;
  const ModelMetadata info = load_model_file(a.model, model);
  if (info.architecture != ModelArchitecture::dmpnn || !info.attention)
    throw CommandError(1, a.model + ": this model was trained without attention, it has no "
                       "attention weights (train one with mlglass train --attention)");
  const auto configs = load_configurations(read_manifest(a.manifest), directory_of(a.manifest));
  if (configs.empty()) throw CommandError(1, a.manifest + ": no configurations");
  check_configurations_fit(info, configs, !a.whole && a.window <= 0.0);
  const auto windows = analyse_attention(model, info, configs, o);
  nlohmann::json run_info = {{"program", "mlglass attention"},
                             {"version", MLGLASS_VERSION},
                             {"model", a.model},
                             {"manifest", a.manifest},
                             {"configurations", configs.size()},
                             {"windows_per_configuration", a.whole ? 1 : a.windows},
                             {"whole", a.whole},
                             {"seed", a.seed}};
  const auto summary = write_attention(a.out, windows, configs, o, run_info);
  std::cout << "windows " << windows.size() << " (" << configs.size() << " configurations)\n"
            << "high attention: " << o.rule.describe() << "\n";
  for (const char *label : {"glass", "liquid"}) {
    const auto &s = summary["by_label"][label];
    std::cout << label << ": " << s["windows"].get<std::size_t>() << " windows";
    if (s["windows"].get<std::size_t>() > 0)
      for (const char *m : {"components", "bb_links", "isolated_a", "high_edges"})
        std::cout << ", " << m << " " << s[m]["mean"].get<double>();
    std::cout << "\n";
  }
  std::cout << "wrote " << a.out << "/{edges,particles,windows,summary}.csv, summary.json\n";
  if (!a.no_plot) {
    const std::string png = a.png.empty() ? a.out + "/attention.png" : a.png;
    const std::string why = run_plot_script("plot_attention.py", {a.out, png}, 1);
    if (why.empty())
      std::cout << "wrote " << png << "\n";
    else
      std::cerr << "mlglass attention: warning: no plot: " << why << "\n";
  }
  return 0;
}

}  // namespace mlglass::cli
