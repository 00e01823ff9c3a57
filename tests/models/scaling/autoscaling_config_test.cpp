// AutoscalingConfig and its policies and scheduled actions: validate() on plain structs.
#include <catch2/catch.hpp>

#include "models/scaling/autoscaling_config.hpp"
#include "models/scaling/cloudwatch_config.hpp"
#include "tests/models/config_problems.hpp"

using namespace loadcast;
using namespace loadcast::models;
using testing::Lines;
using testing::lines;

namespace {

ScalingPolicyConfig tracking(const std::string& metric, double target) {
  TargetTrackingConfig tt;
  tt.metric = metric;
  tt.target = target;
  return ScalingPolicyConfig{metric + "-target-tracking", tt};
}

StepScalingConfig stepped(std::vector<StepAdjustment> steps) {
  StepScalingConfig st;
  st.metric = "cpu";
  st.threshold = 70;
  st.steps = std::move(steps);
  return st;
}

AutoscalingConfig range(int min, int max) {
  AutoscalingConfig a;
  a.min = min;
  a.max = max;
  return a;
}

}  // namespace

TEST_CASE("AutoscalingConfig: max must be >= min, min >= 0") {
  CHECK(range(1, 4).validate().empty());
  CHECK(lines(range(4, 2).validate()) == Lines{"max: max (2) must be >= min (4)"});
  CHECK(lines(range(-1, -2).validate()) == Lines{"min: must be >= 0", "max: max (-2) must be >= min (-1)"});
}

TEST_CASE("AutoscalingConfig: target tracking target and alarms") {
  TargetTrackingConfig tt;
  tt.target = 0;
  tt.low_ratio = 1.5;
  tt.high_datapoints = 5;  // of 3 periods
  CHECK(lines(tt.validate()) == Lines{"target: must be > 0", "alarm_high: datapoints_to_alarm (5) must be <= evaluation_periods (3)",
                                      "alarm_low.ratio: must be in (0, 1]"});
  tt = TargetTrackingConfig{};
  tt.low_periods = 0;
  tt.low_datapoints = 20;  // compared with the default 15 periods that stand in for the invalid 0
  CHECK(lines(tt.validate()) == Lines{"alarm_low.evaluation_periods: must be between 1 and 100",
                                      "alarm_low: datapoints_to_alarm (20) must be <= evaluation_periods (15)"});
}

TEST_CASE("AutoscalingConfig: one target tracking policy per metric, unique names") {
  AutoscalingConfig a = range(1, 4);
  a.policies = {tracking("cpu", 70), tracking("cpu", 50), tracking("memory", 80)};
  a.policies[2].name = a.policies[0].name;
  CHECK(lines(a.validate()) == Lines{"policies[1].metric: another target_tracking policy already uses metric cpu (AWS requires one policy per metric)",
                                     "policies[1]: duplicate policy name 'cpu-target-tracking'",
                                     "policies[2]: duplicate policy name 'cpu-target-tracking'"});
}

TEST_CASE("AutoscalingConfig: step scaling bounds neither overlap nor leave gaps") {
  CHECK(stepped({{0.0, 10.0, 1}, {10.0, std::nullopt, 2}}).validate().empty());
  CHECK(lines(stepped({}).validate()) == Lines{"steps: needs at least one step, e.g. steps: [ { lower: 0, adjustment: 1 } ]"});
  CHECK(lines(stepped({{10.0, 5.0, 1}}).validate()) == Lines{"steps: a step's lower bound must be below its upper bound"});
  CHECK(lines(stepped({{std::nullopt, 5.0, 1}, {std::nullopt, 10.0, 1}}).validate()) ==
        Lines{"steps: only one step may leave 'lower' out and only one may leave 'upper' out"});
  const Lines gap{"steps: steps must not overlap or leave gaps: each step's lower bound is the previous step's upper bound"};
  CHECK(lines(stepped({{0.0, 10.0, 1}, {20.0, std::nullopt, 2}}).validate()) == gap);
  CHECK(lines(stepped({{20.0, std::nullopt, 2}, {0.0, 30.0, 1}}).validate()) == gap);
}

TEST_CASE("AutoscalingConfig: step adjustments, MinAdjustmentMagnitude and the alarm") {
  StepScalingConfig st = stepped({{0.0, std::nullopt, -1}});
  st.adjustment_type = AdjustmentType::kExactCapacity;
  st.min_adjustment_magnitude = 2;
  st.evaluation_periods = 2;
  st.datapoints_to_alarm = 3;
  CHECK(lines(st.validate()) == Lines{"(itself): datapoints_to_alarm (3) must be <= evaluation_periods (2)",
                                      "min_adjustment_magnitude: applies only with adjustment_type: percent_change_in_capacity",
                                      "steps[0].adjustment: an exact capacity must be >= 0"});
  st = stepped({{0.0, std::nullopt, 10}});
  st.adjustment_type = AdjustmentType::kPercentChangeInCapacity;
  st.min_adjustment_magnitude = 0;
  CHECK(lines(st.validate()) == Lines{"min_adjustment_magnitude: must be at least 1"});
  st.min_adjustment_magnitude = 2;
  CHECK(st.validate().empty());
}

TEST_CASE("AutoscalingConfig: scheduled actions on their own and in time order") {
  AutoscalingConfig a = range(1, 4);
  SECTION("min alone above the max in force") {
    a.scheduled = {{2 * sim::kHour, 6, std::nullopt}};
    CHECK(lines(a.validate()) ==
          Lines{"scheduled[0]: min (6) is above the max in force then (4); set both min and max, or change them in an earlier action"});
  }
  SECTION("actions run in time order, whatever the list order") {
    a.scheduled = {{2 * sim::kHour, 6, std::nullopt}, {sim::kHour, std::nullopt, 8}};
    CHECK(a.validate().empty());
  }
  SECTION("max alone below the min an earlier action set") {
    a.scheduled = {{sim::kHour, 3, std::nullopt}, {2 * sim::kHour, std::nullopt, 2}};
    CHECK(lines(a.validate()) ==
          Lines{"scheduled[1]: max (2) is below the min in force then (3); set both min and max, or change them in an earlier action"});
  }
  SECTION("an action wrong on its own is reported once and left out of the sequence") {
    a.scheduled = {{sim::kHour, -1, -2}, {2 * sim::kHour, 3, std::nullopt}};
    CHECK(lines(a.validate()) == Lines{"scheduled[0]: min and max must be >= 0", "scheduled[0]: max must be >= min"});
  }
}

TEST_CASE("MetricsConfig: 60 s or 20 s resolution") {
  CHECK(MetricsConfig{}.validate().empty());
  CHECK(MetricsConfig{20 * sim::kSecond, 15 * sim::kSecond}.validate().empty());
  CHECK(lines(MetricsConfig{30 * sim::kSecond, 0}.validate()) == Lines{"resolution: must be 60s (standard) or 20s (high resolution)"});
}
