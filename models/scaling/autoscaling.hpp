// Application Auto Scaling for one scalable target: target tracking and step scaling policies on
// CloudWatch alarms, cooldowns, min/max, scheduled actions.
//
// The autoscaler runs each time its MetricPublisher publishes (after the alarms evaluated): a
// policy whose alarm is in ALARM is invoked again at every evaluation while the alarm stays
// there, as CloudWatch does for Auto Scaling actions ("the alarm continues to invoke the action
// once per minute that the alarm remains in the new state", [doc]
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html ;
// assumption: at 20 s resolution once per publication). Behaviour, with sources:
// - Target tracking owns two alarms: AlarmHigh (metric > target, default 3 of 3 datapoints) and
//   AlarmLow (metric < low_ratio x target, default 15 minutes of datapoints: 15 of 15 at 60 s;
//   assumption at 20 s, where AWS documents no shape: 45 of 45, see autoscaling_config.hpp).
//   [secondary] https://github.com/aws/containers-roadmap/issues/1208 ; [doc]
//   https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html
// - assumption (AWS publishes no formula, only "proportional", "rounds up when adding, down when
//   removing", and that it does not scale in when removing capacity would push the metric above
//   the target, [doc] https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html):
//   scale out to ceil(current x metric / target); scale in to the smallest capacity that keeps
//   the metric at or below the target, which is ceil(current x metric / target) as well
//   (removing floor(current - current x metric / target) tasks), not floor(current x metric /
//   target), which would leave the metric above the target.
//   assumption: `current` is the RUNNING count at the evaluation (ECS: the tasks the metric
//   averages over, so tasks still starting are not counted twice). The datapoint is older than
//   that (the publication delay), so it may describe fewer tasks; during a scale-out cooldown
//   the RUNNING count when the cooldown started is used instead (below).
// - Several policies: out if any policy wants out; target-tracking scale-in only if every
//   target-tracking policy with scale-in enabled wants in; the largest capacity wins. Step
//   scale-in is not blocked by target tracking. DisableScaleIn. [doc] same page.
// - Cooldowns: after a scale-out, desired is not raised again unless a larger scale-out is
//   triggered: "the capacity added by the scale-out activity that initiated the cooldown is
//   calculated as part of the desired capacity for the next scale-out" ([doc]
//   https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html#target-tracking-cooldown).
//   So during the cooldown a target-tracking proposal is computed on the RUNNING count the
//   cooldown started from (the metric still reflects it) and acts only when it exceeds the
//   current desired count; a step adjustment is computed from the desired count before the
//   first scale-out of the cooldown. A scale-in cooldown blocks scale-in; a scale-out cancels
//   it. Scheduled actions ignore cooldowns. [doc]
//   https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
// - Step scaling: bounds relative to the alarm threshold; the aggregated value (average, min or
//   max of the alarm's datapoints) picks the step; ChangeInCapacity, ExactCapacity,
//   PercentChangeInCapacity (rounding: above 1 down, 0..1 -> 1, -1..0 -> -1, below -1 toward
//   zero; MinAdjustmentMagnitude). [doc] same step-scaling page.
// - Registering the scalable target "changes the resource's current capacity to a value that is
//   inside of this range" [min, max] (an event `desired_clamped` says so). [doc]
//   https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html ,
//   https://docs.aws.amazon.com/autoscaling/application/userguide/getting-started.html
// - No datapoint with zero RUNNING tasks, so CPU/memory policies never scale out from 0; nor
//   does backlog per task, visible / RUNNING, unless its metric math is guarded (a worker's
//   `backlog_metric_math`, messaging/worker_config.hpp): then it is the whole backlog at zero
//   tasks, and target tracking on it (MetricPublisher per_task_of_total) uses max(running, 1) in
//   the formula, so it scales out from 0 to ceil(backlog / target).
// The scalable target is an interface, so a worker service or an Aurora replica set can be
// scaled by the same code; a new metric is a new MetricSource registered with the publisher.
// Not thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/scaling/cloudwatch.hpp"
#include "models/core/component.hpp"
#include "models/scaling/autoscaling_config.hpp"
#include "sim/simulation.hpp"

namespace loadcast::models {

class ScalableTarget {
 public:
  virtual ~ScalableTarget() = default;
  virtual const std::string& scalable_name() const = 0;
  virtual int desired_capacity() const = 0;
  virtual void set_desired_capacity(int capacity) = 0;
  // The capacity the metrics describe (ECS: RUNNING tasks).
  virtual int running_capacity() const = 0;
};

// AWS's rounding of a PercentChangeInCapacity adjustment (before MinAdjustmentMagnitude).
int round_percent_adjustment(double change);

class Autoscaler final : public PublishListener {
 public:
  // `config` must outlive the autoscaler. Throws std::invalid_argument when a policy names a
  // metric the publisher does not have.
  Autoscaler(sim::Simulation& sim, EventLog& events, ScalableTarget& target, const AutoscalingConfig& config,
             MetricPublisher& publisher);

  // AWS clamps a scalable target's current capacity into [min, max] when it is registered:
  // returns `capacity` clamped, with a `desired_clamped` event when that changed it.
  int register_capacity(int capacity);
  // Clamps the target's desired count (register_capacity) and schedules the scheduled actions.
  void start();
  void on_published(sim::Time now) override;

  int min_capacity() const { return min_; }
  int max_capacity() const { return max_; }
  std::uint64_t scale_outs() const { return scale_outs_; }
  std::uint64_t scale_ins() const { return scale_ins_; }

 private:
  struct Policy {
    const ScalingPolicyConfig* config;
    std::size_t metric;
    Alarm* high = nullptr;  // target tracking AlarmHigh, or the step policy's alarm
    Alarm* low = nullptr;   // target tracking AlarmLow
  };
  struct Proposal {
    int capacity = 0;
    const Policy* policy = nullptr;
    sim::Time cooldown = 0;
    std::string reason;
  };

  int clamp(int capacity) const;
  int step_capacity(const Policy& p, int base, double value) const;
  void apply(int to, const char* type, const std::string& reason);
  void on_scheduled(std::size_t index);

  sim::Simulation& sim_;
  EventLog& events_;
  ScalableTarget& target_;
  const AutoscalingConfig& config_;
  MetricPublisher& publisher_;
  std::vector<Policy> policies_;
  int min_;
  int max_;
  sim::Time out_cooldown_until_ = -1;
  int out_base_ = 0;          // desired before the first scale-out of the running scale-out cooldown
  int out_base_running_ = 0;  // RUNNING then: what target tracking computes on during the cooldown
  sim::Time in_cooldown_until_ = -1;
  std::uint64_t scale_outs_ = 0;
  std::uint64_t scale_ins_ = 0;
};

}  // namespace loadcast::models
