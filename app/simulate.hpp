// simulate(): runs a scenario's model for R independent replications on a thread pool and merges
// them into one loadcast.result/v1 Result, with the mean metered usage beside it (typed; priced
// into the `cost` section, serialized into `usage` only when the result is written). Replication
// r uses seed `seed` and replication index r for all its streams, and results merge in
// replication order, so the output is bit-identical for any thread count. Optionally stops
// adding replications once a precision is reached.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <utility>

#include "cost/usage.hpp"
#include "reports/result.hpp"
#include "scenarios/loader/scenario.hpp"

namespace loadcast::app {

struct SimOptions {
  std::optional<std::uint64_t> seed;      // overrides the scenario's seed
  std::size_t replications = 1;          // with `precision`: the most replications to run
  // JMT-style sequential stopping: when > 0, replications run in rounds of 4 until the 95 %
  // interval of the mean latency is within ±precision × mean (or `replications` is reached).
  // Rounds have a fixed size, so where it stops does not depend on the thread count.
  double precision = 0.0;
  unsigned threads = 0;                   // 0: every hardware thread
  std::optional<sim::Time> duration;      // overrides the scenario's duration
  std::optional<sim::Time> warmup;        // overrides the scenario's warm-up
  // A span [from, to) whose responses get their own latency summary (the `window` section).
  std::optional<std::pair<sim::Time, sim::Time>> window;
  bool record_events = true;
  // Set (by a SIGINT/SIGTERM handler), it ends every replication within a few thousand events;
  // the result then covers the simulated time reached, with sim.stopped_early. Not owned.
  const std::atomic<bool>* stop = nullptr;
};

struct SimStats {
  std::uint64_t events = 0;  // events processed, all replications
  double wall_s = 0.0;
};

struct SimRun {
  reports::Result result;            // every section but `usage`
  std::optional<cost::Usage> usage;  // the mean over replications; nullopt: nothing metered
  bool stopped_early = false;        // options.stop ended the run (result.sections["sim"] says where)
  // The result as result.json holds it: `result` with `usage` serialized into its section.
  reports::Result to_result() const&;
  // The same, taking `result` instead of copying it (a run of many classes holds its histograms
  // once); `usage` stays.
  reports::Result to_result() &&;
};

SimRun simulate(const scenario::Scenario& scenario, const SimOptions& options, SimStats* stats = nullptr);

}  // namespace loadcast::app
