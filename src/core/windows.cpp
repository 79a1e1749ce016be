#include "windows.h"

#include "number_text.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace mlglass {

namespace {


void check_side(const PeriodicBox &box, double side, const char *who) {
  if (!(side > 0.0) || !std::isfinite(side))
    throw std::invalid_argument(std::string(who) + ": window side must be > 0, got " + number_text(side));
  for (int a = 0; a < box.dim; ++a)
    if (side > box.length[a])
      throw std::invalid_argument(std::string(who) + ": window side " + number_text(side) +
                                  " exceeds the box length " + number_text(box.length[a]) + " along " +
                                  "xyz"[a] + " (a window could see a particle twice)");
}

void check_dim(const PeriodicBox &box, const char *who) {
  if (box.dim != 2 && box.dim != 3)
    throw std::invalid_argument(std::string(who) + ": box dimension must be 2 or 3, got " +
                                std::to_string(box.dim));
}

inline double uniform01(std::mt19937_64 &rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0, 1), 53 random bits
}

// The particles a window is cut from: all of 0 .. n-1 (cut_window) or an ascending list of
// candidates (WindowCutter); the same loops run over either.
struct AllParticles {
  std::size_t n;
  std::size_t size() const { return n; }
  std::size_t operator[](std::size_t k) const { return k; }
};
struct ListedParticles {
  const std::vector<int> &list;
  std::size_t size() const { return list.size(); }
  std::size_t operator[](std::size_t k) const { return static_cast<std::size_t>(list[k]); }
};

// The common case of cut_window (periodic box, periodic window), free of data-dependent branches
// for coordinates within one box length of the origin (wrapped dumps); anything else (unwrapped
// coordinates, NaN) takes a rarely taken slow path.
template <int DIM, class Particles>
void cut_wrapped(const PeriodicBox &box, const double *x, const Particles &particles,
                 const std::array<double, 3> &origin, double side, Window &w) {
  double L[3], o[3];
  for (int a = 0; a < 3; ++a) {
    L[a] = box.length[a];
    o[a] = origin[a];
  }
  for (std::size_t k = 0; k < particles.size(); ++k) {
    const std::size_t i = particles[k];
    const double *p = x + 3 * i;
    double d[3] = {0.0, 0.0, 0.0};
    bool bad = false, in = true;
    for (int a = 0; a < DIM; ++a) {
      double v = p[a] - o[a];
      v += L[a] * static_cast<double>(v < 0.0);
      bad |= !(v >= 0.0) | !(v < L[a]);
      in &= v < side;
      d[a] = v;
    }
    if (__builtin_expect(bad, 0)) {
      in = true;
      for (int a = 0; a < DIM; ++a) {
        const double v = wrap_periodic(p[a] - o[a], L[a]);
        if (std::isnan(v))
          throw std::invalid_argument("cut_window: particle " + std::to_string(i) +
                                      " has a non-finite coordinate");
        in &= v < side;
        d[a] = v;
      }
    }
    if (!in) continue;
    w.members.push_back(static_cast<int>(i));
    w.local.insert(w.local.end(), d, d + 3);
  }
}

}  // namespace

double window_side(const PeriodicBox &box, const WindowOptions &opts) {
  check_dim(box, "window");
  if (!(opts.side > 0.0) || !std::isfinite(opts.side))
    throw std::invalid_argument("window: side must be > 0, got " + number_text(opts.side));
  double side = opts.side;
  if (opts.side_is_fraction) {
    const double L = box.length[0];
    for (int a = 1; a < box.dim; ++a)
      if (std::fabs(box.length[a] - L) > 1e-6 * L)
        throw std::invalid_argument(
            "window: a side given as a fraction of the box needs a square (cubic) box, the box "
            "is " + number_text(box.length[0]) + " x " + number_text(box.length[1]) +
            (box.dim == 3 ? " x " + number_text(box.length[2]) : std::string()) +
            "; give the side in distance units");
    if (opts.side > 1.0)
      throw std::invalid_argument("window: side fraction must be in (0, 1], got " +
                                  number_text(opts.side));
    side = opts.side * L;
    // The fraction 1 must give a window that fits along every axis despite the 1e-6 tolerance.
    for (int a = 0; a < box.dim; ++a) side = std::min(side, box.length[a]);
  }
  check_side(box, side, "window");
  return side;
}

std::array<double, 3> random_window_origin(const PeriodicBox &box, const WindowOptions &opts,
                                           std::mt19937_64 &rng) {
  const double side = window_side(box, opts);
  std::array<double, 3> origin = box.lo;
  const double shared = opts.offsets == WindowOptions::Offsets::diagonal ? uniform01(rng) : 0.0;
  for (int a = 0; a < box.dim; ++a) {
    const double u = opts.offsets == WindowOptions::Offsets::diagonal ? shared : uniform01(rng);
    const double L = box.length[a];
    const bool wraps = opts.periodic && box.periodic[a];
    origin[a] = box.lo[a] + u * (wraps ? L : L - side);
    if (wraps && origin[a] >= box.lo[a] + L) origin[a] = box.lo[a];  // u * L rounded up to L
  }
  return origin;
}

namespace {

// cut_window over the given particles (all, or WindowCutter's candidates); n is the size of the
// whole configuration.
template <class Particles>
Window cut_particles(const PeriodicBox &box, const double *x, std::size_t n,
                     const Particles &particles, const std::array<double, 3> &origin, double side,
                     bool periodic) {
  check_dim(box, "cut_window");
  check_side(box, side, "cut_window");
  for (int a = 0; a < box.dim; ++a)
    if (!std::isfinite(origin[a]))
      throw std::invalid_argument("cut_window: the window origin is not finite");

  Window w;
  w.dim = box.dim;
  w.origin = origin;
  w.side = side;
  w.periodic = periodic;
  // Expected membership (side / L)^dim of n, plus a margin for density fluctuations.
  double frac = 1.0;
  for (int a = 0; a < box.dim; ++a) frac *= side / box.length[a];
  const std::size_t expect = static_cast<std::size_t>(frac * n * 1.25) + 16;
  w.members.reserve(std::min(particles.size(), expect));
  w.local.reserve(3 * std::min(particles.size(), expect));

  const int dim = box.dim;
  // Per axis: 1 = wrap the displacement (periodic window), 2 = map the particle into the box first
  // (non-periodic window on a periodic axis), 0 = plain displacement.
  int mode[3] = {0, 0, 0};
  bool all_wrap = true;
  for (int a = 0; a < dim; ++a) {
    if (box.periodic[a]) mode[a] = periodic ? 1 : 2;
    all_wrap = all_wrap && mode[a] == 1;
  }
  auto non_finite = [](std::size_t i) {
    return std::invalid_argument("cut_window: particle " + std::to_string(i) +
                                 " has a non-finite coordinate");
  };

  if (all_wrap) {
    if (dim == 2)
      cut_wrapped<2>(box, x, particles, origin, side, w);
    else
      cut_wrapped<3>(box, x, particles, origin, side, w);
    return w;
  }

  for (std::size_t k = 0; k < particles.size(); ++k) {
    const std::size_t i = particles[k];
    const double *p = x + 3 * i;
    double d[3] = {0.0, 0.0, 0.0};
    bool inside = true;
    for (int a = 0; a < dim; ++a) {
      const double L = box.length[a];
      double v = p[a] - origin[a];
      if (mode[a] == 1) {
        v = wrap_periodic(v, L);
      } else if (mode[a] == 2) {
        const double s = p[a] - box.lo[a];
        if (!(s >= 0.0 && s < L)) v -= L * std::floor(s / L);
      }
      if (std::isnan(v)) throw non_finite(i);
      d[a] = v;
      inside &= v >= 0.0 && v < side;
    }
    if (!inside) continue;
    w.members.push_back(static_cast<int>(i));
    w.local.insert(w.local.end(), d, d + 3);
  }
  return w;
}

}  // namespace

Window cut_window(const PeriodicBox &box, const double *x, std::size_t n,
                  const std::array<double, 3> &origin, double side, bool periodic) {
  return cut_particles(box, x, n, AllParticles{n}, origin, side, periodic);
}

namespace {

// The cutter's grid, after the checks cut_window makes: cells of at least half a window per axis
// (a window then overlaps at most 3 of them, 5 with the guard cells of cut()), and not many more
// cells than particles.
std::array<int, 3> cutter_cells(const PeriodicBox &box, std::size_t n, double side) {
  check_dim(box, "WindowCutter");
  check_side(box, side, "WindowCutter");
  std::array<int, 3> ncell{1, 1, 1};
  for (int a = 0; a < box.dim; ++a)
    ncell[a] = static_cast<int>(std::clamp(std::floor(2.0 * box.length[a] / side), 1.0, 1e6));
  return CellList::capped(ncell, box.dim, n);
}

}  // namespace

WindowCutter::WindowCutter(const PeriodicBox &box, const double *x, std::size_t n, double side,
                           bool periodic)
    : box_(box),
      x_(x),
      n_(n),
      side_(side),
      periodic_(periodic),
      cells_(box, x, n, cutter_cells(box, n, side), "cut_window") {}

Window WindowCutter::cut(const std::array<double, 3> &origin) const {
  for (int a = 0; a < box_.dim; ++a)
    if (!std::isfinite(origin[a]))
      throw std::invalid_argument("cut_window: the window origin is not finite");
  // Per axis the cells that can hold members, with one guard cell on each side against
  // round-off between a particle's cell and the membership test (which alone decides).
  std::array<std::vector<int>, 3> range;
  for (int a = 0; a < 3; ++a) {
    if (a >= box_.dim) {
      range[a] = {0};
      continue;
    }
    const int m = cells_.cells()[a];
    const double L = box_.length[a];
    const double lo = origin[a] - box_.lo[a];
    if (box_.periodic[a] && periodic_) {  // the window wraps: cells modulo m
      const double first = std::floor(wrap_periodic(lo, L) * m / L) - 1.0;
      const double count = std::ceil(side_ * m / L) + 3.0;
      if (count >= m) {
        for (int c = 0; c < m; ++c) range[a].push_back(c);
      } else {
        for (int c = 0; c < int(count); ++c) range[a].push_back(((int(first) + c) % m + m) % m);
      }
    } else {  // particles were clamped into the edge cells: clamp the window's cells alike
      const double first = std::clamp(std::floor(lo * m / L) - 1.0, 0.0, double(m - 1));
      const double last = std::clamp(std::floor((lo + side_) * m / L) + 1.0, 0.0, double(m - 1));
      for (int c = int(first); c <= int(last); ++c) range[a].push_back(c);
    }
  }
  std::vector<int> candidates;
  for (const int cz : range[2])
    for (const int cy : range[1])
      for (const int cx : range[0]) {
        const int c = cells_.index(cx, cy, cz);
        candidates.insert(candidates.end(), cells_.begin(c), cells_.end(c));
      }
  std::sort(candidates.begin(), candidates.end());
  return cut_particles(box_, x_, n_, ListedParticles{candidates}, origin, side_, periodic_);
}


TileGrid::TileGrid(const PeriodicBox &box, double side, double stride)
    : box_(box), side_(side), stride_(stride) {
  check_dim(box, "tile_origins");
  check_side(box, side, "tile_origins");
  if (!(stride > 0.0) || !std::isfinite(stride))
    throw std::invalid_argument("tile_origins: stride must be > 0, got " + number_text(stride));
  double count[3] = {1.0, 1.0, 1.0}, total = 1.0;
  for (int a = 0; a < box.dim; ++a) {
    const double q = box.length[a] / stride;
    const double r = std::nearbyint(q);
    count[a] = std::max(1.0, std::fabs(q - r) <= 1e-9 * q ? r : std::ceil(q));
    total *= count[a];
  }
  if (total > 1e7)
    throw std::invalid_argument("tile_origins: stride " + number_text(stride) + " gives " +
                                number_text(total) + " windows (more than 1e7)");
  for (int a = 0; a < 3; ++a) counts_[a] = static_cast<std::int64_t>(count[a]);
}

std::array<double, 3> TileGrid::origin(std::int64_t w) const {
  const std::int64_t idx[3] = {w % counts_[0], (w / counts_[0]) % counts_[1],
                               w / (counts_[0] * counts_[1])};
  std::array<double, 3> o = box_.lo;
  for (int a = 0; a < box_.dim; ++a) o[a] = box_.lo[a] + static_cast<double>(idx[a]) * stride_;
  return o;
}

void TileGrid::windows_near(const double *p, std::vector<std::int64_t> &out) const {
  std::array<std::vector<std::int64_t>, 3> near;
  for (int a = 0; a < 3; ++a) {
    if (a >= box_.dim) {
      near[a] = {0};
      continue;
    }
    if (!std::isfinite(p[a]))
      throw std::invalid_argument("tile windows: a particle has a non-finite coordinate");
    const double L = box_.length[a], margin = 1e-9 * L;
    double d = p[a] - box_.lo[a];
    d -= L * std::floor(d / L);
    // window i covers [i * stride, i * stride + side), wrapped: origins within (d - side, d] of
    // the particle or of its images d - L and d + L
    for (const double image : {d - L, d, d + L}) {
      const double first = std::max(0.0, std::ceil((image - side_ - margin) / stride_));
      const double last =
          std::min(double(counts_[a] - 1), std::floor((image + margin) / stride_));
      for (double i = first; i <= last; i += 1.0) near[a].push_back(static_cast<std::int64_t>(i));
    }
    std::sort(near[a].begin(), near[a].end());
    near[a].erase(std::unique(near[a].begin(), near[a].end()), near[a].end());
  }
  for (const std::int64_t iz : near[2])
    for (const std::int64_t iy : near[1])
      for (const std::int64_t ix : near[0]) out.push_back(ix + counts_[0] * (iy + counts_[1] * iz));
}

std::vector<std::array<double, 3>> tile_origins(const PeriodicBox &box, double side,
                                                double stride) {
  const TileGrid grid(box, side, stride);
  std::vector<std::array<double, 3>> origins;
  origins.reserve(static_cast<std::size_t>(grid.size()));
  for (std::int64_t w = 0; w < grid.size(); ++w) origins.push_back(grid.origin(w));
  return origins;
}

}  // namespace mlglass
