// ModelConfig: the simulator's view of a scenario beyond its workload — stations and the demand
// side of each request class (its ordered steps). Later layers (ALB, services, database, queues,
// faults, pricing) add their Config structs here. Plain data: defaults in member initialisers,
// units in names; the scenario loader fills and validates it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/distribution.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

enum class Discipline { kFcfs, kPs };

// A generic queueing station: c servers, FCFS or processor sharing, optional queue limit
// (arrivals finding `queue_limit` requests waiting are rejected and counted).
struct StationConfig {
  std::string name;
  int servers = 1;
  Discipline discipline = Discipline::kFcfs;
  std::optional<int> queue_limit;
};

enum class StepKind {
  kStation,  // service at a generic station: `station: s1, service: exp(1ms)`
  kDelay,    // pure latency, no resource: `delay: const(20ms)` (an external call)
};

struct StepConfig {
  StepKind kind = StepKind::kStation;
  std::string target;           // station name
  std::size_t target_index = 0; // resolved by the loader
  sim::Distribution service;    // service demand or delay
};

struct ClassConfig {
  std::vector<StepConfig> steps;
};

struct ModelConfig {
  std::vector<StationConfig> stations;
  std::vector<ClassConfig> classes;  // parallel to WorkloadSpec::classes
};

}  // namespace loadcast::models
