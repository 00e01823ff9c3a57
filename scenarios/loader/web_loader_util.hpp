// Helpers shared by the web-tier section loaders (load_balancer, services, database).
#pragma once

#include <optional>
#include <string>

#include "models/web_config.hpp"
#include "scenarios/loader/yaml_reader.hpp"

namespace loadcast::scenario {

// ">", ">=", "<", "<=" or the CloudWatch names (GreaterThanThreshold, ...).
std::optional<models::Comparison> parse_comparison(const std::string& text);

// `evaluation_periods` and `datapoints_to_alarm` (1 <= datapoints <= periods).
void read_alarm_counts(MapReader& m, int& periods, int& datapoints);

// A target group's settings (algorithm, slow_start, deregistration_delay, health_check) read on
// top of `into`.
void read_target_group(MapReader& m, models::TargetGroupConfig& into);

}  // namespace loadcast::scenario
