#include "sim/stats.hpp"

#include <cmath>

#include "sim/det_math.hpp"

namespace loadcast::sim {

namespace {

// Continued fraction for the incomplete beta (modified Lentz), as in every numerics text.
double beta_cf(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 300; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < 1e-15) break;
  }
  return h;
}

// Gamma(a + 1/2) / (Gamma(a) Gamma(1/2)) for a = n/2, n >= 1 a whole number, by the recurrence
// Gamma(a + 3/2) / Gamma(a + 1) = Gamma(a + 1/2) / Gamma(a) * (a + 1/2) / a from
// Gamma(1)/Gamma(1/2) = 1/sqrt(pi) and Gamma(3/2)/Gamma(1) = sqrt(pi)/2: basic arithmetic and
// sqrt only, so the result is the same on every machine (no lgamma, whose bits differ).
double inverse_beta_half(double a) {
  constexpr double kPi = 3.141592653589793;
  const double root_pi = std::sqrt(kPi);
  double base = std::floor(a) == a ? 1.0 : 0.5;
  double g = base == 1.0 ? root_pi / 2.0 : 1.0 / root_pi;
  for (; base < a; base += 1.0) g *= (base + 0.5) / base;
  return g / root_pi;
}

// The regularized incomplete beta I_x(a, 1/2) (all the t distribution needs).
double regularized_beta_half(double a, double x) {
  constexpr double b = 0.5;
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double front = inverse_beta_half(a) * det_exp(a * det_log(x) + b * det_log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_cf(a, b, x) / a;
  return 1.0 - front * beta_cf(b, a, 1.0 - x) / b;
}

// dof is a whole number (replications − 1).
double student_t_cdf(double t, double dof) {
  const double x = dof / (dof + t * t);
  const double tail = 0.5 * regularized_beta_half(dof / 2.0, x);
  return t >= 0 ? 1.0 - tail : tail;
}

}  // namespace

double student_t_quantile(double p, double dof) {
  if (p == 0.5) return 0.0;
  if (p < 0.5) return -student_t_quantile(1.0 - p, dof);
  double lo = 0.0;
  double hi = 1.0;
  while (student_t_cdf(hi, dof) < p) hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (student_t_cdf(mid, dof) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

Interval confidence_interval(std::span<const double> values, double level) {
  Interval out;
  if (values.empty()) return out;
  Welford w;
  for (double v : values) w.add(v);
  out.mean = w.mean();
  if (values.size() < 2) {
    out.low = out.high = out.mean;
    return out;
  }
  const double t = student_t_quantile(0.5 + level / 2.0, static_cast<double>(values.size() - 1));
  const double half = t * w.stddev() / std::sqrt(static_cast<double>(values.size()));
  out.low = out.mean - half;
  out.high = out.mean + half;
  return out;
}

}  // namespace loadcast::sim
