// Runs one of the plot scripts in tools/ with the Python that has matplotlib, without a shell
// (no quoting of user paths), as `mlglass tg --plot` does. The Python is MLGLASS_PYTHON from the
// environment, else the one found at configure time; the scripts are in MLGLASS_TOOLS_DIR from
// the environment, else the source tree's tools/.
#pragma once

#include <string>
#include <vector>

namespace mlglass::cli {

std::string plot_script_path(const std::string &script);

// "" on success, else why no plot was written (script missing, Python not runnable, the script's
// exit status; the script prints its own error on stderr).
std::string run_plot_script(const std::string &script, const std::vector<std::string> &args);

}  // namespace mlglass::cli
