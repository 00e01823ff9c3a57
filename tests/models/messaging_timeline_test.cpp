// Timelines of whole simulated deployments with the messaging and data tiers: a worker service
// scaling on backlog per task (from zero), a writer failover with and without RDS Proxy, and
// Aurora replica auto scaling adding a reader minutes after reader CPU crosses its target.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "tests/models/messaging_test_util.hpp"

using namespace loadcast;
using namespace loadcast::testing;

TEST_CASE("WorkerService: backlog per task scales out from zero after three datapoints and back to zero") {
  // 20 messages/s for 20 minutes; a task handles 2.5/s (0.4 s of a 0.25 vCPU task each).
  const auto r = run(R"(
seed: 5
duration: 70m
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: 20 }, { at: 20m, rate: 20 }, { at: 20m, rate: 0 }, { at: 70m, rate: 0 } ]
  requests:
    - { name: order, path: /order, steps: [ { publish: { queue: jobs, groups: 1000 } } ] }
queues:
  jobs: { visibility_timeout: 60s }
workers:
  worker:
    cpu: 256
    memory: 512
    desired: 0
    queue: jobs
    steps: [ { cpu: const(100ms) } ]
    autoscaling:
      min: 0
      max: 20
      policies:
        - { type: target_tracking, metric: backlog_per_task, target: 50, scale_out_cooldown: 60s, scale_in_cooldown: 60s }
)");
  const auto outs = events(r, "scale_out", "worker");
  REQUIRE(!outs.empty());
  // Datapoints of minutes 1, 2 and 3 (backlog ~1,200, 2,400, 3,600), published 150 s after
  // each period: the alarm fires at 180 + 150 = 330 s, and not before.
  CHECK(outs[0].t_s == Approx(330.0).margin(1.0));
  CHECK(*outs[0].from == 0.0);
  CHECK(*outs[0].to == 20.0);  // ceil(backlog / 50) = 72, clamped to max
  CHECK(outs[0].reason.find("ceil(1 x ") != std::string::npos);
  const auto& running = series(r, "worker.tasks_running");
  for (std::size_t i = 0; i < 5; ++i) CHECK(running[i] == 0.0);  // nothing runs for five minutes
  // Tasks start about 30-45 s after the scale-out.
  const auto& t_s = r.timeseries.t_s;
  for (std::size_t i = 0; i < t_s.size(); ++i) {
    if (t_s[i] >= 420.0 && t_s[i] < 1200.0) CHECK(running[i] == 20.0);
  }
  // Every message is processed once the backlog drains; the accounting balances.
  const auto& q = r.sections.at("queues").at("jobs");
  CHECK(q.at("balanced").get<bool>());
  CHECK(number(q.at("published")) == number(q.at("deleted")));
  CHECK(number(r.sections.at("workers").at("worker").at("processed")) == number(q.at("deleted")));
  // Scale-in to zero only after 15 datapoints below 0.9 x 50.
  const auto& backlog = series(r, "worker.backlog_per_task");
  double low_since = -1.0;
  for (std::size_t i = 0; i < t_s.size(); ++i) {
    if (backlog[i] < 45.0 && low_since < 0 && t_s[i] > 600.0) low_since = t_s[i];
  }
  const auto ins = events(r, "scale_in", "worker");
  REQUIRE(!ins.empty());
  CHECK(ins.back().to.value() == 0.0);
  CHECK(ins.front().t_s >= low_since + 15 * 60.0);
  CHECK(running.back() == 0.0);
  // Every poller of the stopped tasks was released.
  CHECK(number(r.sections.at("workers").at("worker").at("pollers_at_end")) == 0.0);
}

TEST_CASE("ClusterControl: a writer failover fails writes without a proxy and delays them with one then recovers") {
  auto scenario = [](bool proxy) {
    return std::string(R"(
seed: 9
duration: 10m
report_interval: 10s
workload:
  arrivals: { process: poisson, rate: 20 }
  requests:
    - { name: write, path: /w, steps: [ { cpu: const(2ms) }, { db: { writes: 1 } } ] }
load_balancer: { type: alb, default: api }
services:
  api:
    cpu: 1024
    memory: 2048
    desired: 2
    db_pool: { size: 500, timeout: 60s }
database:
  type: aurora_provisioned
  engine: mysql
  instance_class: db.r8g.large
  query: { read: const(2ms), write: const(5ms) }
)") + (proxy ? "  proxy: { borrow_timeout: 120s }\n" : "") + R"(
faults:
  - { at: 5m, type: db_failover, duration: 30s }
)";
  };
  SECTION("without a proxy every write in the window fails with 500 and none outside it") {
    const auto r = run(scenario(false));
    const auto failed = cause(r, "db_failover:db");
    // 20 requests/s for 30 s.
    CHECK(failed >= 500);
    CHECK(failed <= 700);
    CHECK(r.requests.errors == failed);
    const auto& errors = series(r, "errors_per_s");
    const auto& t_s = r.timeseries.t_s;
    for (std::size_t i = 0; i < t_s.size(); ++i) {
      if (t_s[i] < 300.0 || t_s[i] >= 330.0) CHECK(errors[i] == 0.0);
      else CHECK(errors[i] > 10.0);
    }
    REQUIRE(events(r, "db_failover").size() == 1);
    REQUIRE(events(r, "db_failover_complete").size() == 1);
    CHECK(events(r, "db_failover_complete")[0].t_s == Approx(330.0));
  }
  SECTION("with a proxy no write fails and the writes of the window wait for the writer") {
    const auto r = run(scenario(true));
    CHECK(r.requests.errors == 0);
    CHECK(r.requests.balanced());
    // The first write of the window waited the whole 30 s, plus the writer working off the
    // 600 queued writes (5 ms each on 2 vCPUs: 1.5 s) when it is back.
    CHECK(r.latency_ms.max >= 29000.0);
    CHECK(r.latency_ms.max <= 32000.0);
    const auto& p99 = series(r, "latency_p99_ms");
    const auto& t_s = r.timeseries.t_s;
    for (std::size_t i = 0; i < t_s.size(); ++i) {
      if (t_s[i] < 300.0 || t_s[i] >= 340.0) CHECK(p99[i] < 100.0);  // normal before and after
    }
    const auto& proxy = r.sections.at("db_proxy").at("proxy");
    CHECK(number(proxy.at("borrow_timeouts")) == 0.0);
  }
}

TEST_CASE("ClusterControl: replica auto scaling adds a reader minutes after reader CPU crosses its target") {
  // Reads of 10 ms on one 2-vCPU reader: 40/s = 20 % CPU, 160/s = 80 %.
  const auto r = run(R"(
seed: 3
duration: 40m
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: 40 }, { at: 10m, rate: 40 }, { at: 10m, rate: 160 }, { at: 40m, rate: 160 } ]
)" + db_requests(false, kReadApi) +
                     aurora_mysql("{ read: const(10ms), write: const(5ms) }",
                                  "  reader_instance_class: db.t4g.medium\n  readers: 1\n  proxy: {}\n  replica_autoscaling: { min: 1, max: 3, "
                                  "metric: reader_cpu, target: 60, launch_time: const(6m) }\n"));
  const auto launches = events(r, "replica_launch");
  REQUIRE(!launches.empty());
  // Datapoints of minutes 11, 12 and 13 above 60 %, published 60 s after each period: 14 min.
  CHECK(launches[0].t_s >= 13 * 60.0);
  CHECK(launches[0].t_s <= 15 * 60.0);
  const auto available = events(r, "replica_available");
  REQUIRE(!available.empty());
  CHECK(available[0].t_s == Approx(launches[0].t_s + 360.0));  // six minutes to launch a replica
  CHECK(available[0].target == "reader-2");
  // ceil(1 x 80 / 60) = 2 readers, which share the reads below the target. (When reader-2
  // joins, the alarm still sees the last overloaded datapoints with two readers running and asks
  // for ceil(2 x 79 / 60) = 3: target tracking's overshoot from delayed metrics.)
  const auto outs = events(r, "scale_out", "db.replicas");
  REQUIRE(!outs.empty());
  CHECK(*outs[0].to == 2.0);
  const auto& readers = series(r, "db.readers");
  const auto& cpu1 = series(r, "reader-1.cpu_utilization");
  const auto& t_s = r.timeseries.t_s;
  for (std::size_t i = 0; i < t_s.size(); ++i) {
    if (t_s[i] >= 11 * 60.0 && t_s[i] < launches[0].t_s) CHECK(cpu1[i] > 60.0);
    if (t_s[i] + 60.0 < available[0].t_s) CHECK(readers[i] == 1.0);  // sampled at the interval end
    if (t_s[i] >= available[0].t_s + 60.0) {
      CHECK(readers[i] >= 2.0);
      CHECK(cpu1[i] < 60.0);
    }
  }
  CHECK(r.requests.errors == 0);
  CHECK(number(r.sections.at("replica_autoscaling").at("db").at("readers_max")) <= 3.0);
  // The new reader has the writer's class ("Aurora Auto Scaling adds Aurora Replicas with the
  // same DB instance class as the primary"), the declared one the reader class; the proxy's pool
  // for it follows the writer class's max_connections (1,000 for db.r8g.large, 90 for
  // db.t4g.medium; both have 2 vCPUs, so the timeline above is the same either way).
  const auto& pools = r.sections.at("db_proxy").at("proxy").at("pool_limits");
  CHECK(number(pools.at("reader-1")) == 90.0);
  CHECK(number(pools.at("reader-2")) == 1000.0);
  // The new reader is billed from its launch (provisioned instance seconds).
  bool billed = false;
  for (const auto& inst : r.sections.at("usage").at("aurora_provisioned")) {
    if (inst.at("instance") == "reader-1") CHECK(inst.at("instance_class") == "db.t4g.medium");
    if (inst.at("instance") == "reader-2") {
      billed = true;
      CHECK(inst.at("instance_class") == "db.r8g.large");
      CHECK(number(inst.at("instance_seconds")) == Approx(40 * 60.0 - available[0].t_s).margin(1.0));
    }
  }
  CHECK(billed);
}

TEST_CASE("WorkerService: worker_errors and kill_tasks faults show in events and messages reappear") {
  const auto r = run(R"(
seed: 8
duration: 20m
workload:
  arrivals: { process: poisson, rate: 5 }
  requests:
    - { name: order, path: /order, steps: [ { publish: { queue: jobs, groups: 50 } } ] }
queues:
  jobs: { visibility_timeout: 30s, dead_letter: { queue: jobs-dlq, max_receive_count: 3 } }
  jobs-dlq: {}
workers:
  worker:
    cpu: 256
    memory: 512
    desired: 2
    queue: jobs
    steps: [ { cpu: const(20ms) } ]
faults:
  - { at: 5m, type: worker_errors, service: worker, failure_probability: 0.5, duration: 5m }
  - { at: 12m, type: kill_tasks, service: worker, count: 1 }
)");
  const auto starts = events(r, "fault_start");
  REQUIRE(starts.size() == 2);
  CHECK(starts[0].t_s == Approx(300.0));
  CHECK(starts[0].target == "worker");
  CHECK(starts[1].t_s == Approx(720.0));
  CHECK(*starts[1].to == 1.0);  // one task killed
  REQUIRE(events(r, "fault_end").size() == 1);
  CHECK(events(r, "fault_end")[0].t_s == Approx(600.0));
  const auto killed = events(r, "task_killed");
  REQUIRE(killed.size() == 1);
  CHECK(killed[0].t_s == Approx(720.0));
  // A message moves to the DLQ on its third failed receive: the first two failures each cost a
  // 30 s visibility timeout, so no move before 5m + 60 s, and none once failures stop and the
  // last failed messages have come back (10m + 30 s).
  const auto moves = events(r, "dlq_move");
  REQUIRE(!moves.empty());
  for (const auto& e : moves) {
    CHECK(e.t_s >= 360.0);
    CHECK(e.t_s <= 631.0);
  }
  const auto& q = r.sections.at("queues").at("jobs");
  CHECK(q.at("redelivered").get<double>() > 0.0);
  CHECK(q.at("balanced").get<bool>());
  const auto& w = r.sections.at("workers").at("worker");
  CHECK(w.at("failed").get<double>() > 0.0);
  CHECK(r.sections.at("services").at("worker").at("tasks_killed").get<double>() == 1.0);
  CHECK(w.at("pollers_at_end").get<double>() == 2.0);  // the killed task's poller is gone, its replacement's runs
  CHECK(r.sections.at("queues").at("jobs-dlq").at("visible").get<double>() == q.at("dead_lettered").get<double>());
}
