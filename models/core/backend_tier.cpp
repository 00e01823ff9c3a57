#include "models/core/backend_tier.hpp"

#include <stdexcept>

#include "cost/usage.hpp"
#include "models/core/run_output.hpp"
#include "models/core/web_tier.hpp"

namespace loadcast::models {

bool BackendTier::needed(const ModelConfig& c) {
  return !c.queues.empty() || !c.topics.empty() || !c.workers.empty() || c.db_proxy || c.replica_scaling ||
         !c.faults.empty();
}

BackendTier::BackendTier(sim::Simulation& sim, EventLog& events, const ModelConfig& config, RequestSink& sink, WebTier* web)
    : sim_(sim), web_(web) {
  messaging_ = std::make_unique<Messaging>(sim, config.queues, config.topics, sink, &events);
  DbCluster* db = web != nullptr ? web->database() : nullptr;
  if ((config.db_proxy || config.replica_scaling) && db == nullptr) {
    throw std::invalid_argument("database.proxy and database.replica_autoscaling need a database");
  }
  bool failover = false;
  for (const auto& f : config.faults) failover = failover || f.type == FaultType::kDbFailover;
  if (db != nullptr && (config.db_proxy || config.replica_scaling || failover)) {
    control_ = std::make_unique<ClusterControl>(sim, events, config, *db, *web);
  }
  FargateLaunchBucket* bucket = nullptr;
  if (web != nullptr) {
    bucket = &web->launch_bucket();
  } else {
    own_bucket_ = std::make_unique<FargateLaunchBucket>(sim);
    bucket = own_bucket_.get();
  }
  for (const auto& w : config.workers) {
    workers_.push_back(std::make_unique<WorkerService>(sim, events, w, *messaging_, db, *bucket));
  }
  if (!config.faults.empty()) faults_ = std::make_unique<Faults>(sim, config.faults, *this, events);
}

BackendTier::~BackendTier() = default;

void BackendTier::start() {
  messaging_->start();
  if (control_) control_->start();
  for (auto& w : workers_) w->start();
  if (faults_) faults_->start();
}

std::string BackendTier::begin_db_failover(sim::Time duration) {
  if (!control_) return "no database";
  return control_->begin_failover(duration);
}

int BackendTier::kill_tasks(std::size_t service, bool worker, int count) {
  const std::string reason = "fault: kill_tasks";
  if (worker) return workers_[service]->kill_tasks(count, reason);
  if (web_ == nullptr) return 0;
  return web_->service(service).kill_running_tasks(count, reason);
}

void BackendTier::set_worker_failure(std::size_t worker, double probability) {
  workers_[worker]->set_failure_override(probability);
}

void BackendTier::on_warmup_end() {
  for (auto& w : workers_) w->on_warmup_end();
  // After every component restarted its statistics (the database's come after this one).
  if (control_) sim_.schedule(0, [this] { control_->on_warmup_end(); });
}

void BackendTier::sample(sim::Time start, sim::Time end, SeriesRow& row) {
  messaging_->sample(start, end, row);
  for (auto& w : workers_) w->sample(start, end, row);
  if (control_) control_->sample(start, end, row);
}

void BackendTier::finish(RunOutput& out) {
  const sim::Time end = sim_.now();
  messaging_->finish(out);
  for (auto& w : workers_) w->finish(out);
  if (control_) control_->finish(out);
  cost::Usage& usage = out.metered_usage(end);
  messaging_->add_usage(usage);
  for (auto& w : workers_) w->add_usage(usage, end);
  if (control_) control_->add_usage(usage, end);
}

}  // namespace loadcast::models
