// Application Auto Scaling against a scripted metric: each published datapoint is chosen by the
// test, so every decision of the autoscaler can be checked minute by minute.
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <optional>

#include "models/scaling/autoscaling.hpp"
#include "models/scaling/cloudwatch.hpp"
#include "sim/simulation.hpp"

using namespace loadcast;
using namespace loadcast::models;

namespace {

constexpr sim::Time kMin = sim::kMinute;

// A metric whose datapoint for the period ending at minute m is script(m).
class ScriptedMetric final : public MetricSource {
 public:
  std::function<std::optional<double>(int)> script;
  std::optional<double> collect(sim::Time, sim::Time end) override { return script(static_cast<int>(end / kMin)); }
};

class FakeTarget final : public ScalableTarget {
 public:
  explicit FakeTarget(int desired) : desired_(desired), running_(desired) {}
  const std::string& scalable_name() const override { return name_; }
  int desired_capacity() const override { return desired_; }
  void set_desired_capacity(int c) override {
    desired_ = c;
    if (follow_) running_ = c;
  }
  int running_capacity() const override { return running_; }
  void set_running(int r) { running_ = r; }
  void follow(bool f) { follow_ = f; }

 private:
  std::string name_ = "svc";
  int desired_;
  int running_;
  bool follow_ = true;  // tasks start at once unless a test says otherwise
};

struct Rig {
  sim::Simulation sim;
  EventLog events;
  MetricPublisher publisher;
  ScriptedMetric cpu;
  ScriptedMetric memory;
  FakeTarget target;
  AutoscalingConfig config;
  std::unique_ptr<Autoscaler> scaler;

  Rig(int desired, sim::Time delay = 0) : publisher(sim, events, "svc", kMin, delay), target(desired) {
    cpu.script = [](int) { return 50.0; };
    memory.script = [](int) { return 50.0; };
    publisher.add_metric("cpu", &cpu);
    publisher.add_metric("memory", &memory);
  }
  void start() {
    scaler = std::make_unique<Autoscaler>(sim, events, target, config, publisher);
    publisher.start();
    scaler->start();
  }
  // Scaling events as (minute, type, from, to).
  std::vector<std::tuple<double, std::string, int, int>> scalings() {
    std::vector<std::tuple<double, std::string, int, int>> out;
    for (const auto& e : events.events()) {
      if (e.type == "scale_out" || e.type == "scale_in") {
        out.emplace_back(e.t_s / 60.0, e.type, static_cast<int>(*e.from), static_cast<int>(*e.to));
      }
    }
    return out;
  }
};

ScalingPolicyConfig target_tracking(const std::string& metric, double target, sim::Time out_cd, sim::Time in_cd) {
  TargetTrackingConfig tt;
  tt.metric = metric;
  tt.target = target;
  tt.scale_out_cooldown = out_cd;
  tt.scale_in_cooldown = in_cd;
  return ScalingPolicyConfig{metric + "-tt", tt};
}

}  // namespace

TEST_CASE("Autoscaler: no scale-out before three datapoints above target then the ceil formula") {
  Rig rig(2, 2 * kMin);
  rig.config.min = 1;
  rig.config.max = 10;
  rig.config.policies.push_back(target_tracking("cpu", 70, kMin, 5 * kMin));
  rig.cpu.script = [](int m) { return m <= 10 ? 40.0 : 95.0; };  // the period ending at minute 11 is the first high one
  rig.start();
  rig.sim.run_until(30 * kMin);
  const auto s = rig.scalings();
  REQUIRE(!s.empty());
  // Datapoints ending at minutes 11, 12, 13 are high; the third is published 2 minutes later.
  CHECK(std::get<0>(s[0]) == Approx(15.0));
  CHECK(std::get<1>(s[0]) == "scale_out");
  CHECK(std::get<3>(s[0]) == 3);  // ceil(2 x 95 / 70) = ceil(2.71)
}

TEST_CASE("Autoscaler: a scale-out during its cooldown happens only when larger") {
  Rig rig(2);
  rig.config.min = 1;
  rig.config.max = 20;
  rig.config.policies.push_back(target_tracking("cpu", 50, 10 * kMin, 5 * kMin));
  rig.target.follow(false);  // new tasks are not running yet: the metric still describes 2
  rig.cpu.script = [](int m) { return m < 4 ? 60.0 : m < 6 ? 60.0 : 130.0; };
  rig.start();
  rig.sim.run_until(9 * kMin);
  const auto s = rig.scalings();
  REQUIRE(s.size() == 2);
  // Minute 3: ceil(2 x 60 / 50) = 3. Minutes 4, 5: the same proposal, not larger: nothing.
  CHECK(std::get<0>(s[0]) == Approx(3.0));
  CHECK(std::get<3>(s[0]) == 3);
  // Minute 6 (the alarm still in ALARM, newest datapoint 130): ceil(2 x 130 / 50) = 6 > 3,
  // allowed during the cooldown; minutes 7 and 8 propose 6 again: nothing.
  CHECK(std::get<0>(s[1]) == Approx(6.0));
  CHECK(std::get<2>(s[1]) == 3);
  CHECK(std::get<3>(s[1]) == 6);
}

TEST_CASE("Autoscaler: no scale-in before fifteen low datapoints and one per cooldown") {
  Rig rig(10);
  rig.config.min = 1;
  rig.config.max = 10;
  rig.config.policies.push_back(target_tracking("cpu", 70, kMin, 5 * kMin));
  // Load falls steadily: what 10 tasks ran at 65 % is worth 65 x 10 tasks-percent, falling 5 % a minute.
  rig.cpu.script = [&rig](int m) {
    const double work = m <= 10 ? 650.0 : std::max(40.0, 650.0 * (1.0 - 0.05 * (m - 10)));
    return work / rig.target.running_capacity();
  };
  rig.start();
  rig.sim.run_until(60 * kMin);
  const auto s = rig.scalings();
  REQUIRE(s.size() >= 2);
  // Datapoints below 63 start with the period ending at minute 11 (617.5 / 10 = 61.75): the 15th
  // is minute 25.
  CHECK(std::get<0>(s[0]) == Approx(25.0));
  for (std::size_t i = 0; i < s.size(); ++i) {
    CHECK(std::get<1>(s[i]) == "scale_in");
    if (i > 0) CHECK(std::get<0>(s[i]) - std::get<0>(s[i - 1]) >= 5.0 - 1e-9);
  }
  // Never so far that the metric would exceed the target: at minute 25 the work is
  // 650 x 0.25 = 162.5 task-percent, ceil(10 x 16.25 / 70) = 3 tasks (54 %); then one cooldown
  // later ceil(3 x 13.3 / 70) = 1.
  REQUIRE(s.size() == 2);
  CHECK(std::get<3>(s[0]) == 3);
  CHECK(std::get<0>(s[1]) == Approx(30.0));
  CHECK(std::get<3>(s[1]) == 1);
}

TEST_CASE("Autoscaler: scale_in_rounding floor removes one task more than ceil where the target allows it not") {
  // 3 tasks at a steady 50 % with target 70: 3 x 50 / 70 = 2.14. ceil keeps 3 (2 tasks would run
  // at 75 %, above the target); floor goes to 2 after the fifteenth low datapoint (minute 15).
  for (const bool floor_in : {false, true}) {
    Rig rig(3);
    rig.config.min = 1;
    rig.config.max = 10;
    auto p = target_tracking("cpu", 70, kMin, 5 * kMin);
    if (floor_in) std::get<TargetTrackingConfig>(p.spec).scale_in_rounding = TargetTrackingConfig::ScaleInRounding::kFloor;
    rig.config.policies.push_back(p);
    rig.cpu.script = [&rig](int) { return 150.0 / rig.target.running_capacity(); };
    rig.start();
    rig.sim.run_until(30 * kMin);
    const auto s = rig.scalings();
    if (!floor_in) {
      CHECK(s.empty());
      continue;
    }
    // After the first scale-in 2 tasks run at 75 %: above 0.9 x 70, so AlarmLow leaves ALARM and
    // AlarmHigh needs three datapoints above 70 to scale back out to ceil(2 x 75 / 70) = 3.
    REQUIRE(s.size() >= 2);
    CHECK(std::get<0>(s[0]) == Approx(15.0));
    CHECK(std::get<1>(s[0]) == "scale_in");
    CHECK(std::get<3>(s[0]) == 2);
    CHECK(std::get<1>(s[1]) == "scale_out");
    CHECK(std::get<3>(s[1]) == 3);
  }
}

TEST_CASE("Autoscaler: with cpu and memory policies scale-in needs both low") {
  Rig rig(4);
  rig.config.min = 1;
  rig.config.max = 10;
  rig.config.policies.push_back(target_tracking("cpu", 70, kMin, 5 * kMin));
  rig.config.policies.push_back(target_tracking("memory", 80, kMin, 5 * kMin));
  bool memory_low = false;
  rig.cpu.script = [](int) { return 10.0; };
  rig.memory.script = [&memory_low](int) { return memory_low ? 20.0 : 75.0; };  // 75 >= 0.9 x 80
  rig.start();
  rig.sim.run_until(40 * kMin);
  CHECK(rig.scalings().empty());
  memory_low = true;
  rig.sim.run_until(80 * kMin);
  const auto s = rig.scalings();
  REQUIRE(!s.empty());
  // Memory datapoints turn low from minute 41: the 15th is minute 55.
  CHECK(std::get<0>(s[0]) == Approx(55.0));
  // The largest capacity wins: cpu wants ceil(4 x 10 / 70) = 1, memory ceil(4 x 20 / 80) = 1.
  CHECK(std::get<3>(s[0]) == 1);
}

TEST_CASE("Autoscaler: disable_scale_in and the min max clamp") {
  Rig rig(3);
  rig.config.min = 2;
  rig.config.max = 5;
  auto p = target_tracking("cpu", 50, kMin, kMin);
  std::get<TargetTrackingConfig>(p.spec).disable_scale_in = true;
  rig.config.policies.push_back(p);
  rig.cpu.script = [](int m) { return m < 30 ? 5.0 : 400.0; };
  rig.start();
  rig.sim.run_until(29 * kMin);
  CHECK(rig.scalings().empty());  // low for 29 minutes, but scale-in is disabled
  rig.sim.run_until(40 * kMin);
  const auto s = rig.scalings();
  REQUIRE(!s.empty());
  CHECK(std::get<3>(s[0]) == 5);  // ceil(3 x 400 / 50) = 24, clamped to max 5
}

TEST_CASE("Autoscaler: a scale-out cancels a running scale-in cooldown") {
  Rig rig(6);
  rig.config.min = 1;
  rig.config.max = 10;
  rig.config.policies.push_back(target_tracking("cpu", 50, kMin, 30 * kMin));
  rig.cpu.script = [&rig](int m) {
    if (m <= 15) return 6.0 * 20.0 / rig.target.running_capacity();  // low: in to 3 at minute 15
    if (m <= 20) return 6.0 * 70.0 / rig.target.running_capacity();  // 140 % on 3: out at minute 18
    return 6.0 * 20.0 / rig.target.running_capacity();
  };
  rig.start();
  rig.sim.run_until(60 * kMin);
  const auto s = rig.scalings();
  REQUIRE(s.size() >= 3);
  CHECK(std::get<1>(s[0]) == "scale_in");
  CHECK(std::get<0>(s[0]) == Approx(15.0));
  CHECK(std::get<1>(s[1]) == "scale_out");
  CHECK(std::get<0>(s[1]) == Approx(18.0));
  // Without the cancellation the next scale-in would wait until minute 45 (15 + 30); with it,
  // it comes after 15 low datapoints (minutes 21-35; 19 and 20 were 46.7 on 9 tasks).
  CHECK(std::get<1>(s[2]) == "scale_in");
  CHECK(std::get<0>(s[2]) == Approx(35.0));
}

TEST_CASE("Autoscaler: step scaling with bounds relative to the threshold") {
  Rig rig(4);
  rig.config.min = 1;
  rig.config.max = 100;
  StepScalingConfig st;
  st.metric = "cpu";
  st.comparison = Comparison::kGreaterOrEqual;
  st.threshold = 60;
  st.adjustment_type = AdjustmentType::kChangeInCapacity;
  st.steps = {{0.0, 20.0, 1.0}, {20.0, std::nullopt, 3.0}};
  st.cooldown = 0;
  rig.config.policies.push_back(ScalingPolicyConfig{"step", st});
  rig.target.follow(false);
  rig.cpu.script = [](int m) { return m == 1 ? 60.0 : m == 2 ? 79.99 : m == 3 ? 80.0 : 10.0; };
  rig.start();
  rig.sim.run_until(5 * kMin);
  const auto s = rig.scalings();
  REQUIRE(s.size() == 3);
  CHECK(std::get<3>(s[0]) == 5);  // 60 - 60 = 0: lower bound inclusive -> +1
  CHECK(std::get<3>(s[1]) == 6);  // 19.99 -> +1
  CHECK(std::get<3>(s[2]) == 9);  // 20: upper bound exclusive -> +3
}

TEST_CASE("Autoscaler: a step scale-out in its cooldown counts what it already added") {
  Rig rig(10);
  rig.config.min = 1;
  rig.config.max = 100;
  StepScalingConfig st;
  st.metric = "cpu";
  st.comparison = Comparison::kGreater;
  st.threshold = 50;
  st.steps = {{0.0, 30.0, 2.0}, {30.0, std::nullopt, 3.0}};
  st.cooldown = 10 * kMin;
  rig.config.policies.push_back(ScalingPolicyConfig{"step", st});
  rig.cpu.script = [](int m) { return m == 1 ? 60.0 : 90.0; };
  rig.start();
  rig.sim.run_until(5 * kMin);
  const auto s = rig.scalings();
  // +2 at minute 1 (10 -> 12); the +3 asked at minute 2 adds only 1 (10 + 3 = 13); no more after.
  REQUIRE(s.size() == 2);
  CHECK(std::get<3>(s[0]) == 12);
  CHECK(std::get<3>(s[1]) == 13);
}

TEST_CASE("Autoscaler: percent change rounding and MinAdjustmentMagnitude") {
  CHECK(round_percent_adjustment(6.67) == 6);
  CHECK(round_percent_adjustment(0.4) == 1);
  CHECK(round_percent_adjustment(-0.4) == -1);
  CHECK(round_percent_adjustment(-6.67) == -6);
  CHECK(round_percent_adjustment(0.0) == 0);

  Rig rig(10);
  rig.config.min = 1;
  rig.config.max = 100;
  StepScalingConfig st;
  st.metric = "cpu";
  st.comparison = Comparison::kGreaterOrEqual;
  st.threshold = 70;
  st.adjustment_type = AdjustmentType::kPercentChangeInCapacity;
  st.steps = {{0.0, std::nullopt, 10.0}};  // +10 % of 10 = +1
  st.min_adjustment_magnitude = 3;
  st.cooldown = 0;
  rig.config.policies.push_back(ScalingPolicyConfig{"pct", st});
  rig.cpu.script = [](int m) { return m == 1 ? 80.0 : 10.0; };
  rig.start();
  rig.sim.run_until(3 * kMin);
  const auto s = rig.scalings();
  REQUIRE(s.size() == 1);
  CHECK(std::get<3>(s[0]) == 13);  // +1 raised to the minimum magnitude 3
}

TEST_CASE("Autoscaler: scheduled actions change min and max and ignore cooldowns") {
  Rig rig(2);
  rig.config.min = 1;
  rig.config.max = 10;
  rig.config.scheduled = {ScheduledActionConfig{10 * kMin, 5, std::nullopt},
                          ScheduledActionConfig{20 * kMin, 1, 3}};
  rig.start();
  rig.sim.run_until(30 * kMin);
  const auto s = rig.scalings();
  REQUIRE(s.size() == 2);
  CHECK(std::get<0>(s[0]) == Approx(10.0));
  CHECK(std::get<3>(s[0]) == 5);
  CHECK(std::get<0>(s[1]) == Approx(20.0));
  CHECK(std::get<3>(s[1]) == 3);
  CHECK(rig.scaler->min_capacity() == 1);
  CHECK(rig.scaler->max_capacity() == 3);
}

TEST_CASE("Autoscaler: no datapoint means no action so zero tasks never scale out") {
  Rig rig(0);
  rig.config.min = 0;
  rig.config.max = 10;
  rig.config.policies.push_back(target_tracking("cpu", 70, kMin, kMin));
  rig.cpu.script = [](int) { return std::nullopt; };  // ECS: no RUNNING task, no datapoint
  rig.start();
  rig.sim.run_until(60 * kMin);
  CHECK(rig.scalings().empty());
  for (const auto& e : rig.events.events()) CHECK(e.type != "alarm");  // stays INSUFFICIENT_DATA
}

TEST_CASE("Autoscaler: during a scale-out cooldown target tracking computes on the capacity the cooldown started from") {
  Rig rig(2);
  rig.config.min = 1;
  rig.config.max = 20;
  rig.config.policies.push_back(target_tracking("cpu", 50, 10 * kMin, 5 * kMin));
  // The new task is RUNNING at once, but the (delayed) datapoints still describe 2 tasks.
  rig.cpu.script = [](int m) { return m < 6 ? 60.0 : 130.0; };
  rig.start();
  rig.sim.run_until(9 * kMin);
  const auto s = rig.scalings();
  REQUIRE(s.size() == 2);
  // Minute 3: ceil(2 x 60 / 50) = 3, and 3 tasks run. Minutes 4, 5: on the 3 running tasks the
  // formula would say ceil(3 x 60 / 50) = 4; on the 2 the cooldown started from it says 3,
  // which is not above the desired 3: nothing.
  CHECK(std::get<0>(s[0]) == Approx(3.0));
  CHECK(std::get<3>(s[0]) == 3);
  // Minute 6: ceil(2 x 130 / 50) = 6 > 3 is larger: allowed during the cooldown.
  CHECK(std::get<0>(s[1]) == Approx(6.0));
  CHECK(std::get<3>(s[1]) == 6);
  // After the cooldown (minute 16) the running count is used again: ceil(6 x 130 / 50) = 16.
  rig.sim.run_until(17 * kMin);
  const auto later = rig.scalings();
  REQUIRE(later.size() == 3);
  CHECK(std::get<0>(later[2]) == Approx(16.0));
  CHECK(std::get<3>(later[2]) == 16);
}

TEST_CASE("Autoscaler: an ExactCapacity step sets the capacity in both directions") {
  Rig rig(4);
  rig.config.min = 1;
  rig.config.max = 100;
  StepScalingConfig st;
  st.metric = "cpu";
  st.comparison = Comparison::kGreaterOrEqual;
  st.threshold = 60;
  st.adjustment_type = AdjustmentType::kExactCapacity;
  st.steps = {{0.0, 20.0, 5.0}, {20.0, std::nullopt, 8.0}};
  st.cooldown = 0;
  rig.config.policies.push_back(ScalingPolicyConfig{"exact", st});
  rig.cpu.script = [](int m) { return m == 1 ? 65.0 : m == 2 ? 85.0 : m == 3 ? 62.0 : 10.0; };
  rig.start();
  rig.sim.run_until(6 * kMin);
  const auto s = rig.scalings();
  REQUIRE(s.size() == 3);
  const std::tuple<double, std::string, int, int> expected[] = {
      {1.0, "scale_out", 4, 5},  // 65 - 60 = 5: the first step
      {2.0, "scale_out", 5, 8},  // 25: the second
      {3.0, "scale_in", 8, 5},   // 2: the first again, exactly 5
  };
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(std::get<0>(s[i]) == Approx(std::get<0>(expected[i])));
    CHECK(std::get<1>(s[i]) == std::get<1>(expected[i]));
    CHECK(std::get<2>(s[i]) == std::get<2>(expected[i]));
    CHECK(std::get<3>(s[i]) == std::get<3>(expected[i]));
  }
}

TEST_CASE("Autoscaler: a step policy matches its step on the average, minimum or maximum of the alarm's datapoints") {
  auto run_with = [](Aggregation aggregation) {
    Rig rig(4);
    rig.config.min = 1;
    rig.config.max = 100;
    StepScalingConfig st;
    st.metric = "cpu";
    st.comparison = Comparison::kGreaterOrEqual;
    st.threshold = 50;
    st.evaluation_periods = 3;
    st.datapoints_to_alarm = 3;
    st.steps = {{0.0, 20.0, 1.0}, {20.0, 40.0, 2.0}, {40.0, std::nullopt, 3.0}};
    st.cooldown = 10 * kMin;
    st.aggregation = aggregation;
    rig.config.policies.push_back(ScalingPolicyConfig{"step", st});
    rig.cpu.script = [](int m) { return m == 1 ? 55.0 : m == 2 ? 95.0 : m == 3 ? 65.0 : 10.0; };
    rig.start();
    rig.sim.run_until(6 * kMin);
    const auto s = rig.scalings();
    REQUIRE(s.size() == 1);
    CHECK(std::get<0>(s[0]) == Approx(3.0));  // 3 of 3 datapoints >= 50 at minute 3
    return std::get<3>(s[0]);
  };
  CHECK(run_with(Aggregation::kAverage) == 6);  // 71.7 - 50 = 21.7: +2
  CHECK(run_with(Aggregation::kMinimum) == 5);  // 55 - 50 = 5: +1
  CHECK(run_with(Aggregation::kMaximum) == 7);  // 95 - 50 = 45: +3
}
