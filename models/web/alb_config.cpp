#include "models/web/alb_config.hpp"

#include <set>

namespace loadcast::models {

ConfigProblems HealthCheckConfig::validate() const {
  ConfigProblems out;
  const bool interval_ok = interval >= 5 * sim::kSecond && interval <= 300 * sim::kSecond;
  const bool timeout_ok = timeout >= 2 * sim::kSecond && timeout <= 120 * sim::kSecond;
  if (!interval_ok) out.push_back({"interval", "must be between 5s and 300s"});
  if (!timeout_ok) out.push_back({"timeout", "must be between 2s and 120s"});
  const HealthCheckConfig defaults;
  const sim::Time interval_in_force = interval_ok ? interval : defaults.interval;
  const sim::Time timeout_in_force = timeout_ok ? timeout : defaults.timeout;
  if (timeout_in_force >= interval_in_force) {
    out.push_back({"", "timeout (" + sim::format_duration(timeout_in_force) + ") must be shorter than interval (" +
                           sim::format_duration(interval_in_force) + ")"});
  }
  if (healthy_threshold < 2 || healthy_threshold > 10) out.push_back({"healthy_threshold", "must be between 2 and 10"});
  if (unhealthy_threshold < 2 || unhealthy_threshold > 10) out.push_back({"unhealthy_threshold", "must be between 2 and 10"});
  return out;
}

ConfigProblems TargetGroupConfig::validate() const {
  ConfigProblems out;
  const bool slow_start_ok = slow_start == 0 || (slow_start >= 30 * sim::kSecond && slow_start <= 900 * sim::kSecond);
  if (!slow_start_ok) out.push_back({"slow_start", "must be 0s (off) or between 30s and 900s"});
  if (deregistration_delay < 0 || deregistration_delay > 3600 * sim::kSecond) {
    out.push_back({"deregistration_delay", "must be between 0s and 3600s"});
  }
  if (registration_delay < 0 || registration_delay > 600 * sim::kSecond) {
    out.push_back({"registration_delay", "must be between 0s and 10m"});
  }
  add_problems(out, "health_check", health_check.validate());
  const sim::Time slow_start_in_force = slow_start_ok ? slow_start : TargetGroupConfig{}.slow_start;
  if (slow_start_in_force > 0 && algorithm == Algorithm::kLeastOutstandingRequests) {
    out.push_back({"", "slow_start cannot be combined with least_outstanding_requests (an ALB rule)"});
  }
  return out;
}

ConfigProblems ListenerRule::validate() const {
  ConfigProblems out;
  if (priority < 1 || priority > 50000) out.push_back({"priority", "must be between 1 and 50000"});
  for (const auto& pattern : paths) {
    if (pattern.empty() || (pattern.front() != '/' && pattern.front() != '*')) {
      out.push_back({"path", "a path pattern starts with '/' or '*' (found '" + pattern + "')"});
    }
  }
  return out;
}

ConfigProblems AlbCapacityConfig::validate() const {
  ConfigProblems out;
  if (!enabled) return out;
  if (initial_lcu < 0) out.push_back({"initial_lcu", "must be >= 0"});
  if (reserved_lcu < 0) out.push_back({"reserved_lcu", "must be >= 0"});
  if (initial_lcu <= 0 && reserved_lcu <= 0) {
    out.push_back({"", "needs initial_lcu (the LCUs your ALB serves before the ramp: its PeakLCUs) or reserved_lcu"});
  }
  if (doubling_time < sim::kSecond) out.push_back({"doubling_time", "must be at least 1s"});
  if (tick < sim::kSecond || tick > 5 * sim::kMinute) out.push_back({"tick", "must be between 1s and 5m"});
  return out;
}

ConfigProblems WafConfig::validate() const {
  ConfigProblems out;
  if (rules < 0) out.push_back({"rules", "must be >= 0"});
  return out;
}

ConfigProblems AlbConfig::validate() const {
  ConfigProblems out;
  if (idle_timeout < sim::kSecond || idle_timeout > 4000 * sim::kSecond) out.push_back({"idle_timeout", "must be between 1s and 4000s"});
  add_problems(out, "", target_group.validate());
  std::set<int> priorities;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    add_problems(out, item_key("rules", i), rules[i].validate());
    // Of two rules with one priority, the later in the list is reported.
    if (!priorities.insert(rules[i].priority).second) {
      out.push_back({item_key("rules", i), "priority " + std::to_string(rules[i].priority) + " is used by another rule (priorities are unique)"});
    }
  }
  if (rules.empty() && !default_service) out.push_back({"", "needs rules (path -> service) or a default service"});
  if (requests_per_connection < 1) out.push_back({"lcu.requests_per_connection", "must be at least 1"});
  if (request_bytes < 0) out.push_back({"lcu.request_bytes", "must be >= 0"});
  if (response_bytes < 0) out.push_back({"lcu.response_bytes", "must be >= 0"});
  add_problems(out, "capacity", capacity.validate());
  if (waf) add_problems(out, "waf", waf->validate());
  return out;
}

}  // namespace loadcast::models
