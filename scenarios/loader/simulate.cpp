#include "scenarios/loader/simulate.hpp"

#include <chrono>

#include "models/system.hpp"
#include "sim/replication.hpp"

namespace loadcast::scenario {

reports::Result simulate(const Scenario& scenario, const SimOptions& options, SimStats* stats) {
  const auto started = std::chrono::steady_clock::now();
  const std::uint64_t seed = options.seed.value_or(scenario.seed);
  models::RunParams params;
  params.duration = options.duration.value_or(scenario.duration);
  params.warmup = scenario.warmup < params.duration ? scenario.warmup : 0;
  params.interval = scenario.interval;
  params.record_events = options.record_events;
  const std::size_t reps = options.replications == 0 ? 1 : options.replications;
  const unsigned threads = options.threads == 0 ? sim::default_threads() : options.threads;
  auto runs = sim::run_replications(reps, threads, [&](std::size_t r) {
    sim::Simulation sim(seed, r);
    models::System system(sim, scenario.workload, scenario.model, params);
    return system.run();
  });
  std::uint64_t events = 0;
  for (const auto& run : runs) events += run.events_processed;
  reports::Result result =
      models::merge_replications(runs, models::MergeInfo{scenario.name, seed, sim::to_seconds(params.warmup)});
  if (stats != nullptr) {
    stats->events = events;
    stats->wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  return result;
}

}  // namespace loadcast::scenario
