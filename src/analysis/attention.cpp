#include "attention.h"

#include "atomic_file.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mlglass {

namespace fs = std::filesystem;

std::string HighAttentionRule::describe() const {
  std::ostringstream s;
  if (kind == Kind::mean_multiple)
    s << "weight > " << value << " x mean weight (1/E) of the window";
  else
    s << "weight > the " << value << "-quantile of the window's weights";
  return s.str();
}

double high_attention_cutoff(const std::vector<double> &w, const HighAttentionRule &rule) {
  if (w.empty()) return 0.0;
  if (rule.kind == HighAttentionRule::Kind::mean_multiple) return rule.value / double(w.size());
  std::vector<double> s(w);
  std::sort(s.begin(), s.end());
  const auto rank = static_cast<std::size_t>(std::ceil(rule.value * double(s.size())));
  return s[rank == 0 ? 0 : std::min(rank, s.size()) - 1];
}

std::vector<AttentionWindow> analyse_attention(torch::jit::Module &model, const ModelMetadata &info,
                                               const std::vector<Configuration> &configs,
                                               const AttentionOptions &o) {
  if (!info.attention)
    throw std::runtime_error(
        "this model was trained without attention (hidden " + std::to_string(info.hidden) +
        ", depth " + std::to_string(info.depth) +
        "): it has no attention weights; train one with mlglass train --attention");
  if (o.windows < 1 || o.batch_size < 1) throw std::invalid_argument("windows and batch must be >= 1");
  if (o.rule.kind == HighAttentionRule::Kind::quantile && !(o.rule.value > 0 && o.rule.value < 1))
    throw std::invalid_argument("the quantile must lie in (0, 1)");
  if (o.rule.kind == HighAttentionRule::Kind::mean_multiple && !(o.rule.value > 0))
    throw std::invalid_argument("the threshold must be > 0");
  GraphOptions g = info.graph;
  if (o.window > 0) g.window.side = o.window;
  for (const auto &c : configs) {
    if (c.box.dim != info.dimension)
      throw std::runtime_error(c.source + ": a " + std::to_string(c.box.dim) +
                               "D configuration, the model is " + std::to_string(info.dimension) + "D");
    for (int t : c.type)
      if (t < 1 || t > g.ntypes)
        throw std::runtime_error(c.source + ": atom type " + std::to_string(t) +
                                 " outside the model's types 1.." + std::to_string(g.ntypes));
  }
  auto samples = make_window_samples(configs, g, o.windows, o.seed, o.whole);

  std::vector<AttentionWindow> out;
  out.reserve(samples.size());
  c10::InferenceMode inference;
  model.eval();
  for (std::size_t a = 0; a < samples.size(); a += o.batch_size) {
    const std::size_t end = std::min(samples.size(), a + std::size_t(o.batch_size));
    std::vector<const Graph *> graphs;
    for (std::size_t i = a; i < end; ++i) graphs.push_back(&samples[i].sample.graph);
    const GraphBatch b = batch(graphs);
    auto [logits, alpha] = run_attention(model, BatchTensors::view(b));
    const auto prob = torch::sigmoid(logits).to(torch::kDouble).contiguous();
    const auto weight = alpha.to(torch::kDouble).contiguous();
    const double *p = prob.data_ptr<double>();
    const double *wt = weight.data_ptr<double>();
    for (std::size_t i = a; i < end; ++i) {
      const std::size_t gi = i - a;
      auto &s = samples[i];
      const Configuration &c = configs[s.sample.config];
      AttentionWindow w;
      w.config = s.sample.config;
      w.label = s.sample.label;
      w.p_glass = p[gi];
      w.ids = s.sample.graph.ids;
      for (int m : s.window.members) w.type.push_back(c.type[m]);
      const Graph &gr = s.sample.graph;
      std::vector<double> weights(gr.n_edges);
      for (int e = 0; e < gr.n_edges; ++e) weights[e] = wt[b.edge_offset[gi] + e];
      w.cutoff = high_attention_cutoff(weights, o.rule);
      std::vector<std::pair<int, int>> links;
      std::vector<char> is_b(gr.n_nodes);
      for (int v = 0; v < gr.n_nodes; ++v) is_b[v] = w.type[v] == o.btype;
      for (int e = 0; e < gr.n_edges; ++e) {
        AttentionEdge edge{int(gr.src[e]), int(gr.dst[e]), double(gr.e[e * gr.edge_dim]),
                           weights[e], weights[e] > w.cutoff};
        if (edge.high) links.emplace_back(edge.src, edge.dst);
        w.edges.push_back(edge);
      }
      w.high = bgraph_from_links(gr.n_nodes, std::move(links), is_b, w.ids.data());
      w.window = std::move(s.window);
      out.push_back(std::move(w));
    }
  }
  return out;
}

namespace {

std::string csv_field(const std::string &s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

const char *label_name(int label) { return label == 1 ? "glass" : "liquid"; }

}  // namespace

nlohmann::json write_attention(const std::string &dir, const std::vector<AttentionWindow> &windows,
                               const std::vector<Configuration> &configs,
                               const AttentionOptions &o, const nlohmann::json &run_info) {
  fs::create_directories(dir);
  const auto &names = BGraphMetrics::names();

  write_atomically(dir + "/edges.csv", [&](std::ostream &f) {
    f.precision(9);
    f << "window,src_id,dst_id,src_type,dst_type,distance,attention,high\n";
    for (std::size_t w = 0; w < windows.size(); ++w)
      for (const auto &e : windows[w].edges)
        f << w << ',' << windows[w].ids[e.src] << ',' << windows[w].ids[e.dst] << ','
          << windows[w].type[e.src] << ',' << windows[w].type[e.dst] << ',' << e.distance << ','
          << e.weight << ',' << int(e.high) << '\n';
  });
  write_atomically(dir + "/particles.csv", [&](std::ostream &f) {
    f.precision(9);
    f << "window,id,type,x,y,z,degree,component\n";
    for (std::size_t w = 0; w < windows.size(); ++w) {
      const auto &win = windows[w];
      for (std::size_t v = 0; v < win.ids.size(); ++v)
        f << w << ',' << win.ids[v] << ',' << win.type[v] << ',' << win.window.local[3 * v] << ','
          << win.window.local[3 * v + 1] << ',' << win.window.local[3 * v + 2] << ','
          << win.high.degree[v] << ',' << win.high.component[v] << '\n';
    }
  });
  write_atomically(dir + "/windows.csv", [&](std::ostream &f) {
    f.precision(9);
    f << "window,source,label,temperature,p_glass,side,particles,edges,cutoff,high_edges";
    for (const char *n : names) f << ',' << n;
    f << '\n';
    for (std::size_t w = 0; w < windows.size(); ++w) {
      const auto &win = windows[w];
      const auto &c = configs[win.config];
      const auto high = std::count_if(win.edges.begin(), win.edges.end(),
                                      [](const AttentionEdge &e) { return e.high; });
      f << w << ',' << csv_field(c.source) << ',' << win.label << ',';
      if (std::isfinite(c.temperature)) f << c.temperature;
      f << ',' << win.p_glass << ',' << win.window.side << ',' << win.ids.size() << ','
        << win.edges.size() << ',' << win.cutoff << ',' << high;
      for (double m : win.high.metrics.as_array()) f << ',' << m;
      f << '\n';
    }
  });

  nlohmann::json summary = run_info;
  summary["rule"] = o.rule.describe();
  summary["rule_kind"] = o.rule.kind == HighAttentionRule::Kind::quantile ? "quantile" : "mean_multiple";
  summary["rule_value"] = o.rule.value;
  summary["btype"] = o.btype;
  summary["link"] = "either direction high";
  nlohmann::json by_label = nlohmann::json::object();
  for (int label : {1, 0}) {
    std::vector<const AttentionWindow *> set;
    for (const auto &w : windows)
      if (w.label == label) set.push_back(&w);
    nlohmann::json s;
    s["windows"] = set.size();
    auto stats = [&](auto value) {
      double sum = 0, sq = 0;
      for (const auto *w : set) {
        const double v = value(*w);
        sum += v;
        sq += v * v;
      }
      const double n = double(set.size());
      const double mean = n > 0 ? sum / n : NAN;
      const double var = n > 1 ? std::max(0.0, (sq - n * mean * mean) / (n - 1)) : NAN;
      return nlohmann::json{{"mean", mean}, {"std", std::sqrt(var)}};
    };
    s["p_glass"] = stats([](const AttentionWindow &w) { return w.p_glass; });
    s["particles"] = stats([](const AttentionWindow &w) { return double(w.ids.size()); });
    s["high_edges"] = stats([](const AttentionWindow &w) {
      return double(std::count_if(w.edges.begin(), w.edges.end(),
                                  [](const AttentionEdge &e) { return e.high; }));
    });
    for (int m = 0; m < BGraphMetrics::count; ++m)
      s[names[m]] = stats([m](const AttentionWindow &w) { return w.high.metrics.as_array()[m]; });
    by_label[label_name(label)] = s;
  }
  summary["by_label"] = by_label;

  write_atomically(dir + "/summary.csv", [&](std::ostream &f) {
    f.precision(9);
    f << "label,windows,statistic,p_glass,particles,high_edges";
    for (const char *n : names) f << ',' << n;
    f << '\n';
    for (const char *label : {"glass", "liquid"})
      for (const char *stat : {"mean", "std"}) {
        const auto &s = by_label[label];
        f << label << ',' << s["windows"].get<std::size_t>() << ',' << stat;
        for (const char *col : {"p_glass", "particles", "high_edges"}) {
          const auto &v = s[col][stat];
          f << ',';
          if (v.is_number()) f << v.get<double>();
        }
        for (const char *n : names) {
          const auto &v = s[n][stat];
          f << ',';
          if (v.is_number()) f << v.get<double>();
        }
        f << '\n';
      }
  });
  write_atomically(dir + "/summary.json", [&](std::ostream &f) { f << summary.dump(2) << '\n'; });
  return summary;
}

}  // namespace mlglass
