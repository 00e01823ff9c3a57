// What `loadcast sim` does with a scenario: simulate() it (app/simulate.hpp), then judge the
// scenario's thresholds on the finished result — cost included, as a measured result is judged.
// A run whose pricing failed is still returned, with the reason in its cost section: it is a
// runtime failure and its thresholds are not judged. Call from one thread (simulate() runs the
// replications on its own pool).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/exit_code.hpp"
#include "app/simulate.hpp"
#include "cost/usage.hpp"
#include "reports/result.hpp"
#include "scenarios/loader/scenario.hpp"

namespace loadcast::app {

struct SimOutcome {
  reports::Result result;            // as result.json holds it (SimRun::to_result()), judged
  std::optional<cost::Usage> usage;  // metered, mean over replications; nullopt: nothing metered
  SimStats stats;
  std::optional<std::string> cost_error;  // why the run could not be priced
  Verdict verdict;                        // run_failed: cost_error is set
};

// Throws UsageError, naming the values, when the warm-up (--warmup or the scenario's) is not
// shorter than the duration (--duration or the scenario's), or --window does not lie inside the
// measured span.
void check_sim_options(const scenario::Scenario& sc, const SimOptions& options);

// The scenario's thresholds checked against the keys a simulated result of it has (a one-minute
// run of the scenario, at most its duration): one message per threshold on an unknown metric,
// "file:line:col: thresholds[i]: threshold 'p99 < 200': unknown metric 'p99': ...; did you
// mean 'latency_ms.p99'?". Keys filled only by what happens (requests.by_status.503) are left
// to the real result. Empty when every threshold names a metric.
std::vector<std::string> check_scenario_thresholds(const scenario::Scenario& sc);

// check_sim_options(), then the scenario's thresholds (UsageError with every problem, one per
// line), then the run.
SimOutcome run_sim(const scenario::Scenario& sc, const SimOptions& options);

// What the run metered, projected to a month, as an Infracost usage file
// (cost/infracost_usage.hpp); the scenario's fixed costs stand in when the run metered none.
std::string infracost_usage(const SimOutcome& outcome, const scenario::Scenario& sc);

}  // namespace loadcast::app
