// `mlglass`: the ML-GLASS command-line program, one binary with a subcommand per analysis.
// Exit codes are shared by all subcommands: 0 success, 1 bad data or failed output, 2 bad usage.
#include "cv_command.h"
#include "attention_command.h"
#include "dataset_command.h"
#include "export_command.h"
#include "metrics_command.h"
#include "tg_command.h"
#include "train_command.h"
#include "trainer.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace {

// One subcommand: its CLI11 node and what runs it. The registrations below are the only list of
// subcommands; the unknown-subcommand message, error prefixes and dispatch all read this table.
struct Subcommand {
  CLI::App *app;
  std::function<int()> run;
};

template <class Args, class Add, class Run>
Subcommand subcommand(CLI::App &app, Args &args, Add add, Run run) {
  return {add(app, args), [&args, run] { return run(args); }};
}

}  // namespace

int main(int argc, char **argv) {
  namespace cli = mlglass::cli;
  mlglass::keep_freed_memory();  // training reuses the same tensor sizes every batch
  CLI::App app{"ML-GLASS: analysis of glass-former simulations (Swanson et al., Soft Matter 2020)",
               "mlglass"};
  app.set_version_flag("--version", MLGLASS_VERSION);
  app.require_subcommand(1);
  cli::TgArgs tg;
  cli::TrainArgs train;
  cli::EvalArgs eval;
  cli::DatasetArgs dataset;
  cli::CvArgs cv;
  cli::HyperoptArgs hyperopt;
  cli::ExportArgs export_args;
  cli::InfoArgs info;
  cli::AttentionArgs attention;
  cli::MetricsArgs metrics;
  const std::vector<Subcommand> commands = {
      subcommand(app, tg, cli::add_tg_command, cli::run_tg),
      subcommand(app, train, cli::add_train_command, cli::run_train),
      subcommand(app, eval, cli::add_eval_command, cli::run_eval),
      subcommand(app, dataset, cli::add_dataset_command, cli::run_dataset),
      subcommand(app, cv, cli::add_cv_command, cli::run_cv_command),
      subcommand(app, hyperopt, cli::add_hyperopt_command, cli::run_hyperopt_command),
      subcommand(app, export_args, cli::add_export_command, cli::run_export),
      subcommand(app, info, cli::add_info_command, cli::run_info),
      subcommand(app, attention, cli::add_attention_command, cli::run_attention_command),
      subcommand(app, metrics, cli::add_metrics_command, cli::run_metrics),
  };

  // CLI11 would answer "A subcommand is required" for a misspelt one: name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    try {
      app.get_subcommand(argv[1]);
    } catch (const CLI::OptionNotFound &) {
      std::string names;
      for (const auto &c : commands) names += (names.empty() ? "" : ", ") + c.app->get_name();
      std::cerr << "mlglass: error: unknown subcommand '" << argv[1] << "' (available: " << names
                << ")\nRun 'mlglass --help' for usage.\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success &e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    // Name the subcommand the user was running, so the message points at the right --help.
    std::string who = "mlglass";
    for (const auto &c : commands)
      if (c.app->parsed()) who += " " + c.app->get_name();
    std::cerr << who << ": error: " << e.what() << "\n"
              << "Run '" << who << " --help' for usage.\n";
    return 2;
  }
  for (const auto &c : commands)
    if (c.app->parsed()) return c.run();
  return 2;  // unreachable: require_subcommand(1)
}
