// Output statistics: running mean/variance (Welford), time-weighted averages, Student-t
// confidence intervals across independent replications.
//
// Welford merges with Chan et al.'s pairwise formula, so per-replication accumulators combine
// exactly in a fixed order (deterministic regardless of thread count). TimeWeighted integrates a
// piecewise-constant signal (queue length, busy servers, tasks running) and can restart at the
// end of a warm-up. Plain value types, not thread safe.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>

#include "sim/time.hpp"

namespace loadcast::sim {

class Welford {
 public:
  void add(double x) {
    ++n_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_ += delta * (x - mean_);
    if (x < min_) min_ = x;
    if (x > max_) max_ = x;
  }
  void merge(const Welford& o) {
    if (o.n_ == 0) return;
    if (n_ == 0) {
      *this = o;
      return;
    }
    const double n = static_cast<double>(n_ + o.n_);
    const double delta = o.mean_ - mean_;
    mean_ += delta * static_cast<double>(o.n_) / n;
    m2_ += o.m2_ + delta * delta * static_cast<double>(n_) * static_cast<double>(o.n_) / n;
    n_ += o.n_;
    if (o.min_ < min_) min_ = o.min_;
    if (o.max_ > max_) max_ = o.max_;
  }
  std::uint64_t count() const { return n_; }
  double mean() const { return n_ > 0 ? mean_ : 0.0; }
  double variance() const { return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : 0.0; }  // sample
  double stddev() const { return std::sqrt(variance()); }
  double min() const { return n_ > 0 ? min_ : 0.0; }
  double max() const { return n_ > 0 ? max_ : 0.0; }

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

// Integral of a piecewise-constant signal over [start, now].
class TimeWeighted {
 public:
  explicit TimeWeighted(Time start = 0, double value = 0.0) : start_(start), last_(start), value_(value) {}

  void set(Time now, double value) {
    advance(now);
    value_ = value;
    if (value > peak_) peak_ = value;
  }
  void add(Time now, double delta) { set(now, value_ + delta); }
  // Forget the past (warm-up deletion); the current value carries on.
  void restart(Time now) {
    advance(now);
    area_ = 0.0;
    start_ = now;
    peak_ = value_;
  }
  double value() const { return value_; }
  double peak() const { return peak_; }
  double area(Time now) const { return area_ + value_ * to_seconds(now - last_); }
  double mean(Time now) const {
    const double span = to_seconds(now - start_);
    return span > 0 ? area(now) / span : value_;
  }

 private:
  void advance(Time now) {
    if (now > last_) {
      area_ += value_ * to_seconds(now - last_);
      last_ = now;
    }
  }
  Time start_;
  Time last_;
  double value_;
  double area_ = 0.0;
  double peak_ = 0.0;
};

// Quantile of Student's t distribution with `dof` (a whole number) degrees of freedom (p = 0.975
// for a 95 % interval). Exact to ~1e-10 via bisection on the regularized incomplete beta.
double student_t_quantile(double p, double dof);

struct Interval {
  double mean = 0.0;
  double low = 0.0;
  double high = 0.0;
  double half_width() const { return 0.5 * (high - low); }
  bool contains(double x) const { return x >= low && x <= high; }
};

// Student-t interval for the mean of independent observations (one per replication).
Interval confidence_interval(std::span<const double> values, double level = 0.95);

}  // namespace loadcast::sim
