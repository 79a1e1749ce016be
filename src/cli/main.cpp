// `mlglass`: the ML-GLASS command-line program, one binary with a subcommand per analysis.
// Exit codes are shared by all subcommands: 0 success, 1 bad data or failed output, 2 bad usage.
#include "attention_command.h"
#include "command_error.h"
#include "cv_command.h"
#include "dataset_command.h"
#include "export_command.h"
#include "metrics_command.h"
#include "tg_command.h"
#include "train_command.h"
#include "trainer.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// One subcommand: its CLI11 node and what runs it. The registrations below are the only list of
// subcommands; the unknown-subcommand message, error prefixes, dispatch and the mapping of
// failures to exit codes all read this table.
struct Subcommand {
  CLI::App *app;
  std::function<int()> run;
  // std::invalid_argument from the libraries means bad options (exit 2) for the training and
  // analysis subcommands; for the others it is bad data like any other failure (exit 1).
  bool invalid_argument_is_usage = false;
};

template <class Args, class Add, class Run>
Subcommand subcommand(CLI::App &app, Args &args, Add add, Run run, bool invalid_argument_is_usage) {
  return {add(app, args), [&args, run] { return run(args); }, invalid_argument_is_usage};
}

// Runs a subcommand: every failure of every subcommand is reported here, in one form.
int run_reporting(const Subcommand &c) {
  const std::string who = "mlglass " + c.app->get_name();
  int code = 1;
  std::string what;
  try {
    return c.run();
  } catch (const mlglass::cli::CommandError &e) {
    code = e.code;
    what = e.what();
  } catch (const c10::Error &e) {  // a LibTorch failure no caller named: its text, not its trace
    what = e.what_without_backtrace();
  } catch (const std::invalid_argument &e) {
    code = c.invalid_argument_is_usage ? 2 : 1;
    what = e.what();
  } catch (const std::exception &e) {  // bad data, failed output, std::bad_alloc, filesystem
    what = e.what();
  }
  std::cerr << who << ": error: " << what << "\n";
  if (code == 2) std::cerr << "Run '" << who << " --help' for usage.\n";
  return code;
}

}  // namespace

int main(int argc, char **argv) {
  namespace cli = mlglass::cli;
  mlglass::keep_freed_memory();  // training reuses the same tensor sizes every batch
  CLI::App app{"ML-GLASS: analysis of glass-former simulations (Swanson et al., Soft Matter 2020)",
               "mlglass"};
  app.set_version_flag("--version", MLGLASS_VERSION);
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();  // --help shows every option's default
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
  constexpr bool usage = true;  // std::invalid_argument -> exit 2
  const std::vector<Subcommand> commands = {
      subcommand(app, tg, cli::add_tg_command, cli::run_tg, !usage),
      subcommand(app, train, cli::add_train_command, cli::run_train, usage),
      subcommand(app, eval, cli::add_eval_command, cli::run_eval, !usage),
      subcommand(app, dataset, cli::add_dataset_command, cli::run_dataset, !usage),
      subcommand(app, cv, cli::add_cv_command, cli::run_cv_command, usage),
      subcommand(app, hyperopt, cli::add_hyperopt_command, cli::run_hyperopt_command, usage),
      subcommand(app, export_args, cli::add_export_command, cli::run_export, !usage),
      subcommand(app, info, cli::add_info_command, cli::run_info, !usage),
      subcommand(app, attention, cli::add_attention_command, cli::run_attention_command, usage),
      subcommand(app, metrics, cli::add_metrics_command, cli::run_metrics, !usage),
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
    if (c.app->parsed()) return run_reporting(c);
  return 2;  // unreachable: require_subcommand(1)
}
