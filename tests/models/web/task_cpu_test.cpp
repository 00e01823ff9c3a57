// A Fargate task's CPU as a CFS quota, end to end through the ALB: the analytic limits. At low
// load a request takes its CPU demand whatever the task's vCPU (10 ms on 0.25 vCPU, not the
// 40 ms of a quarter-speed processor); overloaded, the task delivers exactly its vCPU.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/scenario_run.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

// One task of `cpu` units serving `rate` requests a second of 10 ms of CPU each, for 10 minutes.
std::string one_task(int cpu, int rate) {
  const std::string r = std::to_string(rate);
  return R"(
seed: 5
duration: 10m
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: )" + r + R"( }, { at: 10m, rate: )" + r + R"( } ]
  requests:
    - { name: work, path: /work, steps: [ { cpu: const(10ms) } ] }
load_balancer: { type: alb, default: app }
services:
  app: { cpu: )" + std::to_string(cpu) + R"(, memory: 2048, threads: 1, desired: 1 }
)";
}

}  // namespace

TEST_CASE("Task CPU: at low load a request takes its CPU demand, on 0.25 vCPU as on 1 vCPU") {
  // 1 request/s of 10 ms: the task is idle when most arrive (utilization 4 % of 0.25 vCPU).
  const auto quarter = run(one_task(256, 1));
  const auto whole = run(one_task(1024, 1));
  CHECK(quarter.latency_ms.p50 == Approx(10.0).margin(0.05));
  CHECK(whole.latency_ms.p50 == Approx(10.0).margin(0.05));
  // The 25 ms budget of a period is rarely spent, so the means differ by little: far from the
  // 40 ms a quarter-speed processor would take.
  CHECK(quarter.latency_ms.mean < 11.0);
  CHECK(quarter.requests.ok == quarter.requests.total);
}

TEST_CASE("Task CPU: saturated, a 0.25 vCPU task delivers exactly 0.25 vCPU") {
  // 4 users without think time (1 ms) keep the task busy: 25 requests/s of 10 ms at most.
  const auto r = run(R"(
seed: 5
duration: 10m
workload:
  users:
    stages: [ { at: 0m, users: 4 }, { at: 10m, users: 4 } ]
    think_time: const(1ms)
  requests:
    - { name: work, path: /work, steps: [ { cpu: const(10ms) } ] }
load_balancer: { type: alb, default: app }
services:
  app: { cpu: 256, memory: 2048, threads: 1, desired: 1 }
)");
  CHECK(r.requests.ok == r.requests.total - r.requests.in_flight);
  CHECK(r.throughput_rps == Approx(25.0).epsilon(0.002));
  // Little's law: 4 users = 25/s x (latency + 1 ms think), so latency = 159 ms; a quarter-speed
  // processor gives the same, since both deliver 0.25 vCPU.
  CHECK(r.latency_ms.mean == Approx(159.0).epsilon(0.005));
  const auto& cpu = series(r, "app.cpu_utilization");
  REQUIRE(cpu.size() == 10);  // 60 s intervals of 600 periods: at most one budget (0.17 %) over
  for (double c : cpu) {
    CHECK(c >= 99.8);
    CHECK(c <= 100.17);
  }
}

TEST_CASE("Task CPU: the share of CFS periods throttled, per interval and over the run, for a constant demand") {
  // 5 requests/s, evenly spaced, of 70 ms of CPU on 0.5 vCPU (50 ms per 100 ms period). The task's
  // periods start when it does (t = 0) and the requests arrive at multiples of 200 ms, at a
  // period's start: 50 ms run and the budget is spent (throttled), 20 ms in the next period. Half
  // the periods the task runs in are throttled, and every request takes 120 ms.
  const auto r = run(R"(
seed: 5
duration: 5m
workload:
  arrivals:
    process: uniform
    rate: 5
  requests:
    - { name: work, path: /work, steps: [ { cpu: const(70ms) } ] }
load_balancer: { type: alb, default: app }
services:
  app: { cpu: 512, memory: 2048, threads: 1, desired: 1 }
)");
  CHECK(r.latency_ms.p50 == Approx(120.0).margin(0.01));
  CHECK(r.latency_ms.max == Approx(120.0).margin(0.01));
  const auto& ratio = series(r, "app.throttled_ratio");
  REQUIRE(ratio.size() == 5);
  for (double x : ratio) CHECK(x == Approx(0.5).margin(1e-12));
  CHECK(r.sections["services"]["app"]["throttled_ratio"].get<double>() == Approx(0.5).margin(1e-12));
  SECTION("1 vCPU with one thread has no quota that binds: no periods, null") {
    const auto whole = run(R"(
seed: 5
duration: 2m
workload:
  arrivals: { process: uniform, rate: 5 }
  requests:
    - { name: work, path: /work, steps: [ { cpu: const(70ms) } ] }
load_balancer: { type: alb, default: app }
services:
  app: { cpu: 1024, memory: 2048, threads: 1, desired: 1 }
)");
    CHECK(whole.sections["services"]["app"]["throttled_ratio"].is_null());
  }
}
