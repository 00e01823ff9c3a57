// ModelConfig: the simulator's view of a scenario beyond its workload — the wiring of the
// components' configurations, each beside its component: stations and the demand side of each
// request class (its ordered steps, step_config.hpp) here; the load balancer
// (web/alb_config.hpp), services (web/service_config.hpp), database (data/database_config.hpp,
// rds_proxy_config.hpp, replica_scaling_config.hpp), queues, topics and workers
// (messaging/queue_config.hpp, topic_config.hpp, worker_config.hpp) and faults
// (faults/fault_config.hpp). Plain data: defaults in member initialisers, units in names; the
// scenario loader fills it, resolves names to indices and reports what each validate() finds.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/core/step_config.hpp"
#include "models/data/database_config.hpp"
#include "models/data/rds_proxy_config.hpp"
#include "models/data/replica_scaling_config.hpp"
#include "models/faults/fault_config.hpp"
#include "models/messaging/queue_config.hpp"
#include "models/messaging/topic_config.hpp"
#include "models/messaging/worker_config.hpp"
#include "models/web/alb_config.hpp"
#include "models/web/service_config.hpp"
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

struct ClassConfig {
  std::vector<StepConfig> steps;
  // Bytes of one response the load balancer sends back (`response_bytes`, a distribution);
  // nullopt: the load balancer's lcu.response_bytes.
  std::optional<sim::Distribution> response_bytes;
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
  std::optional<RdsProxyConfig> db_proxy;              // `database.proxy`
  std::optional<ReplicaScalingConfig> replica_scaling;  // `database.replica_autoscaling`
  std::vector<QueueConfig> queues;
  std::vector<TopicConfig> topics;
  std::vector<WorkerConfig> workers;
  std::vector<FaultConfig> faults;
};

}  // namespace loadcast::models
