// More web-tier timelines: cooldowns with delayed metrics, the health check grace period, 20 s
// metrics, requests per target, stop timeout, the capacity clamp at registration, and what a
// run writes about its errors, its LCUs and its scaling targets.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "app/sweep.hpp"
#include "tests/models/timeline_helpers.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

// Tasks that reached RUNNING by time t (in the tests using it, none stops before t).
int started_by(const reports::Result& r, double t) {
  int n = 0;
  for (const auto& e : r.events) {
    if (e.t_s <= t + 1e-9 && e.type == "task_running") ++n;
  }
  return n;
}

double sum(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s;
}

// A load step at 10 min from 10 to 19 req/s of 50 ms CPU: one task at 95 %, two at 48 %.
std::string step_with_cooldown(const std::string& cooldown) {
  return deployment(R"(
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
      policies: [ { type: target_tracking, metric: cpu, target: 70, scale_out_cooldown: )" + cooldown + R"(, scale_in_cooldown: 300s } ]
)");
}

}  // namespace

TEST_CASE("Timeline: a scale-out during its cooldown happens only when larger, so a long cooldown stops the overshoot") {
  // The datapoints reach the alarm 150 s after their minute: for three more minutes after the
  // first scale-out they still show one task at 95 %.
  const auto long_cd = run(step_with_cooldown("300s"));
  const auto short_cd = run(step_with_cooldown("60s"));
  for (const auto* r : {&long_cd, &short_cd}) {
    CHECK(r->requests.balanced());
    const auto outs = events(*r, "scale_out", "api");
    REQUIRE(!outs.empty());
    // Minutes 10, 11, 12 above 70 %: the third datapoint is published at 780 + 150 s.
    CHECK(outs[0].t_s == Approx(930.0));
    CHECK(*outs[0].from == 1.0);
    CHECK(*outs[0].to == 2.0);  // ceil(1 x 96 / 70)
  }
  // 300 s: the alarm stays in ALARM at 990, 1050 and 1110 s, but computed on the one task the
  // cooldown started from the proposal is ceil(1 x 98 / 70) = 2, not above the desired 2.
  const auto high = events(long_cd, "alarm", "api.cpu-target-tracking.AlarmHigh");
  REQUIRE(high.size() >= 2);
  CHECK(high.back().t_s == Approx(1170.0));
  CHECK(high.back().reason.find("ALARM -> OK") != std::string::npos);
  CHECK(events(long_cd, "scale_out").size() == 1);
  const auto& tasks_long = series(long_cd, "api.tasks_running");
  CHECK(tasks_long[25] == 2.0);
  CHECK(series(long_cd, "api.cpu_utilization")[25] < 70.0);
  CHECK(events(long_cd, "scale_in").empty());  // ceil(2 x 48 / 70) = 2: nothing to remove
  // 60 s: every publication after a cooldown re-applies the formula to the tasks RUNNING by
  // then, on datapoints that still describe one task: 2 -> 3 -> 5 -> 7.
  const auto outs = events(short_cd, "scale_out", "api");
  REQUIRE(outs.size() == 4);
  const double times[] = {930.0, 990.0, 1050.0, 1110.0};
  for (std::size_t i = 0; i < outs.size(); ++i) {
    INFO(outs[i].reason);
    CHECK(outs[i].t_s == Approx(times[i]));
    if (i > 0) CHECK(*outs[i].from == *outs[i - 1].to);
    const int running = started_by(short_cd, outs[i].t_s);
    CHECK(outs[i].reason.find("ceil(" + std::to_string(running) + " x ") != std::string::npos);
  }
  CHECK(*outs.back().to == 7.0);
  // The overshoot is undone only after fifteen low datapoints.
  const auto ins = events(short_cd, "scale_in", "api");
  REQUIRE(!ins.empty());
  CHECK(ins[0].t_s >= 1110.0 + 15 * 60.0);  // the 15th low datapoint after the last high one
  CHECK(*ins[0].to == 2.0);
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
  const auto draining = events(r, "target_draining", "api/1");
  REQUIRE(draining.size() == 1);
  CHECK(draining[0].t_s == Approx(120.0));
  REQUIRE(!events(r, "task_running", "api/2").empty());
  CHECK(events(r, "task_running", "api/2")[0].t_s >= 120.0 + 28.0);
}

TEST_CASE("Timeline: with 20 s metrics the scale-out comes 75 s after the load step") {
  const auto r = run(deployment(R"(
seed: 12
duration: 20m
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: 10 }, { at: 10m, rate: 10 }, { at: 10m, rate: 19 }, { at: 20m, rate: 19 } ]
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(50ms) } ] }
)", R"(
    desired: 1
    metrics: { resolution: 20s }
    autoscaling:
      min: 1
      max: 10
      policies: [ { type: target_tracking, metric: cpu, target: 70, scale_out_cooldown: 300s, scale_in_cooldown: 300s } ]
)"));
  CHECK(r.requests.balanced());
  const auto outs = events(r, "scale_out", "api");
  REQUIRE(outs.size() == 1);
  // Periods [600, 620), [620, 640), [640, 660) above 70 %; the third is published 15 s after
  // it ends (AWS measured 86 s from load increase to scale-out trigger at 20 s resolution).
  CHECK(outs[0].t_s == Approx(675.0));
  CHECK(*outs[0].to == 2.0);
  const auto running = events(r, "task_running", "api/2");
  REQUIRE(running.size() == 1);
  CHECK(running[0].t_s >= 675.0 + 28.0);
  CHECK(running[0].t_s <= 675.0 + 45.0);
}

TEST_CASE("Timeline: a requests_per_target policy scales out to ceil(running x requests / target)") {
  const auto r = run(deployment(R"(
duration: 30m
workload:
  arrivals:
    process: uniform
    stages: [ { at: 0m, rate: 5 }, { at: 10m, rate: 5 }, { at: 10m, rate: 25 }, { at: 13m, rate: 25 }, { at: 13m, rate: 45 }, { at: 30m, rate: 45 } ]
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(1ms) } ] }
)", R"(
    desired: 1
    autoscaling:
      min: 1
      max: 10
      policies: [ { type: target_tracking, metric: requests_per_target, target: 600, scale_out_cooldown: 300s, scale_in_cooldown: 300s } ]
)"));
  CHECK(r.requests.balanced());
  CHECK(r.requests.errors == 0);
  const auto outs = events(r, "scale_out", "api");
  REQUIRE(outs.size() == 2);
  // 1,500 requests a minute on one target from minute 10: ceil(1 x 1500 / 600) = 3 at 930 s.
  CHECK(outs[0].t_s == Approx(930.0));
  CHECK(*outs[0].to == 3.0);
  CHECK(outs[0].reason.find("ceil(1 x 1500 / 600) = 3") != std::string::npos);
  // Minute 13's 2,700 on the one target (the new tasks are still starting) is larger, so it
  // acts inside the cooldown: ceil(1 x 2700 / 600) = 5, which serves 45 req/s at 540 a target.
  CHECK(outs[1].t_s == Approx(990.0));
  CHECK(*outs[1].from == 3.0);
  CHECK(*outs[1].to == 5.0);
  CHECK(series(r, "api.tasks_healthy")[25] == 5.0);
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
    // Draining ends at once (nothing outstanding), SIGTERM, then min(shutdown, stop_timeout).
    const auto stopping = events(r, "task_stopping", "api/2");
    const auto stopped = events(r, "task_stopped", "api/2");
    REQUIRE(stopping.size() == 1);
    REQUIRE(stopped.size() == 1);
    CHECK(stopping[0].t_s == Approx(120.0).margin(0.1));
    CHECK(stopped[0].t_s - stopping[0].t_s == Approx(expected));
  }
}

TEST_CASE("Timeline: desired outside min..max is clamped when the scalable target is registered") {
  const auto r = run(deployment(R"(
duration: 5m
workload:
  arrivals: { process: uniform, rate: 4 }
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(10ms) } ] }
)", R"(
    desired: 1
    autoscaling: { min: 3, max: 5 }
)"));
  const auto clamped = events(r, "desired_clamped", "api");
  REQUIRE(clamped.size() == 1);
  CHECK(clamped[0].t_s == 0.0);
  CHECK(*clamped[0].from == 1.0);
  CHECK(*clamped[0].to == 3.0);
  // The deployment is up at t = 0 with the clamped count, as if registered before the run.
  CHECK(series(r, "api.tasks_running")[0] == 3.0);
  CHECK(events(r, "task_provisioning").empty());
  CHECK(r.sections["services"]["api"]["tasks_min"] == 3);
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
    threads: 4
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

TEST_CASE("Timeline: the scaling targets of services and workers are in their result sections") {
  const auto r = run(R"(
duration: 5m
workload:
  arrivals: { process: uniform, rate: 4 }
  requests:
    - { name: page, path: /, steps: [ { cpu: const(10ms) } ] }
    - { name: api, path: /api/x, steps: [ { cpu: const(10ms) }, { publish: { queue: jobs, groups: 10 } } ] }
load_balancer:
  type: alb
  rules: [ { path: "/api/*", service: api } ]
  default: web
services:
  web:
    desired: 1
    autoscaling:
      min: 1
      max: 10
      policies:
        - { type: target_tracking, metric: cpu, target: 70 }
        - { type: target_tracking, metric: memory, target: 80 }
  api:
    desired: 1
    autoscaling:
      min: 1
      max: 4
      policies:
        - { type: step_scaling, metric: cpu, comparison: "<=", threshold: 30, steps: [ { upper: 0, adjustment: -1 } ] }
        - { type: step_scaling, metric: cpu, comparison: ">=", threshold: 70, steps: [ { lower: 0, adjustment: 1 } ] }
queues:
  jobs: {}
workers:
  worker:
    cpu: 256
    memory: 512
    desired: 1
    queue: jobs
    steps: [ { cpu: const(10ms) } ]
    autoscaling:
      min: 1
      max: 5
      policies:
        - { type: target_tracking, metric: backlog_per_task, target: 50 }
        - { type: target_tracking, metric: cpu, target: 60 }
)");
  const auto& services = r.sections["services"];
  CHECK(services["web"]["targets"]["cpu_utilization"] == 70.0);
  CHECK(services["web"]["targets"]["memory_utilization"] == 80.0);
  CHECK_FALSE(services["web"].contains("step_thresholds"));
  // Step policies: the scale-out alarm's threshold is the line drawn; every threshold is listed.
  CHECK(services["api"]["targets"]["cpu_utilization"] == 70.0);
  CHECK(services["api"]["step_thresholds"]["cpu_utilization"] == reports::Json::array({30.0, 70.0}));
  // A worker is an ECS service too.
  CHECK(services["worker"]["targets"]["backlog_per_task"] == 50.0);
  CHECK(services["worker"]["targets"]["cpu_utilization"] == 60.0);
}

TEST_CASE("Sweep: the grid over services.web.autoscaling.min runs on bookmark-prod, clamping desired") {
  app::SweepOptions o;
  o.axes = {app::parse_grid("services.web.autoscaling.min=1,2,4")};
  o.sim.duration = 30 * sim::kMinute;
  o.sim.threads = 2;
  const auto run = app::run_sweep(std::string(LOADCAST_SOURCE_DIR) + "/scenarios/bookmark-prod.yaml", o);
  REQUIRE(run.results.size() == 3);
  const int mins[] = {1, 2, 4};
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("min " << mins[i]);
    const auto& r = run.results[i];
    CHECK(r.requests.balanced());
    CHECK(r.requests.total > 10000);
    const auto& web = r.sections["services"]["web"];
    CHECK(web["tasks_min"] == mins[i]);  // desired 1 clamped up to min at t = 0
    CHECK(web["targets"]["cpu_utilization"] == 70.0);
    CHECK(web["targets"]["memory_utilization"] == 80.0);
    CHECK(events(r, "desired_clamped", "web").size() == (mins[i] > 1 ? 1u : 0u));
  }
}
