#include "export_command.h"

#include "model_tools.h"

#include <CLI/CLI.hpp>

#include <iostream>

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
  try {
    const auto r = export_model(a.model, a.out, a.metadata_only);
    print_model_summary(std::cout, a.model, r.info);
    if (a.metadata_only) {
      std::cout << "wrote metadata " << a.out << "\n";
    } else {
      std::cout << "checked: " << a.out << " loads back and gives identical logits"
                << (r.checked_attention ? " and attention weights" : "") << " on " << r.probe_graphs
                << " probe graphs\nwrote " << a.out << "\n";
    }
    return 0;
  } catch (const std::exception &e) {
    std::cerr << "mlglass export: error: " << e.what() << "\n";
    return 1;
  }
}

CLI::App *add_info_command(CLI::App &app, InfoArgs &a) {
  auto *c = app.add_subcommand("info", "print the metadata of a saved model");
  c->add_option("model", a.model, "model file (from mlglass train or export)")->required();
  c->add_flag("--json", a.json, "print the stored metadata JSON verbatim");
  return c;
}

int run_info(const InfoArgs &a) {
  try {
    auto [model, meta] = load_model(a.model);
    const auto info = inspect_model(model, meta, a.model);
    if (a.json)
      std::cout << meta << "\n";
    else
      print_model_summary(std::cout, a.model, info);
    return 0;
  } catch (const std::exception &e) {
    std::cerr << "mlglass info: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace mlglass::cli
