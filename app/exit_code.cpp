#include "app/exit_code.hpp"

#include "reports/threshold.hpp"

namespace loadcast::app {

ExitCode exit_code(const Verdict& verdict) {
  if (!verdict.threshold_error.empty()) return ExitCode::kUsage;
  // Thresholds judged on part of a run say nothing: the interruption is the outcome.
  if (verdict.interrupted) return ExitCode::kInterrupted;
  if (verdict.run_failed) return ExitCode::kFailure;
  return verdict.checks_failed ? ExitCode::kThresholds : ExitCode::kOk;
}

void judge_thresholds(reports::Result& result, const std::vector<std::string>& exprs, Verdict& verdict) {
  try {
    result.thresholds = reports::evaluate_thresholds(exprs, result.to_json());
  } catch (const reports::ThresholdError& e) {
    verdict.threshold_error = e.what();
    return;
  }
  verdict.checks_failed = verdict.checks_failed || !all_passed(result.thresholds);
}

bool all_passed(const std::vector<reports::ThresholdVerdict>& verdicts) {
  for (const auto& v : verdicts) {
    if (!v.ok) return false;
  }
  return true;
}

}  // namespace loadcast::app
