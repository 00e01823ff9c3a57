// WebTier: the ALB, the ECS services and the database of one replication, wired together, and
// the hot-path entry points System calls for requests of classes that go through them.
//
// A request of a routed class is dispatched by the ALB to a task (or fails with 503 when its
// target group has no registered target); its `cpu` and `db` steps run on that task; when it
// completes, the task hears `finished`; an abandoned request (answered early) reports
// `discarded` when its work ends. Everything else (steps at stations, delays) stays in System.
// The size of each response is drawn when the request is dispatched, from the class's
// `response_bytes` (stream "alb.response_bytes.<class index>") or the load balancer's default.
// Each service's CPU steps are scaled by its demand factor of the replication (1 unless the
// service has `cpu_demand_sd`: models/web/demand_factor.hpp).
// At the end of the run it adds its meters (the services' Fargate tasks, the ALB, the database's
// instances and storage) to the run's cost::Usage (RunOutput::metered_usage).
// Not thread safe: one per replication.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/web/alb.hpp"
#include "models/data/aurora.hpp"
#include "models/core/component.hpp"
#include "models/core/config.hpp"
#include "models/web/ecs_service.hpp"
#include "models/core/request.hpp"
#include "models/web/task.hpp"
#include "sim/simulation.hpp"

namespace loadcast::models {

class WebTier final : public Component, public DbClient {
 public:
  WebTier(sim::Simulation& sim, EventLog& events, const ModelConfig& config, RequestSink& sink);
  ~WebTier() override;
  WebTier(const WebTier&) = delete;
  WebTier& operator=(const WebTier&) = delete;

  void start();

  // Does class `cls` go through the load balancer?
  bool routed(std::uint32_t cls) const { return routes_[cls].service != kNoService; }
  // Hands `r` to a task. Returns the failure when there is none to take it (503), when the load
  // balancer is over its capacity (AlbCapacityConfig) or when the task's backlog is full (502);
  // else nullptr, with `queued` set when it waits for a worker of the task's app-server pool (the
  // task starts it with step_done).
  const Failure* dispatch(Request* r, bool& queued) {
    queued = false;
    Route& route = routes_[r->cls];
    const double response =
        route.response != nullptr ? std::max(0.0, route.response->sample(route.rng)) : route.response_bytes;
    if (!alb_->admit()) return &alb_refused_;
    Task* t = alb_->route(route.service, route.rules, response);
    if (t == nullptr) return &no_target_[route.service];
    switch (t->accept(r)) {
      case Task::Admission::kRefused: return &services_[route.service]->backlog_refused();
      case Task::Admission::kQueued: queued = true; break;
      case Task::Admission::kStarted: break;
    }
    return nullptr;
  }
  // The service's demand factor of this replication (models/web/demand_factor.hpp) scales it.
  void cpu(Request* r, double work_s) { r->task->cpu(r, work_s * cpu_factor_[routes_[r->cls].service]); }
  void db(Request* r, const DbStepConfig& step) { r->task->db(r, step); }
  void finished(Request* r) { r->task->finished(r); }
  void discarded(Request* r) { r->task->discarded(r); }
  void query_done(Request* r) override { r->task->query_done(r); }
  void query_failed(Request* r, const std::string* cause) override { r->task->query_failed(r, cause); }

  EcsService& service(std::size_t i) { return *services_[i]; }
  std::size_t service_count() const { return services_.size(); }
  Alb* alb() { return alb_.get(); }
  DbCluster* database() { return db_.get(); }
  FargateLaunchBucket& launch_bucket() { return bucket_; }

  void on_warmup_end() override;
  void sample(sim::Time start, sim::Time end, SeriesRow& row) override;
  void finish(RunOutput& out) override;

 private:
  static constexpr std::size_t kNoService = SIZE_MAX;
  struct Route {
    std::size_t service = kNoService;
    int rules = 0;
    const sim::Distribution* response = nullptr;  // the class's response size, when it has one
    sim::Rng rng{0};                               // "alb.response_bytes.<class index>"
    double response_bytes = 0.0;                   // otherwise: the load balancer's default
  };

  sim::Simulation& sim_;
  FargateLaunchBucket bucket_;
  std::unique_ptr<DbCluster> db_;
  std::unique_ptr<Alb> alb_;
  std::vector<std::unique_ptr<EcsService>> services_;
  std::vector<double> cpu_factor_;  // per service: this replication's CPU demand factor
  std::vector<Route> routes_;
  std::vector<std::string> no_target_causes_;
  std::vector<Failure> no_target_;
  std::string alb_refused_cause_;
  Failure alb_refused_;
};

}  // namespace loadcast::models
