// CpuQuota: CFS bandwidth control's budget of quota x period per period, spent at the busy
// cores' rate, refilled at each boundary, with the time a given amount of running takes.
#include <catch2/catch.hpp>

#include "sim/cpu_quota.hpp"

using namespace loadcast::sim;

namespace {
constexpr Time kMs = kMillisecond;
}  // namespace

TEST_CASE("CpuQuota: without a quota the jobs run all the time") {
  CpuQuota q;
  CHECK_FALSE(q.limited());
  CHECK(q.run(0, kSecond, 3.0) == 1.0);
  CHECK(q.run(kSecond, 2 * kSecond, 0.0) == 0.0);
  CHECK(q.until_run(0, 0.25, 1.0) == 250 * kMs);
}

TEST_CASE("CpuQuota: a quarter-core quota lets one busy core run 25 ms of every 100 ms period") {
  CpuQuota q;
  q.set(0.25, 100 * kMs, 0);
  CHECK(q.budget() == Approx(0.025));
  SECTION("within a period it runs until the budget is spent, then waits for the boundary") {
    CHECK(q.run(0, 10 * kMs, 1.0) == Approx(0.010));
    CHECK(q.run(10 * kMs, 50 * kMs, 1.0) == Approx(0.015));  // 15 ms left of the budget
    CHECK(q.run(50 * kMs, 100 * kMs, 1.0) == 0.0);           // throttled
    CHECK(q.run(100 * kMs, 110 * kMs, 1.0) == Approx(0.010)); // refilled at 100 ms
  }
  SECTION("over whole periods it runs quota x time, whatever the span") {
    CHECK(q.run(0, 10 * kSecond, 1.0) == Approx(2.5));
    CHECK(q.run(10 * kSecond, 10 * kSecond + 30 * kMs, 1.0) == Approx(0.025));
  }
  SECTION("an idle stretch leaves the budget whole at the next boundary, and unused budget does not carry over") {
    CHECK(q.run(0, 5 * kSecond + 20 * kMs, 0.0) == 0.0);
    CHECK(q.run(5 * kSecond + 20 * kMs, 5 * kSecond + 100 * kMs, 1.0) == Approx(0.025));
  }
  SECTION("until_run: 10 ms of work at once, 40 ms across a boundary, 100 ms over four periods") {
    CHECK(q.until_run(0, 0.010, 1.0) == 10 * kMs);
    CHECK(q.until_run(0, 0.040, 1.0) == 115 * kMs);  // 25 ms, throttled to 100 ms, then 15 ms
    CHECK(q.until_run(0, 0.100, 1.0) == 325 * kMs);  // 25 ms in each of four periods
    q.run(0, 20 * kMs, 1.0);                          // 5 ms of budget left at 20 ms
    CHECK(q.until_run(20 * kMs, 0.010, 1.0) == 85 * kMs);  // 5 ms, then 5 ms after the boundary at 100 ms
  }
}

TEST_CASE("CpuQuota: two busy cores spend a 1.5-core budget in 75 ms") {
  CpuQuota q;
  q.set(1.5, 100 * kMs, 0);
  CHECK(q.run(0, 100 * kMs, 2.0) == Approx(0.075));
  CHECK(q.until_run(100 * kMs, 0.100, 2.0) == 125 * kMs);  // 75 ms, wait 25 ms, 25 ms
  // One busy core never exhausts it: 100 ms of running per period.
  CHECK(q.run(100 * kMs, kSecond, 1.0) == Approx(0.9));
}

TEST_CASE("CpuQuota: a new quota mid-period keeps the phase and what the period used") {
  CpuQuota q;
  q.set(0.5, 100 * kMs, 30 * kMs);  // periods end at 130 ms, 230 ms, ...
  CHECK(q.run(30 * kMs, 60 * kMs, 1.0) == Approx(0.030));  // 20 ms of 50 left
  q.set(0.25, 100 * kMs, 60 * kMs);                        // budget 25 ms, 30 used: none left
  CHECK(q.run(60 * kMs, 130 * kMs, 1.0) == 0.0);
  CHECK(q.run(130 * kMs, 230 * kMs, 1.0) == Approx(0.025));
  q.set(1.0, 100 * kMs, 230 * kMs);
  CHECK(q.until_run(230 * kMs, 0.2, 1.0) == 200 * kMs);     // a full core: never throttled
  CHECK(q.until_run(230 * kMs, 0.01, 0.0 + 1.0) == 10 * kMs);
  q.set(0.0, 100 * kMs, 230 * kMs);
  CHECK(q.until_run(230 * kMs, 0.01, 1.0) == kTimeMax);     // nothing ever runs
}

TEST_CASE("CpuQuota: it counts the periods the jobs ran in and those whose budget ran out, as cpu.stat does") {
  CpuQuota q;
  q.set(0.5, 100 * kMs, 0);  // 50 ms per 100 ms period
  SECTION("a 30 ms burst is one period run, none throttled, counted once the period ends") {
    CHECK(q.run(0, 30 * kMs, 1.0) == Approx(0.030));
    CHECK(q.run(30 * kMs, 90 * kMs, 0.0) == 0.0);
    CHECK(q.periods() == 0);  // the period has not ended
    q.run(90 * kMs, 100 * kMs, 0.0);
    CHECK(q.periods() == 1);
    CHECK(q.throttled() == 0);
  }
  SECTION("a job that spends the whole budget exactly and stops is not throttled") {
    q.run(0, 50 * kMs, 1.0);
    q.run(50 * kMs, 100 * kMs, 0.0);
    CHECK(q.periods() == 1);
    CHECK(q.throttled() == 0);
  }
  SECTION("70 ms of work from a period's start: 50 ms, throttled, 20 ms in the next") {
    q.run(0, 120 * kMs, 1.0);
    q.run(120 * kMs, 200 * kMs, 0.0);
    CHECK(q.periods() == 2);
    CHECK(q.throttled() == 1);
  }
  SECTION("busy for 10 s: all 100 periods run and throttled; idle periods after are not counted") {
    q.run(0, 10 * kSecond, 1.0);
    q.run(10 * kSecond, 20 * kSecond, 0.0);
    CHECK(q.periods() == 100);
    CHECK(q.throttled() == 100);
  }
  SECTION("a job arriving after the budget is spent in the same period makes it throttled") {
    q.run(0, 50 * kMs, 1.0);          // budget spent, job done
    q.run(50 * kMs, 60 * kMs, 0.0);
    CHECK(q.run(60 * kMs, 100 * kMs, 1.0) == 0.0);  // waits for the boundary
    q.run(100 * kMs, 110 * kMs, 1.0);
    q.run(110 * kMs, 200 * kMs, 0.0);
    CHECK(q.periods() == 2);
    CHECK(q.throttled() == 1);
  }
  SECTION("two busy cores under a 1.5-core quota are throttled every period; one core never is") {
    CpuQuota two;
    two.set(1.5, 100 * kMs, 0);
    two.run(0, kSecond, 2.0);
    two.run(kSecond, 2 * kSecond, 1.0);
    CHECK(two.periods() == 20);
    CHECK(two.throttled() == 10);
  }
}
