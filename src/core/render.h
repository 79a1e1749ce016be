// Images of windows for the CNN baseline of Swanson et al., Soft Matter 16, 435 (2020): every
// particle of a window is drawn as a filled disc of its diameter (sigma) in its type's colour on a
// black square canvas that covers the window. The CNN trainer renders the windows the D-MPNN would
// see (window_graph.h: random_window_origin, cut_window), so both models train on the same regions.
// What is drawn, exactly, is described in doc/model.rst ("The CNN baseline").
#pragma once

#include <array>
#include <string>
#include <vector>

#include "window_graph.h"

namespace mlglass {

struct RenderOptions {
  int size = 250;                            // image edge in pixels (square images)
  std::vector<double> diameters{1.0, 0.88};  // disc diameter of LAMMPS type t = diameters[t-1]
};

// RGB colour of LAMMPS type t (1-based) in [0, 1]: red, blue, green, yellow, magenta, cyan.
inline constexpr int kMaxImageTypes = 6;
std::array<float, 3> type_colour(int type);

// Empty if valid for `ntypes` types, else what is wrong (size < 1, a diameter count other than
// ntypes, a diameter <= 0 or not finite, ntypes outside 1..kMaxImageTypes).
std::string validate(const RenderOptions &options, int ntypes);

// Draws a 2D window into `image` (3 x size x size floats, channel-major: image[(c * size + row) *
// size + col]); the canvas is window.side wide, pixel (row, col) has its centre at local position
// ((col + 0.5) h, (row + 0.5) h) with h = side / size (rows follow +y). A pixel takes the colour of
// a particle if its centre lies within the particle's disc (distance <= diameter / 2); where discs
// overlap the later member wins. Background 0. Only members are drawn (discs are clipped at the
// window's edge). Throws std::invalid_argument for a 3D window, invalid options or a type outside
// 1..diameters.size().
void render_window(const Window &window, const int *types, const RenderOptions &options,
                   float *image);

// The dihedral-group augmentation of square images (`channels` x size x size, channel-major):
// rotation by quarter_turns x 90 degrees counter-clockwise (in row/col index space), preceded by a
// left-right mirror if flip. A permutation of the pixels of every channel; out != in.
void augment_image(const float *in, float *out, int channels, int size, int quarter_turns,
                   bool flip);

}  // namespace mlglass
