// What `loadcast gate` does: check a result for CI — its own thresholds, those given, and
// regressions against a baseline (reports/gate.hpp) — and turn the report into a verdict.
// Pure function; thread safe.
#pragma once

#include <optional>

#include "app/exit_code.hpp"
#include "reports/gate.hpp"
#include "reports/result.hpp"

namespace loadcast::app {

struct GateRun {
  reports::GateReport report;
  Verdict verdict;  // threshold_error: a malformed expression or unknown metric; checks_failed
};

// `current` and `baseline` are Result::to_json(). Throws UsageError when there is nothing to
// check: no threshold in the result or the options, and no baseline.
GateRun gate(const reports::Json& current, const std::optional<reports::Json>& baseline,
             const reports::GateOptions& options);

}  // namespace loadcast::app
