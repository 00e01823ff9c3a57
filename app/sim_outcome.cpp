#include "app/sim_outcome.hpp"

#include "cost/cost.hpp"
#include "cost/infracost_usage.hpp"
#include "sim/time.hpp"

namespace loadcast::app {

SimOutcome run_sim(const scenario::Scenario& sc, const SimOptions& options) {
  if (options.duration && sc.warmup >= *options.duration) {
    throw UsageError("--duration must be longer than the scenario's warm-up (" + sim::format_duration(sc.warmup) + ")");
  }
  SimOutcome out;
  SimRun run = simulate(sc, options, &out.stats);
  out.result = run.to_result();
  out.usage = std::move(run.usage);
  out.cost_error = cost::cost_error(out.result);
  out.verdict.run_failed = out.cost_error.has_value();
  out.verdict.interrupted = run.stopped_early;
  if (!out.cost_error) judge_thresholds(out.result, sc.thresholds, out.verdict);
  return out;
}

std::string infracost_usage(const SimOutcome& outcome, const scenario::Scenario& sc) {
  cost::InfracostOptions infracost;
  infracost.region = sc.region;
  infracost.period_seconds = sc.cost.period_seconds;
  cost::Usage usage = outcome.usage.value_or(cost::Usage{});
  if (usage.fixed_costs.empty()) usage.fixed_costs = sc.cost.fixed_costs;
  return cost::infracost_usage_yaml(usage, infracost);
}

}  // namespace loadcast::app
