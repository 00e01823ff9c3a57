#include <catch2/catch.hpp>

#include "workload/schedule.hpp"

using namespace loadcast::workload;
using namespace loadcast::sim;

TEST_CASE("RateSchedule: linear ramps and steps and holds integrate exactly") {
  // 0..10 s: ramp 0 -> 100/s; 10 s: step to 20/s; held afterwards.
  RateSchedule r({{0, 0.0}, {10 * kSecond, 100.0}, {10 * kSecond, 20.0}});
  CHECK(r.value_at(5 * kSecond) == Approx(50.0));
  CHECK(r.value_at(10 * kSecond) == Approx(20.0));
  CHECK(r.value_at(60 * kSecond) == Approx(20.0));
  CHECK(r.integral(10 * kSecond) == Approx(500.0));
  CHECK(r.integral(20 * kSecond) == Approx(700.0));
  // The inverse undoes the integral inside the ramp and after the step.
  for (double target : {1.0, 125.0, 499.0, 500.0, 650.0}) {
    auto t = r.inverse_integral(target);
    REQUIRE(t.has_value());
    CHECK(r.integral(*t) == Approx(target).epsilon(1e-7));  // times are whole nanoseconds
  }
}

TEST_CASE("RateSchedule: a zero tail has no inverse beyond its total") {
  RateSchedule r({{0, 10.0}, {10 * kSecond, 10.0}, {10 * kSecond, 0.0}});
  CHECK(r.inverse_integral(100.0).has_value());
  CHECK_FALSE(r.inverse_integral(100.5).has_value());
}

TEST_CASE("RateSchedule: validation names out-of-order stages") {
  CHECK(RateSchedule::validate({{0, 1.0}, {5 * kSecond, 2.0}}).empty());
  CHECK_THAT(RateSchedule::validate({{5 * kSecond, 1.0}, {1 * kSecond, 2.0}}), Catch::Contains("out of order"));
  CHECK_THAT(RateSchedule::validate({{0, -1.0}}), Catch::Contains("negative"));
  CHECK_THAT(RateSchedule::validate({}), Catch::Contains("at least one"));
}
