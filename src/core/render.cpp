#include "render.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace mlglass {

std::array<float, 3> type_colour(int type) {
  static constexpr float kPalette[kMaxImageTypes][3] = {{1, 0, 0}, {0, 0, 1}, {0, 1, 0},
                                                        {1, 1, 0}, {1, 0, 1}, {0, 1, 1}};
  if (type < 1 || type > kMaxImageTypes)
    throw std::invalid_argument("image: no colour for atom type " + std::to_string(type) +
                                " (at most " + std::to_string(kMaxImageTypes) + " types)");
  return {kPalette[type - 1][0], kPalette[type - 1][1], kPalette[type - 1][2]};
}

std::string validate(const RenderOptions &o, int ntypes) {
  if (o.size < 1) return "image size must be >= 1 pixel";
  if (ntypes < 1 || ntypes > kMaxImageTypes)
    return "images colour at most " + std::to_string(kMaxImageTypes) + " atom types, not " +
           std::to_string(ntypes);
  if (int(o.diameters.size()) != ntypes)
    return "need one disc diameter per atom type: " + std::to_string(o.diameters.size()) +
           " diameters for " + std::to_string(ntypes) + " types";
  for (double d : o.diameters)
    if (!(d > 0.0) || !std::isfinite(d)) return "disc diameters must be > 0";
  return "";
}

void render_window(const Window &w, const int *types, const RenderOptions &o, float *image) {
  if (w.dim != 2) throw std::invalid_argument("image: only 2D windows can be rendered");
  const int ntypes = int(o.diameters.size());
  if (const std::string why = validate(o, ntypes); !why.empty())
    throw std::invalid_argument("image: " + why);
  if (!(w.side > 0.0)) throw std::invalid_argument("image: window side must be > 0");
  const int S = o.size;
  const std::size_t plane = std::size_t(S) * S;
  std::fill(image, image + 3 * plane, 0.0f);
  const double h = w.side / S;  // pixel edge, distance units
  for (std::size_t m = 0; m < w.members.size(); ++m) {
    const int t = types[w.members[m]];
    if (t < 1 || t > ntypes)
      throw std::invalid_argument("image: atom type " + std::to_string(t) + " outside 1.." +
                                  std::to_string(ntypes));
    const auto colour = type_colour(t);
    const double r = 0.5 * o.diameters[t - 1], r2 = r * r;
    const double x = w.local[3 * m], y = w.local[3 * m + 1];
    // pixels whose centre (i + 0.5) h can lie within r of the particle
    const int c0 = std::max(0, int(std::ceil((x - r) / h - 0.5)));
    const int c1 = std::min(S - 1, int(std::floor((x + r) / h - 0.5)));
    const int r0 = std::max(0, int(std::ceil((y - r) / h - 0.5)));
    const int r1 = std::min(S - 1, int(std::floor((y + r) / h - 0.5)));
    for (int row = r0; row <= r1; ++row) {
      const double dy = (row + 0.5) * h - y;
      for (int col = c0; col <= c1; ++col) {
        const double dx = (col + 0.5) * h - x;
        if (dx * dx + dy * dy > r2) continue;
        const std::size_t p = std::size_t(row) * S + col;
        for (int c = 0; c < 3; ++c) image[c * plane + p] = colour[c];
      }
    }
  }
}

void augment_image(const float *in, float *out, int channels, int size, int quarter_turns,
                   bool flip) {
  const int S = size, q = ((quarter_turns % 4) + 4) % 4;
  const std::size_t plane = std::size_t(S) * S;
  for (int row = 0; row < S; ++row)
    for (int col = 0; col < S; ++col) {
      const int c = flip ? S - 1 - col : col;  // mirror first, then rotate
      int r2 = row, c2 = c;  // counter-clockwise quarter turns: (r, c) -> (S-1-c, r)
      for (int k = 0; k < q; ++k) {
        const int t = r2;
        r2 = S - 1 - c2;
        c2 = t;
      }
      const std::size_t from = std::size_t(row) * S + col, to = std::size_t(r2) * S + c2;
      for (int ch = 0; ch < channels; ++ch) out[ch * plane + to] = in[ch * plane + from];
    }
}

}  // namespace mlglass
