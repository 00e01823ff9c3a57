// CloudWatch as the autoscaler sees it: an alarm's M of N datapoints with missing data.
#include <catch2/catch.hpp>

#include <optional>

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
