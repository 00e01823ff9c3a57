// EcsService: an ECS service on Fargate — keeps `desired` tasks (RUNNING and healthy when the run
// starts), launches them through the account's Fargate launch-rate buckets on the providers of
// its capacity provider strategy, stops them on scale-in (draining first), replaces tasks that
// die, that the load balancer finds unhealthy (replacement first, within maximum_percent) or that
// Fargate Spot reclaims, publishes its CloudWatch metrics, and is the scalable target of
// Application Auto Scaling. The service is its tasks' TaskHost; a worker service interposes a
// host of its own to start pollers on RUNNING tasks.
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/userguide/throttling.html
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/ec2-and-fargate-spot.html
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_utilization.html
// [doc] https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
// [doc] https://aws.amazon.com/fargate/pricing/
// assumption: the scale-in order, the rounding of the strategy's split, the Spot interruption
// rate (`spot_interruptions_per_hour`).
// Facts and assumptions: docs/models/web.md#ecs-services-and-fargate-tasks; result keys:
// docs/results.md.
// Not thread safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/scaling/autoscaling.hpp"
#include "models/scaling/cloudwatch.hpp"
#include "models/core/component.hpp"
#include "models/web/task.hpp"
#include "sim/ring.hpp"
#include "sim/simulation.hpp"
#include "sim/stats.hpp"
#include "sim/token_bucket.hpp"

namespace loadcast::cost {
struct Usage;
}  // namespace loadcast::cost

namespace loadcast::models {

class EcsService;

// The Fargate launch-rate limits of one account and region: a token bucket per capacity
// (On-Demand, Spot); launches wait in FIFO order for a token of theirs.
class FargateLaunchBucket {
 public:
  static constexpr double kBurst = 100.0;
  static constexpr double kRefillPerSecond = 20.0;

  explicit FargateLaunchBucket(sim::Simulation& sim) : sim_(sim) {}
  // `service` wants one task launched on `provider`; it is called back (claim_launch) when a
  // token of that provider's bucket is free.
  void request(EcsService* service, CapacityProvider provider = CapacityProvider::kFargate);
  std::uint64_t throttled() const { return lanes_[0].throttled + lanes_[1].throttled; }

 private:
  struct Lane {
    // No rounding tolerance: a launch short of a whole token waits again for the remainder.
    sim::TokenBucket tokens{kRefillPerSecond, kBurst, 0.0};
    sim::Ring<EcsService*> queue;
    bool armed = false;
    std::uint64_t throttled = 0;
  };
  void grant(std::size_t lane);

  sim::Simulation& sim_;
  Lane lanes_[2];  // by CapacityProvider
};

class EcsService final : public ScalableTarget, public Component, public TaskHost {
 public:
  // `task_host`: who its tasks report to; null: the service itself. A host of its own forwards
  // every report to the service first (a worker service's then starts pollers on RUNNING tasks).
  EcsService(sim::Simulation& sim, EventLog& events, const ServiceConfig& config, RequestSink& sink, DbCluster* db,
             FargateLaunchBucket& bucket, TargetGroup* group, sim::Time idle_timeout, TaskHost* task_host = nullptr);
  ~EcsService() override;
  EcsService(const EcsService&) = delete;
  EcsService& operator=(const EcsService&) = delete;

  // The autoscaler, the initial tasks (RUNNING, healthy) and the metric publisher. A metric an
  // autoscaling policy uses beyond cpu, memory and requests_per_target (a worker's queue
  // metrics) is added to metrics() before.
  void start();

  // ScalableTarget
  const std::string& scalable_name() const override { return config_.name; }
  int desired_capacity() const override { return desired_; }
  void set_desired_capacity(int capacity) override;
  int running_capacity() const override { return running_; }

  // TaskHost
  const ServiceConfig& config() const override { return config_; }
  sim::Rng& rng() override { return rng_; }
  EventLog& events() override { return events_; }
  sim::Time idle_timeout() const override { return idle_timeout_; }
  const TaskCauses& causes() const override { return causes_; }
  // What a request refused by a full backlog (app-server pool) gets.
  const Failure& backlog_refused() const { return backlog_refused_; }
  void on_task_state(Task& task, TaskState from) override;
  void on_task_killed(Task& task) override;

  // Called by the target group and the launch bucket.
  void on_target_unhealthy(Task& task);
  void on_target_healthy(Task& task);
  void on_drained(Task& task);
  bool claim_launch(CapacityProvider provider);  // the launch bucket has a token for us

  // Kills up to `count` RUNNING tasks, newest first, as if they crashed (the kill_tasks fault);
  // returns how many.
  int kill_running_tasks(int count, const std::string& reason);

  const std::string& name() const { return config_.name; }
  // Tasks not yet STOPPED, in launch order.
  const std::vector<Task*>& live_tasks() const { return live_; }
  MetricPublisher& metrics() { return *metrics_; }
  Autoscaler* autoscaler() { return autoscaler_.get(); }
  TargetGroup* group() { return group_; }
  int healthy_targets() const;
  std::size_t tasks_launched() const { return tasks_.size(); }
  // Interned cause (a by_cause key) of the 502s of a deregistration delay that ran out.
  const std::string* cause_drain_expired() const { return &cause_drain_; }
  // The capacity provider task `t` of this service runs on.
  CapacityProvider provider(const Task& t) const { return meta_[t.id() - 1].provider; }
  std::uint64_t spot_interruptions() const { return spot_interruptions_; }
  // Fargate Spot's warning before it reclaims a task. [doc]
  // https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/ec2-and-fargate-spot.html
  static constexpr sim::Time kSpotWarning = 2 * sim::kMinute;

  void add_usage(cost::Usage& usage, sim::Time end) const;
  void on_warmup_end() override;
  void sample(sim::Time start, sim::Time end, SeriesRow& row) override;
  void finish(RunOutput& out) override;

 private:
  // Service-wide integrals: busy vCPUs and requests worked on by RUNNING tasks, RUNNING tasks.
  struct Marks {
    double busy = 0.0, active = 0.0, running = 0.0, requests = 0.0;
    double periods = 0.0, throttled = 0.0;  // CFS periods the tasks ran in, and the throttled ones
    double wakeups = 0.0;  // of the tasks' event loops from idle (Task::wakeups)
    double cold_wakeups = 0.0;  // of those, the ones after wakeup_cold_after (Task::cold_wakeups)
  };
  // What ECS knows of a task beyond its lifecycle, by task id - 1.
  struct TaskMeta {
    CapacityProvider provider = CapacityProvider::kFargate;
    bool replacing = false;    // unhealthy: stopped once its replacement is healthy
    bool interrupted = false;  // Fargate Spot reclaims it
    sim::Time reclaim_at = -1; // interrupted: stopped by then
    sim::EventId spot_event;   // the next interruption of a RUNNING Spot task
    sim::EventId register_event;  // registration with the target group in progress
  };
  // The tasks as reconcile() counts them.
  struct Census {
    int good[2] = {0, 0};  // by provider: queued, starting, RUNNING and neither replacing nor reclaimed
    int leaving = 0;       // RUNNING unhealthy ones not yet stopped
    int running = 0;       // RUNNING
    int healthy_good = 0;  // good RUNNING tasks healthy in the target group (RUNNING without one)
    int replacing = 0;     // RUNNING and marked for replacement
    int good_total() const { return good[0] + good[1]; }
  };
  class Utilization;
  Marks marks(sim::Time now) const;
  double cpu_percent(const Marks& from, const Marks& to) const;
  double memory_percent(const Marks& from, const Marks& to) const;
  // The share of the CFS periods the tasks ran in that were throttled; NaN without any.
  static double throttled_ratio(const Marks& from, const Marks& to);
  int active_tasks() const;
  void add_targets(reports::Json& j) const;
  TaskMeta& meta(const Task& t) { return meta_[t.id() - 1]; }
  const TaskMeta& meta(const Task& t) const { return meta_[t.id() - 1]; }
  Census census() const;
  // The tasks each provider should have out of `n`, by the strategy.
  std::array<int, 2> split(int n) const;
  CapacityProvider next_launch(const Census& c) const;
  CapacityProvider next_stop(const Census& c) const;
  void reconcile();
  bool reconcile_step();  // one action towards desired; false when there is none to take
  void note_at_max();
  void stop_task(Task& t);
  void register_later(Task& t);
  void arm_spot(Task& t);
  void on_spot_interruption(Task& t);
  void forget_events(Task& t);
  Task& new_task(CapacityProvider provider);

  sim::Simulation& sim_;
  EventLog& events_;
  const ServiceConfig& config_;
  RequestSink& sink_;
  DbCluster* db_;
  FargateLaunchBucket& bucket_;
  TargetGroup* group_;
  sim::Time idle_timeout_;
  TaskHost& task_host_;
  sim::Rng rng_;
  sim::Rng spot_rng_;  // interruption times: a stream of its own, so on-demand runs are unchanged
  std::vector<std::unique_ptr<Task>> tasks_;  // every task ever launched, in launch order
  std::vector<TaskMeta> meta_;                // parallel to tasks_
  std::vector<Task*> live_;                   // not yet STOPPED
  int desired_;
  int running_ = 0;
  int queued_[2] = {0, 0};  // launches waiting for a token, by provider
  bool starting_ = false;  // start(): the initial tasks are registered healthy, not `initial`
  bool reconciling_ = false;
  bool reconcile_again_ = false;
  double stopped_busy_ = 0.0;
  double stopped_active_ = 0.0;
  sim::CfsPeriods stopped_periods_;
  std::uint64_t stopped_wakeups_ = 0;
  std::uint64_t stopped_cold_wakeups_ = 0;
  sim::TimeWeighted running_tw_;
  std::unique_ptr<MetricPublisher> metrics_;
  std::unique_ptr<Utilization> cpu_metric_;
  std::unique_ptr<Utilization> memory_metric_;
  std::unique_ptr<Utilization> requests_metric_;
  std::unique_ptr<Autoscaler> autoscaler_;
  Marks sample_marks_;
  Marks stats_marks_;
  int running_min_ = 0;
  int running_max_ = 0;
  int desired_initial_ = 0;
  sim::Time first_raise_ = -1;       // desired first raised (a scale-out or a scheduled minimum)
  sim::TimeWeighted at_max_tw_;      // 1 while desired is at the autoscaling maximum
  bool measuring_ = true;            // after the warm-up
  sim::Time measured_from_ = 0;      // the warm-up's end
  double cpu_peak_ = std::numeric_limits<double>::quiet_NaN();     // highest interval value
  double memory_peak_ = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t killed_ = 0;
  std::uint64_t replaced_unhealthy_ = 0;
  std::uint64_t stopped_first_ = 0;
  std::uint64_t spot_interruptions_ = 0;
  std::string cause_died_, cause_idle_, cause_drain_, cause_db_, cause_spot_, cause_backlog_;
  TaskCauses causes_;
  Failure backlog_refused_;  // 502: a task's backlog was full (app-server pool)
};

}  // namespace loadcast::models
