// `mlglass tg`: T_g from the inherent-structure energies of a cooling ramp (src/core/tg.h), with a
// text summary, an optional JSON record of the fit and an optional plot (tools/plot_tg.py).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace mlglass::cli {

struct TgArgs {
  std::string file;
  int temp_col = 2;    // `fix inherent ... file`: step temp eis_atom ...
  int energy_col = 3;
  std::optional<double> t_min, t_max;
  int min_points = 3;
  int bootstrap = 1000;
  std::uint64_t seed = 12345;
  std::string json;  // empty: no JSON
  std::string plot;  // empty: no plot
};

// Registers the subcommand; its options are parsed into args.
CLI::App *add_tg_command(CLI::App &app, TgArgs &args);

// Runs a parsed `mlglass tg`. Returns the exit code: 0 done, 1 data or output error, 2 usage error
// (messages already printed to stderr as "mlglass tg: error: ...").
int run_tg(const TgArgs &args);

}  // namespace mlglass::cli
