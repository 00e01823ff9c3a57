// Findings (reports/findings.hpp): every bottleneck rule fires on a small scenario built to
// trigger it, with its evidence and suggestion; none fires on a healthy run; the findings section
// answers the planning questions (peaks, minutes at max, busiest hour) and ranks by severity.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "app/simulate.hpp"
#include "reports/findings.hpp"
#include "scenarios/loader/scenario.hpp"

using namespace loadcast;

namespace {

reports::Result simulate(const std::string& yaml) {
  const auto sc = scenario::load_string(yaml, "findings.yaml");
  app::SimOptions o;
  o.threads = 1;
  return app::simulate(sc, o).to_result();
}

const reports::Json& bottlenecks(const reports::Result& r) { return r.sections.at("findings").at("bottlenecks"); }

// The finding of `rule` on `target`; fails the test when there is none.
reports::Json finding(const reports::Result& r, const std::string& rule, const std::string& target = "") {
  std::string fired;
  for (const auto& b : bottlenecks(r)) {
    if (b.at("rule") == rule && (target.empty() || b.at("target") == target)) return b;
    fired += " " + b.at("rule").get<std::string>() + "(" + b.at("target").get<std::string>() + ")";
  }
  FAIL("rule " << rule << " did not fire on '" << target << "'; fired:" << fired);
  return {};
}

const char* kWorkloadHead = R"(
name: rule
seed: 7
)";

}  // namespace

TEST_CASE("Findings: a healthy run fires no rule and still answers the planning questions") {
  const auto r = simulate(std::string(kWorkloadHead) + R"(
duration: 40m
workload:
  arrivals: { process: poisson, rate: 60 }
  requests:
    - { name: read, weight: 4, steps: [ { cpu: exp(10ms) }, { db: { reads: 1 } } ] }
    - { name: write, weight: 1, steps: [ { cpu: exp(10ms) }, { db: { writes: 1 } }, { publish: { queue: jobs, groups: 200 } } ] }
load_balancer: { type: alb, default: api }
services:
  api:
    cpu: 1024
    memory: 2048
    desired: auto
    autoscaling:
      min: 1
      max: 10
      policies: [ { type: target_tracking, metric: cpu, target: 60 } ]
database:
  type: aurora_serverless_v2
  engine: postgresql
  min_acu: 0.5
  max_acu: 8
  initial_acu: auto
queues:
  jobs: {}
workers:
  worker:
    cpu: 512
    memory: 1024
    desired: auto
    queue: jobs
    steps: [ { cpu: exp(20ms) } ]
    autoscaling:
      min: 1
      max: 5
      policies: [ { type: target_tracking, metric: cpu, target: 60 } ]
)");
  const auto& f = r.sections.at("findings");
  CHECK(bottlenecks(r).empty());
  CHECK(f.at("services").at("api").at("tasks_running_peak").get<double>() >= 1);
  CHECK(f.at("services").at("api").at("autoscaling_max") == 10);
  CHECK(f.at("services").at("api").at("minutes_at_max") == 0.0);
  CHECK(f.at("services").at("api").at("cpu_target") == 60.0);
  CHECK(f.at("queues").at("jobs").contains("oldest_age_peak_s"));
  CHECK(f.at("databases").at("writer").contains("acu_peak"));
  const auto& hour = f.at("busiest_hour");
  CHECK(hour.at("from_s") == 0.0);
  CHECK(hour.at("arrivals_per_s").get<double>() == Approx(60.0).epsilon(0.05));
  CHECK(hour.at("latency_ms").at("p99").get<double>() > 0);
  // Every output says so.
  CHECK_THAT(reports::findings_text(f), Catch::Contains("bottlenecks: none found"));
  CHECK_THAT(reports::findings_markdown(f), Catch::Contains("No bottleneck found."));
}

TEST_CASE("Findings: failed_requests names the cause and the change") {
  const auto r = simulate(std::string(kWorkloadHead) + R"(
duration: 5m
workload:
  arrivals: { process: poisson, rate: 150 }
  requests: [ { name: job, steps: [ { station: s1, service: exp(10ms) } ] } ]
stations:
  s1: { servers: 1, queue_limit: 5 }
)");
  const auto b = finding(r, "failed_requests", "s1");
  CHECK(b.at("severity") == "critical");
  CHECK_THAT(b.at("summary").get<std::string>(), Catch::Contains("station s1's queue was full"));
  CHECK_THAT(b.at("suggestion").get<std::string>(), Catch::Contains("stations.s1.servers"));
}

TEST_CASE("Findings: messages_lost when a queue dead-letters messages") {
  const auto r = simulate(std::string(kWorkloadHead) + R"(
duration: 10m
workload:
  arrivals: { process: poisson, rate: 5 }
  requests: [ { name: job, steps: [ { delay: const(1ms) }, { publish: { queue: jobs, groups: 50 } } ] } ]
queues:
  jobs: { visibility_timeout: 5s, dead_letter: { queue: jobs-dlq, max_receive_count: 1 } }
  jobs-dlq: {}
workers:
  worker: { cpu: 256, memory: 512, desired: 1, queue: jobs, failure_probability: 1.0, steps: [ { cpu: exp(5ms) } ] }
)");
  const auto b = finding(r, "messages_lost", "jobs");
  CHECK_THAT(b.at("summary").get<std::string>(), Catch::Contains("messages of jobs were not processed"));
  CHECK_THAT(b.at("evidence").dump(), Catch::Contains("moved to the dead-letter queue"));
  // The dead-letter queue itself has no consumer, and that is not a backlog finding.
  for (const auto& x : bottlenecks(r)) CHECK_FALSE((x.at("rule") == "queue_backlog" && x.at("target") == "jobs-dlq"));
}

TEST_CASE("Findings: sqs_throttled points at high throughput, with the failed requests as evidence") {
  const auto r = simulate(std::string(kWorkloadHead) + R"(
duration: 3m
workload:
  arrivals: { process: poisson, rate: 420 }
  requests: [ { name: order, steps: [ { delay: const(1ms) }, { publish: { queue: orders, groups: 1000 } } ] } ]
queues:
  orders: {}
)");
  const auto b = finding(r, "sqs_throttled", "orders");
  CHECK_THAT(b.at("summary").get<std::string>(), Catch::StartsWith("SendMessage throttled "));
  CHECK_THAT(b.at("summary").get<std::string>(), Catch::Contains("FIFO 300/s per action"));
  CHECK_THAT(b.at("suggestion").get<std::string>(), Catch::Contains("queues.orders.high_throughput: true"));
  const auto& q = r.sections.at("findings").at("queues").at("orders");
  CHECK(q.at("throttled").get<double>() > 0);
}

TEST_CASE("Findings: sns_throttled on a topic's message-group limit") {
  const auto r = simulate(std::string(kWorkloadHead) + R"(
duration: 2m
workload:
  arrivals: { process: poisson, rate: 420 }
  requests: [ { name: event, steps: [ { delay: const(1ms) }, { publish: { topic: events, groups: 1 } } ] } ]
queues:
  sink: { high_throughput: true }
topics:
  events: { subscriptions: [sink] }
)");
  const auto b = finding(r, "sns_throttled", "events");
  CHECK_THAT(b.at("summary").get<std::string>(), Catch::Contains("Publish throttled"));
}

TEST_CASE("Findings: service_at_max sizes the maximum from the metric while at max") {
  const auto r = simulate(std::string(kWorkloadHead) + R"(
duration: 20m
workload:
  arrivals: { process: poisson, rate: 150 }
  requests: [ { name: job, steps: [ { cpu: exp(10ms) } ] } ]
load_balancer: { type: alb, default: api }
services:
  api:
    cpu: 1024
    memory: 2048
    desired: 2
    autoscaling:
      min: 1
      max: 2
      policies: [ { type: target_tracking, metric: cpu, target: 50 } ]
)");
  const auto b = finding(r, "service_at_max", "api");
  CHECK_THAT(b.at("summary").get<std::string>(), Catch::StartsWith("api at max 2 for "));
  CHECK_THAT(b.at("summary").get<std::string>(), Catch::Contains("> 50 %"));
  // 1.5 busy vCPU on 2 tasks: CPU 75 % while at max, so 2 x 75 / 50 = 3 tasks.
  CHECK_THAT(b.at("suggestion").get<std::string>(), Catch::StartsWith("raise services.api.autoscaling.max to >= 3"));
  CHECK(r.sections.at("findings").at("services").at("api").at("minutes_at_max").get<double>() > 15);
}

TEST_CASE("Findings: scaling_lag on a saturated service without autoscaling") {
  const auto r = simulate(std::string(kWorkloadHead) + R"(
duration: 15m
workload:
  arrivals: { process: uniform, rate: 98 }
  requests: [ { name: job, steps: [ { cpu: const(10ms) } ] } ]
load_balancer: { type: alb, default: api }
services:
  api: { cpu: 1024, memory: 2048, desired: 1 }
)");
  const auto b = finding(r, "scaling_lag", "api");
  CHECK_THAT(b.at("summary").get<std::string>(), Catch::Contains("without autoscaling"));
  CHECK_THAT(b.at("suggestion").get<std::string>(), Catch::Contains("services.api.autoscaling"));
}

TEST_CASE("Findings: db_cpu on a writer at 90 % or more") {
  const auto r = simulate(std::string(kWorkloadHead) + R"(
duration: 15m
workload:
  arrivals: { process: poisson, rate: 100 }
  requests: [ { name: write, steps: [ { cpu: exp(1ms) }, { db: { writes: 1 } } ] } ]
load_balancer: { type: alb, default: api }
services:
  api: { cpu: 2048, memory: 4096, threads: 2, desired: 2, db_pool: { size: 20 } }
database:
  type: aurora_provisioned
  engine: mysql
  instance_class: db.r7g.large
  query: { write: exp(19ms) }
)");
  const auto b = finding(r, "db_cpu", "writer");
  CHECK_THAT(b.at("summary").get<std::string>(), Catch::StartsWith("writer CPU >= 90 % for "));
  CHECK_THAT(b.at("suggestion").get<std::string>(), Catch::Contains("a larger instance class than db.r7g.large"));
}

TEST_CASE("Findings: db_connections when a pool reaches max_connections") {
  const auto r = simulate(std::string(kWorkloadHead) + R"(
duration: 5m
workload:
  arrivals: { process: poisson, rate: 200 }
  requests: [ { name: read, steps: [ { cpu: exp(1ms) }, { db: { reads: 1 } } ] } ]
load_balancer: { type: alb, default: api }
services:
  api: { cpu: 1024, memory: 2048, desired: 2 }
database:
  type: aurora_provisioned
  engine: mysql
  instance_class: db.r7g.large
  max_connections: 12
  query: { read: exp(50ms) }
)");
  const auto b = finding(r, "db_connections", "writer");
  CHECK_THAT(b.at("summary").get<std::string>(), Catch::Contains("of 12 connections"));
  CHECK_THAT(b.at("suggestion").get<std::string>(), Catch::Contains("database.proxy"));
}

TEST_CASE("Findings: memory_high when requests in flight fill the task's memory") {
  const auto r = simulate(std::string(kWorkloadHead) + R"(
duration: 10m
workload:
  arrivals: { process: uniform, rate: 10 }
  requests: [ { name: upload, steps: [ { cpu: const(1ms) }, { delay: const(950ms) } ] } ]
load_balancer: { type: alb, default: api }
services:
  api: { cpu: 1024, memory: 2048, desired: 1, app_memory: { base: 512, per_request: 150 } }
)");
  const auto b = finding(r, "memory_high", "api");
  CHECK_THAT(b.at("summary").get<std::string>(), Catch::StartsWith("api memory peak 9"));
}

TEST_CASE("Findings: queue_backlog when messages wait five minutes or more") {
  const auto r = simulate(std::string(kWorkloadHead) + R"(
duration: 20m
workload:
  # 40 messages/s against one 0.25 vCPU worker that serves 25/s (10 ms each under its quota): the
  # oldest message has waited 0.375 t at time t, 450 s at the end.
  arrivals: { process: poisson, rate: 40 }
  requests: [ { name: order, steps: [ { delay: const(1ms) }, { publish: { queue: orders, groups: 500 } } ] } ]
queues:
  orders: {}
workers:
  worker: { cpu: 256, memory: 512, desired: 1, queue: orders, steps: [ { cpu: exp(10ms) } ] }
)");
  const auto b = finding(r, "queue_backlog", "orders");
  CHECK_THAT(b.at("summary").get<std::string>(), Catch::StartsWith("messages waited up to "));
  CHECK_THAT(b.at("suggestion").get<std::string>(), Catch::Contains("scale worker sooner"));
  // The queue's peak age is the true maximum, not its value at the end.
  const auto& q = r.sections.at("queues").at("orders");
  CHECK(q.at("oldest_age_peak_s").get<double>() >= q.at("oldest_age_s").get<double>());
  CHECK(q.at("oldest_age_peak_s").get<double>() >= 300.0);
}

TEST_CASE("Findings: starts_overloaded suggests desired: auto") {
  const auto r = simulate(std::string(kWorkloadHead) + R"(
duration: 20m
workload:
  arrivals: { process: poisson, rate: 300 }
  requests: [ { name: job, steps: [ { cpu: exp(10ms) } ] } ]
load_balancer: { type: alb, default: api }
services:
  api:
    cpu: 1024
    memory: 2048
    desired: 1
    autoscaling:
      min: 1
      max: 10
      policies: [ { type: target_tracking, metric: cpu, target: 60, scale_out_cooldown: 60s } ]
)");
  const auto b = finding(r, "starts_overloaded", "api");
  CHECK_THAT(b.at("summary").get<std::string>(),
             Catch::Equals("the model starts overloaded: api starts at 1 task where the first minute's load needs 5"));
  CHECK_THAT(b.at("suggestion").get<std::string>(), Catch::StartsWith("set services.api.desired: auto (starts at 5)"));
}

TEST_CASE("Findings: flapping on a worker scaled on backlog alone", "[slow]") {
  const auto r = simulate(std::string(kWorkloadHead) + R"(
duration: 3h
workload:
  arrivals: { process: poisson, rate: 12 }
  requests: [ { name: order, steps: [ { delay: const(1ms) }, { publish: { queue: orders, groups: 500 } } ] } ]
queues:
  orders: {}
workers:
  worker:
    cpu: 256
    memory: 512
    queue: orders
    steps: [ { cpu: exp(30ms) } ]
    autoscaling:
      min: 1
      max: 6
      policies: [ { type: target_tracking, metric: backlog_per_task, target: 100, scale_out_cooldown: 60s, scale_in_cooldown: 60s } ]
)");
  const auto b = finding(r, "flapping", "worker");
  CHECK_THAT(b.at("summary").get<std::string>(), Catch::StartsWith("worker flapped: scaled out again after a scale-in "));
  CHECK_THAT(b.at("suggestion").get<std::string>(), Catch::StartsWith("add a CPU target tracking policy"));
}

TEST_CASE("Findings: bottlenecks are ranked by severity, then size, and every rule has a row") {
  std::set<std::string> ids;
  for (const auto& rule : reports::finding_rules()) {
    CHECK(ids.insert(rule.id).second);
    CHECK(std::string(rule.fires_when).size() > 10);
    const std::string severity = rule.severity;
    CHECK((severity == "critical" || severity == "high" || severity == "medium"));
  }
  reports::Facts f;
  f.duration_s = 3600;
  f.requests.total = 1000;
  f.requests.by_cause = {{"rejected:s1", 50}, {"rejected:s2", 5}};
  reports::ServiceFacts s;
  s.name = "api";
  s.section = "services";
  s.memory_peak = 95;
  f.services.push_back(s);
  const auto found = reports::find_bottlenecks(f);
  REQUIRE(found.size() == 3);
  CHECK(found[0].target == "s1");  // critical, larger share first
  CHECK(found[1].target == "s2");
  CHECK(found[2].rule == "memory_high");
  CHECK(found[0].impact > found[1].impact);
  CHECK(found[1].impact > found[2].impact);
}
