#include "model_tools.h"

#include "atomic_file.h"
#include "dmpnn.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>

namespace mlglass {

namespace fs = std::filesystem;

namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return stamp;
}

std::string file_name_of(const std::string &path) {
  return fs::path(path).filename().string();
}

// The previous record of a re-exported model, with directories removed from its file names
// (records written before provenance records held the absolute path of their input).
nlohmann::json without_directories(nlohmann::json record) {
  if (record.is_string()) {
    const std::string s = record.get<std::string>();
    if (s.find('/') != std::string::npos) return strip_directories({s}).front();
    return record;
  }
  if (record.is_object() || record.is_array())
    for (auto &v : record) v = without_directories(v);
  return record;
}

}  // namespace

std::string file_sha256(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path + " to compute its SHA-256");
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX *)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: cannot start a SHA-256 digest");
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), std::streamsize(buf.size()));
    if (in.gcount() > 0 && EVP_DigestUpdate(ctx.get(), buf.data(), std::size_t(in.gcount())) != 1)
      throw std::runtime_error("OpenSSL: SHA-256 of " + path + " failed");
  }
  if (in.bad()) throw std::runtime_error("cannot read " + path + " to compute its SHA-256");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), md, &len) != 1)
    throw std::runtime_error("OpenSSL: SHA-256 of " + path + " failed");
  static const char *hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

std::vector<std::string> strip_directories(const std::vector<std::string> &command) {
  std::vector<std::string> out;
  for (const auto &word : command) {
    const auto eq = word.rfind('=');
    const std::size_t start = word.rfind('-', 0) == 0 && eq != std::string::npos ? eq + 1 : 0;
    const std::string value = word.substr(start);
    if (value.find('/') == std::string::npos || value.back() == '/') {
      out.push_back(word);
      continue;
    }
    out.push_back(word.substr(0, start) + file_name_of(value));
  }
  return out;
}

std::string with_export_record(const ModelMetadata &m, const std::string &input_path,
                               const std::vector<std::string> &command) {
  nlohmann::json j = nlohmann::json::parse(m.json);
  nlohmann::json record = {
      {"source", {{"file", file_name_of(input_path)}, {"sha256", file_sha256(input_path)}}},
      {"command", strip_directories(command)},
      {"created", utc_now()},
      {"mlglass_version", MLGLASS_VERSION},
      {"checked", "reloaded; identical outputs on a probe batch"}};
  if (j.contains("export")) record["previous"] = without_directories(j.at("export"));
  j["export"] = record;
  return j.dump(2);
}

GraphBatch probe_batch(const ModelMetadata &info, int n_graphs, std::uint64_t seed) {
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

ExportResult export_model(const std::string &in, const std::string &out, bool metadata_only,
                          const std::vector<std::string> &command) {
  if (in.empty() || out.empty()) throw std::runtime_error("export: empty file name");
  std::error_code ec;
  if (fs::exists(in, ec) && fs::exists(out, ec) && fs::equivalent(in, out, ec))
    throw std::runtime_error("export: " + out + " is the input model itself");
  torch::jit::Module model;
  ExportResult r;
  const ModelMetadata loaded = load_model_file(in, model);
  if (loaded.architecture != ModelArchitecture::dmpnn)
    throw std::runtime_error(in + ": a " + std::string(architecture_name(loaded.architecture)) +
                             " model: export writes D-MPNN models (mlglass-dmpnn)");
  const std::string meta = with_export_record(loaded, in, command);
  r.info = loaded;  // the export record changes no key a reader uses
  r.info.json = meta;

  // like dataset and train, export creates the folder it writes into (models/ in the tutorial)
  if (const fs::path dir = fs::path(out).parent_path(); !dir.empty()) {
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create directory " + dir.string() + ": " + ec.message());
  }
  const std::string tmp = out + ".tmp";
  struct RemoveOnFailure {
    std::string path;
    bool armed = true;
    ~RemoveOnFailure() {
      if (armed) std::remove(path.c_str());
    }
  } guard{tmp};

  if (metadata_only) {
    write_file_checked(
        tmp, [&](std::ostream &f) { f << meta << "\n"; }, out);
  } else {
    // The loaded module, written again with the extended metadata, then read back as a user will.
    // in memory first: torch's file writer aborts the process when a write fails (atomic_file.h)
    std::ostringstream bytes;
    try {
      model.save(bytes, {{kMetadataFile, meta}});
    } catch (const c10::Error &e) {
      throw std::runtime_error("cannot write " + out + ": " + e.what_without_backtrace());
    }
    const std::string data = bytes.str();
    write_file_checked(
        tmp, [&](std::ostream &f) { f.write(data.data(), std::streamsize(data.size())); }, out);
    torch::jit::Module again;
    if (load_model_file(tmp, again).json != meta)
      throw std::runtime_error(tmp + ": metadata changed on reload");

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
    if (r.info.attention) {
      const auto [l1, a1] = run_attention(model, b);
      const auto [l2, a2] = run_attention(again, b);
      if (!torch::equal(l1, l2) || !torch::equal(a1, a2))
        throw std::runtime_error(tmp + ": the reloaded model gives different attention weights");
      r.checked_attention = true;
    }
  }
  fs::rename(tmp, out, ec);
  if (ec)
    throw FileWriteError("cannot write " + out + ": cannot rename " + tmp +
                         " to it: " + ec.message());
  guard.armed = false;
  return r;
}

}  // namespace mlglass
