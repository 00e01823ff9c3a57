// Configuration of the `faults:` section (faults.hpp runs them). Plain data; the scenario
// loader fills it and resolves service names to indices.
#pragma once

#include <string>

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
};

}  // namespace loadcast::models
