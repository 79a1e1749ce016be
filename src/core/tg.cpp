#include "tg.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace mlglass {

namespace {

// Sorted points with multiplicities: 1 for the data, the draw counts for a bootstrap resample (so a
// resample never needs sorting). Only entries with weight > 0 are stored.
struct Weighted {
  std::vector<double> t, e;
  std::vector<double> w;
  std::size_t size() const { return t.size(); }
};

struct SegmentFit {
  LineFit line;
  double sse = 0.0;
};

// Weighted least squares on entries [a, b), two-pass (centred) for accuracy: this is the fit that is
// reported, the prefix-sum SSE below only ranks the splits.
SegmentFit fit_segment(const Weighted &s, std::size_t a, std::size_t b) {
  double w = 0.0, mt = 0.0, me = 0.0;
  for (std::size_t i = a; i < b; ++i) {
    w += s.w[i];
    mt += s.w[i] * s.t[i];
    me += s.w[i] * s.e[i];
  }
  mt /= w;
  me /= w;
  double sxx = 0.0, sxy = 0.0;
  for (std::size_t i = a; i < b; ++i) {
    const double dt = s.t[i] - mt;
    sxx += s.w[i] * dt * dt;
    sxy += s.w[i] * dt * (s.e[i] - me);
  }
  SegmentFit f;
  f.line.slope = sxy / sxx;
  f.line.intercept = me - f.line.slope * mt;
  for (std::size_t i = a; i < b; ++i) {
    const double r = s.e[i] - f.line.at(s.t[i]);
    f.sse += s.w[i] * r * r;
  }
  return f;
}

struct TwoLines {
  std::size_t k = 0;  // entries [0, k) are glass
  SegmentFit glass, liquid;
  double tg = 0.0;
};

// Least-SSE split of sorted entries. Prefix sums make every candidate O(1), so the bootstrap's
// full refits stay O(n) each; values are shifted by their means first so that the one-pass
// variance formulas do not lose the small residuals to cancellation. False if no split is admissible.
bool best_two_lines(const Weighted &s, int min_points, TwoLines &out) {
  const std::size_t m = s.size();
  if (m < 4) return false;
  const double t0 = std::accumulate(s.t.begin(), s.t.end(), 0.0) / double(m);
  const double e0 = std::accumulate(s.e.begin(), s.e.end(), 0.0) / double(m);
  std::vector<double> W(m + 1, 0.0), St(m + 1, 0.0), Se(m + 1, 0.0), Stt(m + 1, 0.0),
      Ste(m + 1, 0.0), See(m + 1, 0.0);
  std::vector<int> distinct(m + 1, 0);  // distinct temperatures among the first i entries
  for (std::size_t i = 0; i < m; ++i) {
    const double w = s.w[i], t = s.t[i] - t0, e = s.e[i] - e0;
    W[i + 1] = W[i] + w;
    St[i + 1] = St[i] + w * t;
    Se[i + 1] = Se[i] + w * e;
    Stt[i + 1] = Stt[i] + w * t * t;
    Ste[i + 1] = Ste[i] + w * t * e;
    See[i + 1] = See[i] + w * e * e;
    distinct[i + 1] = distinct[i] + (i == 0 || s.t[i] > s.t[i - 1] ? 1 : 0);
  }
  auto sse = [&](std::size_t a, std::size_t b) {
    const double w = W[b] - W[a], st = St[b] - St[a], se = Se[b] - Se[a];
    const double sxx = Stt[b] - Stt[a] - st * st / w;
    const double sxy = Ste[b] - Ste[a] - st * se / w;
    const double syy = See[b] - See[a] - se * se / w;
    return sxx > 0.0 ? std::max(0.0, syy - sxy * sxy / sxx) : std::max(0.0, syy);
  };

  bool found = false;
  double best = 0.0;
  for (std::size_t k = 1; k < m; ++k) {
    // Points at one temperature stay in one regime: the regimes are T ranges.
    if (!(s.t[k - 1] < s.t[k])) continue;
    if (W[k] < min_points || W[m] - W[k] < min_points) continue;
    if (distinct[k] < 2 || distinct[m] - distinct[k] < 2) continue;
    const double total = sse(0, k) + sse(k, m);
    if (!found || total < best) {  // strict: a tie keeps the lower split
      found = true;
      best = total;
      out.k = k;
    }
  }
  if (!found) return false;
  out.glass = fit_segment(s, 0, out.k);
  out.liquid = fit_segment(s, out.k, m);
  out.tg = intersection(out.glass.line, out.liquid.line);
  return true;
}

// Percentile with linear interpolation between order statistics (numpy's default); x sorted.
double percentile(const std::vector<double> &x, double p) {
  const double h = (double(x.size()) - 1.0) * p;
  const auto lo = std::size_t(std::floor(h));
  if (lo + 1 >= x.size()) return x.back();
  return x[lo] + (h - double(lo)) * (x[lo + 1] - x[lo]);
}

std::string num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

LineFit fit_line(const std::vector<double> &T, const std::vector<double> &E) {
  if (T.size() != E.size())
    throw std::invalid_argument("fit_line: T has " + std::to_string(T.size()) + " values but E has " +
                                std::to_string(E.size()));
  if (T.size() < 2) throw std::invalid_argument("fit_line: need at least 2 points");
  if (std::all_of(T.begin(), T.end(), [&](double t) { return t == T[0]; }))
    throw std::invalid_argument("fit_line: all points have the same T, the slope is undefined");
  Weighted s{T, E, std::vector<double>(T.size(), 1.0)};
  return fit_segment(s, 0, s.size()).line;
}

double intersection(const LineFit &a, const LineFit &b) {
  if (a.slope == b.slope) return std::numeric_limits<double>::quiet_NaN();
  return (b.intercept - a.intercept) / (a.slope - b.slope);
}

TgFit fit_tg(const std::vector<double> &T, const std::vector<double> &E, const TgOptions &opt) {
  if (opt.min_points_per_side < 2)
    throw std::invalid_argument("fit_tg: min_points_per_side must be >= 2, got " +
                                std::to_string(opt.min_points_per_side));
  if (opt.bootstrap < 0)
    throw std::invalid_argument("fit_tg: bootstrap must be >= 0, got " + std::to_string(opt.bootstrap));
  if (std::isnan(opt.t_min) || std::isnan(opt.t_max) || opt.t_min > opt.t_max)
    throw std::invalid_argument("fit_tg: need t_min <= t_max, got t_min = " + num(opt.t_min) +
                                ", t_max = " + num(opt.t_max));
  if (!(opt.interval_level > 0.0 && opt.interval_level < 1.0))
    throw std::invalid_argument("fit_tg: interval_level must be in (0, 1), got " +
                                num(opt.interval_level));
  if (T.size() != E.size())
    throw std::invalid_argument("fit_tg: T has " + std::to_string(T.size()) + " values but E has " +
                                std::to_string(E.size()));
  for (std::size_t i = 0; i < T.size(); ++i)
    if (!std::isfinite(T[i]) || !std::isfinite(E[i]))
      throw std::invalid_argument("fit_tg: point " + std::to_string(i) + " (T = " + num(T[i]) +
                                  ", E = " + num(E[i]) + ") is not finite");

  std::vector<std::pair<double, double>> pts;
  for (std::size_t i = 0; i < T.size(); ++i)
    if (T[i] >= opt.t_min && T[i] <= opt.t_max) pts.emplace_back(T[i], E[i]);
  const std::size_t need = 2 * std::size_t(opt.min_points_per_side);
  if (pts.size() < need) {
    std::string range;
    if (std::isfinite(opt.t_min) || std::isfinite(opt.t_max))
      range = " in [" + num(opt.t_min) + ", " + num(opt.t_max) + "]";
    throw std::invalid_argument("fit_tg: " + std::to_string(pts.size()) + " points" + range +
                                ", need at least 2 * min_points_per_side = " + std::to_string(need));
  }
  std::sort(pts.begin(), pts.end());  // by T, then E: the order does not depend on the input order
  const std::size_t n = pts.size();

  Weighted data;
  for (const auto &[t, e] : pts) {
    data.t.push_back(t);
    data.e.push_back(e);
    data.w.push_back(1.0);
  }
  TwoLines best;
  if (!best_two_lines(data, opt.min_points_per_side, best)) {
    std::size_t distinct = 1;
    for (std::size_t i = 1; i < n; ++i) distinct += data.t[i] > data.t[i - 1];
    throw std::invalid_argument(
        "fit_tg: no admissible split: each regime needs >= " + std::to_string(opt.min_points_per_side) +
        " points and >= 2 distinct temperatures, the data have " + std::to_string(n) + " points at " +
        std::to_string(distinct) + " distinct temperatures");
  }

  TgFit fit;
  fit.tg = best.tg;
  fit.glass = best.glass.line;
  fit.liquid = best.liquid.line;
  fit.n_points = int(n);
  fit.n_glass = int(best.k);
  fit.n_liquid = int(n - best.k);
  fit.t_glass_max = data.t[best.k - 1];
  fit.t_liquid_min = data.t[best.k];
  fit.t_data_min = data.t.front();
  fit.t_data_max = data.t.back();
  fit.sse = best.glass.sse + best.liquid.sse;
  fit.intersection_inside = std::isfinite(fit.tg) && fit.tg >= fit.t_data_min && fit.tg <= fit.t_data_max;

  // Bootstrap: n draws with replacement from the n points, as multiplicities of the sorted points.
  // Indices come from rng() % n rather than std::uniform_int_distribution, whose algorithm is left to
  // the standard library: the same seed gives the same T_g interval with any compiler. (The modulo
  // bias is below n / 2^64.)
  fit.bootstrap_requested = opt.bootstrap;
  std::mt19937_64 rng(opt.seed);
  std::vector<int> count(n);
  std::vector<double> tgs;
  tgs.reserve(std::size_t(opt.bootstrap));
  Weighted re;
  for (int b = 0; b < opt.bootstrap; ++b) {
    std::fill(count.begin(), count.end(), 0);
    for (std::size_t i = 0; i < n; ++i) ++count[rng() % n];
    re.t.clear();
    re.e.clear();
    re.w.clear();
    for (std::size_t i = 0; i < n; ++i)
      if (count[i] > 0) {
        re.t.push_back(data.t[i]);
        re.e.push_back(data.e[i]);
        re.w.push_back(count[i]);
      }
    TwoLines r;
    if (best_two_lines(re, opt.min_points_per_side, r) && std::isfinite(r.tg))
      tgs.push_back(r.tg);
    else
      ++fit.bootstrap_skipped;
  }
  fit.bootstrap_used = int(tgs.size());
  if (tgs.size() >= 2) {
    const double mean = std::accumulate(tgs.begin(), tgs.end(), 0.0) / double(tgs.size());
    double ss = 0.0;
    for (double v : tgs) ss += (v - mean) * (v - mean);
    fit.tg_std = std::sqrt(ss / double(tgs.size() - 1));
    std::sort(tgs.begin(), tgs.end());
    const double tail = 0.5 * (1.0 - opt.interval_level);
    fit.tg_lo = percentile(tgs, tail);
    fit.tg_hi = percentile(tgs, 1.0 - tail);
  }
  return fit;
}

std::vector<std::pair<double, double>> read_columns(const std::string &path, int col_T, int col_E) {
  std::vector<std::pair<double, double>> out;
  for (const ColumnRow &r : read_column_rows(path, col_T, col_E)) out.emplace_back(r.a, r.b);
  return out;
}

std::vector<ColumnRow> read_column_rows(const std::string &path, int col_T, int col_E) {
  if (col_T < 1 || col_E < 1)
    throw std::invalid_argument("read_columns: columns are 1-based, got " + std::to_string(col_T) +
                                " and " + std::to_string(col_E));
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw std::runtime_error(path + ": is a directory");
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));

  const std::size_t need = std::size_t(std::max(col_T, col_E));
  std::vector<ColumnRow> rows;
  std::vector<std::string_view> fields;
  std::string line;
  long lineno = 0;
  auto where = [&] { return path + " line " + std::to_string(lineno) + ": "; };
  auto parse = [&](int col) {
    std::string_view f = fields[std::size_t(col - 1)];
    std::string_view digits = f;
    if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-' && digits[1] != '+')
      digits.remove_prefix(1);  // from_chars does not take a '+' sign
    double v = 0.0;
    const auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (err != std::errc() || end != digits.data() + digits.size())
      throw std::runtime_error(where() + "column " + std::to_string(col) + " is '" + std::string(f) +
                               "', not a number");
    if (!std::isfinite(v))
      throw std::runtime_error(where() + "column " + std::to_string(col) + " is '" + std::string(f) +
                               "', not a finite number");
    return v;
  };
  while (std::getline(in, line)) {
    ++lineno;
    fields.clear();
    const char *ws = " \t\r\v\f";
    std::string_view rest(line);
    for (;;) {
      const auto b = rest.find_first_not_of(ws);
      if (b == std::string_view::npos) break;
      rest.remove_prefix(b);
      const auto e = std::min(rest.find_first_of(ws), rest.size());
      fields.push_back(rest.substr(0, e));
      rest.remove_prefix(e);
    }
    if (fields.empty() || fields[0][0] == '#') continue;
    if (fields.size() < need)
      throw std::runtime_error(where() + "found " + std::to_string(fields.size()) +
                               " columns, need at least " + std::to_string(need) + " (T in column " +
                               std::to_string(col_T) + ", E in column " + std::to_string(col_E) + ")");
    const double t = parse(col_T);
    const double e = parse(col_E);
    rows.push_back({t, e, lineno});
  }
  if (in.bad()) throw std::runtime_error("error reading " + path + " after line " + std::to_string(lineno));
  return rows;
}

}  // namespace mlglass
