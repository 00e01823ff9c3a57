// QueueConfig, ScheduleFeedConfig, ApiClientConfig: validate() on plain structs.
#include <catch2/catch.hpp>

#include "models/messaging/queue_config.hpp"
#include "tests/models/config_problems.hpp"

using namespace loadcast;
using namespace loadcast::models;
using testing::Lines;
using testing::lines;

TEST_CASE("QueueConfig: the defaults are a valid FIFO queue") {
  CHECK(QueueConfig{}.validate().empty());
}

TEST_CASE("QueueConfig: SQS FIFO ranges name what was found") {
  QueueConfig q;
  q.visibility_timeout = 13 * sim::kHour;
  q.retention = 30 * sim::kSecond;
  q.api_calls_per_s = -5;
  q.group_calls_per_s = -1;
  q.api_burst = 0;
  q.in_flight_limit = 0;
  q.lookahead = 0;
  CHECK(lines(q.validate()) == Lines{"visibility_timeout: must be between 0s and 12h, found 13h",
                                     "retention: must be between 1m and 336h, found 30s",
                                     "api_calls_per_s: must be > 0, found -5",
                                     "group_calls_per_s: must be >= 0 (0: no per-group limit)",
                                     "api_burst: must be between 1ms and 1m, found 0s",
                                     "in_flight_limit: must be between 1 and 10000000, found 0",
                                     "lookahead: must be between 1 and 100000000, found 0"});
}

TEST_CASE("QueueConfig: a redrive policy needs 1-1000 receives") {
  QueueConfig q;
  q.dead_letter_queue = "dlq";
  CHECK(lines(q.validate()) == Lines{"dead_letter.max_receive_count: must be between 1 and 1000, found 0"});
  q.max_receive_count = 5;
  CHECK(q.validate().empty());
}

TEST_CASE("QueueConfig: the client's retries and the schedules") {
  QueueConfig q;
  q.client.retry_base = 10 * sim::kSecond;
  q.client.retry_max = 5 * sim::kSecond;
  q.client.max_attempts = 0;
  ScheduleFeedConfig feed;
  feed.every = 0;
  feed.bytes = kMaxMessageBytes + 1;
  q.schedules = {ScheduleFeedConfig{}, feed};
  CHECK(lines(q.validate()) == Lines{"retry: max must be >= base", "retry.max_attempts: must be between 1 and 100, found 0",
                                     "schedule[1].every: must be between 1s and 8784h, found 0s",
                                     "schedule[1].bytes: must be between 1 and 1048576, found 1048577"});
}
