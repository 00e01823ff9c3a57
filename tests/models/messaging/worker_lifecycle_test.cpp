// Worker services through their tasks' lives: what a killed task and a task stopped by scale-in
// (SIGTERM, then the stop timeout) do with the messages they hold, with exact `lost` counts
// checked against the messages that reappear; scaling on CPU; the deduplication of a worker's
// re-publish after a redelivery; and the end-to-end age of a chain of workers.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/scenario_run.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

// 2 messages/s into `jobs`, a worker taking 1 s per message in batches of 10 (one poller): the
// backlog grows, so every batch is full and takes 10 s. `extra` is appended to the worker.
std::string batch_worker(const std::string& worker_extra, const std::string& tail) {
  return R"(
seed: 3
duration: 10m
report_interval: 10s
workload:
  arrivals: { process: uniform, rate: 2 }
)" + publish_requests("queue: jobs", 100000) + R"(
queues:
  jobs: { visibility_timeout: 60s }
workers:
  worker:
    cpu: 256
    memory: 512
    queue: jobs
    batch_size: 10
    steps: [ { delay: const(1s) } ]
)" + worker_extra + tail;
}

// The worker's accounting: every received message has one fate; `lost` ones are exactly the
// messages the queue made visible again (nothing else makes them reappear here).
void check_lost_reappear(const reports::Result& r) {
  const auto& w = r.sections.at("workers").at("worker");
  const auto& q = r.sections.at("queues").at("jobs");
  INFO(w.dump());
  CHECK(w.at("balanced").get<bool>());
  CHECK(number(w.at("received")) == number(w.at("deleted")) + number(w.at("lost")) + number(w.at("held_at_end")));
  CHECK(number(w.at("received")) == number(q.at("received")));
  CHECK(number(w.at("lost")) == number(q.at("redelivered")));
  CHECK(number(w.at("deleted")) == number(q.at("deleted")));
  CHECK(q.at("balanced").get<bool>());
}

}  // namespace

TEST_CASE("WorkerService: a killed task loses every message it holds, and exactly those reappear") {
  SECTION("deleting each message as it succeeds: the rest of the batch is lost") {
    const auto r = run(batch_worker("    desired: 1\n", "faults:\n  - { at: 185s, type: kill_tasks, service: worker, count: 1 }\n"));
    check_lost_reappear(r);
    // The message in progress and the ones after it in the batch (not only the first).
    CHECK(number(r.sections.at("workers").at("worker").at("lost")) >= 2.0);
    REQUIRE(events(r, "task_killed").size() == 1);
  }
  SECTION("with one batch delete at the end: the succeeded messages awaiting it are lost too") {
    const auto r = run(batch_worker("    desired: 1\n    delete: batch\n", "faults:\n  - { at: 185s, type: kill_tasks, service: worker, count: 1 }\n"));
    check_lost_reappear(r);
    CHECK(number(r.sections.at("workers").at("worker").at("lost")) == 10.0);
  }
}

TEST_CASE("WorkerService: a task stopped by scale-in finishes what it holds within the stop timeout") {
  // Two tasks; a scheduled action takes the service to one at 185 s: ECS sends SIGTERM to the
  // newest task, which stops polling and exits after `shutdown` (at most stop_timeout).
  auto scaled_in = [](const std::string& shutdown) {
    return run(batch_worker("    desired: 2\n    shutdown: " + shutdown + "\n    stop_timeout: 30s\n" + R"(
    autoscaling:
      min: 2
      max: 2
      policies: [ { type: target_tracking, metric: backlog_per_task, target: 100000 } ]
      scheduled: [ { at: 185s, min: 1, max: 1 } ]
)",
                             ""));
  };
  SECTION("given 30 s it completes its 10 s batch: nothing is lost, nothing reappears") {
    const auto r = scaled_in("const(30s)");
    check_lost_reappear(r);
    CHECK(number(r.sections.at("workers").at("worker").at("lost")) == 0.0);
    CHECK(number(r.sections.at("queues").at("jobs").at("redelivered")) == 0.0);
    REQUIRE(events(r, "scale_in", "worker").size() == 1);
    CHECK(number(r.sections.at("services").at("worker").at("tasks_max")) == 2.0);
  }
  SECTION("given 2 s it is stopped mid-batch: what it still holds is lost and reappears") {
    const auto r = scaled_in("const(2s)");
    check_lost_reappear(r);
    const double lost = number(r.sections.at("workers").at("worker").at("lost"));
    CHECK(lost >= 1.0);
    CHECK(lost <= 10.0);  // at most the batch it held
  }
}

TEST_CASE("WorkerService: a batch arriving after SIGTERM is still processed before the task stops") {
  // One task, long polling an empty queue, gets SIGTERM at 170 s (scaled to zero by a scheduled
  // action) while a 20 s long poll it issued at 160 s is out; messages arrive from 175 s on, and
  // the first one answers that long poll. The task processes and deletes it, then polls no more.
  const auto r = run(R"(
seed: 4
duration: 6m
workload:
  arrivals:
    process: uniform
    stages: [ { at: 0s, rate: 0 }, { at: 175s, rate: 0 }, { at: 175s, rate: 5 }, { at: 176s, rate: 5 }, { at: 176s, rate: 0 }, { at: 6m, rate: 0 } ]
)" + publish_requests("queue: jobs", 100000) + R"(
queues:
  jobs: { visibility_timeout: 60s }
workers:
  worker:
    cpu: 256
    memory: 512
    desired: 1
    queue: jobs
    shutdown: const(30s)
    stop_timeout: 30s
    steps: [ { delay: const(1s) } ]
    autoscaling:
      min: 1
      max: 1
      policies: [ { type: target_tracking, metric: backlog_per_task, target: 100000 } ]
      scheduled: [ { at: 170s, min: 0, max: 0 } ]
)");
  const auto& w = r.sections.at("workers").at("worker");
  const auto& q = r.sections.at("queues").at("jobs");
  REQUIRE(number(q.at("published")) == 5.0);
  CHECK(number(w.at("received")) == 1.0);
  CHECK(number(w.at("deleted")) == 1.0);
  CHECK(number(w.at("lost")) == 0.0);
  CHECK(number(q.at("visible")) == 4.0);  // nobody polls after the SIGTERM
  CHECK(number(q.at("redelivered")) == 0.0);
  CHECK(w.at("balanced").get<bool>());
  CHECK(number(w.at("pollers_at_end")) == 0.0);
  CHECK(series(r, "worker.tasks_running").back() == 0.0);
}

TEST_CASE("WorkerService: a worker scales out on CPU after three datapoints above the target") {
  // 100 ms of CPU per message on a 0.25 vCPU task: 2 messages/s keep one task at 80 %.
  const auto r = run(R"(
seed: 6
duration: 20m
workload:
  arrivals: { process: poisson, rate: 2 }
)" + publish_requests("queue: jobs", 1000) + R"(
queues:
  jobs: {}
workers:
  worker:
    cpu: 256
    memory: 512
    queue: jobs
    steps: [ { cpu: const(100ms) } ]
    autoscaling:
      min: 1
      max: 5
      policies: [ { type: target_tracking, metric: cpu, target: 50, scale_out_cooldown: 300s } ]
)");
  const auto outs = events(r, "scale_out", "worker");
  REQUIRE(!outs.empty());
  // Datapoints of minutes 1-3 (about 80 %), each published 150 s after its period: 330 s.
  CHECK(outs[0].t_s == Approx(330.0).margin(1.0));
  CHECK(*outs[0].from == 1.0);
  CHECK(*outs[0].to == 2.0);  // ceil(1 x 80 / 50)
  CHECK(outs[0].reason.find("cpu") != std::string::npos);
  // One task ran at about 80 % until then; once the new tasks run the CPU is below the target
  // (delayed datapoints make target tracking overshoot: it may add more than one).
  const auto& cpu = series(r, "worker.cpu_utilization");
  const auto& t_s = r.timeseries.t_s;
  double before = 0.0;
  int n = 0;
  for (std::size_t i = 0; i < t_s.size(); ++i) {
    if (t_s[i] < 300.0) {
      before += cpu[i];
      ++n;
    }
    if (t_s[i] >= 600.0) CHECK(cpu[i] < 50.0);
  }
  CHECK(before / n == Approx(80.0).margin(6.0));
  CHECK(series(r, "worker.tasks_running").back() >= 2.0);
  CHECK(r.sections.at("workers").at("worker").at("balanced").get<bool>());
}

TEST_CASE("WorkerService: a message processed again after a redelivery publishes a duplicate that is dropped") {
  // `relay` fails half its messages after its publish step ran: each failure is followed by
  // another processing (after the 10 s visibility timeout) that publishes the same message again.
  auto relay = [](bool high_throughput) {
    return run(std::string(R"(
seed: 7
duration: 15m
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: 5 }, { at: 5m, rate: 5 }, { at: 5m, rate: 0 }, { at: 15m, rate: 0 } ]
)" + publish_requests("queue: first", 50) + R"(
queues:
  first: { visibility_timeout: 10s }
  second: { high_throughput: )") + (high_throughput ? "true" : "false") + R"( }
workers:
  relay:
    cpu: 256
    memory: 512
    desired: 2
    queue: first
    failure_probability: 0.5
    steps: [ { cpu: const(10ms) }, { publish: { queue: second, groups: 50 } } ]
)");
  };
  for (bool ht : {false, true}) {
    INFO("high throughput " << ht);
    const auto r = relay(ht);
    const auto& first = r.sections.at("queues").at("first");
    const auto& second = r.sections.at("queues").at("second");
    const auto& w = r.sections.at("workers").at("relay");
    REQUIRE(number(w.at("failed")) > 100.0);
    // Every message of `first` was eventually processed once successfully...
    CHECK(number(first.at("deleted")) == number(first.at("published")));
    // ...and reached `second` exactly once: each failed processing's publish was a duplicate
    // of the next one (per message group too in high-throughput mode: the group is kept).
    CHECK(number(second.at("sent")) == number(first.at("published")));
    CHECK(number(second.at("duplicates_dropped")) == number(w.at("failed")));
  }
}

TEST_CASE("WorkerService: the end-to-end age runs from the chain's first publish to the delete") {
  // request -> `a` (2 s per message) -> publish -> `b` (1 s per message): at low load nothing
  // waits, so b's messages are deleted about 3 s after the request published the first one.
  const auto r = run(R"(
seed: 8
duration: 20m
workload:
  arrivals: { process: uniform, rate: 0.1 }
)" + publish_requests("queue: a", 1000) + R"(
queues:
  a: {}
  b: {}
workers:
  wa:
    cpu: 256
    memory: 512
    queue: a
    steps: [ { delay: const(2s) }, { publish: { queue: b, groups: 1000 } } ]
  wb:
    cpu: 256
    memory: 512
    queue: b
    steps: [ { delay: const(1s) } ]
)");
  const auto& wb = r.sections.at("workers").at("wb");
  const auto& wa = r.sections.at("workers").at("wa");
  // API calls of 10 ms: the request's send, a's receive (long poll answered), a's publish, b's
  // receive and each delete add 10-20 ms.
  CHECK(number(wb.at("end_to_end_age_ms").at("p50")) == Approx(3050.0).margin(40.0));
  CHECK(number(wb.at("message_latency_ms").at("p50")) == Approx(1020.0).margin(30.0));
  CHECK(number(wa.at("end_to_end_age_ms").at("p50")) == Approx(2030.0).margin(30.0));
  CHECK(number(wa.at("end_to_end_age_ms").at("p99")) >= number(wa.at("message_latency_ms").at("p99")));
}
