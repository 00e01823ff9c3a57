// Faults: scheduled failures injected into a run — an Aurora writer failover, tasks of a service
// killed, a worker service whose messages fail with a raised probability for a while. Each fault
// starts and (when it has a duration) ends with an event (`fault_start` / `fault_end`); the
// components do the rest (ClusterControl, EcsService, WorkerService). Overlapping failovers
// extend the outage to the later end; overlapping worker_errors on one worker apply the largest
// active probability, and the worker's own returns when the last one ends.
// [secondary] https://aws.amazon.com/rds/aurora/faqs/ (failover "usually under 30 s": the default
// duration, a parameter)
// Facts and assumptions: docs/models/faults.md
// Not thread safe: one per replication.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/core/component.hpp"
#include "models/faults/fault_config.hpp"
#include "sim/simulation.hpp"

namespace loadcast::models {

// What a fault acts on. The wiring (System) implements these over the real components.
class FaultTargets {
 public:
  virtual ~FaultTargets() = default;
  // Starts a writer failover lasting `duration`; returns a sentence for the event.
  virtual std::string begin_db_failover(sim::Time duration) = 0;
  // Kills up to `count` running tasks of a web service (or a worker service); returns how many
  // died.
  virtual int kill_tasks(std::size_t service, bool worker, int count) = 0;
  // Sets (or with probability < 0 clears) the failure probability override of worker `worker`.
  virtual void set_worker_failure(std::size_t worker, double probability) = 0;
};

class Faults final : public Component {
 public:
  Faults(sim::Simulation& sim, const std::vector<FaultConfig>& faults, FaultTargets& targets, EventLog& events);
  void start();
  std::size_t started() const { return started_; }

 private:
  void begin(std::size_t i);
  void end(std::size_t i);
  void apply_worker_errors(std::size_t worker);

  sim::Simulation& sim_;
  const std::vector<FaultConfig>& faults_;
  FaultTargets& targets_;
  EventLog& events_;
  std::size_t started_ = 0;
  std::map<std::size_t, std::vector<std::size_t>> worker_errors_;  // per worker: active faults
};

}  // namespace loadcast::models
