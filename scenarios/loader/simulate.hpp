// simulate(): runs a scenario's model for R independent replications on a thread pool and merges
// them into one loadcast.result/v1 Result. Replication r uses seed `seed` and replication index
// r for all its streams, and results merge in replication order, so the output is bit-identical
// for any thread count.
#pragma once

#include <cstdint>
#include <optional>

#include "reports/result.hpp"
#include "scenarios/loader/scenario.hpp"

namespace loadcast::scenario {

struct SimOptions {
  std::optional<std::uint64_t> seed;      // overrides the scenario's seed
  std::size_t replications = 1;
  unsigned threads = 0;                   // 0: every hardware thread
  std::optional<sim::Time> duration;      // overrides the scenario's duration
  bool record_events = true;
};

struct SimStats {
  std::uint64_t events = 0;  // events processed, all replications
  double wall_s = 0.0;
};

reports::Result simulate(const Scenario& scenario, const SimOptions& options, SimStats* stats = nullptr);

}  // namespace loadcast::scenario
