// Faults: scheduled failures injected into a run — an Aurora writer failover, tasks of a service
// killed, a worker service whose messages fail with a raised probability for a while.
//
//   faults:
//     - { at: 30m, type: db_failover, duration: 30s }
//     - { at: 45m, type: kill_tasks, service: api, count: 2 }
//     - { at: 50m, type: worker_errors, service: worker-item, failure_probability: 0.5, duration: 5m }
//
// Each fault starts and (when it has a duration) ends with an event in the result's `events`
// ("fault_start" / "fault_end", target and a sentence). The components do the rest: the
// database makes its writer unavailable (failover), the service kills tasks as if they crashed
// (their in-flight requests get 502, ECS replaces them), the worker service fails messages,
// which reappear after the visibility timeout.
// Overlapping faults: a failover starting while another is on extends the writer's outage to
// the later end (ClusterControl keeps the latest end); worker_errors on one worker stack — while
// any is active the largest active failure_probability applies, and the worker's own returns
// only when the last one ends.
// Source for the failover default: Aurora failover with a replica "usually under 30 s" ([secondary]
// Aurora FAQ wording, https://aws.amazon.com/rds/aurora/faqs/); the duration is a parameter.
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
