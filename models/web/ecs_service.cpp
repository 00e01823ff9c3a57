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

void FargateLaunchBucket::request(EcsService* service) {
  queue_.push_back(service);
  grant();
}

void FargateLaunchBucket::grant() {
  const sim::Time now = sim_.now();
  // can_take() first: the bucket refills at every grant, even with nobody waiting.
  while (tokens_.can_take(now) && !queue_.empty()) {
    EcsService* s = queue_.pop_front();
    if (s->claim_launch()) tokens_.take();
  }
  if (queue_.empty() || armed_) return;
  ++throttled_;
  armed_ = true;
  sim_.schedule(tokens_.time_until(1.0), [this] {
    armed_ = false;
    grant();
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
      desired_(config.desired),
      cause_died_("task_died:" + config.name),
      cause_idle_("idle_timeout:" + config.name),
      cause_drain_("deregistration_delay_expired:" + config.name),
      cause_db_("db_connection_timeout:" + config.name),
      causes_{&cause_died_, &cause_idle_, &cause_db_} {
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

Task& EcsService::new_task() {
  tasks_.push_back(std::make_unique<Task>(task_host_, static_cast<std::uint32_t>(tasks_.size() + 1), sim_, sink_, db_));
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
    Task& t = new_task();
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

int EcsService::active_tasks() const {
  int n = queued_launches_;
  for (const Task* t : live_) {
    const TaskState s = t->state();
    if (t->alive() && (s == TaskState::kProvisioning || s == TaskState::kPending || s == TaskState::kActivating ||
                       s == TaskState::kRunning)) {
      ++n;
    }
  }
  return n;
}

void EcsService::reconcile() {
  int active = active_tasks();
  while (active < desired_) {
    ++queued_launches_;
    ++active;
    bucket_.request(this);
  }
  if (active <= desired_) return;
  int excess = active - desired_;
  const int cancel = std::min(excess, queued_launches_);
  queued_launches_ -= cancel;
  excess -= cancel;
  // Newest first: tasks still starting, then RUNNING ones.
  for (int pass = 0; pass < 2 && excess > 0; ++pass) {
    for (auto it = live_.rbegin(); it != live_.rend() && excess > 0; ++it) {
      Task& t = **it;
      if (!t.alive()) continue;
      const bool running = t.state() == TaskState::kRunning;
      const bool starting = t.state() == TaskState::kProvisioning || t.state() == TaskState::kPending ||
                            t.state() == TaskState::kActivating;
      if ((pass == 0 && starting) || (pass == 1 && running)) {
        --excess;
        stop_task(t);
      }
    }
  }
}

bool EcsService::claim_launch() {
  if (queued_launches_ <= 0) return false;
  --queued_launches_;
  new_task().launch();
  return true;
}

void EcsService::stop_task(Task& t) {
  if (t.state() == TaskState::kRunning) {
    if (group_ != nullptr && t.target().health != TargetHealth::kUnused) {
      group_->deregister(t);
      return;
    }
    t.set_deactivating();
  }
  t.begin_stop();
}

void EcsService::on_drained(Task& t) { t.begin_stop(); }

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
  if (to == TaskState::kRunning && from != TaskState::kRunning && !starting_) {
    // A launched task is up: the agent registers it with the target group.
    if (group_ != nullptr) group_->register_target(t, false);
  }
  if (to == TaskState::kStopped) {
    stopped_busy_ += t.busy_area(now);
    stopped_active_ += t.active_area(now);
    live_.erase(std::remove(live_.begin(), live_.end(), &t), live_.end());
    reconcile();
  }
}

void EcsService::on_task_killed(Task& t) {
  ++killed_;
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
  ++replaced_unhealthy_;
  events_.add(sim_.now(), "task_replaced", t.label(), std::nullopt, std::nullopt, "unhealthy in target group " + group_->name());
  stop_task(t);
  reconcile();
}

int EcsService::healthy_targets() const { return group_ != nullptr ? group_->healthy() : 0; }

EcsService::Marks EcsService::marks(sim::Time now) const {
  Marks m;
  m.busy = stopped_busy_;
  m.active = stopped_active_;
  for (const Task* t : live_) {
    m.busy += t->busy_area(now);
    m.active += t->active_area(now);
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

void EcsService::add_usage(cost::Usage& usage, sim::Time end) const {
  cost::FargateUsage& f = usage.fargate_for(config_.name, config_.arm64 ? cost::CpuArch::kArm : cost::CpuArch::kX86,
                                      config_.spot ? cost::CapacityType::kSpot : cost::CapacityType::kOnDemand);
  for (const auto& t : tasks_) {
    if (t->pull_start() < 0) continue;  // stopped before its image pull: not billed
    const sim::Time stop = t->stopped_at() >= 0 ? t->stopped_at() : end;
    f.add_task(config_.vcpu(), static_cast<double>(config_.memory_mib) / 1024.0, cost::fargate_billed_seconds(stop - t->pull_start()));
  }
}

void EcsService::on_warmup_end() {
  stats_marks_ = marks(sim_.now());
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
  j["tasks_launched"] = tasks_.size();
  j["tasks_killed"] = killed_;
  j["tasks_replaced_unhealthy"] = replaced_unhealthy_;
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
