// Configuration of the database (aurora.hpp): an Aurora Serverless v2 cluster, a provisioned
// Aurora cluster or one RDS instance — engine, capacity (ACU or instance class), readers,
// connection limit, auto-pause, query costs, the Serverless v2 capacity controller, storage
// meters — the `database:` section; and the `db:` step of a request class or worker. Capacity
// in ACU (1 ACU ~ 2 GiB), query work in vCPU-seconds, durations sim::Time. validate() returns
// the problems with keys relative to the section (the step's: relative to `db:`).
//
// Defaults and limits, with sources:
// - Serverless v2 capacity 0-256 ACU in 0.5 ACU steps, max at least 1: [doc]
//   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html
// - Auto-pause only at min 0 ACU, after SecondsUntilAutoPause (default 300 s, 300-86400 s);
//   resume "up to 15 seconds": [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html
// - Up to 15 Aurora Replicas: [doc]
//   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Integrating.AutoScaling.html ;
//   promotion tiers 0-15, tiers 0-1 following the writer's capacity: [doc]
//   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.how-it-works.html
// - Instance classes and default max_connections: db_instance_classes.hpp.
// - Storage and I/O meters: cost/billing.hpp (VolumeMeterConfig).
// Assumptions (AWS publishes no number; each is a scenario parameter): the Aurora capacity
// controller and vCPU per ACU, query CPU work.
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

// assumption: the Aurora Serverless v2 capacity controller (AWS publishes no rates, only that
// scaling up is faster the larger the current capacity, and scaling down is gradual).
// `database.scaling:`.
struct ServerlessScalingConfig {
  double vcpu_per_acu = 0.25;         // 1 ACU ~ 2 GiB; r-class instances have 8 GiB per vCPU
  double up_utilization = 0.7;        // CPU utilization that counts as constrained
  sim::Time up_interval = 2 * sim::kSecond;
  double up_fraction = 0.25;          // step = max(0.5, fraction x current), rounded to 0.5
  double down_utilization = 0.3;      // mean CPU utilization below which capacity is released
  sim::Time down_interval = 30 * sim::kSecond;
  double down_fraction = 0.1;

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
  ServerlessScalingConfig scaling;

  bool serverless() const { return type == DbType::kAuroraServerlessV2; }
  ConfigProblems validate() const;
};

// The `db:` step of a request class: the reads run one after another on one connection taken
// from the task's pool for the reader endpoint (the writer's when there is no reader), then the
// writes on one connection to the writer.
struct DbStepConfig {
  int reads = 0;
  int writes = 0;
  std::optional<sim::Distribution> read;   // overrides database.query.read for this step
  std::optional<sim::Distribution> write;

  ConfigProblems validate() const;  // keys relative to `db:`; "" for the step as a whole
};

}  // namespace loadcast::models
