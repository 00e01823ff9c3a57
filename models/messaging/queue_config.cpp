#include "models/messaging/queue_config.hpp"

namespace loadcast::models {

namespace {

void duration_range(ConfigProblems& out, const char* key, sim::Time lo, sim::Time hi, sim::Time v) {
  if (v < lo || v > hi) out.push_back({key, between_durations(lo, hi, v)});
}

void count_range(ConfigProblems& out, const char* key, std::int64_t lo, std::int64_t hi, std::int64_t v) {
  if (v < lo || v > hi) out.push_back({key, between(lo, hi, v)});
}

}  // namespace

ConfigProblems ScheduleFeedConfig::validate() const {
  ConfigProblems out;
  duration_range(out, "every", sim::kSecond, 366 * sim::kDay, every);
  duration_range(out, "start", 0, 366 * sim::kDay, start);
  count_range(out, "messages", 1, 100000, messages);
  count_range(out, "groups", 1, kMaxGroups, groups);
  count_range(out, "bytes", 1, kMaxMessageBytes, bytes);
  return out;
}

ConfigProblems QueueConfig::validate() const {
  ConfigProblems out;
  duration_range(out, "visibility_timeout", 0, 12 * sim::kHour, visibility_timeout);
  duration_range(out, "retention", 60 * sim::kSecond, 14 * sim::kDay, retention);
  if (api_calls_per_s <= 0) out.push_back({"api_calls_per_s", "must be > 0, found " + show_number(api_calls_per_s)});
  if (group_calls_per_s < 0) out.push_back({"group_calls_per_s", "must be >= 0 (0: no per-group limit)"});
  duration_range(out, "api_burst", sim::kMillisecond, sim::kMinute, api_burst);
  count_range(out, "in_flight_limit", 1, 10000000, in_flight_limit);
  count_range(out, "lookahead", 1, 100000000, lookahead);
  if (!dead_letter_queue.empty() || max_receive_count != 0) {
    count_range(out, "dead_letter.max_receive_count", 1, 1000, max_receive_count);
  }
  add_problems(out, "", client.validate());
  for (std::size_t i = 0; i < schedules.size(); ++i) add_problems(out, item_key("schedule", i), schedules[i].validate());
  return out;
}

}  // namespace loadcast::models
