// Timelines of worker services in whole simulated deployments: a worker scaling on backlog per
// task from zero and back, and worker_errors and kill_tasks faults showing in the events while
// the messages reappear.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "tests/support/scenario_run.hpp"

using namespace loadcast;
using namespace loadcast::testing;

TEST_CASE("WorkerService: guarded backlog per task scales out from zero after three datapoints and back to zero") {
  // 20 messages/s for 20 minutes; a task handles 2.5/s (0.4 s of a 0.25 vCPU task each). The
  // metric math IF(running > 0, visible / running, visible) is the whole backlog at zero tasks.
  const auto r = run(R"(
seed: 5
duration: 70m
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: 20 }, { at: 20m, rate: 20 }, { at: 20m, rate: 0 }, { at: 70m, rate: 0 } ]
  requests:
    - { name: order, path: /order, steps: [ { publish: { queue: jobs, groups: 1000 } } ] }
queues:
  jobs: { visibility_timeout: 60s }
workers:
  worker:
    cpu: 256
    memory: 512
    desired: 0
    queue: jobs
    steps: [ { cpu: const(100ms) } ]
    backlog_metric_math: 'IF(running > 0, visible / running, visible)'
    autoscaling:
      min: 0
      max: 20
      policies:
        - { type: target_tracking, metric: backlog_per_task, target: 50, scale_out_cooldown: 60s, scale_in_cooldown: 60s }
)");
  const auto outs = events(r, "scale_out", "worker");
  REQUIRE(!outs.empty());
  // Datapoints of minutes 1, 2 and 3 (backlog ~1,200, 2,400, 3,600), published 150 s after
  // each period: the alarm fires at 180 + 150 = 330 s, and not before.
  CHECK(outs[0].t_s == Approx(330.0).margin(1.0));
  CHECK(*outs[0].from == 0.0);
  CHECK(*outs[0].to == 20.0);  // ceil(backlog / 50) = 72, clamped to max
  CHECK(outs[0].reason.find("ceil(1 x ") != std::string::npos);
  const auto& running = series(r, "worker.tasks_running");
  for (std::size_t i = 0; i < 5; ++i) CHECK(running[i] == 0.0);  // nothing runs for five minutes
  // Tasks start about 30-45 s after the scale-out.
  const auto& t_s = r.timeseries.t_s;
  for (std::size_t i = 0; i < t_s.size(); ++i) {
    if (t_s[i] >= 420.0 && t_s[i] < 1200.0) CHECK(running[i] == 20.0);
  }
  // Every message is processed once the backlog drains; the accounting balances.
  const auto& q = r.sections.at("queues").at("jobs");
  CHECK(q.at("balanced").get<bool>());
  CHECK(number(q.at("published")) == number(q.at("deleted")));
  CHECK(number(r.sections.at("workers").at("worker").at("processed")) == number(q.at("deleted")));
  // Scale-in to zero only after 15 datapoints below 0.9 x 50.
  const auto& backlog = series(r, "worker.backlog_per_task");
  double low_since = -1.0;
  for (std::size_t i = 0; i < t_s.size(); ++i) {
    if (backlog[i] < 45.0 && low_since < 0 && t_s[i] > 600.0) low_since = t_s[i];
  }
  const auto ins = events(r, "scale_in", "worker");
  REQUIRE(!ins.empty());
  CHECK(ins.back().to.value() == 0.0);
  CHECK(ins.front().t_s >= low_since + 15 * 60.0);
  CHECK(running.back() == 0.0);
  // Every poller of the stopped tasks was released.
  CHECK(number(r.sections.at("workers").at("worker").at("pollers_at_end")) == 0.0);
}

TEST_CASE("WorkerService: AWS's unguarded backlog per task has no datapoint at zero tasks, so it never scales out from zero") {
  // The same worker with `m1 / m2` (the default): the backlog grows from 0 s, yet the policy's
  // alarms stay INSUFFICIENT_DATA and nothing scales until a scheduled action raises min to 1 at
  // 20 min. The task is RUNNING 28-45 s later; the datapoints of the periods ending at 1,260,
  // 1,320 and 1,380 s (one task, a backlog of ~24,000) are published 150 s after each, so
  // AlarmHigh has 3 of 3 at 1,530 s and target tracking scales out then, to max.
  const auto r = run(R"(
seed: 5
duration: 30m
workload:
  arrivals: { process: poisson, rate: 20 }
  requests:
    - { name: order, path: /order, steps: [ { publish: { queue: jobs, groups: 1000 } } ] }
queues:
  jobs: { visibility_timeout: 60s }
workers:
  worker:
    cpu: 256
    memory: 512
    desired: 0
    queue: jobs
    steps: [ { cpu: const(100ms) } ]
    autoscaling:
      min: 0
      max: 20
      policies:
        - { name: backlog, type: target_tracking, metric: backlog_per_task, target: 50, scale_out_cooldown: 60s }
      scheduled: [ { at: 20m, min: 1 } ]
)");
  const auto outs = events(r, "scale_out", "worker");
  REQUIRE(outs.size() == 2);
  CHECK(outs[0].t_s == Approx(1200.0));
  CHECK(*outs[0].from == 0.0);
  CHECK(*outs[0].to == 1.0);
  CHECK(outs[0].reason == "scheduled action: min 1");
  CHECK(outs[1].t_s == Approx(1530.0));
  CHECK(*outs[1].from == 1.0);
  CHECK(*outs[1].to == 20.0);
  CHECK(outs[1].reason.find("backlog: ") == 0);
  // No alarm changed state before the first datapoint of a RUNNING task was published.
  const auto alarms = events(r, "alarm", "worker.backlog.AlarmHigh");
  REQUIRE(!alarms.empty());
  CHECK(alarms.front().t_s == Approx(1410.0));
  CHECK(alarms.back().t_s == Approx(1530.0));
  CHECK(alarms.back().reason.find("-> ALARM") != std::string::npos);
  // The series is null while no task runs, and the backlog grew meanwhile.
  const auto& backlog = series(r, "worker.backlog_per_task");
  const auto& running = series(r, "worker.tasks_running");
  const auto& t_s = r.timeseries.t_s;
  for (std::size_t i = 0; i < t_s.size(); ++i) {
    if (running[i] == 0.0) CHECK(std::isnan(backlog[i]));
    else CHECK(backlog[i] > 20000.0 / running[i]);
    if (t_s[i] < 1200.0) CHECK(running[i] == 0.0);  // rows are sampled at their end
  }
  CHECK(running.back() == 20.0);
}

TEST_CASE("WorkerService: worker_errors and kill_tasks faults show in events and messages reappear") {
  const auto r = run(R"(
seed: 8
duration: 20m
workload:
  arrivals: { process: poisson, rate: 5 }
  requests:
    - { name: order, path: /order, steps: [ { publish: { queue: jobs, groups: 50 } } ] }
queues:
  jobs: { visibility_timeout: 30s, dead_letter: { queue: jobs-dlq, max_receive_count: 3 } }
  jobs-dlq: {}
workers:
  worker:
    cpu: 256
    memory: 512
    desired: 2
    queue: jobs
    steps: [ { cpu: const(20ms) } ]
faults:
  - { at: 5m, type: worker_errors, service: worker, failure_probability: 0.5, duration: 5m }
  - { at: 12m, type: kill_tasks, service: worker, count: 1 }
)");
  const auto starts = events(r, "fault_start");
  REQUIRE(starts.size() == 2);
  CHECK(starts[0].t_s == Approx(300.0));
  CHECK(starts[0].target == "worker");
  CHECK(starts[1].t_s == Approx(720.0));
  CHECK(*starts[1].to == 1.0);  // one task killed
  REQUIRE(events(r, "fault_end").size() == 1);
  CHECK(events(r, "fault_end")[0].t_s == Approx(600.0));
  const auto killed = events(r, "task_killed");
  REQUIRE(killed.size() == 1);
  CHECK(killed[0].t_s == Approx(720.0));
  // A message moves to the DLQ on its third failed receive: the first two failures each cost a
  // 30 s visibility timeout, so no move before 5m + 60 s, and none once failures stop and the
  // last failed messages have come back (10m + 30 s).
  const auto moves = events(r, "dlq_move");
  REQUIRE(!moves.empty());
  for (const auto& e : moves) {
    CHECK(e.t_s >= 360.0);
    CHECK(e.t_s <= 631.0);
  }
  const auto& q = r.sections.at("queues").at("jobs");
  CHECK(q.at("redelivered").get<double>() > 0.0);
  CHECK(q.at("balanced").get<bool>());
  const auto& w = r.sections.at("workers").at("worker");
  CHECK(w.at("failed").get<double>() > 0.0);
  CHECK(r.sections.at("services").at("worker").at("tasks_killed").get<double>() == 1.0);
  CHECK(w.at("pollers_at_end").get<double>() == 2.0);  // the killed task's poller is gone, its replacement's runs
  CHECK(r.sections.at("queues").at("jobs-dlq").at("visible").get<double>() == q.at("dead_lettered").get<double>());
}
