// Application Auto Scaling for one scalable target: target tracking (two owned alarms, a
// proportional formula — assumption: ceil(running × metric / target) both ways) and step scaling
// policies on CloudWatch alarms, cooldowns, min/max (clamped when registering), scheduled actions.
// The autoscaler runs each time its MetricPublisher publishes, after the alarms evaluated; a
// policy whose alarm stays in ALARM is invoked again at every evaluation. The scalable target is
// an interface, so an ECS service, a worker service or an Aurora replica set is scaled by the
// same code; a new metric is a new MetricSource registered with the publisher.
// [doc] https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
// [doc] https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html
// [doc] https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
// [doc] https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
// [doc] https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
// [secondary] https://github.com/aws/containers-roadmap/issues/1208
// Facts and assumptions: docs/models/scaling.md#application-auto-scaling and
// docs/models/scaling.md#aws-facts-and-sources
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
