// ModelConfig: the simulator's view of a scenario beyond its workload — stations and the demand
// side of each request class (its ordered steps), and the web tier (web_config.hpp: load
// balancer, services, database). Later layers (queues, faults, pricing) add their Config
// structs here. Plain data: defaults in member initialisers, units in names; the scenario
// loader fills and validates it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/web_config.hpp"
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
  kCpu,      // CPU work on the serving task: `cpu: exp(10ms)`
  kDb,       // database queries from the serving task: `db: { reads: 1, writes: 1 }`
};

struct StepConfig {
  StepKind kind = StepKind::kStation;
  std::string target;           // station name
  std::size_t target_index = 0; // resolved by the loader
  sim::Distribution service;    // service demand, delay or CPU work
  DbStepConfig db;              // kDb only
};

struct ClassConfig {
  std::vector<StepConfig> steps;
  // With a load balancer: the service the listener rules route this class to (resolved by the
  // loader from the class's path) and how many rules the ALB processed to find it.
  std::optional<std::size_t> service;
  int rules_evaluated = 0;
};

struct ModelConfig {
  std::vector<StationConfig> stations;
  std::vector<ClassConfig> classes;  // parallel to WorkloadSpec::classes
  std::optional<AlbConfig> load_balancer;
  std::vector<ServiceConfig> services;
  std::optional<DatabaseConfig> database;
};

}  // namespace loadcast::models
