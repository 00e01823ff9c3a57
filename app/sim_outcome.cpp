#include "app/sim_outcome.hpp"

#include <algorithm>
#include <utility>

#include "cost/cost.hpp"
#include "reports/threshold.hpp"
#include "cost/infracost_usage.hpp"
#include "loadgen/load_thresholds.hpp"
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

std::vector<std::string> check_scenario_thresholds(const scenario::Scenario& sc) {
  std::vector<std::string> problems;
  if (sc.thresholds.empty()) return problems;
  SimOptions probe;
  probe.duration = std::min<sim::Time>(sc.duration, sim::kMinute);
  probe.warmup = 0;
  probe.threads = 1;
  probe.record_events = false;
  const reports::Json skeleton = simulate(sc, probe).to_result().to_json();
  for (std::size_t i = 0; i < sc.thresholds.size(); ++i) {
    const std::string& expr = sc.thresholds[i];
    const std::string where = i < sc.threshold_locations.size() ? sc.threshold_locations[i] : sc.path;
    try {
      const reports::Threshold t = reports::parse_threshold(expr);
      if (loadgen::load_only_metric(t.metric)) continue;  // n/a here: run_sim lists it
      (void)reports::resolve_metric(skeleton, t.metric, reports::MissingCounts::kZero);
    } catch (const reports::ThresholdError& e) {
      problems.push_back(where + ": threshold '" + expr + "': " + e.what());
    }
  }
  return problems;
}

SimOutcome run_sim(const scenario::Scenario& sc, const SimOptions& options) {
  check_sim_options(sc, options);
  if (const auto problems = check_scenario_thresholds(sc); !problems.empty()) {
    std::string text;
    for (const auto& p : problems) text += (text.empty() ? "" : "\n") + p;
    throw UsageError(text);
  }
  SimOutcome out;
  SimRun run = simulate(sc, options, &out.stats);
  out.result = std::move(run).to_result();
  out.usage = std::move(run.usage);
  out.cost_error = cost::cost_error(out.result);
  out.verdict.run_failed = out.cost_error.has_value();
  out.verdict.interrupted = run.stopped_early;
  // A threshold on what only a measurement has (flows' checks) is not applicable to a model.
  std::vector<std::string> judged, load_only;
  for (const auto& expr : sc.thresholds) {
    bool only_load = false;
    try {
      only_load = loadgen::load_only_metric(reports::parse_threshold(expr).metric);
    } catch (const reports::ThresholdError&) {
      // malformed: judge_thresholds reports it
    }
    (only_load ? load_only : judged).push_back(expr);
  }
  if (!load_only.empty()) out.result.sections["thresholds_not_applicable"] = loadgen::not_applicable_json(load_only, loadgen::kLoadOnly);
  if (!out.cost_error) judge_thresholds(out.result, judged, out.verdict);
  return out;
}

std::string infracost_usage(const SimOutcome& outcome, const scenario::Scenario& sc) {
  cost::InfracostOptions infracost;
  infracost.region = sc.region;
  infracost.period_seconds = sc.cost.period_seconds;
  infracost.free_internet_out_gb = sc.cost.free_internet_out_gb;
  cost::Usage usage = outcome.usage.value_or(cost::Usage{});
  if (usage.fixed_costs.empty()) usage.fixed_costs = sc.cost.fixed_costs;
  return cost::infracost_usage_yaml(usage, infracost);
}

}  // namespace loadcast::app
