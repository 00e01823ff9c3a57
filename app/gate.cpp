#include "app/gate.hpp"

#include "reports/threshold.hpp"

namespace loadcast::app {

GateRun gate(const reports::Json& current, const std::optional<reports::Json>& baseline,
             const reports::GateOptions& options) {
  const bool own = current.contains("thresholds") && !current["thresholds"].empty();
  if (!own && options.thresholds.empty() && !baseline) {
    throw UsageError("nothing to check: the result has no thresholds; give --threshold EXPR or --baseline BASE");
  }
  GateRun run;
  try {
    run.report = reports::run_gate(current, baseline, options);
  } catch (const reports::ThresholdError& e) {
    run.verdict.threshold_error = e.what();
    return run;
  }
  run.verdict.checks_failed = !run.report.passed();
  return run;
}

}  // namespace loadcast::app
