// Bad web-tier sections (load_balancer, services, database, cpu/db steps): each error names
// file:line:col, the YAML path and what is wrong (one table of bad scenarios, each an edit of
// the reference web tier); a good one loads with its defaults.
#include <catch2/catch.hpp>

#include <string>
#include <variant>
#include <vector>

#include "scenarios/loader/scenario.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

const char* kGood = R"(name: web
duration: 30m
workload:
  arrivals: { process: poisson, rate: 10 }
  requests:
    - name: api
      path: /api/items
      steps:
        - cpu: exp(10ms)
        - db: { reads: 1 }
    - name: page
      path: /
      steps:
        - cpu: exp(20ms)
load_balancer:
  type: alb
  rules:
    - { path: "/api/*", service: api, priority: 10 }
  default: web
services:
  api:
    cpu: 1024
    memory: 2048
    autoscaling:
      min: 1
      max: 4
      policies:
        - { type: target_tracking, metric: cpu, target: 70 }
  web:
    cpu: 512
    memory: 1024
database:
  type: aurora_serverless_v2
  engine: postgresql
  min_acu: 0.5
  max_acu: 4
)";

// The reference web tier with `actions` as the scheduled actions of the service api.
std::string scheduled(const std::string& actions) {
  return replace(kGood, "target: 70 }\n  web:", "target: 70 }\n      scheduled: " + actions + "\n  web:");
}

std::vector<LoadErrorCase> bad_web_tiers() {
  const std::string good = kGood;
  std::string no_alb = good.substr(0, good.find("load_balancer:")) + good.substr(good.find("services:"));
  std::string no_db = good.substr(0, good.find("database:"));
  return {
      {"an invalid Fargate size names the allowed memory", replace(good, "memory: 1024", "memory: 8192"),
       {"bad.yaml:31:13: services.web.memory: memory 8192 MiB is not valid with cpu 512", "1 GB to 4 GB"}},
      {"a rule naming an unknown service lists the services", replace(good, "service: api, priority", "service: apx, priority"),
       {"bad.yaml:18:34: load_balancer.rules[0].service: unknown service 'apx' (defined: api, web)"}},
      {"a class that matches no rule without a default", replace(good, "  default: web\n", ""),
       {"workload.requests[1].path: path / matches no load_balancer rule"}},
      {"cpu steps without a load balancer", no_alb, {"workload.requests[0].steps: cpu and db steps run on a service's task"}},
      {"db steps without a database", no_db, {"workload.requests[0].steps: has a db step but the scenario has no database section"}},
      {"autoscaling max below min and an unknown key",
       replace(replace(good, "max: 4\n      policies", "max: 0\n      policies"), "  web:\n", "  web:\n    colour: blue\n"),
       {"services.api.autoscaling.max: max (0) must be >= min (1)", "bad.yaml:30:5: services.web.colour: unknown key 'colour'"}},
      {"a policy on an unknown metric", replace(good, "metric: cpu, target: 70", "metric: disk, target: 70"),
       {"services.api.autoscaling.policies[0].metric: must be cpu, memory or requests_per_target (found 'disk')"}},
      {"step scaling steps with a gap",
       replace(good, "{ type: target_tracking, metric: cpu, target: 70 }",
               "{ type: step_scaling, metric: cpu, comparison: '>=', threshold: 70, steps: [ { lower: 0, upper: 10, adjustment: 1 }, { lower: 20, adjustment: 2 } ] }"),
       {"steps must not overlap or leave gaps"}},
      {"an unknown scale_in_rounding", replace(good, "metric: cpu, target: 70", "metric: cpu, target: 70, scale_in_rounding: round"),
       {"bad.yaml:28:80: services.api.autoscaling.policies[0].scale_in_rounding: must be ceil or floor (found 'round')"}},
      {"a slow start shorter than 30 s", replace(good, "  default: web\n", "  default: web\n  slow_start: 10s\n"),
       {"load_balancer.slow_start: must be 0s (off) or between 30s and 900s"}},
      {"slow start with least outstanding requests",
       replace(good, "  default: web\n", "  default: web\n  algorithm: least_outstanding_requests\n  slow_start: 60s\n"),
       {"slow_start cannot be combined with least_outstanding_requests"}},
      {"a health check timeout as long as its interval",
       replace(good, "  default: web\n", "  default: web\n  health_check: { interval: 5s, timeout: 5s }\n"),
       {"load_balancer.health_check: timeout (5s) must be shorter than interval (5s)"}},
      {"two rules of one priority", replace(good, "priority: 10 }", "priority: 10 }\n    - { path: /x, service: web, priority: 10 }"),
       {"priority 10 is used by another rule"}},
      {"a max_acu off the 0.5 ACU steps", replace(good, "max_acu: 4", "max_acu: 4.2"), {"database.max_acu: must be 1 to 256 in 0.5 ACU steps"}},
      {"max_acu below min_acu", replace(good, "min_acu: 0.5", "min_acu: 8"), {"database.max_acu: max_acu must be >= min_acu"}},
      {"an unknown Aurora instance class",
       replace(replace(good, "type: aurora_serverless_v2", "type: aurora_provisioned"), "  min_acu: 0.5\n  max_acu: 4\n",
               "  instance_class: db.t3.small\n"),
       {"database.instance_class: unknown Aurora instance class 'db.t3.small'"}},
      {"auto-pause without min_acu 0", replace(good, "max_acu: 4", "max_acu: 4\n  auto_pause: 10m"),
       {"database.auto_pause: auto-pause needs min_acu: 0"}},
      {"capacity and a capacity provider strategy",
       replace(good, "  web:\n    cpu: 512", "  web:\n    capacity: spot\n    capacity_provider_strategy: [ { provider: FARGATE_SPOT, weight: 1 } ]\n    cpu: 512"),
       {"services.web.capacity_provider_strategy: give either capacity (all tasks on one provider) or capacity_provider_strategy, not both"}},
      {"an unknown capacity provider",
       replace(good, "  web:\n    cpu: 512", "  web:\n    capacity_provider_strategy: [ { provider: EC2, weight: 1 } ]\n    cpu: 512"),
       {"services.web.capacity_provider_strategy[0].provider: must be FARGATE or FARGATE_SPOT (found 'EC2')"}},
      {"two capacity providers with a base",
       replace(good, "  web:\n    cpu: 512",
               "  web:\n    capacity_provider_strategy: [ { provider: FARGATE, base: 1, weight: 1 }, { provider: FARGATE_SPOT, base: 1 } ]\n    cpu: 512"),
       {"services.web.capacity_provider_strategy: only one capacity provider may have a base"}},
      {"a maximum_percent below 100", replace(good, "  web:\n    cpu: 512", "  web:\n    maximum_percent: 50\n    cpu: 512"),
       {"services.web.maximum_percent: must be between 100 and 1000"}},
      {"a registration delay above 10 minutes", replace(good, "  default: web\n", "  default: web\n  registration_delay: 11m\n"),
       {"load_balancer.registration_delay: must be between 0s and 10m"}},
      {"an ALB capacity with neither initial nor reserved LCUs", replace(good, "  default: web\n", "  default: web\n  capacity: { doubling_time: 1m }\n"),
       {"load_balancer.capacity: needs initial_lcu"}},
      // min alone above the max in force, max alone below the min in force: located at the action.
      {"a scheduled min above the max in force", scheduled("[ { at: 2h, min: 6 } ]"),
       {"bad.yaml:29:20: services.api.autoscaling.scheduled[0]: min (6) is above the max in force then (4)"}},
      {"a scheduled max below the min in force", scheduled("[ { at: 1h, min: 3 }, { at: 2h, max: 2 } ]"),
       {"services.api.autoscaling.scheduled[1]: max (2) is below the min in force then (3)"}},
  };
}

}  // namespace

TEST_CASE("WebLoader: a good web tier loads with routes and defaults") {
  const auto s = scenario::load_string(kGood, "good.yaml");
  REQUIRE(s.model.load_balancer);
  REQUIRE(s.model.services.size() == 2);
  CHECK(*s.model.classes[0].service == 0);  // /api/items -> rule 1 -> api
  CHECK(s.model.classes[0].rules_evaluated == 1);
  CHECK(*s.model.classes[1].service == 1);  // / -> default -> web
  CHECK(s.model.services[0].desired == 1);  // autoscaling min
  CHECK(s.model.services[0].target_group.deregistration_delay == 300 * sim::kSecond);
  CHECK(s.model.services[0].target_group.health_check.healthy_threshold == 5);
  const auto& tt = std::get<models::TargetTrackingConfig>(s.model.services[0].autoscaling->policies[0].spec);
  CHECK(tt.scale_out_cooldown == 300 * sim::kSecond);
  // Alarm shapes left unset take the defaults of the metric's period: 3 of 3 and 15 minutes.
  CHECK(!tt.high_datapoints);
  CHECK(!tt.low_periods);
  const auto high = tt.high_alarm(60 * sim::kSecond), low = tt.low_alarm(60 * sim::kSecond);
  CHECK((high.periods == 3 && high.datapoints == 3 && high.assumed));
  CHECK((low.periods == 15 && low.datapoints == 15 && low.assumed));
  const auto low20 = tt.low_alarm(20 * sim::kSecond);
  CHECK((low20.periods == 45 && low20.datapoints == 45));
  CHECK(tt.low_ratio == 0.9);
  CHECK(s.model.services[0].metrics.delay == 150 * sim::kSecond);
  CHECK(s.model.services[0].maximum_percent == 200);
  CHECK(s.model.services[0].minimum_healthy_percent == 100);
  CHECK(s.model.services[0].target_group.registration_delay == 10 * sim::kSecond);
  CHECK(!s.model.load_balancer->capacity.enabled);
}

TEST_CASE("WebLoader: alarm shapes, deployment percents, a capacity provider strategy and the ALB capacity are read") {
  std::string yaml = replace(kGood, "metric: cpu, target: 70 }",
                             "metric: cpu, target: 70, alarm_high: { evaluation_periods: 5, datapoints_to_alarm: 4 }, alarm_low: { evaluation_periods: 30 } }");
  yaml = replace(yaml, "  web:\n    cpu: 512",
                 "  web:\n    maximum_percent: 150\n    minimum_healthy_percent: 50\n    spot_interruptions_per_hour: 0.5\n"
                 "    capacity_provider_strategy: [ { provider: FARGATE, base: 1 }, { provider: FARGATE_SPOT, weight: 3 } ]\n    cpu: 512");
  yaml = replace(yaml, "  default: web\n", "  default: web\n  registration_delay: 20s\n  capacity: { initial_lcu: 5, reserved_lcu: 2, doubling_time: 10m, tick: 30s }\n");
  const auto s = scenario::load_string(yaml, "good.yaml");
  const auto& tt = std::get<models::TargetTrackingConfig>(s.model.services[0].autoscaling->policies[0].spec);
  const auto high = tt.high_alarm(60 * sim::kSecond), low = tt.low_alarm(60 * sim::kSecond);
  CHECK((high.periods == 5 && high.datapoints == 4 && !high.assumed));
  CHECK((low.periods == 30 && low.datapoints == 30 && !low.assumed));
  const auto& web = s.model.services[1];
  CHECK(web.maximum_percent == 150);
  CHECK(web.minimum_healthy_percent == 50);
  CHECK(web.spot_interruptions_per_hour == 0.5);
  REQUIRE(web.capacity_providers.size() == 2);
  CHECK(web.capacity_providers[0].provider == models::CapacityProvider::kFargate);
  CHECK(web.capacity_providers[0].base == 1);
  CHECK(web.capacity_providers[0].weight == 0);
  CHECK(web.capacity_providers[1].provider == models::CapacityProvider::kFargateSpot);
  CHECK(web.capacity_providers[1].weight == 3);
  CHECK(web.target_group.registration_delay == 20 * sim::kSecond);
  const auto& c = s.model.load_balancer->capacity;
  CHECK(c.enabled);
  CHECK(c.initial_lcu == 5.0);
  CHECK(c.reserved_lcu == 2.0);
  CHECK(c.doubling_time == 10 * sim::kMinute);
  CHECK(c.tick == 30 * sim::kSecond);
}

TEST_CASE("WebLoader: each bad web tier is a located error naming what is wrong") { check_load_errors(bad_web_tiers()); }

TEST_CASE("WebLoader: scale_in_rounding floor is read") {
  const auto floor_in = scenario::load_string(replace(kGood, "target: 70", "target: 70, scale_in_rounding: floor"), "good.yaml");
  CHECK(std::get<models::TargetTrackingConfig>(floor_in.model.services[0].autoscaling->policies[0].spec).scale_in_rounding ==
        models::TargetTrackingConfig::ScaleInRounding::kFloor);
}

TEST_CASE("WebLoader: scheduled actions are checked in time order, whatever the list order") {
  // Raising max at 1 h makes min 6 at 2 h valid.
  const auto s = scenario::load_string(scheduled("[ { at: 2h, min: 6 }, { at: 1h, max: 8 } ]"), "good.yaml");
  CHECK(s.model.services[0].autoscaling->scheduled.size() == 2);
}

TEST_CASE("WebLoader: desired outside autoscaling min..max loads (the run clamps it)") {
  const auto s = scenario::load_string(replace(kGood, "    memory: 2048\n    autoscaling:", "    memory: 2048\n    desired: 9\n    autoscaling:"), "good.yaml");
  CHECK(s.model.services[0].desired == 9);
  CHECK(s.model.services[0].autoscaling->max == 4);
}
