// EcsService: an ECS service on Fargate — keeps `desired` tasks, launches and stops them,
// replaces tasks that die or that the load balancer finds unhealthy, publishes its CloudWatch
// metrics, and is the scalable target of Application Auto Scaling.
//
// - Launches go through the account's Fargate launch-rate token bucket (burst 100, refill
//   20 tasks/s, shared by every service of the run). [doc] https://docs.aws.amazon.com/AmazonECS/latest/userguide/throttling.html
// - Scale-in stops tasks not yet RUNNING first (newest first), then RUNNING tasks, newest first
//   (assumption: AWS balances AZs and otherwise does not document the order). A stopping task
//   is deregistered from its target group and drains (deregistration delay, ending early when
//   nothing is outstanding), then gets SIGTERM and up to stopTimeout to exit.
//   [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html
// - A task the ALB marks unhealthy is replaced once healthCheckGracePeriodSeconds has passed
//   since it started (at once after it, or when the grace period ends if the target is still
//   unhealthy then); a task that dies (memory) is replaced at once. [doc]
//   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html
// - Metrics (CloudWatch, namespace AWS/ECS): CPUUtilization and MemoryUtilization are the used
//   CPU/memory of RUNNING tasks over the period divided by what those tasks reserve; no RUNNING
//   task, no datapoint. [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_utilization.html
//   RequestCountPerTarget (ALB): requests routed to the group in the period per healthy target
//   (per registered target when none is healthy), per minute. [doc]
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
// - The tasks' desired count is clamped into the autoscaling [min, max] before the run, as
//   registering the scalable target does (autoscaling.hpp).
// - The tasks of `desired` exist when the run starts: RUNNING and healthy (a deployment that is
//   already up, as when it is load tested).
// - Billing: each task from its image pull to its stop, 1-minute minimum (cost/billing.hpp).
//   [doc] https://aws.amazon.com/fargate/pricing/
// - The result's `services.<name>` section has `targets.<metric>` (cpu_utilization,
//   memory_utilization, ...: the target-tracking targets, else the step alarms' thresholds), the
//   observed RUNNING extremes after the warm-up (`tasks_running_peak`/`_low`; `tasks_max`/`_min`
//   are the same numbers under their first names), the configured `autoscaling.{min,max}`,
//   `minutes_at_max` (desired at the autoscaling maximum, after the warm-up), the highest
//   interval CPU and memory utilization, and when desired was first raised.
// The service is its tasks' TaskHost. A worker service (no target group) interposes a host of its
// own to start pollers on RUNNING tasks, and feeds them work with Task::accept / cpu / db like
// the ALB does.
// Not thread safe.
#pragma once

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

// The Fargate launch-rate limit of one account and region: a token bucket; launches wait in
// FIFO order for a token.
class FargateLaunchBucket {
 public:
  static constexpr double kBurst = 100.0;
  static constexpr double kRefillPerSecond = 20.0;

  // No rounding tolerance: a launch short of a whole token waits again for the remainder.
  explicit FargateLaunchBucket(sim::Simulation& sim) : sim_(sim), tokens_(kRefillPerSecond, kBurst, 0.0) {}
  // `service` wants one task launched; it is called back (claim_launch) when a token is free.
  void request(EcsService* service);
  std::uint64_t throttled() const { return throttled_; }

 private:
  void grant();

  sim::Simulation& sim_;
  sim::TokenBucket tokens_;
  sim::Ring<EcsService*> queue_;
  bool armed_ = false;
  std::uint64_t throttled_ = 0;
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
  void on_task_state(Task& task, TaskState from) override;
  void on_task_killed(Task& task) override;

  // Called by the target group and the launch bucket.
  void on_target_unhealthy(Task& task);
  void on_drained(Task& task);
  bool claim_launch();  // the launch bucket has a token for us

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

  void add_usage(cost::Usage& usage, sim::Time end) const;
  void on_warmup_end() override;
  void sample(sim::Time start, sim::Time end, SeriesRow& row) override;
  void finish(RunOutput& out) override;

 private:
  // Service-wide integrals: busy vCPUs and requests worked on by RUNNING tasks, RUNNING tasks.
  struct Marks {
    double busy = 0.0, active = 0.0, running = 0.0, requests = 0.0;
  };
  class Utilization;
  Marks marks(sim::Time now) const;
  double cpu_percent(const Marks& from, const Marks& to) const;
  double memory_percent(const Marks& from, const Marks& to) const;
  int active_tasks() const;
  void add_targets(reports::Json& j) const;
  void reconcile();
  void note_at_max();
  void stop_task(Task& t);
  Task& new_task();

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
  std::vector<std::unique_ptr<Task>> tasks_;  // every task ever launched, in launch order
  std::vector<Task*> live_;                   // not yet STOPPED
  int desired_;
  int running_ = 0;
  int queued_launches_ = 0;
  bool starting_ = false;  // start(): the initial tasks are registered healthy, not `initial`
  double stopped_busy_ = 0.0;
  double stopped_active_ = 0.0;
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
  double cpu_peak_ = std::numeric_limits<double>::quiet_NaN();     // highest interval value
  double memory_peak_ = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t killed_ = 0;
  std::uint64_t replaced_unhealthy_ = 0;
  std::string cause_died_, cause_idle_, cause_drain_, cause_db_;
  TaskCauses causes_;
};

}  // namespace loadcast::models
