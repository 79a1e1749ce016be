// The dump reader on dumps LAMMPS itself writes (dump atom, dump custom with every coordinate set,
// 2D and 3D, orthogonal and triclinic, plain and gzip), several frames of a running liquid: after
// mapping scaled and unwrapped coordinates back, the reader's positions equal LAMMPS' own
// (lammps_gather_atoms "x") to 1e-12, and ids, types, box and extra columns match. Under mpirun
// the dump comes in rank order (unsorted); only rank 0 reads it.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "dump_reader.h"
#include "lammps_fixture.h"

using namespace mlglass;

namespace {

struct DumpCase {
  const char *name;
  int dim;
  bool triclinic;
  const char *style;   // "atom" or "custom <columns>"
  const char *modify;  // dump_modify arguments: full precision, and options under test
  const char *suffix;  // ".dump" or ".dump.gz" (written through gzip by LAMMPS)
  const char *coords;  // expected Frame::coords
};

void PrintTo(const DumpCase &c, std::ostream *os) {
  *os << c.name;
}

constexpr int kEvery = 50;
constexpr int kFrames = 4;
constexpr double kDt = 0.005;

// What LAMMPS holds at one dumped step, ordered by atom ID.
struct Snapshot {
  std::vector<double> x, v;
  std::vector<int> type;
};

class DumpRoundtrip : public LammpsTest, public ::testing::WithParamInterface<DumpCase> {
 protected:
  // A hot LJ liquid started on a lattice (atoms on the box faces): atoms cross the periodic
  // boundaries within the first frames, so image flags and wrapping are exercised.
  void liquid(int dim, bool triclinic) {
    const std::string region = dim == 2    ? "region box block 0 8 0 8 -0.5 0.5"
                               : triclinic ? "region box prism 0 5 0 5 0 5 1 1 -1"
                                           : "region box block 0 5 0 5 0 5";
    commands({"units lj", "dimension " + std::to_string(dim), "atom_style atomic", "boundary p p p",
              dim == 2 ? "lattice sq 0.8" : "lattice sc 0.8", region, "create_box 2 box",
              "create_atoms 1 box", "set type 1 type/fraction 2 0.35 4242", "mass * 1.0",
              "pair_style lj/cut 2.5", "pair_coeff * * 1.0 1.0 2.5",
              "velocity all create 3.0 87287 loop geom", "fix 1 all nve",
              "timestep " + std::to_string(kDt)});
    if (dim == 2) command("fix 2 all enforce2d");
  }

  std::vector<double> gather_v() {
    std::vector<double> out(std::size_t(natoms()) * 3);
    lammps_gather_atoms(lmp, const_cast<char *>("v"), 1, 3, out.data());
    return out;
  }

  static int rank() {
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
  }

  // Rank 0 only: the file against the snapshots. (A function, so that an ASSERT returns here and
  // not past the barrier the other ranks wait in.)
  void check(const std::string &path, const DumpCase &c, const std::vector<Snapshot> &snaps,
             const double lo[3], const double hi[3], const double tilt[3], const int periodic[3]) {
    DumpOptions opt;
    opt.allow_triclinic = c.triclinic;
    DumpReader reader(path, opt);
    EXPECT_EQ(reader.compressed(), std::string(c.suffix) == ".dump.gz");
    Frame f;
    double images = 0.0;
    for (int k = 0; k < kFrames; ++k) {
      SCOPED_TRACE("frame " + std::to_string(k));
      ASSERT_TRUE(reader.next(f));
      const Snapshot &s = snaps[std::size_t(k)];
      const std::size_t n = s.type.size();
      EXPECT_EQ(f.index, k);
      EXPECT_EQ(f.timestep, std::int64_t(k) * kEvery);
      ASSERT_EQ(f.natoms, std::int64_t(n));
      EXPECT_EQ(f.box.dim, c.dim);
      EXPECT_EQ(f.coords, c.coords);
      EXPECT_EQ(f.triclinic(), c.triclinic);
      for (int a = 0; a < 3; ++a) {
        EXPECT_NEAR(f.box.lo[a], lo[a], 1e-12);
        EXPECT_NEAR(f.box.length[a], hi[a] - lo[a], 1e-12);
        EXPECT_NEAR(f.tilt[a], tilt[a], 1e-12);
        EXPECT_EQ(f.box.periodic[a], periodic[a] != 0);
      }
      int wrong_id = 0, wrong_type = 0;
      for (std::size_t i = 0; i < n; ++i) {
        wrong_id += f.id[i] != std::int64_t(i) + 1;
        wrong_type += f.type[i] != s.type[i];
      }
      EXPECT_EQ(wrong_id, 0);
      EXPECT_EQ(wrong_type, 0);

      // Unwrapped coordinates back into the box with the image flags LAMMPS wrote beside them.
      std::vector<double> x = f.x;
      if (f.unwrapped()) {
        const auto &ix = f.column("ix"), &iy = f.column("iy"), &iz = f.column("iz");
        for (std::size_t i = 0; i < n; ++i) {
          x[3 * i] -= ix[i] * f.box.length[0] + iy[i] * f.tilt[0] + iz[i] * f.tilt[1];
          x[3 * i + 1] -= iy[i] * f.box.length[1] + iz[i] * f.tilt[2];
          x[3 * i + 2] -= iz[i] * f.box.length[2];
          images += std::fabs(ix[i]) + std::fabs(iy[i]) + std::fabs(iz[i]);
        }
      }
      double worst = 0.0;
      for (std::size_t i = 0; i < 3 * n; ++i) worst = std::max(worst, std::fabs(x[i] - s.x[i]));
      EXPECT_LE(worst, 1e-12);

      if (f.extra.count("vx")) {  // extra columns arrive by name, in id order, exactly
        const auto &vx = f.column("vx"), &vz = f.column("vz");
        int wrong_v = 0;
        for (std::size_t i = 0; i < n; ++i)
          wrong_v += vx[i] != s.v[3 * i] || vz[i] != s.v[3 * i + 2];
        EXPECT_EQ(wrong_v, 0);
        EXPECT_NEAR(f.time, k * kEvery * kDt, 1e-12);  // this case also has dump_modify time yes
      }
    }
    EXPECT_FALSE(reader.next(f));
    EXPECT_EQ(reader.frames_read(), kFrames);
    if (std::string(c.coords) == "xu" || std::string(c.coords) == "xsu") {
      EXPECT_GT(images, 0.0) << "no atom crossed a boundary: the unwrapping went untested";
    }

    // skip() over the same file lands on the same frames.
    DumpReader again(path, opt);
    EXPECT_TRUE(again.skip());
    EXPECT_TRUE(again.skip());
    ASSERT_TRUE(again.next(f));
    EXPECT_EQ(f.timestep, 2 * kEvery);
    EXPECT_TRUE(again.skip());
    EXPECT_FALSE(again.skip());
  }
};

TEST_P(DumpRoundtrip, ReaderEqualsLammps) {
  const DumpCase c = GetParam();
  if (std::string(c.suffix) == ".dump.gz" && !lammps_config_has_gzip_support())
    GTEST_SKIP() << "this LAMMPS cannot write gzipped dumps";
  const std::string path = scratch_file(std::string("roundtrip_") + c.name + c.suffix);
  liquid(c.dim, c.triclinic);
  const std::string style = c.style, word = style.substr(0, style.find(' '));
  const std::string columns = word.size() < style.size() ? style.substr(word.size()) : "";
  command("dump d all " + word + " " + std::to_string(kEvery) + " " + path + columns);
  command(std::string("dump_modify d ") + c.modify);

  std::vector<Snapshot> snaps;
  for (int k = 0; k < kFrames; ++k) {
    command(k == 0 ? "run 0 post no" : "run " + std::to_string(kEvery) + " post no");
    snaps.push_back({gather_x(), gather_v(), gather_type()});
  }
  command("undump d");  // closes the file (and the gzip pipe)
  double lo[3], hi[3], xy, yz, xz;
  int periodic[3], changed;
  lammps_extract_box(lmp, lo, hi, &xy, &yz, &xz, periodic, &changed);
  const double tilt[3] = {xy, xz, yz};

  if (rank() == 0) {
    check(path, c, snaps, lo, hi, tilt, periodic);
    std::remove(path.c_str());
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

// %.17g: LAMMPS' default %g keeps 6 digits; the comparison is about the reader, not rounding.
#define FULL "format float %.17g"
#define ATOM5 "format line \"%d %d %.17g %.17g %.17g\""
#define ATOM8 "format line \"%d %d %.17g %.17g %.17g %d %d %d\""

INSTANTIATE_TEST_SUITE_P(
    Lammps, DumpRoundtrip,
    ::testing::Values(
        DumpCase{"atom_2d", 2, false, "atom", ATOM5, ".dump", "xs"},
        DumpCase{"atom_3d_image", 3, false, "atom", "image yes " ATOM8, ".dump", "xs"},
        DumpCase{"atom_3d_unscaled", 3, false, "atom", "scale no " ATOM5, ".dump", "x"},
        DumpCase{"custom_x_2d", 2, false, "custom id type x y", FULL, ".dump", "x"},
        DumpCase{"custom_x_3d", 3, false, "custom id type x y z vx vy vz",
                 FULL " time yes units yes", ".dump", "x"},
        DumpCase{"custom_xs_2d", 2, false, "custom id type xs ys", FULL, ".dump", "xs"},
        DumpCase{"custom_xs_3d", 3, false, "custom id type xs ys zs", FULL, ".dump", "xs"},
        DumpCase{"custom_xu_2d", 2, false, "custom id type xu yu zu ix iy iz", FULL, ".dump", "xu"},
        DumpCase{"custom_xu_3d", 3, false, "custom id type xu yu zu ix iy iz", FULL, ".dump", "xu"},
        DumpCase{"custom_xsu_3d", 3, false, "custom id type ix iy iz xsu ysu zsu", FULL, ".dump",
                 "xsu"},
        DumpCase{"custom_all_sets_3d", 3, false, "custom id type xsu ysu zsu xs ys zs x y z", FULL,
                 ".dump", "x"},
        DumpCase{"custom_gz_3d", 3, false, "custom id type x y z", FULL, ".dump.gz", "x"},
        DumpCase{"custom_gz_2d", 2, false, "custom id type xs ys zs", FULL, ".dump.gz", "xs"},
        DumpCase{"triclinic_xs", 3, true, "custom id type xs ys zs", FULL, ".dump", "xs"},
        DumpCase{"triclinic_xu", 3, true, "custom id type xu yu zu ix iy iz", FULL, ".dump", "xu"},
        DumpCase{"triclinic_atom", 3, true, "atom", ATOM5, ".dump", "xs"}),
    [](const ::testing::TestParamInfo<DumpCase> &info) { return std::string(info.param.name); });

}  // namespace
