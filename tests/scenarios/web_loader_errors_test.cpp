// Bad web-tier sections (load_balancer, services, database, cpu/db steps): each error names
// file:line:col, the YAML path and what is wrong; a good one loads with its defaults.
#include <catch2/catch.hpp>

#include <string>

#include "scenarios/loader/scenario.hpp"

using namespace loadcast;

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

std::string error_of(const std::string& yaml) {
  try {
    scenario::load_string(yaml, "bad.yaml");
  } catch (const scenario::LoadError& e) {
    return e.what();
  }
  FAIL("expected a LoadError for:\n" << yaml);
  return {};
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
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
  CHECK(tt.high_datapoints == 3);
  CHECK(tt.low_datapoints == 15);
  CHECK(tt.low_ratio == 0.9);
  CHECK(s.model.services[0].metrics.delay == 150 * sim::kSecond);
}

TEST_CASE("WebLoader: an invalid Fargate size names the allowed memory") {
  const auto e = error_of(replace(kGood, "memory: 1024", "memory: 8192"));
  CHECK(e.find("bad.yaml:31:13: services.web.memory: memory 8192 MiB is not valid with cpu 512") != std::string::npos);
  CHECK(e.find("1 GB to 4 GB") != std::string::npos);
}

TEST_CASE("WebLoader: a rule naming an unknown service lists the services") {
  const auto e = error_of(replace(kGood, "service: api, priority", "service: apx, priority"));
  CHECK(e.find("bad.yaml:18:34: load_balancer.rules[0].service: unknown service 'apx' (defined: api, web)") != std::string::npos);
}

TEST_CASE("WebLoader: a class that matches no rule without a default is an error") {
  const auto e = error_of(replace(kGood, "  default: web\n", ""));
  CHECK(e.find("workload.requests[1].path: path / matches no load_balancer rule") != std::string::npos);
}

TEST_CASE("WebLoader: cpu steps need a load balancer and db steps a database") {
  auto no_alb = std::string(kGood);
  no_alb = no_alb.substr(0, no_alb.find("load_balancer:")) + no_alb.substr(no_alb.find("services:"));
  CHECK(error_of(no_alb).find("workload.requests[0].steps: cpu and db steps run on a service's task") != std::string::npos);
  auto no_db = std::string(kGood);
  no_db = no_db.substr(0, no_db.find("database:"));
  CHECK(error_of(no_db).find("workload.requests[0].steps: has a db step but the scenario has no database section") != std::string::npos);
}

TEST_CASE("WebLoader: autoscaling max below min and unknown keys are located") {
  const auto e = error_of(replace(replace(kGood, "max: 4\n      policies", "max: 0\n      policies"), "  web:\n", "  web:\n    colour: blue\n"));
  CHECK(e.find("services.api.autoscaling.max: max (0) must be >= min (1)") != std::string::npos);
  CHECK(e.find("bad.yaml:30:5: services.web.colour: unknown key 'colour'") != std::string::npos);
}

TEST_CASE("WebLoader: policy and step scaling mistakes are reported") {
  const auto bad_metric = error_of(replace(kGood, "metric: cpu, target: 70", "metric: disk, target: 70"));
  CHECK(bad_metric.find("services.api.autoscaling.policies[0].metric: must be cpu, memory or requests_per_target (found 'disk')") != std::string::npos);
  const auto gap = error_of(replace(kGood, "{ type: target_tracking, metric: cpu, target: 70 }",
                                    "{ type: step_scaling, metric: cpu, comparison: '>=', threshold: 70, steps: [ { lower: 0, upper: 10, adjustment: 1 }, { lower: 20, adjustment: 2 } ] }"));
  CHECK(gap.find("steps must not overlap or leave gaps") != std::string::npos);
  const auto rounding = error_of(replace(kGood, "metric: cpu, target: 70", "metric: cpu, target: 70, scale_in_rounding: round"));
  CHECK(rounding.find("bad.yaml:28:80: services.api.autoscaling.policies[0].scale_in_rounding: must be ceil or floor (found 'round')") !=
        std::string::npos);
  const auto floor_in = scenario::load_string(replace(kGood, "target: 70", "target: 70, scale_in_rounding: floor"), "good.yaml");
  CHECK(std::get<models::TargetTrackingConfig>(floor_in.model.services[0].autoscaling->policies[0].spec).scale_in_rounding ==
        models::TargetTrackingConfig::ScaleInRounding::kFloor);
}

TEST_CASE("WebLoader: ALB limits are checked") {
  CHECK(error_of(replace(kGood, "  default: web\n", "  default: web\n  slow_start: 10s\n"))
            .find("load_balancer.slow_start: must be 0s (off) or between 30s and 900s") != std::string::npos);
  CHECK(error_of(replace(kGood, "  default: web\n", "  default: web\n  algorithm: least_outstanding_requests\n  slow_start: 60s\n"))
            .find("slow_start cannot be combined with least_outstanding_requests") != std::string::npos);
  CHECK(error_of(replace(kGood, "  default: web\n", "  default: web\n  health_check: { interval: 5s, timeout: 5s }\n"))
            .find("load_balancer.health_check: timeout (5s) must be shorter than interval (5s)") != std::string::npos);
  CHECK(error_of(replace(kGood, "priority: 10 }", "priority: 10 }\n    - { path: /x, service: web, priority: 10 }"))
            .find("priority 10 is used by another rule") != std::string::npos);
}

TEST_CASE("WebLoader: database ranges and instance classes are checked") {
  CHECK(error_of(replace(kGood, "max_acu: 4", "max_acu: 4.2")).find("database.max_acu: must be 1 to 256 in 0.5 ACU steps") != std::string::npos);
  CHECK(error_of(replace(kGood, "min_acu: 0.5", "min_acu: 8")).find("database.max_acu: max_acu must be >= min_acu") != std::string::npos);
  const auto cls = error_of(replace(replace(kGood, "type: aurora_serverless_v2", "type: aurora_provisioned"),
                                    "  min_acu: 0.5\n  max_acu: 4\n", "  instance_class: db.t3.small\n"));
  CHECK(cls.find("database.instance_class: unknown Aurora instance class 'db.t3.small'") != std::string::npos);
  CHECK(error_of(replace(kGood, "max_acu: 4", "max_acu: 4\n  auto_pause: 10m"))
            .find("database.auto_pause: auto-pause needs min_acu: 0") != std::string::npos);
}

TEST_CASE("WebLoader: a scheduled action may not leave min above max") {
  const auto scheduled = [](const std::string& actions) {
    return replace(kGood, "target: 70 }\n  web:", "target: 70 }\n      scheduled: " + actions + "\n  web:");
  };
  // min alone above the max in force, max alone below the min in force: located at the action.
  CHECK(error_of(scheduled("[ { at: 2h, min: 6 } ]"))
            .find("bad.yaml:29:20: services.api.autoscaling.scheduled[0]: min (6) is above the max in force then (4)") != std::string::npos);
  CHECK(error_of(scheduled("[ { at: 1h, min: 3 }, { at: 2h, max: 2 } ]"))
            .find("services.api.autoscaling.scheduled[1]: max (2) is below the min in force then (3)") != std::string::npos);
  // Actions run in time order: raising max at 1 h makes min 6 at 2 h valid, whatever the list order.
  const auto s = scenario::load_string(scheduled("[ { at: 2h, min: 6 }, { at: 1h, max: 8 } ]"), "good.yaml");
  CHECK(s.model.services[0].autoscaling->scheduled.size() == 2);
}

TEST_CASE("WebLoader: desired outside autoscaling min..max loads (the run clamps it)") {
  const auto s = scenario::load_string(replace(kGood, "    memory: 2048\n    autoscaling:", "    memory: 2048\n    desired: 9\n    autoscaling:"), "good.yaml");
  CHECK(s.model.services[0].desired == 9);
  CHECK(s.model.services[0].autoscaling->max == 4);
}
