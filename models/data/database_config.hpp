// Configuration of the database (aurora.hpp): an Aurora Serverless v2 cluster, a provisioned
// Aurora cluster or one RDS instance — engine, capacity (ACU or instance class), readers,
// connection limit, auto-pause, query costs, the Serverless v2 capacity controller, storage
// meters — the `database:` section; and the `db:` step of a request class or worker. Capacity
// in ACU (1 ACU ~ 2 GiB), query work in vCPU-seconds, durations sim::Time. validate() returns
// the problems with keys relative to the section (the step's: relative to `db:`).
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Integrating.AutoScaling.html
// assumption (each a key): the capacity controller, vCPU per ACU and its CPU period, the
// working set, query CPU work, the storage meters.
// Facts and assumptions: docs/models/data.md#assumptions-where-aws-publishes-no-number
#pragma once

#include <optional>
#include <string>

#include "cost/billing.hpp"
#include "models/core/config_problem.hpp"
#include "sim/distribution.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

enum class DbType { kAuroraServerlessV2, kAuroraProvisioned, kRds };
enum class DbEngine { kPostgresql, kMysql };

inline constexpr int kMaxAuroraReplicas = 15;

// The Aurora Serverless v2 instance's CPU and its capacity controller, `database.scaling:`.
// AWS publishes no formula, only that capacity follows CPU, memory and network, that scaling up
// is faster the larger the current capacity and scaling down is gradual, and that
// high-connection workloads need a higher minimum; so every number here is an assumption
// except the max_connections table behind the connection floor (db_instance_classes.hpp) and
// the buffer-pool shares (AWS's examples, below).
struct ServerlessScalingConfig {
  double vcpu_per_acu = 0.25;  // 1 ACU ~ 2 GiB; r-class instances have 8 GiB per vCPU
  // The instance's vCPUs are a quota of vCPU x cpu_period per period on ceil(vCPU) cores, like a
  // Fargate task's (sim::CpuQuota).
  sim::Time cpu_period = 100 * sim::kMillisecond;
  // Capacity converges to the level that holds CPU utilization at (just under) this target.
  double target_utilization = 0.7;
  sim::Time up_interval = 2 * sim::kSecond;    // capacity may rise once per interval ...
  double up_fraction = 0.25;                   // ... by at most max(0.5, fraction x current)
  sim::Time down_interval = 30 * sim::kSecond; // and fall once per interval (on its mean CPU) ...
  double down_fraction = 0.1;                  // ... by at most max(0.5, fraction x current)
  // Hold at least the capacity whose documented max_connections covers the open connections.
  bool connection_floor = true;
  // Hot data the workload keeps in the buffer pool (GiB): capacity stays at least
  // working_set / (buffer_pool_share x 2 GiB). 0: no memory floor.
  double working_set_gib = 0.0;
  // Share of an ACU's memory that is buffer pool; unset: the engine's (engine_buffer_pool_share).
  std::optional<double> buffer_pool_share;

  ConfigProblems validate() const;
};

// `database.query:`.
struct DbQueryConfig {
  sim::Distribution read = sim::Distribution::exponential(0.001);   // vCPU-seconds per query
  sim::Distribution write = sim::Distribution::exponential(0.003);
};

// True when `acu` is a whole number of Serverless v2's 0.5-ACU steps.
bool half_acu_step(double acu);

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
  std::optional<std::string> reader_instance_class;
  std::optional<int> max_connections;        // overrides the documented default
  std::optional<sim::Time> auto_pause_after; // min_acu 0: SecondsUntilAutoPause (default 300 s)
  std::optional<double> initial_acu;         // Serverless v2: capacity at the start (default: min)
  sim::Time resume_time = 15 * sim::kSecond;
  bool io_optimized = false;                 // `storage`, for cost only
  cost::VolumeMeterConfig volume;            // `volume:` storage and I/O meters, for cost only
  DbQueryConfig query;
  // `round_trip`: the network round trip between a task and the database for each query
  // (request out, result back), time the request waits holding its connection, no CPU anywhere.
  // assumption: AWS publishes no in-VPC latency; default 0 (the shipped scenarios' CPU and delay
  // steps already hold what they measured); `loadcast calibrate --fit-latency` fits it.
  sim::Distribution round_trip = sim::Distribution::constant(0.0);
  ServerlessScalingConfig scaling;
  // After a failover, each client connection that dropped opens again (cluster_control.hpp):
  // assumption, AWS publishes no number: the time to open it (TCP, TLS, authentication) before
  // its first query runs, and the vCPU-seconds the instance spends on it.
  sim::Distribution reconnect_latency = sim::Distribution::constant(0.02);
  double reconnect_work = 0.002;

  bool serverless() const { return type == DbType::kAuroraServerlessV2; }
  // The buffer pool's share of an ACU's memory: scaling.buffer_pool_share or the engine's.
  double buffer_pool_share() const;
  ConfigProblems validate() const;
};

// The buffer pool's share of a Serverless v2 instance's memory in AWS's examples: Aurora
// PostgreSQL shared_buffers 10.9 GiB at 8 ACU, 16.9 GiB at 12.5 ACU (0.68, 0.675); Aurora MySQL
// innodb_buffer_pool_size 8.7 GiB at 8 ACU, 14.5-15.0 GiB at 12.5 ACU (0.54-0.60). [doc]
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html
// assumption: PostgreSQL 0.675, MySQL 0.57 at every capacity.
double engine_buffer_pool_share(DbEngine engine);

// The `db:` step of a request class: the reads run one after another on one connection taken
// from the task's pool for the reader endpoint (the writer's when there is no reader), then the
// writes on one connection to the writer.
struct DbStepConfig {
  int reads = 0;
  int writes = 0;
  std::optional<sim::Distribution> read;   // overrides database.query.read for this step
  std::optional<sim::Distribution> write;
  // Behind RDS Proxy: the probability that a query of this step pins its session (it runs SET,
  // PREPARE, creates a temporary table...: rds_proxy.hpp), 0-1; assumption: the share of the
  // application's queries that do, a parameter.
  double pinned = 0.0;

  ConfigProblems validate() const;  // keys relative to `db:`; "" for the step as a whole
};

}  // namespace loadcast::models
