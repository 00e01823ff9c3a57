#include "app/sim_outcome.hpp"

#include "cost/cost.hpp"
#include "cost/infracost_usage.hpp"
#include "sim/time.hpp"

namespace loadcast::app {

void check_sim_options(const scenario::Scenario& sc, const SimOptions& options) {
  const sim::Time duration = options.duration.value_or(sc.duration);
  const sim::Time warmup = options.warmup.value_or(sc.warmup);
  const auto d = sim::format_duration;
  if (warmup < 0) throw UsageError("--warmup must be >= 0s, got " + d(warmup));
  if (warmup >= duration) {
    throw UsageError(std::string(options.warmup ? "--warmup " : "the scenario's warm-up ") + d(warmup) + " must be shorter than " +
                     (options.duration ? "--duration " : "the scenario's duration ") + d(duration));
  }
  if (options.window) {
    const auto [from, to] = *options.window;
    const std::string w = "--window " + d(from) + ".." + d(to);
    if (to > duration) throw UsageError(w + " ends after the run (duration " + d(duration) + ")");
    if (from < warmup) throw UsageError(w + " starts inside the warm-up (" + d(warmup) + "), whose requests are not measured");
  }
}

SimOutcome run_sim(const scenario::Scenario& sc, const SimOptions& options) {
  check_sim_options(sc, options);
  SimOutcome out;
  SimRun run = simulate(sc, options, &out.stats);
  out.result = run.to_result();
  out.usage = std::move(run.usage);
  out.cost_error = cost::cost_error(out.result);
  out.verdict.run_failed = out.cost_error.has_value();
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
