#include "metrics_command.h"

#include "atomic_file.h"
#include "command_error.h"
#include "dump_reader.h"
#include "labelling.h"
#include "plot_script.h"
#include "structure_metrics.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace mlglass::cli {

namespace {

constexpr const char *kWho = "mlglass metrics";  // the JSON's program

using Failure = CommandError;  // a failed step of the command, with its exit code

std::string num(double v, int precision = 6) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", precision, v);
  return buf;
}

std::vector<LinkRule> rules_of(const std::string &name) {
  if (name == "both") return {LinkRule::paper, LinkRule::symmetric};
  return {parse_link_rule(name)};
}

void make_parent_dir(const std::string &path) {
  const auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Failure(1, "cannot create directory " + dir.string() + ": " + ec.message());
}

void write_frames_csv(const std::string &path, const std::vector<FrameMetrics> &rows) {
  write_atomically(path, [&](std::ostream &out) {
    out << "file,group,timestep,temperature,label,rule,natoms";
    for (const char *name : BGraphMetrics::names()) out << "," << name;
    out << "\n" << std::setprecision(10);
    for (const auto &r : rows) {
      out << r.file << "," << r.group << "," << r.timestep << "," << r.temperature << ","
          << (r.label ? std::to_string(*r.label) : "") << "," << link_rule_name(r.rule) << ","
          << r.natoms;
      for (double v : r.metrics.as_array()) out << "," << std::int64_t(v);
      out << "\n";
    }
  });
}

nlohmann::ordered_json fit_json(const stats::OlsFit &f) {
  return {{"beta", f.beta}, {"se", f.se},     {"t", f.t},           {"p", f.p},
          {"p_b3_greater", f.p_greater(3)}, {"n", f.n}, {"dof", f.dof}, {"r2", f.r2}};
}

int run(const MetricsArgs &a) {
  // ---- usage (exit 2) ----
  FrameTemperatures temperatures(a.temperature);
  if (a.tg && !std::isfinite(*a.tg)) throw Failure(2, "--tg must be a finite temperature");
  const bool labelled = a.glass_max || a.liquid || a.liquid_tol;
  LabelRules rules{a.glass_max, a.liquid, a.liquid_tol};
  if (labelled) {
    try {
      validate(rules);
    } catch (const std::invalid_argument &e) {
      throw Failure(2, e.what());
    }
  }
  std::vector<LinkRule> link_rules;
  GroupBy group_by{};
  try {
    link_rules = rules_of(a.rule);
    group_by = parse_group_by(a.group_by);
  } catch (const std::invalid_argument &e) {
    throw Failure(2, e.what());
  }
  if (!a.json.empty() && a.json == a.output) throw Failure(2, "--json and -o name the same file");
  if (!a.plot.empty() && (a.plot == a.output || a.plot == a.json))
    throw Failure(2, "--plot names the same file as another output");

  temperatures.read_table();

  // ---- every frame of every dump ----
  std::vector<FrameMetrics> rows;
  for (const std::string &dump : a.dumps) {
    const std::string group = group_of(dump, group_by);
    std::int64_t frames = 0, last_step = -1;
    try {
      DumpReader reader(dump);
      Frame f;
      while (reader.next(f)) {
        ++frames;
        last_step = f.timestep;
        const double t = temperatures.of(f, dump);
        if (std::find(f.type.begin(), f.type.end(), a.btype) == f.type.end())
          throw Failure(1, dump + ": frame " + std::to_string(f.index) +
                               " has no atom of --btype " + std::to_string(a.btype));
        if (std::int64_t(a.k) >= f.natoms)
          throw Failure(1, dump + ": frame " + std::to_string(f.index) + " has " +
                               std::to_string(f.natoms) + " atoms, --k " + std::to_string(a.k) +
                               " needs more");
        for (LinkRule rule : link_rules) {
          FrameMetrics r;
          r.file = dump;
          r.group = group;
          r.timestep = f.timestep;
          r.temperature = t;
          if (labelled) r.label = label_for(t, rules);
          r.rule = rule;
          r.natoms = f.natoms;
          r.metrics = bgraph(f.box, f.x.data(), f.type.data(), std::size_t(f.natoms), a.btype, a.k,
                             rule, f.id.data())
                          .metrics;
          rows.push_back(std::move(r));
        }
      }
    } catch (const DumpError &e) {
      throw Failure(1, e.what());
    }
    if (frames == 0) throw Failure(1, dump + ": no frames");
    temperatures.check_last(last_step, dump);
    std::cout << dump << ": " << frames << " frames\n";
  }

  // ---- statistics ----
  std::vector<KinkTest> kinks;
  if (a.tg) kinks = kink_tests(rows, *a.tg);
  std::vector<PairedTest> pairs;
  if (labelled) pairs = paired_tests(rows);

  std::cout << std::fixed;
  if (a.tg) {
    std::cout << "kink regression y = b0 + b1 T + b2 D + b3 T D, D = 1 for T > T_g = " << num(*a.tg)
              << " (one row per frame):\n"
              << "  rule       metric      b1 (glass slope)  b3 (slope change)    SE(b3)   t(b3)  "
                 "p(b3 > 0)\n";
    for (const auto &k : kinks) {
      std::cout << "  " << std::left << std::setw(10) << link_rule_name(k.rule) << " " << std::setw(11)
                << k.metric << std::right;
      if (!k.fit) {
        std::cout << " not fitted: " << k.problem << "\n";
        continue;
      }
      const auto &f = *k.fit;
      std::cout << std::setprecision(3) << std::setw(17) << f.beta[1] << std::setw(19) << f.beta[3]
                << std::setw(10) << f.se[3] << std::setw(8) << std::setprecision(2) << f.t[3]
                << "  " << std::scientific << std::setprecision(2) << f.p_greater(3) << std::fixed
                << "\n";
    }
  } else {
    std::cout << "no --tg: kink regression skipped (T_g from mlglass tg, e.g.)\n";
  }
  if (labelled) {
    std::cout << "Wilcoxon signed-rank, liquid > glass, paired by run (--group-by " << a.group_by
              << "):\n";
    for (const auto &p : pairs) {
      std::cout << "  " << std::left << std::setw(10) << link_rule_name(p.rule) << " " << std::setw(11)
                << p.metric << std::right;
      if (!p.test) {
        std::cout << " no run has both glass and liquid frames\n";
        continue;
      }
      double lm = 0, gm = 0;
      for (std::size_t i = 0; i < p.groups.size(); ++i) lm += p.liquid_mean[i], gm += p.glass_mean[i];
      std::cout << std::setprecision(2) << " " << p.groups.size() << " runs, liquid " << lm / p.groups.size()
                << " vs glass " << gm / p.groups.size() << ", W+ = " << p.test->w_plus
                << ", p = " << std::scientific << p.test->p_greater << std::fixed
                << (p.test->exact ? " (exact)" : " (normal approximation)") << "\n";
    }
  }
  std::cout.unsetf(std::ios::floatfield);

  // ---- outputs: all or none ----
  std::vector<std::string> written;
  try {
    make_parent_dir(a.output);
    write_frames_csv(a.output, rows);
    written.push_back(a.output);
    if (!a.json.empty() || !a.plot.empty()) {
      nlohmann::ordered_json j;
      j["program"] = kWho;
      j["version"] = MLGLASS_VERSION;
      j["dumps"] = a.dumps;
      j["btype"] = a.btype;
      j["k"] = a.k;
      j["tg"] = a.tg ? nlohmann::ordered_json(*a.tg) : nlohmann::ordered_json();
      j["frames_csv"] = a.output;
      auto &jk = j["kink"] = nlohmann::ordered_json::array();
      for (const auto &k : kinks) {
        nlohmann::ordered_json e{{"rule", link_rule_name(k.rule)}, {"metric", k.metric}};
        if (k.fit)
          e["fit"] = fit_json(*k.fit);
        else
          e["problem"] = k.problem;
        jk.push_back(e);
      }
      auto &jw = j["wilcoxon"] = nlohmann::ordered_json::array();
      for (const auto &p : pairs) {
        nlohmann::ordered_json e{{"rule", link_rule_name(p.rule)}, {"metric", p.metric},
                                 {"alternative", "liquid > glass"}, {"groups", p.groups},
                                 {"liquid_mean", p.liquid_mean}, {"glass_mean", p.glass_mean}};
        if (p.test)
          e["test"] = {{"n", p.test->n},         {"zeros", p.test->zeros},
                       {"w_plus", p.test->w_plus}, {"exact", p.test->exact},
                       {"z", p.test->z},           {"p_greater", p.test->p_greater}};
        jw.push_back(e);
      }
      const std::string json_path = a.json.empty() ? a.plot + ".json.tmp" : a.json;
      if (!a.json.empty()) make_parent_dir(a.json);
      write_atomically(json_path, [&](std::ostream &out) { out << j.dump(2) << "\n"; });
      written.push_back(json_path);
      if (!a.plot.empty()) {
        make_parent_dir(a.plot);
        const std::string err =
            run_plot_script("plot_metrics.py", {a.output, json_path, a.plot}, 2);
        if (!err.empty()) throw Failure(1, err + ", no plot written");
        if (a.json.empty()) {
          std::remove(json_path.c_str());
          written.pop_back();
        }
        written.push_back(a.plot);
      }
    }
  } catch (const std::exception &e) {
    for (const auto &w : written) std::remove(w.c_str());
    if (const auto *f = dynamic_cast<const Failure *>(&e)) throw *f;
    throw Failure(1, e.what());
  }
  for (const auto &w : written) std::cout << "wrote " << w << "\n";
  return 0;
}

}  // namespace

CLI::App *add_metrics_command(CLI::App &app, MetricsArgs &a) {
  CLI::App *m = app.add_subcommand(
      "metrics", "B-graph metrics of every dumped frame, their kink at T_g and glass/liquid tests");
  m->footer(
      "For every frame of the dumps: its temperature (--ramp or --temps, as in mlglass dataset) and\n"
      "the B-particle graph metrics of compute bgraph (components, B-B links, isolated A, ...) for\n"
      "each link rule, written to -o as CSV. With --tg: per rule and metric the regression\n"
      "y = b0 + b1 T + b2 D + b3 T D (D = 1 for T > T_g) by least squares, with standard errors,\n"
      "t statistics and p-values. With labelling rules (--glass-max, --liquid, --liquid-tol): per run\n"
      "(--group-by) the mean of each metric over its liquid and its glass frames, and the one-sided\n"
      "Wilcoxon signed-rank test of liquid > glass over the runs.\n"
      "Exit status: 0 done, 1 bad data or failed output (no output written), 2 bad usage.\n"
      "See doc/mlglass_metrics.rst.");
  m->add_option("DUMP", a.dumps, "LAMMPS text dumps (plain or .gz) with id, type and coordinates")
      ->required();
  m->add_option("-o,--output", a.output, "per-frame metrics CSV (its directory is created)")
      ->required();
  add_temperature_options(*m, a.temperature, "timestep -> T file ('#' comments)");
  m->add_option("--btype", a.btype, "atom type of the B particles")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  m->add_option("--k", a.k, "neighbours per linking particle")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  m->add_option("--rule", a.rule, "link rule: paper, symmetric or both")
      ->check(CLI::IsMember({"paper", "symmetric", "both"}))
      ->capture_default_str();
  m->add_option("--tg", a.tg, "T_g of the kink regression (e.g. from mlglass tg)");
  m->add_option("--glass-max", a.glass_max, "frames with T <= X are glass");
  m->add_option("--liquid", a.liquid, "frames with |T - X| <= --liquid-tol are liquid");
  m->add_option("--liquid-tol", a.liquid_tol, "tolerance of --liquid (>= 0)");
  m->add_option("--group-by", a.group_by, "what pairs glass and liquid: dump directory, file, none")
      ->check(CLI::IsMember({"file", "dir", "none"}))
      ->capture_default_str();
  m->add_option("--json", a.json, "summary of the regressions and tests as JSON");
  m->add_option("--plot", a.plot, "PNG of each metric against T with the fitted lines (needs --tg)");
  return m;
}

int run_metrics(const MetricsArgs &args) {
  if (!args.plot.empty() && !args.tg) throw Failure(2, "--plot draws the kink fit: give --tg");
  return run(args);
}

}  // namespace mlglass::cli
