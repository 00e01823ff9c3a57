// Configuration of an ECS service on Fargate (ecs_service.hpp) and of its tasks (task.hpp): task
// size, threads, desired count, application memory, lifecycle durations, database connection
// pools (connection_pool.hpp), capacity providers, CloudWatch metrics and auto scaling — a
// `services.<name>:` section; a worker service (worker_config.hpp) has the same keys. CPU in CPU
// units (1024 = 1 vCPU), memory in MiB, durations sim::Time, distributions in seconds.
// validate() returns the problems with keys relative to the section.
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html
// [secondary, AWS answer] https://repost.aws/questions/QUjZAzJd27SZWxXM7MgyxOZw
// [AWS source] defaultCPUPeriod in https://github.com/aws/amazon-ecs-agent/blob/master/agent/api/task/task_linux.go
// assumption (each a key, marked below): the start-up phases, the exit time after SIGTERM, the
// application's memory and threads, the CFS period on Fargate, the DB pools, the Spot rate.
// Facts and assumptions: docs/models/web.md#assumptions-where-aws-publishes-no-number
// App-server concurrency (`concurrency:`, ConcurrencyConfig): event_loop (default) or a pool of N
// workers each holding one request for all its steps, a listen backlog in front
// (docs/models/web.md#app-server-concurrency; listen(2): https://man7.org/linux/man-pages/man2/listen.2.html).
#pragma once

#include <optional>
#include <string>
#include <vector>

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

// `concurrency:` — how the application server holds requests.
// - kEventLoop: every admitted request is worked on at once; its CPU steps share the task's
//   cores by processor sharing and its waits (database, calls) hold nothing (Node.js).
// - kThreadPool / kProcessPool: `workers` workers, each serving one request at a time for all its
//   steps (blocking on the database and on calls); a request admitted while all are busy waits
//   FCFS in the listen backlog, and one arriving with `backlog` requests waiting is refused
//   (502). The two pools queue alike; the task memory model has no per-worker figure, so a
//   process pool's extra memory belongs in `app_memory.base`. A pool of N is N runnable threads:
//   `threads` is N (the CPU side: min(N, ceil(vCPU)) cores under the quota).
enum class Concurrency { kEventLoop, kThreadPool, kProcessPool };
const char* to_string(Concurrency c);  // "event_loop", "thread_pool", "process_pool"

struct ConcurrencyConfig {
  Concurrency model = Concurrency::kEventLoop;
  int workers = 0;  // pools: workers per task (`thread_pool: N` / `process_pool: N`)
  // Pools: requests that may wait for a worker (listen backlog); unset: kDefaultBacklog.
  std::optional<int> backlog;
  // assumption: gunicorn's default --backlog (Puma 1024, PHP-FPM 511, Tomcat acceptCount 100).
  static constexpr int kDefaultBacklog = 2048;

  bool pool() const { return model != Concurrency::kEventLoop; }
  int backlog_limit() const { return backlog ? *backlog : kDefaultBacklog; }
  // `threads` is the service's, checked against the pool's size.
  ConfigProblems validate(int threads) const;
};

// `capacity_provider_strategy:` items. [doc]
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html
enum class CapacityProvider { kFargate, kFargateSpot };
const char* to_string(CapacityProvider p);  // "FARGATE", "FARGATE_SPOT"

struct CapacityProviderItem {
  CapacityProvider provider = CapacityProvider::kFargate;
  int base = 0;    // tasks, at a minimum, on this provider (one item at most has a base)
  int weight = 1;  // share of the tasks beyond the base
};

// The largest `cpu_demand_sd` accepted: a demand uncertain by more than its own size is no
// calibration.
inline constexpr double kMaxCpuDemandSd = 1.0;

struct ServiceConfig {
  std::string name;
  int cpu_units = 1024;    // `cpu`: 1024 = 1 vCPU
  int memory_mib = 2048;   // `memory`
  int threads = 1;         // assumption: one runnable thread (Node.js); cores() = min(threads, ceil(vCPU))
  sim::Time cpu_period = 100 * sim::kMillisecond;  // `cpu_period`: CFS period, budget vCPU x period
  ConcurrencyConfig concurrency;  // `concurrency`; a pool of N sets threads to N
  // `cpu_demand_sd`: the relative standard deviation of the uncertainty of this service's CPU
  // demands (a calibration's, `loadcast calibrate`). Each replication multiplies every CPU step
  // the service runs by one factor of mean 1 and this standard deviation (models/web/
  // demand_factor.hpp), so the spread across replications carries it; 0: the demands as written.
  double cpu_demand_sd = 0.0;
  std::optional<double> memory_base_mib;  // `app_memory.base`; assumption: 25 % of memory_mib
  double memory_per_request_mib = 0.25;   // assumption: heap held by one request in progress
  // `background`: CPU the application spends apart from its requests while it runs (timers,
  // garbage collection, its runtime's own wake-ups): `cpu` vCPU, as one job of cpu x interval
  // every `interval` on the task's threads (on an event loop it waits for the loop like a
  // request's step). assumption: 0 unless measured: `loadcast calibrate` fits it as the intercept
  // of the service demand law when its runs had two rates or more; the interval is a guess.
  double background_vcpu = 0.0;
  sim::Time background_interval = 100 * sim::kMillisecond;
  // `wakeup_cpu`: the CPU an event loop spends waking from idle — a request or a database reply
  // that arrives while none of the task's CPU steps runs or waits (the loop was asleep in
  // epoll_wait) first costs this much CPU on the loop's thread (the kernel's wake-up, the loop's
  // turn, caches gone cold), before the step it woke for. Under load the loop is rarely idle, so
  // the CPU per request falls as the rate rises. assumption: 0 unless measured: `loadcast
  // calibrate --fit-wakeup` fits it from the wake-ups `loadcast load --sample` counts. Event loop
  // only: a pool's worker blocks for every request, so its wake-ups are part of the demand.
  sim::Time wakeup_cpu = 0;
  // `wakeup_cold_after`: only a wake-up after the loop slept at least this long costs
  // `wakeup_cpu`; one sooner finds the core and its caches still warm and costs nothing. 0: every
  // wake-up costs it. Measured on a 2-core virtual machine (docs/calibrate.md, the idle probe):
  // the same work cost up to 6 % more after up to 20 ms of idleness, 26-36 % more after 21 ms.
  // assumption: AWS publishes nothing on a Fargate vCPU's behaviour after idling; run the probe
  // in a task to measure yours. Event loop only, with wakeup_cpu or for `calibrate --fit-wakeup`.
  sim::Time wakeup_cold_after = 0;
  bool arm64 = false;                   // `architecture`, for cost only
  // `capacity_provider_strategy` (or `capacity: on_demand | spot`, one provider): which tasks
  // run on Fargate Spot (priced at the Spot rate and reclaimed now and then).
  std::vector<CapacityProviderItem> capacity_providers{CapacityProviderItem{}};
  // assumption: how often Fargate Spot reclaims a RUNNING Spot task, per task-hour (AWS
  // publishes no rate; replace it with what your EventBridge TerminationNotice events show).
  double spot_interruptions_per_hour = 0.01;
  int desired = 1;
  // Deployment configuration: tasks in RUNNING or PENDING at most maximum_percent of desired
  // (rounded down), at least minimum_healthy_percent RUNNING (rounded up). ECS replaces an
  // unhealthy task within these: the replacement first, the unhealthy task stopped once the
  // replacement is healthy.
  int maximum_percent = 200;
  int minimum_healthy_percent = 100;
  // `desired: auto`: the loader replaces `desired` with the capacity the autoscaling policies
  // would hold at the first minute's load (models/core/initial_capacity.hpp).
  bool desired_auto = false;
  TaskLifecycleConfig lifecycle;
  DbPoolConfig db_pool;
  TargetGroupConfig target_group;       // the load balancer's, with `target_group:` overrides
  MetricsConfig metrics;
  std::optional<AutoscalingConfig> autoscaling;

  double vcpu() const { return static_cast<double>(cpu_units) / 1024.0; }
  // Cores the application's threads run on at full speed, under the vCPU quota.
  double cores() const;
  // Some tasks may run on Fargate Spot.
  bool uses_spot() const;
  double base_memory_mib() const { return memory_base_mib ? *memory_base_mib : 0.25 * memory_mib; }

  ConfigProblems validate() const;
};

}  // namespace loadcast::models
