// ServiceConfig, TaskLifecycleConfig, DbPoolConfig, MetricsConfig: validate() on plain structs.
#include <catch2/catch.hpp>

#include "models/web/service_config.hpp"
#include "tests/models/config_problems.hpp"

using namespace loadcast;
using namespace loadcast::models;
using testing::Lines;
using testing::lines;

TEST_CASE("ServiceConfig: the defaults are a valid Fargate service") {
  CHECK(ServiceConfig{}.validate().empty());
}

TEST_CASE("ServiceConfig: the task size must be a Fargate size") {
  ServiceConfig c;
  c.cpu_units = 512;
  c.memory_mib = 8192;
  const auto problems = c.validate();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].key == "memory");
  CHECK_THAT(problems[0].message, Catch::StartsWith("memory 8192 MiB is not valid with cpu 512 on Fargate (allowed: 1 GB to 4 GB"));
  c.cpu_units = 300;
  CHECK_THAT(c.validate()[0].message, Catch::StartsWith("cpu 300 is not a Fargate task size"));
}

TEST_CASE("ServiceConfig: threads, desired, application memory, lifecycle, pool and metrics") {
  ServiceConfig c;
  c.threads = 0;
  c.desired = -1;
  c.memory_per_request_mib = -1;
  c.memory_base_mib = 2048;  // the whole task memory
  c.lifecycle.stop_timeout = sim::kSecond;
  c.db_pool.size = 0;
  c.db_pool.idle_timeout = 0;
  c.metrics.period = 30 * sim::kSecond;
  CHECK(lines(c.validate()) == Lines{"threads: must be at least 1", "desired: must be >= 0", "app_memory.per_request: must be >= 0",
                                     "app_memory.base: must be >= 0 and below the task memory (2048 MiB)",
                                     "stop_timeout: must be between 2s and 120s on Fargate", "db_pool.size: must be at least 1",
                                     "db_pool.idle_timeout: must be longer than 0s",
                                     "metrics.resolution: must be 60s (standard) or 20s (high resolution)"});
}

TEST_CASE("ServiceConfig: no base memory means a quarter of the task's") {
  ServiceConfig c;
  CHECK(c.base_memory_mib() == 512.0);
  c.memory_base_mib = 100.0;
  CHECK(c.base_memory_mib() == 100.0);
  c.memory_base_mib = -1.0;  // set, so checked: not the "unset" of a sentinel
  CHECK(lines(c.validate()) == Lines{"app_memory.base: must be >= 0 and below the task memory (2048 MiB)"});
}

TEST_CASE("ServiceConfig: auto scaling and target group problems are under their keys") {
  ServiceConfig c;
  c.autoscaling = AutoscalingConfig{};
  c.autoscaling->min = 4;
  c.autoscaling->max = 2;
  c.target_group.health_check.healthy_threshold = 1;
  CHECK(lines(c.validate()) ==
        Lines{"autoscaling.max: max (2) must be >= min (4)", "target_group.health_check.healthy_threshold: must be between 2 and 10"});
}

TEST_CASE("ServiceConfig: the CFS period is 1 ms to 1 s, and the cores are min(threads, ceil(vCPU))") {
  ServiceConfig c;
  CHECK(c.cpu_period == 100 * sim::kMillisecond);
  c.cpu_period = 2 * sim::kSecond;  // cpu.cfs_period_us is at most 1 s
  CHECK(lines(c.validate()) == Lines{"cpu_period: must be between 1ms and 1s"});
  c.cpu_period = 500 * sim::kMicrosecond;
  CHECK(lines(c.validate()) == Lines{"cpu_period: must be between 1ms and 1s"});
  c.cpu_units = 256;
  c.memory_mib = 512;
  c.threads = 4;
  CHECK(c.cores() == 1.0);  // 0.25 vCPU: one core under a quarter-core quota
  c.cpu_units = 2048;
  c.memory_mib = 4096;
  CHECK(c.cores() == 2.0);
  c.threads = 1;
  CHECK(c.cores() == 1.0);  // one runnable thread uses one core of two
  c.cpu_units = 1536;
  c.memory_mib = 3072;
  c.threads = 8;
  CHECK(c.cores() == 2.0);  // 1.5 vCPU: two cores under a 1.5-core quota
}

TEST_CASE("ServiceConfig: deployment percents, capacity provider strategy and Spot interruption rate") {
  ServiceConfig c;
  c.maximum_percent = 99;
  c.minimum_healthy_percent = 101;
  c.spot_interruptions_per_hour = -1;
  c.capacity_providers = {CapacityProviderItem{CapacityProvider::kFargate, 1, 0}, CapacityProviderItem{CapacityProvider::kFargateSpot, 2, 0},
                          CapacityProviderItem{CapacityProvider::kFargate, 0, 1001}};
  CHECK(lines(c.validate()) == Lines{"maximum_percent: must be between 100 and 1000", "minimum_healthy_percent: must be between 0 and 100",
                                     "capacity_provider_strategy[2].weight: must be between 0 and 1000",
                                     "capacity_provider_strategy[2]: FARGATE is listed twice",
                                     "capacity_provider_strategy: only one capacity provider may have a base",
                                     "spot_interruptions_per_hour: must be >= 0"});
  c = ServiceConfig{};
  c.capacity_providers = {CapacityProviderItem{CapacityProvider::kFargateSpot, 3, 0}};
  CHECK(lines(c.validate()) == Lines{"capacity_provider_strategy: at least one capacity provider needs a weight above 0"});
  CHECK(c.uses_spot());
  c.capacity_providers.clear();
  CHECK(lines(c.validate()) == Lines{"capacity_provider_strategy: needs at least one capacity provider (FARGATE or FARGATE_SPOT)"});
  CHECK(!ServiceConfig{}.uses_spot());
}

TEST_CASE("ServiceConfig: an app-server pool has workers, a backlog in range, and threads equal to its workers") {
  ServiceConfig c;
  c.concurrency.model = Concurrency::kThreadPool;
  c.concurrency.workers = 8;
  c.threads = 8;
  CHECK(c.validate().empty());
  CHECK(c.concurrency.backlog_limit() == 2048);
  CHECK(c.cores() == 1.0);  // min(8, ceil(1 vCPU))
  c.threads = 4;
  c.concurrency.backlog = 70000;
  CHECK(lines(c.validate()) == Lines{"concurrency.backlog: must be between 0 and 65535",
                                     "threads: must equal concurrency.thread_pool (8): each worker of the pool is one runnable thread (leave threads out)"});
  c.concurrency.model = Concurrency::kProcessPool;
  c.concurrency.workers = 0;
  c.concurrency.backlog = 0;
  CHECK(lines(c.validate()) == Lines{"concurrency.process_pool: must be at least 1 (workers per task)"});
  c.concurrency.model = Concurrency::kEventLoop;
  c.concurrency.backlog = 10;
  c.threads = 1;
  CHECK(lines(c.validate()) ==
        Lines{"concurrency.backlog: applies to a thread_pool or process_pool only (an event loop takes every request at once)"});
}
