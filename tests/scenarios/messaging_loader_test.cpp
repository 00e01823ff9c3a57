// The messaging and data-tier keys: bad input gets a located sentence, and the POS scenario
// accounts for every message at its peak hour.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "app/simulate.hpp"
#include "scenarios/loader/scenario.hpp"
#include "tests/support/scenario_run.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

const char* kBase = R"(name: m
duration: 10m
workload:
  arrivals: { rate: 10 }
  requests:
    - name: order
      path: /order
      steps:
        - cpu: exp(5ms)
        - db: { writes: 1 }
        - publish: { topic: orders, groups: 10 }
load_balancer: { type: alb, default: api }
services:
  api: { cpu: 512, memory: 1024 }
database:
  type: aurora_provisioned
  engine: mysql
  instance_class: db.r7g.large
  readers: 1
topics:
  orders: { subscriptions: [work] }
queues:
  work:
    visibility_timeout: 30s
    dead_letter: { queue: work-dlq, max_receive_count: 5 }
  work-dlq: {}
workers:
  worker:
    cpu: 256
    memory: 512
    queue: work
    wait_time: 20s
    steps:
      - cpu: exp(20ms)
      - db: { reads: 1 }
faults:
  - { at: 5m, type: kill_tasks, service: worker, count: 1 }
)";

// `line` added to the database section (after `  readers: 1`).
std::string database_with(const std::string& line) { return replace(kBase, "  readers: 1\n", "  readers: 1\n" + line + "\n"); }

// `line` added to the queue work (after its visibility timeout).
std::string queue_with(const std::string& line) {
  return replace(kBase, "    visibility_timeout: 30s\n", "    visibility_timeout: 30s\n" + line + "\n");
}

// The worker's `queue: work` line followed by `line` (its autoscaling).
std::string worker_with(const std::string& line) { return replace(kBase, "    queue: work\n", "    queue: work\n" + line + "\n"); }

// The base scenario on Aurora Serverless v2 (max 4 ACU) behind an RDS Proxy.
std::string serverless_behind_proxy() {
  return replace(replace(kBase, "  type: aurora_provisioned\n", "  type: aurora_serverless_v2\n  max_acu: 4\n"),
                 "  instance_class: db.r7g.large\n", "  proxy: {}\n");
}

std::vector<LoadErrorCase> bad_messaging() {
  const std::string base = kBase;
  return {
      {"a publish step naming an unknown topic", replace(base, "topic: orders, groups: 10", "topic: nope, groups: 10"),
       {"workload.requests[0].steps[2].publish.topic: unknown topic 'nope' (defined: orders)"}},
      {"a publish step with both a topic and a queue", replace(base, "topic: orders, groups: 10", "topic: orders, queue: work"),
       {"needs exactly one of 'topic' (SNS FIFO) or 'queue' (SQS FIFO)"}},
      {"a malformed skew", replace(base, "groups: 10 }", "groups: 10, skew: 'pareto(2)' }"), {"publish.skew: must be zipf(S)"}},
      {"a queue that is its own dead-letter queue", replace(base, "queue: work-dlq, max_receive_count", "queue: work, max_receive_count"),
       {"queues.work.dead_letter.queue: a queue cannot be its own dead-letter queue"}},
      {"a max_receive_count out of range", replace(base, "max_receive_count: 5", "max_receive_count: 0"),
       {"queues.work.dead_letter.max_receive_count: must be between 1 and 1000, found 0"}},
      {"a visibility timeout over 12 hours", replace(base, "visibility_timeout: 30s", "visibility_timeout: 13h"),
       {"queues.work.visibility_timeout: must be between 0s and 12h"}},
      {"a topic subscribing an unknown queue", replace(base, "subscriptions: [work]", "subscriptions: [wrk]"),
       {"topics.orders.subscriptions[0]: unknown queue 'wrk'"}},
      {"dead-letter queues that form a cycle: one cycle, one error",
       replace(base, "  work-dlq: {}\n", "  work-dlq: { dead_letter: { queue: work, max_receive_count: 3 } }\n"),
       {"queues.work.dead_letter.queue: dead-letter queues form a cycle (work -> work-dlq -> work)"}, true},
      {"a longer dead-letter cycle through a third queue",
       replace(base, "  work-dlq: {}\n",
               "  work-dlq: { dead_letter: { queue: parking, max_receive_count: 3 } }\n  parking: { dead_letter: { queue: work, max_receive_count: 3 } }\n"),
       {"form a cycle (work -> work-dlq -> parking -> work)"}},
      {"a retry with no attempt", queue_with("    retry: { max_attempts: 0 }"),
       {"queues.work.retry.max_attempts: must be between 1 and 100, found 0"}},
      {"an unknown queue key", replace(base, "    visibility_timeout: 30s\n", "    visibility: 30s\n"),
       {"queues.work.visibility: unknown key 'visibility'"}},
      {"a worker consuming an unknown queue", replace(base, "    queue: work\n", "    queue: jobs\n"),
       {"workers.worker.queue: unknown queue 'jobs'"}},
      {"a worker with a station step",
       replace(base, "      - cpu: exp(20ms)\n", "      - { station: s1, service: exp(1ms) }\n") + "stations: { s1: { servers: 1 } }\n",
       {"workers.worker.steps[0]: a worker's steps are cpu, db, publish or delay"}},
      {"a long poll over 20 seconds", replace(base, "wait_time: 20s", "wait_time: 30s"),
       {"workers.worker.wait_time: must be between 0s and 20s (WaitTimeSeconds)"}},
      {"a web service scaling on backlog per task",
       replace(base, "  api: { cpu: 512, memory: 1024 }",
               "  api: { cpu: 512, memory: 1024, autoscaling: { min: 1, max: 2, policies: [ { type: target_tracking, metric: backlog_per_task, target: 10 } ] } }"),
       {"must be cpu, memory or requests_per_target (found 'backlog_per_task')"}},
      {"a fault naming an unknown service", replace(base, "service: worker, count: 1", "service: nobody, count: 1"),
       {"faults[0].service: unknown service or worker 'nobody'"}},
      {"worker_errors on a web service",
       replace(base, "type: kill_tasks, service: worker, count: 1", "type: worker_errors, service: api, failure_probability: 0.5, duration: 1m"),
       {"faults[0].service: unknown worker 'api'"}},
      {"a fault after the end of the run", replace(base, "{ at: 5m,", "{ at: 15m,"), {"faults[0].at: is not before the end of the run (10m)"}},
      {"an unknown fault type is one error, not also one per key of the fault", replace(base, "type: kill_tasks", "type: unplug"),
       {"faults[0].type: must be db_failover, kill_tasks or worker_errors (found 'unplug')"}, true},
      {"a fault without a type is one error", replace(base, "type: kill_tasks, ", ""), {"faults[0]: needs 'type'"}, true},
      {"a worker at min 0 scaling only on cpu can never scale out again",
       worker_with("    autoscaling: { min: 0, max: 4, policies: [ { type: target_tracking, metric: cpu, target: 70 } ] }"),
       {"workers.worker.autoscaling.min: is 0 but no policy can scale the worker out from zero tasks"}, true},
      {"a worker at min 0 whose backlog metric math divides by zero tasks",
       worker_with("    autoscaling: { min: 0, max: 4, policies: [ { type: target_tracking, metric: backlog_per_task, target: 10 } ] }"),
       {"workers.worker.autoscaling.min: is 0 but no policy can scale the worker out from zero tasks",
        "declare backlog_metric_math: 'IF(running > 0, visible / running, visible)'"}, true},
      {"a backlog metric math loadcast does not know",
       worker_with("    backlog_metric_math: 'visible / desired'"),
       {"workers.worker.backlog_metric_math: must be 'visible / running' or 'IF(running > 0, visible / running, visible)' (found 'visible / desired')"}},
      // Target tracking on the message age cannot either: ceil(0 x age / target) = 0.
      {"a worker at min 0 scaling only on the oldest message's age",
       worker_with("    autoscaling: { min: 0, max: 4, policies: [ { type: target_tracking, metric: oldest_message_age, target: 60 } ] }"),
       {"autoscaling.min: is 0"}},
      {"replica auto scaling above 15 replicas", database_with("  replica_autoscaling: { min: 1, max: 16, target: 70 }"),
       {"database.replica_autoscaling.max: must be between 0 and 15 (Aurora replicas)"}},
      {"replica auto scaling on an unknown metric", database_with("  replica_autoscaling: { min: 1, max: 3, metric: cpu, target: 70 }"),
       {"database.replica_autoscaling.metric: must be reader_cpu"}},
      {"a proxy borrow timeout out of range", database_with("  proxy: { borrow_timeout: 2h }"),
       {"database.proxy.borrow_timeout: must be 0s (no limit) or between 1s and 3600s"}},
      {"a pinned session of no length", database_with("  proxy: { pinned_session: 0s }"),
       {"database.proxy.pinned_session: must be more than 0s (how long a client connection keeps a pinned session)"}, true},
      {"a negative reconnect work", database_with("  reconnect_work: -1"),
       {"database.reconnect_work: must be 0 or more (vCPU-seconds per reconnect)"}, true},
      {"a db step pinning more than all its queries", replace(kBase, "        - db: { writes: 1 }\n", "        - db: { writes: 1, pinned: 2 }\n"),
       {"db.pinned: must be between 0 and 1 (the share of its queries that pin their RDS Proxy session)"}, true},
      {"a proxy in front of Serverless v2 with auto-pause", replace(serverless_behind_proxy(), "  max_acu: 4\n", "  max_acu: 4\n  min_acu: 0\n"),
       {"database.proxy: cannot be used with Aurora Serverless v2 auto-pause (min_acu: 0)"}},
      {"two topics sharing the region's publish quota at different rates",
       replace(base, "  orders: { subscriptions: [work] }\n", "  orders: { subscriptions: [work] }\n  audit: { subscriptions: [work-dlq], messages_per_s: 1000 }\n"),
       {"topics.audit.messages_per_s: differs from topic 'orders', which shares the region's publish quota with it (publish_quota_scope: "
        "region); set the same messages_per_s or publish_quota_scope: topic"}},
      {"an unknown publish quota scope", replace(base, "orders: { subscriptions: [work] }", "orders: { subscriptions: [work], publish_quota_scope: account }"),
       {"topics.orders.publish_quota_scope: must be region or topic (found 'account')"}},
      {"more idle proxy connections than the pool",
       database_with("  proxy: { max_connections_percent: 40, max_idle_connections_percent: 50 }"),
       {"database.proxy.max_idle_connections_percent: must be between 0 and max_connections_percent (40)"}},
  };
}

}  // namespace

TEST_CASE("MessagingLoader: the base scenario loads") {
  const auto s = scenario::load_string(kBase, "ok.yaml");
  REQUIRE(s.model.queues.size() == 2);
  CHECK(s.model.queues[0].dead_letter_index == 1);
  CHECK(s.model.queues[0].api_calls_per_s == 300.0);  // default mode
  REQUIRE(s.model.topics.size() == 1);
  CHECK(s.model.topics[0].subscription_indices == std::vector<std::size_t>{0});
  CHECK(s.model.topics[0].publish_quota_scope == models::PublishQuotaScope::kRegion);
  REQUIRE(s.model.workers.size() == 1);
  CHECK(s.model.workers[0].steps.size() == 2);
  CHECK(s.model.classes[0].steps[2].kind == models::StepKind::kPublish);
  REQUIRE(s.model.faults.size() == 1);
  CHECK(s.model.faults[0].worker);
}

TEST_CASE("MessagingLoader: the region and mode set the API limits") {
  auto s = scenario::load_string(replace(kBase, "    visibility_timeout: 30s\n", "    high_throughput: true\n"), "ok.yaml",
                                 {{"region", "ap-northeast-1"}});
  CHECK(s.model.queues[0].api_calls_per_s == 9000.0);
  CHECK(s.model.queues[0].group_calls_per_s == 300.0);
  s = scenario::load_string(replace(kBase, "    visibility_timeout: 30s\n", "    high_throughput: true\n"), "ok.yaml",
                            {{"region", "us-east-1"}});
  CHECK(s.model.queues[0].api_calls_per_s == 70000.0);
}

TEST_CASE("MessagingLoader: each bad messaging, worker, fault, proxy or replica key is a located error") {
  check_load_errors(bad_messaging());
}

TEST_CASE("MessagingLoader: the good neighbours of the bad keys load") {
  SECTION("a dead-letter chain that is no cycle") {
    CHECK_NOTHROW(scenario::load_string(
        replace(kBase, "  work-dlq: {}\n", "  work-dlq: { dead_letter: { queue: parking, max_receive_count: 3 } }\n  parking: {}\n"), "ok.yaml"));
  }
  SECTION("a worker at min 0 with a guarded backlog policy next to the cpu one, or at min 1") {
    const auto s = scenario::load_string(
        worker_with("    backlog_metric_math: 'IF(m2 > 0, m1 / m2, m1)'\n"
                    "    autoscaling: { min: 0, max: 4, policies: [ { type: target_tracking, metric: cpu, target: 70 }, { type: target_tracking, metric: backlog_per_task, target: 10 } ] }"),
        "ok.yaml");
    CHECK(s.model.workers[0].backlog_math == models::BacklogMath::kGuarded);
    CHECK_NOTHROW(scenario::load_string(
        worker_with("    autoscaling: { min: 1, max: 4, policies: [ { type: target_tracking, metric: cpu, target: 70 } ] }"), "ok.yaml"));
  }
  SECTION("a proxy in front of Serverless v2 without auto-pause") {
    const auto s = scenario::load_string(serverless_behind_proxy(), "ok.yaml");
    CHECK(s.model.db_proxy.has_value());
  }
}

TEST_CASE("MessagingLoader: the POS scenario accounts for every message at its peak hour") {
  const auto sc = scenario::load_file(std::string(LOADCAST_SOURCE_DIR) + "/scenarios/pos-production.yaml",
                                      {{"duration", "1h"}, {"workload.arrivals.stages", "[{at: 0m, rate: 36}, {at: 1h, rate: 36}]"}});
  const auto r = testing::simulate_one_thread(sc).to_result();
  CHECK(r.requests.balanced());
  CHECK(r.requests.errors == 0);
  const auto& queues = r.sections.at("queues");
  for (const auto& [name, q] : queues.items()) {
    INFO(name);
    CHECK(q.at("balanced").get<bool>());
    const auto published = q.at("published").get<double>();
    CHECK(published == q.at("deleted").get<double>() + q.at("dead_lettered").get<double>() + q.at("expired").get<double>() +
                           q.at("visible").get<double>() + q.at("in_flight").get<double>());
  }
  // Each sale publishes one transaction message: the queue got one per sale that reached its
  // publish step (sales still in flight at the end may or may not have).
  const auto sales = r.classes.at("pos-sale").requests;
  const auto transactions = queues.at("worker-transaction").at("published").get<double>();
  CHECK(transactions >= static_cast<double>(sales.ok));
  CHECK(transactions <= static_cast<double>(sales.ok + sales.in_flight));
  // SNS fans out every message: one delivery per subscription.
  for (const auto& [name, t] : r.sections.at("topics").items()) {
    INFO(name);
    CHECK(t.at("deliveries").get<double>() + t.at("pending_deliveries").get<double>() == t.at("published").get<double>());
  }
  // The meters the cost model prices: SQS requests with empty receives, SNS, the proxy, workers.
  const auto& usage = r.sections.at("usage");
  CHECK(usage.at("sqs").size() == queues.size());
  CHECK(usage.at("sns").size() == 7);
  CHECK(usage.at("rds_proxies").at(0).at("vcpu_seconds").get<double>() == Approx(4.0 * 3600.0));  // 2 + 2 vCPUs
  bool worker_fargate = false;
  for (const auto& f : usage.at("fargate")) {
    if (f.at("service") == "worker-transaction") {
      worker_fargate = true;
      CHECK(f.at("capacity") == "spot");
    }
  }
  CHECK(worker_fargate);
}

TEST_CASE("MessagingLoader: the POS scenario has the structure of its seeds") {
  // Seeds 000, 001 and 003 (Japanese): what they state, checked against the loaded scenario.
  const auto s = scenario::load_file(std::string(LOADCAST_SOURCE_DIR) + "/scenarios/pos-production.yaml");
  CHECK(s.region == "ap-northeast-1");  // 001: ap-northeast-1 (Tokyo)
  // 001/003: pos-web-app and ec-web-app are the load-balanced services behind one ALB.
  REQUIRE(s.model.services.size() == 2);
  CHECK(s.model.services[0].name == "pos-web-app");
  CHECK(s.model.services[1].name == "ec-web-app");
  REQUIRE(s.model.load_balancer.has_value());
  // 003: every worker named in the architecture, at 256 CPU units (001: 0.25 vCPU, "intentionally
  // low, to spare the DB"); the queue-depth workers on Spot (001).
  std::set<std::string> workers;
  for (const auto& w : s.model.workers) {
    INFO(w.service.name);
    workers.insert(w.service.name);
    CHECK(w.service.cpu_units == 256);
    CHECK(w.service.vcpu() == 0.25);
    if (w.service.autoscaling) {
      CHECK(w.service.uses_spot());
      // 001: workers scale on queue depth.
      bool backlog = false;
      for (const auto& p : w.service.autoscaling->policies) {
        if (const auto* tt = std::get_if<models::TargetTrackingConfig>(&p.spec)) backlog = backlog || tt->metric == "backlog_per_task";
      }
      CHECK(backlog);
    }
  }
  CHECK(workers == std::set<std::string>{"worker-item", "worker-product", "worker-transaction", "worker-ec-order",
                                         "worker-notification", "worker-external-ec", "worker-scheduled", "backend-outbox"});
  // 003: pos-web-app publishes to the item, product, transaction, ec-order, outbox and
  // notification FIFO topics; backend-outbox to external-ec; each topic feeds its worker's queue.
  const std::map<std::string, std::string> feeds{{"item", "worker-item"},           {"product", "worker-product"},
                                                 {"transaction", "worker-transaction"}, {"ec-order", "worker-ec-order"},
                                                 {"outbox", "backend-outbox"},       {"notification", "worker-notification"},
                                                 {"external-ec", "worker-external-ec"}};
  REQUIRE(s.model.topics.size() == feeds.size());
  for (const auto& t : s.model.topics) {
    INFO(t.name);
    REQUIRE(feeds.count(t.name) == 1);
    CHECK(t.subscriptions == std::vector<std::string>{feeds.at(t.name)});
  }
  for (const auto& w : s.model.workers) {
    INFO(w.service.name);
    CHECK(w.queue == w.service.name);
    CHECK(!s.model.queues[w.queue_index].dead_letter_queue.empty());  // 001: DLQs
  }
  bool external_ec = false;
  for (const auto& w : s.model.workers) {
    for (const auto& step : w.steps) {
      if (step.kind == models::StepKind::kPublish) external_ec = external_ec || (w.service.name == "backend-outbox" && step.publish.target == "external-ec");
    }
  }
  CHECK(external_ec);
  // 003: EventBridge schedules feed the worker-scheduled queue.
  for (const auto& q : s.model.queues) {
    if (q.name == "worker-scheduled") CHECK(!q.schedules.empty());
  }
  // 000/001: Aurora MySQL, writer db.r8g.large, readers db.r7g.large auto scaled 1-3; 000/003:
  // through RDS Proxy.
  REQUIRE(s.model.database.has_value());
  CHECK(s.model.database->type == models::DbType::kAuroraProvisioned);
  CHECK(s.model.database->engine == models::DbEngine::kMysql);
  CHECK(s.model.database->instance_class == "db.r8g.large");
  CHECK(s.model.database->reader_instance_class == "db.r7g.large");
  CHECK(s.model.database->readers == 1);
  REQUIRE(s.model.replica_scaling.has_value());
  CHECK(s.model.replica_scaling->autoscaling.min == 1);
  CHECK(s.model.replica_scaling->autoscaling.max == 3);
  CHECK(s.model.db_proxy.has_value());
}

TEST_CASE("MessagingLoader: pinning and the reconnect after a failover load into the data tier") {
  auto text = database_with("  proxy: { pinned_session: 10m }\n  reconnect_latency: const(50ms)\n  reconnect_work: 0.01");
  text = replace(text, "        - db: { writes: 1 }\n", "        - db: { writes: 1, pinned: 0.25 }\n");
  const auto s = scenario::load_string(text, "ok.yaml");
  CHECK(s.model.classes[0].steps[1].db.pinned == 0.25);
  REQUIRE(s.model.db_proxy);
  CHECK(s.model.db_proxy->pinned_session == 10 * sim::kMinute);
  REQUIRE(s.model.database);
  CHECK(s.model.database->reconnect_work == 0.01);
  sim::Rng rng(1);
  CHECK(s.model.database->reconnect_latency.sample_time(rng) == 50 * sim::kMillisecond);
  // Defaults: nothing pins, a session lasts 30 min, a reconnect takes 20 ms and 2 ms of CPU.
  const auto d = scenario::load_string(database_with("  proxy: {}"), "ok.yaml");
  CHECK(d.model.classes[0].steps[1].db.pinned == 0.0);
  CHECK(d.model.db_proxy->pinned_session == 30 * sim::kMinute);
  CHECK(d.model.database->reconnect_work == 0.002);
  CHECK(d.model.database->reconnect_latency.sample_time(rng) == 20 * sim::kMillisecond);
}

TEST_CASE("MessagingLoader: the CPU quota period and the Serverless v2 controller's keys load") {
  std::string text = replace(kBase, "  api: { cpu: 512, memory: 1024 }\n", "  api: { cpu: 512, memory: 1024, cpu_period: 50ms }\n");
  text = replace(text, "    wait_time: 20s\n", "    wait_time: 20s\n    cpu_period: 20ms\n");
  text = replace(text, "  type: aurora_provisioned\n  engine: mysql\n  instance_class: db.r7g.large\n",
                 "  type: aurora_serverless_v2\n  engine: mysql\n  max_acu: 16\n"
                 "  scaling: { cpu_period: 10ms, target_utilization: 0.6, up_interval: 1s, up_fraction: 0.5, down_interval: 60s,\n"
                 "             down_fraction: 0.2, connection_floor: false, working_set_gib: 4, buffer_pool_share: 0.5 }\n");
  const auto s = scenario::load_string(text, "ok.yaml");
  CHECK(s.model.services.at(0).cpu_period == 50 * sim::kMillisecond);
  CHECK(s.model.workers.at(0).service.cpu_period == 20 * sim::kMillisecond);
  REQUIRE(s.model.database);
  const auto& sc = s.model.database->scaling;
  CHECK(sc.cpu_period == 10 * sim::kMillisecond);
  CHECK(sc.target_utilization == 0.6);
  CHECK(sc.up_interval == sim::kSecond);
  CHECK(sc.up_fraction == 0.5);
  CHECK(sc.down_interval == 60 * sim::kSecond);
  CHECK(sc.down_fraction == 0.2);
  CHECK_FALSE(sc.connection_floor);
  CHECK(sc.working_set_gib == 4.0);
  CHECK(s.model.database->buffer_pool_share() == 0.5);
  CHECK_THROWS_WITH(scenario::load_string(replace(text, "target_utilization: 0.6", "target_utilization: 1.5"), "bad.yaml"),
                    Catch::Contains("database.scaling.target_utilization: must be in (0, 1]"));
  CHECK_THROWS_WITH(scenario::load_string(replace(text, "cpu_period: 50ms", "cpu_period: 2s"), "bad.yaml"),
                    Catch::Contains("services.api.cpu_period: must be between 1ms and 1s"));
}
