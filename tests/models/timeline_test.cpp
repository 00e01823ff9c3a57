// Timelines of whole simulated deployments (ALB -> ECS service -> Aurora), each asserting an AWS
// behaviour a user who watched ECS scale would recognise, at the minute or the second.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "tests/models/timeline_helpers.hpp"

using namespace loadcast;
using namespace loadcast::testing;

TEST_CASE("Timeline: a load step scales out after three datapoints and latency recovers") {
  const auto r = run(deployment(R"(
seed: 11
duration: 40m
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: 10 }, { at: 10m, rate: 10 }, { at: 10m, rate: 19 }, { at: 40m, rate: 19 } ]
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(50ms) } ] }
)", R"(
    desired: 1
    autoscaling:
      min: 1
      max: 10
      policies: [ { type: target_tracking, metric: cpu, target: 70, scale_out_cooldown: 60s, scale_in_cooldown: 300s } ]
)"));
  CHECK(r.requests.balanced());
  const auto outs = events(r, "scale_out", "api");
  REQUIRE(!outs.empty());
  // Datapoints of minutes 10, 11 and 12 are the first three above 70 %; the third one is
  // published at 13 min + the 150 s default delay = 930 s. Not a second earlier.
  CHECK(outs[0].t_s == Approx(930.0));
  const auto alarms = events(r, "alarm", "api.cpu-target-tracking.AlarmHigh");
  REQUIRE(!alarms.empty());
  CHECK(alarms.back().t_s >= 930.0 - 1e-6);
  bool alarm_at_930 = false;
  for (const auto& a : alarms) alarm_at_930 = alarm_at_930 || (std::fabs(a.t_s - 930.0) < 1e-6 && a.reason.find("-> ALARM") != std::string::npos);
  CHECK(alarm_at_930);
  // desired = ceil(1 task x the newest datapoint / 70): the datapoint is minute 12's CPU.
  const auto& cpu = series(r, "api.cpu_utilization");
  CHECK(cpu[9] < 70.0);
  CHECK(cpu[10] > 70.0);
  CHECK(cpu[12] > 70.0);
  CHECK(*outs[0].from == 1.0);
  CHECK(*outs[0].to == std::ceil(cpu[12] / 70.0));
  // The new task starts (28-45 s to RUNNING), registers and passes ONE health check (<= 30 s).
  const auto running = events(r, "task_running", "api/2");
  REQUIRE(running.size() == 1);
  CHECK(running[0].t_s >= 930.0 + 28.0);
  CHECK(running[0].t_s <= 930.0 + 45.0);
  const auto healthy = events(r, "target_healthy", "api/2");
  REQUIRE(healthy.size() == 1);
  CHECK(healthy[0].t_s >= running[0].t_s);
  CHECK(healthy[0].t_s <= running[0].t_s + 30.0);
  // Latency: high while one task runs at 95 %, back to normal once two share the load.
  const auto& p50 = series(r, "latency_p50_ms");
  CHECK(p50[14] > 300.0);
  CHECK(p50[25] < 150.0);
  CHECK(series(r, "api.tasks_running")[25] == Approx(*outs.back().to));
  CHECK(r.requests.errors == 0);
}

TEST_CASE("Timeline: scale-in waits for fifteen datapoints below 0.9 x target and one cooldown per step") {
  const auto r = run(deployment(R"(
seed: 5
duration: 80m
workload:
  arrivals:
    process: uniform
    stages: [ { at: 0m, rate: 39.6 }, { at: 10m, rate: 39.6 }, { at: 40m, rate: 2 }, { at: 80m, rate: 2 } ]
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(50ms) } ] }
)", R"(
    desired: 3
    autoscaling:
      min: 1
      max: 10
      policies: [ { type: target_tracking, metric: cpu, target: 70, scale_out_cooldown: 60s, scale_in_cooldown: 300s } ]
)"));
  CHECK(r.requests.balanced());
  CHECK(r.requests.errors == 0);
  const auto& cpu = series(r, "api.cpu_utilization");
  // 3 tasks at 66 %: between the low threshold (63) and the target (70), so nothing happens.
  CHECK(cpu[5] > 63.0);
  CHECK(cpu[5] < 70.0);
  CHECK(events(r, "scale_out").empty());
  // The first minute ending 15 consecutive datapoints below 63 %.
  std::size_t fifteenth = 0;
  int run_length = 0;
  for (std::size_t i = 0; i < cpu.size() && fifteenth == 0; ++i) {
    run_length = cpu[i] < 63.0 ? run_length + 1 : 0;
    if (run_length == 15) fifteenth = i;
  }
  REQUIRE(fifteenth > 0);
  const auto ins = events(r, "scale_in", "api");
  REQUIRE(ins.size() >= 2);
  CHECK(ins[0].t_s == Approx(static_cast<double>(fifteenth + 1) * 60.0 + 150.0));
  for (std::size_t i = 1; i < ins.size(); ++i) CHECK(ins[i].t_s - ins[i - 1].t_s >= 300.0 - 1e-6);
  // Each scale-in keeps the metric at or below the target.
  for (const auto& e : ins) CHECK(*e.to < *e.from);
}

TEST_CASE("Timeline: with cpu and memory policies a service scales in only when both are low") {
  auto yaml = [](int base_mib) {
    return deployment(R"(
seed: 3
duration: 40m
workload:
  arrivals: { process: uniform, rate: 4 }
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(50ms) } ] }
)", R"(
    desired: 3
    app_memory: { base: )" + std::to_string(base_mib) + R"(, per_request: 0.1 }
    autoscaling:
      min: 1
      max: 10
      policies:
        - { type: target_tracking, metric: cpu, target: 70, scale_out_cooldown: 60s, scale_in_cooldown: 300s }
        - { type: target_tracking, metric: memory, target: 80, scale_out_cooldown: 60s, scale_in_cooldown: 300s }
)");
  };
  // Memory at 1500 / 2048 = 73 %: above 0.9 x 80 = 72, so AlarmLow of memory never fires.
  const auto high_memory = run(yaml(1500));
  CHECK(events(high_memory, "scale_in").empty());
  CHECK(events(high_memory, "alarm", "api.cpu-target-tracking.AlarmLow").size() >= 1);
  const auto low_memory = run(yaml(400));
  const auto ins = events(low_memory, "scale_in", "api");
  REQUIRE(!ins.empty());
  CHECK(ins[0].reason.find("memory") != std::string::npos);
  CHECK(ins[0].reason.find("cpu") != std::string::npos);
}

TEST_CASE("Timeline: 503 only when the target group has no registered target") {
  const auto r = run(deployment(R"(
duration: 5m
workload:
  arrivals: { process: uniform, rate: 10 }
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(10ms) } ] }
)", R"(
    desired: 0
)"));
  CHECK(r.requests.balanced());
  CHECK(r.requests.total > 2900);
  CHECK(status(r, "503") == r.requests.total);
  CHECK(cause(r, "no_registered_target:api") == r.requests.total);
}

TEST_CASE("Timeline: 504 when a request exceeds the idle timeout and the task keeps working") {
  const auto r = run(R"(
duration: 10m
workload:
  arrivals: { process: uniform, rate: 0.2 }
  requests:
    - { name: slow, path: /x, steps: [ { cpu: const(5s) } ] }
load_balancer: { type: alb, default: api, idle_timeout: 2s }
services:
  api: { cpu: 1024, memory: 2048, desired: 1 }
)");
  CHECK(r.requests.balanced());
  CHECK(r.requests.total == 119);  // one every 5 s from t = 5 s
  CHECK(status(r, "504") + r.requests.in_flight == r.requests.total);
  CHECK(cause(r, "idle_timeout:api") == status(r, "504"));
  // The application did not notice the client left: the CPU stayed busy.
  CHECK(series(r, "api.cpu_utilization")[5] == Approx(100.0).margin(0.5));
}

TEST_CASE("Timeline: draining a stopping task loses no request") {
  const auto r = run(R"(
duration: 10m
workload:
  arrivals: { process: uniform, rate: 1 }
  requests:
    - { name: long, path: /x, steps: [ { cpu: const(3s) } ] }
load_balancer: { type: alb, default: api }
services:
  api:
    cpu: 4096
    memory: 8192
    threads: 4
    desired: 3
    autoscaling: { min: 1, max: 3, scheduled: [ { at: 5m, max: 1 } ] }
)");
  CHECK(r.requests.balanced());
  CHECK(r.requests.errors == 0);
  const auto ins = events(r, "scale_in", "api");
  REQUIRE(ins.size() == 1);
  CHECK(*ins[0].to == 1.0);
  const auto draining = events(r, "target_draining");
  const auto deregistered = events(r, "target_deregistered");
  REQUIRE(draining.size() == 2);
  REQUIRE(deregistered.size() == 2);
  // Draining ends as soon as the in-flight requests are done, far before the 300 s delay.
  for (const auto& d : deregistered) {
    CHECK(d.t_s >= 300.0);
    CHECK(d.t_s <= 300.0 + 10.0);
  }
  CHECK(events(r, "task_stopped").size() == 2);
}

TEST_CASE("Timeline: requests still running when the deregistration delay expires get 502") {
  const auto r = run(R"(
duration: 5m
workload:
  arrivals: { process: uniform, rate: 1 }
  requests:
    - { name: long, path: /x, steps: [ { cpu: const(20s) } ] }
load_balancer: { type: alb, default: api, deregistration_delay: 5s }
services:
  api:
    cpu: 4096
    memory: 8192
    threads: 4
    desired: 2
    autoscaling: { min: 1, max: 2, scheduled: [ { at: 2m, max: 1 } ] }
)");
  CHECK(r.requests.balanced());
  CHECK(status(r, "502") > 0);
  CHECK(cause(r, "deregistration_delay_expired:api") == status(r, "502"));
}

TEST_CASE("Timeline: a task over its memory dies with 502s and is replaced") {
  const auto r = run(R"(
duration: 5m
workload:
  arrivals: { process: uniform, rate: 20 }
  requests:
    - { name: heavy, path: /x, steps: [ { cpu: const(1s) } ] }
load_balancer: { type: alb, default: api }
services:
  api:
    cpu: 1024
    memory: 2048
    app_memory: { base: 512, per_request: 100 }
    desired: 1
)");
  CHECK(r.requests.balanced());
  const auto killed = events(r, "task_killed", "api/1");
  REQUIRE(killed.size() == 1);
  CHECK(status(r, "502") > 0);
  CHECK(cause(r, "task_died:api") == status(r, "502"));
  // The replacement starts after the kill, and while no target is registered the ALB says 503.
  const auto replacement = events(r, "task_running", "api/2");
  REQUIRE(replacement.size() == 1);
  CHECK(replacement[0].t_s > killed[0].t_s + 28.0);
  CHECK(status(r, "503") > 0);
}

TEST_CASE("Timeline: an unhealthy only target still gets traffic and ECS replaces it after the grace period") {
  auto yaml = [](const std::string& grace) {
    return R"(
duration: 8m
workload:
  arrivals: { process: uniform, rate: 6 }
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(200ms) } ] }
load_balancer:
  type: alb
  default: api
  health_check: { interval: 5s, timeout: 2s, unhealthy_threshold: 2, cpu: const(50ms) }
services:
  api:
    cpu: 1024
    memory: 8192
    desired: 1
    health_check_grace_period: )" + grace + "\n";
  };
  // Overloaded (1.2 vCPU of work on 1), health checks answer too late: unhealthy, but the ALB
  // fails open and keeps routing to it.
  const auto open = run(yaml("1h"));
  CHECK(open.requests.balanced());
  REQUIRE(!events(open, "target_unhealthy", "api/1").empty());
  CHECK(events(open, "task_replaced").empty());
  CHECK(status(open, "503") == 0);
  // Without a grace period ECS replaces it, and until the replacement registers there is no
  // target: 503.
  const auto replaced = run(yaml("0s"));
  REQUIRE(!events(replaced, "task_replaced", "api/1").empty());
  CHECK(status(replaced, "503") > 0);
}

TEST_CASE("Timeline: Fargate launches 100 tasks at once then 20 a second") {
  const auto r = run(R"(
duration: 3m
workload:
  arrivals: { process: uniform, rate: 1 }
  requests:
    - { name: r, steps: [ { delay: const(1ms) } ] }
services:
  workers:
    cpu: 256
    memory: 512
    desired: 0
    autoscaling: { min: 0, max: 200, scheduled: [ { at: 1m, min: 150 } ] }
)");
  const auto launches = events(r, "task_provisioning");
  REQUIRE(launches.size() == 150);
  for (std::size_t i = 0; i < 100; ++i) CHECK(launches[i].t_s == Approx(60.0));
  for (std::size_t i = 100; i < 150; ++i) {
    CHECK(launches[i].t_s == Approx(60.0 + static_cast<double>(i - 99) / 20.0).margin(1e-6));
  }
}

TEST_CASE("Timeline: Aurora capacity rises under database load and falls gradually after") {
  const auto r = run(R"(
seed: 9
duration: 40m
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: 20 }, { at: 5m, rate: 20 }, { at: 5m, rate: 400 }, { at: 15m, rate: 400 }, { at: 15m, rate: 20 }, { at: 40m, rate: 20 } ]
  requests:
    - { name: q, path: /x, steps: [ { cpu: const(1ms) }, { db: { reads: 2 } } ] }
load_balancer: { type: alb, default: api }
services:
  api: { cpu: 4096, memory: 8192, threads: 4, desired: 2 }
database:
  type: aurora_serverless_v2
  engine: postgresql
  min_acu: 0.5
  max_acu: 8
  query: { read: exp(1ms), write: exp(2ms) }
)");
  CHECK(r.requests.balanced());
  const auto& acu = series(r, "writer.acu");
  CHECK(acu[3] == Approx(0.5));
  CHECK(acu[7] >= 3.0);   // within two minutes of the step (0.8 vCPU of queries at 0.25 vCPU/ACU)
  CHECK(acu[12] >= 3.0);
  CHECK(acu[30] < acu[14]);
  // Gradual: at most one step down per down_interval (30 s), and minutes to come back down.
  double last_down = -1e9;
  double first_down = -1.0;
  for (const auto& e : events(r, "acu", "writer")) {
    if (e.t_s < 900.0 || *e.to >= *e.from) continue;
    if (first_down < 0) first_down = e.t_s;
    CHECK(e.t_s - last_down >= 30.0 - 1e-6);
    CHECK(*e.from - *e.to <= std::max(0.5, 0.1 * *e.from) + 0.5);
    last_down = e.t_s;
  }
  REQUIRE(first_down > 0);
  CHECK(last_down - first_down >= 180.0);
}

TEST_CASE("Timeline: reads go to the reader and a tier 1 reader follows the writer") {
  auto yaml = [](int tier) {
    return R"(
seed: 4
duration: 15m
workload:
  arrivals: { process: poisson, rate: 150 }
  requests:
    - { name: read, weight: 1, path: /r, steps: [ { db: { reads: 1 } } ] }
    - { name: write, weight: 1, path: /w, steps: [ { db: { writes: 1 } } ] }
load_balancer: { type: alb, default: api }
services:
  api: { cpu: 4096, memory: 8192, threads: 4, desired: 2 }
database:
  type: aurora_serverless_v2
  engine: mysql
  min_acu: 0.5
  max_acu: 16
  readers: 1
  reader_tier: )" + std::to_string(tier) + R"(
  query: { read: exp(0.2ms), write: exp(8ms) }
)";
  };
  const auto follow = run(yaml(1));
  const auto& writer = series(follow, "writer.acu");
  const auto& reader = series(follow, "reader-1.acu");
  CHECK(writer[10] > 2.0);
  for (std::size_t i = 0; i < writer.size(); ++i) CHECK(reader[i] >= writer[i] - 1e-9);
  CHECK(series(follow, "reader-1.cpu_utilization")[10] > 0.0);
  const auto own = run(yaml(2));
  CHECK(series(own, "writer.acu")[10] > 2.0);
  CHECK(series(own, "reader-1.acu")[10] < 1.0);
}

TEST_CASE("Timeline: a request waiting longer than the pool timeout for a connection fails with 500") {
  const auto r = run(R"(
duration: 2m
workload:
  arrivals: { process: uniform, rate: 4 }
  requests:
    - { name: q, path: /x, steps: [ { db: { reads: 1 } } ] }
load_balancer: { type: alb, default: api }
services:
  api:
    cpu: 1024
    memory: 2048
    desired: 1
    db_pool: { size: 1, timeout: 1s }
database:
  type: aurora_provisioned
  engine: postgresql
  instance_class: db.r6g.large
  query: { read: const(500ms) }
)");
  CHECK(r.requests.balanced());
  CHECK(status(r, "500") > 0);
  CHECK(cause(r, "db_connection_timeout:api") == status(r, "500"));
  CHECK(r.requests.ok > 0);
}

TEST_CASE("Timeline: Aurora pauses without connections and a connection waits for the resume") {
  const auto r = run(R"(
duration: 25m
workload:
  arrivals:
    process: uniform
    stages: [ { at: 0m, rate: 1 }, { at: 2m, rate: 1 }, { at: 2m, rate: 0 }, { at: 20m, rate: 0 }, { at: 20m, rate: 1 }, { at: 25m, rate: 1 } ]
  requests:
    - { name: q, path: /x, steps: [ { db: { reads: 1 } } ] }
load_balancer: { type: alb, default: api }
services:
  api:
    cpu: 1024
    memory: 2048
    desired: 1
    db_pool: { idle_timeout: 60s, timeout: 30s }
database:
  type: aurora_serverless_v2
  engine: postgresql
  min_acu: 0
  max_acu: 4
)");
  CHECK(r.requests.balanced());
  CHECK(r.requests.errors == 0);
  const auto paused = events(r, "acu", "writer");
  bool to_zero = false;
  for (const auto& e : paused) {
    if (*e.to == 0.0) {
      to_zero = true;
      // Last query ~120 s, idle connections closed 60 s later, then 300 s without connections.
      CHECK(e.t_s == Approx(480.0).margin(2.0));
    }
  }
  CHECK(to_zero);
  REQUIRE(events(r, "db_resume").size() == 1);
  CHECK(events(r, "db_resume")[0].t_s == Approx(1200.0).margin(1.0));
  CHECK(series(r, "writer.acu")[15] == 0.0);
  CHECK(r.latency_ms.max >= 15000.0);  // the first request after the pause waited the resume
}
