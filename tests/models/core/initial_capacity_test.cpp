// desired: auto (models/core/initial_capacity.hpp): under a flat load, a run started at `auto`
// starts where a long run started at the minimum settles, and stays there; the estimates read
// the load the scenario routes to each component.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "models/core/initial_capacity.hpp"
#include "scenarios/loader/scenario.hpp"
#include "tests/support/scenario_run.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using loadcast::testing::run;
using loadcast::testing::series;

namespace {

// 200 requests/s of 10 ms CPU (2 busy vCPU) on 1 vCPU tasks at CPU 50 %: 4 tasks hold the target;
// 300 messages a minute... the worker: 20 messages/s of 40 ms CPU (0.8 vCPU) on 0.5 vCPU tasks at
// CPU 45 %: ceil(3.56) = 4 tasks (at 40 %, not on the target itself, where the CPU quota's noise
// crosses it and target tracking moves between 4 and 8); the Serverless v2 writer: 60 writes/s of 5 ms (0.3 vCPU) at 0.25 vCPU per ACU
// and 70 %: 2 ACU.
std::string flat(const std::string& duration, const std::string& desired, const std::string& initial_acu) {
  return R"(
name: flat
seed: 5
duration: )" + duration + R"(
workload:
  arrivals: { process: poisson, rate: 200 }
  requests:
    - { name: read, weight: 9, steps: [ { cpu: exp(10ms) } ] }
    - { name: write, weight: 1, steps: [ { cpu: exp(10ms) }, { db: { writes: 3 } }, { publish: { queue: jobs, groups: 500 } } ] }
load_balancer: { type: alb, default: api }
services:
  api:
    cpu: 1024
    memory: 2048
    desired: )" + desired + R"(
    autoscaling:
      min: 1
      max: 20
      policies: [ { type: target_tracking, metric: cpu, target: 50, scale_out_cooldown: 60s, scale_in_cooldown: 300s } ]
database:
  type: aurora_serverless_v2
  engine: postgresql
  min_acu: 0.5
  max_acu: 16
  initial_acu: )" + initial_acu + R"(
  query: { read: exp(1ms), write: exp(5ms) }
queues:
  jobs: {}
workers:
  worker:
    cpu: 512
    memory: 1024
    desired: )" + desired + R"(
    queue: jobs
    pollers: 4
    steps: [ { cpu: exp(40ms) } ]
    autoscaling:
      min: 1
      max: 20
      policies: [ { type: target_tracking, metric: cpu, target: 45, scale_out_cooldown: 60s, scale_in_cooldown: 300s } ]
)";
}

double estimate(const scenario::Scenario& sc, const std::string& path) {
  for (const auto& c : sc.initial_capacity) {
    if (c.path == path) return c.estimate;
  }
  FAIL("no estimate for " << path);
  return 0.0;
}

// Where a series settles over its last `n` intervals: its median and its range.
struct Settled {
  double median = 0.0, low = 0.0, high = 0.0;
};
Settled settled(const std::vector<double>& v, std::size_t n) {
  std::vector<double> tail(v.end() - static_cast<std::ptrdiff_t>(std::min(n, v.size())), v.end());
  tail.erase(std::remove_if(tail.begin(), tail.end(), [](double x) { return std::isnan(x); }), tail.end());
  REQUIRE(!tail.empty());
  std::sort(tail.begin(), tail.end());
  return Settled{tail[tail.size() / 2], tail.front(), tail.back()};
}

}  // namespace

TEST_CASE("InitialCapacity: the estimates follow the load each component gets") {
  const auto sc = scenario::load_string(flat("10m", "auto", "auto"), "flat.yaml");
  CHECK(models::first_minute_rate(sc.workload, sc.model) == Approx(200.0));
  CHECK(estimate(sc, "services.api.desired") == 4.0);    // 2 busy vCPU / (1 vCPU x 50 %)
  CHECK(estimate(sc, "workers.worker.desired") == 4.0);  // 0.8 busy vCPU / (0.5 vCPU x 45 %) = 3.56
  CHECK(estimate(sc, "database.initial_acu") == 2.0);    // 0.3 vCPU / (0.25 x 70 %) = 1.71, up to 2
  // `auto` became the estimate; the scenario records that it did.
  CHECK(sc.model.services[0].desired == 4);
  CHECK(sc.model.workers[0].service.desired == 4);
  REQUIRE(sc.model.database->initial_acu);
  CHECK(*sc.model.database->initial_acu == 2.0);
  CHECK(sc.initial_capacity.front().from_auto);
}

TEST_CASE("InitialCapacity: a run started at auto stays where a long run from the minimum settles", "[slow]") {
  // Three hours from one task and 0.5 ACU: autoscaling climbs out of the overload and settles;
  // target tracking then moves around its target (a step up when noise crosses it).
  const auto long_run = run(flat("3h", "1", "0.5"));
  // A run started at auto starts at the long run's settled value and stays within its range.
  const auto started = run(flat("1h", "auto", "auto"));
  const auto& init = started.sections.at("initial_capacity");
  for (const auto& [key, name, tolerance] : {std::tuple{"services.api.desired", "api.tasks_running", 1.0},
                                             std::tuple{"workers.worker.desired", "worker.tasks_running", 1.0},
                                             std::tuple{"database.initial_acu", "writer.acu", 0.5}}) {
    INFO(key);
    const Settled s = settled(series(long_run, name), 60);
    CHECK(std::fabs(init.at(key).at("value").get<double>() - s.median) <= tolerance);
    for (double x : series(started, name)) {
      CHECK(x >= s.low - tolerance);
      CHECK(x <= s.high + tolerance);
    }
  }
  CHECK(started.requests.errors == 0);
  CHECK(started.sections.at("findings").at("bottlenecks").empty());
  // The long run from the minimum is told how to avoid its start.
  bool told = false;
  for (const auto& b : long_run.sections.at("findings").at("bottlenecks")) told = told || b.at("rule") == "starts_overloaded";
  CHECK(told);
}

TEST_CASE("InitialCapacity: replica auto scaling starts with the readers its reader_cpu policy holds") {
  const auto sc = scenario::load_string(R"(
name: readers
duration: 10m
workload:
  arrivals: { process: poisson, rate: 400 }
  requests: [ { name: q, steps: [ { cpu: exp(1ms) }, { db: { reads: 5 } } ] } ]
load_balancer: { type: alb, default: api }
services:
  api: { cpu: 1024, memory: 2048, desired: 4 }
database:
  type: aurora_provisioned
  engine: mysql
  instance_class: db.r7g.large
  readers: 1
  query: { read: exp(2ms) }
  replica_autoscaling: { min: 1, max: 6, metric: reader_cpu, target: 50, desired: auto }
)",
                                        "readers.yaml");
  // 400 x 5 x 2 ms = 4 vCPU of reads on 2 vCPU readers at 50 %: 4 readers.
  CHECK(estimate(sc, "database.replica_autoscaling.desired") == 4.0);
  REQUIRE(sc.model.replica_scaling->initial_readers);
  CHECK(*sc.model.replica_scaling->initial_readers == 4);
  app::SimOptions o;
  o.threads = 1;
  const auto r = app::simulate(sc, o).to_result();
  CHECK(series(r, "db.readers").front() == 4.0);
}

TEST_CASE("InitialCapacity: auto values out of range are reported with the values") {
  const auto bad = [](const std::string& db) {
    try {
      (void)scenario::load_string("name: x\nduration: 1m\nworkload:\n  arrivals: { rate: 1 }\n  requests: [ { name: q, steps: [ { delay: const(1ms) } ] } ]\n" + db,
                                  "x.yaml");
    } catch (const scenario::LoadError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK_THAT(bad("database: { type: aurora_serverless_v2, engine: mysql, min_acu: 1, max_acu: 4, initial_acu: 8 }"),
             Catch::Contains("database.initial_acu: must be auto or 1 to max_acu (4) in 0.5 ACU steps (got 8)"));
}

TEST_CASE("InitialCapacity: with flows the estimates count the requests a session brings") {
  // 40 sessions/s, each sending `read` uniform_int(3, 6) times (4.5 on average) and then, half
  // the time, one `write`: 180 reads and 20 writes per second, the load of the weighted scenario
  // above, so the same estimates.
  std::string yaml = flat("10m", "auto", "auto");
  yaml = loadcast::testing::replace(yaml, "  arrivals: { process: poisson, rate: 200 }\n", "  arrivals: { process: poisson, rate: 40 }\n");
  yaml = loadcast::testing::replace(yaml, "name: read, weight: 9,", "name: read,");
  yaml = loadcast::testing::replace(yaml, "name: write, weight: 1,", "name: write,");
  yaml = loadcast::testing::replace(yaml, "load_balancer:", R"(  flows:
    - name: visit
      steps:
        - { name: r, request: read, repeat: 'uniform_int(3, 6)', exit: 0.5 }
        - { name: w, request: write }
load_balancer:)");
  const auto sc = scenario::load_string(yaml, "flat-flows.yaml");
  CHECK(models::first_minute_rate(sc.workload, sc.model) == Approx(40.0));
  CHECK(estimate(sc, "services.api.desired") == 4.0);
  CHECK(estimate(sc, "workers.worker.desired") == 4.0);
  CHECK(estimate(sc, "database.initial_acu") == 2.0);
}

TEST_CASE("InitialCapacity: a closed model of sessions cycles through think time, the session's requests and its think times") {
  // 10 users; per cycle: users.think_time 1 s, then a session of two 10 ms requests with 0.5 s
  // of think before the second: 1.52 s, so 10 / 1.52 sessions per second.
  const std::string yaml = R"(duration: 10m
workload:
  users: { count: 10, think_time: const(1s) }
  requests:
    - { name: a, steps: [ { delay: const(10ms) } ] }
  flows:
    - name: f
      steps:
        - { name: one, request: a }
        - { name: two, request: a, think: const(500ms) }
)";
  const auto sc = scenario::load_string(yaml, "closed-flows.yaml");
  CHECK(models::first_minute_rate(sc.workload, sc.model) == Approx(10.0 / 1.52));
}
