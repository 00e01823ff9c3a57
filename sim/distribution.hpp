// Distributions: our own samplers over our own generator, so a seed gives the same numbers on
// every standard library (std::*_distribution algorithms differ between libstdc++, libc++ and
// MSVC). Written in scenarios as text:
//
//   const(5ms)  exp(1ms)  uniform(1ms, 5ms)  normal(mean=10ms, sd=2ms)
//   lognormal(mean=20ms, sigma=0.6)  lognormal(mean=20ms, p99=120ms)
//   erlang(k=4, mean=2ms)  gamma(shape=0.5, mean=2ms)  pareto(alpha=1.5, min=1ms, max=10s)
//   empirical(file.csv)  uniform_int(1, 10000)  zipf(s=1.1, n=1000)
//
// A distribution of durations holds seconds and every value carries a unit ("ms", "s"...);
// sample_time() returns nanoseconds, never negative: a negative normal draw is clamped to 0 (a
// point mass at zero that mean() ignores). A plain distribution (counts, ids) takes bare
// numbers. Values are immutable after parsing; sampling is const and thread safe given a
// per-thread Rng.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace loadcast::sim {

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
  // sigma chosen so that the 99th percentile is p99; requires mean < p99 <= mean * e^(z^2/2).
  static std::optional<Distribution> lognormal_p99(double mean, double p99);
  static Distribution erlang(int k, double mean);
  static Distribution gamma(double shape, double mean);
  static Distribution pareto(double alpha, double low, double high);
  static Distribution empirical(std::vector<double> values);
  static Distribution uniform_int(std::int64_t low, std::int64_t high);
  static Distribution zipf(double s, std::int64_t n);

  DistKind kind() const { return kind_; }
  ValueKind value_kind() const { return value_kind_; }
  void set_value_kind(ValueKind k) { value_kind_ = k; }

  double sample(Rng& rng) const;
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

  // Canonical text, e.g. "exp(1ms)"; parses back to the same distribution (empirical files
  // print as empirical(<n values>)).
  std::string describe() const;

 private:
  DistKind kind_ = DistKind::kConst;
  ValueKind value_kind_ = ValueKind::kDuration;
  double a_ = 0, b_ = 0, c_ = 0, d_ = 0;  // meaning depends on kind_
  std::int64_t k_ = 0;
  std::shared_ptr<const std::vector<double>> table_;  // empirical values or zipf CDF
};

struct DistributionParseOptions {
  ValueKind value_kind = ValueKind::kDuration;
  std::string base_dir;  // empirical(file) is resolved against this directory
};

struct DistributionParse {
  std::optional<Distribution> value;
  std::string error;  // a sentence, set when value is empty
};

DistributionParse parse_distribution(std::string_view text, const DistributionParseOptions& options = {});

// A standard exponential draw (mean 1) by the ziggurat method: what exp(...) distributions and
// Poisson arrivals (simulator and load generator alike) use.
double standard_exponential(Rng& rng);

// A value with an optional unit: "2ms" -> 0.002 (duration), "12" -> 12 (plain).
std::optional<double> parse_quantity(std::string_view text, ValueKind kind);

}  // namespace loadcast::sim
