// Manifest round trip, frame selection by timestep, and errors naming file and line.
#include "dataset.h"
#include "dump_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace mlglass;

namespace {

std::string tmpdir() {
  static std::string d = [] {
    char tmpl[] = "/tmp/mlglass-dataset-XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  return d;
}

void write(const std::string &path, const std::string &text) { std::ofstream(path) << text; }

std::string dump_frame(long step, double shift) {
  std::string s = "ITEM: TIMESTEP\n" + std::to_string(step) +
                  "\nITEM: NUMBER OF ATOMS\n3\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n-0.5 0.5\n"
                  "ITEM: ATOMS id type x y z\n";
  for (int i = 1; i <= 3; ++i)
    s += std::to_string(i) + " " + std::to_string(1 + i % 2) + " " + std::to_string(i + shift) +
         " 1.0 0\n";
  return s;
}

TEST(Dataset, ManifestRoundTripAndFrameSelection) {
  const std::string d = tmpdir();
  write(d + "/a.dump", dump_frame(0, 0.0) + dump_frame(100, 0.5) + dump_frame(200, 0.25));
  std::vector<ManifestEntry> m = {{"a.dump", 200, 1, 0.05, "run1"}, {"a.dump", 0, 0, 2.0, "run1"}};
  write_manifest(d + "/m.csv", m);
  auto back = read_manifest(d + "/m.csv");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].file, "a.dump");
  EXPECT_EQ(back[0].timestep, 200);
  EXPECT_EQ(back[0].label, 1);
  EXPECT_DOUBLE_EQ(back[0].temperature, 0.05);
  EXPECT_EQ(back[1].group, "run1");
  auto configs = load_configurations(back, directory_of(d + "/m.csv"));
  ASSERT_EQ(configs.size(), 2u);
  EXPECT_EQ(configs[0].label, 1);
  EXPECT_DOUBLE_EQ(configs[0].x[0], 1.25);  // frame 200, in manifest order
  EXPECT_DOUBLE_EQ(configs[1].x[0], 1.0);   // frame 0
  EXPECT_EQ(configs[1].type, (std::vector<int>{2, 1, 2}));
  EXPECT_EQ(configs[0].box.dim, 2);
}

TEST(Dataset, ErrorsNameFileAndLine) {
  const std::string d = tmpdir();
  auto expect_error = [&](const std::string &text, const std::string &fragment) {
    write(d + "/bad.csv", text);
    try {
      read_manifest(d + "/bad.csv");
      ADD_FAILURE() << "no error for: " << text;
    } catch (std::runtime_error &e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("bad.csv"), std::string::npos) << e.what();
    }
  };
  expect_error("file,step,label\n", "line 1: expected the header");
  expect_error("file,timestep,label\na.dump,1x,0\n", "line 2: timestep '1x' is not an integer");
  expect_error("file,timestep,label\na.dump,1,2\n", "line 2: label '2' is not 0");
  expect_error("file,timestep,label\na.dump,1,0\na.dump,1,1\n", "line 3: duplicate entry");
  expect_error("file,timestep,label,temperature\na.dump,1,0,hot\n", "temperature 'hot'");
  expect_error("", "line 1: end of file before the header");
  expect_error("# only a comment\n", "line 2: end of file before the header");
  expect_error("", "empty manifest");
  // the optional columns are read by position: a group in the temperature's place is refused
  // (it once failed later as "temperature 'seed-1' is not a finite number")
  expect_error("file,timestep,label,group\na.dump,1,0,seed-1\n", "line 1: expected the header");
  expect_error("file,timestep,label,temperature,group,extra\n", "line 1: expected the header");
  EXPECT_THROW(read_manifest(d + "/missing.csv"), std::runtime_error);

  write(d + "/b.dump", dump_frame(0, 0.0));
  try {
    load_configurations({{"b.dump", 50, 0, NAN, ""}}, d);
    ADD_FAILURE() << "missing timestep not reported";
  } catch (std::runtime_error &e) {
    EXPECT_NE(std::string(e.what()).find("no frame with timestep 50"), std::string::npos);
  }
}

// A restarted run that appended to its dump repeats timesteps. The manifest's (file, timestep) is
// then ambiguous; the loader once double-counted the repeat, stopped before a later listed frame
// and left that configuration empty (box 1 x 1 x 1), which surfaced as "window side 10 exceeds the
// box length 1" in the trainer.
TEST(Dataset, RepeatedTimestepNamesFileFramesAndFix) {
  const std::string d = tmpdir();
  // run 1: 0, 100, 200; restarted from 100: 100, 200, 300. Frame k starts at line 12 k + 1.
  write(d + "/restart.dump", dump_frame(0, 0.0) + dump_frame(100, 0.1) + dump_frame(200, 0.2) +
                                 dump_frame(100, 0.3) + dump_frame(200, 0.4) + dump_frame(300, 0.5));
  for (const std::int64_t listed_last : {300, 200}) {
    std::vector<ManifestEntry> m = {{"restart.dump", 100, 1, 0.1, ""},
                                    {"restart.dump", listed_last, 0, 2.0, ""}};
    if (listed_last == 200) m[0].timestep = 0;  // the repeat lies after every listed frame
    try {
      load_configurations(m, d);
      ADD_FAILURE() << "repeated timestep not reported";
    } catch (const DumpError &e) {
      const std::string msg = e.what();
      const std::string step = listed_last == 300 ? "100" : "200";
      const std::string first_line = listed_last == 300 ? "13" : "25";
      const std::string again_line = listed_last == 300 ? "37" : "49";
      const std::string again_frame = listed_last == 300 ? "3" : "4";
      EXPECT_EQ(msg.rfind(d + "/restart.dump: line " + again_line + " (frame " + again_frame +
                              ", timestep " + step + "): timestep " + step +
                              " (listed in the manifest) appears again; frame ",
                          0),
                0u)
          << msg;
      EXPECT_NE(msg.find("at line " + first_line + " has it too"), std::string::npos) << msg;
      EXPECT_NE(msg.find("restarted run appended"), std::string::npos) << msg;
      EXPECT_NE(msg.find("Keep one copy of the repeated frames"), std::string::npos) << msg;
      EXPECT_EQ(msg.find("window side"), std::string::npos) << msg;
    }
  }
  // A repeated timestep that is not listed is harmless; the listed frames load.
  auto configs = load_configurations({{"restart.dump", 0, 1, 0.1, ""}, {"restart.dump", 300, 0, 2.0, ""}}, d);
  ASSERT_EQ(configs.size(), 2u);
  EXPECT_DOUBLE_EQ(configs[1].x[0], 1.5);
  EXPECT_EQ(configs[1].box.length[0], 10.0);
}

TEST(Dataset, EveryListedFrameIsLoadedOrReported) {
  // Listed frames all before a damaged tail still load (a dump still being written); a listed
  // frame that is missing is reported, never returned as an empty configuration.
  const std::string d = tmpdir();
  write(d + "/tail.dump", dump_frame(0, 0.0) + dump_frame(100, 0.5) + "ITEM: TIMESTEP\n200\nITEM: NUMB");
  auto configs = load_configurations({{"tail.dump", 100, 1, 0.1, ""}, {"tail.dump", 0, 0, 2.0, ""}}, d);
  ASSERT_EQ(configs.size(), 2u);
  for (const auto &c : configs) {
    EXPECT_EQ(c.size(), 3u);
    EXPECT_EQ(c.box.length[0], 10.0);
  }
  EXPECT_THROW(load_configurations({{"tail.dump", 200, 1, 0.1, ""}}, d), DumpError);
}

TEST(Dataset, MixedDimensionsAreRefused) {
  // Issue #12 point 6: a manifest of 2D and 3D dumps used to load (and train, recording "dimension
  // 3"); the z column of dump_frame() is 0 for every atom, so its frames read as 2D.
  const std::string d = tmpdir();
  write(d + "/flat.dump", dump_frame(0, 0.0));
  write(d + "/deep.dump", "ITEM: TIMESTEP\n5\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n"
                          "0 10\n0 10\n0 10\nITEM: ATOMS id type x y z\n1 1 1 1 1\n2 2 2 2 3\n");
  try {
    load_configurations({{"flat.dump", 0, 1, 0.1, ""}, {"deep.dump", 5, 0, 2.0, ""}}, d);
    ADD_FAILURE() << "mixed 2D/3D manifest accepted";
  } catch (const std::runtime_error &e) {
    EXPECT_STREQ(e.what(),
                 "the manifest mixes 2D and 3D configurations: flat.dump@0 is 2D, deep.dump@5 is "
                 "3D; list the dumps of one dimension only");
  }
  EXPECT_EQ(load_configurations({{"deep.dump", 5, 0, 2.0, ""}}, d)[0].box.dim, 3);
}

}  // namespace
