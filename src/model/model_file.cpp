#include "model_file.h"

#include "dmpnn.h"

#include <nlohmann/json.hpp>
#include <torch/script.h>

#include <ostream>
#include <sstream>
#include <stdexcept>

namespace mlglass {

const char *architecture_name(ModelArchitecture a) {
  return a == ModelArchitecture::cnn ? "cnn" : "dmpnn";
}

namespace {

using nlohmann::json;

// Reads keys of one JSON object; every failure names the file and the key ("window.side").
class Reader {
 public:
  Reader(const json &obj, std::string where, std::string prefix = "")
      : obj_(obj), where_(std::move(where)), prefix_(std::move(prefix)) {}

  bool has(const char *key) const { return obj_.is_object() && obj_.contains(key); }

  const json &at(const char *key) const {
    if (!has(key)) throw std::runtime_error(where_ + "has no key '" + prefix_ + key + "'");
    return obj_.at(key);
  }

  template <class T>
  T get(const char *key) const {
    const json &v = at(key);
    if (!fits<T>(v))
      throw std::runtime_error(where_ + "key '" + prefix_ + key + "' has a value of the wrong kind (" +
                               v.dump() + ", expected " + kind<T>() + ")");
    return v.get<T>();
  }

  template <class T>
  T get_or(const char *key, T absent) const {
    return has(key) ? get<T>(key) : absent;
  }

  Reader sub(const char *key) const {
    const json &v = at(key);
    if (!v.is_object())
      throw std::runtime_error(where_ + "key '" + prefix_ + key + "' is not an object (" + v.dump() +
                               ")");
    return Reader(v, where_, prefix_ + key + ".");
  }

 private:
  template <class T>
  static bool fits(const json &v) {
    if constexpr (std::is_same_v<T, bool>) return v.is_boolean();
    else if constexpr (std::is_integral_v<T>) return v.is_number_integer();
    else if constexpr (std::is_floating_point_v<T>) return v.is_number();
    else if constexpr (std::is_same_v<T, std::string>) return v.is_string();
    else {
      if (!v.is_array()) return false;
      for (const auto &x : v)
        if (!x.is_number()) return false;
      return true;
    }
  }
  template <class T>
  static const char *kind() {
    if constexpr (std::is_same_v<T, bool>) return "true or false";
    else if constexpr (std::is_integral_v<T>) return "an integer";
    else if constexpr (std::is_floating_point_v<T>) return "a number";
    else if constexpr (std::is_same_v<T, std::string>) return "a string";
    else return "an array of numbers";
  }

  const json &obj_;
  std::string where_, prefix_;
};

std::string where_of(const std::string &path) { return path + ": model metadata "; }

}  // namespace

ModelMetadata parse_model_metadata(const std::string &json_text, const std::string &path) {
  const std::string where = where_of(path);
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::exception &e) {
    throw std::runtime_error(where + "is not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw std::runtime_error(where + "is not a JSON object");
  const Reader r(j, where);
  ModelMetadata m;
  m.path = path;
  m.json = json_text;

  const auto format = r.get<std::string>("format");
  if (format == "mlglass-dmpnn")
    m.architecture = ModelArchitecture::dmpnn;
  else if (format == "mlglass-cnn")
    m.architecture = ModelArchitecture::cnn;
  else
    throw std::runtime_error(where + "key 'format' is '" + format +
                             "' (expected mlglass-dmpnn or mlglass-cnn)");
  m.format_version = r.get<int>("format_version");
  if (m.format_version != 1)
    throw std::runtime_error(where + "key 'format_version' is " + std::to_string(m.format_version) +
                             " (this mlglass reads 1)");
  if (r.has("architecture") &&
      r.get<std::string>("architecture") != architecture_name(m.architecture))
    throw std::runtime_error(where + "key 'architecture' is '" + r.get<std::string>("architecture") +
                             "' but 'format' is '" + format + "'");

  m.dimension = r.get<int>("dimension");
  if (m.dimension != 2 && m.dimension != 3)
    throw std::runtime_error(where + "key 'dimension' is " + std::to_string(m.dimension) +
                             " (expected 2 or 3)");
  const Reader w = r.sub("window");
  m.graph.window.side = w.get<double>("side");
  m.graph.window.side_is_fraction = w.get<bool>("side_is_fraction");
  m.graph.window.periodic = w.get<bool>("periodic");
  const auto offsets = w.get_or<std::string>("offsets", "independent");
  if (offsets != "independent" && offsets != "diagonal")
    throw std::runtime_error(where + "key 'window.offsets' is '" + offsets +
                             "' (expected independent or diagonal)");
  m.graph.window.offsets = offsets == "diagonal" ? WindowOptions::Offsets::diagonal
                                                 : WindowOptions::Offsets::independent;
  if (!(m.graph.window.side > 0.0))
    throw std::runtime_error(where + "key 'window.side' is " + w.at("side").dump() +
                             " (expected > 0)");
  m.graph.ntypes = r.get<int>("ntypes");
  if (m.graph.ntypes < 1)
    throw std::runtime_error(where + "key 'ntypes' is " + std::to_string(m.graph.ntypes) +
                             " (expected >= 1)");
  if (r.has("validation_auc") && j.at("validation_auc").is_number())  // null: never validated
    m.validation_auc = j.at("validation_auc").get<double>();
  if (r.has("training_data") && j.at("training_data").is_object()) {  // descriptive: never an error
    const json &t = j.at("training_data");
    if (t.contains("mean_window_atoms") && t.at("mean_window_atoms").is_number() &&
        t.at("mean_window_atoms").get<double>() > 0.0)
      m.training_window_atoms = t.at("mean_window_atoms").get<double>();
  }

  if (m.architecture == ModelArchitecture::dmpnn) {
    m.graph.k = r.get<int>("k");
    if (m.graph.k < 1)
      throw std::runtime_error(where + "key 'k' is " + std::to_string(m.graph.k) + " (expected >= 1)");
    const auto features = r.get<std::string>("node_features");
    if (features == "type")
      m.graph.features = NodeFeatures::type_onehot;
    else if (features == "type+xy")
      m.graph.features = NodeFeatures::type_xy;
    else
      throw std::runtime_error(where + "key 'node_features' is '" + features +
                               "' (expected type or type+xy)");
    m.attention = r.get<bool>("attention");
    m.hidden = r.get_or<int>("hidden", 0);
    m.depth = r.get_or<int>("depth", 0);
    m.ffn_layers = r.get_or<int>("ffn_layers", 0);
    m.ffn_hidden = r.get_or<int>("ffn_hidden", 0);
    m.dropout = r.get_or<double>("dropout", NAN);
    m.readout = r.get_or<std::string>("readout", "");
    if (!m.readout.empty() && m.readout != "mean" && m.readout != "sum")
      throw std::runtime_error(where + "key 'readout' is '" + m.readout + "' (expected mean or sum)");
  } else {
    if (m.dimension != 2)
      throw std::runtime_error(where + "key 'dimension' is " + std::to_string(m.dimension) +
                               " (the CNN takes 2D configurations only)");
    const Reader im = r.sub("image");
    m.image.size = im.get<int>("size");
    m.image.diameters = im.get<std::vector<double>>("diameters");
    // (not render.h's validate(): this file is built into LAMMPS, which needs no renderer)
    if (m.image.size < 1)
      throw std::runtime_error(where + "key 'image.size' is " + std::to_string(m.image.size) +
                               " (expected >= 1)");
    if (int(m.image.diameters.size()) != m.graph.ntypes)
      throw std::runtime_error(where + "key 'image.diameters' has " +
                               std::to_string(m.image.diameters.size()) + " values for " +
                               std::to_string(m.graph.ntypes) + " atom types");
    for (double d : m.image.diameters)
      if (!(d > 0.0) || !std::isfinite(d))
        throw std::runtime_error(where + "key 'image.diameters' holds " + std::to_string(d) +
                                 " (expected finite values > 0)");
    m.dropout = r.get_or<double>("dropout", NAN);
  }
  return m;
}

std::string model_metadata_json(const ModelMetadata &m, const std::string &extra) {
  json j = extra.empty() ? json::object() : json::parse(extra);
  const bool cnn = m.architecture == ModelArchitecture::cnn;
  j["format"] = cnn ? "mlglass-cnn" : "mlglass-dmpnn";
  j["format_version"] = m.format_version;
  j["architecture"] = architecture_name(m.architecture);
  j["dimension"] = m.dimension;
  j["window"] = {{"side", m.graph.window.side},
                 {"side_is_fraction", m.graph.window.side_is_fraction},
                 {"periodic", m.graph.window.periodic},
                 {"offsets", m.graph.window.offsets == WindowOptions::Offsets::diagonal
                                 ? "diagonal" : "independent"}};
  j["ntypes"] = m.graph.ntypes;
  if (std::isfinite(m.validation_auc)) j["validation_auc"] = m.validation_auc;
  if (std::isfinite(m.dropout)) j["dropout"] = m.dropout;
  if (cnn) {
    json image = j.contains("image") && j["image"].is_object() ? j["image"] : json::object();
    image["size"] = m.image.size;
    image["diameters"] = m.image.diameters;
    j["image"] = image;
  } else {
    j["k"] = m.graph.k;
    j["node_features"] = m.graph.features == NodeFeatures::type_onehot ? "type" : "type+xy";
    j["attention"] = m.attention;
    if (m.hidden > 0) j["hidden"] = m.hidden;
    if (m.depth > 0) j["depth"] = m.depth;
    if (m.ffn_layers > 0) j["ffn_layers"] = m.ffn_layers;
    if (m.ffn_hidden > 0) j["ffn_hidden"] = m.ffn_hidden;
    if (!m.readout.empty()) j["readout"] = m.readout;
  }
  return j.dump(2);
}

namespace {

// The metadata against the module's own attributes; fills hyperparameters the file leaves out.
void check_against_module(ModelMetadata &m, const torch::jit::Module &module) {
  const std::string where = where_of(m.path);
  std::string mismatch;
  auto same = [&](const char *name, auto stored, auto actual) {
    if (!(stored == actual)) {
      std::ostringstream s;
      s << (mismatch.empty() ? "" : ", ") << name << " " << stored << " in the metadata but "
        << actual << " in the model";
      mismatch += s.str();
    }
  };
  try {
    if (m.architecture == ModelArchitecture::dmpnn) {
      const DmpnnConfig c = config_of(module);
      const std::string readout = readout_name(c.readout);
      if (m.hidden > 0) same("hidden", m.hidden, c.hidden);
      if (m.depth > 0) same("depth", m.depth, c.depth);
      if (m.ffn_layers > 0) same("ffn_layers", m.ffn_layers, c.ffn_layers);
      if (m.ffn_hidden > 0) same("ffn_hidden", m.ffn_hidden, c.ffn_hidden);
      if (std::isfinite(m.dropout)) same("dropout", m.dropout, c.dropout);
      if (!m.readout.empty()) same("readout", m.readout, readout);
      same("attention", m.attention, c.attention);
      same("node_dim", node_feature_dim(m.graph.features, m.graph.ntypes, m.dimension), c.node_dim);
      same("edge_dim", 1, c.edge_dim);
      m.hidden = c.hidden;
      m.depth = c.depth;
      m.ffn_layers = c.ffn_layers;
      m.ffn_hidden = c.ffn_hidden;
      m.dropout = c.dropout;
      m.readout = readout;
    } else {
      // the attributes of cnn.h's CNN, read here: this file is built into LAMMPS, the CNN is not
      for (const char *name : {"image_size", "channels", "dropout"})
        if (!module.hasattr(name))
          throw std::runtime_error(std::string("not an ML-GLASS CNN: no attribute '") + name + "'");
      same("image.size", m.image.size, module.attr("image_size").toInt());
      same("channels", 3, module.attr("channels").toInt());
      const double dropout = module.attr("dropout").toDouble();
      if (std::isfinite(m.dropout)) same("dropout", m.dropout, dropout);
      m.dropout = dropout;
    }
  } catch (const std::runtime_error &e) {  // config_of: not a module of that architecture
    throw std::runtime_error(where + "says " + architecture_name(m.architecture) + ", but the " +
                             "model is not: " + e.what());
  }
  if (!mismatch.empty()) throw std::runtime_error(where + "disagrees with the model: " + mismatch);
  m.parameters = 0;
  for (const auto &p : module.parameters()) m.parameters += p.numel();
}

}  // namespace

ModelMetadata load_model_file(const std::string &path, torch::jit::Module &module) {
  auto [loaded, text] = load_model(path);
  ModelMetadata m = parse_model_metadata(text, path);
  check_against_module(m, loaded);
  module = std::move(loaded);
  return m;
}

void save_model_file(const std::string &path, const torch::jit::Module &module,
                     const std::string &json_text) {
  ModelMetadata m = parse_model_metadata(json_text, path);
  check_against_module(m, module);
  save_model(module, path, json_text);
}

void check_model_fits(const ModelMetadata &m, const PeriodicBox &box, int ntypes,
                      bool check_window) {
  if (box.dim != m.dimension)
    throw std::invalid_argument("model " + m.path + " was trained on " + std::to_string(m.dimension) +
                                "D configurations, the system is " + std::to_string(box.dim) + "D");
  if (ntypes > m.graph.ntypes)
    throw std::invalid_argument("the system has " + std::to_string(ntypes) + " atom types, model " +
                                m.path + " knows " + std::to_string(m.graph.ntypes));
  if (!check_window) return;
  try {
    window_side(box, m.graph.window);
  } catch (const std::invalid_argument &e) {
    throw std::invalid_argument("model " + m.path + ": " + e.what());
  }
}

void print_model_summary(std::ostream &out, const ModelMetadata &m) {
  json j = json::parse(m.json);  // valid: m came from parse_model_metadata
  const auto &g = m.graph;
  auto str = [&](const char *name) { return j.contains(name) ? j.at(name).dump() : "-"; };
  auto text = [&](const json &o, const char *name) {
    return o.contains(name) && o.at(name).is_string() ? o.at(name).get<std::string>() : "?";
  };
  out << "model: " << m.path << "\n"
      << "format: " << text(j, "format") << " " << m.format_version << "\n"
      << "created: " << text(j, "created") << " by mlglass " << text(j, "mlglass_version") << "\n"
      << "dimension: " << m.dimension << "\n"
      << "types: " << g.ntypes;
  if (m.architecture == ModelArchitecture::dmpnn)
    out << ", node features: " << (g.features == NodeFeatures::type_onehot ? "type" : "type+xy");
  out << "\n" << (m.architecture == ModelArchitecture::dmpnn ? "graph: k = " + std::to_string(g.k) + ", " : "windows: ")
      << "window side " << g.window.side
      << (g.window.side_is_fraction ? " (fraction of the box)" : " (distance)")
      << (g.window.periodic ? ", periodic" : ", inside the box") << "\n";
  if (m.architecture == ModelArchitecture::dmpnn) {
    out << "D-MPNN: hidden " << m.hidden << ", depth " << m.depth << ", FFN " << m.ffn_layers << " x "
        << m.ffn_hidden << ", dropout " << m.dropout << ", readout " << m.readout << ", attention "
        << (m.attention ? "yes" : "no") << "\n";
  } else {
    out << "CNN: images " << m.image.size << " px, dropout " << m.dropout << "\n";
  }
  out << "parameters: " << m.parameters << "\n"
      << "epoch: " << str("epoch") << ", validation AUC: " << str("validation_auc") << "\n";
  for (const char *set : {"training_data", "validation_data"})
    if (j.contains(set) && j.at(set).is_object()) {
      const auto &s = j.at(set);
      out << set << ": " << s.value("configurations", 0) << " configurations ("
          << s.value("glass", 0) << " glass, " << s.value("liquid", 0) << " liquid)";
      if (s.contains("temperature_range")) out << ", T " << s.at("temperature_range").dump();
      out << "\n";
    }
  if (j.contains("export") && j.at("export").is_object()) {
    const auto &e = j.at("export");
    out << "exported: " << text(e, "created");
    if (e.contains("source") && e.at("source").is_object()) {
      const auto &s = e.at("source");
      out << " from " << text(s, "file") << " (sha256 " << text(s, "sha256") << ")";
    } else if (e.contains("source") && e.at("source").is_string()) {  // before provenance records
      out << " from " << e.at("source").get<std::string>();
    }
    out << "\n";
  }
}

}  // namespace mlglass
