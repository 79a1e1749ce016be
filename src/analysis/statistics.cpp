#include "statistics.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace mlglass::stats {

namespace {

// Lentz's continued fraction for I_x(a, b) (the form of Numerical Recipes' betacf), valid and
// fast for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr int kMaxIterations = 10000;
  constexpr double kEps = 1e-15, kTiny = 1e-300;
  const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0, d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < kEps) return h;
  }
  throw std::runtime_error("incomplete_beta: continued fraction did not converge");
}

double normal_sf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

void require_finite(const std::vector<double> &v, const char *what) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]))
      throw std::invalid_argument(std::string(what) + ": value " + std::to_string(i + 1) +
                                  " is not finite");
}

}  // namespace

double incomplete_beta(double a, double b, double x) {
  if (!(a > 0.0) || !(b > 0.0) || !(x >= 0.0 && x <= 1.0) || !std::isfinite(a) ||
      !std::isfinite(b))
    throw std::invalid_argument("incomplete_beta: need a > 0, b > 0, 0 <= x <= 1");
  if (x == 0.0 || x == 1.0) return x;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                           a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(a, b, x) / a;
  return 1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b;
}

double students_t_sf(double t, double df) {
  if (std::isnan(t) || !(df > 0.0)) throw std::invalid_argument("students_t_sf: need df > 0 and t not NaN");
  if (std::isinf(t)) return t > 0 ? 0.0 : 1.0;
  // P(|T| > |t|) = I_{df / (df + t^2)}(df / 2, 1 / 2)
  const double tail = 0.5 * incomplete_beta(0.5 * df, 0.5, df / (df + t * t));
  return t >= 0.0 ? tail : 1.0 - tail;
}

double students_t_two_sided(double t, double df) {
  return std::min(1.0, 2.0 * students_t_sf(std::fabs(t), df));
}

double OlsFit::p_greater(std::size_t j) const { return students_t_sf(t.at(j), double(dof)); }

OlsFit ols(const std::vector<double> &x, std::size_t p, const std::vector<double> &y) {
  const std::size_t n = y.size();
  if (p == 0 || x.size() != n * p)
    throw std::invalid_argument("ols: the design has " + std::to_string(x.size()) +
                                " values, expected " + std::to_string(n) + " x " +
                                std::to_string(p));
  if (n <= p)
    throw std::invalid_argument("ols: " + std::to_string(n) + " observations for " +
                                std::to_string(p) + " coefficients (need more observations)");
  require_finite(x, "ols design");
  require_finite(y, "ols response");
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
      X(x.data(), Eigen::Index(n), Eigen::Index(p));
  const Eigen::Map<const Eigen::VectorXd> Y(y.data(), Eigen::Index(n));
  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(X);
  if (qr.rank() < Eigen::Index(p))
    throw std::invalid_argument("ols: the design of " + std::to_string(p) + " columns has rank " +
                                std::to_string(qr.rank()) + " (a column is constant or a combination "
                                "of the others)");
  const Eigen::VectorXd beta = qr.solve(Y);
  const Eigen::VectorXd resid = Y - X * beta;
  // (X'X)^-1 from the QR factors: X P = Q R, so (X'X)^-1 = P R^-1 R^-T P^T
  const Eigen::MatrixXd R =
      qr.matrixR().topLeftCorner(Eigen::Index(p), Eigen::Index(p)).triangularView<Eigen::Upper>();
  const Eigen::MatrixXd Rinv =
      R.triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(Eigen::Index(p), Eigen::Index(p)));
  const Eigen::MatrixXd cov_unscaled =
      qr.colsPermutation() * (Rinv * Rinv.transpose()) * qr.colsPermutation().transpose();

  OlsFit f;
  f.n = std::int64_t(n);
  f.dof = std::int64_t(n - p);
  f.sse = resid.squaredNorm();
  f.sigma2 = f.sse / double(f.dof);
  const double mean = Y.mean();
  const double sst = (Y.array() - mean).square().sum();
  f.r2 = sst > 0.0 ? 1.0 - f.sse / sst : std::numeric_limits<double>::quiet_NaN();
  for (std::size_t j = 0; j < p; ++j) {
    f.beta.push_back(beta(Eigen::Index(j)));
    f.se.push_back(std::sqrt(f.sigma2 * cov_unscaled(Eigen::Index(j), Eigen::Index(j))));
    // a perfect fit has se = 0: t is +-inf (or NaN for beta = 0), p 0 (or 1)
    const double t = f.se.back() > 0.0 ? f.beta.back() / f.se.back()
                     : f.beta.back() == 0.0 ? 0.0
                                            : std::copysign(HUGE_VAL, f.beta.back());
    f.t.push_back(t);
    f.p.push_back(students_t_two_sided(t, double(f.dof)));
  }
  return f;
}

OlsFit kink_regression(const std::vector<double> &temperature, const std::vector<double> &y,
                       double tg) {
  if (temperature.size() != y.size())
    throw std::invalid_argument("kink_regression: " + std::to_string(temperature.size()) +
                                " temperatures for " + std::to_string(y.size()) + " values");
  if (!std::isfinite(tg)) throw std::invalid_argument("kink_regression: T_g is not finite");
  std::vector<double> below, above;
  std::vector<double> x;
  x.reserve(4 * y.size());
  for (double t : temperature) {
    const double d = t > tg ? 1.0 : 0.0;
    (d > 0 ? above : below).push_back(t);
    x.insert(x.end(), {1.0, t, d, t * d});
  }
  auto distinct = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return std::size_t(std::unique(v.begin(), v.end()) - v.begin());
  };
  if (distinct(below) < 2 || distinct(above) < 2)
    throw std::invalid_argument("kink_regression: T_g = " + std::to_string(tg) + " leaves " +
                                std::to_string(distinct(below)) + " distinct temperatures at or below "
                                "and " + std::to_string(distinct(above)) +
                                " above it (each side needs at least 2)");
  return ols(x, 4, y);
}

WilcoxonResult wilcoxon_greater(const std::vector<double> &x, const std::vector<double> &y) {
  if (x.size() != y.size())
    throw std::invalid_argument("wilcoxon: " + std::to_string(x.size()) + " and " +
                                std::to_string(y.size()) + " values are not pairs");
  require_finite(x, "wilcoxon first sample");
  require_finite(y, "wilcoxon second sample");
  WilcoxonResult r;
  std::vector<double> d;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double diff = x[i] - y[i];
    if (diff == 0.0)
      ++r.zeros;
    else
      d.push_back(diff);
  }
  const std::size_t n = d.size();
  r.n = std::int64_t(n);
  if (n == 0) return r;
  // average ranks of |d|
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return std::fabs(d[a]) < std::fabs(d[b]); });
  std::vector<double> rank(n);
  double tie_term = 0.0;  // sum over tie groups of t^3 - t
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && std::fabs(d[order[j]]) == std::fabs(d[order[i]])) ++j;
    const double avg = 0.5 * double(i + 1 + j);  // ranks i+1 .. j
    for (std::size_t k = i; k < j; ++k) rank[order[k]] = avg;
    const double t = double(j - i);
    tie_term += t * t * t - t;
    i = j;
  }
  for (std::size_t i = 0; i < n; ++i)
    if (d[i] > 0) r.w_plus += rank[i];

  const double nn = double(n);
  if (n <= 50 && tie_term == 0.0) {
    // exact: the number of subsets of {1..n} with each rank sum, counted in doubles (at most 2^50)
    r.exact = true;
    const std::size_t max_sum = n * (n + 1) / 2;
    std::vector<double> count(max_sum + 1, 0.0);
    count[0] = 1.0;
    for (std::size_t k = 1; k <= n; ++k)
      for (std::size_t s = max_sum; s >= k; --s) count[s] += count[s - k];
    const std::size_t w = std::size_t(std::llround(r.w_plus));
    double tail = 0.0;
    for (std::size_t s = w; s <= max_sum; ++s) tail += count[s];
    r.p_greater = std::ldexp(tail, -int(n));
    return r;
  }
  const double mean = nn * (nn + 1.0) / 4.0;
  const double var = nn * (nn + 1.0) * (2.0 * nn + 1.0) / 24.0 - tie_term / 48.0;
  r.z = var > 0.0 ? (r.w_plus - mean) / std::sqrt(var) : 0.0;
  r.p_greater = normal_sf(r.z);
  return r;
}

}  // namespace mlglass::stats
