// Windows of a configuration: membership against a brute-force check with explicit periodic
// images, random origins, the side as a fraction or a distance, WindowCutter against cut_window,
// and tiling coverage.
#include "windows.h"
#include "random_config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

using namespace mlglass;
using mlglass::testing::Config;
using mlglass::testing::random_config;

namespace {

// Brute force, written from the definition: particle i is in the window if along every axis some
// periodic image (x - o) + s * L, |s| <= 3, lies in [0, side); with periodic = false only the image
// inside the box counts.
struct RefWindow {
  std::vector<int> members;
  std::vector<double> local;
};

RefWindow reference_window(const PeriodicBox &box, const std::vector<double> &x,
                           const std::array<double, 3> &o, double side, bool periodic) {
  RefWindow r;
  const std::size_t n = x.size() / 3;
  for (std::size_t i = 0; i < n; ++i) {
    double loc[3] = {0, 0, 0};
    bool in = true;
    for (int a = 0; a < box.dim && in; ++a) {
      const double L = box.length[a];
      bool found = false;
      for (int s = -3; s <= 3 && !found; ++s) {
        if (!box.periodic[a] && s != 0) continue;
        if (!periodic && box.periodic[a]) {
          // the image of the particle inside the box
          const double xi = x[3 * i + a] + s * L;
          if (!(xi >= box.lo[a] && xi < box.lo[a] + L)) continue;
          const double y = xi - o[a];
          if (y >= 0 && y < side) {
            loc[a] = y;
            found = true;
          }
          break;
        }
        const double y = (x[3 * i + a] - o[a]) + s * L;
        if (y >= 0 && y < side) {
          loc[a] = y;
          found = true;
        }
      }
      in = found;
    }
    if (!in) continue;
    r.members.push_back(static_cast<int>(i));
    r.local.insert(r.local.end(), loc, loc + 3);
  }
  return r;
}

void expect_window_matches(const Window &w, const RefWindow &r, const std::string &what) {
  ASSERT_EQ(w.members, r.members) << what;
  ASSERT_EQ(w.local.size(), r.local.size()) << what;
  for (std::size_t i = 0; i < r.local.size(); ++i)
    EXPECT_NEAR(w.local[i], r.local[i], 1e-9) << what << " coordinate " << i;
  for (std::size_t i = 0; i < w.members.size(); ++i)
    for (int a = 0; a < 3; ++a) {
      const double v = w.local[3 * i + a];
      if (a < w.dim) {
        EXPECT_GE(v, 0.0) << what;
        EXPECT_LT(v, w.side) << what;
      } else {
        EXPECT_EQ(v, 0.0) << what;
      }
    }
}

// A window that straddles the periodic boundary along every axis.
std::array<double, 3> straddling_origin(const PeriodicBox &box, double side) {
  std::array<double, 3> o = box.lo;
  for (int a = 0; a < box.dim; ++a) o[a] = box.lo[a] + box.length[a] - 0.4 * side;
  return o;
}

}  // namespace

// ---- windows ----------------------------------------------------------------------------------

TEST(Window, MembershipEqualsBruteForceWithPeriodicImages) {
  for (int dim : {2, 3}) {
    for (unsigned seed = 1; seed <= 8; ++seed) {
      auto c = random_config(dim == 2 ? 2000 : 1500, dim, 1.2, seed);
      // A box not at the origin, to exercise lo.
      for (int a = 0; a < dim; ++a) {
        c.box.lo[a] = -3.25 + a;
        for (std::size_t i = 0; i < c.n(); ++i) c.x[3 * i + a] += c.box.lo[a];
      }
      const double L = c.box.length[0];
      std::mt19937_64 rng(seed);
      for (double frac : {0.1, 0.2, 0.3, 1.0}) {
        WindowOptions opts;
        opts.side = frac;
        const double side = window_side(c.box, opts);
        std::vector<std::array<double, 3>> origins;
        for (int r = 0; r < 4; ++r) origins.push_back(random_window_origin(c.box, opts, rng));
        origins.push_back(straddling_origin(c.box, side));  // wraps across the boundary
        origins.push_back(c.box.lo);                          // at the lower box edge
        std::array<double, 3> top = c.box.lo;                 // flush with the upper box edge
        for (int a = 0; a < dim; ++a) top[a] += L - side;
        origins.push_back(top);
        for (const auto &o : origins) {
          const std::string what = "dim " + std::to_string(dim) + " seed " +
                                   std::to_string(seed) + " frac " + std::to_string(frac);
          Window w = cut_window(c.box, c.x.data(), c.n(), o, side, true);
          EXPECT_EQ(w.dim, dim);
          EXPECT_EQ(w.side, side);
          EXPECT_EQ(w.origin, o);
          expect_window_matches(w, reference_window(c.box, c.x, o, side, true), what);
          if (frac == 1.0) { EXPECT_EQ(w.size(), c.n()) << what; }
        }
      }
    }
  }
}

TEST(Window, StraddlingWindowReallyWraps) {
  auto c = random_config(2000, 2, 1.2, 3);
  const double side = 0.2 * c.box.length[0];
  Window w = cut_window(c.box, c.x.data(), c.n(), straddling_origin(c.box, side), side, true);
  bool low = false, high = false;  // members on both sides of the periodic boundary
  for (int m : w.members) {
    if (c.x[3 * m] < 0.5 * side) low = true;
    if (c.x[3 * m] > c.box.length[0] - 0.5 * side) high = true;
  }
  EXPECT_TRUE(low);
  EXPECT_TRUE(high);
  // About (side / L)^2 of the particles.
  EXPECT_NEAR(double(w.size()), 0.04 * c.n(), 0.015 * c.n());
}

TEST(Window, UnwrappedCoordinatesGiveTheSameWindow) {
  for (int dim : {2, 3}) {
    auto c = random_config(1500, dim, 1.2, 11);
    auto u = c;  // the same particles, each moved by a few box lengths
    std::mt19937_64 rng(5);
    std::uniform_int_distribution<int> img(-3, 3);
    for (std::size_t i = 0; i < c.n(); ++i)
      for (int a = 0; a < dim; ++a) u.x[3 * i + a] += img(rng) * c.box.length[a];
    WindowOptions opts;
    const double side = window_side(c.box, opts);
    for (bool periodic : {true, false}) {
      opts.periodic = periodic;
      for (int r = 0; r < 5; ++r) {
        const auto o = random_window_origin(c.box, opts, rng);
        Window a = cut_window(c.box, c.x.data(), c.n(), o, side, periodic);
        Window b = cut_window(u.box, u.x.data(), u.n(), o, side, periodic);
        EXPECT_EQ(a.members, b.members);
        ASSERT_EQ(a.local.size(), b.local.size());
        for (std::size_t i = 0; i < a.local.size(); ++i) EXPECT_NEAR(a.local[i], b.local[i], 1e-9);
      }
    }
  }
}

TEST(Window, NonPeriodicModeNeverWraps) {
  for (int dim : {2, 3}) {
    auto c = random_config(2000, dim, 1.2, 7);
    const double L = c.box.length[0];
    WindowOptions opts;
    opts.periodic = false;
    const double side = window_side(c.box, opts);
    // A window reaching past the upper box edge sees nothing beyond it.
    const auto o = straddling_origin(c.box, side);
    Window w = cut_window(c.box, c.x.data(), c.n(), o, side, false);
    expect_window_matches(w, reference_window(c.box, c.x, o, side, false), "straddling");
    for (std::size_t i = 0; i < w.size(); ++i)
      for (int a = 0; a < dim; ++a) {
        EXPECT_GE(c.x[3 * w.members[i] + a], o[a]);
        EXPECT_LT(w.local[3 * i + a], 0.4 * side + 1e-9);
      }
    // Random origins keep the window inside the box and agree with the brute force.
    std::mt19937_64 rng(1);
    for (auto offs : {WindowOptions::Offsets::independent, WindowOptions::Offsets::diagonal}) {
      opts.offsets = offs;
      for (int r = 0; r < 20; ++r) {
        const auto q = random_window_origin(c.box, opts, rng);
        for (int a = 0; a < dim; ++a) {
          EXPECT_GE(q[a], c.box.lo[a]);
          EXPECT_LE(q[a] + side, c.box.lo[a] + L + 1e-12);
        }
        Window v = cut_window(c.box, c.x.data(), c.n(), q, side, false);
        expect_window_matches(v, reference_window(c.box, c.x, q, side, false), "random");
        // Inside the box the two modes agree.
        Window p = cut_window(c.box, c.x.data(), c.n(), q, side, true);
        EXPECT_EQ(v.members, p.members);
      }
    }
  }
}

TEST(Window, RandomOrigins) {
  PeriodicBox box = PeriodicBox::square(50.0, 2);
  box.lo = {-10.0, 5.0, 0.0};
  WindowOptions opts;  // independent, periodic
  std::mt19937_64 rng(42);
  bool differ = false;
  for (int r = 0; r < 1000; ++r) {
    const auto o = random_window_origin(box, opts, rng);
    for (int a = 0; a < 2; ++a) {
      EXPECT_GE(o[a], box.lo[a]);
      EXPECT_LT(o[a], box.lo[a] + box.length[a]);
    }
    EXPECT_EQ(o[2], box.lo[2]);
    differ = differ || (o[0] - box.lo[0]) != (o[1] - box.lo[1]);
  }
  EXPECT_TRUE(differ);

  // Diagonal: one draw for all axes.
  opts.offsets = WindowOptions::Offsets::diagonal;
  for (bool periodic : {true, false}) {
    opts.periodic = periodic;
    for (int r = 0; r < 100; ++r) {
      const auto o = random_window_origin(box, opts, rng);
      EXPECT_NEAR(o[0] - box.lo[0], o[1] - box.lo[1], 1e-12);
      EXPECT_LE(o[0] - box.lo[0], periodic ? 50.0 : 40.0);
    }
  }

  // Reproducible from the seed.
  std::mt19937_64 r1(9), r2(9);
  opts = WindowOptions{};
  for (int r = 0; r < 10; ++r)
    EXPECT_EQ(random_window_origin(box, opts, r1), random_window_origin(box, opts, r2));

  // 3D: every axis drawn.
  PeriodicBox b3 = PeriodicBox::square(10.0, 3);
  double zmax = 0;
  for (int r = 0; r < 100; ++r) zmax = std::max(zmax, random_window_origin(b3, opts, rng)[2]);
  EXPECT_GT(zmax, 5.0);
}

TEST(Window, SideAsFractionOrDistance) {
  PeriodicBox box = PeriodicBox::square(60.0, 2);
  WindowOptions opts;
  opts.side = 0.2;
  EXPECT_DOUBLE_EQ(window_side(box, opts), 12.0);
  opts.side_is_fraction = false;
  opts.side = 7.5;
  EXPECT_EQ(window_side(box, opts), 7.5);
  opts.side = 61.0;
  EXPECT_THROW(window_side(box, opts), std::invalid_argument);
  opts.side = 0.0;
  EXPECT_THROW(window_side(box, opts), std::invalid_argument);
  opts.side = -1.0;
  EXPECT_THROW(window_side(box, opts), std::invalid_argument);
  opts.side = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(window_side(box, opts), std::invalid_argument);
  opts.side_is_fraction = true;
  opts.side = 1.5;
  EXPECT_THROW(window_side(box, opts), std::invalid_argument);
  // A fraction needs a square box; a distance does not.
  PeriodicBox rect = box;
  rect.length[1] = 40.0;
  opts.side = 0.2;
  EXPECT_THROW(window_side(rect, opts), std::invalid_argument);
  opts.side_is_fraction = false;
  opts.side = 10.0;
  EXPECT_EQ(window_side(rect, opts), 10.0);
  opts.side = 45.0;
  EXPECT_THROW(window_side(rect, opts), std::invalid_argument);
}

// The cutter bins the particles into cells; every window must come out exactly as cut_window
// cuts it from all particles: same members, same order, bit-identical local coordinates.
TEST(WindowCutter, EqualsCutWindow) {
  std::mt19937_64 rng(17);
  int windows = 0;
  for (int dim : {2, 3}) {
    for (int variant = 0; variant < 3; ++variant) {
      auto c = random_config(dim == 2 ? 3000 : 2500, dim, 1.2, 30 + variant);
      c.box.lo = {-3.5, 11.25, 2.0};
      for (std::size_t i = 0; i < c.n(); ++i)
        for (int a = 0; a < dim; ++a) c.x[3 * i + a] += c.box.lo[a];
      std::uniform_int_distribution<int> img(-2, 2);
      if (variant == 1)  // unwrapped coordinates: images a few box lengths away
        for (std::size_t i = 0; i < c.n(); ++i)
          for (int a = 0; a < dim; ++a) c.x[3 * i + a] += img(rng) * c.box.length[a];
      if (variant == 2) {  // y not periodic, some particles outside the box along it
        c.box.periodic[1] = false;
        for (std::size_t i = 0; i < c.n(); i += 37) c.x[3 * i + 1] += img(rng) * 0.3 * c.box.length[1];
      }
      const double L = c.box.length[0];
      for (double side : {0.07 * L, 0.2 * L, 0.49 * L, 0.5 * L, 0.77 * L, L}) {
        for (bool periodic : {true, false}) {
          const WindowCutter cutter(c.box, c.x.data(), c.n(), side, periodic);
          const auto tiles = tile_origins(c.box, side, 0.5 * side);
          std::vector<std::array<double, 3>> origins;  // up to 30 of the tiles, spread out
          for (std::size_t t = 0; t < tiles.size(); t += 1 + tiles.size() / 30) origins.push_back(tiles[t]);
          std::uniform_real_distribution<double> u(-0.6, 1.6);
          for (int r = 0; r < 6; ++r) {
            std::array<double, 3> o = c.box.lo;
            for (int a = 0; a < dim; ++a) o[a] = c.box.lo[a] + u(rng) * c.box.length[a];
            origins.push_back(o);
          }
          origins.push_back(straddling_origin(c.box, side));
          for (const auto &o : origins) {
            const Window expect = cut_window(c.box, c.x.data(), c.n(), o, side, periodic);
            const Window got = cutter.cut(o);
            ASSERT_EQ(got.members, expect.members)
                << dim << "D variant " << variant << " side " << side << " periodic " << periodic;
            ASSERT_EQ(got.local, expect.local);
            EXPECT_EQ(got.origin, expect.origin);
            EXPECT_EQ(got.side, expect.side);
            ++windows;
          }
        }
      }
    }
  }
  EXPECT_GT(windows, 500);
}

TEST(WindowCutter, UsesCellsAndRefusesBadInput) {
  auto c = random_config(10000, 2, 1.2, 3);
  const double L = c.box.length[0];
  const WindowCutter cutter(c.box, c.x.data(), c.n(), 0.1 * L);
  EXPECT_EQ(cutter.cells()[0], 20);
  EXPECT_EQ(cutter.cells()[1], 20);
  const auto few = WindowCutter(c.box, c.x.data(), 0, 0.01 * L).cells();  // <= 2n + 64 cells
  EXPECT_LE(few[0] * few[1], 64);
  EXPECT_GE(few[0], 2);
  EXPECT_THROW(WindowCutter(c.box, c.x.data(), c.n(), 0.0), std::invalid_argument);
  EXPECT_THROW(WindowCutter(c.box, c.x.data(), c.n(), 1.01 * L), std::invalid_argument);
  EXPECT_THROW(cutter.cut({std::nan(""), 0.0, 0.0}), std::invalid_argument);
  auto nan = c;
  nan.x[3 * 17 + 1] = std::numeric_limits<double>::quiet_NaN();
  try {
    WindowCutter bad(nan.box, nan.x.data(), nan.n(), 2.0);
    ADD_FAILURE() << "NaN coordinate accepted";
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("particle 17"), std::string::npos) << e.what();
  }
}

TEST(Window, BadArguments) {
  auto c = random_config(100, 2, 1.2, 1);
  const double L = c.box.length[0];
  const std::array<double, 3> o{0, 0, 0};
  EXPECT_THROW(cut_window(c.box, c.x.data(), c.n(), o, 0.0, true), std::invalid_argument);
  EXPECT_THROW(cut_window(c.box, c.x.data(), c.n(), o, -1.0, true), std::invalid_argument);
  EXPECT_THROW(cut_window(c.box, c.x.data(), c.n(), o, L * 1.0001, true), std::invalid_argument);
  EXPECT_NO_THROW(cut_window(c.box, c.x.data(), c.n(), o, L, true));
  const std::array<double, 3> bad{std::numeric_limits<double>::infinity(), 0, 0};
  EXPECT_THROW(cut_window(c.box, c.x.data(), c.n(), bad, 1.0, true), std::invalid_argument);
  auto nan = c;
  nan.x[3 * 17 + 1] = std::numeric_limits<double>::quiet_NaN();
  for (bool periodic : {true, false}) {
    try {
      cut_window(nan.box, nan.x.data(), nan.n(), o, 2.0, periodic);
      ADD_FAILURE() << "NaN coordinate accepted";
    } catch (const std::invalid_argument &e) {
      EXPECT_NE(std::string(e.what()).find("particle 17"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(tile_origins(c.box, 1.0, 0.0), std::invalid_argument);
  EXPECT_THROW(tile_origins(c.box, 1.0, -2.0), std::invalid_argument);
  EXPECT_THROW(tile_origins(c.box, 0.0, 1.0), std::invalid_argument);
  EXPECT_THROW(tile_origins(c.box, L + 1, 1.0), std::invalid_argument);
  EXPECT_THROW(tile_origins(c.box, 1.0, 1e-9), std::invalid_argument);
}

// ---- tiling -----------------------------------------------------------------------------------

TEST(Window, TileOriginsCoverEveryParticle) {
  for (int dim : {2, 3}) {
    auto c = random_config(dim == 2 ? 4320 : 3000, dim, 1.2, 21);
    c.box.lo = {2.0, -1.5, 0.5};
    for (std::size_t i = 0; i < c.n(); ++i)
      for (int a = 0; a < dim; ++a) c.x[3 * i + a] += c.box.lo[a];
    const double L = c.box.length[0];
    struct Case {
      double side, stride;
      bool exactly_once;
      int per_axis;
    };
    const double side = L / 5;
    for (const Case &t : {Case{side, side, true, 5}, Case{side, 0.7 * side, false, 8},
                          Case{L / 4.5, L / 4.5, false, 5}, Case{side, 0.5 * side, false, 10}}) {
      const auto origins = tile_origins(c.box, t.side, t.stride);
      ASSERT_EQ(origins.size(), std::size_t(std::pow(t.per_axis, dim)));
      // x fastest
      EXPECT_DOUBLE_EQ(origins[1][0], c.box.lo[0] + t.stride);
      EXPECT_EQ(origins[1][1], c.box.lo[1]);
      std::vector<int> seen(c.n(), 0);
      for (const auto &o : origins) {
        for (int a = dim; a < 3; ++a) EXPECT_EQ(o[a], c.box.lo[a]);
        Window w = cut_window(c.box, c.x.data(), c.n(), o, t.side, true);
        for (int m : w.members) ++seen[m];
      }
      for (std::size_t i = 0; i < c.n(); ++i) {
        EXPECT_GE(seen[i], 1) << "particle " << i << " side " << t.side << " stride " << t.stride;
        if (t.exactly_once) { EXPECT_EQ(seen[i], 1) << "particle " << i; }
      }
    }
  }
}

TEST(Window, TileOriginsToleratesRoundingOfTheStride) {
  PeriodicBox box = PeriodicBox::square(60.0, 2);
  // 60 * 0.2 and 60 / 5 may differ in the last bit; either gives 5 windows per axis.
  for (double stride : {60.0 * 0.2, 60.0 / 5.0, std::nextafter(12.0, 0.0), std::nextafter(12.0, 13.0)})
    EXPECT_EQ(tile_origins(box, 12.0, stride).size(), 25u) << stride;
  EXPECT_EQ(tile_origins(box, 12.0, 12.5).size(), 25u);
  EXPECT_EQ(tile_origins(box, 12.0, 11.5).size(), 36u);
}

// compute glass/mpnn sends each atom only to the owners of TileGrid::windows_near: every window
// whose cut holds a particle must be listed for it, for particles anywhere (also just outside the
// box, as LAMMPS' atoms between reneighborings, and on window edges), periodic or not
TEST(Window, WindowsNearListsEveryWindowThatHoldsTheParticle) {
  for (int dim : {2, 3}) {
    auto c = random_config(dim == 2 ? 2000 : 1500, dim, 1.2, 5);
    c.box.lo = {-3.0, 1.25, 0.5};
    const double L = c.box.length[0];
    for (std::size_t i = 0; i < c.n(); ++i)
      for (int a = 0; a < dim; ++a) c.x[3 * i + a] += c.box.lo[a];
    // particles exactly on window origins and edges, and just outside the box
    for (int a = 0; a < dim; ++a) {
      c.x[a] = c.box.lo[a];
      c.x[3 + a] = c.box.lo[a] + L - 1e-13;
      c.x[6 + a] = c.box.lo[a] - 0.1;
      c.x[9 + a] = c.box.lo[a] + L + 0.05;
      c.x[12 + a] = c.box.lo[a] + L / 5;
    }
    for (const bool periodic : {true, false})
      for (const double stride : {L / 5, 0.7 * L / 5, L / 4.5, 0.5 * L / 5}) {
        const double side = L / 5;
        const TileGrid grid(c.box, side, stride);
        const auto origins = tile_origins(c.box, side, stride);
        ASSERT_EQ(std::int64_t(origins.size()), grid.size());
        std::vector<std::set<std::int64_t>> holding(c.n());
        for (std::int64_t w = 0; w < grid.size(); ++w) {
          ASSERT_EQ(grid.origin(w), origins[std::size_t(w)]);
          for (int m : cut_window(c.box, c.x.data(), c.n(), origins[w], side, periodic).members)
            holding[std::size_t(m)].insert(w);
        }
        std::vector<std::int64_t> near;
        std::size_t listed = 0, holding_total = 0;
        for (std::size_t i = 0; i < c.n(); ++i) {
          near.clear();
          grid.windows_near(&c.x[3 * i], near);
          ASSERT_TRUE(std::is_sorted(near.begin(), near.end()));
          ASSERT_EQ(std::adjacent_find(near.begin(), near.end()), near.end());
          for (const auto w : holding[i])
            ASSERT_TRUE(std::binary_search(near.begin(), near.end(), w))
                << "dim " << dim << " stride " << stride << " periodic " << periodic
                << ": particle " << i << " is in window " << w << " but not listed";
          if (i >= 5) {  // the placed particles are listed for windows they miss by 1e-13
            listed += near.size();
            holding_total += holding[i].size();
          }
        }
        // the list is the windows that hold the particle, not more (random particles)
        if (periodic) {
          EXPECT_EQ(listed, holding_total) << stride;
        }
      }
  }
  const TileGrid grid(PeriodicBox::square(10.0, 2), 2.0, 2.0);
  std::vector<std::int64_t> near;
  const double bad[3] = {std::nan(""), 1.0, 0.0};
  EXPECT_THROW(grid.windows_near(bad, near), std::invalid_argument);
}
