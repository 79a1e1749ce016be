// Windows and kNN graphs for the D-MPNN: window membership against a brute-force check with explicit
// periodic images, tiling coverage, graph edges against an all-pairs kNN with the same tie rule,
// reverse edges, node features, invariances and batching.
#include "window_graph.h"
#include "random_config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
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

// All-pairs kNN on the window's local coordinates (nearer by r2, then by id), symmetrized, as a
// sorted list of directed edges.
std::vector<std::pair<std::int64_t, std::int64_t>> reference_edges(const Window &w,
                                                                   const std::vector<std::int64_t> &ids,
                                                                   int k) {
  const std::size_t n = w.members.size();
  std::set<std::pair<std::int64_t, std::int64_t>> directed;
  std::vector<std::pair<std::pair<double, std::int64_t>, std::size_t>> all;
  for (std::size_t i = 0; i < n; ++i) {
    all.clear();
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      double r2 = 0;
      for (int a = 0; a < 3; ++a) {
        const double d = w.local[3 * j + a] - w.local[3 * i + a];
        r2 += d * d;
      }
      all.push_back({{r2, ids[w.members[j]]}, j});
    }
    std::sort(all.begin(), all.end());
    for (int s = 0; s < k; ++s) {
      const auto j = static_cast<std::int64_t>(all[s].second);
      directed.insert({static_cast<std::int64_t>(i), j});
      directed.insert({j, static_cast<std::int64_t>(i)});
    }
  }
  return {directed.begin(), directed.end()};
}

std::vector<std::pair<std::int64_t, std::int64_t>> edges_of(const Graph &g) {
  std::vector<std::pair<std::int64_t, std::int64_t>> e;
  for (int b = 0; b < g.n_edges; ++b) e.push_back({g.src[b], g.dst[b]});
  return e;
}

void expect_consistent(const Graph &g, int k, const std::string &what) {
  ASSERT_EQ(g.src.size(), static_cast<std::size_t>(g.n_edges)) << what;
  ASSERT_EQ(g.dst.size(), static_cast<std::size_t>(g.n_edges)) << what;
  ASSERT_EQ(g.rev.size(), static_cast<std::size_t>(g.n_edges)) << what;
  ASSERT_EQ(g.e.size(), static_cast<std::size_t>(g.n_edges * g.edge_dim)) << what;
  ASSERT_EQ(g.x.size(), static_cast<std::size_t>(g.n_nodes * g.node_dim)) << what;
  ASSERT_EQ(g.ids.size(), static_cast<std::size_t>(g.n_nodes)) << what;
  EXPECT_EQ(g.n_edges % 2, 0) << what;
  std::vector<int> out_degree(g.n_nodes, 0);
  for (int b = 0; b < g.n_edges; ++b) {
    ASSERT_GE(g.rev[b], 0) << what;
    ASSERT_LT(g.rev[b], g.n_edges) << what;
    EXPECT_EQ(g.rev[g.rev[b]], b) << what;
    EXPECT_EQ(g.src[g.rev[b]], g.dst[b]) << what;
    EXPECT_EQ(g.dst[g.rev[b]], g.src[b]) << what;
    EXPECT_EQ(g.e[g.rev[b]], g.e[b]) << what;
    EXPECT_NE(g.src[b], g.dst[b]) << what;
    EXPECT_GT(g.e[b], 0.0f) << what;
    if (b > 0) {
      EXPECT_LT(std::make_pair(g.src[b - 1], g.dst[b - 1]), std::make_pair(g.src[b], g.dst[b]))
          << what << ": edges not strictly ordered by (src, dst)";
    }
    ++out_degree[g.src[b]];
  }
  for (int v = 0; v < g.n_nodes; ++v) EXPECT_GE(out_degree[v], k) << what;
  // Undirected links: each node contributes at most k new ones, and at least n k / 2 exist.
  const int links = g.n_edges / 2;
  EXPECT_LE(links, g.n_nodes * k) << what;
  EXPECT_GE(2 * links, g.n_nodes * k) << what;
}

std::vector<std::int64_t> default_ids(std::size_t n) {
  std::vector<std::int64_t> ids(n);
  std::iota(ids.begin(), ids.end(), std::int64_t(1));
  return ids;
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

// ---- graphs -----------------------------------------------------------------------------------

struct GraphCase {
  int dim;
  int k;
  double frac;
};

class GraphRandom : public ::testing::TestWithParam<GraphCase> {};

TEST_P(GraphRandom, EdgesEqualBruteForceKnn) {
  const auto p = GetParam();
  for (unsigned seed = 1; seed <= 6; ++seed) {
    auto c = random_config(p.dim == 2 ? 4320 : 3000, p.dim, 1.2, seed);
    // Shuffled ids, so that the id order differs from the index order.
    std::vector<std::int64_t> ids = default_ids(c.n());
    std::shuffle(ids.begin(), ids.end(), std::mt19937_64(seed));
    WindowOptions opts;
    opts.side = p.frac;
    std::mt19937_64 rng(seed + 100);
    for (int r = 0; r < 3; ++r) {
      const auto o = r == 0 ? straddling_origin(c.box, window_side(c.box, opts))
                            : random_window_origin(c.box, opts, rng);
      Window w = cut_window(c.box, c.x.data(), c.n(), o, window_side(c.box, opts), true);
      const std::string what = "dim " + std::to_string(p.dim) + " k " + std::to_string(p.k) +
                               " seed " + std::to_string(seed);
      Graph g = knn_graph(w, c.type.data(), ids.data(), p.k, 2);
      expect_consistent(g, p.k, what);
      EXPECT_EQ(g.n_nodes, int(w.size()));
      EXPECT_EQ(edges_of(g), reference_edges(w, ids, p.k)) << what;
      for (std::size_t v = 0; v < w.size(); ++v) EXPECT_EQ(g.ids[v], ids[w.members[v]]);
      // Distances are the local Euclidean distances.
      for (int b = 0; b < g.n_edges; ++b) {
        double r2 = 0;
        for (int a = 0; a < 3; ++a) {
          const double d = w.local[3 * g.dst[b] + a] - w.local[3 * g.src[b] + a];
          r2 += d * d;
        }
        EXPECT_FLOAT_EQ(g.e[b], float(std::sqrt(r2)));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Core, GraphRandom,
                         ::testing::Values(GraphCase{2, 1, 0.2}, GraphCase{2, 2, 0.2},
                                           GraphCase{2, 3, 0.1}, GraphCase{2, 5, 0.3},
                                           GraphCase{3, 2, 0.3}, GraphCase{3, 4, 0.4}));

TEST(Graph, LatticeWindowWithManyTies) {
  // Square lattice, spacing 1: every node has 4 neighbours at exactly distance 1 (fewer on the
  // window's edges), so the tie rule decides. Ids are shuffled so it is the id order that counts.
  for (int dim : {2, 3}) {
    const int m = dim == 2 ? 20 : 8;
    PeriodicBox box = PeriodicBox::square(double(m), dim);
    std::vector<double> x;
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j)
        for (int l = 0; l < (dim == 3 ? m : 1); ++l) x.insert(x.end(), {double(i), double(j), double(l)});
    const std::size_t n = x.size() / 3;
    std::vector<int> types(n, 1);
    for (std::size_t i = 0; i < n; i += 3) types[i] = 2;
    for (unsigned seed = 1; seed <= 4; ++seed) {
      std::vector<std::int64_t> ids = default_ids(n);
      std::shuffle(ids.begin(), ids.end(), std::mt19937_64(seed));
      // The window straddles the boundary; lattice points sit at local coordinates k + 0.5.
      const std::array<double, 3> o{m - 2.5, m - 3.5, dim == 3 ? m - 1.5 : 0.0};
      Window w = cut_window(box, x.data(), n, o, dim == 2 ? 7.0 : 5.0, true);
      ASSERT_EQ(w.size(), std::size_t(dim == 2 ? 49 : 125));
      for (int k : {1, 2, 3, 4, 5}) {
        Graph g = knn_graph(w, types.data(), ids.data(), k, 2);
        expect_consistent(g, k, "lattice");
        EXPECT_EQ(edges_of(g), reference_edges(w, ids, k)) << "dim " << dim << " k " << k;
      }
      // k = 4 in 2D: a node two rows inside the window links only its 4 lattice neighbours (a
      // corner node reaches out to distance 2).
      if (dim == 2) {
        Graph g = knn_graph(w, types.data(), ids.data(), 4, 2);
        for (int b = 0; b < g.n_edges; ++b) {
          const double *ps = &w.local[3 * g.src[b]];
          const bool interior = ps[0] > 2 && ps[0] < 5 && ps[1] > 2 && ps[1] < 5;
          if (interior) { EXPECT_EQ(g.e[b], 1.0f); }
          EXPECT_LE(g.e[b], 2.0f);
        }
      }
    }
  }
}

TEST(Graph, NullIdsMeanIndexPlusOne) {
  auto c = random_config(2000, 2, 1.2, 4);
  Window w = cut_window(c.box, c.x.data(), c.n(), {1.0, 2.0, 0.0}, 0.25 * c.box.length[0], true);
  Graph g = knn_graph(w, c.type.data(), nullptr, 2, 2);
  std::vector<std::int64_t> ids = default_ids(c.n());
  Graph h = knn_graph(w, c.type.data(), ids.data(), 2, 2);
  for (std::size_t v = 0; v < w.size(); ++v) EXPECT_EQ(g.ids[v], w.members[v] + 1);
  EXPECT_EQ(g.src, h.src);
  EXPECT_EQ(g.dst, h.dst);
  EXPECT_EQ(g.rev, h.rev);
  EXPECT_EQ(g.ids, h.ids);
}

TEST(Graph, NodeFeatures) {
  for (int dim : {2, 3}) {
    auto c = random_config(3000, dim, 1.2, 8);
    for (std::size_t i = 0; i < c.n(); i += 7) c.type[i] = 3;  // a third type
    const double side = 0.3 * c.box.length[0];
    Window w = cut_window(c.box, c.x.data(), c.n(), straddling_origin(c.box, side), side, true);
    Graph g = knn_graph(w, c.type.data(), nullptr, 2, 4);  // 4 types declared, 3 present
    ASSERT_EQ(g.node_dim, 4);
    EXPECT_EQ(node_feature_dim(NodeFeatures::type_onehot, 4, dim), 4);
    for (int v = 0; v < g.n_nodes; ++v) {
      const int t = c.type[w.members[v]];
      for (int f = 0; f < 4; ++f) EXPECT_EQ(g.x[v * 4 + f], f == t - 1 ? 1.0f : 0.0f);
    }
    Graph h = knn_graph(w, c.type.data(), nullptr, 2, 4, NodeFeatures::type_xy);
    ASSERT_EQ(h.node_dim, 1 + dim);
    EXPECT_EQ(node_feature_dim(NodeFeatures::type_xy, 4, dim), 1 + dim);
    for (int v = 0; v < h.n_nodes; ++v) {
      EXPECT_EQ(h.x[v * h.node_dim], float(c.type[w.members[v]]));
      for (int a = 0; a < dim; ++a) {
        const float f = h.x[v * h.node_dim + 1 + a];
        EXPECT_FLOAT_EQ(f, float(w.local[3 * v + a] / side));
        EXPECT_GE(f, 0.0f);
        EXPECT_LE(f, 1.0f);
      }
    }
    // The features do not change the edges.
    EXPECT_EQ(g.src, h.src);
    EXPECT_EQ(g.dst, h.dst);
    EXPECT_EQ(g.e, h.e);
  }
}

TEST(Graph, TranslationInvariance) {
  for (int dim : {2, 3}) {
    auto c = random_config(dim == 2 ? 4320 : 3000, dim, 1.2, 13);
    const double L = c.box.length[0];
    const double side = 0.2 * L;
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u(-2 * L, 2 * L);
    for (int r = 0; r < 5; ++r) {
      std::array<double, 3> t{u(rng), u(rng), dim == 3 ? u(rng) : 0.0};
      std::array<double, 3> o = {u(rng), u(rng), dim == 3 ? u(rng) : 0.0};
      auto moved = c;
      std::array<double, 3> o2 = o;
      for (int a = 0; a < dim; ++a) {
        o2[a] += t[a];
        for (std::size_t i = 0; i < c.n(); ++i) {
          double &v = moved.x[3 * i + a];
          v += t[a];
          if (i % 2) v -= L * std::floor(v / L);  // half of them wrapped back into the box
        }
      }
      Window w1 = cut_window(c.box, c.x.data(), c.n(), o, side, true);
      Window w2 = cut_window(moved.box, moved.x.data(), moved.n(), o2, side, true);
      ASSERT_EQ(w1.members, w2.members);
      Graph g1 = knn_graph(w1, c.type.data(), nullptr, 3, 2);
      Graph g2 = knn_graph(w2, moved.type.data(), nullptr, 3, 2);
      EXPECT_EQ(g1.src, g2.src);
      EXPECT_EQ(g1.dst, g2.dst);
      EXPECT_EQ(g1.rev, g2.rev);
      EXPECT_EQ(g1.ids, g2.ids);
      EXPECT_EQ(g1.x, g2.x);
      ASSERT_EQ(g1.e.size(), g2.e.size());
      for (std::size_t b = 0; b < g1.e.size(); ++b) EXPECT_FLOAT_EQ(g1.e[b], g2.e[b]);
    }
  }
}

TEST(Graph, RotationBy90DegreesKeepsEdgesAndDistances) {
  for (int dim : {2, 3}) {
    auto c = random_config(dim == 2 ? 4320 : 3000, dim, 1.2, 17);
    const double side = 0.25 * c.box.length[0];
    Window w = cut_window(c.box, c.x.data(), c.n(), straddling_origin(c.box, side), side, true);
    Graph g = knn_graph(w, c.type.data(), nullptr, 3, 2);
    Window rot = w;
    for (int turn = 1; turn <= 3; ++turn) {
      // (x, y) -> (side - y, x): a quarter turn about the window centre (z unchanged).
      for (std::size_t i = 0; i < rot.size(); ++i) {
        const double px = rot.local[3 * i], py = rot.local[3 * i + 1];
        rot.local[3 * i] = side - py;
        rot.local[3 * i + 1] = px;
      }
      Graph h = knn_graph(rot, c.type.data(), nullptr, 3, 2);
      EXPECT_EQ(g.src, h.src) << "turn " << turn;
      EXPECT_EQ(g.dst, h.dst) << "turn " << turn;
      EXPECT_EQ(g.rev, h.rev);
      EXPECT_EQ(g.x, h.x);
      ASSERT_EQ(g.e.size(), h.e.size());
      for (std::size_t b = 0; b < g.e.size(); ++b) EXPECT_NEAR(g.e[b], h.e[b], 1e-5f);
    }
  }
}

TEST(Graph, Errors) {
  auto c = random_config(2000, 2, 1.2, 2);
  const double L = c.box.length[0];
  Window w = cut_window(c.box, c.x.data(), c.n(), {0, 0, 0}, 0.2 * L, true);
  EXPECT_THROW(knn_graph(w, c.type.data(), nullptr, 0, 2), std::invalid_argument);
  EXPECT_THROW(knn_graph(w, c.type.data(), nullptr, -1, 2), std::invalid_argument);
  EXPECT_THROW(knn_graph(w, c.type.data(), nullptr, 2, 0), std::invalid_argument);
  // A type outside 1..ntypes.
  EXPECT_THROW(knn_graph(w, c.type.data(), nullptr, 2, 1), std::invalid_argument);
  auto bad = c;
  bad.type[w.members[3]] = 0;
  try {
    knn_graph(w, bad.type.data(), nullptr, 2, 2);
    ADD_FAILURE() << "type 0 accepted";
  } catch (const std::invalid_argument &e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("id " + std::to_string(w.members[3] + 1)), std::string::npos) << msg;
    EXPECT_NE(msg.find("type 0"), std::string::npos) << msg;
  }
  // Too few particles: the message says which window and how many.
  const std::array<double, 3> near0{c.x[0] - 0.5, c.x[1] - 0.5, 0.0};
  Window tiny = cut_window(c.box, c.x.data(), c.n(), near0, 1.0, true);
  ASSERT_GE(tiny.size(), 1u);
  ASSERT_LE(tiny.size(), 6u);
  const int k = static_cast<int>(tiny.size());
  try {
    knn_graph(tiny, c.type.data(), nullptr, k, 2);
    ADD_FAILURE() << "window with k particles accepted";
  } catch (const std::invalid_argument &e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("origin ("), std::string::npos) << msg;
    EXPECT_NE(msg.find("holds " + std::to_string(tiny.size()) + " particles"), std::string::npos)
        << msg;
  }
  Window empty = cut_window(c.box, c.x.data(), 0, {0, 0, 0}, 1.0, true);
  EXPECT_THROW(knn_graph(empty, c.type.data(), nullptr, 1, 2), std::invalid_argument);
  if (tiny.size() >= 2) {
    EXPECT_NO_THROW(knn_graph(tiny, c.type.data(), nullptr, k - 1, 2));
  }
}

// ---- batches ----------------------------------------------------------------------------------

TEST(Graph, BatchOffsets) {
  auto c = random_config(4320, 2, 1.2, 5);
  const double L = c.box.length[0];
  std::vector<Graph> graphs;
  std::mt19937_64 rng(2);
  for (double frac : {0.1, 0.2, 0.15, 0.3}) {
    WindowOptions opts;
    opts.side = frac;
    Window w = cut_window(c.box, c.x.data(), c.n(), random_window_origin(c.box, opts, rng),
                          frac * L, true);
    graphs.push_back(knn_graph(w, c.type.data(), nullptr, 2, 2));
  }
  const std::vector<float> labels{1, 0, 1, 0};
  GraphBatch b = batch(graphs, labels);
  ASSERT_EQ(b.n_graphs, 4);
  EXPECT_EQ(b.node_dim, 2);
  EXPECT_EQ(b.edge_dim, 1);
  EXPECT_EQ(b.label, labels);
  ASSERT_EQ(b.node_offset.size(), 5u);
  ASSERT_EQ(b.edge_offset.size(), 5u);
  EXPECT_EQ(b.node_offset[0], 0);
  EXPECT_EQ(b.edge_offset[0], 0);
  for (int g = 0; g < 4; ++g) {
    EXPECT_EQ(b.node_offset[g + 1] - b.node_offset[g], graphs[g].n_nodes);
    EXPECT_EQ(b.edge_offset[g + 1] - b.edge_offset[g], graphs[g].n_edges);
  }
  EXPECT_EQ(b.node_offset[4], b.n_nodes);
  EXPECT_EQ(b.edge_offset[4], b.n_edges);
  ASSERT_EQ(b.x.size(), std::size_t(b.n_nodes) * b.node_dim);
  ASSERT_EQ(b.e.size(), std::size_t(b.n_edges) * b.edge_dim);
  ASSERT_EQ(b.src.size(), std::size_t(b.n_edges));
  ASSERT_EQ(b.node_graph.size(), std::size_t(b.n_nodes));
  ASSERT_EQ(b.edge_graph.size(), std::size_t(b.n_edges));
  ASSERT_EQ(b.ids.size(), std::size_t(b.n_nodes));
  for (int g = 0; g < 4; ++g) {
    const Graph &gr = graphs[g];
    const auto no = b.node_offset[g], eo = b.edge_offset[g];
    for (int v = 0; v < gr.n_nodes; ++v) {
      EXPECT_EQ(b.node_graph[no + v], g);
      EXPECT_EQ(b.ids[no + v], gr.ids[v]);
      for (int f = 0; f < b.node_dim; ++f)
        EXPECT_EQ(b.x[(no + v) * b.node_dim + f], gr.x[v * gr.node_dim + f]);
    }
    for (int e = 0; e < gr.n_edges; ++e) {
      const auto be = eo + e;
      EXPECT_EQ(b.edge_graph[be], g);
      EXPECT_GE(b.src[be], b.node_offset[g]);
      EXPECT_LT(b.src[be], b.node_offset[g + 1]);
      EXPECT_GE(b.dst[be], b.node_offset[g]);
      EXPECT_LT(b.dst[be], b.node_offset[g + 1]);
      EXPECT_EQ(b.src[be], gr.src[e] + no);
      EXPECT_EQ(b.dst[be], gr.dst[e] + no);
      EXPECT_EQ(b.rev[be], gr.rev[e] + eo);
      EXPECT_EQ(b.rev[b.rev[be]], be);
      EXPECT_EQ(b.e[be], gr.e[e]);
    }
  }
  // The pointer overload gives the same batch; labels are optional.
  std::vector<const Graph *> ptrs{&graphs[2], &graphs[0]};
  GraphBatch p = batch(ptrs);
  EXPECT_TRUE(p.label.empty());
  EXPECT_EQ(p.n_nodes, graphs[2].n_nodes + graphs[0].n_nodes);
  EXPECT_EQ(p.node_offset[1], graphs[2].n_nodes);
  EXPECT_EQ(p.src[graphs[2].n_edges], graphs[0].src[0] + graphs[2].n_nodes);

  // batch_into a reused batch (here a larger one) gives the same arrays.
  GraphBatch reused = batch(graphs);
  batch_into(ptrs, {}, reused);
  EXPECT_EQ(reused.n_graphs, 2);
  EXPECT_EQ(reused.n_nodes, p.n_nodes);
  EXPECT_EQ(reused.x, p.x);
  EXPECT_EQ(reused.e, p.e);
  EXPECT_EQ(reused.src, p.src);
  EXPECT_EQ(reused.dst, p.dst);
  EXPECT_EQ(reused.rev, p.rev);
  EXPECT_EQ(reused.node_graph, p.node_graph);
  EXPECT_EQ(reused.edge_graph, p.edge_graph);
  EXPECT_EQ(reused.node_offset, p.node_offset);
  EXPECT_EQ(reused.edge_offset, p.edge_offset);
  EXPECT_EQ(reused.ids, p.ids);
  EXPECT_TRUE(reused.label.empty());

  GraphBatch none = batch(std::vector<Graph>{});
  EXPECT_EQ(none.n_graphs, 0);
  EXPECT_EQ(none.node_offset, std::vector<std::int64_t>{0});

  EXPECT_THROW(batch(graphs, std::vector<float>{1, 0}), std::invalid_argument);
  Graph broken = graphs[0];
  broken.rev.pop_back();
  EXPECT_THROW(batch(std::vector<const Graph *>{&broken}), std::invalid_argument);
  Graph other = graphs[0];
  other.node_dim = 3;
  other.x.resize(std::size_t(other.n_nodes) * 3);
  graphs.push_back(other);
  EXPECT_THROW(batch(graphs), std::invalid_argument);
}

TEST(Graph, SameSeedSameBatch) {
  auto c = random_config(4320, 2, 1.2, 6);
  auto make = [&](unsigned seed) {
    std::mt19937_64 rng(seed);
    WindowOptions opts;
    std::vector<Graph> gs;
    for (int r = 0; r < 5; ++r) {
      Window w = cut_window(c.box, c.x.data(), c.n(), random_window_origin(c.box, opts, rng),
                            window_side(c.box, opts), true);
      gs.push_back(knn_graph(w, c.type.data(), nullptr, 2, 2));
    }
    return batch(gs);
  };
  GraphBatch a = make(7), b = make(7), d = make(8);
  EXPECT_EQ(a.src, b.src);
  EXPECT_EQ(a.dst, b.dst);
  EXPECT_EQ(a.e, b.e);
  EXPECT_EQ(a.ids, b.ids);
  EXPECT_NE(a.ids, d.ids);
}
