#include "model_tools.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace mlglass {

namespace fs = std::filesystem;

namespace {

const nlohmann::json &key(const nlohmann::json &j, const char *name, const std::string &where) {
  if (!j.is_object() || !j.contains(name))
    throw std::runtime_error("metadata has no '" + where + name + "'");
  return j.at(name);
}

template <class T>
T get(const nlohmann::json &j, const char *name, const std::string &where = "") {
  const auto &v = key(j, name, where);
  try {
    return v.get<T>();
  } catch (const nlohmann::json::exception &) {
    throw std::runtime_error("metadata '" + where + name + "' has the wrong type (" +
                             v.dump() + ")");
  }
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return stamp;
}

}  // namespace

GraphOptions graph_options_of(const nlohmann::json &meta) {
  GraphOptions g;
  g.k = get<int>(meta, "k");
  const auto &w = key(meta, "window", "");
  g.window.side = get<double>(w, "side", "window.");
  g.window.side_is_fraction = get<bool>(w, "side_is_fraction", "window.");
  g.window.periodic = get<bool>(w, "periodic", "window.");
  if (w.contains("offsets"))
    g.window.offsets = get<std::string>(w, "offsets", "window.") == "diagonal"
                           ? WindowOptions::Offsets::diagonal
                           : WindowOptions::Offsets::independent;
  const auto features = get<std::string>(meta, "node_features");
  if (features != "type" && features != "type+xy")
    throw std::runtime_error("metadata 'node_features' is '" + features +
                             "' (expected type or type+xy)");
  g.features = features == "type" ? NodeFeatures::type_onehot : NodeFeatures::type_xy;
  g.ntypes = get<int>(meta, "ntypes");
  if (g.k < 1 || g.ntypes < 1 || !(g.window.side > 0))
    throw std::runtime_error("metadata k, ntypes or window.side is not positive");
  return g;
}

ModelInfo inspect_model(const torch::jit::Module &model, const std::string &metadata_json,
                        const std::string &path) {
  ModelInfo info;
  try {
    try {
      info.meta = nlohmann::json::parse(metadata_json);
    } catch (const nlohmann::json::parse_error &e) {
      throw std::runtime_error(std::string("metadata is not valid JSON: ") + e.what());
    }
    const auto format = get<std::string>(info.meta, "format");
    if (format != "mlglass-dmpnn")
      throw std::runtime_error("metadata format '" + format + "' (expected mlglass-dmpnn)");
    if (const int v = get<int>(info.meta, "format_version"); v != 1)
      throw std::runtime_error("metadata format_version " + std::to_string(v) +
                               " (this mlglass reads 1)");
    info.graph = graph_options_of(info.meta);
    info.dimension = get<int>(info.meta, "dimension");
    if (info.dimension != 2 && info.dimension != 3)
      throw std::runtime_error("metadata dimension " + std::to_string(info.dimension) +
                               " (expected 2 or 3)");
    info.config = config_of(model);
    const auto &c = info.config;
    std::string mismatch;
    auto same = [&](const char *name, auto stored, auto actual) {
      if (!(stored == actual)) {
        std::ostringstream s;
        s << (mismatch.empty() ? "" : ", ") << name << " " << stored << " in the metadata but "
          << actual << " in the model";
        mismatch += s.str();
      }
    };
    same("hidden", get<int>(info.meta, "hidden"), c.hidden);
    same("depth", get<int>(info.meta, "depth"), c.depth);
    same("ffn_layers", get<int>(info.meta, "ffn_layers"), c.ffn_layers);
    same("ffn_hidden", get<int>(info.meta, "ffn_hidden"), c.ffn_hidden);
    same("dropout", get<double>(info.meta, "dropout"), c.dropout);
    same("attention", get<bool>(info.meta, "attention"), c.attention);
    same("readout", get<std::string>(info.meta, "readout"), std::string(readout_name(c.readout)));
    same("node_dim", node_feature_dim(info.graph.features, info.graph.ntypes, info.dimension),
         c.node_dim);
    same("edge_dim", 1, c.edge_dim);
    if (!mismatch.empty()) throw std::runtime_error("metadata disagrees with the model: " + mismatch);
    for (const auto &p : model.parameters()) info.parameters += p.numel();
  } catch (const std::runtime_error &e) {
    throw std::runtime_error(path + ": " + e.what());
  }
  return info;
}

void print_model_summary(std::ostream &out, const std::string &path, const ModelInfo &info) {
  const auto &m = info.meta;
  const auto &g = info.graph;
  const auto &c = info.config;
  auto str = [&](const char *name) { return m.contains(name) ? m.at(name).dump() : "-"; };
  out << "model: " << path << "\n"
      << "format: " << m.value("format", "?") << " " << m.value("format_version", 0) << "\n"
      << "created: " << m.value("created", "?") << " by mlglass " << m.value("mlglass_version", "?")
      << "\n"
      << "dimension: " << info.dimension << "\n"
      << "types: " << g.ntypes << ", node features: " << m.value("node_features", "?") << "\n"
      << "graph: k = " << g.k << ", window side " << g.window.side
      << (g.window.side_is_fraction ? " (fraction of the box)" : " (distance)")
      << (g.window.periodic ? ", periodic" : ", inside the box") << "\n"
      << "D-MPNN: hidden " << c.hidden << ", depth " << c.depth << ", FFN " << c.ffn_layers
      << " x " << c.ffn_hidden << ", dropout " << c.dropout << ", readout "
      << readout_name(c.readout) << ", attention " << (c.attention ? "yes" : "no") << "\n"
      << "parameters: " << info.parameters << "\n"
      << "epoch: " << str("epoch") << ", validation AUC: " << str("validation_auc") << "\n";
  for (const char *set : {"training_data", "validation_data"})
    if (m.contains(set) && m.at(set).is_object()) {
      const auto &s = m.at(set);
      out << set << ": " << s.value("configurations", 0) << " configurations ("
          << s.value("glass", 0) << " glass, " << s.value("liquid", 0) << " liquid)";
      if (s.contains("temperature_range")) out << ", T " << s.at("temperature_range").dump();
      out << "\n";
    }
  if (m.contains("export") && m.at("export").is_object())
    out << "exported: " << m.at("export").value("created", "?") << " from "
        << m.at("export").value("source", "?") << "\n";
}

GraphBatch probe_batch(const ModelInfo &info, int n_graphs, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<Graph> graphs;
  const int n = std::max(24, 4 * (info.graph.k + 1));
  const double side = std::pow(n / 1.2, 1.0 / info.dimension);
  for (int gi = 0; gi < n_graphs; ++gi) {
    Window win;
    win.dim = info.dimension;
    win.side = side;
    win.periodic = false;
    std::vector<int> types(n);
    std::vector<std::int64_t> ids(n);
    for (int i = 0; i < n; ++i) {
      win.members.push_back(i);
      for (int a = 0; a < 3; ++a) win.local.push_back(a < info.dimension ? u(rng) * side : 0.0);
      types[i] = 1 + (i + gi) % info.graph.ntypes;
      ids[i] = i + 1;
    }
    graphs.push_back(knn_graph(win, types.data(), ids.data(), info.graph.k, info.graph.ntypes,
                               info.graph.features));
  }
  return batch(graphs);
}

ExportResult export_model(const std::string &in, const std::string &out, bool metadata_only) {
  if (in.empty() || out.empty()) throw std::runtime_error("export: empty file name");
  std::error_code ec;
  if (fs::exists(in, ec) && fs::exists(out, ec) && fs::equivalent(in, out, ec))
    throw std::runtime_error("export: " + out + " is the input model itself");
  auto [model, meta_text] = load_model(in);
  ExportResult r;
  r.info = inspect_model(model, meta_text, in);
  r.info.meta["export"] = {{"source", fs::absolute(in).lexically_normal().string()},
                           {"created", utc_now()},
                           {"mlglass_version", MLGLASS_VERSION},
                           {"checked", "reloaded; identical outputs on a probe batch"}};
  const std::string meta = r.info.meta.dump(2);

  const std::string tmp = out + ".tmp";
  struct RemoveOnFailure {
    std::string path;
    bool armed = true;
    ~RemoveOnFailure() {
      if (armed) std::remove(path.c_str());
    }
  } guard{tmp};

  if (metadata_only) {
    {
      std::ofstream f(tmp);
      f << meta << "\n";
      if (!f.flush()) throw std::runtime_error("cannot write " + tmp);
    }
  } else {
    // The loaded module, written again with the extended metadata, then read back as a user will.
    try {
      model.save(tmp, {{kMetadataFile, meta}});
    } catch (const c10::Error &e) {
      throw std::runtime_error("cannot write " + tmp + ": " + e.what_without_backtrace());
    }
    auto [again, again_meta] = load_model(tmp);
    inspect_model(again, again_meta, tmp);
    if (again_meta != meta) throw std::runtime_error(tmp + ": metadata changed on reload");

    const GraphBatch probe = probe_batch(r.info);
    const BatchTensors b = BatchTensors::view(probe);
    c10::InferenceMode inference;
    r.probe_graphs = probe.n_graphs;
    const torch::Tensor want = run(model, b), got = run(again, b);
    if (!torch::all(torch::isfinite(want)).item<bool>())
      throw std::runtime_error(in + ": the model gives non-finite logits on the probe batch");
    if (!torch::equal(want, got))
      throw std::runtime_error(tmp + ": the reloaded model gives different logits (max diff " +
                               std::to_string((want - got).abs().max().item<double>()) + ")");
    if (r.info.config.attention) {
      const auto [l1, a1] = run_attention(model, b);
      const auto [l2, a2] = run_attention(again, b);
      if (!torch::equal(l1, l2) || !torch::equal(a1, a2))
        throw std::runtime_error(tmp + ": the reloaded model gives different attention weights");
      r.checked_attention = true;
    }
  }
  fs::rename(tmp, out, ec);
  if (ec) throw std::runtime_error("cannot rename " + tmp + " to " + out + ": " + ec.message());
  guard.armed = false;
  return r;
}

}  // namespace mlglass
