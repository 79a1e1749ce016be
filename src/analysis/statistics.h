// Statistics for the structural-metrics analysis (`mlglass metrics`): Student's t distribution,
// ordinary least squares with standard errors (Eigen), the kink regression
// y = b0 + b1 T + b2 D + b3 T D + e (D = 1 above T_g), and the one-sided Wilcoxon signed-rank test.
// LAMMPS- and torch-free. Conventions follow the usual textbook definitions (and SciPy's
// scipy.stats.t, statsmodels OLS and scipy.stats.wilcoxon defaults), against which the tests check.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mlglass::stats {

// Regularized incomplete beta function I_x(a, b), a, b > 0, 0 <= x <= 1 (continued fraction,
// relative accuracy ~1e-14). Throws std::invalid_argument outside the domain.
double incomplete_beta(double a, double b, double x);

// Student's t with df > 0 degrees of freedom: P(T > t) (survival function) and P(|T| > |t|).
double students_t_sf(double t, double df);
double students_t_two_sided(double t, double df);

struct OlsFit {
  std::vector<double> beta;        // coefficients, one per column of the design
  std::vector<double> se;          // standard errors, sqrt(diag(sigma2 (X'X)^-1))
  std::vector<double> t;           // beta / se
  std::vector<double> p;           // two-sided p-values, t distribution with `dof` degrees
  double sigma2 = 0.0;             // residual variance SSE / dof
  double sse = 0.0;                // sum of squared residuals
  double r2 = 0.0;                 // coefficient of determination (1 - SSE / SST); NaN if SST = 0
  std::int64_t n = 0, dof = 0;     // observations, n - columns
  // One-sided p-value for H1: beta[j] > 0.
  double p_greater(std::size_t j) const;
};

// Least squares of y on the n x p design X (row-major: x[i * p + j]). Throws std::invalid_argument
// for n <= p, mismatched sizes, non-finite values or a rank-deficient design (naming the column
// count and the rank found).
OlsFit ols(const std::vector<double> &x, std::size_t p, const std::vector<double> &y);

// The kink regression of a metric y against temperature T with T_g: columns 1, T, D, T*D with
// D = 1 if T > tg. b3 (index 3) is the change of slope above T_g. Throws std::invalid_argument
// (via ols) unless both sides of T_g hold at least two distinct temperatures.
OlsFit kink_regression(const std::vector<double> &temperature, const std::vector<double> &y,
                       double tg);

struct WilcoxonResult {
  std::int64_t n = 0;         // pairs with a nonzero difference (zero differences are dropped)
  std::int64_t zeros = 0;     // pairs dropped for a zero difference
  double w_plus = 0.0;        // sum of the ranks of the positive differences
  bool exact = false;         // exact null distribution (n <= 50, no ties) or normal approximation
  double z = 0.0;             // normal approximation's statistic (0 when exact)
  double p_greater = 1.0;     // one-sided p-value for H1: x - y tends to be > 0
};

// One-sided Wilcoxon signed-rank test on paired samples: H1 = the differences x[i] - y[i] are
// shifted above 0. Zero differences are dropped (Wilcoxon's convention), ties get average ranks;
// exact p-value when n <= 50 and there are no ties, else the normal approximation with the tie
// correction of the variance (no continuity correction). Throws std::invalid_argument for
// different lengths or non-finite values. With n = 0 the p-value is 1.
WilcoxonResult wilcoxon_greater(const std::vector<double> &x, const std::vector<double> &y);

}  // namespace mlglass::stats
