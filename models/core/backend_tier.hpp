// BackendTier: what a scenario has behind its web tier — the messaging tier (SQS FIFO queues,
// SNS FIFO topics, scheduled feeds), worker services consuming the queues, the data tier's
// ClusterControl (RDS Proxy, replica auto scaling, failover), and the scheduled faults.
//
// System creates it when the scenario has queues, topics, workers, a proxy, replica scaling or
// faults, and calls publish() for `publish` steps of request classes. Its finish() adds its
// meters (the SQS/SNS requests, the worker services' Fargate tasks, the RDS Proxy capacity) to
// the run's cost::Usage (RunOutput::metered_usage).
// It is the FaultTargets of the faults: a failover goes to ClusterControl, kill_tasks to a web
// or worker service, worker_errors to a worker service.
// Not thread safe: one per replication.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/data/cluster_control.hpp"
#include "models/core/component.hpp"
#include "models/core/config.hpp"
#include "models/faults/faults.hpp"
#include "models/messaging/messaging.hpp"
#include "models/core/request.hpp"
#include "models/messaging/worker_service.hpp"
#include "sim/simulation.hpp"

namespace loadcast::models {

class WebTier;

class BackendTier final : public Component, public FaultTargets {
 public:
  // Whether a scenario needs one.
  static bool needed(const ModelConfig& config);

  // `web` may be null (a scenario of queues and stations only). Throws std::invalid_argument when
  // workers or data-tier features need a database or web tier the scenario lacks (the loader
  // checks first).
  BackendTier(sim::Simulation& sim, EventLog& events, const ModelConfig& config, RequestSink& sink, WebTier* web);
  ~BackendTier() override;
  BackendTier(const BackendTier&) = delete;
  BackendTier& operator=(const BackendTier&) = delete;

  void start();
  // The `publish` step of a request class.
  void publish(Request* r, const PublishConfig& step, sim::Rng& rng) { messaging_->publish(r, step, rng); }

  Messaging& messaging() { return *messaging_; }
  WorkerService& worker(std::size_t i) { return *workers_[i]; }
  std::size_t worker_count() const { return workers_.size(); }
  ClusterControl* cluster_control() { return control_.get(); }

  // FaultTargets
  std::string begin_db_failover(sim::Time duration) override;
  int kill_tasks(std::size_t service, bool worker, int count) override;
  void set_worker_failure(std::size_t worker, double probability) override;

  void on_warmup_end() override;
  void sample(sim::Time start, sim::Time end, SeriesRow& row) override;
  void finish(RunOutput& out) override;

 private:
  sim::Simulation& sim_;
  WebTier* web_;
  std::unique_ptr<Messaging> messaging_;
  std::unique_ptr<FargateLaunchBucket> own_bucket_;  // without a web tier
  std::vector<std::unique_ptr<WorkerService>> workers_;
  std::unique_ptr<ClusterControl> control_;
  std::unique_ptr<Faults> faults_;
};

}  // namespace loadcast::models
