// Configuration of the `faults:` section (faults.hpp runs them): scheduled failures, each
// `{ at, type, ... }` — db_failover (duration), kill_tasks (service, count) or worker_errors
// (a worker, failure_probability, duration). Durations sim::Time. Plain data; the scenario
// loader fills it, resolves service names to indices and checks `at` against the run's length;
// validate() returns the problems with keys relative to the fault's entry.
// The failover's default 30 s: "usually under 30 s" with a replica, [secondary] Aurora FAQ
// wording, https://aws.amazon.com/rds/aurora/faqs/ (cluster_control.hpp).
#pragma once

#include <cstddef>
#include <string>

#include "models/core/config_problem.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

enum class FaultType { kDbFailover, kKillTasks, kWorkerErrors };
const char* to_string(FaultType t);

struct FaultConfig {
  sim::Time at = 0;
  FaultType type = FaultType::kDbFailover;
  sim::Time duration = 30 * sim::kSecond;  // db_failover, worker_errors
  std::string service;                     // kill_tasks, worker_errors
  std::size_t service_index = 0;           // resolved by the loader: index in services or workers
  bool worker = false;                     // service_index is a worker service
  int count = 1;                           // kill_tasks
  double failure_probability = 1.0;        // worker_errors

  ConfigProblems validate() const;  // the keys of its type only
};

}  // namespace loadcast::models
