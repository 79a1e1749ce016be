#include "tg_command.h"

#include "atomic_file.h"
#include "command_error.h"
#include "plot_script.h"
#include "validators.h"

#include "tg.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <vector>

extern char **environ;

namespace mlglass::cli {

namespace {

constexpr const char *kWho = "mlglass tg";

using Failure = CommandError;  // a failed step of the command, with its exit code

std::string num(double v, int precision = 6) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", precision, v);
  return buf;
}

// T_g with as many decimals as its uncertainty supports (two significant digits of the std).
std::string tg_with_std(const TgFit &f) {
  if (!(f.tg_std > 0.0)) return num(f.tg) + (std::isnan(f.tg_std) ? " (no bootstrap uncertainty)" : " +- 0");
  const int decimals = std::clamp(1 - int(std::floor(std::log10(f.tg_std))), 1, 12);
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.*f +- %.*f", decimals, f.tg, decimals, f.tg_std);
  return buf;
}

std::string line_equation(const LineFit &l) {
  return "E_IS = " + num(l.intercept) + (l.slope < 0 ? " - " : " + ") + num(std::abs(l.slope)) + " * T";
}

std::string strip_prefix(std::string msg, const std::string &prefix) {
  if (msg.rfind(prefix, 0) == 0) msg.erase(0, prefix.size());
  return msg;
}

// A file that appears under its final name only when commit() is called: it is written to a
// temporary path first and removed if the command fails before then, so a failed run never leaves a
// partial or stale-looking output behind.
class PendingFile {
 public:
  PendingFile(std::string tmp_path, std::string final_path)
      : tmp_(std::move(tmp_path)), final_(std::move(final_path)) {}
  PendingFile(const PendingFile &) = delete;
  PendingFile &operator=(const PendingFile &) = delete;
  ~PendingFile() {
    if (!committed_) std::remove(tmp_.c_str());
  }
  const std::string &tmp_path() const { return tmp_; }

  void write(const std::string &text) {
    try {
      write_file_checked(
          tmp_, [&](std::ostream &out) { out << text; }, final_);
    } catch (const FileWriteError &e) {
      throw Failure(1, e.what());
    }
  }
  void commit() {
    if (std::rename(tmp_.c_str(), final_.c_str()) != 0)
      throw Failure(1, "cannot rename " + tmp_ + " to " + final_ + ": " + std::strerror(errno));
    committed_ = true;
  }

 private:
  std::string tmp_, final_;
  bool committed_ = false;
};

// A unique temporary JSON path for --plot without --json (mkstemps: no race with another run).
std::string make_temp_json_path() {
  std::string pattern = (std::filesystem::temp_directory_path() / "mlglass_tg_XXXXXX.json").string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  const int fd = mkstemps(buf.data(), 5);
  if (fd < 0) throw Failure(1, "cannot create a temporary file in " +
                                   std::filesystem::temp_directory_path().string() + ": " +
                                   std::strerror(errno));
  close(fd);
  return buf.data();
}

nlohmann::ordered_json to_json(const TgArgs &a, const TgOptions &opt, const TgFit &f) {
  // NaN and infinities are written as null by nlohmann::json: tg_std etc. without a bootstrap,
  // t_min / t_max without a bound.
  nlohmann::ordered_json j;
  j["program"] = "mlglass tg";
  j["version"] = MLGLASS_VERSION;
  j["file"] = a.file;
  j["temp_col"] = a.temp_col;
  j["energy_col"] = a.energy_col;
  j["t_min"] = opt.t_min;
  j["t_max"] = opt.t_max;
  j["min_points_per_side"] = opt.min_points_per_side;
  j["seed"] = opt.seed;
  j["tg"] = f.tg;
  j["tg_std"] = f.tg_std;
  j["tg_lo"] = f.tg_lo;
  j["tg_hi"] = f.tg_hi;
  j["interval_level"] = opt.interval_level;
  j["intersection_inside"] = f.intersection_inside;
  j["glass"] = {{"intercept", f.glass.intercept}, {"slope", f.glass.slope}, {"n_points", f.n_glass},
                {"t_min", f.t_data_min}, {"t_max", f.t_glass_max}};
  j["liquid"] = {{"intercept", f.liquid.intercept}, {"slope", f.liquid.slope},
                 {"n_points", f.n_liquid}, {"t_min", f.t_liquid_min}, {"t_max", f.t_data_max}};
  j["n_points"] = f.n_points;
  j["t_data_min"] = f.t_data_min;
  j["t_data_max"] = f.t_data_max;
  j["sse"] = f.sse;
  j["bootstrap"] = f.bootstrap_requested;
  j["bootstrap_used"] = f.bootstrap_used;
  j["bootstrap_skipped"] = f.bootstrap_skipped;
  return j;
}

void print_summary(std::ostream &os, const TgArgs &a, const TgOptions &opt, const TgFit &f) {
  os << kWho << ": " << a.file << " (T = column " << a.temp_col << ", E_IS = column "
     << a.energy_col << "): " << f.n_points << " points, " << num(f.t_data_min) << " <= T <= "
     << num(f.t_data_max) << "\n";
  os << "T_g = " << tg_with_std(f);
  if (f.bootstrap_used >= 2)
    os << " (" << num(100.0 * opt.interval_level) << "% interval [" << num(f.tg_lo, 4) << ", "
       << num(f.tg_hi, 4) << "])";
  os << "\n";
  if (f.bootstrap_requested == 0)
    os << "bootstrap: none (--bootstrap 0)\n";
  else
    os << "bootstrap: " << f.bootstrap_used << " of " << f.bootstrap_requested
       << " resamples fitted, " << f.bootstrap_skipped << " skipped (degenerate), seed " << opt.seed
       << "\n";
  if (f.bootstrap_skipped > 0)
    os << "  (a skipped resample had no split with --min-points points and 2 distinct temperatures\n"
          "   on each side, or parallel lines; many skips mean too few points: sample more)\n";
  os << "glass : " << line_equation(f.glass) << "   (" << f.n_glass << " points, "
     << num(f.t_data_min) << " <= T <= " << num(f.t_glass_max) << ")\n";
  os << "liquid: " << line_equation(f.liquid) << "   (" << f.n_liquid << " points, "
     << num(f.t_liquid_min) << " <= T <= " << num(f.t_data_max) << ")\n";
  os << "SSE = " << num(f.sse, 4) << "\n";
}

// Where tools/plot_tg.py and a Python with matplotlib are; the environment can override both.
std::string plot_script() {
  if (const char *s = std::getenv("MLGLASS_PLOT_TG")) return s;
  return std::string(MLGLASS_SOURCE_DIR) + "/tools/plot_tg.py";
}
std::string python() {
  if (const char *p = std::getenv("MLGLASS_PYTHON")) return p;
  return MLGLASS_PYTHON;
}

// Runs the plot script without a shell (no quoting of user paths).
void run_plot(const std::string &data, const std::string &json, const std::string &png) {
  const std::string script = plot_script();
  if (!std::filesystem::is_regular_file(script))
    throw Failure(1, "plot script not found: " + script + " (set MLGLASS_PLOT_TG)");
  const std::string py = python();
  // the script writes a temporary file renamed on success: no half-written plot (plot_script.h)
  const std::string tmp = plot_temp_path(png);
  std::vector<std::string> args = {py, script, data, json, tmp};
  std::vector<char *> argv;
  for (auto &s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::cout.flush();  // keep the summary ahead of the script's output
  pid_t pid = 0;
  const int err = posix_spawnp(&pid, py.c_str(), nullptr, nullptr, argv.data(), environ);
  if (err != 0) throw Failure(1, "cannot run " + py + ": " + std::strerror(err));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Failure(1, "waiting for " + py + ": " + std::strerror(errno));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::remove(tmp.c_str());
    throw Failure(1, script + " failed (" +
                         (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                            : "killed by signal " + std::to_string(WTERMSIG(status))) +
                         "), no plot written");
  }
  if (std::rename(tmp.c_str(), png.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw Failure(
        1, "cannot write " + png + ": cannot rename " + tmp + " to it: " + std::strerror(err));
  }
}

int run(const TgArgs &a) {
  TgOptions opt;
  opt.min_points_per_side = a.min_points;
  opt.bootstrap = a.bootstrap;
  opt.seed = a.seed;
  if (a.t_min) opt.t_min = *a.t_min;
  if (a.t_max) opt.t_max = *a.t_max;
  if (!std::isfinite(opt.t_min) && a.t_min) throw Failure(2, "--tmin must be a finite number");
  if (!std::isfinite(opt.t_max) && a.t_max) throw Failure(2, "--tmax must be a finite number");
  if (opt.t_min > opt.t_max)
    throw Failure(2, "--tmin " + num(opt.t_min) + " is above --tmax " + num(opt.t_max));
  if (!a.json.empty() && a.json == a.plot) throw Failure(2, "--json and --plot name the same file");

  std::vector<double> T, E;
  try {
    for (const auto &[t, e] : read_columns(a.file, a.temp_col, a.energy_col)) {
      T.push_back(t);
      E.push_back(e);
    }
  } catch (const std::runtime_error &e) {
    throw Failure(1, e.what());
  }
  if (T.empty()) throw Failure(1, a.file + ": no data lines (only comments or blank lines)");

  TgFit fit;
  try {
    fit = fit_tg(T, E, opt);
  } catch (const std::invalid_argument &e) {
    std::string msg = strip_prefix(e.what(), "fit_tg: ");
    const std::string core_name = "min_points_per_side";  // speak in the option's name
    if (const auto at = msg.find(core_name); at != std::string::npos) msg.replace(at, core_name.size(), "--min-points");
    throw Failure(1, a.file + ": " + msg);
  }

  print_summary(std::cout, a, opt, fit);
  if (std::isnan(fit.tg))
    std::cerr << kWho << ": warning: the two fitted lines are parallel, there is no T_g\n";
  else if (!fit.intersection_inside)
    std::cerr << kWho << ": warning: the lines meet at T = " << num(fit.tg)
              << ", outside the data (" << num(fit.t_data_min) << " to " << num(fit.t_data_max)
              << "): T_g is an extrapolation\n";

  if (a.json.empty() && a.plot.empty()) return 0;
  const std::string text = to_json(a, opt, fit).dump(2) + "\n";
  // With --json the JSON is kept; for a plot alone it only feeds the script and is removed.
  PendingFile json(a.json.empty() ? make_temp_json_path() : a.json + ".tmp", a.json);
  json.write(text);
  if (!a.plot.empty()) run_plot(a.file, json.tmp_path(), a.plot);
  if (!a.json.empty()) {
    try {
      json.commit();
    } catch (const Failure &) {
      if (!a.plot.empty()) std::remove(a.plot.c_str());  // all outputs or none
      throw;
    }
    std::cout << "wrote " << a.json << "\n";
  }
  return 0;
}

}  // namespace

CLI::App *add_tg_command(CLI::App &app, TgArgs &a) {
  CLI::App *tg = app.add_subcommand("tg", "glass-transition temperature from E_IS(T) of a cooling ramp");
  tg->footer(
      "Fits one line to the glass (low T) and one to the supercooled liquid (high T), with the split\n"
      "between them chosen by least squares, and reports their intersection T_g with a bootstrap\n"
      "uncertainty. FILE is whitespace-separated columns with '#' comments, e.g. the file of\n"
      "`fix inherent ... file` (T = column 2, E_IS per particle = column 3) or of `fix ave/time`.\n"
      "Exit status: 0 done, 1 bad data or failed output (no output files left), 2 bad usage.\n"
      "See doc/mlglass_tg.rst.");
  tg->add_option("FILE", a.file, "data file, e.g. is.dat from fix inherent")->required();
  tg->add_option("--temp-col", a.temp_col, "column of T (1-based, >= 1)")
      ->check(at_least(1))
      ->capture_default_str();
  tg->add_option("--energy-col", a.energy_col, "column of E_IS per particle (1-based, >= 1)")
      ->check(at_least(1))
      ->capture_default_str();
  tg->add_option("--tmin", a.t_min, "use only points with T >= X");
  tg->add_option("--tmax", a.t_max, "use only points with T <= X");
  tg->add_option("--min-points", a.min_points, "fewest points in each regime (>= 2)")
      ->check(at_least(2))
      ->capture_default_str();
  tg->add_option("--bootstrap", a.bootstrap, "bootstrap resamples for the uncertainty (>= 0; 0 = none)")
      ->check(at_least(0))
      ->capture_default_str();
  tg->add_option("--seed", a.seed, "seed of the bootstrap resampling (>= 0)")
      ->check(unsigned_integer())
      ->capture_default_str();
  tg->add_option("--json", a.json, "write the fit as JSON to this file");
  tg->add_option("--plot", a.plot, "plot data, lines and T_g to this PNG (python3 + matplotlib)");
  return tg;
}

int run_tg(const TgArgs &args) { return run(args); }

}  // namespace mlglass::cli
