// Configuration of an ECS service on Fargate (ecs_service.hpp) and of its tasks (task.hpp): task
// size, threads, desired count, application memory, lifecycle durations, database connection
// pools (connection_pool.hpp), CloudWatch metrics and auto scaling — a `services.<name>:`
// section; a worker service (worker_config.hpp) has the same keys. CPU in CPU units (1024 = 1
// vCPU), memory in MiB, durations sim::Time, distributions in seconds. validate() returns the
// problems with keys relative to the section.
//
// Defaults and limits, with sources:
// - Task sizes: the valid Fargate CPU/memory pairs (fargate_sizes.hpp).
// - stopTimeout 30 s, 2-120 s on Fargate: [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html
// - healthCheckGracePeriodSeconds: [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html
// - Fargate start 30-45 s to RUNNING: [secondary, AWS answer] https://repost.aws/questions/QUjZAzJd27SZWxXM7MgyxOZw
// Assumptions (AWS publishes no number; each is a scenario parameter): the split of start-up
// time into phases, the application's exit time after SIGTERM, its memory (base and per
// request) and threads, the DB pool's size and timeouts.
#pragma once

#include <optional>
#include <string>

#include "models/core/config_problem.hpp"
#include "models/scaling/autoscaling_config.hpp"
#include "models/scaling/cloudwatch_config.hpp"
#include "models/web/alb_config.hpp"
#include "sim/distribution.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

// Keys at the service's own level: `startup: { provisioning, pending, activating }`,
// `shutdown`, `stop_timeout`, `health_check_grace_period`.
struct TaskLifecycleConfig {
  // assumption: the phases of a Fargate start, adding up to 28-45 s to RUNNING.
  sim::Distribution provisioning = sim::Distribution::uniform(8.0, 12.0);
  sim::Distribution pending = sim::Distribution::uniform(15.0, 25.0);  // image pull
  sim::Distribution activating = sim::Distribution::uniform(5.0, 8.0);
  // assumption: how long the application takes to exit after SIGTERM (capped by stop_timeout).
  sim::Distribution shutdown = sim::Distribution::constant(1.0);
  sim::Time stop_timeout = 30 * sim::kSecond;
  sim::Time health_check_grace = 0;  // healthCheckGracePeriodSeconds

  ConfigProblems validate() const;
};

// `db_pool:` — one pool per task and endpoint (writer, reader).
struct DbPoolConfig {
  int size = 10;                                // assumption: connections per task and endpoint
  sim::Time timeout = 10 * sim::kSecond;        // assumption: wait for a connection, then 500
  sim::Time idle_timeout = 10 * sim::kMinute;   // assumption: idle connections are closed

  ConfigProblems validate() const;
};

struct ServiceConfig {
  std::string name;
  int cpu_units = 1024;    // `cpu`: 1024 = 1 vCPU
  int memory_mib = 2048;   // `memory`
  int threads = 1;         // assumption: one runnable thread (Node.js); CPU = min(threads, vCPU)
  std::optional<double> memory_base_mib;  // `app_memory.base`; assumption: 25 % of memory_mib
  double memory_per_request_mib = 0.25;   // assumption: heap held by one request in progress
  bool arm64 = false;                   // `architecture`, for cost only
  bool spot = false;                    // `capacity`, for cost only
  int desired = 1;
  // `desired: auto`: the loader replaces `desired` with the capacity the autoscaling policies
  // would hold at the first minute's load (models/core/initial_capacity.hpp).
  bool desired_auto = false;
  TaskLifecycleConfig lifecycle;
  DbPoolConfig db_pool;
  TargetGroupConfig target_group;       // the load balancer's, with `target_group:` overrides
  MetricsConfig metrics;
  std::optional<AutoscalingConfig> autoscaling;

  double vcpu() const { return static_cast<double>(cpu_units) / 1024.0; }
  double base_memory_mib() const { return memory_base_mib ? *memory_base_mib : 0.25 * memory_mib; }

  ConfigProblems validate() const;
};

}  // namespace loadcast::models
