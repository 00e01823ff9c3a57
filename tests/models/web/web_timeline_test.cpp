// Timelines of simulated web deployments (ALB -> ECS service -> tasks), each asserting an AWS
// behaviour a user who watched ECS would recognise, at the second: the ALB's 503 and 504,
// draining and the deregistration delay's 502, a task dying of its memory, health checks and the
// grace period, the Fargate launch bucket, the database pool timeout, stop_timeout, and what a
// run writes about its errors and its LCUs.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "tests/support/scenario_run.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

bool has_assumption(const reports::Result& r, const std::string& part) {
  for (const auto& a : r.sections["assumptions"]) {
    if (a.get<std::string>().find(part) != std::string::npos) return true;
  }
  return false;
}

double sum(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s;
}

}  // namespace

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
duration: 12m
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
  // The in-flight requests are done within 3 s, yet the targets stay draining for the whole
  // 300 s delay (ECS waits for `unused`).
  for (const auto& d : draining) CHECK(d.t_s == Approx(300.0));
  for (const auto& d : deregistered) CHECK(d.t_s == Approx(600.0));
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
    threads: 64    # a thread per request: the health checks never wait behind the long steps
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
  // Without a grace period ECS replaces it, replacement first: the unhealthy task stays
  // registered until its replacement is healthy, so there is never no target: no 503.
  const auto replaced = run(yaml("0s"));
  REQUIRE(!events(replaced, "task_replaced", "api/1").empty());
  CHECK(status(replaced, "503") == 0);
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

TEST_CASE("Timeline: a target unhealthy during the grace period is replaced when the grace period ends") {
  const auto r = run(R"(
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
    health_check_grace_period: 2m
)");
  CHECK(r.requests.balanced());
  // Overloaded (1.2 vCPU of work on 1), the task fails its checks within the first seconds...
  const auto unhealthy = events(r, "target_unhealthy", "api/1");
  REQUIRE(unhealthy.size() == 1);
  CHECK(unhealthy[0].t_s < 30.0);
  // ...and it never recovers, so when the grace period ends ECS replaces it at once.
  const auto replaced = events(r, "task_replaced");
  REQUIRE(!replaced.empty());
  CHECK(replaced[0].target == "api/1");
  CHECK(replaced[0].t_s == Approx(120.0));
  // The replacement starts then; api/1 drains once the replacement is healthy.
  REQUIRE(!events(r, "task_provisioning", "api/2").empty());
  CHECK(events(r, "task_provisioning", "api/2")[0].t_s == Approx(120.0));
  REQUIRE(!events(r, "task_running", "api/2").empty());
  CHECK(events(r, "task_running", "api/2")[0].t_s >= 120.0 + 28.0);
  const auto healthy = events(r, "target_healthy", "api/2");
  REQUIRE(!healthy.empty());
  const auto draining = events(r, "target_draining", "api/1");
  REQUIRE(draining.size() == 1);
  CHECK(draining[0].t_s == Approx(healthy[0].t_s));
  CHECK(status(r, "503") == 0);
}

TEST_CASE("Timeline: stop_timeout caps the shutdown of a stopping task") {
  auto yaml = [](const std::string& stop_timeout) {
    return deployment(R"(
duration: 10m
workload:
  arrivals: { process: uniform, rate: 1 }
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(10ms) } ] }
)", R"(
    desired: 2
    shutdown: const(100s)
    stop_timeout: )" + stop_timeout + R"(
    autoscaling: { min: 1, max: 2, scheduled: [ { at: 2m, max: 1 } ] }
)");
  };
  for (const auto& [timeout, expected] : {std::pair{"10s", 10.0}, std::pair{"120s", 100.0}}) {
    INFO(timeout);
    const auto r = run(yaml(timeout));
    // Draining lasts the whole 300 s (nothing outstanding), SIGTERM, then min(shutdown, stop_timeout).
    const auto stopping = events(r, "task_stopping", "api/2");
    const auto stopped = events(r, "task_stopped", "api/2");
    REQUIRE(stopping.size() == 1);
    REQUIRE(stopped.size() == 1);
    CHECK(stopping[0].t_s == Approx(420.0).margin(0.1));
    CHECK(stopped[0].t_s - stopping[0].t_s == Approx(expected));
  }
}

TEST_CASE("Timeline: every 5xx is counted by code and cause, per interval and in total") {
  const auto r = run(R"(
seed: 8
duration: 6m
workload:
  arrivals: { process: poisson, rate: 30 }
  requests:
    - { name: heavy, weight: 2, path: /heavy, steps: [ { cpu: const(1s) } ] }
    - { name: slow, weight: 1, path: /slow, steps: [ { cpu: const(100ms) }, { delay: const(3s) } ] }
    - { name: query, weight: 1, path: /query, steps: [ { db: { reads: 1 } } ] }
load_balancer:
  type: alb
  idle_timeout: 2s
  rules:
    - { path: /heavy, service: heavy }
    - { path: /slow, service: slow }
    - { path: /query, service: query }
services:
  heavy: { cpu: 1024, memory: 2048, app_memory: { base: 512, per_request: 100 }, desired: 1 }
  slow: { cpu: 1024, memory: 2048, desired: 1 }
  query: { cpu: 1024, memory: 2048, desired: 1, db_pool: { size: 1, timeout: 1s } }
database:
  type: aurora_provisioned
  engine: postgresql
  instance_class: db.r6g.large
  query: { read: const(400ms) }
)");
  const auto& c = r.requests;
  // heavy dies of memory (502) and has no target until its replacement (503); slow outlives the
  // idle timeout (504); query waits longer than the pool timeout (500).
  for (const char* code : {"500", "502", "503", "504"}) {
    INFO(code);
    CHECK(status(r, code) > 0);
  }
  CHECK(cause(r, "db_connection_timeout:query") == status(r, "500"));
  CHECK(cause(r, "task_died:heavy") == status(r, "502"));
  CHECK(cause(r, "no_registered_target:heavy") == status(r, "503"));
  CHECK(cause(r, "idle_timeout:slow") == status(r, "504"));
  std::uint64_t by_cause = 0;
  for (const auto& [name, n] : c.by_cause) by_cause += n;
  CHECK(by_cause == c.errors);
  CHECK(c.timeouts == 0);
  CHECK(c.dropped == 0);
  CHECK(c.total == c.ok + c.errors + c.in_flight);
  CHECK(c.in_flight > 0);
  // The per-code series count responses per interval: they add up to the totals (no warm-up)
  // and, interval by interval, to http_5xx.
  const auto& all = series(r, "http_5xx");
  std::vector<double> codes(all.size(), 0.0);
  for (const char* code : {"500", "502", "503", "504"}) {
    INFO(code);
    const auto& s = series(r, std::string("http_") + code);
    REQUIRE(s.size() == all.size());
    CHECK(sum(s) == Approx(static_cast<double>(status(r, code))));
    for (std::size_t i = 0; i < s.size(); ++i) codes[i] += s[i];
  }
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(codes[i] == all[i]);
  CHECK(r.timeseries.series.count("http_501") == 0);  // only codes that occurred
}

TEST_CASE("Timeline: a code first seen late has zeros in the intervals before") {
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
    threads: 64    # a thread per request: the health checks never wait behind the long steps
    desired: 2
    autoscaling: { min: 1, max: 2, scheduled: [ { at: 2m, max: 1 } ] }
)");
  // The drain expires at 125 s: the first 502s are in interval 2.
  const auto& s = series(r, "http_502");
  REQUIRE(s.size() == 5);
  CHECK(s[0] == 0.0);
  CHECK(s[1] == 0.0);
  CHECK(s[2] > 0.0);
  CHECK(sum(s) == Approx(static_cast<double>(status(r, "502"))));
  CHECK(r.timeseries.series.count("http_503") == 0);
}

TEST_CASE("Timeline: the LCU dimensions of simulated traffic match the hand computation") {
  // 50 requests/s for two hours through the 12th rule; 5 requests per client connection, each
  // open 30 s; 1,000 + 49,000 bytes a request.
  std::string rules;
  for (int i = 1; i <= 11; ++i) rules += "    - { path: /other" + std::to_string(i) + ", service: api }\n";
  const auto r = run(R"(
duration: 2h
workload:
  arrivals: { process: uniform, rate: 50 }
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(1ms) } ] }
load_balancer:
  type: alb
  rules:
)" + rules + R"(    - { path: /x, service: api }
  lcu: { requests_per_connection: 5, connection_lifetime: 30s, request_bytes: 1000, response_bytes: 49000 }
services:
  api: { cpu: 1024, memory: 2048, desired: 1 }
)");
  const auto& alb = r.sections["usage"]["albs"][0];
  const double requests = alb["requests"].get<double>();
  CHECK(requests == Approx(360000.0).margin(1.0));  // 50 x 7200
  CHECK(alb["new_connections"].get<double>() == Approx(requests / 5.0));
  CHECK(alb["active_connection_seconds"].get<double>() == Approx(requests / 5.0 * 30.0));
  CHECK(alb["processed_bytes"].get<double>() == Approx(requests * 50000.0));
  CHECK(alb["rule_evaluations"].get<double>() == Approx(requests * 12.0));
  // Per hour: 10 new connections/s = 0.4 LCU; 300 active connections = 0.1 LCU; 9e9 bytes =
  // 8.38 GB = 8.38 LCU; (12 - 10 free) x 50 = 100 rule evaluations/s = 0.1 LCU. The highest,
  // bytes, is billed: 2 x 9e9 / 2^30 LCU-hours.
  CHECK(alb["lcu_hours"].get<double>() == Approx(2.0 * 9e9 / 1073741824.0).epsilon(1e-5));
  CHECK(r.sections["load_balancer"]["lcu_peak_hour"].get<double>() == Approx(9e9 / 1073741824.0).epsilon(1e-5));
}

TEST_CASE("Timeline: the optional ALB capacity model refuses a steep ramp, and an LCU Reservation prevents it") {
  auto yaml = [](const std::string& capacity) {
    return R"(
duration: 25m
workload:
  arrivals:
    process: uniform
    stages: [ { at: 0m, rate: 10 }, { at: 5m, rate: 10 }, { at: 5m, rate: 400 }, { at: 25m, rate: 400 } ]
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(1ms) } ] }
load_balancer:
  type: alb
  default: api
)" + capacity + R"(
services:
  api: { cpu: 4096, memory: 8192, threads: 4, desired: 2 }
)";
  };
  SECTION("off by default: the ALB takes the step") {
    const auto r = run(yaml(""));
    CHECK(r.requests.errors == 0);
    CHECK(!r.sections["load_balancer"].contains("capacity"));
  }
  SECTION("4 LCU before the step: 503 until capacity has doubled enough times") {
    const auto r = run(yaml("  capacity: { initial_lcu: 4 }"));
    CHECK(r.requests.balanced());
    const auto& c = r.sections["load_balancer"]["capacity"];
    const double per_rps = c["lcu_per_request_per_s"].get<double>();
    REQUIRE(per_rps > 0.0);
    const double demand = 400.0 * per_rps;
    REQUIRE(demand > 8.0);
    CHECK(cause(r, "alb_capacity_exceeded:alb") == status(r, "503"));
    CHECK(status(r, "503") == c["refused"].get<std::uint64_t>());
    CHECK(status(r, "503") > 0);
    // Each 10 s tick grows the capacity at most x2^(10/300), up to the demand.
    const auto grows = events(r, "alb_capacity", "alb");
    REQUIRE(!grows.empty());
    CHECK(grows[0].t_s > 300.0);
    for (const auto& g : grows) CHECK(*g.to <= *g.from * std::pow(2.0, 10.0 / 300.0) * (1.0 + 1e-12));
    // From 4 LCU it takes log2(demand / 4) doublings of 5 minutes to reach it; then no more
    // refusals.
    const double reached = 300.0 + 300.0 * std::log2(demand / 4.0);
    CHECK(grows.back().t_s == Approx(reached).margin(20.0));
    CHECK(c["final_lcu"].get<double>() == Approx(demand).epsilon(0.02));
    const auto& refused = series(r, "http_503");
    const auto after = static_cast<std::size_t>(reached / 60.0) + 1;
    REQUIRE(after < refused.size());
    for (std::size_t i = after; i < refused.size(); ++i) CHECK(refused[i] == 0.0);
    CHECK(has_assumption(r, "load_balancer.capacity"));
  }
  SECTION("a reservation above the peak: no refusal, and the reserved LCUs are billed every hour") {
    const auto r = run(yaml("  capacity: { reserved_lcu: 40 }"));
    CHECK(r.requests.errors == 0);
    CHECK(r.sections["load_balancer"]["capacity"]["refused"].get<double>() == 0.0);
    CHECK(r.sections["usage"]["albs"][0]["lcu_hours"].get<double>() == Approx(40.0));
  }
}

TEST_CASE("Timeline: load_balancer.latency is added to every request before it reaches its target, exactly") {
  // One request a second, 10 ms of CPU on an idle task, 5 ms between client and target:
  // every response takes exactly 15 ms; without the key, 10 ms.
  const std::string head = R"(
duration: 1m
workload:
  arrivals: { process: uniform, rate: 1 }
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(10ms) } ] }
)";
  const std::string service = "services:\n  api: { cpu: 1024, memory: 2048, desired: 1 }\n";
  const auto with = run(head + "load_balancer: { type: alb, default: api, latency: const(5ms) }\n" + service);
  CHECK(with.requests.ok == with.requests.total);
  CHECK(with.latency_ms.p50 == Approx(15.0).epsilon(0.002));
  CHECK(with.latency_ms.max == Approx(15.0).epsilon(0.002));
  const auto without = run(head + "load_balancer: { type: alb, default: api }\n" + service);
  CHECK(without.latency_ms.max == Approx(10.0).epsilon(0.002));
}
