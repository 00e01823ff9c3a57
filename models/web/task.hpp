// Task: one ECS Fargate task — its lifecycle (PROVISIONING → … → STOPPED, billed from the image
// pull), its CPU (processor sharing on min(threads, ceil(vCPU)) cores at full speed under a CFS
// quota of vCPU × cpu_period: sim::ProcessorSharing, sim::CpuQuota), its memory (over it the task
// dies: 502 for what awaits a response; assumption: at once, like an OOM kill) and its database
// pools — serving requests whatever brings them (the ALB, or a worker's poller threads). Requests
// awaiting a response are kept in arrival order, so one timer per task answers the ALB idle
// timeout's 504; a request answered early is abandoned where it is and its work still burns CPU.
// Health checks are small CPU jobs. It knows whoever runs it only as a TaskHost.
// A thread runs one CPU step at a time to its end: at most `threads` CPU steps are on the cores,
// the others wait first come first served (a sim::Ring). For an event loop (Node.js: one
// thread) a CPU step is a callback run to completion, requests interleaving only at I/O; for a
// pool each busy worker is a thread of its own. The running steps share the cores (processor
// sharing: the OS scheduler) under the quota.
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/task.html
// [doc] https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html
// Facts and assumptions: docs/models/web.md#ecs-services-and-fargate-tasks and
// docs/models/web.md#cpu-a-cfs-quota-not-a-slower-processor
// App-server concurrency: with a thread or process pool of N, a request holds a free worker for
// all its steps or waits FCFS in the listen backlog (a sim::Ring); a full backlog refuses it
// (502 backlog_full). Busy workers' CPU steps share min(N, ceil(vCPU)) cores under the quota.
// Not thread safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/core/component.hpp"
#include "models/web/connection_pool.hpp"
#include "sim/processor_sharing.hpp"
#include "sim/ring.hpp"
#include "models/core/request.hpp"
#include "models/web/service_config.hpp"
#include "sim/simulation.hpp"

namespace loadcast::models {

class TargetGroup;
class Task;

enum class TaskState { kProvisioning, kPending, kActivating, kRunning, kDeactivating, kStopping, kStopped };
const char* to_string(TaskState s);

// The ALB's view of a task registered in a target group.
enum class TargetHealth { kUnused, kInitial, kHealthy, kUnhealthy, kDraining };
const char* to_string(TargetHealth h);

struct TargetState {
  TargetHealth health = TargetHealth::kUnused;
  int pass_streak = 0;
  int fail_streak = 0;
  sim::Time slow_start_begin = 0;
  sim::Time slow_start_end = 0;  // > now: in slow start
  double credit = 0.0;           // smooth weighted round robin during slow start
  bool grace_recheck = false;    // ECS looks again when the health check grace period ends
  sim::EventId check_event;
  sim::EventId drain_event;
};

// The causes a task's failures are counted under (interned by its host: "<cause>:<service>").
struct TaskCauses {
  const std::string* died = nullptr;          // 502: the task died or stopped with the request
  const std::string* idle_timeout = nullptr;  // 504: no response within the ALB's idle timeout
  const std::string* db_timeout = nullptr;    // 500: no database connection within the pool timeout
  const std::string* backlog_full = nullptr;  // 502: every worker busy and the listen backlog full
};

// What a task needs from whoever runs it (EcsService). The settings, the random stream and the
// causes are read once, when the task is created.
class TaskHost {
 public:
  virtual ~TaskHost() = default;
  // Size, threads, memory, lifecycle durations, database pools, health check.
  virtual const ServiceConfig& config() const = 0;
  // Phase durations, query and health-check work.
  virtual sim::Rng& rng() = 0;
  // Where it logs task_provisioning and task_killed.
  virtual EventLog& events() = 0;
  // The load balancer's idle timeout (504); 0: none.
  virtual sim::Time idle_timeout() const = 0;
  virtual const TaskCauses& causes() const = 0;
  // After every change of the task's state (`from` is the state it left).
  virtual void on_task_state(Task& task, TaskState from) = 0;
  // The task died: it takes no more work; its requests are answered 502 after this returns.
  virtual void on_task_killed(Task& task) = 0;
};

class Task final : public PoolOwner {
 public:
  Task(TaskHost& host, std::uint32_t id, sim::Simulation& sim, RequestSink& sink, DbCluster* db);
  ~Task() override;
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;

  // ---- lifecycle (driven by the service)
  void launch();            // PROVISIONING, then the phases on their own
  void start_running();     // already RUNNING (a task that exists before the run starts)
  // SIGTERM: STOPPING, STOPPED after the shutdown time (at most stop_timeout, and at most
  // `cap`: what is left of a Fargate Spot warning).
  void begin_stop(sim::Time cap = sim::kTimeMax);
  void kill(const std::string* cause, const std::string& reason);  // dies now: 502 to what awaits a response
  void set_deactivating();  // deregistered from the load balancer: draining

  // ---- work (source independent)
  // A request arrives here (the ALB chose this task, or a poller took a message). kStarted: its
  // owner runs its steps now; kQueued: it waits for a worker, and the task hands it back with
  // step_done when it gets one; kRefused: the backlog is full, the owner answers it 502 (cause
  // causes().backlog_full) and the task keeps nothing of it (r->task is null again).
  enum class Admission { kStarted, kQueued, kRefused };
  Admission accept(Request* r);
  void cpu(Request* r, double work_s);
  void db(Request* r, const DbStepConfig& step);
  void query_done(Request* r);                   // its query on the database ended
  void query_failed(Request* r, const std::string* cause);  // its query failed (failover, proxy): 500
  void finished(Request* r);                     // its response went out
  void discarded(Request* r);                    // an abandoned request's work ended
  void connection_ready(Request* r, DbInstance& instance) override;
  void connection_timeout(Request* r) override;

  // ---- health checks (driven by the target group)
  void probe();  // starts a health-check request; the group hears on_probe_result
  void expire_drain(const std::string* cause);   // deregistration delay over: 502 for the rest

  // ---- state
  std::uint32_t id() const { return id_; }
  const std::string& label() const { return label_; }
  TaskState state() const { return state_; }
  bool alive() const { return state_ != TaskState::kStopped && !dead_; }
  std::uint32_t outstanding() const { return outstanding_; }  // awaiting a response
  std::uint32_t active() const { return active_; }            // being worked on
  std::uint32_t waiting() const { return static_cast<std::uint32_t>(backlog_.size()); }  // for a worker
  std::uint32_t busy_workers() const { return busy_workers_; }  // pools: workers holding a request
  double memory_used_mib() const;
  sim::Time pull_start() const { return pull_start_; }
  sim::Time stopped_at() const { return stopped_at_; }
  sim::Time running_since() const { return running_since_; }
  TargetGroup* group() const { return group_; }
  void set_group(TargetGroup* g) { group_ = g; }
  TargetState& target() { return target_; }
  const TargetState& target() const { return target_; }

  // Integrals since launch: busy vCPUs (CPU used) and requests worked on, while RUNNING only.
  double busy_area(sim::Time now) const {
    return usage_.busy_area + (state_ == TaskState::kRunning ? cpu_.used(now) - usage_.used_mark : 0.0);
  }
  // CFS periods of its quota ended by `now` in which it ran, and the throttled ones.
  sim::CfsPeriods cfs_periods(sim::Time now) const { return cpu_.periods(now); }
  double active_area(sim::Time now) const {
    return usage_.active_area + usage_.active * sim::to_seconds(now - usage_.last);
  }
  // Wake-ups of an idle event loop so far (ServiceConfig::wakeup_cpu; counted whatever its cost).
  std::uint64_t wakeups() const { return wakeups_; }
  // Of those, the ones after the loop slept at least ServiceConfig::wakeup_cold_after (all of
  // them when that is 0): the ones wakeup_cpu is charged on.
  std::uint64_t cold_wakeups() const { return cold_wakeups_; }

 private:
  // The health check's job in the CPU is no request.
  static constexpr Request* kProbeJob = nullptr;
  // The application's background work (ServiceConfig::background_vcpu): one job per interval
  // while the task runs, none of them a request.
  Request background_job_{};
  sim::EventId background_event_;
  void background_tick();
  // An event loop's wake-up from idle (ServiceConfig::wakeup_cpu): one job at a time, since it
  // starts only on an idle CPU.
  Request wakeup_job_{};
  std::uint64_t wakeups_ = 0;
  std::uint64_t cold_wakeups_ = 0;
  double wakeup_work_s_ = 0.0;
  sim::Time idle_since_ = 0;  // when the loop last ran out of CPU steps (running or waiting)
  void note_idle();
  bool event_loop_ = true;
  const Request* woke_for_ = nullptr;  // the request whose arrival or reply woke the loop last, and when
  sim::Time woke_at_ = -1;
  void wake(const Request* r);
  bool is_job(const Request* r) const { return r == kProbeJob || r == &background_job_ || r == &wakeup_job_; }
  void on_cpu_done(Request* r);
  void next_phase();
  void enter(TaskState s);
  void on_stopped();
  void link(Request* r);
  void unlink(Request* r);
  void arm_idle_timer();
  void on_idle_timer();
  ConnectionPool& pool_of(const Request* r);  // the pool of its current query's connection
  void next_query(Request* r);
  void run_query(Request* r, DbInstance& instance);
  void after_round_trip(Request* r, double work);  // database.round_trip waited: the queries run
  void answer_early(Request* r, const std::string* cause, int status);
  void on_probe_timeout();
  void update_integrals();
  void release_work();
  bool take_worker();  // false: the task died of it (out of memory)
  void release_worker();

  TaskHost& host_;
  std::uint32_t id_;
  std::string label_;
  sim::Simulation& sim_;
  RequestSink& sink_;
  const ServiceConfig& config_;
  sim::Rng& rng_;
  TaskCauses causes_;
  DbCluster* db_;
  TaskState state_ = TaskState::kProvisioning;
  bool dead_ = false;       // killed: no more work accepted, in-flight work being discarded
  sim::ProcessorSharing<&Task::on_cpu_done> cpu_;
  // CPU steps waiting for a thread (the event loop's run queue), with their work; a health check
  // that timed out while waiting stays in it as stale and is skipped.
  struct CpuWait {
    Request* r;
    double work_s;
  };
  sim::Ring<CpuWait> cpu_wait_;
  std::size_t threads_ = 1;
  std::uint32_t stale_probes_ = 0;
  Request* continuing_ = nullptr;  // the request whose CPU step just ended keeps its thread
  void run_cpu(Request* r, double work_s);
  void admit_cpu();
  std::unique_ptr<ConnectionPool> writer_pool_;
  std::unique_ptr<ConnectionPool> reader_pool_;
  // Integrals of busy vCPUs and of requests worked on while RUNNING. Busy vCPU-seconds are the
  // CPU's own count of core-seconds used (throttling included) since `used_mark`, when the task
  // became RUNNING; requests worked on are updated at every change (kept cheaper than a
  // sim::TimeWeighted).
  struct Integrals {
    sim::Time last = 0;
    double active = 0.0;
    double busy_area = 0.0, active_area = 0.0;
    double used_mark = 0.0;
    void set(sim::Time now, double a) {
      active_area += active * sim::to_seconds(now - last);
      last = now;
      active = a;
    }
  };
  Integrals usage_;
  std::uint32_t active_ = 0;
  std::uint32_t outstanding_ = 0;
  Request* head_ = nullptr;      // oldest request awaiting its response
  Request* tail_ = nullptr;
  sim::EventId idle_timer_;
  sim::EventId phase_event_;
  sim::Time idle_timeout_ = 0;
  double memory_limit_mib_;
  double memory_base_mib_;
  double memory_per_request_mib_;
  sim::Time pull_start_ = -1;
  sim::Time running_since_ = -1;
  sim::Time stopped_at_ = -1;
  TargetGroup* group_ = nullptr;
  TargetState target_;
  bool probe_pending_ = false;
  bool idle_armed_ = false;
  sim::EventId probe_timeout_;
  std::vector<Request*> scratch_;
  // App-server pool (0 workers: an event loop, no pool).
  std::uint32_t workers_ = 0;
  std::uint32_t busy_workers_ = 0;
  std::size_t backlog_limit_ = 0;
  sim::Ring<Request*> backlog_;
  bool handing_ = false;  // release_worker is handing workers to the backlog
};

}  // namespace loadcast::models
