#include "export_command.h"

#include "model_tools.h"

#include <CLI/CLI.hpp>

#include <torch/script.h>

#include <iostream>
#include <string>
#include <vector>

namespace mlglass::cli {

CLI::App *add_export_command(CLI::App &app, ExportArgs &a) {
  auto *c = app.add_subcommand(
      "export", "check a trained model and write a deployable copy (TorchScript + metadata)");
  c->add_option("model", a.model, "model written by mlglass train (best.pt or last.pt)")->required();
  c->add_option("out", a.out, "the deployable model file to write")->required();
  c->add_flag("--metadata-only", a.metadata_only,
              "write only the (checked, extended) metadata JSON to OUT, no model");
  return c;
}

int run_export(const ExportArgs &a) {
  // the provenance record keeps the command without directories (model_tools.h)
  std::vector<std::string> command = {"mlglass", "export", a.model, a.out};
  if (a.metadata_only) command.push_back("--metadata-only");
  const auto r = export_model(a.model, a.out, a.metadata_only, command);
  print_model_summary(std::cout, r.info);
  if (a.metadata_only) {
    std::cout << "wrote metadata " << a.out << "\n";
  } else {
    std::cout << "checked: " << a.out << " loads back and gives identical logits"
              << (r.checked_attention ? " and attention weights" : "") << " on " << r.probe_graphs
              << " probe graphs\nwrote " << a.out << "\n";
  }
  return 0;
}

CLI::App *add_info_command(CLI::App &app, InfoArgs &a) {
  auto *c = app.add_subcommand("info", "print the metadata of a saved model");
  c->add_option("model", a.model, "model file (from mlglass train or export)")->required();
  c->add_flag("--json", a.json, "print the stored metadata JSON verbatim");
  return c;
}

int run_info(const InfoArgs &a) {
  torch::jit::Module model;
  const ModelMetadata meta = load_model_file(a.model, model);
  if (a.json)
    std::cout << meta.json << "\n";
  else
    print_model_summary(std::cout, meta);
  return 0;
}

}  // namespace mlglass::cli
