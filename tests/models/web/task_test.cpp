// Task: one ECS Fargate task run through a TaskHost test double — its lifecycle phases and their
// durations, stopping within stop_timeout, a memory kill answering 502 to every request awaiting
// a response, the ALB idle timeout's 504 while the work goes on, the deregistration delay's 502,
// and the health check as a CPU job that shares the task's CPU and fails when it is late.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "models/core/component.hpp"
#include "models/core/request.hpp"
#include "models/web/alb.hpp"
#include "models/web/task.hpp"
#include "sim/simulation.hpp"

using namespace loadcast;
using namespace loadcast::models;

namespace {

const std::string kDied = "task_died:api";
const std::string kIdle = "idle_timeout:api";
const std::string kDb = "db_connection_timeout:api";

// The ECS service's side of a task: its settings, and what the task reports.
class Host final : public TaskHost {
 public:
  explicit Host(sim::Simulation& sim) : sim_(sim), rng_(sim.stream("task-test")) {
    cfg.name = "api";
    cfg.cpu_units = 1024;  // 1 vCPU, 1 thread: CPU capacity 1
    cfg.memory_mib = 1024;
    cfg.memory_base_mib = 1000;
    cfg.memory_per_request_mib = 10;  // two requests fit (1020 MiB), a third does not (1030)
    cfg.lifecycle.provisioning = sim::Distribution::constant(10.0);
    cfg.lifecycle.pending = sim::Distribution::constant(20.0);
    cfg.lifecycle.activating = sim::Distribution::constant(6.0);
    cfg.lifecycle.shutdown = sim::Distribution::constant(2.0);
    cfg.lifecycle.stop_timeout = 30 * sim::kSecond;
    cfg.target_group.health_check.cpu = sim::Distribution::constant(0.2);
    cfg.target_group.health_check.timeout = 5 * sim::kSecond;
    causes_.died = &kDied;
    causes_.idle_timeout = &kIdle;
    causes_.db_timeout = &kDb;
  }
  const ServiceConfig& config() const override { return cfg; }
  sim::Rng& rng() override { return rng_; }
  EventLog& events() override { return log; }
  sim::Time idle_timeout() const override { return idle; }
  const TaskCauses& causes() const override { return causes_; }
  void on_task_state(Task& task, TaskState from) override {
    states.emplace_back(from, task.state(), sim::to_seconds(sim_.now()));
  }
  void on_task_killed(Task& task) override {
    killed_at = sim::to_seconds(sim_.now());
    outstanding_when_killed = task.outstanding();
  }

  ServiceConfig cfg;
  EventLog log;
  sim::Time idle = 0;
  std::vector<std::tuple<TaskState, TaskState, double>> states;  // from, to, when (s)
  double killed_at = -1.0;
  std::uint32_t outstanding_when_killed = 0;

 private:
  sim::Simulation& sim_;
  sim::Rng rng_;
  TaskCauses causes_;
};

// Where the task hands requests back (System's role): each with the time, in seconds.
class Sink final : public RequestSink {
 public:
  explicit Sink(sim::Simulation& sim) : sim_(sim) {}
  void step_done(Request* r) override { done.emplace_back(r, sim::to_seconds(sim_.now())); }
  void step_failed(Request* r, const Failure& f) override { failed.emplace_back(r, f.status, f.cause, sim::to_seconds(sim_.now())); }
  void respond_early(Request* r, const Failure& f) override {
    r->abandoned = true;
    early.emplace_back(r, f.status, f.cause, sim::to_seconds(sim_.now()));
  }
  std::vector<std::pair<Request*, double>> done;
  std::vector<std::tuple<Request*, int, const std::string*, double>> failed;
  std::vector<std::tuple<Request*, int, const std::string*, double>> early;

 private:
  sim::Simulation& sim_;
};

// A time in seconds, to the microsecond (processor sharing rounds completions to nanoseconds).
Approx exactly(double s) { return Approx(s).epsilon(0.0).margin(1e-6); }

struct Rig {
  sim::Simulation sim{5};
  Host host{sim};
  Sink sink{sim};
  std::unique_ptr<Task> task;
  std::vector<Request> requests = std::vector<Request>(64);

  Task& make() {
    task = std::make_unique<Task>(host, 1, sim, sink, nullptr);
    return *task;
  }
  // Request i arrives now at the task and needs `cpu_s` seconds of CPU.
  Request* send(std::size_t i, double cpu_s) {
    Request* r = &requests[i];
    r->arrival = sim.now();
    task->accept(r);
    if (!task->alive()) return r;
    task->cpu(r, cpu_s);
    return r;
  }
  void at(double s) { sim.run_until(sim::from_seconds(s)); }
  double done_at(const Request* r) const {
    for (const auto& [req, t] : sink.done) {
      if (req == r) return t;
    }
    return -1.0;
  }
};

}  // namespace

TEST_CASE("Task: a launched task goes through PROVISIONING, PENDING and ACTIVATING to RUNNING, each for its duration") {
  Rig rig;
  Task& t = rig.make();
  CHECK(t.label() == "api/1");
  t.launch();
  CHECK(t.state() == TaskState::kProvisioning);
  REQUIRE(rig.host.log.events().size() == 1);
  CHECK(rig.host.log.events()[0].type == "task_provisioning");
  CHECK(rig.host.log.events()[0].target == "api/1");
  rig.at(100.0);
  using S = TaskState;
  const std::vector<std::tuple<S, S, double>> expected{
      {S::kProvisioning, S::kPending, 10.0}, {S::kPending, S::kActivating, 30.0}, {S::kActivating, S::kRunning, 36.0}};
  CHECK(rig.host.states == expected);
  CHECK(t.pull_start() == 10 * sim::kSecond);  // billing starts with the image pull
  CHECK(t.running_since() == 36 * sim::kSecond);
  CHECK(t.alive());
}

TEST_CASE("Task: a stopping task gets its shutdown time, at most stop_timeout, and its requests get 502") {
  using S = TaskState;
  SECTION("the application exits 2 s after SIGTERM") {
    Rig rig;
    Task& t = rig.make();
    t.start_running();
    Request* r = rig.send(0, 100.0);
    rig.at(5.0);
    t.begin_stop();
    CHECK(t.state() == S::kStopping);
    rig.at(100.0);
    CHECK(t.state() == S::kStopped);
    CHECK(t.stopped_at() == 7 * sim::kSecond);
    // A request still at work when the task stops is answered 502 and its work discarded.
    REQUIRE(rig.sink.early.size() == 1);
    CHECK(rig.sink.early[0] == std::make_tuple(r, 502, &kDied, 7.0));
    CHECK(rig.done_at(r) == 7.0);
  }
  SECTION("stop_timeout caps a slow exit") {
    Rig rig;
    rig.host.cfg.lifecycle.shutdown = sim::Distribution::constant(100.0);
    rig.host.cfg.lifecycle.stop_timeout = 10 * sim::kSecond;
    Task& t = rig.make();
    t.start_running();
    rig.at(5.0);
    t.begin_stop();
    rig.at(200.0);
    CHECK(t.stopped_at() == 15 * sim::kSecond);
  }
  SECTION("a task stopped before it runs stops at once and starts no later phase") {
    Rig rig;
    Task& t = rig.make();
    t.launch();
    rig.at(12.0);  // PENDING since 10 s
    t.begin_stop();
    CHECK(t.state() == S::kStopped);
    CHECK(t.stopped_at() == 12 * sim::kSecond);
    rig.at(100.0);
    CHECK(std::get<1>(rig.host.states.back()) == S::kStopped);
    CHECK(rig.host.states.size() == 2);  // PENDING, then STOPPED: no ACTIVATING
  }
}

TEST_CASE("Task: a request taking the task over its memory kills it, and every request awaiting a response gets 502") {
  Rig rig;
  Task& t = rig.make();
  t.start_running();
  Request* a = rig.send(0, 10.0);
  rig.at(1.0);
  Request* b = rig.send(1, 10.0);
  CHECK(t.memory_used_mib() == Approx(1020.0));
  rig.at(2.0);
  Request* c = rig.send(2, 10.0);  // 1030 MiB > 1024 MiB
  CHECK_FALSE(t.alive());
  CHECK(t.state() == TaskState::kStopped);
  // The host hears first, while the requests still await their answers.
  CHECK(rig.host.killed_at == 2.0);
  CHECK(rig.host.outstanding_when_killed == 3);
  const auto& e = rig.host.log.events().back();
  CHECK(e.type == "task_killed");
  CHECK(e.reason == "out of memory: 3 requests in progress need more than 1024 MiB");
  // 502 for all three, oldest first, at the moment of the kill.
  REQUIRE(rig.sink.early.size() == 3);
  CHECK(rig.sink.early[0] == std::make_tuple(a, 502, &kDied, 2.0));
  CHECK(rig.sink.early[1] == std::make_tuple(b, 502, &kDied, 2.0));
  CHECK(rig.sink.early[2] == std::make_tuple(c, 502, &kDied, 2.0));
  CHECK(t.outstanding() == 0);
  // The work in the CPU is discarded with the task, not finished later.
  CHECK(rig.done_at(a) == 2.0);
  CHECK(rig.done_at(b) == 2.0);
  rig.at(100.0);
  CHECK(rig.sink.done.size() == 2);
}

TEST_CASE("Task: a request older than the ALB idle timeout gets 504 while its work goes on") {
  Rig rig;
  rig.host.idle = 60 * sim::kSecond;
  rig.host.cfg.threads = 2;  // two threads on the one core: the OS shares it between them
  Task& t = rig.make();
  t.start_running();
  Request* slow = rig.send(0, 100.0);
  rig.at(30.0);
  Request* quick = rig.send(1, 1.0);
  // Processor sharing: the quick one gets half the CPU and is done at 32 s.
  rig.at(40.0);
  CHECK(rig.done_at(quick) == exactly(32.0));
  t.finished(quick);
  rig.at(59.0);
  CHECK(rig.sink.early.empty());
  rig.at(60.0);
  REQUIRE(rig.sink.early.size() == 1);
  CHECK(rig.sink.early[0] == std::make_tuple(slow, 504, &kIdle, 60.0));
  CHECK(t.outstanding() == 0);
  CHECK(t.active() == 1);  // still worked on
  // 100 s of CPU less the 1 s the quick one took: done at 101 s, then discarded.
  rig.at(200.0);
  CHECK(rig.done_at(slow) == exactly(101.0));
  t.discarded(slow);
  CHECK(t.active() == 0);
  CHECK(rig.sink.early.size() == 1);
}

TEST_CASE("Task: on an event loop a health check waits for the thread and fails while a long step holds it") {
  Rig rig;  // one thread: the loop runs one CPU step at a time to its end
  Task& t = rig.make();
  TargetGroup group(rig.sim, rig.host.log, "api", rig.host.cfg.target_group);
  t.set_group(&group);
  t.target().health = TargetHealth::kInitial;
  t.start_running();
  Request* r = rig.send(0, 12.0);  // 12 s of CPU holds the loop
  t.probe();                        // waits behind it; times out at 5 s
  rig.at(6.0);
  t.probe();                        // the second waits too: unhealthy at 11 s
  rig.at(20.0);
  std::vector<double> unhealthy;
  for (const auto& e : rig.host.log.events()) {
    if (e.type == "target_unhealthy") unhealthy.push_back(e.t_s);
  }
  CHECK(unhealthy == std::vector<double>{11.0});
  // The timed-out checks never ran: the request had the core to itself.
  CHECK(rig.done_at(r) == exactly(12.0));
  // Once the loop is free a check answers in its 0.2 s.
  t.probe();
  rig.at(30.0);
  std::size_t healthy = 0;
  for (const auto& e : rig.host.log.events()) healthy += e.type == "target_healthy" ? 1U : 0U;
  CHECK(healthy == 0);  // one success is not yet the healthy threshold
  CHECK(t.active() == 1);
}

TEST_CASE("Task: when the deregistration delay expires, every request awaiting a response gets 502") {
  Rig rig;
  Task& t = rig.make();
  t.start_running();
  Request* a = rig.send(0, 500.0);
  Request* b = rig.send(1, 500.0);
  t.set_deactivating();  // deregistered: draining for the deregistration delay
  CHECK(t.state() == TaskState::kDeactivating);
  rig.at(300.0);
  const std::string cause = "deregistered:api";
  t.expire_drain(&cause);
  REQUIRE(rig.sink.early.size() == 2);
  CHECK(rig.sink.early[0] == std::make_tuple(a, 502, &cause, 300.0));
  CHECK(rig.sink.early[1] == std::make_tuple(b, 502, &cause, 300.0));
  CHECK(t.outstanding() == 0);
}

TEST_CASE("Task: a health check is a CPU job that shares the task's CPU and fails when it is late") {
  using Health = TargetHealth;
  Rig rig;
  rig.host.cfg.memory_per_request_mib = 0.0;  // thirty requests fit
  rig.host.cfg.threads = 64;  // a thread per request on the one core (an event loop: the next test)
  Task& t = rig.make();
  TargetGroup group(rig.sim, rig.host.log, "api", rig.host.cfg.target_group);
  t.set_group(&group);
  t.target().health = Health::kInitial;  // registered by hand: the group schedules no checks
  auto health_events = [&rig](const std::string& type) {
    std::vector<double> at;
    for (const auto& e : rig.host.log.events()) {
      if (e.type == type) at.push_back(e.t_s);
    }
    return at;
  };

  SECTION("a task that is not running fails at once") {
    t.launch();
    t.probe();
    t.probe();  // unhealthy_threshold 2
    CHECK(health_events("target_unhealthy") == std::vector<double>{0.0});
  }
  SECTION("on a task with one request the check takes twice its 0.2 s and delays the request as much") {
    t.start_running();
    Request* r = rig.send(0, 10.0);
    t.probe();
    rig.at(100.0);
    const auto healthy = health_events("target_healthy");
    REQUIRE(healthy.size() == 1);
    CHECK(healthy[0] == exactly(0.4));
    CHECK(rig.done_at(r) == exactly(10.2));
  }
  SECTION("on a task with 30 requests the check would take 6.2 s: it times out at 5 s and gives its CPU back") {
    t.start_running();
    for (std::size_t i = 0; i < 30; ++i) rig.send(i, 100.0);
    t.probe();
    rig.at(10.0);
    t.probe();
    rig.at(4000.0);
    // Two failures in a row: unhealthy when the second one times out at 15 s.
    CHECK(health_events("target_healthy").empty());
    CHECK(health_events("target_unhealthy") == std::vector<double>{15.0});
    // Each check held 1/31 of the CPU for 5 s: the requests finish 2 x 5/31 s after 3000 s.
    REQUIRE(rig.sink.done.size() == 30);
    for (const auto& [req, done] : rig.sink.done) CHECK(done == exactly(3000.0 + 10.0 / 31.0));
  }
}
