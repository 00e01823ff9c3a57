// Timelines of an ECS service's own behaviours, each asserting what AWS documents, at the
// second: an unhealthy task replaced first within maximum_percent, the target draining for the
// whole deregistration delay (and billed meanwhile), the registration delay before the first
// health check, On-Demand and Spot launch buckets, a capacity provider strategy's base and
// weights, and a Fargate Spot interruption's 2-minute warning.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "tests/support/scenario_run.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

// Fixed start-up phases: RUNNING 36 s after the launch.
const std::string kStartup = "    startup: { provisioning: const(10s), pending: const(20s), activating: const(6s) }\n";

// The billed task-seconds of the service's `capacity` record ("on_demand", "spot"); -1 when none.
double task_seconds(const reports::Result& r, const std::string& capacity, double* tasks = nullptr) {
  for (const auto& f : r.sections["usage"]["fargate"]) {
    if (f["capacity"] == capacity) {
      if (tasks != nullptr) *tasks = f["tasks"].get<double>();
      return f["task_seconds"].get<double>();
    }
  }
  return -1.0;
}

bool has_assumption(const reports::Result& r, const std::string& part) {
  for (const auto& a : r.sections["assumptions"]) {
    if (a.get<std::string>().find(part) != std::string::npos) return true;
  }
  return false;
}

// One overloaded task (1.2 vCPU of work on 1 vCPU) whose health checks answer too late, with
// the deployment configuration `deployment`.
std::string overloaded(const std::string& deployment) {
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
    health_check_grace_period: 0s
)" + kStartup + deployment;
}

}  // namespace

TEST_CASE("Timeline: ECS starts the replacement of an unhealthy task first and stops it once the replacement is healthy") {
  const auto r = run(overloaded(""));
  CHECK(r.requests.balanced());
  const auto unhealthy = events(r, "target_unhealthy", "api/1");
  REQUIRE(!unhealthy.empty());
  const double t0 = unhealthy[0].t_s;
  CHECK(t0 < 30.0);
  // The replacement is launched at once (within maximum_percent 200 %: 2 tasks for desired 1).
  const auto replaced = events(r, "task_replaced", "api/1");
  REQUIRE(replaced.size() == 1);
  CHECK(replaced[0].t_s == Approx(t0));
  const auto launched = events(r, "task_provisioning", "api/2");
  REQUIRE(launched.size() == 1);
  CHECK(launched[0].t_s == Approx(t0));
  // RUNNING after 10 + 20 + 6 s, registered 10 s later (registration_delay), healthy at its
  // first check, within one 5 s interval.
  const auto running = events(r, "task_running", "api/2");
  REQUIRE(running.size() == 1);
  CHECK(running[0].t_s == Approx(t0 + 36.0));
  const auto registered = events(r, "target_registered", "api/2");
  REQUIRE(registered.size() == 1);
  CHECK(registered[0].t_s == Approx(t0 + 46.0));
  const auto healthy = events(r, "target_healthy", "api/2");
  REQUIRE(!healthy.empty());
  CHECK(healthy[0].t_s >= t0 + 46.0);
  CHECK(healthy[0].t_s <= t0 + 51.0);
  // The unhealthy task stayed registered (the ALB failed open to it) until then, and only then
  // drains.
  const auto draining = events(r, "target_draining", "api/1");
  REQUIRE(draining.size() == 1);
  CHECK(draining[0].t_s == Approx(healthy[0].t_s));
  // No moment without a registered target: no 503 at all.
  CHECK(cause(r, "no_registered_target:api") == 0);
  CHECK(status(r, "503") == 0);
}

TEST_CASE("Timeline: with maximum_percent 100 an unhealthy task is stopped first only if minimum_healthy_percent allows") {
  SECTION("minimum_healthy_percent 0: stopped first, 503 until the replacement registers") {
    const auto r = run(overloaded("    maximum_percent: 100\n    minimum_healthy_percent: 0\n"));
    CHECK(r.requests.balanced());
    const auto first = events(r, "task_stopped_unhealthy", "api/1");
    REQUIRE(first.size() == 1);
    const auto draining = events(r, "target_draining", "api/1");
    REQUIRE(draining.size() == 1);
    CHECK(draining[0].t_s == Approx(first[0].t_s));
    // A draining (DEACTIVATING) task is neither RUNNING nor PENDING, so it leaves room for the
    // replacement at once; until the replacement registers, 46 s later, there is no target.
    const auto launched = events(r, "task_provisioning", "api/2");
    const auto registered = events(r, "target_registered", "api/2");
    REQUIRE(launched.size() == 1);
    REQUIRE(registered.size() == 1);
    CHECK(launched[0].t_s == Approx(first[0].t_s));
    CHECK(registered[0].t_s == Approx(first[0].t_s + 46.0));
    // Each replacement is overloaded in turn and stopped first again: 6 requests a second get
    // 503 for the 46 s of each gap (the last one cut by the end of the run at 480 s).
    const auto stops = events(r, "task_stopped_unhealthy");
    REQUIRE(stops.size() >= 2);
    double gap_s = 0.0;
    for (const auto& e : stops) gap_s += std::min(46.0, 480.0 - e.t_s);
    CHECK(static_cast<double>(cause(r, "no_registered_target:api")) == Approx(6.0 * gap_s).margin(static_cast<double>(stops.size())));
  }
  SECTION("minimum_healthy_percent 100: the task stays, unhealthy, and keeps its traffic") {
    const auto r = run(overloaded("    maximum_percent: 100\n"));
    CHECK(r.requests.balanced());
    REQUIRE(events(r, "task_replaced", "api/1").size() == 1);
    CHECK(events(r, "task_stopped_unhealthy").empty());
    CHECK(events(r, "task_provisioning").empty());
    CHECK(events(r, "target_draining").empty());
    CHECK(status(r, "503") == 0);
  }
}

TEST_CASE("Timeline: a scale-in keeps the task draining and billed for the whole deregistration delay") {
  auto yaml = [](const std::string& delay) {
    return deployment(R"(
duration: 15m
workload:
  arrivals: { process: uniform, rate: 1 }
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(10ms) } ] }
)", R"(
    desired: 2
    shutdown: const(5s)
    target_group: { deregistration_delay: )" + delay + R"( }
    autoscaling: { min: 1, max: 2, scheduled: [ { at: 2m, max: 1 } ] }
)");
  };
  const auto r = run(yaml("300s"));
  CHECK(r.requests.balanced());
  CHECK(r.requests.errors == 0);
  // Nothing is in flight after a few milliseconds, yet the target stays draining for 300 s and
  // the task DEACTIVATING; then SIGTERM and the 5 s shutdown.
  const auto draining = events(r, "target_draining", "api/2");
  const auto deregistered = events(r, "target_deregistered", "api/2");
  const auto stopping = events(r, "task_stopping", "api/2");
  const auto stopped = events(r, "task_stopped", "api/2");
  REQUIRE(draining.size() == 1);
  REQUIRE(deregistered.size() == 1);
  REQUIRE(stopping.size() == 1);
  REQUIRE(stopped.size() == 1);
  CHECK(draining[0].t_s == Approx(120.0));
  CHECK(deregistered[0].t_s == Approx(420.0));
  CHECK(stopping[0].t_s == Approx(420.0));
  CHECK(stopped[0].t_s == Approx(425.0));
  // Billed: api/1 the whole 900 s, api/2 from t = 0 to its stop at 425 s.
  CHECK(task_seconds(r, "on_demand") == Approx(900.0 + 425.0));
  // With a 30 s delay it is billed 270 s less.
  const auto short_delay = run(yaml("30s"));
  CHECK(task_seconds(short_delay, "on_demand") == Approx(900.0 + 155.0));
}

TEST_CASE("Timeline: a RUNNING task is registered registration_delay later and healthy at its first check") {
  auto yaml = [](const std::string& extra) {
    return deployment(R"(
duration: 4m
workload:
  arrivals: { process: uniform, rate: 1 }
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(10ms) } ] }
)", "    desired: 1\n" + kStartup + "    autoscaling: { min: 1, max: 2, scheduled: [ { at: 1m, min: 2 } ] }\n" + extra);
  };
  struct Case {
    std::string extra;
    double delay;
    std::string listed;
  };
  for (const auto& [extra, delay, listed] : {Case{"", 10.0, "10 s"}, Case{"    target_group: { registration_delay: 0s }\n", 0.0, "0 s"},
                                            Case{"    target_group: { registration_delay: 45s }\n", 45.0, "45 s"}}) {
    INFO("registration delay " << delay);
    const auto r = run(yaml(extra));
    const auto running = events(r, "task_running", "api/2");
    const auto registered = events(r, "target_registered", "api/2");
    const auto healthy = events(r, "target_healthy", "api/2");
    REQUIRE(running.size() == 1);
    REQUIRE(registered.size() == 1);
    REQUIRE(healthy.size() == 1);
    CHECK(running[0].t_s == Approx(96.0));
    CHECK(registered[0].t_s == Approx(96.0 + delay));
    // One passing check brings a new target in service, not the healthy threshold (5).
    CHECK(healthy[0].t_s >= 96.0 + delay);
    CHECK(healthy[0].t_s <= 96.0 + delay + 30.0);
    CHECK(healthy[0].reason == "passed its first health check");
    // The delay in force is among the run's assumptions, with its key.
    CHECK(has_assumption(r, "a RUNNING task is registered with its target group " + listed + " later"));
    CHECK(has_assumption(r, "(registration_delay)"));
  }
}

TEST_CASE("Timeline: On-Demand and Spot launches each have their own Fargate bucket") {
  const auto r = run(R"(
duration: 3m
workload:
  arrivals: { process: uniform, rate: 1 }
  requests:
    - { name: r, steps: [ { delay: const(1ms) } ] }
services:
  ondemand:
    cpu: 256
    memory: 512
    desired: 0
    autoscaling: { min: 0, max: 200, scheduled: [ { at: 1m, min: 150 } ] }
  spot:
    cpu: 256
    memory: 512
    desired: 0
    capacity: spot
    spot_interruptions_per_hour: 0
    autoscaling: { min: 0, max: 200, scheduled: [ { at: 1m, min: 150 } ] }
)");
  for (const char* service : {"ondemand", "spot"}) {
    INFO(service);
    std::vector<double> at;
    for (const auto& e : events(r, "task_provisioning")) {
      if (e.target.rfind(std::string(service) + "/", 0) == 0) at.push_back(e.t_s);
    }
    REQUIRE(at.size() == 150);
    // 100 at once from each bucket (a shared bucket would give 100 in all), then 20 a second.
    for (std::size_t i = 0; i < 100; ++i) CHECK(at[i] == Approx(60.0));
    for (std::size_t i = 100; i < 150; ++i) CHECK(at[i] == Approx(60.0 + static_cast<double>(i - 99) / 20.0).margin(1e-6));
  }
}

TEST_CASE("Timeline: a capacity provider strategy places the base first and splits the rest by weight") {
  const auto r = run(deployment(R"(
duration: 20m
workload:
  arrivals: { process: uniform, rate: 1 }
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(10ms) } ] }
)", R"(
    desired: 10
    shutdown: const(5s)
    spot_interruptions_per_hour: 0
    capacity_provider_strategy:
      - { provider: FARGATE, base: 2, weight: 1 }
      - { provider: FARGATE_SPOT, weight: 3 }
    autoscaling: { min: 1, max: 12, scheduled: [ { at: 10m, max: 6 } ] }
)"));
  // 10 tasks: 2 + 8 x 1/4 = 4 On-Demand, 8 x 3/4 = 6 Spot; the scale-in to 6 (2 + 4 x 1/4 = 3
  // On-Demand, 3 Spot) stops 1 On-Demand and 3 Spot at 10 min.
  double on_demand_tasks = 0, spot_tasks = 0;
  const double on_demand = task_seconds(r, "on_demand", &on_demand_tasks);
  const double spot = task_seconds(r, "spot", &spot_tasks);
  CHECK(on_demand_tasks == 4.0);
  CHECK(spot_tasks == 6.0);
  CHECK(r.sections["services"]["api"]["tasks_launched_spot"].get<double>() == 6.0);
  CHECK(r.sections["services"]["api"]["spot_interruptions"].get<double>() == 0.0);
  std::size_t stopped_spot = 0, stopped_on_demand = 0;
  for (const auto& e : events(r, "task_stopped")) {
    const int id = std::stoi(e.target.substr(4));
    // Launch order: the base (api/1, api/2) and then the provider the split is shortest of.
    (id == 1 || id == 2 || id == 4 || id == 8 ? stopped_on_demand : stopped_spot) += 1;
  }
  CHECK(stopped_on_demand == 1);
  CHECK(stopped_spot == 3);
  // Billed: the tasks kept for 1200 s, the stopped ones until 600 + 300 + 5 s.
  CHECK(on_demand == Approx(3 * 1200.0 + 905.0));
  CHECK(spot == Approx(3 * 1200.0 + 3 * 905.0));
}

TEST_CASE("Timeline: Fargate Spot reclaims a task with a 2-minute warning, drains and is replaced on Spot") {
  const auto r = run(deployment(R"(
seed: 4
duration: 2h
workload:
  arrivals: { process: uniform, rate: 2 }
  requests:
    - { name: r, path: /x, steps: [ { cpu: const(10ms) } ] }
)", "    desired: 2\n    capacity: spot\n    spot_interruptions_per_hour: 1\n    shutdown: const(5s)\n" + kStartup));
  CHECK(r.requests.balanced());
  const auto warnings = events(r, "spot_interruption");
  REQUIRE(!warnings.empty());
  const auto& w = warnings[0];
  const double t0 = w.t_s;
  // The warning deregisters the target at once; it drains min(300 s, 2 min) and the task is
  // gone by the end of the 2 minutes (its shutdown cut to what is left of them).
  const auto draining = events(r, "target_draining", w.target);
  REQUIRE(draining.size() == 1);
  CHECK(draining[0].t_s == Approx(t0));
  CHECK(draining[0].reason == "deregistration delay 2m");
  const auto stopped = events(r, "task_stopped", w.target);
  REQUIRE(stopped.size() == 1);
  CHECK(stopped[0].t_s == Approx(t0 + 120.0));
  // The replacement starts at the warning, on Spot, RUNNING 36 s later.
  std::string replacement;
  for (const auto& e : events(r, "task_provisioning")) {
    if (e.t_s == Approx(t0) && replacement.empty()) replacement = e.target;
  }
  REQUIRE(!replacement.empty());
  const auto running = events(r, "task_running", replacement);
  REQUIRE(running.size() == 1);
  CHECK(running[0].t_s == Approx(t0 + 36.0));
  // Nothing was in flight when the 2 minutes ended, and another task served meanwhile.
  CHECK(r.requests.errors == 0);
  const auto& s = r.sections["services"]["api"];
  CHECK(s["spot_interruptions"].get<double>() == static_cast<double>(warnings.size()));
  CHECK(s["tasks_launched_spot"].get<double>() == 2.0 + static_cast<double>(warnings.size()));
  CHECK(task_seconds(r, "on_demand") < 0.0);  // no On-Demand task at all
  CHECK(has_assumption(r, "Fargate Spot reclaims"));
}

TEST_CASE("Timeline: requests in flight when Fargate Spot reclaims the task get 502") {
  const auto r = run(R"(
seed: 4
duration: 2h
workload:
  arrivals: { process: uniform, rate: 1 }
  requests:
    - { name: r, path: /x, steps: [ { delay: const(200s) } ] }
load_balancer: { type: alb, default: api, idle_timeout: 300s }
services:
  api:
    cpu: 1024
    memory: 2048
    desired: 2
    capacity: spot
    spot_interruptions_per_hour: 1
)" + kStartup);
  CHECK(r.requests.balanced());
  const auto warnings = events(r, "spot_interruption");
  REQUIRE(!warnings.empty());
  // A 200 s request cannot finish within the 2 minutes: what the task received in the 80 s
  // before the warning (half of 1 request/s) is still running when it is reclaimed.
  CHECK(cause(r, "spot_interrupted:api") >= 30 * warnings.size());
  CHECK(cause(r, "spot_interrupted:api") == status(r, "502"));
  CHECK(cause(r, "spot_interrupted:api") + cause(r, "no_registered_target:api") == r.requests.errors);
}
