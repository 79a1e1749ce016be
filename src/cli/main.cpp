// `mlglass`: the ML-GLASS command-line program, one binary with a subcommand per analysis.
// Exit codes are shared by all subcommands: 0 success, 1 bad data or failed output, 2 bad usage.
#include "cv_command.h"
#include "attention_command.h"
#include "dataset_command.h"
#include "export_command.h"
#include "tg_command.h"
#include "train_command.h"
#include "trainer.h"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char **argv) {
  mlglass::keep_freed_memory();  // training reuses the same tensor sizes every batch
  CLI::App app{"ML-GLASS: analysis of glass-former simulations (Swanson et al., Soft Matter 2020)",
               "mlglass"};
  app.set_version_flag("--version", MLGLASS_VERSION);
  app.require_subcommand(1);
  mlglass::cli::TgArgs tg_args;
  CLI::App *tg = mlglass::cli::add_tg_command(app, tg_args);
  mlglass::cli::TrainArgs train_args;
  CLI::App *train = mlglass::cli::add_train_command(app, train_args);
  mlglass::cli::EvalArgs eval_args;
  CLI::App *eval = mlglass::cli::add_eval_command(app, eval_args);
  mlglass::cli::DatasetArgs dataset_args;
  CLI::App *dataset = mlglass::cli::add_dataset_command(app, dataset_args);
  mlglass::cli::CvArgs cv_args;
  CLI::App *cv = mlglass::cli::add_cv_command(app, cv_args);
  mlglass::cli::HyperoptArgs hyperopt_args;
  CLI::App *hyperopt = mlglass::cli::add_hyperopt_command(app, hyperopt_args);
  mlglass::cli::ExportArgs export_args;
  CLI::App *export_cmd = mlglass::cli::add_export_command(app, export_args);
  mlglass::cli::InfoArgs info_args;
  CLI::App *info = mlglass::cli::add_info_command(app, info_args);
  mlglass::cli::AttentionArgs attention_args;
  CLI::App *attention = mlglass::cli::add_attention_command(app, attention_args);

  // CLI11 would answer "A subcommand is required" for a misspelt one: name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    try {
      app.get_subcommand(argv[1]);
    } catch (const CLI::OptionNotFound &) {
      std::cerr << "mlglass: error: unknown subcommand '" << argv[1] << "' (available: tg, train, eval, dataset, cv, hyperopt, export, info, attention)\n"
                << "Run 'mlglass --help' for usage.\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success &e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    // Name the subcommand the user was running, so the message points at the right --help.
    const std::string who = tg->parsed()      ? "mlglass tg"
                            : train->parsed() ? "mlglass train"
                            : eval->parsed()  ? "mlglass eval"
                            : dataset->parsed() ? "mlglass dataset"
                            : cv->parsed()      ? "mlglass cv"
                            : hyperopt->parsed() ? "mlglass hyperopt"
                            : export_cmd->parsed() ? "mlglass export"
                            : info->parsed()       ? "mlglass info"
                            : attention->parsed()  ? "mlglass attention"
                                              : "mlglass";
    std::cerr << who << ": error: " << e.what() << "\n"
              << "Run '" << who << " --help' for usage.\n";
    return 2;
  }
  if (tg->parsed()) return mlglass::cli::run_tg(tg_args);
  if (train->parsed()) return mlglass::cli::run_train(train_args);
  if (eval->parsed()) return mlglass::cli::run_eval(eval_args);
  if (dataset->parsed()) return mlglass::cli::run_dataset(dataset_args);
  if (cv->parsed()) return mlglass::cli::run_cv_command(cv_args);
  if (hyperopt->parsed()) return mlglass::cli::run_hyperopt_command(hyperopt_args);
  if (export_cmd->parsed()) return mlglass::cli::run_export(export_args);
  if (info->parsed()) return mlglass::cli::run_info(info_args);
  if (attention->parsed()) return mlglass::cli::run_attention_command(attention_args);
  return 2;  // unreachable: require_subcommand(1)
}
