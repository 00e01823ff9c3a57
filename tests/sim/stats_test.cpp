#include <catch2/catch.hpp>

#include <vector>

#include "sim/stats.hpp"

using namespace loadcast::sim;

TEST_CASE("Welford: mean and variance match the two-pass formulas and merge is exact") {
  std::vector<double> xs{2, 4, 4, 4, 5, 5, 7, 9};
  Welford all, left, right;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    all.add(xs[i]);
    (i < 3 ? left : right).add(xs[i]);
  }
  CHECK(all.mean() == Approx(5.0));
  CHECK(all.variance() == Approx(32.0 / 7.0));
  left.merge(right);
  CHECK(left.count() == 8);
  CHECK(left.mean() == Approx(all.mean()));
  CHECK(left.variance() == Approx(all.variance()));
  CHECK(left.min() == 2);
  CHECK(left.max() == 9);
}

TEST_CASE("TimeWeighted: integrates a piecewise-constant signal and restarts after warm-up") {
  TimeWeighted q(0, 0.0);
  q.set(1 * kSecond, 2.0);
  q.set(3 * kSecond, 1.0);
  CHECK(q.mean(4 * kSecond) == Approx((0 * 1 + 2 * 2 + 1 * 1) / 4.0));
  q.restart(4 * kSecond);
  CHECK(q.mean(6 * kSecond) == Approx(1.0));
  CHECK(q.peak() == 1.0);
}

TEST_CASE("Student t: quantiles match published tables") {
  CHECK(student_t_quantile(0.975, 1) == Approx(12.7062).epsilon(1e-5));
  CHECK(student_t_quantile(0.975, 4) == Approx(2.7764).epsilon(1e-4));
  CHECK(student_t_quantile(0.975, 9) == Approx(2.2622).epsilon(1e-4));
  CHECK(student_t_quantile(0.995, 9) == Approx(3.2498).epsilon(1e-4));
  CHECK(student_t_quantile(0.975, 1000) == Approx(1.9623).epsilon(1e-4));
  CHECK(student_t_quantile(0.025, 9) == Approx(-2.2622).epsilon(1e-4));
}

TEST_CASE("confidence_interval: Student-t interval around the mean of replications") {
  const std::vector<double> v{9.8, 10.2, 10.1, 9.9, 10.0};
  const Interval ci = confidence_interval(v, 0.95);
  CHECK(ci.mean == Approx(10.0));
  // s = 0.1581, t(0.975, 4) = 2.7764 -> half width 0.1963
  CHECK(ci.half_width() == Approx(0.19632).epsilon(1e-3));
  CHECK(ci.contains(10.15));
  CHECK_FALSE(ci.contains(10.3));
}
