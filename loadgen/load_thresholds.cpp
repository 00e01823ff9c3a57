#include "loadgen/load_thresholds.hpp"

#include <array>
#include <string_view>

#include "reports/threshold.hpp"

namespace loadcast::loadgen {

namespace {

// Top-level keys only the simulator writes (models/, app/simulate.cpp).
constexpr std::array<std::string_view, 14> kSimulatorOnly = {
    "cost",   "stations", "services",  "databases", "db_proxy",            "db_faults", "load_balancer",
    "queues", "topics",   "workers",   "usage",     "replica_autoscaling", "precision", "latency_ms_ci95"};

// Keys whose children appear only when a response of that kind arrives.
bool filled_by_responses(const std::string& metric) {
  return metric.find("by_status.") != std::string::npos || metric.find("by_cause.") != std::string::npos;
}

}  // namespace

bool simulator_only_metric(const std::string& metric) {
  const std::string_view head = std::string_view(metric).substr(0, metric.find('.'));
  for (auto key : kSimulatorOnly) {
    if (head == key) return true;
  }
  return false;
}

bool load_only_metric(const std::string& metric) {
  const std::string_view head = std::string_view(metric).substr(0, metric.find('.'));
  return head == "checks" || head == "load";
}

ThresholdPlan plan_thresholds(const std::vector<std::string>& scenario, const std::vector<std::string>& explicit_exprs,
                              const reports::Json& skeleton) {
  using reports::ThresholdError;
  ThresholdPlan plan;
  std::string problems;
  const auto check = [&](const std::string& expr, bool from_scenario) {
    try {
      const auto t = reports::parse_threshold(expr);
      if (simulator_only_metric(t.metric)) {
        if (from_scenario) {
          plan.not_applicable.push_back(expr);
          return;
        }
        throw ThresholdError(ThresholdError::Kind::kUnknownMetric,
                             "threshold '" + expr + "': " + t.metric +
                                 " exists only in simulated results (loadcast sim); a load result cannot have it");
      }
      if (!filled_by_responses(t.metric)) {
        try {
          (void)reports::resolve_metric(skeleton, t.metric);
        } catch (const ThresholdError& e) {
          throw ThresholdError(e.kind(), "threshold '" + expr + "': " + e.what());
        }
      }
      plan.evaluate.push_back(expr);
    } catch (const ThresholdError& e) {
      problems += (problems.empty() ? "" : "\n") + std::string(e.what());
    }
  };
  for (const auto& e : scenario) check(e, true);
  for (const auto& e : explicit_exprs) check(e, false);
  if (!problems.empty()) throw ThresholdError(ThresholdError::Kind::kUnknownMetric, problems);
  return plan;
}

reports::Json not_applicable_json(const std::vector<std::string>& exprs, const char* detail) {
  reports::Json out = reports::Json::array();
  for (const auto& e : exprs) out.push_back(reports::Json{{"expr", e}, {"detail", detail}});
  return out;
}

}  // namespace loadcast::loadgen
