#include "models/web/ecs_service.hpp"

#include <algorithm>
#include <cmath>

#include "models/web/alb.hpp"
#include "models/data/aurora.hpp"
#include "cost/billing.hpp"
#include "models/core/run_output.hpp"
#include "cost/usage.hpp"

namespace loadcast::models {

// ---------------------------------------------------------------- launch bucket

void FargateLaunchBucket::request(EcsService* service, CapacityProvider provider) {
  const auto lane = static_cast<std::size_t>(provider);
  lanes_[lane].queue.push_back(service);
  grant(lane);
}

void FargateLaunchBucket::grant(std::size_t lane) {
  Lane& l = lanes_[lane];
  const sim::Time now = sim_.now();
  const auto provider = static_cast<CapacityProvider>(lane);
  // can_take() first: the bucket refills at every grant, even with nobody waiting.
  while (l.tokens.can_take(now) && !l.queue.empty()) {
    EcsService* s = l.queue.pop_front();
    if (s->claim_launch(provider)) l.tokens.take();
  }
  if (l.queue.empty() || l.armed) return;
  ++l.throttled;
  l.armed = true;
  sim_.schedule(l.tokens.time_until(1.0), [this, lane] {
    lanes_[lane].armed = false;
    grant(lane);
  });
}

// ---------------------------------------------------------------- metrics

class EcsService::Utilization final : public MetricSource {
 public:
  enum class Kind { kCpu, kMemory, kRequests };
  Utilization(EcsService& s, Kind k) : s_(s), kind_(k) {}
  std::optional<double> collect(sim::Time start, sim::Time end) override {
    const Marks now = s_.marks(end);
    const Marks before = last_;
    last_ = now;
    if (kind_ == Kind::kRequests) {
      // RequestCountPerTarget: the group's requests "divided by the number of healthy targets
      // in the target group. If there are no healthy targets in the target group, it is
      // divided by the total number of registered targets." [doc]
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
      // assumption: the counts at the end of the period.
      std::size_t targets = 0;
      if (s_.group_ != nullptr) {
        targets = s_.group_->healthy() > 0 ? static_cast<std::size_t>(s_.group_->healthy()) : s_.group_->registered();
      }
      if (targets == 0) return std::nullopt;
      const double minutes = sim::to_seconds(end - start) / 60.0;
      return (now.requests - before.requests) / static_cast<double>(targets) / minutes;
    }
    if (now.running - before.running <= 0.0) return std::nullopt;
    return kind_ == Kind::kCpu ? s_.cpu_percent(before, now) : s_.memory_percent(before, now);
  }

 private:
  EcsService& s_;
  Kind kind_;
  Marks last_;
};

// ---------------------------------------------------------------- service

EcsService::EcsService(sim::Simulation& sim, EventLog& events, const ServiceConfig& config, RequestSink& sink,
                       DbCluster* db, FargateLaunchBucket& bucket, TargetGroup* group, sim::Time idle_timeout,
                       TaskHost* task_host)
    : sim_(sim),
      events_(events),
      config_(config),
      sink_(sink),
      db_(db),
      bucket_(bucket),
      group_(group),
      idle_timeout_(idle_timeout),
      task_host_(task_host != nullptr ? *task_host : *this),
      rng_(sim.stream("service." + config.name)),
      spot_rng_(sim.stream("service." + config.name + ".spot")),
      desired_(config.desired),
      cause_died_("task_died:" + config.name),
      cause_idle_("idle_timeout:" + config.name),
      cause_drain_("deregistration_delay_expired:" + config.name),
      cause_db_("db_connection_timeout:" + config.name),
      cause_spot_("spot_interrupted:" + config.name),
      cause_backlog_("backlog_full:" + config.name),
      causes_{&cause_died_, &cause_idle_, &cause_db_, &cause_backlog_},
      backlog_refused_{Failure::Kind::kError, 502, &cause_backlog_} {
  if (group_ != nullptr) group_->set_service(this);
  metrics_ = std::make_unique<MetricPublisher>(sim, events, config.name, config.metrics.period, config.metrics.delay);
  cpu_metric_ = std::make_unique<Utilization>(*this, Utilization::Kind::kCpu);
  memory_metric_ = std::make_unique<Utilization>(*this, Utilization::Kind::kMemory);
  requests_metric_ = std::make_unique<Utilization>(*this, Utilization::Kind::kRequests);
  metrics_->add_metric("cpu", cpu_metric_.get());
  metrics_->add_metric("memory", memory_metric_.get());
  metrics_->add_metric("requests_per_target", requests_metric_.get());
}

EcsService::~EcsService() = default;

Task& EcsService::new_task(CapacityProvider provider) {
  tasks_.push_back(std::make_unique<Task>(task_host_, static_cast<std::uint32_t>(tasks_.size() + 1), sim_, sink_, db_));
  TaskMeta m;
  m.provider = provider;
  meta_.push_back(m);
  Task& t = *tasks_.back();
  live_.push_back(&t);
  return t;
}

void EcsService::start() {
  if (config_.autoscaling) {
    autoscaler_ = std::make_unique<Autoscaler>(sim_, events_, *this, *config_.autoscaling, *metrics_);
    // The scalable target was registered before the run: its desired count is already in range.
    desired_ = autoscaler_->register_capacity(desired_);
  }
  starting_ = true;
  for (int i = 0; i < desired_; ++i) {
    Task& t = new_task(next_launch(census()));
    t.start_running();
    if (group_ != nullptr) group_->register_target(t, true);
  }
  starting_ = false;
  desired_initial_ = desired_;
  running_min_ = running_max_ = running_;
  note_at_max();
  metrics_->start();
  if (autoscaler_) autoscaler_->start();
}

void EcsService::set_desired_capacity(int capacity) {
  const int to = std::max(0, capacity);
  if (to > desired_ && first_raise_ < 0) first_raise_ = sim_.now();
  desired_ = to;
  note_at_max();
  reconcile();
}

void EcsService::note_at_max() {
  // The time the desired count sits at the autoscaling maximum: where scaling can add no more.
  const bool at_max = autoscaler_ != nullptr && desired_ >= autoscaler_->max_capacity();
  at_max_tw_.set(sim_.now(), at_max ? 1.0 : 0.0);
}

namespace {

bool starting(const Task& t) {
  const TaskState s = t.state();
  return s == TaskState::kProvisioning || s == TaskState::kPending || s == TaskState::kActivating;
}

}  // namespace

EcsService::Census EcsService::census() const {
  Census c;
  c.good[0] = queued_[0];
  c.good[1] = queued_[1];
  for (const Task* t : live_) {
    if (!t->alive()) continue;
    const TaskMeta& m = meta(*t);
    const bool running = t->state() == TaskState::kRunning;
    if (running) ++c.running;
    // Reclaimed by Spot: DEACTIVATING from the warning on, neither RUNNING nor PENDING, so
    // outside maximum_percent like any draining task.
    if (m.interrupted) continue;
    if (running && m.replacing) {
      ++c.leaving;
      ++c.replacing;
      continue;
    }
    if (!running && !starting(*t)) continue;  // stopping: no longer counted
    ++c.good[static_cast<std::size_t>(m.provider)];
    if (running && (group_ == nullptr || t->target().health == TargetHealth::kHealthy)) ++c.healthy_good;
  }
  return c;
}

std::array<int, 2> EcsService::split(int n) const {
  std::array<int, 2> out{0, 0};
  int rest = n;
  for (const auto& item : config_.capacity_providers) {
    const int base = std::min(rest, item.base);
    out[static_cast<std::size_t>(item.provider)] += base;
    rest -= base;
  }
  long long weights = 0;
  for (const auto& item : config_.capacity_providers) weights += item.weight;
  if (rest <= 0 || weights <= 0) return out;
  // Largest remainder; equal remainders go to the provider listed first.
  std::array<long long, 2> remainder{-1, -1};
  int given = 0;
  for (const auto& item : config_.capacity_providers) {
    const long long share = static_cast<long long>(rest) * item.weight;
    const auto p = static_cast<std::size_t>(item.provider);
    out[p] += static_cast<int>(share / weights);
    given += static_cast<int>(share / weights);
    remainder[p] = item.weight > 0 ? share % weights : -1;
  }
  for (; given < rest; ++given) {
    const CapacityProviderItem* best = nullptr;
    for (const auto& item : config_.capacity_providers) {
      const auto p = static_cast<std::size_t>(item.provider);
      if (remainder[p] < 0) continue;
      if (best == nullptr || remainder[p] > remainder[static_cast<std::size_t>(best->provider)]) best = &item;
    }
    const auto p = static_cast<std::size_t>(best->provider);
    ++out[p];
    remainder[p] = -1;
  }
  return out;
}

CapacityProvider EcsService::next_launch(const Census& c) const {
  const auto target = split(c.good_total() + 1);
  const CapacityProviderItem* best = nullptr;
  int best_gap = 0;
  for (const auto& item : config_.capacity_providers) {
    const auto p = static_cast<std::size_t>(item.provider);
    const int gap = target[p] - c.good[p];
    if (best == nullptr || gap > best_gap) {
      best = &item;
      best_gap = gap;
    }
  }
  return best->provider;
}

CapacityProvider EcsService::next_stop(const Census& c) const {
  const auto target = split(c.good_total() - 1);
  const CapacityProviderItem* best = nullptr;
  int best_excess = 0;
  for (const auto& item : config_.capacity_providers) {
    const auto p = static_cast<std::size_t>(item.provider);
    if (c.good[p] == 0) continue;
    const int excess = c.good[p] - target[p];
    if (best == nullptr || excess > best_excess) {
      best = &item;
      best_excess = excess;
    }
  }
  return best != nullptr ? best->provider : config_.capacity_providers.front().provider;
}

void EcsService::reconcile() {
  // Stopping a task can stop it at once, which reports back here: finish this pass first.
  if (reconciling_) {
    reconcile_again_ = true;
    return;
  }
  reconciling_ = true;
  do {
    reconcile_again_ = false;
    while (reconcile_step()) {
    }
  } while (reconcile_again_);
  reconciling_ = false;
}

bool EcsService::reconcile_step() {
  const Census c = census();
  const int good = c.good_total();
  const int max_tasks = desired_ * config_.maximum_percent / 100;
  const int min_running = (desired_ * config_.minimum_healthy_percent + 99) / 100;
  // Below desired: start a task within maximum_percent, or make room by stopping an unhealthy
  // one first when minimum_healthy_percent allows.
  if (good < desired_) {
    if (good + c.leaving < max_tasks) {
      const CapacityProvider p = next_launch(c);
      ++queued_[static_cast<std::size_t>(p)];
      bucket_.request(this, p);
      return true;
    }
    if (c.replacing > 0 && c.running - 1 >= min_running) {
      for (Task* t : live_) {
        if (!t->alive() || t->state() != TaskState::kRunning || !meta(*t).replacing || meta(*t).interrupted) continue;
        ++stopped_first_;
        events_.add(sim_.now(), "task_stopped_unhealthy", t->label(), std::nullopt, std::nullopt,
                    "maximum_percent " + std::to_string(config_.maximum_percent) + " leaves no room for its replacement: stopped first (minimum_healthy_percent " +
                        std::to_string(config_.minimum_healthy_percent) + ")");
        stop_task(*t);
        return true;
      }
    }
  }
  // Above desired: the provider most above its share gives up a queued launch, else its newest
  // task still starting, else its newest RUNNING one.
  if (good > desired_) {
    const CapacityProvider p = next_stop(c);
    int& queued = queued_[static_cast<std::size_t>(p)];
    if (queued > 0) {
      --queued;
      return true;
    }
    for (int pass = 0; pass < 2; ++pass) {
      for (auto it = live_.rbegin(); it != live_.rend(); ++it) {
        Task& t = **it;
        const TaskMeta& m = meta(t);
        if (!t.alive() || m.provider != p || m.replacing || m.interrupted) continue;
        if ((pass == 0 && starting(t)) || (pass == 1 && t.state() == TaskState::kRunning)) {
          stop_task(t);
          return true;
        }
      }
    }
  }
  // Unhealthy tasks whose replacements are healthy: the oldest first.
  if (c.replacing > 0 && c.healthy_good + c.replacing > desired_) {
    for (Task* t : live_) {
      if (t->alive() && t->state() == TaskState::kRunning && meta(*t).replacing && !meta(*t).interrupted) {
        stop_task(*t);
        return true;
      }
    }
  }
  return false;
}

bool EcsService::claim_launch(CapacityProvider provider) {
  int& queued = queued_[static_cast<std::size_t>(provider)];
  if (queued <= 0) return false;
  --queued;
  new_task(provider).launch();
  return true;
}

void EcsService::forget_events(Task& t) {
  TaskMeta& m = meta(t);
  if (m.register_event.valid()) sim_.cancel(m.register_event);
  if (m.spot_event.valid()) sim_.cancel(m.spot_event);
  m.register_event = m.spot_event = {};
}

void EcsService::stop_task(Task& t) {
  forget_events(t);
  if (t.state() == TaskState::kRunning) {
    if (group_ != nullptr && t.target().health != TargetHealth::kUnused) {
      group_->deregister(t);
      return;
    }
    t.set_deactivating();
  }
  t.begin_stop();
}

void EcsService::on_drained(Task& t) {
  const TaskMeta& m = meta(t);
  // A reclaimed Spot task gets what is left of its 2 minutes.
  t.begin_stop(m.reclaim_at >= 0 ? std::max<sim::Time>(0, m.reclaim_at - sim_.now()) : sim::kTimeMax);
}

void EcsService::register_later(Task& t) {
  const sim::Time delay = group_->config().registration_delay;
  if (delay <= 0) {
    group_->register_target(t, false);
    return;
  }
  Task* task = &t;
  meta(t).register_event = sim_.schedule(delay, [this, task] {
    meta(*task).register_event = {};
    group_->register_target(*task, false);
  });
}

void EcsService::arm_spot(Task& t) {
  if (meta(t).provider != CapacityProvider::kFargateSpot || config_.spot_interruptions_per_hour <= 0) return;
  const double mean_s = 3600.0 / config_.spot_interruptions_per_hour;
  Task* task = &t;
  meta(t).spot_event = sim_.schedule(sim::Distribution::exponential(mean_s).sample_time(spot_rng_), [this, task] {
    meta(*task).spot_event = {};
    on_spot_interruption(*task);
  });
}

void EcsService::on_spot_interruption(Task& t) {
  if (!t.alive() || t.state() != TaskState::kRunning) return;
  TaskMeta& m = meta(t);
  const sim::Time now = sim_.now();
  m.interrupted = true;
  m.reclaim_at = now + kSpotWarning;
  ++spot_interruptions_;
  events_.add(now, "spot_interruption", t.label(), std::nullopt, std::nullopt,
              "Fargate Spot reclaims the task: SIGTERM and a 2-minute warning; it stops by " + format_number(sim::to_seconds(m.reclaim_at), 8) + " s");
  forget_events(t);
  if (group_ != nullptr && t.target().health != TargetHealth::kUnused) {
    group_->deregister(t, std::min(group_->config().deregistration_delay, kSpotWarning), &cause_spot_);
  } else {
    t.set_deactivating();
    t.begin_stop(kSpotWarning);
  }
  reconcile();
}

void EcsService::on_task_state(Task& t, TaskState from) {
  const sim::Time now = sim_.now();
  const TaskState to = t.state();
  if (from == TaskState::kRunning) {
    --running_;
    running_tw_.set(now, running_);
  }
  if (to == TaskState::kRunning) {
    ++running_;
    running_tw_.set(now, running_);
  }
  running_min_ = std::min(running_min_, running_);
  running_max_ = std::max(running_max_, running_);
  if (from != to) {
    std::string type = "task_";
    for (const char* c = to_string(to); *c != '\0'; ++c) type += static_cast<char>(*c - 'A' + 'a');
    events_.add(now, type, t.label());
  }
  if (to == TaskState::kRunning && from != TaskState::kRunning) {
    // A launched task is up: ECS registers it with the target group.
    if (group_ != nullptr && !starting_) register_later(t);
    arm_spot(t);
  }
  if (from == TaskState::kRunning && to != TaskState::kRunning) {
    TaskMeta& m = meta(t);
    if (m.spot_event.valid()) sim_.cancel(m.spot_event);
    m.spot_event = {};
  }
  if (to == TaskState::kStopped) {
    forget_events(t);
    stopped_busy_ += t.busy_area(now);
    stopped_active_ += t.active_area(now);
    const sim::CfsPeriods p = t.cfs_periods(now);
    stopped_periods_.ran += p.ran;
    stopped_periods_.throttled += p.throttled;
    stopped_wakeups_ += t.wakeups();
    stopped_cold_wakeups_ += t.cold_wakeups();
    live_.erase(std::remove(live_.begin(), live_.end(), &t), live_.end());
    reconcile();
  }
}

void EcsService::on_task_killed(Task& t) {
  ++killed_;
  forget_events(t);
  if (group_ != nullptr) group_->remove(t);
}

int EcsService::kill_running_tasks(int count, const std::string& reason) {
  // Newest first, like scale-in; copy: killing changes the list of live tasks.
  std::vector<Task*> running;
  for (Task* t : live_) {
    if (t->alive() && t->state() == TaskState::kRunning) running.push_back(t);
  }
  int killed = 0;
  for (auto it = running.rbegin(); it != running.rend() && killed < count; ++it, ++killed) {
    (*it)->kill(&cause_died_, reason);
  }
  return killed;
}

void EcsService::on_target_unhealthy(Task& t) {
  if (t.state() != TaskState::kRunning) return;
  const sim::Time grace_end = t.running_since() + config_.lifecycle.health_check_grace;
  if (sim_.now() < grace_end) {
    // ECS ignores the failure during the grace period; when it ends, a target still unhealthy
    // is replaced (no new health transition may come: a failing target stays unhealthy).
    if (!t.target().grace_recheck) {
      t.target().grace_recheck = true;
      Task* task = &t;
      sim_.schedule_at(grace_end, [this, task] {
        task->target().grace_recheck = false;
        if (task->target().health == TargetHealth::kUnhealthy) on_target_unhealthy(*task);
      });
    }
    return;
  }
  TaskMeta& m = meta(t);
  if (m.replacing || m.interrupted) return;
  m.replacing = true;
  ++replaced_unhealthy_;
  events_.add(sim_.now(), "task_replaced", t.label(), std::nullopt, std::nullopt,
              "unhealthy in target group " + group_->name() + ": a replacement starts first (maximum_percent " +
                  std::to_string(config_.maximum_percent) + "); this task stops once the replacement is healthy");
  reconcile();
}

void EcsService::on_target_healthy(Task&) { reconcile(); }

int EcsService::healthy_targets() const { return group_ != nullptr ? group_->healthy() : 0; }

EcsService::Marks EcsService::marks(sim::Time now) const {
  Marks m;
  m.busy = stopped_busy_;
  m.active = stopped_active_;
  m.periods = static_cast<double>(stopped_periods_.ran);
  m.throttled = static_cast<double>(stopped_periods_.throttled);
  m.wakeups = static_cast<double>(stopped_wakeups_);
  m.cold_wakeups = static_cast<double>(stopped_cold_wakeups_);
  for (const Task* t : live_) {
    m.wakeups += static_cast<double>(t->wakeups());
    m.cold_wakeups += static_cast<double>(t->cold_wakeups());
    m.busy += t->busy_area(now);
    m.active += t->active_area(now);
    const sim::CfsPeriods p = t->cfs_periods(now);
    m.periods += static_cast<double>(p.ran);
    m.throttled += static_cast<double>(p.throttled);
  }
  m.running = running_tw_.area(now);
  m.requests = group_ != nullptr ? static_cast<double>(group_->requests()) : 0.0;
  return m;
}

double EcsService::cpu_percent(const Marks& from, const Marks& to) const {
  const double running = to.running - from.running;
  return running > 0 ? 100.0 * (to.busy - from.busy) / (config_.vcpu() * running) : 0.0;
}

double EcsService::memory_percent(const Marks& from, const Marks& to) const {
  const double running = to.running - from.running;
  if (running <= 0) return 0.0;
  const double used = config_.base_memory_mib() * running + config_.memory_per_request_mib * (to.active - from.active);
  return 100.0 * used / (static_cast<double>(config_.memory_mib) * running);
}

double EcsService::throttled_ratio(const Marks& from, const Marks& to) {
  const double periods = to.periods - from.periods;
  return periods > 0.0 ? (to.throttled - from.throttled) / periods : std::numeric_limits<double>::quiet_NaN();
}

void EcsService::add_usage(cost::Usage& usage, sim::Time end) const {
  const cost::CpuArch arch = config_.arm64 ? cost::CpuArch::kArm : cost::CpuArch::kX86;
  auto capacity = [](CapacityProvider p) {
    return p == CapacityProvider::kFargateSpot ? cost::CapacityType::kSpot : cost::CapacityType::kOnDemand;
  };
  // The strategy's first provider has a record even when no task ran.
  usage.fargate_for(config_.name, arch, capacity(split(1)[1] > 0 ? CapacityProvider::kFargateSpot : CapacityProvider::kFargate));
  for (const auto& t : tasks_) {
    if (t->pull_start() < 0) continue;  // stopped before its image pull: not billed
    const sim::Time stop = t->stopped_at() >= 0 ? t->stopped_at() : end;
    usage.fargate_for(config_.name, arch, capacity(meta(*t).provider))
        .add_task(config_.vcpu(), static_cast<double>(config_.memory_mib) / 1024.0, cost::fargate_billed_seconds(stop - t->pull_start()));
  }
}

void EcsService::on_warmup_end() {
  stats_marks_ = marks(sim_.now());
  measured_from_ = sim_.now();
  running_min_ = running_max_ = running_;
  at_max_tw_.restart(sim_.now());
  measuring_ = true;
  cpu_peak_ = memory_peak_ = std::numeric_limits<double>::quiet_NaN();
}

void EcsService::sample(sim::Time, sim::Time end, SeriesRow& row) {
  const Marks now = marks(end);
  const std::string& n = config_.name;
  row.set(n + ".tasks_desired", desired_);
  row.set(n + ".tasks_running", running_);
  row.set(n + ".tasks_healthy", healthy_targets());
  const bool data = now.running - sample_marks_.running > 0.0;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double cpu = data ? cpu_percent(sample_marks_, now) : nan;
  const double memory = data ? memory_percent(sample_marks_, now) : nan;
  row.set(n + ".cpu_utilization", cpu);
  row.set(n + ".memory_utilization", memory);
  row.set(n + ".throttled_ratio", throttled_ratio(sample_marks_, now));
  if (measuring_ && data) {
    cpu_peak_ = std::isnan(cpu_peak_) ? cpu : std::max(cpu_peak_, cpu);
    memory_peak_ = std::isnan(memory_peak_) ? memory : std::max(memory_peak_, memory);
  }
  sample_marks_ = now;
  note_at_max();  // a scheduled action may have moved the maximum
}

void EcsService::finish(RunOutput& out) {
  const Marks now = marks(sim_.now());
  reports::Json j;
  j["tasks_min"] = running_min_;
  j["tasks_max"] = running_max_;
  j["tasks_running_peak"] = running_max_;
  j["tasks_running_low"] = running_min_;
  j["tasks_desired_initial"] = desired_initial_;
  j["tasks_desired_at_end"] = desired_;
  if (autoscaler_) {
    j["autoscaling"] = {{"min", config_.autoscaling->min}, {"max", config_.autoscaling->max}};
    j["minutes_at_max"] = at_max_tw_.area(sim_.now()) / 60.0;
  }
  j["first_scale_out_s"] = first_raise_ >= 0 ? reports::Json(sim::to_seconds(first_raise_)) : reports::Json(nullptr);
  j["cpu_utilization_peak"] = std::isnan(cpu_peak_) ? reports::Json(nullptr) : reports::Json(cpu_peak_);
  j["memory_utilization_peak"] = std::isnan(memory_peak_) ? reports::Json(nullptr) : reports::Json(memory_peak_);
  j["cpu_utilization_mean"] = cpu_percent(stats_marks_, now);
  j["memory_utilization_mean"] = memory_percent(stats_marks_, now);
  const double throttled = throttled_ratio(stats_marks_, now);
  j["throttled_ratio"] = std::isnan(throttled) ? reports::Json(nullptr) : reports::Json(throttled);
  // Wake-ups of the tasks' event loops from idle per second of the measured window, all tasks
  // together (what `loadcast load --sample` counts as resources.<name>.wakeups_per_s).
  if (!config_.concurrency.pool()) {
    const double window = sim::to_seconds(sim_.now() - measured_from_);
    j["wakeups_per_s"] = window > 0.0 ? (now.wakeups - stats_marks_.wakeups) / window : 0.0;
    // With wakeup_cold_after: the ones after that much sleep, which wakeup_cpu is charged on.
    if (config_.wakeup_cold_after > 0) {
      j["cold_wakeups_per_s"] = window > 0.0 ? (now.cold_wakeups - stats_marks_.cold_wakeups) / window : 0.0;
    }
  }
  j["tasks_launched"] = tasks_.size();
  j["tasks_killed"] = killed_;
  j["tasks_replaced_unhealthy"] = replaced_unhealthy_;
  if (stopped_first_ > 0) j["tasks_stopped_unhealthy_first"] = stopped_first_;
  if (config_.uses_spot()) {
    std::uint64_t spot = 0;
    for (const auto& m : meta_) spot += m.provider == CapacityProvider::kFargateSpot ? 1 : 0;
    j["tasks_launched_spot"] = spot;
    j["spot_interruptions"] = spot_interruptions_;
  }
  j["scale_outs"] = autoscaler_ ? autoscaler_->scale_outs() : 0;
  j["scale_ins"] = autoscaler_ ? autoscaler_->scale_ins() : 0;
  j["task_size"] = {{"cpu", config_.cpu_units}, {"memory", config_.memory_mib}, {"threads", config_.threads}};
  if (config_.autoscaling && !config_.autoscaling->policies.empty()) add_targets(j);
  out.sections["services"][config_.name] = j;
}

namespace {

// The result's name of a policy metric: the time-series suffix for CPU and memory.
std::string target_key(const std::string& metric) {
  if (metric == "cpu") return "cpu_utilization";
  if (metric == "memory") return "memory_utilization";
  return metric;
}

}  // namespace

void EcsService::add_targets(reports::Json& j) const {
  // `targets.<metric>`: the target-tracking target, else the threshold of a step policy's alarm
  // (the one that scales out when there is one); `step_thresholds.<metric>`: every step alarm's
  // threshold. Reports draw `targets` on the utilization charts.
  reports::Json targets = reports::Json::object();
  reports::Json steps = reports::Json::object();
  for (const auto& p : config_.autoscaling->policies) {
    if (const auto* tt = std::get_if<TargetTrackingConfig>(&p.spec)) targets[target_key(tt->metric)] = tt->target;
  }
  for (const auto& p : config_.autoscaling->policies) {
    const auto* st = std::get_if<StepScalingConfig>(&p.spec);
    if (st == nullptr) continue;
    const std::string key = target_key(st->metric);
    steps[key].push_back(st->threshold);
    const bool high = st->comparison == Comparison::kGreater || st->comparison == Comparison::kGreaterOrEqual;
    if (high && !targets.contains(key)) targets[key] = st->threshold;
  }
  for (const auto& [key, thresholds] : steps.items()) {
    if (!targets.contains(key)) targets[key] = thresholds.front();
  }
  j["targets"] = targets;
  if (!steps.empty()) j["step_thresholds"] = steps;
}

}  // namespace loadcast::models
