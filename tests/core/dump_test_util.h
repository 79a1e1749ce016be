// Shared by the dump-reader tests (test_dump_reader.cpp, test_byte_source.cpp): a fixture with a
// private scratch directory, hand-written dump frames and the error check.
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "dump_reader.h"

namespace mlglass::testing {

namespace fs = std::filesystem;

// A private scratch directory per test, removed afterwards; write() puts a file in it.
class ScratchDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "mlglass-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string write(const std::string &name, const std::string &text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  fs::path dir_;
};

class DumpReaderTest : public ScratchDirTest {
 protected:
  std::string write_gz(const std::string &name, const std::string &text) {
    const std::string path = (dir_ / name).string();
    gzFile gz = gzopen(path.c_str(), "wb");
    EXPECT_NE(gz, nullptr);
    EXPECT_EQ(gzwrite(gz, text.data(), unsigned(text.size())), int(text.size()));
    gzclose(gz);
    return path;
  }
  static std::string read_bytes(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  static std::vector<Frame> read_all(const std::string &path, DumpOptions opt = {}) {
    DumpReader r(path, opt);
    std::vector<Frame> frames;
    Frame f;
    while (r.next(f)) frames.push_back(f);
    EXPECT_EQ(r.frames_read(), std::int64_t(frames.size()));
    return frames;
  }

  // Reading the whole file must fail with a DumpError that names the file and `line` (0: none)
  // and contains `fragment`.
  static void expect_error(const std::string &path, std::int64_t line, const std::string &fragment,
                           DumpOptions opt = {}) {
    SCOPED_TRACE(path + " line " + std::to_string(line));
    try {
      DumpReader r(path, opt);
      Frame f;
      while (r.next(f)) {
      }
      ADD_FAILURE() << "no error; expected '" << fragment << "'";
    } catch (const DumpError &e) {
      const std::string msg = e.what();
      EXPECT_EQ(msg.rfind(path, 0), 0u) << msg;  // starts with the file name
      EXPECT_EQ(e.line(), line) << msg;
      if (line > 0) {
        EXPECT_NE(msg.find(": line " + std::to_string(line) + " "), std::string::npos) << msg;
      }
      EXPECT_NE(msg.find(fragment), std::string::npos) << msg;
    }
  }

};

// Lines 1-9 of a 3D orthogonal frame; atom lines start at line 10.
inline std::string header(std::int64_t step, int natoms, const std::string &columns,
                   const std::string &bounds = "0 10\n0 10\n0 10\n",
                   const std::string &flags = "pp pp pp") {
  return "ITEM: TIMESTEP\n" + std::to_string(step) + "\nITEM: NUMBER OF ATOMS\n" +
         std::to_string(natoms) + "\nITEM: BOX BOUNDS " + flags + "\n" + bounds + "ITEM: ATOMS " +
         columns + "\n";
}

inline const std::string k2dBounds = "0 10\n0 10\n-0.5 0.5\n";

// Three atoms, 3D, id type x y z.
inline std::string good_frame(std::int64_t step = 0) {
  return header(step, 3, "id type x y z") +
         "1 1 1.0 2.0 3.0\n"
         "2 2 4.0 5.0 6.0\n"
         "3 1 7.0 8.0 9.0\n";
}

inline void expect_xyz(const Frame &f, std::size_t i, double x, double y, double z, double tol = 1e-12) {
  EXPECT_NEAR(f.x[3 * i], x, tol) << "atom " << i;
  EXPECT_NEAR(f.x[3 * i + 1], y, tol) << "atom " << i;
  EXPECT_NEAR(f.x[3 * i + 2], z, tol) << "atom " << i;
}

}  // namespace mlglass::testing
