// Configuration of an SNS FIFO topic (fifo_topic.hpp): its subscribed queues, publish limits and
// the scope of the messages/s quota, deduplication window, delivery latency and API client — a
// `topics.<name>:` section. Rates per second, durations sim::Time, latency in seconds. validate()
// returns the problems with keys relative to the section.
// [doc] https://docs.aws.amazon.com/sns/latest/dg/fifo-high-throughput.html
// [doc] https://docs.aws.amazon.com/sns/latest/dg/fifo-message-grouping.html
// [doc] https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_sns.FifoThroughputScope.html
// [secondary] https://repost.aws/questions/QU-TR2wYBeTzSJiptJwb58Xw
// assumption (keys): `publish_quota_scope` default `region` (the sources disagree; the stricter
// reading), delivery latency, token-bucket depth.
// Facts and assumptions: docs/models/messaging.md#sns-fifo
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "models/core/config_problem.hpp"
#include "models/messaging/api_client_config.hpp"
#include "sim/distribution.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

// Where the messages/s limit applies: one pool per region shared by the topics of the same
// mode (high throughput or not), or each topic its own.
enum class PublishQuotaScope { kRegion, kTopic };
const char* to_string(PublishQuotaScope scope);

struct TopicConfig {
  std::string name;
  std::vector<std::string> subscriptions;      // queue names
  std::vector<std::size_t> subscription_indices;
  bool high_throughput = false;                // FifoThroughputScope=MessageGroup
  double messages_per_s = 3000.0;              // the loader sets it from mode and region
  PublishQuotaScope publish_quota_scope = PublishQuotaScope::kRegion;  // of messages_per_s
  double group_messages_per_s = 300.0;         // per message group
  double bytes_per_s = 20.0 * 1024 * 1024;     // per topic
  sim::Time api_burst = sim::kSecond;          // assumption
  sim::Time dedup_window = 5 * sim::kMinute;
  sim::Distribution delivery_latency = sim::Distribution::constant(0.020);  // assumption
  ApiClientConfig client;                      // `api_latency`, `retry`

  ConfigProblems validate() const;
};

}  // namespace loadcast::models
