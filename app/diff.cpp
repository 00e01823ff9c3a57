#include "app/diff.hpp"

#include <cmath>

#include "reports/format.hpp"
#include "reports/threshold.hpp"

namespace loadcast::app {

DiffRun diff(const reports::Json& base, const reports::Json& candidate, const std::string& base_name,
             const std::string& candidate_name, const std::vector<std::string>& fail_on) {
  DiffRun run;
  run.report = reports::diff_results(base, candidate, base_name, candidate_name);
  const reports::Json values = run.report.json();
  std::string errors;
  for (const auto& expr : fail_on) {
    try {
      const reports::Threshold t = reports::parse_threshold(expr);
      const double v = reports::resolve_metric(values, t.metric);
      const bool holds = !std::isnan(v) && t.passes(v);
      run.conditions.push_back(reports::ThresholdVerdict{
          expr, v, !holds, std::isnan(v) ? "no value: the condition does not hold" : "value " + reports::format_value(v)});
    } catch (const reports::ThresholdError& e) {
      errors += (errors.empty() ? "" : "\n") + std::string(e.what());
    }
  }
  if (!errors.empty()) {
    run.conditions.clear();
    run.verdict.threshold_error = errors;
    return run;
  }
  for (const auto& c : run.conditions) run.verdict.checks_failed = run.verdict.checks_failed || !c.ok;
  return run;
}

}  // namespace loadcast::app
