// Configuration of the Application Load Balancer (alb.hpp): the `load_balancer:` section — its
// listener rules, idle timeout, LCU traffic shape, optional capacity model and WAF web ACL — and
// the target-group settings every service inherits and may override
// (`services.<name>.target_group:`). Durations are sim::Time; sizes in bytes. validate() returns
// the problems with keys relative to the section; the limits it checks are AWS's.
// [doc] https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
// [doc] https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html
// [doc] https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout
// [doc] https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html
// [doc] https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-register-targets.html
// [doc] https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html
// assumption: the LCU traffic shape, a health check's CPU work, the registration delay and the
// load balancer's capacity (each a key, marked below).
// Facts and assumptions: docs/models/web.md#application-load-balancer
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "models/core/config_problem.hpp"
#include "sim/distribution.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

enum class Algorithm { kRoundRobin, kLeastOutstandingRequests, kWeightedRandom };

struct HealthCheckConfig {
  sim::Time interval = 30 * sim::kSecond;
  sim::Time timeout = 5 * sim::kSecond;
  int healthy_threshold = 5;
  int unhealthy_threshold = 2;
  // assumption: CPU work of one health-check request on the task (it shares the CPU, so an
  // overloaded task answers late and fails its checks).
  sim::Distribution cpu = sim::Distribution::constant(0.001);

  ConfigProblems validate() const;
};

struct TargetGroupConfig {
  Algorithm algorithm = Algorithm::kRoundRobin;
  sim::Time slow_start = 0;  // 0 = off; otherwise 30 s .. 900 s
  sim::Time deregistration_delay = 300 * sim::kSecond;
  // assumption: from ECS registering a RUNNING task to the target being `initial` (checked and,
  // when no target is healthy, routed to); 0 to 10 minutes (loadcast's bounds).
  sim::Time registration_delay = 10 * sim::kSecond;
  HealthCheckConfig health_check;

  ConfigProblems validate() const;
};

struct ListenerRule {
  int priority = 0;                // lower is evaluated first
  std::vector<std::string> paths;  // ALB path patterns: '*' any run of characters, '?' one
  std::string service;
  std::size_t service_index = 0;   // resolved by the loader

  ConfigProblems validate() const;
};

// `load_balancer.capacity`: an optional model of the ALB's own capacity, for steep ramps. AWS
// publishes no scaling rate: the ALB scales with traffic, and AWS advises an LCU Reservation
// when traffic may more than double within 5 minutes ([doc]
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/capacity-unit-reservation.html ;
// [doc] blog "Using Load Balancer Capacity Unit Reservation to prepare for sharp increases in
// traffic"). assumption: capacity, in LCU of the run's traffic shape, starts at `initial_lcu`
// (at least `reserved_lcu`), grows at most x2 per `doubling_time` while demand is above it and
// never shrinks during a run; requests beyond it get 503.
struct AlbCapacityConfig {
  bool enabled = false;                          // `capacity:` given
  double initial_lcu = 0.0;                      // required unless reserved_lcu is given
  double reserved_lcu = 0.0;                     // LCU Reservation: capacity floor, billed per LCU-hour
  sim::Time doubling_time = 5 * sim::kMinute;    // assumption: AWS's "doubles within 5 minutes"
  sim::Time tick = 10 * sim::kSecond;            // assumption: how often capacity follows demand

  ConfigProblems validate() const;
};

// The web ACL associated with the load balancer (`load_balancer.waf`).
struct WafConfig {
  int rules = 0;  // rules and rule groups, each billed per month

  ConfigProblems validate() const;
};

struct AlbConfig {
  std::string name = "alb";
  sim::Time idle_timeout = 60 * sim::kSecond;
  // assumption (AWS publishes no figure): time a request spends between the client and the
  // target outside any modelled resource — the load balancer's own processing and the network
  // both ways — added before the request reaches its target. Absent: none. `loadcast calibrate`
  // fits it as the latency its model leaves unexplained at low load.
  std::optional<sim::Distribution> latency;
  std::vector<ListenerRule> rules;       // sorted by priority
  std::optional<std::size_t> default_service;  // the listener's default action (index)
  TargetGroupConfig target_group;        // defaults for every service's target group
  // LCU metering (assumptions: the shape of client traffic, which the workload does not give).
  double requests_per_connection = 10.0;             // keep-alive reuse by clients
  sim::Time connection_lifetime = 60 * sim::kSecond; // how long a client connection stays open
  double request_bytes = 1024.0;                     // per request, both directions added
  double response_bytes = 16384.0;                   // per response of a class without its own
  std::optional<WafConfig> waf;
  AlbCapacityConfig capacity;

  // The target group's keys are the section's own (`load_balancer.slow_start`); the LCU shape
  // is under `lcu`.
  ConfigProblems validate() const;
};

}  // namespace loadcast::models
