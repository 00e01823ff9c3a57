// Throttling, retention and overlapping faults in whole simulated deployments: publishes over
// the SQS and SNS limits fail after the SDK's attempts without hanging, one `throttled` event per
// episode, one `messages_expired` event per episode, overlapping failovers and worker_errors
// faults, and the queue accounting identity at every interval end.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/scenario_run.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

// Sum of a per-interval series up to and including interval i.
double sum_to(const std::vector<double>& s, std::size_t i) {
  double total = 0.0;
  for (std::size_t k = 0; k <= i; ++k) total += s[k];
  return total;
}

}  // namespace

TEST_CASE("Messaging: publishes over the limit fail after the SDK's attempts, and nothing hangs") {
  // 100 publishes/s for two minutes against a 50/s limit, a quiet minute, then again: two
  // throttling episodes.
  auto over_limit = [](const std::string& target, const std::string& limit) {
    return run(R"(
seed: 12
duration: 8m
report_interval: 10s
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: 100 }, { at: 2m, rate: 100 }, { at: 2m, rate: 5 }, { at: 4m, rate: 5 }, { at: 4m, rate: 100 }, { at: 6m, rate: 100 }, { at: 6m, rate: 0 }, { at: 8m, rate: 0 } ]
)" + publish_requests(target, 1000) + R"(
)" + limit);
  };
  auto check = [](const reports::Result& r, const std::string& cause_name, const std::string& throttled_target) {
    const auto failed = cause(r, cause_name);
    INFO(cause_name);
    CHECK(failed > 1000);                       // 50 of the 100 per second, give or take
    CHECK(failed < r.requests.total / 2 + 2000);
    CHECK(r.requests.errors == failed);
    CHECK(r.requests.balanced());
    CHECK(r.requests.in_flight == 0);           // nothing waits for ever
    // Errors only while over the limit (with a few seconds of retries after it).
    const auto& errors = series(r, "errors_per_s");
    const auto& t_s = r.timeseries.t_s;
    for (std::size_t i = 0; i < t_s.size(); ++i) {
      if ((t_s[i] >= 130.0 && t_s[i] < 240.0) || t_s[i] >= 370.0) CHECK(errors[i] == 0.0);
      if ((t_s[i] >= 10.0 && t_s[i] < 110.0) || (t_s[i] >= 250.0 && t_s[i] < 350.0)) CHECK(errors[i] > 10.0);
    }
    // One `throttled` event per episode. The token bucket holds a second of the limit (50
    // calls) and refills at 50/s, so 100/s drains it about 1 s into each episode (Poisson
    // arrivals: ±0.2 s or so).
    const auto thr = events(r, "throttled", throttled_target);
    REQUIRE(thr.size() == 2);
    CHECK(thr[0].t_s > 0.5);
    CHECK(thr[0].t_s < 2.0);
    CHECK(thr[1].t_s > 240.5);
    CHECK(thr[1].t_s < 242.0);
  };
  SECTION("SendMessage straight to a queue") {
    const auto r = over_limit("queue: jobs", "queues:\n  jobs: { api_calls_per_s: 50 }\n");
    check(r, "sqs_throttled:jobs", "jobs");
    const auto& q = r.sections.at("queues").at("jobs");
    CHECK(q.at("balanced").get<bool>());
    CHECK(number(q.at("calls_awaiting_retry").at("SendMessage")) == 0.0);
    CHECK(number(q.at("throttled_failed").at("SendMessage")) == static_cast<double>(cause(r, "sqs_throttled:jobs")));
    CHECK(number(q.at("sent")) == static_cast<double>(r.requests.ok));
  }
  SECTION("Publish to a topic") {
    const auto r = over_limit("topic: orders", "topics:\n  orders: { subscriptions: [jobs], messages_per_s: 50 }\nqueues:\n  jobs: {}\n");
    check(r, "sns_throttled:orders", "orders");
    const auto& t = r.sections.at("topics").at("orders");
    CHECK(number(t.at("publishes_awaiting_retry")) == 0.0);
    CHECK(number(t.at("throttled_failed")) == static_cast<double>(cause(r, "sns_throttled:orders")));
    CHECK(number(t.at("published")) == static_cast<double>(r.requests.ok));
    CHECK(number(r.sections.at("queues").at("jobs").at("published")) == number(t.at("published")));
  }
}

TEST_CASE("FifoQueue: messages past the retention make one event per episode and a total") {
  // Nobody consumes: from 60 s on a message expires every 200 ms for nine minutes.
  const auto r = run(R"(
seed: 2
duration: 10m
workload:
  arrivals: { process: uniform, rate: 5 }
)" + publish_requests("queue: jobs", 100) + R"(
queues:
  jobs: { retention: 60s }
)");
  const auto& q = r.sections.at("queues").at("jobs");
  const double expired = number(q.at("expired"));
  CHECK(expired > 2500.0);
  const auto episodes = events(r, "messages_expired", "jobs");
  REQUIRE(episodes.size() == 1);
  CHECK(episodes[0].t_s == Approx(60.0).margin(0.5));
  const auto total = events(r, "messages_expired_total", "jobs");
  REQUIRE(total.size() == 1);
  CHECK(*total[0].to == expired);
  CHECK(q.at("balanced").get<bool>());
}

TEST_CASE("Faults: overlapping failovers keep the writer out until the later one ends") {
  const auto r = run(R"(
seed: 9
duration: 10m
report_interval: 10s
workload:
  arrivals: { process: poisson, rate: 20 }
)" + db_requests(true, "{ cpu: 1024, memory: 2048, desired: 2, db_pool: { size: 500, timeout: 60s } }") +
                     aurora_mysql("{ read: const(2ms), write: const(5ms) }") + R"(faults:
  - { at: 5m, type: db_failover, duration: 30s }
  - { at: 5m20s, type: db_failover, duration: 30s }
)");
  // Without a proxy writes fail from 300 s to 350 s, not only to 330 s.
  const auto& errors = series(r, "errors_per_s");
  const auto& t_s = r.timeseries.t_s;
  for (std::size_t i = 0; i < t_s.size(); ++i) {
    if (t_s[i] < 300.0 || t_s[i] >= 350.0) CHECK(errors[i] == 0.0);
    else CHECK(errors[i] > 10.0);
  }
  const auto complete = events(r, "db_failover_complete");
  REQUIRE(complete.size() == 1);
  CHECK(complete[0].t_s == Approx(350.0));
  CHECK(events(r, "fault_end").size() == 2);
}

TEST_CASE("Faults: overlapping worker_errors keep the largest probability until the last one ends") {
  // All messages fail from 2 m to 6 m; a milder fault inside that window neither lowers the
  // probability nor ends the outage when it ends at 4 m.
  const auto r = run(R"(
seed: 10
duration: 9m
report_interval: 10s
workload:
  arrivals: { process: poisson, rate: 5 }
)" + publish_requests("queue: jobs", 100) + R"(
queues:
  jobs: { visibility_timeout: 10s }
workers:
  worker:
    cpu: 256
    memory: 512
    desired: 2
    queue: jobs
    steps: [ { cpu: const(10ms) } ]
faults:
  - { at: 2m, type: worker_errors, service: worker, failure_probability: 1.0, duration: 4m }
  - { at: 3m, type: worker_errors, service: worker, failure_probability: 0.2, duration: 1m }
)");
  const auto& processed = series(r, "worker.messages_per_s");
  const auto& t_s = r.timeseries.t_s;
  for (std::size_t i = 0; i < t_s.size(); ++i) {
    if (t_s[i] >= 120.0 && t_s[i] < 350.0) CHECK(processed[i] == 0.0);
    if (t_s[i] < 110.0 || t_s[i] >= 370.0) CHECK(processed[i] > 0.0);
  }
  CHECK(events(r, "fault_end", "worker").size() == 2);
  const auto& w = r.sections.at("workers").at("worker");
  CHECK(w.at("balanced").get<bool>());
  CHECK(number(r.sections.at("queues").at("jobs").at("deleted")) == number(r.sections.at("queues").at("jobs").at("published")));
}

TEST_CASE("FifoQueue: the accounting identity holds at every interval end of a busy day") {
  // The POS scenario's peak hour with a failover and killed worker tasks: per queue, at the end
  // of every interval, everything sent so far is deleted, in the DLQ, expired, visible or in
  // flight.
  const auto sc = scenario::load_file(
      std::string(LOADCAST_SOURCE_DIR) + "/scenarios/pos-production.yaml",
      {{"duration", "1h"},
       {"report_interval", "30s"},
       {"workload.arrivals.stages", "[{at: 0m, rate: 36}, {at: 1h, rate: 36}]"},
       {"faults", "[{at: 20m, type: db_failover, duration: 30s}, {at: 30m, type: kill_tasks, service: worker-transaction, count: 1}, "
                  "{at: 40m, type: worker_errors, service: worker-item, failure_probability: 0.9, duration: 5m}]"}});
  const auto r = testing::simulate_one_thread(sc).to_result();
  std::size_t checked = 0;
  for (const auto& [name, q] : r.sections.at("queues").items()) {
    INFO(name);
    const auto& sent = series(r, name + ".sent");
    const auto& deleted = series(r, name + ".deleted");
    const auto& expired = series(r, name + ".expired");
    const auto& dlq = series(r, name + ".dlq");
    const auto& visible = series(r, name + ".visible");
    const auto& in_flight = series(r, name + ".in_flight");
    for (std::size_t i = 0; i < sent.size(); ++i) {
      CHECK(sum_to(sent, i) == sum_to(deleted, i) + dlq[i] + sum_to(expired, i) + visible[i] + in_flight[i]);
      ++checked;
    }
    CHECK(q.at("balanced").get<bool>());
  }
  CHECK(checked == 16 * 120);
  for (const auto& [name, w] : r.sections.at("workers").items()) {
    INFO(name);
    CHECK(w.at("balanced").get<bool>());
  }
  CHECK(number(r.sections.at("services").at("worker-transaction").at("tasks_killed")) == 1.0);
  CHECK(number(r.sections.at("workers").at("worker-item").at("failed")) > 100.0);
}
