#include "models/messaging/topic_config.hpp"

#include <utility>

namespace loadcast::models {

const char* to_string(PublishQuotaScope scope) { return scope == PublishQuotaScope::kTopic ? "topic" : "region"; }

ConfigProblems TopicConfig::validate() const {
  ConfigProblems out;
  if (subscriptions.size() > 100) out.push_back({"subscriptions", "at most 100 subscriptions per topic"});
  const std::pair<const char*, double> rates[] = {
      {"messages_per_s", messages_per_s}, {"group_messages_per_s", group_messages_per_s}, {"bytes_per_s", bytes_per_s}};
  for (const auto& [key, value] : rates) {
    if (value <= 0) out.push_back({key, "must be > 0, found " + show_number(value)});
  }
  if (api_burst < sim::kMillisecond || api_burst > sim::kMinute) {
    out.push_back({"api_burst", between_durations(sim::kMillisecond, sim::kMinute, api_burst)});
  }
  add_problems(out, "", client.validate());
  return out;
}

}  // namespace loadcast::models
