// Configuration of the messaging tier: SQS FIFO queues, SNS FIFO topics, and the `publish`
// step. Plain data: defaults in member initialisers, units in the names; the scenario loader
// (scenarios/loader/messaging_loader.cpp) fills it, resolves names to indices and checks ranges.
//
// Defaults and their sources:
// - visibility timeout 30 s (0..12 h), retention 4 days (60 s..14 days), long-poll wait
//   0..20 s, receive at most 10, deduplication window 5 min, FIFO in-flight limit 120,000,
//   look-ahead 120,000 messages, maxReceiveCount 1..1000:
//   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-fifo.html
//   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/avoid-backlog-with-the-same-message-group-id.html
// - API limits: default mode 300 calls/s per action; high-throughput mode by region
//   (fifo_api_limit() in fifo_queue.hpp):
//   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
// - SNS FIFO: 3,000 msg/s and 20 MB/s per topic, 300 msg/s per message group; high-throughput
//   mode by region (fifo_publish_limit() in fifo_topic.hpp): https://docs.aws.amazon.com/sns/latest/dg/fifo-high-throughput.html
// Assumptions (AWS publishes no number; each is a parameter): API call latency 10 ms, SNS
// delivery latency 20 ms, token-bucket depth of one second of calls, SDK retry backoff with
// full jitter from 100 ms doubling to 20 s. The SDK's standard retry mode makes at most 3
// attempts of a call, with that 20 s cap on the backoff:
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/distribution.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

// Messages sent to a queue on a fixed schedule (an EventBridge Scheduler target).
struct ScheduleFeedConfig {
  sim::Time every = sim::kMinute;
  sim::Time start = 0;          // first send (relative to the run start)
  std::int64_t messages = 1;    // per firing
  std::int64_t groups = 1;      // group ids drawn uniformly from [0, groups)
  std::int64_t bytes = 512;
};

// How clients of an AWS API behave: call latency and the SDK's retry of throttled calls.
struct ApiClientConfig {
  sim::Distribution latency = sim::Distribution::constant(0.010);  // assumption: round trip
  sim::Time retry_base = 100 * sim::kMillisecond;                 // assumption
  sim::Time retry_max = 20 * sim::kSecond;                        // SDK standard mode cap
  int max_attempts = 3;                                           // SDK standard mode: 3 in all
};

struct QueueConfig {
  std::string name;
  sim::Time visibility_timeout = 30 * sim::kSecond;
  sim::Time retention = 4 * sim::kDay;
  sim::Time dedup_window = 5 * sim::kMinute;
  bool high_throughput = false;            // DeduplicationScope=messageGroup, perMessageGroupId
  double api_calls_per_s = 300.0;          // per action; the loader sets it from mode and region
  double group_calls_per_s = 0.0;          // per message group (high throughput: 300); 0 = none
  sim::Time api_burst = sim::kSecond;      // assumption: bucket depth = rate x this
  std::int64_t in_flight_limit = 120000;
  std::int64_t lookahead = 120000;
  std::string dead_letter_queue;           // empty: no redrive policy
  std::size_t dead_letter_index = 0;
  std::int64_t max_receive_count = 0;      // 1..1000 with a dead-letter queue
  ApiClientConfig client;
  std::vector<ScheduleFeedConfig> schedules;
};

struct TopicConfig {
  std::string name;
  std::vector<std::string> subscriptions;      // queue names
  std::vector<std::size_t> subscription_indices;
  bool high_throughput = false;                // FifoThroughputScope=MessageGroup
  double messages_per_s = 3000.0;              // per topic; the loader sets it from mode and region
  double group_messages_per_s = 300.0;         // per message group
  double bytes_per_s = 20.0 * 1024 * 1024;     // per topic
  sim::Time api_burst = sim::kSecond;          // assumption
  sim::Time dedup_window = 5 * sim::kMinute;
  sim::Distribution delivery_latency = sim::Distribution::constant(0.020);  // assumption
  ApiClientConfig client;
};

// A `publish` step: one message to a topic or straight to a queue, on group
// uniform(0, groups) or zipf(s) over the groups (hot keys).
struct PublishConfig {
  bool to_topic = true;
  std::string target;
  std::size_t target_index = 0;
  std::int64_t groups = 1;
  std::optional<sim::Distribution> skew;  // zipf(s, groups), ranks 1..groups
  std::int64_t bytes = 1024;
};

}  // namespace loadcast::models
