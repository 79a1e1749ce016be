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
// exit status; the script prints its own error on stderr). args[output] is the file the script
// writes: the script writes it under a temporary name (same extension, so matplotlib picks the same
// format) that is renamed to it on success and removed on failure: no half-written plot (a full
// disk), and an earlier plot of that name stays as it was.
std::string run_plot_script(const std::string &script, std::vector<std::string> args,
                            std::size_t output);

// The temporary name of a plot file: dir/name.tmp.ext for dir/name.ext.
std::string plot_temp_path(const std::string &path);

}  // namespace mlglass::cli
