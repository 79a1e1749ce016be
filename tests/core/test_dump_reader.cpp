// The LAMMPS text-dump reader on hand-written dumps: every accepted layout (custom and atom styles,
// scaled/unscaled/unwrapped coordinates, 2D/3D, unsorted ids, extra columns, gzip, triclinic),
// streaming (several frames, skip), an error with the right file and line for each kind of bad
// input, and a seeded fuzz run that may only ever produce frames or DumpError.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <typeinfo>
#include <vector>

#include "dump_reader.h"
#include "dump_test_util.h"
#include "mutate.h"

using namespace mlglass;
using namespace mlglass::testing;

namespace {


// ---------------------------------------------------------------------------------------------
// Accepted input

TEST_F(DumpReaderTest, CustomXY2D) {
  const auto path = write("xy.dump", header(100, 3, "id type x y", k2dBounds, "pp pp pp") +
                                         "1 1 0.5 1.5\n2 2 2.5 3.5\n3 1 9.25 0.125\n");
  const auto frames = read_all(path);
  ASSERT_EQ(frames.size(), 1u);
  const Frame &f = frames[0];
  EXPECT_EQ(f.timestep, 100);
  EXPECT_EQ(f.natoms, 3);
  EXPECT_EQ(f.index, 0);
  EXPECT_EQ(f.source, path);
  EXPECT_EQ(f.box.dim, 2);
  EXPECT_EQ(f.coords, "x");
  EXPECT_FALSE(f.unwrapped());
  EXPECT_EQ(f.id, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(f.type, (std::vector<int>{1, 2, 1}));
  expect_xyz(f, 0, 0.5, 1.5, 0.0);
  expect_xyz(f, 2, 9.25, 0.125, 0.0);
  EXPECT_EQ(f.columns, (std::vector<std::string>{"id", "type", "x", "y"}));
  EXPECT_TRUE(f.extra.empty());
  EXPECT_TRUE(std::isnan(f.time));
  EXPECT_FALSE(f.triclinic());
}

TEST_F(DumpReaderTest, Unscaled3DAndBox) {
  const auto path =
      write("xyz.dump", header(7, 3, "id type x y z", "-1 4\n2 3.5\n-5 5\n", "pp fs mm") +
                            "1 1 0 2.1 -4\n2 2 3.9 3.4 4.5\n3 1 -0.5 2.5 0\n");
  const auto frames = read_all(path);
  ASSERT_EQ(frames.size(), 1u);
  const Frame &f = frames[0];
  EXPECT_EQ(f.box.dim, 3);
  EXPECT_EQ(f.box.lo, (std::array<double, 3>{-1, 2, -5}));
  EXPECT_EQ(f.box.length, (std::array<double, 3>{5, 1.5, 10}));
  EXPECT_EQ(f.box.periodic, (std::array<bool, 3>{true, false, false}));
  expect_xyz(f, 0, 0, 2.1, -4);
  expect_xyz(f, 1, 3.9, 3.4, 4.5);
}

TEST_F(DumpReaderTest, ScaledCoordinatesAreMappedToTheBox) {
  const auto path = write("xs.dump", header(0, 3, "id type xs ys zs", "-2 2\n0 8\n1 3\n") +
                                         "1 1 0 0 0\n2 2 0.5 0.25 1\n3 2 0.75 1 0.5\n");
  const auto frames = read_all(path);
  ASSERT_EQ(frames.size(), 1u);
  const Frame &f = frames[0];
  EXPECT_EQ(f.coords, "xs");
  EXPECT_EQ(f.box.dim, 3);
  expect_xyz(f, 0, -2, 0, 1);
  expect_xyz(f, 1, 0, 2, 3);
  expect_xyz(f, 2, 1, 8, 2);
}

TEST_F(DumpReaderTest, DumpAtomStyle2DScaledWithImages) {
  // What `dump atom` with `dump_modify image yes` writes for a 2D system: zs = 0.5 for all.
  const auto path = write("atom.dump", header(50, 2, "id type xs ys zs ix iy iz", k2dBounds) +
                                           "2 1 0.1 0.2 0.5 0 -1 0\n1 2 0.3 0.4 0.5 1 0 0\n");
  const auto frames = read_all(path);
  ASSERT_EQ(frames.size(), 1u);
  const Frame &f = frames[0];
  EXPECT_EQ(f.box.dim, 2);
  EXPECT_EQ(f.id, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(f.type, (std::vector<int>{2, 1}));
  expect_xyz(f, 0, 3, 4, 0);
  expect_xyz(f, 1, 1, 2, 0);
  EXPECT_EQ(f.column("ix"), (std::vector<double>{1, 0}));
  EXPECT_EQ(f.column("iy"), (std::vector<double>{0, -1}));
}

TEST_F(DumpReaderTest, UnsortedIdsAreSortedWithAllColumns) {
  const auto path = write("unsorted.dump", header(0, 4, "type id x y z c_v") +
                                               "2 40 4 4 4 -4\n1 10 1 1 1 -1\n"
                                               "1 30 3 3 3 -3\n2 20 2 2 2 -2\n");
  const auto frames = read_all(path);
  ASSERT_EQ(frames.size(), 1u);
  const Frame &f = frames[0];
  EXPECT_EQ(f.id, (std::vector<std::int64_t>{10, 20, 30, 40}));
  EXPECT_EQ(f.type, (std::vector<int>{1, 2, 1, 2}));
  EXPECT_EQ(f.column("c_v"), (std::vector<double>{-1, -2, -3, -4}));
  for (std::size_t i = 0; i < 4; ++i) expect_xyz(f, i, i + 1.0, i + 1.0, i + 1.0);
}

TEST_F(DumpReaderTest, SeveralFramesStreamed) {
  const auto path = write("multi.dump", good_frame(0) + good_frame(1000) + good_frame(2000));
  DumpReader r(path);
  Frame f;
  for (int k = 0; k < 3; ++k) {
    ASSERT_TRUE(r.next(f));
    EXPECT_EQ(f.index, k);
    EXPECT_EQ(f.timestep, 1000 * k);
    EXPECT_EQ(r.frames_read(), k + 1);
    expect_xyz(f, 1, 4, 5, 6);
  }
  EXPECT_FALSE(r.next(f));
  EXPECT_FALSE(r.next(f));  // and stays at the end
  EXPECT_FALSE(r.skip());
  EXPECT_EQ(r.frames_read(), 3);
  EXPECT_EQ(r.dimension(), 3);
}

TEST_F(DumpReaderTest, SkipCountsAtomLinesOnly) {
  // The skipped frames hold atom lines that would not parse: skip() must not look at them.
  const std::string junk = header(10, 3, "id type x y z") + "a b c d e\nf g\nh\n";
  const auto path = write("skip.dump", junk + junk + good_frame(30));
  DumpReader r(path);
  EXPECT_FALSE(r.last_timestep().has_value());
  EXPECT_EQ(r.last_frame_line(), 0);
  EXPECT_TRUE(r.skip());
  EXPECT_EQ(r.last_timestep(), std::optional<std::int64_t>(10));  // skip() parses the header
  EXPECT_EQ(r.last_frame_line(), 1);
  EXPECT_TRUE(r.skip());
  EXPECT_EQ(r.last_frame_line(), 13);
  Frame f;
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(f.index, 2);
  EXPECT_EQ(f.timestep, 30);
  EXPECT_EQ(r.last_timestep(), std::optional<std::int64_t>(30));
  EXPECT_EQ(r.last_frame_line(), 25);
  EXPECT_FALSE(r.skip());
  EXPECT_EQ(r.frames_read(), 3);
  EXPECT_EQ(r.last_frame_line(), 25);  // the end of the file consumes no frame
}

TEST_F(DumpReaderTest, ExtraColumnsByName) {
  const auto path = write("extra.dump", header(0, 2, "id type x y z c_bg[1] f_is[2] v_e element") +
                                            "1 1 1 1 1 3 -2.5 nan Cu\n"
                                            "2 2 2 2 2 4 1e-3 inf Zr\n");
  const auto frames = read_all(path);
  ASSERT_EQ(frames.size(), 1u);
  const Frame &f = frames[0];
  EXPECT_EQ(f.extra.size(), 3u);  // element is text: listed in columns, not stored
  EXPECT_EQ(f.column("c_bg[1]"), (std::vector<double>{3, 4}));
  EXPECT_EQ(f.column("f_is[2]"), (std::vector<double>{-2.5, 1e-3}));
  EXPECT_TRUE(std::isnan(f.column("v_e")[0]));  // kept as written outside the coordinates
  EXPECT_TRUE(std::isinf(f.column("v_e")[1]));
  EXPECT_EQ(f.columns.back(), "element");
  try {
    f.column("c_bg[2]");
    ADD_FAILURE() << "no exception";
  } catch (const std::out_of_range &e) {
    EXPECT_NE(std::string(e.what()).find("c_bg[2]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("f_is[2]"), std::string::npos) << e.what();
  }
}

TEST_F(DumpReaderTest, CoordinatePrecedence) {
  struct Case {
    std::string columns, row, coords;
    double x0;
    std::vector<std::string> extra;
  };
  // Box 0..10: x = 1, xu = 11 (one image over), xs = 0.3 -> 3, xsu = 1.4 -> 14.
  const std::vector<Case> cases = {
      {"id type xs ys zs xu yu zu x y z",
       "1 1 0.3 0.3 0.3 11 11 11 1 1 1",
       "x",
       1,
       {"xs", "xu", "ys", "yu", "zs", "zu"}},
      {"id type xsu ysu zsu xs ys zs xu yu zu",
       "1 1 1.4 1.4 1.4 0.3 0.3 0.3 11 11 11",
       "xu",
       11,
       {"xs", "xsu", "ys", "ysu", "zs", "zsu"}},
      {"id type xsu ysu zsu xs ys zs",
       "1 1 1.4 1.4 1.4 0.3 0.3 0.3",
       "xs",
       3,
       {"xsu", "ysu", "zsu"}},
      {"id type xsu ysu zsu", "1 1 1.4 1.4 0.3", "xsu", 14, {}},
      {"id type x xs ys zs", "1 1 5 0.3 0.3 0.3", "xs", 3, {"x"}},  // an incomplete set is data
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c.columns);
    const auto path = write("prec.dump", header(0, 1, c.columns) + c.row + "\n");
    const auto frames = read_all(path, DumpOptions{3, true, false});
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].coords, c.coords);
    EXPECT_NEAR(frames[0].x[0], c.x0, 1e-12);
    std::vector<std::string> extra;
    for (const auto &e : frames[0].extra) extra.push_back(e.first);
    EXPECT_EQ(extra, c.extra);
  }
}

TEST_F(DumpReaderTest, UnwrappedCoordinatesAreKept) {
  const auto path =
      write("xu.dump", header(0, 2, "id type xu yu zu") + "1 1 -3.5 12 25\n2 1 1 2 3\n");
  const auto f = read_all(path).at(0);
  EXPECT_TRUE(f.unwrapped());
  expect_xyz(f, 0, -3.5, 12, 25);
}

TEST_F(DumpReaderTest, UnitsAndTimeHeaderItems) {
  const std::string frame = "ITEM: UNITS\nlj\nITEM: TIME\n2.5\n" + good_frame(500);
  const auto path = write("time.dump", frame + frame);
  const auto frames = read_all(path);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1].time, 2.5);
  EXPECT_EQ(frames[1].timestep, 500);
}

TEST_F(DumpReaderTest, TriclinicBoundsAndScaledCoordinates) {
  // Cell: xlo 0 xhi 10, ylo 0 yhi 5, zlo 0 zhi 4, xy 2 xz -1 yz 0.5; LAMMPS writes the bounding
  // box: x [0 + min(0,2,-1,1), 10 + max(0,2,-1,1)] = [-1, 12], y [0, 5.5].
  const std::string text =
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\n"
      "ITEM: BOX BOUNDS xy xz yz pp pp pp\n-1 12 2\n0 5.5 -1\n0 4 0.5\n"
      "ITEM: ATOMS id type xs ys zs\n1 1 0.5 0.5 0.5\n";
  const auto path = write("tri.dump", text);
  expect_error(path, 5, "triclinic");
  const auto f = read_all(path, DumpOptions{0, true, true}).at(0);
  EXPECT_EQ(f.box.dim, 3);  // one atom: never taken for 2D
  EXPECT_TRUE(f.triclinic());
  EXPECT_EQ(f.box.lo, (std::array<double, 3>{0, 0, 0}));
  EXPECT_EQ(f.box.length, (std::array<double, 3>{10, 5, 4}));
  EXPECT_EQ(f.tilt, (std::array<double, 3>{2, -1, 0.5}));
  // x = h * s + lo with h = [[10, 2, -1], [0, 5, 0.5], [0, 0, 4]]
  expect_xyz(f, 0, 5 + 1 - 0.5, 2.5 + 0.25, 2);

  // Zero tilt factors: an orthogonal box, read without allow_triclinic.
  const auto g = read_all(write("tri0.dump",
                                "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\n"
                                "ITEM: BOX BOUNDS xy xz yz pp pp pp\n0 3 0\n0 3 0\n0 3 0\n"
                                "ITEM: ATOMS id type x y z\n1 1 1 2 0.5\n"))
                     .at(0);
  EXPECT_FALSE(g.triclinic());
  EXPECT_EQ(g.box.dim, 3);
}

TEST_F(DumpReaderTest, OldBoxBoundsWithoutFlagsArePeriodic) {
  const auto f = read_all(write("old.dump",
                                "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\n"
                                "ITEM: BOX BOUNDS\n0 3\n0 3\n0 3\n"
                                "ITEM: ATOMS id type x y z\n1 1 1 2 0.5\n"))
                     .at(0);
  EXPECT_EQ(f.box.periodic, (std::array<bool, 3>{true, true, true}));
}

TEST_F(DumpReaderTest, DimensionRule) {
  // All atoms at one z: 2D, z dropped; z varying later in the file is then an error.
  const std::string flat = header(0, 2, "id type x y z") + "1 1 1 1 0.25\n2 1 2 2 0.25\n";
  const std::string bumpy = header(1, 2, "id type x y z") + "1 1 1 1 0.25\n2 1 2 2 0.5\n";
  const auto path = write("flat.dump", flat + bumpy);
  DumpReader r(path);
  Frame f;
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(f.box.dim, 2);
  EXPECT_EQ(r.dimension(), 2);
  expect_xyz(f, 0, 1, 1, 0);
  expect_error(path, 22, "DumpOptions::dimension = 3");
  // Given explicitly, the option wins either way.
  const auto f3 = read_all(path, DumpOptions{3, true, false});
  ASSERT_EQ(f3.size(), 2u);
  EXPECT_EQ(f3[0].box.dim, 3);
  EXPECT_EQ(f3[1].x[5], 0.5);
  const auto f2 = read_all(path, DumpOptions{2, true, false});
  EXPECT_EQ(f2[1].x[5], 0.0);
  // z varying in the first frame: 3D.
  EXPECT_EQ(read_all(write("bumpy.dump", bumpy)).at(0).box.dim, 3);
  // No z column and dimension 3 requested: error on the ATOMS line.
  expect_error(write("noz.dump", header(0, 1, "id type x y") + "1 1 1 1\n"), 9, "no z coordinate",
               DumpOptions{3, true, false});
  EXPECT_THROW(DumpReader(path, DumpOptions{1, true, false}), std::invalid_argument);
}

TEST_F(DumpReaderTest, TypeColumnOptional) {
  const auto path = write("notype.dump", header(0, 2, "id x y z") + "2 1 1 1\n1 2 2 2\n");
  expect_error(path, 9, "no 'type' column");
  const auto f = read_all(path, DumpOptions{0, false, false}).at(0);
  EXPECT_TRUE(f.type.empty());
  EXPECT_EQ(f.id, (std::vector<std::int64_t>{1, 2}));
  expect_xyz(f, 0, 2, 2, 2);
}

TEST_F(DumpReaderTest, FrameStorageIsReusedAcrossColumnChanges) {
  const auto path = write("change.dump", header(0, 1, "id type x y z c_a") + "1 1 1 1 1 5\n" +
                                             header(1, 1, "id type x y z c_b") + "1 1 1 1 1 6\n");
  DumpReader r(path);
  Frame f;
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(f.column("c_a")[0], 5);
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(f.extra.count("c_a"), 0u);
  EXPECT_EQ(f.column("c_b")[0], 6);
}

// ---------------------------------------------------------------------------------------------
// Errors: file name and line in every message

TEST_F(DumpReaderTest, ErrorTruncatedInAtoms) {
  std::string text = good_frame(0) + good_frame(20);
  text.resize(text.rfind("3 1 7.0"));  // second frame loses its last atom line (line 24)
  const auto path = write("trunc.dump", text);
  expect_error(path, 24, "(frame 1, timestep 20): unexpected end of file after 2 of 3 atom lines");
  // skip() notices it too
  DumpReader r(path);
  EXPECT_TRUE(r.skip());
  EXPECT_THROW(r.skip(), DumpError);
}

TEST_F(DumpReaderTest, ErrorTruncatedInHeader) {
  const std::string text = good_frame(0);
  expect_error(write("trunc_h.dump", text.substr(0, text.find("ITEM: BOX"))), 5,
               "unexpected end of file: expected 'ITEM: BOX BOUNDS'");
  expect_error(write("trunc_b.dump", text.substr(0, text.find("0 10\n0 10\n0 10") + 5)), 7,
               "expected the y bounds");
}

TEST_F(DumpReaderTest, ErrorItemsOutOfOrderOrUnknown) {
  expect_error(write("order.dump", "ITEM: TIMESTEP\n0\nITEM: BOX BOUNDS pp pp pp\n0 1\n0 1\n0 1\n"),
               3, "expected 'ITEM: NUMBER OF ATOMS', got 'ITEM: BOX BOUNDS pp pp pp'");
  expect_error(write("local.dump", "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ENTRIES\n4\n"), 3,
               "unknown header item 'ITEM: NUMBER OF ENTRIES'");
  expect_error(write("first.dump", good_frame(0) + "ITEM: NUMBER OF ATOMS\n3\n"), 13,
               "expected 'ITEM: TIMESTEP'");
  expect_error(write("notdump.dump", "LAMMPS data file\n\n3 atoms\n"), 1,
               "not a LAMMPS text dump?");
}

TEST_F(DumpReaderTest, ErrorNonNumericFields) {
  expect_error(write("nan_x.dump", header(0, 2, "id type x y z") + "1 1 1 1 1\n2 1 1 1,5 1\n"), 11,
               "column 'y': not a number: '1,5'");
  expect_error(write("nan_c.dump", header(0, 1, "id type x y z c_q") + "1 1 1 1 1 abc\n"), 10,
               "column 'c_q': not a number: 'abc'");
  expect_error(write("id.dump", header(0, 1, "id type x y z") + "1.5 1 1 1 1\n"), 10,
               "atom id is not an integer: '1.5'");
  expect_error(write("type.dump", header(0, 1, "id type x y z") + "1 0 1 1 1\n"), 10,
               "atom type must be a positive int");
  expect_error(write("step.dump", "ITEM: TIMESTEP\n12x\n"), 2,
               "expected one integer (the timestep)");
  expect_error(write("bin.dump", std::string("ITEM: TIMESTEP\n\x01\xff\x00q\n", 20)), 2,
               "expected one integer");
}

TEST_F(DumpReaderTest, ErrorWrongColumnCount) {
  expect_error(write("cols.dump",
                     good_frame(0) + header(30000, 2, "id type x y z") + "1 1 1 1 1\n2 1 1 1\n"),
               23, "(frame 1, timestep 30000): expected 5 columns, got 4");
  expect_error(write("blankatom.dump", header(0, 2, "id type x y z") + "1 1 1 1 1\n\n"), 11,
               "expected 5 columns, got 0");
}

TEST_F(DumpReaderTest, ErrorAtomLinesDoNotMatchTheCount) {
  std::string fewer = header(0, 4, "id type x y z") + "1 1 1 1 1\n2 1 1 1 1\n" + good_frame(10);
  expect_error(write("fewer.dump", fewer), 12, "only 2 atom lines, but NUMBER OF ATOMS is 4");
  DumpReader r(write("fewer2.dump", fewer));
  EXPECT_THROW(r.skip(), DumpError);
  std::string more = good_frame(0) + "4 1 1 1 1\n" + good_frame(10);
  expect_error(write("more.dump", more), 13,
               "(frame 0, timestep 0): more atom lines than NUMBER OF ATOMS (3)");
}

TEST_F(DumpReaderTest, ErrorNonFiniteCoordinates) {
  expect_error(write("nan.dump", header(0, 2, "id type x y z") + "1 1 1 1 1\n2 1 nan 1 1\n"), 11,
               "column 'x': coordinate is not finite: 'nan'");
  expect_error(write("inf.dump", header(0, 1, "id type x y z") + "1 1 1 -inf 1\n"), 10,
               "coordinate is not finite");
  expect_error(write("huge.dump", header(0, 1, "id type xs ys zs") + "1 1 1e308 0 0\n"), 10,
               "non-finite position");
}

TEST_F(DumpReaderTest, ErrorMissingColumns) {
  expect_error(write("noid.dump", header(0, 1, "type x y z") + "1 1 1 1\n"), 9, "no 'id' column");
  expect_error(write("nocoord.dump", header(0, 1, "id type vx vy vz") + "1 1 1 1 1\n"), 9,
               "no coordinate columns");
  expect_error(write("half.dump", header(0, 1, "id type x z") + "1 1 1 1\n"), 9,
               "no coordinate columns");
  expect_error(write("nocols.dump", header(0, 1, "")), 9, "lists no columns");
  expect_error(write("twice.dump", header(0, 1, "id type x y x") + "1 1 1 1 1\n"), 9,
               "column 'x' appears twice");
}

TEST_F(DumpReaderTest, ErrorBadAtomCount) {
  expect_error(write("zero.dump", header(0, 0, "id type x y z")), 4,
               "NUMBER OF ATOMS must be positive, got 0");
  expect_error(write("neg.dump", header(0, -5, "id type x y z")), 4, "must be positive, got -5");
  std::string absurd = good_frame(0);
  absurd.replace(absurd.find("\n3\n"), 3, "\n3000000000\n");
  expect_error(write("absurd.dump", absurd), 4, "NUMBER OF ATOMS 3000000000 exceeds");
  std::string overflow = good_frame(0);
  overflow.replace(overflow.find("\n3\n"), 3, "\n99999999999999999999999\n");
  expect_error(write("overflow.dump", overflow), 4, "expected one integer (the atom count)");
}

TEST_F(DumpReaderTest, ErrorDuplicateIds) {
  expect_error(write("dup.dump", header(5, 4, "id type x y z") +
                                     "3 1 1 1 1\n1 1 1 1 1\n2 1 1 1 1\n1 1 1 1 1\n"),
               13, "duplicate atom id 1 (first on line 11)");
}

TEST_F(DumpReaderTest, ErrorBadBox) {
  expect_error(
      write("hilo.dump", header(0, 1, "id type x y z", "0 10\n5 5\n0 10\n") + "1 1 1 1 1\n"), 7,
      "box bounds along y: hi 5 <= lo 5");
  expect_error(
      write("box3.dump", header(0, 1, "id type x y z", "0 10\n0 10 3\n0 10\n") + "1 1 1 1 1\n"), 7,
      "expected 2 numbers (the y bounds)");
  expect_error(
      write("boxnan.dump", header(0, 1, "id type x y z", "0 10\n0 10\n0 nan\n") + "1 1 1 1 1\n"), 8,
      "the z bounds are not finite");
  expect_error(write("flags.dump", header(0, 1, "id type x y z", "0 10\n0 10\n0 10\n", "pp pf pp") +
                                       "1 1 1 1 1\n"),
               5, "invalid boundary flag 'pf'");
  expect_error(write("flags2.dump",
                     header(0, 1, "id type x y z", "0 10\n0 10\n0 10\n", "pp pp") + "1 1 1 1 1\n"),
               5, "expected three boundary flags");
}

TEST_F(DumpReaderTest, ErrorRepeatsAfterFailure) {
  const auto path =
      write("again.dump", good_frame(0) + header(1, 1, "id type x y z") + "1 1 x 1 1\n");
  DumpReader r(path);
  Frame f;
  ASSERT_TRUE(r.next(f));
  std::string first;
  try {
    r.next(f);
  } catch (const DumpError &e) {
    first = e.what();
    EXPECT_EQ(e.frame(), 1);
    EXPECT_EQ(e.timestep(), std::optional<std::int64_t>(1));
    EXPECT_EQ(e.line(), 22);
    EXPECT_EQ(e.path(), path);
  }
  EXPECT_FALSE(first.empty());
  try {
    r.skip();
    ADD_FAILURE() << "no error";
  } catch (const DumpError &e) {
    EXPECT_EQ(first, e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// Fuzz: random byte damage may give frames or DumpError, nothing else (and never a crash).

const std::vector<std::string> kDumpTokens = {"ITEM:", "ITEM: ATOMS id", " ",  "\n", "nan", "-",
                                              "1e999", "0", "99999999999", "\t", "e", "."};

TEST_F(DumpReaderTest, FuzzOnlyFramesOrDumpError) {
  const std::string valid = "ITEM: UNITS\nlj\nITEM: TIME\n0.5\n" +
                            header(0, 4, "id type xs ys zs c_bg[1] element", k2dBounds) +
                            "4 2 0.1 0.2 0.5 1 A\n2 1 0.3 0.4 0.5 2 B\n"
                            "3 1 0.5 0.6 0.5 3 A\n1 2 0.7 0.8 0.5 4 B\n" +
                            header(10, 3, "id type x y ix", "0 10\n0 10\n0 10\n", "pp ff sm") +
                            "1 1 1 2 0\n2 2 4 5 -1\n3 1 7 8 1\n" +
                            "ITEM: TIMESTEP\n20\nITEM: NUMBER OF ATOMS\n1\n"
                            "ITEM: BOX BOUNDS xy xz yz pp pp pp\n-1 12 2\n0 5.5 -1\n0 4 0.5\n"
                            "ITEM: ATOMS id type xsu ysu zsu\n1 1 0.5 0.5 0.5\n";
  ASSERT_EQ(read_all(write("valid.dump", valid), DumpOptions{0, true, true}).size(), 3u);
  const std::string gz_valid = read_bytes(write_gz("valid.dump.gz", valid));

  std::mt19937_64 rng(20240601);
  int frames = 0, errors = 0;
  for (int iter = 0; iter < 2000; ++iter) {
    // One in ten damages the gzip bytes instead of the text.
    const bool gz = iter % 10 == 9;
    const std::string path =
        write(gz ? "fuzz.dump.gz" : "fuzz.dump", mutate(gz ? gz_valid : valid, rng, kDumpTokens));
    DumpOptions opt;
    opt.allow_triclinic = iter % 3 != 0;
    opt.dimension = int(iter % 5 == 0 ? 3 : 0);
    try {
      DumpReader r(path, opt);
      Frame f;
      for (int k = 0; k < 10; ++k) {  // a mutation can only add a few frames
        const bool more = (iter + k) % 4 == 0 ? r.skip() : r.next(f);
        if (!more) break;
        ++frames;
        if (!f.id.empty()) {
          ASSERT_EQ(f.x.size(), 3 * f.id.size());
        }
      }
    } catch (const DumpError &e) {
      ++errors;
      ASSERT_EQ(std::string(e.what()).rfind(path, 0), 0u) << e.what();
    } catch (const std::exception &e) {
      FAIL() << "iteration " << iter << ": " << typeid(e).name() << ": " << e.what();
    }
  }
  EXPECT_GT(frames, 500);
  EXPECT_GT(errors, 500);
}

}  // namespace
