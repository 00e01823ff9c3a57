#include "models/worker_service.hpp"

#include <algorithm>

#include "models/run_output.hpp"

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
    const int running = w_.service_->running_capacity();
    return static_cast<double>(w_.queue_.visible()) / static_cast<double>(std::max(running, 1));
  }

 private:
  WorkerService& w_;
  Kind kind_;
};

WorkerService::WorkerService(sim::Simulation& sim, EventLog& events, const WorkerConfig& config, const ModelConfig& model,
                             Messaging& messaging, DbCluster* db, FargateLaunchBucket& bucket)
    : sim_(sim),
      events_(events),
      config_(config),
      messaging_(messaging),
      queue_(messaging.queue(config.queue_index)),
      backlog_(std::make_unique<Backlog>(*this, Backlog::Kind::kPerTask)),
      age_(std::make_unique<Backlog>(*this, Backlog::Kind::kOldestAge)),
      rng_(sim.stream("worker." + config.service.name)) {
  std::vector<ExtraMetric> metrics{{"backlog_per_task", backlog_.get(), true}, {"oldest_message_age", age_.get(), false}};
  service_ = std::make_unique<EcsService>(sim, events, config.service, model, *this, db, bucket, nullptr, 0, metrics);
  service_->set_worker_steps(&config.steps);
  service_->add_listener(this);
  for (std::size_t i = 0; i < config.steps.size(); ++i) {
    step_rngs_.push_back(sim.stream("worker." + config.service.name + ".step." + std::to_string(i)));
  }
}

WorkerService::~WorkerService() = default;

void WorkerService::start() { service_->start(); }

int kill_running_tasks(EcsService& service, int count, const std::string& reason) {
  // Newest first, like scale-in; copy: killing changes the service's list.
  std::vector<Task*> running;
  for (Task* t : service.live_tasks()) {
    if (t->alive() && t->state() == TaskState::kRunning) running.push_back(t);
  }
  int killed = 0;
  for (auto it = running.rbegin(); it != running.rend() && killed < count; ++it, ++killed) {
    (*it)->kill(service.cause_died(), reason);
  }
  return killed;
}

int WorkerService::kill_tasks(int count, const std::string& reason) { return kill_running_tasks(*service_, count, reason); }

// ---------------------------------------------------------------- pollers

void WorkerService::task_running(Task& task) {
  for (int k = 0; k < config_.pollers; ++k) {
    const std::uint32_t p = pollers_.acquire();
    Poller& poller = pollers_[p];
    poller = Poller{};
    poller.task = &task;
    poller.active = true;
    poll(p);
  }
}

void WorkerService::task_stopping(Task& task) {
  // Pollers notice when their current call or message ends (they hold no index of their own).
  for (std::size_t i = 0; i < pollers_.capacity(); ++i) {
    Poller& p = pollers_[static_cast<std::uint32_t>(i)];
    if (p.task == &task) p.active = false;
  }
}

void WorkerService::poll(std::uint32_t p) {
  Poller& poller = pollers_[p];
  poller.busy = true;
  poller.count = poller.next = poller.done = 0;
  poller.failed_group = UINT32_MAX;
  queue_.receive(this, p, static_cast<std::uint32_t>(config_.batch_size), config_.wait_time);
}

void WorkerService::on_received(std::uint64_t token, std::span<const ReceivedMessage> messages) {
  const auto p = static_cast<std::uint32_t>(token);
  Poller& poller = pollers_[p];
  poller.busy = false;
  if (!poller.active) {
    // The task stopped while the receive was out: the messages reappear after the timeout.
    lost_ += messages.size();
    retire(p);
    return;
  }
  poller.count = static_cast<std::uint32_t>(messages.size());
  std::copy(messages.begin(), messages.end(), poller.batch.begin());
  process_next(p);
}

void WorkerService::process_next(std::uint32_t p) {
  Poller& poller = pollers_[p];
  while (poller.next < poller.count && poller.batch[poller.next].spec.group == poller.failed_group) ++poller.next;
  if (!poller.active || poller.next >= poller.count) {
    if (poller.done > 0) {
      poller.busy = true;
      queue_.delete_messages(std::span<const Receipt>(poller.receipts.data(), poller.done), this, p);
      poller.done = 0;
      return;
    }
    if (poller.active) {
      poll(p);
    } else {
      poller.busy = false;
      retire(p);
    }
    return;
  }
  const ReceivedMessage& m = poller.batch[poller.next++];
  Request* r = requests_.acquire();
  r->user = p;
  r->arrival = sim_.now();
  r->counted = measuring_;
  if (measuring_) age_at_start_.record(sim_.now() - m.sent);
  poller.busy = true;
  poller.task->accept(r);
  if (r->abandoned) {  // the task died taking it (out of memory)
    poller.task->discarded(r);
    requests_.release(r);
    poller.busy = false;
    retire(p);
    return;
  }
  run_step(r);
}

void WorkerService::run_step(Request* r) {
  if (r->abandoned) {
    const std::uint32_t p = r->user;
    pollers_[p].task->discarded(r);
    requests_.release(r);
    pollers_[p].busy = false;
    retire(p);
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
      poller.task->cpu(r, s.service.sample(rng));
      break;
    case StepKind::kDb:
      poller.task->db(r, i);
      break;
    case StepKind::kPublish: {
      const ReceivedMessage& m = poller.batch[poller.next - 1];
      messaging_.publish_message(s.publish, rng, derive_dedup(m.spec.dedup, i), static_cast<sim::Time>(m.spec.tag), this,
                                 reinterpret_cast<std::uintptr_t>(r));
      break;
    }
    case StepKind::kDelay:
      sim_.schedule(s.service.sample_time(rng), [this, r] { run_step(r); });
      break;
    case StepKind::kStation:
      // The loader only accepts cpu, db, publish and delay steps for workers.
      run_step(r);
      break;
  }
}

void WorkerService::on_sent(std::uint64_t token, bool) {
  run_step(reinterpret_cast<Request*>(static_cast<std::uintptr_t>(token)));
}

void WorkerService::message_done(Request* r, bool ok) {
  const std::uint32_t p = r->user;
  Poller& poller = pollers_[p];
  poller.task->finished(r);
  requests_.release(r);
  const ReceivedMessage& m = poller.batch[poller.next - 1];
  if (!ok) {
    ++failed_;
    poller.failed_group = m.spec.group;
    process_next(p);
    return;
  }
  ++processed_;
  if (measuring_) latency_.record(sim_.now() - m.sent);
  if (config_.delete_batch) {
    poller.receipts[poller.done++] = m.receipt;
    process_next(p);
    return;
  }
  queue_.delete_messages(std::span<const Receipt>(&m.receipt, 1), this, p);
}

void WorkerService::on_deleted(std::uint64_t token, std::uint32_t) {
  const auto p = static_cast<std::uint32_t>(token);
  Poller& poller = pollers_[p];
  if (poller.next >= poller.count || !poller.active) {
    // The batch (or the task) is over: poll again, or retire.
    poller.busy = false;
    if (poller.active) poll(p);
    else retire(p);
    return;
  }
  process_next(p);
}

void WorkerService::step_done(Request* r) { run_step(r); }

void WorkerService::step_failed(Request* r, const Failure&) {
  // A db step found no connection in time: the handler throws, the message is not deleted.
  message_done(r, false);
}

void WorkerService::respond_early(Request* r, const Failure&) {
  // The task died under the message: it is lost and reappears after the visibility timeout.
  r->abandoned = true;
  ++lost_;
  pollers_[r->user].active = false;
}

void WorkerService::retire(std::uint32_t p) {
  Poller& poller = pollers_[p];
  if (poller.busy) return;
  poller.task = nullptr;
  poller.active = false;
  pollers_.release(p);
}

// ---------------------------------------------------------------- results

void WorkerService::on_warmup_end() {
  measuring_ = true;
  latency_.reset();
  age_at_start_.reset();
  service_->on_warmup_end();
}

void WorkerService::sample(sim::Time start, sim::Time end, SeriesRow& row) {
  service_->sample(start, end, row);
  const double span = sim::to_seconds(end - start);
  row.set(name() + ".messages_per_s", span > 0 ? static_cast<double>(processed_ - sampled_processed_) / span : 0.0);
  sampled_processed_ = processed_;
  const int running = service_->running_capacity();
  row.set(name() + ".backlog_per_task", static_cast<double>(queue_.visible()) / static_cast<double>(std::max(running, 1)));
}

void WorkerService::finish(RunOutput& out) {
  service_->finish(out);
  reports::Json j;
  j["queue"] = config_.queue;
  j["processed"] = processed_;
  j["failed"] = failed_;
  j["lost"] = lost_;
  j["pollers_at_end"] = pollers_.live();
  auto ms = [](const reports::Histogram& h, double p) { return h.empty() ? 0.0 : h.percentile(p) * 1e-6; };
  j["message_latency_ms"] = {{"p50", ms(latency_, 50)}, {"p95", ms(latency_, 95)}, {"p99", ms(latency_, 99)}};
  j["wait_before_processing_ms"] = {{"p50", ms(age_at_start_, 50)}, {"p95", ms(age_at_start_, 95)}, {"p99", ms(age_at_start_, 99)}};
  out.sections["workers"][name()] = j;
}

}  // namespace loadcast::models
