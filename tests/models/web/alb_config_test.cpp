// AlbConfig, TargetGroupConfig, HealthCheckConfig, ListenerRule: validate() on plain structs.
#include <catch2/catch.hpp>

#include "models/web/alb_config.hpp"
#include "tests/models/config_problems.hpp"

using namespace loadcast;
using namespace loadcast::models;
using testing::Lines;
using testing::lines;

namespace {

AlbConfig one_rule() {
  AlbConfig alb;
  alb.rules.push_back(ListenerRule{10, {"/api/*"}, "api", 0});
  return alb;
}

}  // namespace

TEST_CASE("AlbConfig: the defaults with one rule are valid") {
  CHECK(one_rule().validate().empty());
  CHECK(HealthCheckConfig{}.validate().empty());
  CHECK(TargetGroupConfig{}.validate().empty());
}

TEST_CASE("AlbConfig: a health check's ranges and its timeout below the interval") {
  HealthCheckConfig hc;
  SECTION("each value out of its range is one problem") {
    hc.interval = 400 * sim::kSecond;
    hc.healthy_threshold = 1;
    hc.unhealthy_threshold = 11;
    CHECK(lines(hc.validate()) == Lines{"interval: must be between 5s and 300s", "healthy_threshold: must be between 2 and 10",
                                        "unhealthy_threshold: must be between 2 and 10"});
  }
  SECTION("a timeout not shorter than the interval is a problem of the health check") {
    hc.interval = 5 * sim::kSecond;
    hc.timeout = 5 * sim::kSecond;
    CHECK(lines(hc.validate()) == Lines{"(itself): timeout (5s) must be shorter than interval (5s)"});
  }
  SECTION("an invalid interval is compared through its default") {
    hc.interval = sim::kSecond;
    hc.timeout = 40 * sim::kSecond;
    CHECK(lines(hc.validate()) ==
          Lines{"interval: must be between 5s and 300s", "(itself): timeout (40s) must be shorter than interval (30s)"});
  }
}

TEST_CASE("AlbConfig: slow start is 0 or 30-900 s and not with least outstanding requests") {
  TargetGroupConfig tg;
  tg.slow_start = 10 * sim::kSecond;
  CHECK(lines(tg.validate()) == Lines{"slow_start: must be 0s (off) or between 30s and 900s"});
  tg.slow_start = 60 * sim::kSecond;
  tg.algorithm = Algorithm::kLeastOutstandingRequests;
  CHECK(lines(tg.validate()) == Lines{"(itself): slow_start cannot be combined with least_outstanding_requests (an ALB rule)"});
  tg.deregistration_delay = 3601 * sim::kSecond;
  tg.health_check.timeout = 200 * sim::kSecond;
  CHECK(lines(tg.validate()) == Lines{"deregistration_delay: must be between 0s and 3600s", "health_check.timeout: must be between 2s and 120s",
                                      "(itself): slow_start cannot be combined with least_outstanding_requests (an ALB rule)"});
}

TEST_CASE("AlbConfig: rules have unique priorities 1-50000 and path patterns from / or *") {
  AlbConfig alb = one_rule();
  alb.rules.push_back(ListenerRule{10, {"/x", "api/*"}, "web", 1});
  alb.rules.push_back(ListenerRule{0, {"*"}, "web", 1});
  CHECK(lines(alb.validate()) == Lines{"rules[1].path: a path pattern starts with '/' or '*' (found 'api/*')",
                                       "rules[1]: priority 10 is used by another rule (priorities are unique)",
                                       "rules[2].priority: must be between 1 and 50000"});
}

TEST_CASE("AlbConfig: the listener needs rules or a default, and the LCU shape its ranges") {
  AlbConfig alb;
  alb.idle_timeout = 0;
  alb.requests_per_connection = 0.5;
  alb.request_bytes = -1;
  alb.target_group.slow_start = 10 * sim::kSecond;  // the target group's keys are the section's
  CHECK(lines(alb.validate()) == Lines{"idle_timeout: must be between 1s and 4000s", "slow_start: must be 0s (off) or between 30s and 900s",
                                       "(itself): needs rules (path -> service) or a default service",
                                       "lcu.requests_per_connection: must be at least 1", "lcu.request_bytes: must be >= 0"});
  alb = AlbConfig{};
  alb.default_service = 0;
  CHECK(alb.validate().empty());
}
