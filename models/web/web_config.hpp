// Web tier configuration: the `load_balancer:`, `services:` and `database:` sections of a
// scenario as plain data, plus the `cpu` and `db` steps of a request class. Defaults are in the
// member initialisers with units in the names; the scenario loader fills and validates them.
//
// Sources of the defaults:
// - ALB health check 30 s / 5 s / healthy 5 / unhealthy 2, deregistration delay 300 s, idle
//   timeout 60 s, slow start 0 (off): [doc] https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
//   and https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html
// - Target tracking alarms 3 of 3 above target, 15 of 15 below 0.9 x target: [secondary]
//   https://github.com/aws/containers-roadmap/issues/1208 (the 0.9 factor is an inference from
//   https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html)
// - Cooldowns 300 s for ECS: [doc] https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html
// - ECS stopTimeout 30 s: [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html
// - Fargate start 30-45 s to RUNNING: [secondary, AWS answer] https://repost.aws/questions/QUjZAzJd27SZWxXM7MgyxOZw
// - Aurora Serverless v2 resume "up to 15 seconds", auto-pause after 300 s by default: [doc]
//   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html
// Assumptions (AWS publishes no number; each is a scenario parameter): the split of start-up time
// into phases, metric publication delays (calibrated to AWS's measured 363 s / 86 s from load
// step to scale-out trigger, containers-roadmap#2113), application memory, DB pool size and
// timeouts, the Aurora capacity controller and vCPU per ACU, the LCU traffic shape.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cost/billing.hpp"
#include "sim/distribution.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

// ---------------------------------------------------------------- load balancer

enum class Algorithm { kRoundRobin, kLeastOutstandingRequests, kWeightedRandom };

struct HealthCheckConfig {
  sim::Time interval = 30 * sim::kSecond;
  sim::Time timeout = 5 * sim::kSecond;
  int healthy_threshold = 5;
  int unhealthy_threshold = 2;
  // assumption: CPU work of one health-check request on the task (it shares the CPU, so an
  // overloaded task answers late and fails its checks).
  sim::Distribution cpu = sim::Distribution::constant(0.001);
};

struct TargetGroupConfig {
  Algorithm algorithm = Algorithm::kRoundRobin;
  sim::Time slow_start = 0;  // 0 = off; otherwise 30 s .. 900 s
  sim::Time deregistration_delay = 300 * sim::kSecond;
  HealthCheckConfig health_check;
};

struct ListenerRule {
  int priority = 0;                // lower is evaluated first
  std::vector<std::string> paths;  // ALB path patterns: '*' any run of characters, '?' one
  std::string service;
  std::size_t service_index = 0;   // resolved by the loader
};

struct AlbConfig {
  std::string name = "alb";
  sim::Time idle_timeout = 60 * sim::kSecond;
  std::vector<ListenerRule> rules;       // sorted by priority
  std::optional<std::size_t> default_service;  // the listener's default action (index)
  TargetGroupConfig target_group;        // defaults for every service's target group
  // LCU metering (assumptions: the shape of client traffic, which the workload does not give).
  double requests_per_connection = 10.0;             // keep-alive reuse by clients
  sim::Time connection_lifetime = 60 * sim::kSecond; // how long a client connection stays open
  double request_bytes = 1024.0;                     // per request, both directions added
  double response_bytes = 16384.0;
};

// ---------------------------------------------------------------- auto scaling

enum class Comparison { kGreater, kGreaterOrEqual, kLess, kLessOrEqual };
enum class AdjustmentType { kChangeInCapacity, kExactCapacity, kPercentChangeInCapacity };
enum class Aggregation { kAverage, kMinimum, kMaximum };

struct TargetTrackingConfig {
  std::string metric;  // a metric of the service's publisher: cpu, memory, requests_per_target
  double target = 70.0;
  sim::Time scale_out_cooldown = 300 * sim::kSecond;
  sim::Time scale_in_cooldown = 300 * sim::kSecond;
  bool disable_scale_in = false;
  // Scale-in capacity: kCeil (default) is the smallest capacity that keeps the metric at or below
  // the target, which AWS documents as its rule; kFloor is floor(current x metric / target), the
  // common reading of "rounds down when removing capacity", which may push the metric above the
  // target.
  enum class ScaleInRounding { kCeil, kFloor } scale_in_rounding = ScaleInRounding::kCeil;
  int high_periods = 3, high_datapoints = 3;
  int low_periods = 15, low_datapoints = 15;
  double low_ratio = 0.9;  // AlarmLow threshold = low_ratio x target
};

// A step: bounds relative to the alarm threshold. Above the threshold the lower bound is
// inclusive and the upper exclusive; below it the lower is exclusive and the upper inclusive.
struct StepAdjustment {
  std::optional<double> lower;
  std::optional<double> upper;
  double adjustment = 0.0;
};

struct StepScalingConfig {
  std::string metric;
  Comparison comparison = Comparison::kGreaterOrEqual;
  double threshold = 0.0;
  int evaluation_periods = 1;
  int datapoints_to_alarm = 1;
  AdjustmentType adjustment_type = AdjustmentType::kChangeInCapacity;
  std::vector<StepAdjustment> steps;
  std::optional<int> min_adjustment_magnitude;  // PercentChangeInCapacity only
  sim::Time cooldown = 300 * sim::kSecond;
  Aggregation aggregation = Aggregation::kAverage;
};

struct ScalingPolicyConfig {
  std::string name;
  std::variant<TargetTrackingConfig, StepScalingConfig> spec;
};

struct ScheduledActionConfig {
  sim::Time at = 0;
  std::optional<int> min;
  std::optional<int> max;
};

struct AutoscalingConfig {
  int min = 1;
  int max = 1;
  std::vector<ScalingPolicyConfig> policies;
  std::vector<ScheduledActionConfig> scheduled;
};

// ---------------------------------------------------------------- ECS Fargate service

struct TaskLifecycleConfig {
  // assumption: the phases of a Fargate start, adding up to 28-45 s to RUNNING.
  sim::Distribution provisioning = sim::Distribution::uniform(8.0, 12.0);
  sim::Distribution pending = sim::Distribution::uniform(15.0, 25.0);  // image pull
  sim::Distribution activating = sim::Distribution::uniform(5.0, 8.0);
  // assumption: how long the application takes to exit after SIGTERM (capped by stop_timeout).
  sim::Distribution shutdown = sim::Distribution::constant(1.0);
  sim::Time stop_timeout = 30 * sim::kSecond;
  sim::Time health_check_grace = 0;  // healthCheckGracePeriodSeconds
};

struct DbPoolConfig {
  int size = 10;                                // assumption: connections per task and endpoint
  sim::Time timeout = 10 * sim::kSecond;        // assumption: wait for a connection, then 500
  sim::Time idle_timeout = 10 * sim::kMinute;   // assumption: idle connections are closed
};

struct MetricsConfig {
  sim::Time period = 60 * sim::kSecond;  // 60 s, or 20 s high resolution
  sim::Time delay = 150 * sim::kSecond;  // assumption (see the header); 15 s at 20 s resolution
};

struct ServiceConfig {
  std::string name;
  int cpu_units = 1024;    // 1024 = 1 vCPU
  int memory_mib = 2048;
  int threads = 1;         // assumption: one runnable thread (Node.js); CPU = min(threads, vCPU)
  double memory_base_mib = -1.0;        // assumption: < 0 means 25 % of memory_mib
  double memory_per_request_mib = 0.25;  // assumption: heap held by one request in progress
  bool arm64 = false;                   // for cost only
  bool spot = false;                    // for cost only
  int desired = 1;
  TaskLifecycleConfig lifecycle;
  DbPoolConfig db_pool;
  TargetGroupConfig target_group;
  MetricsConfig metrics;
  std::optional<AutoscalingConfig> autoscaling;

  double vcpu() const { return static_cast<double>(cpu_units) / 1024.0; }
  double base_memory_mib() const { return memory_base_mib < 0 ? 0.25 * memory_mib : memory_base_mib; }
};

// ---------------------------------------------------------------- database

enum class DbType { kAuroraServerlessV2, kAuroraProvisioned, kRds };
enum class DbEngine { kPostgresql, kMysql };

// assumption: the Aurora Serverless v2 capacity controller (AWS publishes no rates, only that
// scaling up is faster the larger the current capacity, and scaling down is gradual).
struct ServerlessScalingConfig {
  double vcpu_per_acu = 0.25;         // 1 ACU ~ 2 GiB; r-class instances have 8 GiB per vCPU
  double up_utilization = 0.7;        // CPU utilization that counts as constrained
  sim::Time up_interval = 2 * sim::kSecond;
  double up_fraction = 0.25;          // step = max(0.5, fraction x current), rounded to 0.5
  double down_utilization = 0.3;      // mean CPU utilization below which capacity is released
  sim::Time down_interval = 30 * sim::kSecond;
  double down_fraction = 0.1;
};

struct DbQueryConfig {
  sim::Distribution read = sim::Distribution::exponential(0.001);   // vCPU-seconds per query
  sim::Distribution write = sim::Distribution::exponential(0.003);
};

struct DatabaseConfig {
  std::string name = "db";
  DbType type = DbType::kAuroraServerlessV2;
  DbEngine engine = DbEngine::kPostgresql;
  double min_acu = 0.5;
  double max_acu = 4.0;
  int readers = 0;
  int reader_tier = 1;  // promotion tier of the readers: 0-1 follow the writer's capacity
  std::string instance_class;                // provisioned types
  // Provisioned readers' class (empty: the writer's). AWS replica auto scaling copies the
  // writer's class; a different one here reflects readers created by hand (seed 000).
  std::string reader_instance_class;
  std::optional<int> max_connections;        // overrides the documented default
  std::optional<sim::Time> auto_pause_after; // min_acu 0: SecondsUntilAutoPause (default 300 s)
  std::optional<double> initial_acu;         // Serverless v2: capacity at the start (default: min)
  sim::Time resume_time = 15 * sim::kSecond;
  bool io_optimized = false;                 // for cost only
  cost::VolumeMeterConfig volume;                  // `volume:` storage and I/O meters, for cost only
  DbQueryConfig query;
  ServerlessScalingConfig scaling;
};

// The `db:` step of a request class: the reads run one after another on one connection taken
// from the task's pool for the reader endpoint (the writer's when there is no reader), then the
// writes on one connection to the writer.
struct DbStepConfig {
  int reads = 0;
  int writes = 0;
  std::optional<sim::Distribution> read;   // overrides database.query.read for this step
  std::optional<sim::Distribution> write;
};

}  // namespace loadcast::models
