// Which thresholds a load run judges, decided before the run.
//
// A scenario's thresholds serve both engines, but some metrics exist only in simulated results
// (cost.*, stations.*, services.*, queues.* … — what the simulator models and a load generator
// cannot measure). plan_thresholds() sorts the expressions, checking each against the result
// of a run that measured nothing (runner.hpp skeleton_result()), so mistakes surface before
// any load is sent:
// - a scenario threshold on a simulator-only metric is not applicable: it is reported as
//   "n/a (simulator only)" and neither passes nor fails the run;
// - a malformed expression, an explicit --threshold on a simulator-only metric, or any
//   threshold on a metric a load result does not have throws reports::ThresholdError;
// - a metric under a key that only fills in as responses arrive (requests.by_status.503,
//   requests.by_cause.reset, per class too) cannot be checked early and is left to the real
//   result.
// Pure functions; thread safe.
#pragma once

#include <string>
#include <vector>

#include "reports/result.hpp"

namespace loadcast::loadgen {

inline constexpr const char* kNotApplicable = "n/a (simulator only)";
inline constexpr const char* kLoadOnly = "n/a (load generator only)";

struct ThresholdPlan {
  std::vector<std::string> evaluate;        // judged on the load result, in order
  std::vector<std::string> not_applicable;  // scenario thresholds on simulator-only metrics
};

// True when `metric` (a threshold's dotted path) names something only simulated results have.
bool simulator_only_metric(const std::string& metric);
// True when `metric` names something only a load result has (`checks.*`: flows' checks, which
// need real responses; `load.*`): `loadcast sim` reports a scenario threshold on it as
// kLoadOnly, neither passing nor failing.
bool load_only_metric(const std::string& metric);

ThresholdPlan plan_thresholds(const std::vector<std::string>& scenario, const std::vector<std::string>& explicit_exprs,
                              const reports::Json& skeleton);

// The `load.thresholds_not_applicable` entries: [{"expr": ..., "detail": kNotApplicable}]
// (`detail` another text for the simulator's list).
reports::Json not_applicable_json(const std::vector<std::string>& exprs, const char* detail = kNotApplicable);

}  // namespace loadcast::loadgen
