// The labelling rules of `mlglass dataset` (src/core/labelling.h).
#include "labelling.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace mlglass;

namespace {

// A fresh directory per test, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("mlglass_labelling_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string &name, const std::string &text) const {
    const fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
};

bool throws_containing(const std::function<void()> &f, const std::string &needle) {
  try {
    f();
  } catch (const std::exception &e) {
    return std::string(e.what()).find(needle) != std::string::npos;
  }
  return false;
}

}  // namespace

TEST(Ramp, LinearAndClampedAtBothEnds) {
  const Ramp r{2.0, 0.05, 200000};
  EXPECT_DOUBLE_EQ(ramp_temperature(r, 0), 2.0);
  EXPECT_DOUBLE_EQ(ramp_temperature(r, 200000), 0.05);
  EXPECT_DOUBLE_EQ(ramp_temperature(r, 100000), 2.0 + (0.05 - 2.0) * 0.5);
  EXPECT_DOUBLE_EQ(ramp_temperature(r, 10000), 2.0 - 1.95 * 0.05);
  EXPECT_DOUBLE_EQ(ramp_temperature(r, -5), 2.0);       // before the ramp: T0
  EXPECT_DOUBLE_EQ(ramp_temperature(r, 400000), 0.05);  // after it: T1
  const Ramp heating{0.1, 1.0, 10};
  EXPECT_DOUBLE_EQ(ramp_temperature(heating, 5), 0.55);
  EXPECT_DOUBLE_EQ(ramp_temperature(heating, 11), 1.0);
}

TEST(Ramp, InvalidRampsThrow) {
  EXPECT_THROW(ramp_temperature(Ramp{2.0, 0.05, 0}, 1), std::invalid_argument);
  EXPECT_THROW(ramp_temperature(Ramp{2.0, 0.05, -3}, 1), std::invalid_argument);
  EXPECT_THROW(validate(Ramp{std::nan(""), 0.05, 10}), std::invalid_argument);
  EXPECT_THROW(validate(Ramp{2.0, std::numeric_limits<double>::infinity(), 10}), std::invalid_argument);
  EXPECT_NO_THROW(validate(Ramp{2.0, 2.0, 1}));
}

TEST(TemperatureTable, ExactLookupOnly) {
  const TemperatureTable t({{200, 0.5}, {0, 2.0}, {100, 1.0}});
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t.first_timestep(), 0);
  EXPECT_EQ(t.last_timestep(), 200);
  EXPECT_EQ(t.lookup(0), 2.0);
  EXPECT_EQ(t.lookup(100), 1.0);
  EXPECT_EQ(t.lookup(200), 0.5);
  EXPECT_FALSE(t.lookup(50).has_value());  // no interpolation
  EXPECT_FALSE(t.lookup(-1).has_value());
  EXPECT_FALSE(t.lookup(300).has_value());
  EXPECT_FALSE(TemperatureTable().lookup(0).has_value());
}

TEST(TemperatureTable, DuplicatesMustAgree) {
  EXPECT_EQ(TemperatureTable({{10, 1.0}, {10, 1.0}}).size(), 1u);
  EXPECT_TRUE(throws_containing([] { TemperatureTable({{10, 1.0}, {10, 1.5}}); },
                                "timestep 10 is listed twice"));
  EXPECT_THROW(TemperatureTable({{10, std::nan("")}}), std::invalid_argument);
}

TEST(TemperatureTable, ReadsFixAveTimeFile) {
  TempDir d;
  const std::string f = d.write("eis.dat",
                                "# Time-averaged data for fix eis\n"
                                "# TimeStep v_Tramp f_is f_is[3]\n"
                                "6250 1.939 -2.71 -2710.0\n"
                                "\n"
                                "  12500 1.878 -2.72 -2720.0\n");
  const auto t = TemperatureTable::read(f, 2);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.lookup(6250), 1.939);
  EXPECT_EQ(t.lookup(12500), 1.878);
  const auto e = TemperatureTable::read(f, 3);  // any column
  EXPECT_EQ(e.lookup(6250), -2.71);
}

TEST(TemperatureTable, ReadErrorsNameTheFile) {
  TempDir d;
  EXPECT_THROW(TemperatureTable::read(d.write("a.dat", "1 2\n"), 1), std::invalid_argument);
  EXPECT_TRUE(throws_containing([&] { TemperatureTable::read((d.path / "missing.dat").string(), 2); },
                                "missing.dat"));
  const std::string frac = d.write("frac.dat", "10.5 1.0\n");
  EXPECT_TRUE(throws_containing([&] { TemperatureTable::read(frac, 2); }, "not an integer"));
  EXPECT_TRUE(throws_containing([&] { TemperatureTable::read(frac, 2); }, "frac.dat"));
  const std::string few = d.write("few.dat", "10 1.0\n20\n");
  EXPECT_TRUE(throws_containing([&] { TemperatureTable::read(few, 2); }, "few.dat"));
  const std::string empty = d.write("empty.dat", "# only a comment\n");
  EXPECT_TRUE(throws_containing([&] { TemperatureTable::read(empty, 2); }, "no data lines"));
  const std::string dup = d.write("dup.dat", "10 1.0\n10 2.0\n");
  EXPECT_TRUE(throws_containing([&] { TemperatureTable::read(dup, 2); },
                                "dup.dat line 2: timestep 10 is listed twice with different "
                                "temperatures (1 on line 1, 2 here)"));
  EXPECT_TRUE(throws_containing([&] { TemperatureTable::read(frac, 2); },
                                "frac.dat line 1: timestep 10.5 (column 1)"));
}

TEST(LabelRules, GlassAndLiquidRanges) {
  const LabelRules r{0.1, 2.0, 0.3};
  EXPECT_NO_THROW(validate(r));
  EXPECT_EQ(label_for(0.05, r), 1);
  EXPECT_EQ(label_for(0.1, r), 1);  // inclusive
  EXPECT_EQ(label_for(1.7, r), 0);  // inclusive at liquid - tol
  EXPECT_EQ(label_for(2.0, r), 0);
  EXPECT_EQ(label_for(2.3, r), 0);
  EXPECT_FALSE(label_for(1.0, r).has_value());
  EXPECT_FALSE(label_for(2.31, r).has_value());
  EXPECT_FALSE(label_for(std::nan(""), r).has_value());
}

TEST(LabelRules, OneRuleOnly) {
  const LabelRules glass{0.1, std::nullopt, std::nullopt};
  EXPECT_NO_THROW(validate(glass));
  EXPECT_EQ(label_for(0.0, glass), 1);
  EXPECT_FALSE(label_for(2.0, glass).has_value());
  const LabelRules liquid{std::nullopt, 1.0, 0.0};
  EXPECT_NO_THROW(validate(liquid));
  EXPECT_EQ(label_for(1.0, liquid), 0);
  EXPECT_FALSE(label_for(0.0, liquid).has_value());
}

TEST(LabelRules, InvalidRulesThrow) {
  EXPECT_TRUE(throws_containing([] { validate(LabelRules{}); }, "no labelling rule"));
  EXPECT_TRUE(throws_containing([] { validate(LabelRules{std::nullopt, 2.0, std::nullopt}); },
                                "--liquid needs --liquid-tol"));
  EXPECT_TRUE(throws_containing([] { validate(LabelRules{0.1, std::nullopt, 0.3}); },
                                "--liquid-tol needs --liquid"));
  EXPECT_THROW(validate(LabelRules{std::nullopt, 2.0, -0.1}), std::invalid_argument);
  EXPECT_THROW(validate(LabelRules{std::nan(""), std::nullopt, std::nullopt}), std::invalid_argument);
  EXPECT_TRUE(throws_containing([] { validate(LabelRules{1.8, 2.0, 0.3}); }, "overlap"));
  EXPECT_TRUE(throws_containing([] { validate(LabelRules{1.7, 2.0, 0.3}); }, "overlap"));
  EXPECT_NO_THROW(validate(LabelRules{1.69, 2.0, 0.3}));
}

TEST(Grouping, ByFileDirOrNone) {
  EXPECT_EQ(parse_group_by("file"), GroupBy::file);
  EXPECT_EQ(parse_group_by("dir"), GroupBy::dir);
  EXPECT_EQ(parse_group_by("none"), GroupBy::none);
  EXPECT_THROW(parse_group_by("seed"), std::invalid_argument);

  EXPECT_EQ(group_of("out/seed-3/traj.dump", GroupBy::dir), "seed-3");
  EXPECT_EQ(group_of("/abs/out/seed-3/traj.dump", GroupBy::dir), "seed-3");
  EXPECT_EQ(group_of("out/seed-3/./traj.dump", GroupBy::dir), "seed-3");
  EXPECT_EQ(group_of("traj.dump", GroupBy::dir), fs::current_path().filename().string());
  EXPECT_EQ(group_of("out/seed-3/traj.dump", GroupBy::file), "traj.dump");
  EXPECT_EQ(group_of("runs/cool-7.dump.gz", GroupBy::file), "cool-7.dump.gz");
  EXPECT_EQ(group_of("out/seed-3/traj.dump", GroupBy::none), "");
}

TEST(Grouping, ManifestFileNamesRelativeToTheManifest) {
  TempDir d;
  const std::string dump = d.write("out/seed-1/traj.dump", "");
  const std::string root = d.path.string();
  EXPECT_EQ(manifest_file_name(dump, root), "out/seed-1/traj.dump");
  EXPECT_EQ(manifest_file_name(dump, root + "/data"), "../out/seed-1/traj.dump");
  EXPECT_EQ(manifest_file_name(dump, root + "/out/seed-1"), "traj.dump");
  // a relative dump path is taken from the current directory
  const fs::path cwd = fs::current_path();
  fs::current_path(d.path);
  EXPECT_EQ(manifest_file_name("out/seed-1/traj.dump", "data"), "../out/seed-1/traj.dump");
  EXPECT_EQ(manifest_file_name("out/seed-1/traj.dump", ""), "out/seed-1/traj.dump");
  fs::current_path(cwd);
  // sharing only the root: absolute
  EXPECT_EQ(manifest_file_name("/nonexistent_mlglass_dir/x.dump", root), "/nonexistent_mlglass_dir/x.dump");
  const std::string comma = d.write("a,b/traj.dump", "");
  EXPECT_TRUE(throws_containing([&] { manifest_file_name(comma, root); }, "comma"));
}

TEST(Thinning, KeepEveryNth) {
  EXPECT_TRUE(keep_every(0, 1));
  EXPECT_TRUE(keep_every(5, 1));
  EXPECT_TRUE(keep_every(0, 3));
  EXPECT_FALSE(keep_every(1, 3));
  EXPECT_FALSE(keep_every(2, 3));
  EXPECT_TRUE(keep_every(3, 3));
}
