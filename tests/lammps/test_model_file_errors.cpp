// compute glass/mpnn reports bad model metadata with exactly the message of the model file loader
// (model_file.h) that `mlglass eval`, `info`, `export` and `attention` print after
// "mlglass SUBCOMMAND: error: " (tests/model/test_model_file.cpp runs those): one message per bad
// file, naming the file and the key, on every rank count.
#include "lammps_fixture.h"

#include "dmpnn.h"
#include "glass_classifier.h"
#include "model_file.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

using namespace mlglass;

namespace {

class ModelFileErrorsTest : public LammpsTest {
 protected:
  // A small D-MPNN saved with this metadata text, unchecked (as a broken tool would write it).
  static std::string write_model(const std::string &stem, const std::string &metadata) {
    const std::string path = scratch_file(stem);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0) {
      DmpnnConfig cfg;
      cfg.node_dim = node_feature_dim(NodeFeatures::type_onehot, 2, 2);
      cfg.hidden = 8;
      cfg.ffn_hidden = 8;
      cfg.seed = 3;
      save_model(make_dmpnn(cfg), path, metadata);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    return path;
  }
  static nlohmann::json good() {
    return {{"format", "mlglass-dmpnn"}, {"format_version", 1}, {"k", 2},
            {"window", {{"side", 0.25}, {"side_is_fraction", true}, {"periodic", true}}},
            {"node_features", "type"}, {"ntypes", 2}, {"dimension", 2}, {"attention", false}};
  }
};

}  // namespace

TEST_F(ModelFileErrorsTest, SameMessageAsTheModelFileLoader) {
  commands({"units lj", "dimension 2", "atom_style atomic", "boundary p p p",
            "region box block 0 16 0 16 -0.5 0.5", "create_box 2 box",
            "create_atoms 1 random 300 7 NULL", "mass * 1.0", "pair_style zero 2.5",
            "pair_coeff * *"});
  auto wrong_kind = good();
  wrong_kind["k"] = "two";
  auto no_periodic = good();
  no_periodic["window"].erase("periodic");
  auto lying = good();
  lying["hidden"] = 16;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bad-json.pt", "{\"format\": "},
      {"wrong-kind.pt", wrong_kind.dump()},
      {"no-periodic.pt", no_periodic.dump()},
      {"lying.pt", lying.dump()}};
  std::vector<std::string> files;
  for (const auto &[stem, text] : cases) {
    const std::string file = write_model(stem, text);
    files.push_back(file);
    std::string loader;  // what mlglass eval prints after "mlglass eval: error: "
    try {
      GlassClassifier c(file);
    } catch (const std::exception &e) {
      loader = e.what();
    }
    ASSERT_EQ(loader.rfind(file + ": model metadata ", 0), 0u) << loader;
    // LAMMPS adds "ERROR: " and " (compute_glass_mpnn.cpp:LINE)"
    const std::string lammps = error_of("compute c all glass/mpnn " + file);
    EXPECT_EQ(lammps.rfind("ERROR: Compute glass/mpnn: " + loader + " (", 0), 0u) << lammps;
  }
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0)
    for (const auto &f : files) std::remove(f.c_str());
}
