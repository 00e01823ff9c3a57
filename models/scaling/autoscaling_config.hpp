// Configuration of Application Auto Scaling for one scalable target (autoscaling.hpp): min and
// max capacity, target tracking and step scaling policies, scheduled actions — a service's
// `autoscaling:` section (a worker's too; Aurora replicas build one from
// `database.replica_autoscaling`). Durations are sim::Time; targets and thresholds are in the
// metric's unit (percent for cpu and memory). validate() returns the problems with keys
// relative to the section; the limits it checks are AWS's, except the 1-100 bound on an alarm's
// evaluation periods (loadcast's own).
// [doc] https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html
// [doc] https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
// [doc] https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/target-tracking-faster-auto-scaling.html
// [secondary] https://github.com/aws/containers-roadmap/issues/1208 (alarm shapes at 60 s)
// assumption: the target-tracking alarm shapes at 20 s (AWS documents none) and AlarmLow's 0.9.
// Facts and assumptions: docs/models/scaling.md#target-tracking
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "models/core/config_problem.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

enum class Comparison { kGreater, kGreaterOrEqual, kLess, kLessOrEqual };
enum class AdjustmentType { kChangeInCapacity, kExactCapacity, kPercentChangeInCapacity };
enum class Aggregation { kAverage, kMinimum, kMaximum };

struct TargetTrackingConfig {
  std::string metric;  // a metric of the service's publisher: cpu, memory, requests_per_target
  double target = 70.0;
  sim::Time scale_out_cooldown = 300 * sim::kSecond;
  sim::Time scale_in_cooldown = 300 * sim::kSecond;
  bool disable_scale_in = false;
  // Scale-in capacity: kCeil (default) is the smallest capacity that keeps the metric at or below
  // the target, which AWS documents as its rule; kFloor is floor(current x metric / target), the
  // common reading of "rounds down when removing capacity", which may push the metric above the
  // target.
  enum class ScaleInRounding { kCeil, kFloor } scale_in_rounding = ScaleInRounding::kCeil;
  // `alarm_high` / `alarm_low`: evaluation periods and datapoints to alarm (M of N); unset, the
  // defaults of the metric's period (high_alarm, low_alarm); datapoints alone default to the
  // periods (all of them).
  std::optional<int> high_periods, high_datapoints;
  std::optional<int> low_periods, low_datapoints;
  double low_ratio = 0.9;  // AlarmLow threshold = low_ratio x target

  struct AlarmShape {
    int periods = 0;
    int datapoints = 0;
    bool assumed = false;  // a default (not the scenario's), listed among the run's assumptions
  };
  static constexpr int kHighPeriods = 3;
  static constexpr sim::Time kLowSpan = 15 * sim::kMinute;
  // The alarms' shapes on metrics of `period`: what the scenario set, else 3 of 3 (AlarmHigh)
  // and 15 minutes of datapoints (AlarmLow).
  AlarmShape high_alarm(sim::Time period) const;
  AlarmShape low_alarm(sim::Time period) const;

  // `period`: the metric's, for the default shapes.
  ConfigProblems validate(sim::Time period = 60 * sim::kSecond) const;
};

// A step: bounds relative to the alarm threshold. Above the threshold the lower bound is
// inclusive and the upper exclusive; below it the lower is exclusive and the upper inclusive.
struct StepAdjustment {
  std::optional<double> lower;
  std::optional<double> upper;
  double adjustment = 0.0;
};

struct StepScalingConfig {
  std::string metric;
  Comparison comparison = Comparison::kGreaterOrEqual;
  double threshold = 0.0;
  int evaluation_periods = 1;
  int datapoints_to_alarm = 1;
  AdjustmentType adjustment_type = AdjustmentType::kChangeInCapacity;
  std::vector<StepAdjustment> steps;
  std::optional<int> min_adjustment_magnitude;  // PercentChangeInCapacity only
  sim::Time cooldown = 300 * sim::kSecond;
  Aggregation aggregation = Aggregation::kAverage;

  ConfigProblems validate() const;
};

struct ScalingPolicyConfig {
  std::string name;
  std::variant<TargetTrackingConfig, StepScalingConfig> spec;
};

// Changes min and/or max at `at` (from the start of the run).
struct ScheduledActionConfig {
  sim::Time at = 0;
  std::optional<int> min;
  std::optional<int> max;

  ConfigProblems validate() const;  // the action on its own; AutoscalingConfig checks the sequence
};

struct AutoscalingConfig {
  int min = 1;
  int max = 1;
  std::vector<ScalingPolicyConfig> policies;
  std::vector<ScheduledActionConfig> scheduled;

  // `period`: the metrics' (target tracking's default alarm shapes).
  ConfigProblems validate(sim::Time period = 60 * sim::kSecond) const;
};

}  // namespace loadcast::models
