// CloudWatch as the autoscaler sees it: an alarm's M of N datapoints with missing data and its
// description, and a metric publisher's periods, publication delay and missing datapoints.
#include <catch2/catch.hpp>

#include <optional>
#include <stdexcept>
#include <vector>

#include "models/scaling/cloudwatch.hpp"
#include "sim/simulation.hpp"

using namespace loadcast;
using namespace loadcast::models;

TEST_CASE("Alarm: M of N datapoints with missing data and INSUFFICIENT_DATA") {
  Alarm a(AlarmConfig{"a", "cpu", Comparison::kGreater, 70.0, 3, 2});
  CHECK(a.state() == AlarmState::kInsufficientData);
  CHECK_FALSE(a.add(std::nullopt));
  CHECK(a.state() == AlarmState::kInsufficientData);
  CHECK(a.add(80.0));  // one present datapoint, breaching, but 2 are needed
  CHECK(a.state() == AlarmState::kOk);
  CHECK(a.add(90.0));
  CHECK(a.state() == AlarmState::kAlarm);
  a.add(10.0);  // the window is now 80, 90, 10: still two breaching
  CHECK(a.state() == AlarmState::kAlarm);
  a.add(10.0);  // 90, 10, 10
  CHECK(a.state() == AlarmState::kOk);
  a.add(std::nullopt);
  a.add(std::nullopt);
  a.add(std::nullopt);  // nothing present in the window
  CHECK(a.state() == AlarmState::kInsufficientData);
}

TEST_CASE("Alarm: its description names the breaching count, the comparison and the datapoints") {
  Alarm a(AlarmConfig{"a", "cpu", Comparison::kGreater, 70.0, 3, 3});
  a.add(91.23);
  a.add(std::nullopt);  // a missing datapoint is left out of the list
  a.add(65.0);
  CHECK(a.describe() == "cpu 1 of 3 datapoints > 70 (91.23, 65)");
  CHECK(a.window() == std::vector<double>{91.23, 65.0});
  CHECK(a.latest() == 65.0);
  a.add(std::nullopt);
  CHECK_FALSE(a.latest().has_value());
}

namespace {

// A metric whose datapoint for [start, end) is end in periods (1, 2, 3, ...), or nothing for the
// periods listed in `missing`.
class PeriodIndex final : public MetricSource {
 public:
  explicit PeriodIndex(sim::Time period) : period_(period) {}
  std::optional<double> collect(sim::Time start, sim::Time end) override {
    REQUIRE(end - start == period_);
    const double index = static_cast<double>(end / period_);
    for (double m : missing) {
      if (m == index) return std::nullopt;
    }
    return index;
  }
  std::vector<double> missing;

 private:
  sim::Time period_;
};

// Records, at each publication, its time, the latest datapoint and the alarm's state.
class Listener final : public PublishListener {
 public:
  Listener(const MetricPublisher& publisher, std::size_t metric, const Alarm* alarm)
      : publisher_(publisher), metric_(metric), alarm_(alarm) {}
  void on_published(sim::Time now) override {
    times.push_back(sim::to_seconds(now));
    values.push_back(publisher_.latest(metric_));
    if (alarm_ != nullptr) states.push_back(alarm_->state());
  }
  std::vector<double> times;
  std::vector<std::optional<double>> values;
  std::vector<AlarmState> states;

 private:
  const MetricPublisher& publisher_;
  std::size_t metric_;
  const Alarm* alarm_;
};

}  // namespace

TEST_CASE("MetricPublisher: a period's datapoint is published its delay after the period ends, to the alarms before the listeners") {
  sim::Simulation sim;
  EventLog events;
  MetricPublisher publisher(sim, events, "svc", sim::kMinute, 150 * sim::kSecond);
  PeriodIndex cpu(sim::kMinute);
  const std::size_t metric = publisher.add_metric("cpu", &cpu);
  CHECK(publisher.find_metric("cpu") == metric);
  CHECK_FALSE(publisher.find_metric("memory").has_value());
  const Alarm& high = publisher.add_alarm(metric, AlarmConfig{"svc.high", "cpu", Comparison::kGreater, 1.5, 1, 1});
  Listener listener(publisher, metric, &high);
  publisher.add_listener(&listener);
  publisher.start();
  sim.run_until(209 * sim::kSecond);
  CHECK(publisher.publications() == 0);
  CHECK_FALSE(publisher.latest(metric).has_value());
  sim.run_until(340 * sim::kSecond);
  // [0, 60 s) at 60 + 150 s, [60, 120 s) at 270 s, [120, 180 s) at 330 s.
  CHECK(listener.times == std::vector<double>{210.0, 270.0, 330.0});
  CHECK(listener.values == std::vector<std::optional<double>>{1.0, 2.0, 3.0});
  // The alarm had seen each datapoint when the listener ran: 1 is not above 1.5, 2 is.
  CHECK(listener.states == std::vector<AlarmState>{AlarmState::kOk, AlarmState::kAlarm, AlarmState::kAlarm});
  REQUIRE(events.events().size() == 2);  // two state changes: -> OK, -> ALARM
  CHECK(events.events()[1].t_s == 270.0);
  CHECK(events.events()[1].target == "svc.high");
  CHECK(events.events()[1].reason == "OK -> ALARM: cpu 1 of 1 datapoints > 1.5 (2)");
}

TEST_CASE("MetricPublisher: with a delay of many periods every batch is published once, in order") {
  // 20 s periods published 150 s late: eight batches are in flight at any time.
  sim::Simulation sim;
  EventLog events;
  MetricPublisher publisher(sim, events, "svc", 20 * sim::kSecond, 150 * sim::kSecond);
  PeriodIndex cpu(20 * sim::kSecond);
  const std::size_t metric = publisher.add_metric("cpu", &cpu);
  Listener listener(publisher, metric, nullptr);
  publisher.add_listener(&listener);
  publisher.start();
  sim.run_until(1000 * sim::kSecond);
  // Period k (ending at 20k s) is published at 20k + 150 s: k = 1..42 by 1000 s.
  REQUIRE(listener.times.size() == 42);
  for (std::size_t i = 0; i < 42; ++i) {
    const double k = static_cast<double>(i + 1);
    CHECK(listener.times[i] == 20.0 * k + 150.0);
    CHECK(listener.values[i] == k);
  }
}

TEST_CASE("MetricPublisher: a period without data publishes no datapoint, which the alarm treats as missing") {
  sim::Simulation sim;
  EventLog events;
  MetricPublisher publisher(sim, events, "svc", sim::kMinute, 0);
  PeriodIndex cpu(sim::kMinute);
  cpu.missing = {2.0};
  const std::size_t metric = publisher.add_metric("cpu", &cpu);
  const Alarm& alarm = publisher.add_alarm(metric, AlarmConfig{"svc.high", "cpu", Comparison::kGreater, 0.0, 1, 1});
  Listener listener(publisher, metric, &alarm);
  publisher.add_listener(&listener);
  publisher.start();
  sim.run_until(3 * sim::kMinute);
  CHECK(listener.values == std::vector<std::optional<double>>{1.0, std::nullopt, 3.0});
  CHECK(listener.states == std::vector<AlarmState>{AlarmState::kAlarm, AlarmState::kInsufficientData, AlarmState::kAlarm});
}

TEST_CASE("MetricPublisher: a period of zero or a negative delay is refused") {
  sim::Simulation sim;
  EventLog events;
  CHECK_THROWS_AS(MetricPublisher(sim, events, "svc", 0, 0), std::invalid_argument);
  CHECK_THROWS_AS(MetricPublisher(sim, events, "svc", sim::kMinute, -1), std::invalid_argument);
}
