// ModelConfig: the simulator's view of a scenario beyond its workload — stations and the demand
// side of each request class (its ordered steps), and the web tier (web_config.hpp: load
// balancer, services, database), the messaging tier (messaging_config.hpp: queues, topics;
// workers below), the data tier's proxy and replica scaling, and faults. Plain data: defaults
// in member initialisers, units in names; the scenario loader fills and validates it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/data/data_tier_config.hpp"
#include "models/faults/fault_config.hpp"
#include "models/messaging/messaging_config.hpp"
#include "models/web/web_config.hpp"
#include "sim/distribution.hpp"
#include "sim/station.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

using Discipline = sim::Discipline;  // kFcfs or kPs

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
  kPublish,  // one message to a topic or queue: `publish: { topic: T, groups: N }`
};

struct StepConfig {
  StepKind kind = StepKind::kStation;
  std::string target;           // station name
  std::size_t target_index = 0; // resolved by the loader
  sim::Distribution service;    // service demand, delay or CPU work
  DbStepConfig db;              // kDb only
  PublishConfig publish;        // kPublish only
};

struct ClassConfig {
  std::vector<StepConfig> steps;
  // With a load balancer: the service the listener rules route this class to (resolved by the
  // loader from the class's path) and how many rules the ALB processed to find it.
  std::optional<std::size_t> service;
  int rules_evaluated = 0;
};

// A worker service (models/messaging/worker_service.hpp): an ECS service whose tasks poll a queue and run
// `steps` (cpu, db, publish, delay) for each message.
struct WorkerConfig {
  ServiceConfig service;       // task size, desired count, lifecycle, pools, autoscaling
  std::string queue;
  std::size_t queue_index = 0;
  int pollers = 1;             // poller loops per task
  std::int64_t batch_size = 10;  // MaxNumberOfMessages, 1..10
  sim::Time wait_time = 20 * sim::kSecond;  // WaitTimeSeconds, 0..20 s (0: short polling)
  bool delete_batch = false;   // one DeleteMessageBatch per batch instead of one call per message
  double failure_probability = 0.0;
  std::vector<StepConfig> steps;
};

struct ModelConfig {
  std::vector<StationConfig> stations;
  std::vector<ClassConfig> classes;  // parallel to WorkloadSpec::classes
  std::optional<AlbConfig> load_balancer;
  std::vector<ServiceConfig> services;
  std::optional<DatabaseConfig> database;
  std::optional<RdsProxyConfig> db_proxy;              // `database.proxy`
  std::optional<ReplicaScalingConfig> replica_scaling;  // `database.replica_autoscaling`
  std::vector<QueueConfig> queues;
  std::vector<TopicConfig> topics;
  std::vector<WorkerConfig> workers;
  std::vector<FaultConfig> faults;
};

}  // namespace loadcast::models
