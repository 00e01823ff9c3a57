// Validation: predicted (simulated) against measured (loaded) results of one scenario.
//
// compare() lines up throughput, latency mean/p50/p95/p99 and error rate — overall and per
// request class present in both — with the relative error (measured − predicted) / predicted.
// With a tolerance (a fraction, e.g. 0.10), throughput and latency metrics pass when
// |relative error| ≤ tolerance; the error rate, usually near zero, passes when the absolute
// difference is at most max(tolerance × predicted, 0.001). Without a tolerance nothing is judged.
// Pure functions; thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/result.hpp"

namespace loadcast::loadgen {

struct MetricComparison {
  std::string metric;  // "latency_ms.p99", "classes.api.throughput_rps", ...
  double predicted = 0.0;
  double measured = 0.0;
  double relative_error = 0.0;  // (measured - predicted) / predicted; NaN when predicted is 0
  bool judged = false;
  bool ok = true;
};

struct ValidationReport {
  std::vector<MetricComparison> metrics;
  std::optional<double> tolerance;

  bool passed() const;
  reports::Json to_json() const;
  std::string text() const;
};

ValidationReport compare(const reports::Result& predicted, const reports::Result& measured,
                         std::optional<double> tolerance);

}  // namespace loadcast::loadgen
