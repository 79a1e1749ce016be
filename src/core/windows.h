// Windows for the D-MPNN of Swanson et al., Soft Matter 16, 435 (2020): the square (2D) or cubic
// (3D) regions of a configuration whose particles form one graph (window_graph.h). The trainer cuts
// windows at random origins (random_window_origin, cut_window); `compute glass/mpnn` and
// `mlglass eval --tile` tile the box (tile_origins) and cut many windows of one configuration with
// a WindowCutter. What is cut, exactly, is described in doc/graphs.rst.
#pragma once

#include "cell_list.h"
#include "periodic_box.h"

#include <array>
#include <cstdint>
#include <random>
#include <vector>

namespace mlglass {

struct WindowOptions {
  double side = 0.2;            // window edge length
  bool side_is_fraction = true;  // side is a fraction of the box edge (square/cubic box), else distance
  enum class Offsets {
    independent,  // one uniform draw per axis (default)
    diagonal,     // the authors' code: one draw for all axes, windows along the box diagonal
  };
  Offsets offsets = Offsets::independent;
  // true (default): minimum-image geometry, windows may wrap across periodic boundaries.
  // false (the authors' choice): a window lies inside the box; particles are taken at their image
  // inside the box and no periodic images are used.
  bool periodic = true;
};

// The window edge in distance units. With side_is_fraction the box must be square (cubic in 3D) to
// a relative 1e-6. Throws std::invalid_argument for side <= 0, a side larger than a box edge, or a
// fraction on a non-square box.
double window_side(const PeriodicBox &box, const WindowOptions &opts);

// A random window origin. Along an axis on which the window can wrap (opts.periodic and the box is
// periodic there) the origin is uniform in [lo, lo + L); otherwise in [lo, lo + L - side]. The
// draws are u = (rng() >> 11) * 2^-53, one per axis x, y(, z) in that order (independent) or one
// for all axes (diagonal); bit-identical on every platform for a given seed. In 2D origin[2] = lo[2].
std::array<double, 3> random_window_origin(const PeriodicBox &box, const WindowOptions &opts,
                                           std::mt19937_64 &rng);

struct Window {
  int dim = 3;
  std::array<double, 3> origin{0.0, 0.0, 0.0};
  double side = 0.0;
  bool periodic = true;
  std::vector<int> members;   // indices into the configuration, ascending
  std::vector<double> local;  // members x 3: position - origin, in [0, side) per axis (z = 0 in 2D)
  std::size_t size() const { return members.size(); }
};

// The particles of a window: particle i is a member if its displacement from the origin lies in
// [0, side) along every axis of the box dimension. With periodic = true the displacement is
// wrapped into [0, L) along the box's periodic axes (coordinates may be unwrapped); with
// periodic = false the particle is first mapped to its image inside the box along periodic axes
// and the displacement is not wrapped (the window never reaches across a boundary).
// Throws std::invalid_argument if side <= 0, side > the box length on some axis (a window never
// sees a particle twice), or a coordinate is not finite.
Window cut_window(const PeriodicBox &box, const double *x, std::size_t n,
                  const std::array<double, 3> &origin, double side, bool periodic = true);

// Many windows of one configuration (the tiling of compute glass/mpnn and `mlglass eval --tile`):
// the particles are binned into a CellList once, and each window tests only the particles of the
// cells it overlaps -- O(window) per window instead of cut_window's O(n). cut(origin) returns exactly
// cut_window(box, x, n, origin, side, periodic): the same membership test on the same particles,
// in the same ascending order. x must stay valid and unchanged while the cutter is used. Throws
// std::invalid_argument like cut_window (bad side or origin), and at construction for a
// non-finite coordinate of any particle (cut_window lets +-inf pass on a non-periodic axis).
class WindowCutter {
 public:
  WindowCutter(const PeriodicBox &box, const double *x, std::size_t n, double side,
               bool periodic = true);
  Window cut(const std::array<double, 3> &origin) const;
  std::array<int, 3> cells() const { return cells_.cells(); }

 private:
  PeriodicBox box_;
  const double *x_;
  std::size_t n_;
  double side_;
  bool periodic_;
  CellList cells_;  // cells of at least half a window per axis
};

// The windows of a tiling of the box, without storing them: window w has the origin
// lo + i * stride per axis, i = 0 .. ceil(L / stride) - 1 (L / stride within a relative 1e-9 of an
// integer counts as that integer), numbered x fastest, then y, then z; origin[2] = lo[2] in 2D.
// With periodic windows and stride <= side every particle is in at least one window; with
// stride = side = L / m exactly once. Throws std::invalid_argument for stride <= 0, a bad side
// (cut_window's rules) or more than 1e7 windows.
class TileGrid {
 public:
  TileGrid(const PeriodicBox &box, double side, double stride);
  std::int64_t size() const { return counts_[0] * counts_[1] * counts_[2]; }
  const std::array<std::int64_t, 3> &counts() const { return counts_; }
  double side() const { return side_; }
  std::array<double, 3> origin(std::int64_t w) const;

  // Appends the windows that may hold a particle at p (any image of it), ascending: every window whose
  // cut (cut_window, periodic or not) holds the particle is listed, and so are windows that miss
  // it by less than a relative 1e-9 of the box. Who needs a window's particles (compute glass/mpnn
  // sends each atom to the ranks owning these windows) gets them all. Throws std::invalid_argument
  // for a non-finite coordinate.
  void windows_near(const double *p, std::vector<std::int64_t> &out) const;

 private:
  PeriodicBox box_;
  double side_, stride_;
  std::array<std::int64_t, 3> counts_{1, 1, 1};
};

// All origins of the tiling, TileGrid(box, side, stride).origin(w) for w = 0 .. size() - 1.
std::vector<std::array<double, 3>> tile_origins(const PeriodicBox &box, double side, double stride);

}  // namespace mlglass
