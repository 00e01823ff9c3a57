// Configuration of an SQS FIFO queue (fifo_queue.hpp): visibility timeout, retention,
// deduplication window, API limits, dead-letter queue, the API client, and the schedules that
// send to it (EventBridge Scheduler) — a `queues.<name>:` section. Durations sim::Time, rates
// per second, sizes in bytes. validate() returns the problems with keys relative to the section.
//
// Defaults and limits, with sources:
// - visibility timeout 30 s (0-12 h), retention 4 days (60 s-14 days), deduplication window
//   5 min, in-flight limit 120,000, look-ahead 120,000 messages, maxReceiveCount 1-1000: [doc]
//   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-fifo.html
//   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/avoid-backlog-with-the-same-message-group-id.html
// - API limits: default mode 300 calls/s per action; high-throughput mode by region
//   (fifo_api_limit() in fifo_queue.hpp), 300 calls/s per message group: [doc]
//   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
// - Messages of at most 1 MiB (kMaxMessageBytes).
// Assumptions (parameters): token-bucket depth of one second of calls; at most 1,000,000
// message groups (group state is a dense array per queue and topic).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/core/config_problem.hpp"
#include "models/messaging/api_client_config.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

inline constexpr std::int64_t kMaxMessageBytes = 1048576;  // 1 MiB
inline constexpr std::int64_t kMaxGroups = 1000000;        // message groups of a queue or topic

// Messages sent to a queue on a fixed schedule (an EventBridge Scheduler target): an element
// of the queue's `schedule:` (one mapping or a list of them).
struct ScheduleFeedConfig {
  sim::Time every = sim::kMinute;
  sim::Time start = 0;          // first send (relative to the run start)
  std::int64_t messages = 1;    // per firing
  std::int64_t groups = 1;      // group ids drawn uniformly from [0, groups)
  std::int64_t bytes = 512;

  ConfigProblems validate() const;
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
  std::string dead_letter_queue;           // `dead_letter.queue`; empty: no redrive policy
  std::size_t dead_letter_index = 0;
  std::int64_t max_receive_count = 0;      // `dead_letter.max_receive_count`: 1..1000 with a DLQ
  ApiClientConfig client;                  // `api_latency`, `retry`
  std::vector<ScheduleFeedConfig> schedules;  // `schedule` (keys: schedule[i])

  ConfigProblems validate() const;
};

}  // namespace loadcast::models
