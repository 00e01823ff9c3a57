// Thresholds: k6-like pass/fail expressions evaluated on a result's JSON (Result::to_json()), so
// simulated and measured results are judged the same way.
//
//   METRIC OP NUMBER      e.g.  latency_ms.p95 < 300
//                               requests.error_rate < 0.01
//                               cost.monthly_usd.total <= 500
//                               classes.list-items.latency_ms.p99 < 800
//
// METRIC is a dotted path into the result JSON; a key may itself contain dots (a class named
// "v1.items"), so each step matches the longest key present. k6 spellings are accepted inside a
// latency object: p(95) -> p95, p(99.9) -> p999, avg -> mean, med -> p50. OP is one of
// < <= > >= == !=. NUMBER is a plain number in the metric's own unit (latency_ms is in ms).
// A malformed expression or an unknown metric throws ThresholdError, whose message names the
// expression and the column or key at fault. A metric that exists but is null (a statistic with
// no samples, e.g. latency when nothing succeeded) fails the threshold with value NaN and a
// detail saying there were no samples. Pure functions; thread safe.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "reports/result.hpp"

namespace loadcast::reports {

enum class CompareOp { kLt, kLe, kGt, kGe, kEq, kNe };

const char* to_string(CompareOp op);

struct Threshold {
  std::string expr;    // as written
  std::string metric;  // "latency_ms.p95"
  CompareOp op = CompareOp::kLt;
  double limit = 0.0;

  bool passes(double value) const;
};

class ThresholdError : public std::invalid_argument {
 public:
  enum class Kind { kMalformed, kUnknownMetric };
  ThresholdError(Kind kind, const std::string& message) : std::invalid_argument(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// Throws ThresholdError(kMalformed) with a sentence pointing at the bad token.
Threshold parse_threshold(const std::string& expr);

// How resolve_metric() reads a key missing from a count map (requests.by_status, .by_cause, per
// class too): the gate calls it an unknown metric (a status that never came cannot be judged),
// a sweep's --where reads it as 0 (a cause that one point has and another has not).
enum class MissingCounts { kUnknown, kZero };

// The number at `metric` in `result`; NaN when it is null. Throws ThresholdError
// (kUnknownMetric) naming the missing key, the keys that exist at that level, and the closest
// metric the result has ("did you mean 'latency_ms.p99'?").
double resolve_metric(const Json& result, const std::string& metric, MissingCounts missing = MissingCounts::kUnknown);

// The metric of `result` closest to `metric`, or "" when none is close: first a metric ending in
// it (p99 -> latency_ms.p99, the shortest such path), then the same last key with the nearest
// rest, then the nearest path by edit distance. Time series, histograms, events and the hourly
// section are not searched.
std::string suggest_metric(const Json& result, const std::string& metric);

// The verdict detail of a threshold whose metric is null: "no samples: <metric> is null ...".
std::string no_samples_detail(const std::string& metric);

// Parses and evaluates one expression; the verdict carries the measured value.
ThresholdVerdict evaluate_threshold(const std::string& expr, const Json& result);

// Evaluates every expression. Throws ThresholdError listing all bad expressions (one per line)
// when any is malformed or names an unknown metric; nothing is evaluated partially.
std::vector<ThresholdVerdict> evaluate_thresholds(const std::vector<std::string>& exprs, const Json& result);

}  // namespace loadcast::reports
