// Helpers shared by the web-tier section loaders (load_balancer, services, database, workers).
// Internal to the loader: only scenarios/loader/*.cpp include it (it needs yaml_reader.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/web/service_config.hpp"
#include "scenarios/loader/problem_report.hpp"
#include "scenarios/loader/yaml_reader.hpp"

namespace loadcast::scenario {

// ">", ">=", "<", "<=" or the CloudWatch names (GreaterThanThreshold, ...).
std::optional<models::Comparison> parse_comparison(const std::string& text);

// `evaluation_periods` and `datapoints_to_alarm` (validate() checks 1 <= datapoints <= periods).
// With periods alone, fewer than the default datapoints, datapoints follow them.
void read_alarm_counts(MapReader& m, int& periods, int& datapoints);

// A target-tracking alarm's `evaluation_periods` and `datapoints_to_alarm`, each left unset when
// absent (TargetTrackingConfig::high_alarm / low_alarm give the defaults of the metric's period).
void read_alarm_shape(MapReader& m, std::optional<int>& periods, std::optional<int>& datapoints);

// The keys every target-tracking policy has (services, workers, Aurora replicas):
// scale_out_cooldown, scale_in_cooldown, disable_scale_in, scale_in_rounding (ceil | floor).
void read_target_tracking_scaling(MapReader& m, models::TargetTrackingConfig& tt);

// One ECS service's keys (task size, threads, desired, app_memory, lifecycle, db_pool, metrics,
// autoscaling), everything but the load balancer's target_group, read into `c`; the caller
// reports c.validate() (or its worker's) through `report`, where this says how the file's shape
// differs. `routed`: the service is behind the load balancer (requests_per_target is allowed).
// `extra_metrics` are more autoscaling metrics the caller's service publishes (a worker's
// backlog_per_task).
void read_service(MapReader& m, models::ServiceConfig& c, bool routed, ProblemReport& report,
                  const std::vector<std::string>& extra_metrics = {});

// A target group's settings (algorithm, slow_start, deregistration_delay, health_check) read on
// top of `into`; TargetGroupConfig::validate() checks them.
void read_target_group(MapReader& m, models::TargetGroupConfig& into);

}  // namespace loadcast::scenario
