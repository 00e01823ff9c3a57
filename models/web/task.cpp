#include "models/web/task.hpp"

#include <algorithm>

#include "models/web/alb.hpp"
#include "models/data/aurora.hpp"

namespace loadcast::models {

const char* to_string(TaskState s) {
  switch (s) {
    case TaskState::kProvisioning: return "PROVISIONING";
    case TaskState::kPending: return "PENDING";
    case TaskState::kActivating: return "ACTIVATING";
    case TaskState::kRunning: return "RUNNING";
    case TaskState::kDeactivating: return "DEACTIVATING";
    case TaskState::kStopping: return "STOPPING";
    case TaskState::kStopped: break;
  }
  return "STOPPED";
}

const char* to_string(TargetHealth h) {
  switch (h) {
    case TargetHealth::kInitial: return "initial";
    case TargetHealth::kHealthy: return "healthy";
    case TargetHealth::kUnhealthy: return "unhealthy";
    case TargetHealth::kDraining: return "draining";
    case TargetHealth::kUnused: break;
  }
  return "unused";
}

Task::Task(TaskHost& host, std::uint32_t id, sim::Simulation& sim, RequestSink& sink, DbCluster* db)
    : host_(host),
      id_(id),
      label_(host.config().name + "/" + std::to_string(id)),
      sim_(sim),
      sink_(sink),
      config_(host.config()),
      rng_(host.rng()),
      causes_(host.causes()),
      db_(db),
      cpu_(sim, config_.cores(), *this),
      idle_timeout_(host.idle_timeout()),
      memory_limit_mib_(static_cast<double>(config_.memory_mib)),
      memory_base_mib_(config_.base_memory_mib()),
      memory_per_request_mib_(config_.memory_per_request_mib) {
  usage_.last = sim.now();
  threads_ = static_cast<std::size_t>(std::max(1, config_.threads));
  if (config_.concurrency.pool()) {
    workers_ = static_cast<std::uint32_t>(config_.concurrency.workers);
    backlog_limit_ = static_cast<std::size_t>(config_.concurrency.backlog_limit());
  }
  event_loop_ = !config_.concurrency.pool();
  wakeup_work_s_ = sim::to_seconds(config_.wakeup_cpu);
  cpu_.set_quota(config_.cores(), config_.vcpu(), config_.cpu_period);
  if (db != nullptr) {
    writer_pool_ = std::make_unique<ConnectionPool>(sim, *db, false, config_.db_pool, *this);
    if (db->has_readers()) reader_pool_ = std::make_unique<ConnectionPool>(sim, *db, true, config_.db_pool, *this);
  }
}

Task::~Task() = default;

double Task::memory_used_mib() const { return memory_base_mib_ + memory_per_request_mib_ * static_cast<double>(active_); }

// ---------------------------------------------------------------- lifecycle

void Task::enter(TaskState s) {
  const TaskState from = state_;
  const sim::Time now = sim_.now();
  if (from == TaskState::kRunning) {
    usage_.set(now, 0.0);
    usage_.busy_area += cpu_.used(now) - usage_.used_mark;
  }
  if (s == TaskState::kRunning) usage_.used_mark = cpu_.used(now);
  state_ = s;
  if (s == TaskState::kRunning && config_.background_vcpu > 0.0 && !background_event_.valid()) {
    background_event_ = sim_.schedule(config_.background_interval, [this] { background_tick(); });
  }
  update_integrals();
  host_.on_task_state(*this, from);
}

void Task::launch() {
  state_ = TaskState::kProvisioning;
  host_.events().add(sim_.now(), "task_provisioning", label_);
  phase_event_ = sim_.schedule(config_.lifecycle.provisioning.sample_time(rng_), [this] { next_phase(); });
}

void Task::next_phase() {
  phase_event_ = {};
  sim::Time next = 0;
  switch (state_) {
    case TaskState::kProvisioning:
      pull_start_ = sim_.now();
      enter(TaskState::kPending);
      next = config_.lifecycle.pending.sample_time(rng_);
      break;
    case TaskState::kPending:
      enter(TaskState::kActivating);
      next = config_.lifecycle.activating.sample_time(rng_);
      break;
    case TaskState::kActivating:
      running_since_ = sim_.now();
      enter(TaskState::kRunning);
      return;
    default:
      return;
  }
  phase_event_ = sim_.schedule(next, [this] { next_phase(); });
}

void Task::start_running() {
  pull_start_ = sim_.now();
  running_since_ = sim_.now();
  enter(TaskState::kRunning);
}

void Task::set_deactivating() {
  if (state_ == TaskState::kRunning) enter(TaskState::kDeactivating);
}

void Task::begin_stop(sim::Time cap) {
  if (state_ == TaskState::kStopped || state_ == TaskState::kStopping) return;
  if (state_ == TaskState::kProvisioning || state_ == TaskState::kPending || state_ == TaskState::kActivating) {
    if (phase_event_.valid()) sim_.cancel(phase_event_);
    phase_event_ = {};
    on_stopped();
    return;
  }
  enter(TaskState::kStopping);
  const sim::Time shutdown = std::min({config_.lifecycle.shutdown.sample_time(rng_), config_.lifecycle.stop_timeout, cap});
  phase_event_ = sim_.schedule(shutdown, [this] {
    phase_event_ = {};
    on_stopped();
  });
}

void Task::on_stopped() {
  stopped_at_ = sim_.now();
  release_work();
  enter(TaskState::kStopped);
}

void Task::kill(const std::string* cause, const std::string& reason) {
  if (dead_ || state_ == TaskState::kStopped) return;
  dead_ = true;
  host_.events().add(sim_.now(), "task_killed", label_, std::nullopt, std::nullopt, reason);
  // The host (the service, and through it the load balancer) learns first, so nothing new is
  // routed here while the requests below are answered (answers can start new requests).
  host_.on_task_killed(*this);
  Request* r = head_;
  head_ = tail_ = nullptr;
  while (r != nullptr) {
    Request* next = r->next;
    r->prev = r->next = nullptr;
    --outstanding_;
    sink_.respond_early(r, Failure{Failure::Kind::kError, 502, cause});
    r = next;
  }
  if (phase_event_.valid()) sim_.cancel(phase_event_);
  phase_event_ = {};
  on_stopped();
}

// Ends all work still on the task: CPU jobs and pool waiters are discarded (they are all
// abandoned by now), connections close; queries still running return later and are discarded.
void Task::release_work() {
  if (idle_armed_) sim_.cancel(idle_timer_);
  idle_armed_ = false;
  if (probe_pending_) {
    probe_pending_ = false;
    sim_.cancel(probe_timeout_);
  }
  if (background_event_.valid()) sim_.cancel(background_event_);
  background_event_ = {};
  cpu_.set_capacity(0.0);
  scratch_.clear();
  cpu_.for_each([this](Request* r) { scratch_.push_back(r); });
  while (!cpu_wait_.empty()) {
    if (!is_job(cpu_wait_.front().r)) scratch_.push_back(cpu_wait_.front().r);
    cpu_wait_.pop_front();
  }
  stale_probes_ = 0;
  dead_ = true;
  // A request still awaiting its response (a worker's message when its task stops) is answered
  // first, so that it leaves the task's list before its work is discarded.
  for (Request* r : scratch_) {
    if (is_job(r)) continue;
    if (!r->abandoned) answer_early(r, causes_.died, 502);
    r->abandoned = true;
    sink_.step_done(r);
  }
  auto drop = [this](Request* r) {
    if (!r->abandoned) answer_early(r, causes_.died, 502);
    r->abandoned = true;
    sink_.step_done(r);
  };
  if (writer_pool_) writer_pool_->close(drop);
  if (reader_pool_) reader_pool_->close(drop);
  // The listen socket closes with what waits in its backlog.
  while (!backlog_.empty()) {
    Request* r = backlog_.front();
    backlog_.pop_front();
    drop(r);
  }
  // Whatever still awaits a response here (a request at a station or delay step when the task
  // stopped) gets 502: the connection to the target is gone.
  while (head_ != nullptr) answer_early(head_, causes_.died, 502);
}

// ---------------------------------------------------------------- requests

void Task::link(Request* r) {
  r->next = nullptr;
  r->prev = tail_;
  if (tail_ != nullptr) tail_->next = r;
  else head_ = r;
  tail_ = r;
}

void Task::unlink(Request* r) {
  if (r->prev != nullptr) r->prev->next = r->next;
  else head_ = r->next;
  if (r->next != nullptr) r->next->prev = r->prev;
  else tail_ = r->prev;
  r->prev = r->next = nullptr;
}

void Task::update_integrals() {
  if (state_ != TaskState::kRunning) return;
  usage_.set(sim_.now(), static_cast<double>(active_));
}

Task::Admission Task::accept(Request* r) {
  r->task = this;
  if (workers_ > 0 && (busy_workers_ >= workers_ || !backlog_.empty())) {
    if (backlog_.size() >= backlog_limit_) {
      r->task = nullptr;
      return Admission::kRefused;
    }
    ++outstanding_;
    link(r);
    r->waiting = true;
    backlog_.push_back(r);
    if (idle_timeout_ > 0 && !idle_armed_) arm_idle_timer();
    return Admission::kQueued;
  }
  ++outstanding_;
  link(r);
  if (take_worker() && idle_timeout_ > 0 && !idle_armed_) arm_idle_timer();
  wake(r);
  return Admission::kStarted;
}

bool Task::take_worker() {
  if (workers_ > 0) ++busy_workers_;
  ++active_;
  update_integrals();
  if (memory_base_mib_ + memory_per_request_mib_ * static_cast<double>(active_) > memory_limit_mib_) {
    kill(causes_.died, "out of memory: " + std::to_string(active_) + " requests in progress need more than " +
                                    std::to_string(config_.memory_mib) + " MiB");
    return false;
  }
  return true;
}

// A worker is free: it takes the oldest waiting request. Requests started here can finish at
// once and free their worker again (re-entering here), so one loop hands out every worker.
void Task::release_worker() {
  --busy_workers_;
  if (handing_) return;
  handing_ = true;
  while (!dead_ && busy_workers_ < workers_ && !backlog_.empty()) {
    Request* r = backlog_.front();
    backlog_.pop_front();
    if (r->abandoned) {
      // Answered already (504, 502) while it waited: dropped without running; the owner hands
      // it back through discarded(), which sees it still marked waiting.
      sink_.step_done(r);
      continue;
    }
    r->waiting = false;
    // Its steps start; if the task died taking it (out of memory) it is abandoned already and
    // its owner discards it.
    take_worker();
    sink_.step_done(r);
  }
  handing_ = false;
}

// A CPU step after a wait the task did not see end (a delay, a call): what ended it woke the
// loop too. After its own CPU step or a database reply the loop is awake already.
void Task::cpu(Request* r, double work_s) {
  // (Not twice for one event: with no wake-up cost the loop looks idle still.)
  if (r != continuing_ && (r != woke_for_ || sim_.now() != woke_at_)) wake(r);
  run_cpu(r, work_s);
}

// A CPU step gets a thread, or waits for one behind the steps already waiting.
void Task::run_cpu(Request* r, double work_s) {
  if (cpu_.jobs() < threads_ && (cpu_wait_.empty() || r == continuing_)) {
    cpu_.add(r, work_s);
  } else {
    cpu_wait_.push_back(CpuWait{r, work_s});
  }
}

// Threads freed: the waiting steps take them in arrival order.
void Task::admit_cpu() {
  while (!dead_ && cpu_.jobs() < threads_ && !cpu_wait_.empty()) {
    const CpuWait w = cpu_wait_.front();
    cpu_wait_.pop_front();
    if (w.r == kProbeJob && stale_probes_ > 0) {
      --stale_probes_;
      continue;
    }
    cpu_.add(w.r, w.work_s);
  }
}

void Task::on_cpu_done(Request* r) {
  if (r == &background_job_ || r == &wakeup_job_) {
    admit_cpu();
    note_idle();
    return;
  }
  if (r == kProbeJob) {
    if (probe_pending_) {
      probe_pending_ = false;
      sim_.cancel(probe_timeout_);
      if (group_ != nullptr) group_->on_probe_result(*this, true);
    }
    admit_cpu();
    note_idle();
    return;
  }
  // The request's next step first: a CPU step right after this one continues on the same thread
  // (the same callback), then the thread goes to the next waiting step.
  continuing_ = r;
  sink_.step_done(r);
  continuing_ = nullptr;
  admit_cpu();
  note_idle();
}

// A CPU step ended and none runs or waits: the loop goes to sleep now.
void Task::note_idle() {
  if (cpu_.jobs() == 0 && cpu_wait_.empty()) idle_since_ = sim_.now();
}

void Task::finished(Request* r) {
  unlink(r);
  --outstanding_;
  --active_;
  update_integrals();
  if (workers_ > 0) release_worker();
}

void Task::discarded(Request* r) {
  if (r->waiting) {
    r->waiting = false;  // dropped from the backlog: it held no worker
    return;
  }
  --active_;
  update_integrals();
  if (workers_ > 0) release_worker();
}

void Task::answer_early(Request* r, const std::string* cause, int status) {
  unlink(r);
  --outstanding_;
  sink_.respond_early(r, Failure{Failure::Kind::kError, status, cause});
}

void Task::arm_idle_timer() {
  if (head_ == nullptr) return;
  idle_armed_ = true;
  idle_timer_ = sim_.schedule_at(head_->arrival + idle_timeout_, [this] { on_idle_timer(); });
}

void Task::on_idle_timer() {
  idle_armed_ = false;
  const sim::Time now = sim_.now();
  while (head_ != nullptr && head_->arrival + idle_timeout_ <= now) answer_early(head_, causes_.idle_timeout, 504);
  arm_idle_timer();
}

void Task::expire_drain(const std::string* cause) {
  while (head_ != nullptr) answer_early(head_, cause, 502);
}

// ---------------------------------------------------------------- database

void Task::db(Request* r, const DbStepConfig& step) {
  r->db = DbProgress{&step, static_cast<std::uint16_t>(step.reads), static_cast<std::uint16_t>(step.writes), 0, false};
  next_query(r);
}

ConnectionPool& Task::pool_of(const Request* r) { return (r->db.write || !reader_pool_) ? *writer_pool_ : *reader_pool_; }

void Task::next_query(Request* r) {
  DbProgress& p = r->db;
  if (p.reads_left == 0 && p.writes_left == 0) {
    sink_.step_done(r);
    return;
  }
  p.write = p.reads_left == 0;
  if (DbInstance* inst = pool_of(r).acquire(r)) run_query(r, *inst);
}

void Task::connection_ready(Request* r, DbInstance& instance) {
  if (r->abandoned || dead_) {
    pool_of(r).release(instance);
    sink_.step_done(r);
    return;
  }
  run_query(r, instance);
}

void Task::connection_timeout(Request* r) {
  if (r->abandoned || dead_) {
    sink_.step_done(r);
    return;
  }
  sink_.step_failed(r, Failure{Failure::Kind::kError, 500, causes_.db_timeout});
}

void Task::run_query(Request* r, DbInstance& instance) {
  DbProgress& p = r->db;
  std::uint16_t index = 0;
  while (&db_->instance(index) != &instance) ++index;
  p.instance = index;
  // The step's reads (then its writes) run back to back on the connection it holds: on a
  // processor-sharing CPU that is exactly one job of their summed work, at a fraction of the
  // events.
  std::uint16_t& left = p.write ? p.writes_left : p.reads_left;
  const std::uint64_t count = left;
  left = 0;
  const DbStepConfig& s = *p.step;
  const DbQueryConfig& q = db_->config().query;
  const sim::Distribution& d = p.write ? (s.write ? *s.write : q.write) : (s.read ? *s.read : q.read);
  double work = 0.0;
  for (std::uint64_t k = 0; k < count; ++k) work += d.sample(rng_);
  db_->count_queries(p.write, count);
  // Each query's network round trip (database.round_trip): the request waits, holding the
  // connection, before the queries reach the instance. A zero round trip adds no event.
  const sim::Distribution& trip = db_->config().round_trip;
  sim::Time wait = 0;
  for (std::uint64_t k = 0; k < count; ++k) wait += trip.sample_time(rng_);
  if (wait == 0) {
    instance.query(r, work);
    return;
  }
  sim_.schedule(wait, [this, r, work] { after_round_trip(r, work); });
}

void Task::after_round_trip(Request* r, double work) {
  DbInstance& instance = db_->instance(r->db.instance);
  if (r->abandoned || dead_) {
    pool_of(r).release(instance);
    sink_.step_done(r);
    return;
  }
  instance.query(r, work);
}

void Task::query_done(Request* r) {
  pool_of(r).release(db_->instance(r->db.instance));
  if (r->abandoned || dead_) {
    sink_.step_done(r);
    return;
  }
  wake(r);
  next_query(r);
}

// A request or a database reply arrives: on an event loop with no CPU step running or waiting,
// the loop was asleep, and waking it costs its CPU first (the step it woke for waits behind it) —
// with wakeup_cold_after set, only when it slept that long.
void Task::wake(const Request* r) {
  if (!event_loop_ || dead_ || cpu_.jobs() > 0 || !cpu_wait_.empty()) return;
  ++wakeups_;
  woke_for_ = r;
  woke_at_ = sim_.now();
  if (woke_at_ - idle_since_ < config_.wakeup_cold_after) return;
  ++cold_wakeups_;
  if (wakeup_work_s_ > 0.0) run_cpu(&wakeup_job_, wakeup_work_s_);
}

void Task::query_failed(Request* r, const std::string* cause) {
  pool_of(r).release(db_->instance(r->db.instance));
  if (r->abandoned || dead_) {
    sink_.step_done(r);
    return;
  }
  sink_.step_failed(r, Failure{Failure::Kind::kError, 500, cause});
}

// ---------------------------------------------------------------- background work

// One interval's background CPU joins the threads' queue; the next is due one interval later,
// as long as the task runs (RUNNING or DEACTIVATING).
void Task::background_tick() {
  background_event_ = {};
  if (dead_ || (state_ != TaskState::kRunning && state_ != TaskState::kDeactivating)) return;
  run_cpu(&background_job_, config_.background_vcpu * sim::to_seconds(config_.background_interval));
  background_event_ = sim_.schedule(config_.background_interval, [this] { background_tick(); });
}

// ---------------------------------------------------------------- health checks

void Task::probe() {
  if (probe_pending_) return;
  if (dead_ || (state_ != TaskState::kRunning && state_ != TaskState::kDeactivating)) {
    if (group_ != nullptr) group_->on_probe_result(*this, false);
    return;
  }
  const HealthCheckConfig& hc = config_.target_group.health_check;
  probe_pending_ = true;
  run_cpu(kProbeJob, hc.cpu.sample(rng_));
  probe_timeout_ = sim_.schedule(hc.timeout, [this] { on_probe_timeout(); });
}

void Task::on_probe_timeout() {
  if (!probe_pending_) return;
  probe_pending_ = false;
  if (cpu_.remove(kProbeJob)) {
    admit_cpu();
  } else {
    ++stale_probes_;  // still waiting for the thread: skipped when its turn comes
  }
  if (group_ != nullptr) group_->on_probe_result(*this, false);
}

}  // namespace loadcast::models
