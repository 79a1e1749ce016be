// Glass-transition temperature from inherent-structure energies along a cooling ramp, as in
// Swanson et al., Soft Matter 16, 435 (2020): E_IS per particle against T has two linear regimes,
// the glass (low T) and the supercooled liquid (high T), and T_g is where the two fitted lines meet.
//
// fit_tg() finds the split between the regimes by least squares (no hand-picked ranges) and gives
// T_g an uncertainty by a nonparametric bootstrap that repeats the whole fit, split search included,
// so the uncertainty of where the kink is counts as much as the noise around the lines.
//
// Used by `mlglass tg` on the files written by `fix inherent ... file` and `fix ave/time`.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace mlglass {

// E = intercept + slope * T
struct LineFit {
  double intercept = 0.0;
  double slope = 0.0;
  double at(double t) const { return intercept + slope * t; }
};

// Ordinary least squares line through (T[i], E[i]). Throws std::invalid_argument if the sizes
// differ, there are fewer than 2 points or all T are equal (the slope is then undefined).
LineFit fit_line(const std::vector<double> &T, const std::vector<double> &E);

// T where the two lines meet; NaN if they are parallel (equal slopes).
double intersection(const LineFit &a, const LineFit &b);

struct TgOptions {
  int min_points_per_side = 3;  // smallest regime; >= 2 (a line needs two points)
  int bootstrap = 1000;         // resamples for the uncertainty; 0 = no uncertainty
  std::uint64_t seed = 12345;   // of the std::mt19937_64 that draws the resamples
  // Only points with t_min <= T <= t_max are used (e.g. to drop an equilibration plateau).
  double t_min = -std::numeric_limits<double>::infinity();
  double t_max = std::numeric_limits<double>::infinity();

  double interval_level = 0.95;  // of the bootstrap percentile interval [tg_lo, tg_hi]; in (0, 1)
};

struct TgFit {
  // Intersection T of the glass and liquid lines. NaN only if the lines are parallel. It is returned
  // even when it lies outside the data: intersection_inside says whether it is an interpolation.
  double tg = std::numeric_limits<double>::quiet_NaN();
  bool intersection_inside = false;  // t_data_min <= tg <= t_data_max

  // Bootstrap over points: sample standard deviation of the resampled T_g and the percentile
  // interval at TgOptions::interval_level (95 % by default: 2.5th and 97.5th percentiles).
  // NaN when fewer than 2 resamples could be fitted (or bootstrap = 0).
  double tg_std = std::numeric_limits<double>::quiet_NaN();
  double tg_lo = std::numeric_limits<double>::quiet_NaN();
  double tg_hi = std::numeric_limits<double>::quiet_NaN();

  LineFit glass;   // fitted to the n_glass lowest-T points
  LineFit liquid;  // fitted to the n_liquid highest-T points

  int n_points = 0;  // used: inside [t_min, t_max]
  int n_glass = 0;   // the split: points 0 .. n_glass-1 in ascending T are glass
  int n_liquid = 0;
  double t_glass_max = 0.0;   // highest T in the glass regime
  double t_liquid_min = 0.0;  // lowest T in the liquid regime (> t_glass_max)
  double t_data_min = 0.0;    // range of the used points
  double t_data_max = 0.0;
  double sse = 0.0;  // residual sum of squares of both lines at the chosen split

  int bootstrap_requested = 0;  // TgOptions::bootstrap
  int bootstrap_used = 0;       // resamples that entered tg_std, tg_lo, tg_hi
  int bootstrap_skipped = 0;    // resamples with no admissible split, or with parallel lines
};

// The two-line fit. Points are sorted by T; every split between two distinct temperatures that
// leaves >= min_points_per_side points and >= 2 distinct T on each side is tried, and the one with
// the least total SSE wins (ties: the lower split). Throws std::invalid_argument if T and E differ
// in size, hold a NaN or infinity, the options are invalid, fewer than 2 * min_points_per_side
// points are in [t_min, t_max], or no split is admissible (too few distinct temperatures).
TgFit fit_tg(const std::vector<double> &T, const std::vector<double> &E, const TgOptions &opt = {});

// Columns col_T and col_E (1-based) of a whitespace-separated text file such as `fix inherent ...
// file` (T = 2, E_IS per particle = 3) or `fix ave/time` output in scalar mode. Lines starting with
// '#' (after blanks) and blank lines are skipped; other columns are not read. Throws
// std::runtime_error naming the file and line for a missing file, a line with too few columns or
// a requested field that is not a finite number; std::invalid_argument if a column is < 1.
std::vector<std::pair<double, double>> read_columns(const std::string &path, int col_T, int col_E);

// read_columns with the 1-based line number of each row (for callers that check the values
// further and must name the line, e.g. TemperatureTable::read).
struct ColumnRow {
  double a = 0.0;  // column col_a
  double b = 0.0;  // column col_b
  long line = 0;
};
std::vector<ColumnRow> read_column_rows(const std::string &path, int col_a, int col_b);

}  // namespace mlglass
