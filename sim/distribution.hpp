// Distribution: our own samplers over our own generator, so a seed gives the same numbers on
// every standard library (std::*_distribution algorithms differ between libstdc++, libc++ and
// MSVC): constant, exponential (ziggurat), uniform, normal, lognormal, Erlang, gamma, Pareto,
// empirical, uniform integer and Zipf, with their analytic mean and variance.
//
// A distribution of durations holds seconds; sample_time() returns nanoseconds, never negative:
// a negative normal draw is clamped to 0 (a point mass at zero that mean() ignores). A plain
// distribution (counts, ids) holds bare numbers. The text form written in scenarios
// ("exp(1ms)", "lognormal(mean=20ms, p99=120ms)") is parsed by distribution_text.hpp and
// printed by describe(), both in distribution_text.cpp. Values are immutable after
// construction; sampling is const and thread safe given a per-thread Rng.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace loadcast::sim {

// A standard exponential draw (mean 1) by the ziggurat method: what exp(...) distributions and
// Poisson arrivals (simulator and load generator alike) use.
double standard_exponential(Rng& rng);

enum class DistKind {
  kConst,
  kExp,
  kUniform,
  kNormal,
  kLognormal,
  kErlang,
  kGamma,
  kPareto,
  kEmpirical,
  kUniformInt,
  kZipf,
};

enum class ValueKind { kDuration, kPlain };

class Distribution {
 public:
  Distribution() = default;  // const(0)

  static Distribution constant(double value);
  static Distribution exponential(double mean);
  static Distribution uniform(double low, double high);
  static Distribution normal(double mean, double sd);
  static Distribution lognormal(double mean, double sigma);
  // sigma chosen so that the 99th percentile is p99; requires mean < p99 <= lognormal_p99_max(mean).
  static std::optional<Distribution> lognormal_p99(double mean, double p99);
  // The largest 99th percentile a lognormal of this mean has: mean * e^(z^2/2), z the 0.99
  // quantile of the standard normal.
  static double lognormal_p99_max(double mean);
  static Distribution erlang(int k, double mean);
  static Distribution gamma(double shape, double mean);
  static Distribution pareto(double alpha, double low, double high);
  static Distribution empirical(std::vector<double> values);
  // An empirical distribution read from `file` (an absolute path) with every value multiplied by
  // `scale`: its text is empirical(file, scale=k), which scaled() can rewrite.
  static Distribution empirical_file(std::vector<double> values, std::string file, double scale);
  static Distribution uniform_int(std::int64_t low, std::int64_t high);
  static Distribution zipf(double s, std::int64_t n);

  DistKind kind() const { return kind_; }
  ValueKind value_kind() const { return value_kind_; }
  void set_value_kind(ValueKind k) { value_kind_ = k; }

  // Exponential and constant inline (every exp(...) service time of the simulator), the rest
  // out of line.
  double sample(Rng& rng) const {
    if (kind_ == DistKind::kExp) return a_ * standard_exponential(rng);
    if (kind_ == DistKind::kConst) return a_;
    return sample_other(rng);
  }
  // Durations: seconds -> nanoseconds, clamped at zero.
  Time sample_time(Rng& rng) const {
    const double s = sample(rng);
    return s <= 0.0 ? 0 : from_seconds(s);
  }

  double mean() const;
  double variance() const;
  // Squared coefficient of variation Var/E^2 (Pollaczek-Khinchine and Kingman use it).
  double scv() const {
    const double m = mean();
    return m == 0.0 ? 0.0 : variance() / (m * m);
  }
  bool is_const() const { return kind_ == DistKind::kConst; }
  // The same family with every value multiplied by f > 0 (so the mean too, the shape kept):
  // what `loadcast calibrate` writes for a fitted demand. nullopt for uniform_int, zipf and an
  // empirical distribution of values not read from a file, whose text form cannot carry scaled
  // values.
  std::optional<Distribution> scaled(double f) const;

  // Canonical text, e.g. "exp(1ms)"; parses back to the same distribution (an empirical file as
  // empirical(/absolute/path, scale=k); values not from a file as empirical(<n values>)).
  // Defined in distribution_text.cpp.
  std::string describe() const;

 private:
  double sample_other(Rng& rng) const;

  DistKind kind_ = DistKind::kConst;
  ValueKind value_kind_ = ValueKind::kDuration;
  double a_ = 0, b_ = 0, c_ = 0, d_ = 0;  // meaning depends on kind_
  std::int64_t k_ = 0;
  std::shared_ptr<const std::vector<double>> table_;  // empirical values or zipf CDF
  std::string file_;  // empirical_file: the absolute path (a_ is the scale)
};

}  // namespace loadcast::sim
