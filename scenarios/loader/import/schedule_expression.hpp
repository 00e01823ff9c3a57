// Schedule expressions as a fixed period and a first firing — what a scenario's queue `schedule`
// (every, start) and an autoscaling `scheduled` action (at) can say. Understood: Copilot's
// `on.schedule` forms (@hourly, @daily, @weekly, @monthly, @yearly, "@every 1h30m", a five-field
// cron) and EventBridge's `rate(5 minutes)`, `cron(M H DoM Mon DoW Y)` and `at(...)`.
// [doc] https://aws.github.io/copilot-cli/docs/manifest/scheduled-job/#on-schedule
// [doc] https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
// The run starts at 00:00 of the expression's time zone (assumption: a scenario has no calendar),
// so "cron(30 2 * * ? *)" fires first at 2h30m. Pure functions; thread safe.
#pragma once

#include <optional>
#include <string>

#include "sim/time.hpp"

namespace loadcast::scenario {

struct Recurrence {
  sim::Time every = 0;
  sim::Time start = 0;
  // Non-empty when the expression was approximated (a day-of-week or day-of-month restriction
  // dropped, a month taken as 30 days): the caller reports it as not imported.
  std::string approximation;
};

// nullopt with `why` set when the expression cannot be read as a period ("none", a list of
// minutes, a range of hours...).
std::optional<Recurrence> parse_recurrence(const std::string& expression, std::string& why);

// The time of day an expression fires once a day ("cron(0 8 * * ? *)", "at(2025-01-01T08:00:00)"):
// what an autoscaling scheduled action becomes in a scenario of at most a day.
std::optional<sim::Time> parse_time_of_day(const std::string& expression, std::string& why);

}  // namespace loadcast::scenario
