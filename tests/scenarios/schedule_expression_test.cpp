// Schedule expressions (Copilot's on.schedule, EventBridge's rate/cron/at) as a period and a first
// firing, for queue schedules and autoscaling scheduled actions.
#include <catch2/catch.hpp>

#include "scenarios/loader/import/schedule_expression.hpp"

using namespace loadcast;
using scenario::parse_recurrence;
using scenario::parse_time_of_day;

namespace {

std::pair<sim::Time, sim::Time> every_start(const std::string& e) {
  std::string why;
  const auto r = parse_recurrence(e, why);
  INFO(e << ": " << why);
  REQUIRE(r);
  CHECK(r->approximation.empty());
  return {r->every, r->start};
}

}  // namespace

TEST_CASE("ScheduleExpression: Copilot's and EventBridge's periodic forms give a period and a first firing") {
  using P = std::pair<sim::Time, sim::Time>;
  CHECK(every_start("@hourly") == P{sim::kHour, 0});
  CHECK(every_start("@daily") == P{sim::kDay, 0});
  CHECK(every_start("@weekly") == P{7 * sim::kDay, 0});
  CHECK(every_start("@every 1h30m") == P{90 * sim::kMinute, 0});
  CHECK(every_start("rate(5 minutes)") == P{5 * sim::kMinute, 0});
  CHECK(every_start("rate(1 day)") == P{sim::kDay, 0});
  CHECK(every_start("cron(30 2 * * ? *)") == P{sim::kDay, 2 * sim::kHour + 30 * sim::kMinute});
  CHECK(every_start("cron(30 * * * ? *)") == P{sim::kHour, 30 * sim::kMinute});
  CHECK(every_start("cron(0/10 * * * ? *)") == P{10 * sim::kMinute, 0});
  CHECK(every_start("0 18 * * *") == P{sim::kDay, 18 * sim::kHour});
  CHECK(every_start("*/15 * * * *") == P{15 * sim::kMinute, 0});
  CHECK(every_start("5 */6 * * *") == P{6 * sim::kHour, 5 * sim::kMinute});
}

TEST_CASE("ScheduleExpression: what a period cannot say is approximated or refused, with the reason") {
  std::string why;
  SECTION("a day-of-week restriction is dropped and said so") {
    const auto r = parse_recurrence("0 9 * * MON-FRI", why);
    REQUIRE(r);
    CHECK(r->every == sim::kDay);
    CHECK(r->approximation == "day of week 'MON-FRI' dropped: fires every day");
  }
  SECTION("@monthly is taken as 30 days") {
    const auto r = parse_recurrence("@monthly", why);
    REQUIRE(r);
    CHECK(r->approximation == "a month taken as 30 days");
  }
  SECTION("none, lists, bursts and one-off expressions are refused") {
    CHECK_FALSE(parse_recurrence("none", why));
    CHECK(why.find("never runs") != std::string::npos);
    CHECK_FALSE(parse_recurrence("0,30 * * * *", why));
    CHECK_FALSE(parse_recurrence("*/5 9 * * *", why));
    CHECK(why.find("bursts") != std::string::npos);
    CHECK_FALSE(parse_recurrence("at(2025-01-01T08:00:00)", why));
    CHECK_FALSE(parse_recurrence("rate(5 fortnights)", why));
    CHECK_FALSE(parse_recurrence("cron(0 8 * *)", why));
  }
}

TEST_CASE("ScheduleExpression: a daily cron or an at() is a time of day") {
  std::string why;
  CHECK(parse_time_of_day("cron(0 8 * * ? *)", why) == 8 * sim::kHour);
  CHECK(parse_time_of_day("at(2025-06-01T20:15:00)", why) == 20 * sim::kHour + 15 * sim::kMinute);
  CHECK_FALSE(parse_time_of_day("rate(1 hour)", why));
  CHECK_FALSE(parse_time_of_day("cron(0 8 ? * MON *)", why));
}
