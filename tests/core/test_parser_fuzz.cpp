// The mutation fuzz of the dump reader (test_dump_reader.cpp), applied to the core's other text
// parsers: the dataset manifest (read_manifest), the timestep -> temperature table
// (TemperatureTable::read) and the T_g input columns (read_columns / read_column_rows). Seeded
// byte flips, deletions, truncations, inserted tokens, duplicated lines and changed digits; every
// mutated input must either parse into values that make sense (finite temperatures and energies,
// integer timesteps, labels 0/1, no duplicates) or throw the documented std::runtime_error whose
// message starts with the file name and names a line that exists. Never another exception type, a
// crash or a hang.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <typeinfo>
#include <vector>

#include "dataset.h"
#include "dump_test_util.h"
#include "labelling.h"
#include "mutate.h"
#include "tg.h"

using namespace mlglass;
using mlglass::testing::mutate;

namespace {

namespace fs = std::filesystem;

// Lines in the text as a reader counts them (a final line without '\n' counts).
long count_lines(const std::string &text) {
  long n = 0;
  for (char c : text) n += c == '\n';
  return n + (!text.empty() && text.back() != '\n');
}

// The message starts with the path and, unless it is one of the whole-file messages given, names
// a line between 1 and the number of lines + 1 (the line after the last: end of file).
void expect_located(const std::string &msg, const std::string &path, const std::string &text,
                    const std::vector<std::string> &whole_file, const std::string &input) {
  ASSERT_EQ(msg.rfind(path, 0), 0u) << msg << "\ninput:\n" << input;
  for (const auto &w : whole_file)
    if (msg.find(w) != std::string::npos) return;
  static const std::regex line_re(" line ([0-9]+)");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(msg, m, line_re)) << msg << "\ninput:\n" << input;
  const long line = std::stol(m[1]);
  EXPECT_GE(line, 1) << msg;
  EXPECT_LE(line, count_lines(text) + 1) << msg << "\ninput:\n" << input;
}

const std::vector<std::string> kTextTokens = {",",
                                              "\n",
                                              "#",
                                              " ",
                                              "\t",
                                              "nan",
                                              "inf",
                                              "-inf",
                                              "-",
                                              "+",
                                              "1e999",
                                              "0",
                                              "1",
                                              "2",
                                              "0.5",
                                              ".",
                                              "e",
                                              "99999999999999999999",
                                              "9007199254740993",
                                              "\r"};

// The parser fuzz tests write their inputs to a scratch directory. fuzz() mutates `valid` 1500
// times into NAME; `parse(path, text)` must accept each input (and check what it parsed) or throw
// std::runtime_error located by expect_located (`whole_file`: messages without a line); any other
// exception fails. Both outcomes must be common.
class ParserFuzz : public mlglass::testing::ScratchDirTest {
 protected:
  template <class Parse>
  void fuzz(const std::string &valid, const std::string &name, std::uint64_t seed,
            const std::vector<std::string> &whole_file, Parse parse) {
    std::mt19937_64 rng(seed);
    int parsed = 0, errors = 0;
    for (int iter = 0; iter < 1500; ++iter) {
      const std::string text = mutate(valid, rng, kTextTokens);
      const std::string path = write(name, text);
      try {
        parse(path, text);
        ++parsed;
      } catch (const std::runtime_error &e) {
        ++errors;
        expect_located(e.what(), path, text, whole_file, text);
      } catch (const std::exception &e) {
        FAIL() << "iteration " << iter << ": " << typeid(e).name() << ": " << e.what()
               << "\ninput:\n"
               << text;
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
    EXPECT_GT(parsed, 150);
    EXPECT_GT(errors, 150);
  }
};

TEST_F(ParserFuzz, ManifestParsesOrNamesFileAndLine) {
  const std::string valid =
      "# written by mlglass dataset\n"
      "file,timestep,label,temperature,group\n"
      "out/seed-1/traj.dump,200000,1,0.05,seed-1\n"
      "out/seed-1/traj.dump,0,0,2.0,seed-1\n"
      "\n"
      "/abs/seed-2.dump,1000,0,,seed-2\n"
      "b.dump,300,1\n";
  ASSERT_EQ(read_manifest(write("valid.csv", valid)).size(), 4u);
  fuzz(valid, "fuzz.csv", 20261129, {": cannot open manifest"},
       [](const std::string &path, const std::string &text) {
         const auto entries = read_manifest(path);
         std::set<std::pair<std::string, std::int64_t>> seen;
         for (const auto &e : entries) {
           EXPECT_FALSE(e.file.empty()) << text;
           EXPECT_TRUE(e.label == 0 || e.label == 1) << text;
           // NaN only for an empty temperature field; never an infinity.
           EXPECT_FALSE(std::isinf(e.temperature)) << text;
           EXPECT_TRUE(seen.insert({e.file, e.timestep}).second) << "duplicate accepted:\n" << text;
         }
       });
}

TEST_F(ParserFuzz, TemperatureTableParsesOrNamesFileAndLine) {
  const std::string valid =
      "# Time-averaged data for fix eis\n"
      "# TimeStep v_Tramp f_is\n"
      "6250 1.939 -2.71\n"
      "\n"
      "  12500 1.878 -2.72\n"
      "18750 +1.817 -2.73\n"
      "18750 1.817 -2.73\n";
  ASSERT_EQ(TemperatureTable::read(write("valid.dat", valid), 2).size(), 3u);
  // the temperature column alternates between the second and the third
  int iter = 0;
  fuzz(valid, "fuzz.dat", 11292026, {": no data lines"},
       [&iter](const std::string &path, const std::string &text) {
         const int col = 2 + iter++ % 2;
         const auto table = TemperatureTable::read(path, col);
         ASSERT_FALSE(table.empty()) << text;
         // Every data line's timestep is found with a finite temperature.
         for (const auto &row : read_column_rows(path, 1, col)) {
           const auto t = table.lookup(static_cast<std::int64_t>(row.a));
           ASSERT_TRUE(t.has_value()) << text;
           EXPECT_TRUE(std::isfinite(*t)) << text;
           EXPECT_EQ(row.a, std::floor(row.a)) << text;
         }
       });
}

TEST_F(ParserFuzz, TgColumnsParseOrNameFileAndLine) {
  // `fix inherent ... file` output: step T E_IS/N ...
  std::string valid = "# fix inherent: step T E_IS/N fnorm iterations\n";
  for (int i = 0; i < 8; ++i)
    valid += std::to_string(1000 * i) + " " + std::to_string(2.0 - 0.25 * i) + " " +
             std::to_string(-2.6 - 0.05 * i) + " 1e-9 " + std::to_string(100 + i) + "\n";
  ASSERT_EQ(read_columns(write("valid.txt", valid), 2, 3).size(), 8u);
  fuzz(valid, "fuzz.txt", 42, {}, [](const std::string &path, const std::string &text) {
    const auto rows = read_column_rows(path, 2, 3);
    long previous = 0;
    for (const auto &r : rows) {
      EXPECT_TRUE(std::isfinite(r.a) && std::isfinite(r.b)) << text;
      EXPECT_GT(r.line, previous) << text;
      EXPECT_LE(r.line, count_lines(text)) << text;
      previous = r.line;
    }
    EXPECT_EQ(read_columns(path, 2, 3).size(), rows.size());
  });
}

}  // namespace
