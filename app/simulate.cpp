#include "app/simulate.hpp"

#include <algorithm>
#include <chrono>

#include "cost/usage_json.hpp"
#include "models/core/assumptions.hpp"
#include "models/core/replication_merger.hpp"
#include "models/core/system.hpp"
#include "reports/findings.hpp"
#include "scenarios/loader/pricing_loader.hpp"
#include "sim/replication.hpp"
#include "sim/stats.hpp"

namespace loadcast::app {

using scenario::add_cost_section;
using scenario::price_scenario_usage;

reports::Result SimRun::to_result() const& {
  reports::Result out = result;
  if (usage) cost::add_usage_section(out, *usage);
  return out;
}

reports::Result SimRun::to_result() && {
  reports::Result out = std::move(result);
  if (usage) cost::add_usage_section(out, *usage);
  return out;
}

SimRun simulate(const scenario::Scenario& scenario, const SimOptions& options, SimStats* stats) {
  const auto started = std::chrono::steady_clock::now();
  const std::uint64_t seed = options.seed.value_or(scenario.seed);
  models::RunParams params;
  params.duration = options.duration.value_or(scenario.duration);
  const sim::Time warmup = options.warmup.value_or(scenario.warmup);
  params.warmup = warmup < params.duration ? warmup : 0;
  params.window = options.window;
  params.interval = scenario.interval;
  params.record_events = options.record_events;
  const std::size_t reps = options.replications == 0 ? 1 : options.replications;
  const unsigned threads = options.threads == 0 ? sim::default_threads() : options.threads;
  // The simulated time each replication reached (its duration unless interrupted), by index.
  std::vector<sim::Time> reached(reps, params.duration);
  models::MergeInfo info{scenario.name, seed, sim::to_seconds(params.warmup), {}};
  // Each replication priced on its own gives the interval of cost.monthly_usd.total.
  info.monthly_cost = [&scenario](const cost::Usage& usage) -> std::optional<double> {
    try {
      return price_scenario_usage(usage, scenario.cost, scenario.region, scenario.base_dir).total_usd;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  };
  // Each finished replication is folded into the merge in replication order and dropped, so
  // memory stays at `threads` replications in flight plus the merge, whatever R is.
  models::ReplicationMerger merger(info);
  auto run_range = [&](std::size_t first, std::size_t count) {
    sim::run_replications_in_order(
        count, threads,
        [&](std::size_t i) {
          sim::Simulation sim(seed, first + i);
          sim.set_interrupt(options.stop);
          models::System system(sim, scenario.workload, scenario.model, params);
          models::RunOutput out = system.run();
          if (sim.interrupted()) reached[first + i] = sim.now();
          return out;
        },
        [&](std::size_t, models::RunOutput&& out) { merger.add(std::move(out)); });
  };
  double achieved = 0.0;
  if (options.precision > 0.0) {
    constexpr std::size_t kRound = 4;
    while (merger.replications() < reps) {
      run_range(merger.replications(), std::min(kRound, reps - merger.replications()));
      if (options.stop != nullptr && options.stop->load()) break;
      if (merger.replications() < 2) continue;
      const sim::Interval ci = sim::confidence_interval(merger.latency_means_ns(), 0.95);
      achieved = ci.mean > 0.0 ? ci.half_width() / ci.mean : 0.0;
      if (achieved <= options.precision) break;
    }
  } else {
    run_range(0, reps);
  }
  const std::uint64_t events = merger.events_processed();
  const std::size_t runs_done = merger.replications();
  std::optional<cost::Usage> usage = merger.mean_usage();
  SimRun run{merger.finish(), std::move(usage)};
  reports::Result& result = run.result;
  // Cost first, so thresholds on cost.monthly_usd resolve.
  add_cost_section(result, run.usage, scenario.region, scenario.cost, scenario.base_dir);
  // What the model rests on that AWS does not document: listed, and shown by every report.
  result.sections["assumptions"] = models::model_assumptions(scenario.model);
  if (!scenario.initial_capacity.empty()) {
    reports::Json init = reports::Json::object();
    for (const auto& c : scenario.initial_capacity) {
      init[c.path] = reports::Json{{"value", c.value}, {"auto", c.estimate}, {"from_auto", c.from_auto}, {"basis", c.basis}};
    }
    result.sections["initial_capacity"] = init;
  }
  reports::add_findings(result);
  const sim::Time reached_min = *std::min_element(reached.begin(), reached.begin() + static_cast<std::ptrdiff_t>(runs_done));
  const bool stopped = reached_min < params.duration;
  const double reached_s = sim::to_seconds(reached_min);
  if (stopped) {
    // Interrupted: the result covers the simulated time every replication reached.
    result.sections["sim"] = reports::Json{{"stopped_early", true},
                                           {"simulated_s", reached_s},
                                           {"duration_s", sim::to_seconds(params.duration)},
                                           {"replications_run", runs_done}};
  }
  run.stopped_early = stopped;
  if (options.precision > 0.0) {
    result.sections["precision"] = reports::Json{{"metric", "latency_ms.mean"},
                                                 {"target", options.precision},
                                                 {"achieved", achieved},
                                                 {"reached", achieved <= options.precision},
                                                 {"max_replications", reps}};
  }
  if (stats != nullptr) {
    stats->events = events;
    stats->wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  return run;
}

}  // namespace loadcast::app
