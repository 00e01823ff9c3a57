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
