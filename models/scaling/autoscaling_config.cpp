#include "models/scaling/autoscaling_config.hpp"

#include <algorithm>
#include <numeric>
#include <set>
#include <utility>

namespace loadcast::models {

namespace {

// An alarm's "M of N": 1 <= N <= 100, M >= 1, M <= N. `at` is the key of the mapping that
// holds evaluation_periods and datapoints_to_alarm; `defaults` are their defaults (periods,
// datapoints), which stand in for invalid values in M <= N.
void check_alarm_counts(ConfigProblems& out, const std::string& at, int periods, int datapoints, std::pair<int, int> defaults) {
  const bool periods_ok = periods >= 1 && periods <= 100;
  const bool datapoints_ok = datapoints >= 1;
  if (!periods_ok) out.push_back({join_key(at, "evaluation_periods"), "must be between 1 and 100"});
  if (!datapoints_ok) out.push_back({join_key(at, "datapoints_to_alarm"), "must be at least 1"});
  const int n = periods_ok ? periods : defaults.first;
  const int m = datapoints_ok ? datapoints : defaults.second;
  if (m > n) {
    out.push_back({at, "datapoints_to_alarm (" + std::to_string(m) + ") must be <= evaluation_periods (" + std::to_string(n) + ")"});
  }
}

// Step bounds: at least one step; each lower below its upper; one step open below and one
// above at most; sorted by lower bound, each step starts where the previous one ends. One
// problem at most (the first rule broken).
std::optional<std::string> step_bounds_problem(const std::vector<StepAdjustment>& steps) {
  if (steps.empty()) return "needs at least one step, e.g. steps: [ { lower: 0, adjustment: 1 } ]";
  int open_lower = 0, open_upper = 0;
  for (const auto& s : steps) {
    if (!s.lower) ++open_lower;
    if (!s.upper) ++open_upper;
    if (s.lower && s.upper && *s.lower >= *s.upper) return "a step's lower bound must be below its upper bound";
  }
  if (open_lower > 1 || open_upper > 1) return "only one step may leave 'lower' out and only one may leave 'upper' out";
  std::vector<StepAdjustment> sorted = steps;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    const double la = a.lower ? *a.lower : -1e300;
    const double lb = b.lower ? *b.lower : -1e300;
    return la < lb;
  });
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    if (!sorted[i - 1].upper || !sorted[i].lower || *sorted[i - 1].upper != *sorted[i].lower) {
      return "steps must not overlap or leave gaps: each step's lower bound is the previous step's upper bound";
    }
  }
  return std::nullopt;
}

}  // namespace

namespace {

TargetTrackingConfig::AlarmShape shape(const std::optional<int>& periods, const std::optional<int>& datapoints, int default_periods) {
  TargetTrackingConfig::AlarmShape a;
  a.assumed = !periods && !datapoints;
  a.periods = periods ? *periods : default_periods;
  a.datapoints = datapoints ? *datapoints : a.periods;
  return a;
}

}  // namespace

TargetTrackingConfig::AlarmShape TargetTrackingConfig::high_alarm(sim::Time) const {
  return shape(high_periods, high_datapoints, kHighPeriods);
}

TargetTrackingConfig::AlarmShape TargetTrackingConfig::low_alarm(sim::Time period) const {
  const int span = period > 0 ? static_cast<int>((kLowSpan + period - 1) / period) : 15;
  return shape(low_periods, low_datapoints, span);
}

ConfigProblems TargetTrackingConfig::validate(sim::Time period) const {
  ConfigProblems out;
  if (target <= 0) out.push_back({"target", "must be > 0"});
  const TargetTrackingConfig unset;
  const AlarmShape high = high_alarm(period), low = low_alarm(period);
  const AlarmShape high_default = unset.high_alarm(period), low_default = unset.low_alarm(period);
  check_alarm_counts(out, "alarm_high", high.periods, high.datapoints, {high_default.periods, high_default.datapoints});
  check_alarm_counts(out, "alarm_low", low.periods, low.datapoints, {low_default.periods, low_default.datapoints});
  if (low_ratio <= 0 || low_ratio > 1) out.push_back({"alarm_low.ratio", "must be in (0, 1]"});
  return out;
}

ConfigProblems StepScalingConfig::validate() const {
  ConfigProblems out;
  const StepScalingConfig defaults;
  check_alarm_counts(out, "", evaluation_periods, datapoints_to_alarm, {defaults.evaluation_periods, defaults.datapoints_to_alarm});
  if (min_adjustment_magnitude) {
    if (*min_adjustment_magnitude < 1) {
      out.push_back({"min_adjustment_magnitude", "must be at least 1"});
    } else if (adjustment_type != AdjustmentType::kPercentChangeInCapacity) {
      out.push_back({"min_adjustment_magnitude", "applies only with adjustment_type: percent_change_in_capacity"});
    }
  }
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (adjustment_type == AdjustmentType::kExactCapacity && steps[i].adjustment < 0) {
      out.push_back({item_key("steps", i) + ".adjustment", "an exact capacity must be >= 0"});
    }
  }
  if (auto problem = step_bounds_problem(steps)) out.push_back({"steps", *problem});
  return out;
}

ConfigProblems ScheduledActionConfig::validate() const {
  ConfigProblems out;
  if ((min && *min < 0) || (max && *max < 0)) out.push_back({"", "min and max must be >= 0"});
  if (min && max && *max < *min) out.push_back({"", "max must be >= min"});
  return out;
}

ConfigProblems AutoscalingConfig::validate(sim::Time period) const {
  ConfigProblems out;
  if (min < 0) out.push_back({"min", "must be >= 0"});
  if (max < min) out.push_back({"max", "max (" + std::to_string(max) + ") must be >= min (" + std::to_string(min) + ")"});
  std::set<std::string> tt_metrics, names;
  for (std::size_t i = 0; i < policies.size(); ++i) {
    const std::string key = item_key("policies", i);
    const auto& p = policies[i];
    if (const auto* tt = std::get_if<TargetTrackingConfig>(&p.spec)) {
      add_problems(out, key, tt->validate(period));
      if (!tt->metric.empty() && !tt_metrics.insert(tt->metric).second) {
        out.push_back({key + ".metric", "another target_tracking policy already uses metric " + tt->metric +
                                            " (AWS requires one policy per metric)"});
      }
    } else {
      add_problems(out, key, std::get<StepScalingConfig>(p.spec).validate());
    }
    if (!names.insert(p.name).second) out.push_back({key, "duplicate policy name '" + p.name + "'"});
  }
  for (std::size_t i = 0; i < scheduled.size(); ++i) add_problems(out, item_key("scheduled", i), scheduled[i].validate());
  // The actions run in time order (equal times in list order), each changing min and/or max of
  // what the previous ones left: one that leaves min above max is reported (a scalable target's
  // min may not exceed its max). An action wrong on its own is reported above and skipped here.
  std::vector<std::size_t> order(scheduled.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return scheduled[x].at < scheduled[y].at; });
  int in_force_min = min, in_force_max = max;
  for (std::size_t i : order) {
    const auto& sa = scheduled[i];
    if (!sa.validate().empty()) continue;
    const int new_min = sa.min ? *sa.min : in_force_min;
    const int new_max = sa.max ? *sa.max : in_force_max;
    if (new_min > new_max) {
      const std::string what = sa.min ? "min (" + std::to_string(new_min) + ") is above the max in force then (" + std::to_string(new_max) + ")"
                                      : "max (" + std::to_string(new_max) + ") is below the min in force then (" + std::to_string(new_min) + ")";
      out.push_back({item_key("scheduled", i), what + "; set both min and max, or change them in an earlier action"});
      continue;
    }
    in_force_min = new_min;
    in_force_max = new_max;
  }
  return out;
}

}  // namespace loadcast::models
