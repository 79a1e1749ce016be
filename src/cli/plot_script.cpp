#include "plot_script.h"

#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

namespace mlglass::cli {

std::string plot_script_path(const std::string &script) {
  if (const char *d = std::getenv("MLGLASS_TOOLS_DIR"); d && *d) return std::string(d) + "/" + script;
  return std::string(MLGLASS_SOURCE_DIR) + "/tools/" + script;
}

namespace {

std::string run_script(const std::string &script, const std::vector<std::string> &args) {
  const std::string path = plot_script_path(script);
  if (!std::filesystem::is_regular_file(path))
    return "plot script not found: " + path + " (set MLGLASS_TOOLS_DIR)";
  const char *env_py = std::getenv("MLGLASS_PYTHON");
  const std::string py = env_py && *env_py ? env_py : MLGLASS_PYTHON;
  std::vector<std::string> words = {py, path};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char *> argv;
  for (auto &s : words) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::cout.flush();
  pid_t pid = 0;
  if (const int err = posix_spawnp(&pid, py.c_str(), nullptr, nullptr, argv.data(), environ))
    return "cannot run " + py + ": " + std::strerror(err);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return "waiting for " + py + ": " + std::strerror(errno);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return script + " failed (" +
           (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                              : "killed by signal " + std::to_string(WTERMSIG(status))) + ")";
  return "";
}

}  // namespace

std::string plot_temp_path(const std::string &path) {
  const std::filesystem::path p(path);
  return (p.parent_path() / (p.stem().string() + ".tmp" + p.extension().string())).string();
}

std::string run_plot_script(const std::string &script, std::vector<std::string> args,
                            std::size_t output) {
  const std::string final_path = args.at(output);
  const std::string tmp = plot_temp_path(final_path);
  args[output] = tmp;
  std::string why = run_script(script, args);
  if (why.empty() && std::rename(tmp.c_str(), final_path.c_str()) != 0)
    why =
        "cannot write " + final_path + ": cannot rename " + tmp + " to it: " + std::strerror(errno);
  if (!why.empty()) std::remove(tmp.c_str());
  return why;
}

}  // namespace mlglass::cli
