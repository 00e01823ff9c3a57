#include "models/messaging/worker_service.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

#include "models/core/run_output.hpp"
#include "models/web/demand_factor.hpp"

namespace loadcast::models {

namespace {

std::uint64_t derive_dedup(std::uint64_t parent, std::uint32_t step) {
  std::uint64_t s = parent ^ (0xA24BAED4963EE407ull * (static_cast<std::uint64_t>(step) + 1));
  return sim::splitmix64(s);
}

}  // namespace

// The queue metrics of the service's CloudWatch publisher.
class WorkerService::Backlog final : public MetricSource {
 public:
  enum class Kind { kPerTask, kOldestAge };
  Backlog(WorkerService& w, Kind k) : w_(w), kind_(k) {}
  std::optional<double> collect(sim::Time, sim::Time) override {
    if (kind_ == Kind::kOldestAge) return sim::to_seconds(w_.queue_.oldest_age());
    return w_.backlog_per_task();
  }

 private:
  WorkerService& w_;
  Kind kind_;
};

// The host of the worker's tasks: the ECS service, then, for a task that is now RUNNING, its
// pollers (the application starts polling once its container runs).
class WorkerService::Host final : public TaskHost {
 public:
  explicit Host(WorkerService& w) : w_(w) {}
  const ServiceConfig& config() const override { return w_.service_->config(); }
  sim::Rng& rng() override { return w_.service_->rng(); }
  EventLog& events() override { return w_.service_->events(); }
  sim::Time idle_timeout() const override { return w_.service_->idle_timeout(); }
  const TaskCauses& causes() const override { return w_.service_->causes(); }
  void on_task_state(Task& task, TaskState from) override {
    const TaskState to = task.state();
    w_.service_->on_task_state(task, from);
    if (to == TaskState::kRunning && from != TaskState::kRunning) w_.start_pollers(task);
  }
  void on_task_killed(Task& task) override { w_.service_->on_task_killed(task); }

 private:
  WorkerService& w_;
};

WorkerService::WorkerService(sim::Simulation& sim, EventLog& events, const WorkerConfig& config, Messaging& messaging,
                             DbCluster* db, FargateLaunchBucket& bucket)
    : sim_(sim),
      config_(config),
      messaging_(messaging),
      queue_(messaging.queue(config.queue_index)),
      backlog_(std::make_unique<Backlog>(*this, Backlog::Kind::kPerTask)),
      age_(std::make_unique<Backlog>(*this, Backlog::Kind::kOldestAge)),
      host_(std::make_unique<Host>(*this)),
      rng_(sim.stream("worker." + config.service.name)),
      cpu_factor_(worker_cpu_demand_factor(sim, config.service)) {
  service_ = std::make_unique<EcsService>(sim, events, config.service, *this, db, bucket, nullptr, 0, host_.get());
  // The queue metrics its autoscaling policies may use.
  service_->metrics().add_metric("backlog_per_task", backlog_.get(), true);
  service_->metrics().add_metric("oldest_message_age", age_.get(), false);
  for (std::size_t i = 0; i < config.steps.size(); ++i) {
    step_rngs_.push_back(sim.stream("worker." + config.service.name + ".step." + std::to_string(i)));
  }
}

WorkerService::~WorkerService() = default;

void WorkerService::start() { service_->start(); }

int WorkerService::kill_tasks(int count, const std::string& reason) { return service_->kill_running_tasks(count, reason); }

// ---------------------------------------------------------------- pollers

void WorkerService::start_pollers(Task& task) {
  for (int k = 0; k < config_.pollers; ++k) {
    const std::uint32_t p = pollers_.acquire();
    Poller& poller = pollers_[p];
    poller = Poller{};
    poller.task = &task;
    poll(p);
  }
}

// A task that stops needs no call of its own: a poller reads its task's state whenever its call
// or message ends — it stops polling once the task is no longer RUNNING, and loses what it holds
// once the task is stopped or dead.
bool WorkerService::gone(const Poller& p) { return !p.task->alive(); }

void WorkerService::poll(std::uint32_t p) {
  Poller& poller = pollers_[p];
  poller.busy = true;
  poller.count = poller.next = poller.held = poller.done = poller.deleting = 0;
  poller.failed_group = UINT32_MAX;
  queue_.receive(this, ConsumerId{p}, static_cast<std::uint32_t>(config_.batch_size), config_.wait_time);
}

void WorkerService::on_received(ConsumerId poller_id, std::span<const ReceivedMessage> messages) {
  const std::uint32_t p = poller_id.index;
  Poller& poller = pollers_[p];
  poller.busy = false;
  poller.count = poller.held = static_cast<std::uint32_t>(messages.size());
  received_ += messages.size();
  std::copy(messages.begin(), messages.end(), poller.batch.begin());
  process_next(p);
}

void WorkerService::process_next(std::uint32_t p) {
  Poller& poller = pollers_[p];
  if (gone(poller)) {
    abandon(p);
    return;
  }
  while (poller.next < poller.count && poller.batch[poller.next].spec.group == poller.failed_group) {
    ++poller.next;
    --poller.held;
    ++skipped_;
  }
  if (poller.next >= poller.count) {
    if (poller.done > 0) {
      for (std::uint32_t k = 0; k < poller.done; ++k) poller.deleting_at[k] = poller.done_at[k];
      delete_held(p, poller.done);
      poller.done = 0;
      return;
    }
    end_batch(p);
    return;
  }
  const std::uint32_t at = poller.next++;
  const ReceivedMessage& m = poller.batch[at];
  Request* r = requests_.acquire();
  r->user = p;
  r->arrival = sim_.now();
  r->counted = measuring_;
  if (measuring_) age_at_start_.record(sim_.now() - m.sent);
  poller.busy = true;
  // A pool's workers are the pollers (WorkerConfig::validate): a message never waits for one.
  [[maybe_unused]] const Task::Admission admitted = poller.task->accept(r);
  assert(admitted == Task::Admission::kStarted && "a worker's message waits for no app-server worker");
  run_step(r);  // abandoned already when the task died taking it (out of memory)
}

void WorkerService::end_batch(std::uint32_t p) {
  Poller& poller = pollers_[p];
  // SIGTERM: a stopping task polls no more.
  if (poller.task->state() == TaskState::kRunning && !gone(poller)) poll(p);
  else retire(p);
}

void WorkerService::delete_held(std::uint32_t p, std::uint32_t n) {
  Poller& poller = pollers_[p];
  std::array<Receipt, kMaxReceiveBatch> receipts;
  for (std::uint32_t k = 0; k < n; ++k) receipts[k] = poller.batch[poller.deleting_at[k]].receipt;
  poller.deleting = n;
  poller.busy = true;
  queue_.delete_messages(std::span<const Receipt>(receipts.data(), n), this, ConsumerId{p});
}

void WorkerService::run_step(Request* r) {
  if (r->abandoned) {
    // The task stopped or died under the message: it is lost (it reappears after the
    // visibility timeout), and so is the rest of the batch when the task is gone.
    const std::uint32_t p = r->user;
    Poller& poller = pollers_[p];
    poller.task->discarded(r);
    requests_.release(r);
    poller.busy = false;
    --poller.held;
    ++lost_;
    process_next(p);
    return;
  }
  if (r->step >= config_.steps.size()) {
    message_done(r, !(rng_.uniform() < failure_probability()));
    return;
  }
  const std::uint32_t i = r->step++;
  const StepConfig& s = config_.steps[i];
  sim::Rng& rng = step_rngs_[i];
  Poller& poller = pollers_[r->user];
  switch (s.kind) {
    case StepKind::kCpu:
      poller.task->cpu(r, s.service.sample(rng) * cpu_factor_);
      break;
    case StepKind::kDb:
      poller.task->db(r, s.db);
      break;
    case StepKind::kPublish: {
      // A message processed again (after a redelivery) publishes the same message: the same
      // deduplication id and the same group (a handler derives the group from the message), so
      // even the per-group deduplication of high-throughput mode drops the copy.
      const ReceivedMessage& m = poller.batch[poller.next - 1];
      const std::uint64_t dedup = derive_dedup(m.spec.dedup, i);
      sim::Rng keyed(dedup);
      messaging_.publish_message(s.publish, keyed, dedup, static_cast<sim::Time>(m.spec.tag), this, r);
      break;
    }
    case StepKind::kDelay: {
      const sim::Time delay = s.service.sample_time(rng);
      if (s.call) outbound_.add(*s.call, rng);
      sim_.schedule(delay, [this, r] { run_step(r); });
      break;
    }
    case StepKind::kStation:
      // The loader only accepts cpu, db, publish and delay steps for workers.
      run_step(r);
      break;
  }
}

void WorkerService::on_sent(Request* job, bool) { run_step(job); }

void WorkerService::message_done(Request* r, bool ok) {
  const std::uint32_t p = r->user;
  Poller& poller = pollers_[p];
  poller.task->finished(r);
  requests_.release(r);
  poller.busy = false;
  const std::uint32_t at = poller.next - 1;
  if (!ok) {
    ++failed_;
    --poller.held;
    poller.failed_group = poller.batch[at].spec.group;
    process_next(p);
    return;
  }
  ++processed_;
  if (config_.delete_batch) {
    poller.done_at[poller.done++] = static_cast<std::uint8_t>(at);
    process_next(p);
    return;
  }
  poller.deleting_at[0] = static_cast<std::uint8_t>(at);
  delete_held(p, 1);
}

void WorkerService::on_deleted(ConsumerId poller_id, std::uint32_t, std::uint32_t mask) {
  const std::uint32_t p = poller_id.index;
  Poller& poller = pollers_[p];
  poller.busy = false;
  const sim::Time now = sim_.now();
  for (std::uint32_t k = 0; k < poller.deleting; ++k) {
    if ((mask & (1u << k)) == 0) {
      ++not_deleted_;  // its visibility timeout ran out first: it reappears
      continue;
    }
    ++deleted_;
    if (measuring_) {
      const ReceivedMessage& m = poller.batch[poller.deleting_at[k]];
      latency_.record(now - m.sent);
      end_to_end_.record(now - static_cast<sim::Time>(m.spec.tag));
    }
  }
  poller.held -= poller.deleting;
  poller.deleting = 0;
  process_next(p);
}

void WorkerService::on_send_failed(Request* job, const std::string*) {
  // A publish step: the message fails.
  ++failed_publishes_;
  if (job->abandoned) run_step(job);
  else message_done(job, false);
}

void WorkerService::on_receive_failed(ConsumerId poller_id, const std::string*) {
  // As an empty receive.
  const std::uint32_t p = poller_id.index;
  ++failed_receives_;
  pollers_[p].busy = false;
  process_next(p);
}

void WorkerService::on_delete_failed(ConsumerId poller_id, const std::string*) {
  // The messages stay in flight and reappear.
  const std::uint32_t p = poller_id.index;
  Poller& poller = pollers_[p];
  ++failed_deletes_;
  poller.busy = false;
  not_deleted_ += poller.deleting;
  poller.held -= poller.deleting;
  poller.deleting = 0;
  process_next(p);
}

void WorkerService::step_done(Request* r) { run_step(r); }

void WorkerService::step_failed(Request* r, const Failure&) {
  // A db step found no connection in time (or its query failed): the handler throws, the
  // message is not deleted.
  if (r->abandoned) run_step(r);
  else message_done(r, false);
}

void WorkerService::respond_early(Request* r, const Failure&) {
  // The task stopped or died under the message; the worker learns when the step hands it back.
  r->abandoned = true;
}

void WorkerService::abandon(std::uint32_t p) {
  Poller& poller = pollers_[p];
  lost_ += poller.held;
  poller.held = 0;
  poller.done = 0;
  poller.next = poller.count;
  retire(p);
}

void WorkerService::retire(std::uint32_t p) {
  Poller& poller = pollers_[p];
  if (poller.busy) return;  // its outstanding call or message brings it back
  poller.task = nullptr;
  pollers_.release(p);
}

std::uint64_t WorkerService::held() const {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < pollers_.capacity(); ++i) {
    const Poller& p = pollers_[static_cast<std::uint32_t>(i)];
    if (p.task != nullptr) n += p.held;
  }
  return n;
}

bool WorkerService::balanced() const {
  return received_ == deleted_ + not_deleted_ + failed_ + skipped_ + lost_ + held();
}

// ---------------------------------------------------------------- results

void WorkerService::on_warmup_end() {
  measuring_ = true;
  latency_.reset();
  age_at_start_.reset();
  end_to_end_.reset();
  service_->on_warmup_end();
}

void WorkerService::sample(sim::Time start, sim::Time end, SeriesRow& row) {
  service_->sample(start, end, row);
  const double span = sim::to_seconds(end - start);
  row.set(name() + ".messages_per_s", span > 0 ? static_cast<double>(processed_ - sampled_processed_) / span : 0.0);
  sampled_processed_ = processed_;
  // Null where the metric has no datapoint (no RUNNING task, unguarded metric math).
  row.set(name() + ".backlog_per_task", backlog_per_task().value_or(std::numeric_limits<double>::quiet_NaN()));
}

std::optional<double> WorkerService::backlog_per_task() const {
  const int running = service_->running_capacity();
  const auto visible = static_cast<double>(queue_.visible());
  if (running > 0) return visible / static_cast<double>(running);
  if (config_.backlog_math == BacklogMath::kGuarded) return visible;
  return std::nullopt;
}

void WorkerService::finish(RunOutput& out) {
  service_->finish(out);
  // Pollers of a stopped or dead task whose last call has not come back yet lost what they hold.
  for (std::size_t i = 0; i < pollers_.capacity(); ++i) {
    Poller& p = pollers_[static_cast<std::uint32_t>(i)];
    if (p.task != nullptr && gone(p)) {
      lost_ += p.held;
      p.held = 0;
    }
  }
  reports::Json j;
  j["queue"] = config_.queue;
  j["received"] = received_;
  j["deleted"] = deleted_;
  j["not_deleted"] = not_deleted_;
  j["failed"] = failed_;
  j["skipped"] = skipped_;
  j["lost"] = lost_;
  j["held_at_end"] = held();
  j["balanced"] = balanced();
  j["processed"] = processed_;
  j["failed_publishes"] = failed_publishes_;
  j["failed_deletes"] = failed_deletes_;
  j["failed_receives"] = failed_receives_;
  j["pollers_at_end"] = pollers_.live();
  auto ms = [](const reports::Histogram& h) -> reports::Json {
    auto q = [&h](double p) { return h.empty() ? 0.0 : h.percentile(p) * 1e-6; };
    return {{"p50", q(50)}, {"p95", q(95)}, {"p99", q(99)}};
  };
  j["message_latency_ms"] = ms(latency_);
  j["wait_before_processing_ms"] = ms(age_at_start_);
  j["end_to_end_age_ms"] = ms(end_to_end_);
  out.sections["workers"][name()] = j;
}

}  // namespace loadcast::models
