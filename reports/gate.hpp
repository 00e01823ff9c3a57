// The CI gate: thresholds plus a comparison against a baseline result, one verdict per check,
// written as text, Markdown (for a CI job summary) and JUnit XML (which CI systems display).
//
// Baseline rule. A metric regresses when it is worse than the baseline by more than
// max_regression_pct (latency, error rate and cost are worse when higher, throughput when lower)
// and by more than a small absolute floor (0.05 ms of latency, 0.001 of error rate, $0.01, 0.01
// req/s) so that near-zero baselines do not flag noise. When both results have replications >= 2
// and 95 % intervals for the metric (Result::ci95, written by the replication merge for every
// metric below; older results: latency_ms_ci95), it regresses only if, in addition, the
// intervals do not overlap (current low above baseline high for a higher-is-worse metric), i.e.
// when the intervals say so; otherwise the change is reported as not significant.
// Metrics compared: latency_ms.{p50,p95,p99}, requests.error_rate, throughput_rps, the same for
// every class present in both results (when there are several), and cost.monthly_usd.total when
// both have a cost. A metric that is null (no samples) or absent in the current result while the
// baseline has it fails, its detail naming the metric; one the baseline lacks is shown, not judged.
// With a baseline, the report also holds the difference between the two results
// (reports/diff.hpp), which the Markdown summary embeds below the checks.
// Pure functions; thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/diff.hpp"
#include "reports/result.hpp"

namespace loadcast::reports {

struct Comparison {
  std::string metric;
  double baseline = 0.0;
  double current = 0.0;
  double change_pct = 0.0;  // (current - baseline) / |baseline| x 100; 0 when both are 0; NaN without a value
  bool higher_is_worse = true;
  bool regressed = false;
  std::string detail;       // the reasoning, e.g. "+14.6 % > 10 %; 95 % CIs do not overlap"
};

struct GateOptions {
  std::vector<std::string> thresholds;  // expressions (the result's own are added by run_gate)
  double max_regression_pct = 10.0;
  std::string current_name = "current";    // labels of the embedded diff
  std::string baseline_name = "baseline";
};

struct GateReport {
  std::vector<ThresholdVerdict> thresholds;
  std::vector<Comparison> comparisons;
  bool has_baseline = false;
  double max_regression_pct = 10.0;
  std::optional<DiffReport> diff;  // with a baseline: baseline -> current

  bool passed() const;
  std::size_t failures() const;
};

// Compares `current` with `baseline` (both Result::to_json()).
std::vector<Comparison> compare_to_baseline(const Json& current, const Json& baseline, double max_regression_pct);

// Evaluates the thresholds stored in the result (their expressions, re-evaluated) and those in
// `options`, then compares with the baseline when one is given. Throws ThresholdError for a
// malformed expression or an unknown metric.
GateReport run_gate(const Json& current, const std::optional<Json>& baseline, const GateOptions& options);

std::string gate_text(const GateReport& report);
std::string gate_markdown(const GateReport& report);
// JUnit XML: one <testsuite> for thresholds and one for the baseline comparison, a <testcase>
// per check, <failure message="measured ..."> for failures.
std::string gate_junit(const GateReport& report, const std::string& result_name);

}  // namespace loadcast::reports
