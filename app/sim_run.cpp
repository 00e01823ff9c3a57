#include "app/sim_run.hpp"

#include "cost/infracost_usage.hpp"
#include "cost/usage_json.hpp"
#include "scenarios/loader/pricing_loader.hpp"
#include "sim/time.hpp"

namespace loadcast::app {

SimRun run_sim(const scenario::Scenario& sc, const SimOptions& options) {
  if (options.duration && sc.warmup >= *options.duration) {
    throw UsageError("--duration must be longer than the scenario's warm-up (" + sim::format_duration(sc.warmup) + ")");
  }
  SimRun run;
  run.result = simulate(sc, options, &run.stats);
  run.cost_error = scenario::cost_error(run.result);
  run.verdict.run_failed = run.cost_error.has_value();
  if (!run.cost_error) judge_thresholds(run.result, sc.thresholds, run.verdict);
  return run;
}

std::string infracost_usage(const reports::Result& result, const scenario::Scenario& sc) {
  cost::InfracostOptions infracost;
  infracost.region = sc.region;
  infracost.period_seconds = sc.cost.period_seconds;
  const bool metered = result.sections.contains("usage");
  cost::Usage usage = metered ? cost::usage_from_section(result.sections["usage"]) : cost::Usage{};
  if (usage.fixed_costs.empty()) usage.fixed_costs = sc.cost.fixed_costs;
  return cost::infracost_usage_yaml(usage, infracost);
}

}  // namespace loadcast::app
