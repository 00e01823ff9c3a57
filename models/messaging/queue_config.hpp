// Configuration of an SQS FIFO queue (fifo_queue.hpp): visibility timeout, retention,
// deduplication window, API limits, dead-letter queue, the API client, and the schedules that
// send to it (EventBridge Scheduler) — a `queues.<name>:` section. Durations sim::Time, rates
// per second, sizes in bytes. validate() returns the problems with keys relative to the section.
// [doc] https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-fifo.html
// [doc] https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/avoid-backlog-with-the-same-message-group-id.html
// [doc] https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
// assumption (keys): token-bucket depth; at most 1,000,000 message groups.
// Facts and assumptions: docs/models/messaging.md#sqs-fifo
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
