// The statistics of `mlglass metrics` against published and independently computed values:
// textbook examples (Anscombe's quartet, Hollander & Wolfe's signed-rank example, t tables),
// SciPy 1.10 / NumPy for the rest, and closed forms (the kink regression equals two separate lines
// with a pooled variance).
#include "statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

using namespace mlglass::stats;

TEST(Statistics, IncompleteBetaMatchesReferenceValues) {
  EXPECT_NEAR(incomplete_beta(2, 3, 0.4), 0.5248, 1e-14);  // closed form: polynomial
  EXPECT_NEAR(incomplete_beta(0.5, 0.5, 0.1), 0.2048327646991335, 1e-13);  // (2/pi) asin(sqrt x)
  EXPECT_NEAR(incomplete_beta(5, 0.5, 0.99), 0.7571581091015623, 1e-13);   // SciPy betainc
  EXPECT_NEAR(incomplete_beta(10, 20, 0.3), 0.3640040810719437, 1e-13);
  EXPECT_EQ(incomplete_beta(3, 4, 0.0), 0.0);
  EXPECT_EQ(incomplete_beta(3, 4, 1.0), 1.0);
  EXPECT_THROW(incomplete_beta(0, 1, 0.5), std::invalid_argument);
  EXPECT_THROW(incomplete_beta(1, 1, 1.5), std::invalid_argument);
  EXPECT_THROW(incomplete_beta(1, 1, std::nan("")), std::invalid_argument);
}

TEST(Statistics, StudentsTMatchesTables) {
  // critical values of printed t tables: t(0.975, 10) = 2.228, t(0.995, 5) = 4.032
  EXPECT_NEAR(students_t_sf(2.228138851986, 10), 0.025, 1e-12);
  EXPECT_NEAR(students_t_sf(4.032142983557, 5), 0.005, 1e-12);
  EXPECT_NEAR(students_t_two_sided(-2.228138851986, 10), 0.05, 1e-12);
  EXPECT_NEAR(students_t_sf(2.0, 10), 0.036694017385370196, 1e-13);  // SciPy t.sf
  EXPECT_NEAR(students_t_sf(-1.5, 3), 0.8847080673775886, 1e-13);
  EXPECT_NEAR(students_t_sf(8.0, 2), 0.00763403608266907, 1e-14);
  EXPECT_NEAR(students_t_sf(1.96, 1000), 0.025136592477874354, 1e-13);
  EXPECT_DOUBLE_EQ(students_t_sf(0.0, 7), 0.5);
  EXPECT_EQ(students_t_sf(HUGE_VAL, 3), 0.0);
  EXPECT_THROW(students_t_sf(1.0, 0.0), std::invalid_argument);
  EXPECT_THROW(students_t_sf(std::nan(""), 3.0), std::invalid_argument);
}

TEST(Statistics, OlsReproducesAnscombesFirstSet) {
  // Anscombe (1973), set I: y = 3.00 + 0.500 x, SE(slope) 0.118, p = 0.00217, R^2 = 0.667
  const std::vector<double> xs = {10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5};
  const std::vector<double> y = {8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68};
  std::vector<double> design;
  for (double v : xs) design.insert(design.end(), {1.0, v});
  const OlsFit f = ols(design, 2, y);
  EXPECT_NEAR(f.beta[0], 3.0000909090909103, 1e-12);
  EXPECT_NEAR(f.beta[1], 0.5000909090909091, 1e-12);
  EXPECT_NEAR(f.se[0], 1.1247467908086437, 1e-12);
  EXPECT_NEAR(f.se[1], 0.11790550059563408, 1e-12);
  EXPECT_NEAR(f.p[1], 0.00216962887307879, 1e-12);
  EXPECT_NEAR(f.r2, 0.8164205163448399 * 0.8164205163448399, 1e-12);
  EXPECT_EQ(f.n, 11);
  EXPECT_EQ(f.dof, 9);
}

TEST(Statistics, KinkRegressionEqualsNumpyAndTwoSeparateLines) {
  const std::vector<double> T = {0.05, 0.15, 0.25, 0.35, 0.45, 0.55,
                                 0.65, 0.75, 0.85, 0.95, 1.05, 1.15};
  const std::vector<double> y = {10.2, 10.9, 11.1, 12.0, 12.2, 13.5,
                                 15.9, 18.1, 21.2, 23.0, 26.1, 27.9};
  const OlsFit f = kink_regression(T, y, 0.5);
  // NumPy lstsq + explicit (X'X)^-1, SciPy t.sf
  const double beta[] = {10.005000000000011, 5.100000000000006, -9.985357142857142,
                         19.364285714285717};
  const double se[] = {0.2518808710765585, 0.8769366323417332, 0.5223638719019206,
                       1.021600260295942};
  const double p[] = {1.774741184201347e-10, 0.0003979828944456731, 5.8106981475859916e-08,
                      6.208935645480652e-08};
  for (int j = 0; j < 4; ++j) {
    EXPECT_NEAR(f.beta[j], beta[j], 1e-10) << j;
    EXPECT_NEAR(f.se[j], se[j], 1e-10) << j;
    EXPECT_NEAR(f.p[j], p[j], 1e-9 * p[j]) << j;
  }
  EXPECT_NEAR(f.p_greater(3), 3.104467822740326e-08, 1e-9 * 3.1e-8);
  EXPECT_NEAR(f.sigma2, 0.0769017857142857, 1e-13);
  EXPECT_NEAR(f.r2, 0.9985887287826632, 1e-12);

  // closed form: the model is one line per side of T_g; b3 is the difference of their slopes and
  // its variance sigma2 (1/Sxx_below + 1/Sxx_above) with the pooled sigma2 = SSE / (n - 4)
  auto line = [](const std::vector<double> &t, const std::vector<double> &v, double &slope,
                 double &sxx, double &sse) {
    double mt = 0, mv = 0;
    for (std::size_t i = 0; i < t.size(); ++i) mt += t[i], mv += v[i];
    mt /= double(t.size());
    mv /= double(t.size());
    double sxy = 0;
    sxx = 0;
    for (std::size_t i = 0; i < t.size(); ++i)
      sxx += (t[i] - mt) * (t[i] - mt), sxy += (t[i] - mt) * (v[i] - mv);
    slope = sxy / sxx;
    sse = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
      const double r = v[i] - (mv + slope * (t[i] - mt));
      sse += r * r;
    }
  };
  std::vector<double> tb, yb, ta, ya;
  for (std::size_t i = 0; i < T.size(); ++i) (T[i] > 0.5 ? ta : tb).push_back(T[i]),
                                             (T[i] > 0.5 ? ya : yb).push_back(y[i]);
  double sb, sxxb, sseb, sa, sxxa, ssea;
  line(tb, yb, sb, sxxb, sseb);
  line(ta, ya, sa, sxxa, ssea);
  const double sigma2 = (sseb + ssea) / double(T.size() - 4);
  EXPECT_NEAR(f.beta[1], sb, 1e-10);
  EXPECT_NEAR(f.beta[3], sa - sb, 1e-10);
  EXPECT_NEAR(f.se[3], std::sqrt(sigma2 * (1 / sxxb + 1 / sxxa)), 1e-10);
}

TEST(Statistics, OlsRefusesWhatItCannotFit) {
  EXPECT_THROW(ols({1, 1, 1, 2}, 2, {1, 2}), std::invalid_argument);         // n <= p
  EXPECT_THROW(ols({1, 2, 1, 2, 1, 2}, 2, {1, 2, 3}), std::invalid_argument);  // rank 1
  EXPECT_THROW(ols({1, 1, 1, 2, 1, 3}, 2, {1, NAN, 3}), std::invalid_argument);
  EXPECT_THROW(ols({1, 1, 1}, 2, {1, 2}), std::invalid_argument);  // size mismatch
  // T_g below every temperature: no glass side
  EXPECT_THROW(kink_regression({0.2, 0.4, 0.6, 0.8}, {1, 2, 3, 4}, 0.1), std::invalid_argument);
  // one distinct temperature on a side
  EXPECT_THROW(kink_regression({0.2, 0.2, 0.6, 0.8}, {1, 2, 3, 4}, 0.5), std::invalid_argument);
}

TEST(Statistics, WilcoxonExactMatchesHollanderWolfe) {
  // Hollander & Wolfe, Nonparametric Statistical Methods, the depression-scale example: 9 pairs,
  // T+ = 40, exact one-sided p = 10/512 = 0.0195
  const std::vector<double> x = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
  const std::vector<double> y = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};
  const WilcoxonResult r = wilcoxon_greater(x, y);
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.n, 9);
  EXPECT_DOUBLE_EQ(r.w_plus, 40.0);
  EXPECT_DOUBLE_EQ(r.p_greater, 10.0 / 512.0);
  // all five differences positive: p = 2^-5; all negative: p = 1
  EXPECT_DOUBLE_EQ(wilcoxon_greater({2, 3, 4, 5, 6}, {1, 1, 1, 1, 1}).p_greater, 1.0 / 32.0);
  EXPECT_DOUBLE_EQ(wilcoxon_greater({1, 1, 1, 1, 1}, {2, 3, 4, 5, 6}).p_greater, 1.0);
}

TEST(Statistics, WilcoxonApproximationWithTiesAndZerosMatchesScipy) {
  // scipy.stats.wilcoxon(x, y, alternative='greater') (SciPy 1.10, zero_method 'wilcox', no
  // continuity correction): zeros dropped, ties ranked on average, tie-corrected variance
  const WilcoxonResult a = wilcoxon_greater(
      {125, 115, 130, 140, 140, 115, 140, 125, 140, 135},
      {110, 122, 125, 120, 140, 124, 123, 137, 135, 145});
  EXPECT_FALSE(a.exact);
  EXPECT_EQ(a.n, 9);
  EXPECT_EQ(a.zeros, 1);
  EXPECT_DOUBLE_EQ(a.w_plus, 27.0);
  EXPECT_NEAR(a.p_greater, 0.29681529572126475, 1e-14);
  const WilcoxonResult b = wilcoxon_greater({3, 5, 2, 6, 4, 7, 5, 8, 6, 9, 4, 6},
                                            {2, 4, 2, 4, 5, 5, 3, 6, 4, 6, 4, 3});
  EXPECT_DOUBLE_EQ(b.w_plus, 53.0);
  EXPECT_NEAR(b.p_greater, 0.004115411694897121, 1e-14);
  EXPECT_THROW(wilcoxon_greater({1, 2}, {1}), std::invalid_argument);
  EXPECT_THROW(wilcoxon_greater({1, NAN}, {1, 2}), std::invalid_argument);
  EXPECT_EQ(wilcoxon_greater({1, 2}, {1, 2}).p_greater, 1.0);  // no nonzero difference
}
