// FifoTopic: an SNS FIFO topic — publish limits (messages/s per topic or per regional pool,
// bytes/s and per message group, throttled publishes retried as the SDK does), deduplication, and
// fan-out of every accepted message to every subscribed SQS FIFO queue with its group id, in
// publish order, each delivery after a sampled latency (assumption: 20 ms) but never before the
// previous one. A publish is accepted when issued; the publisher's call returns one API latency
// later. Billed: publishes and their bytes, deliveries to SQS and theirs.
// [doc] https://docs.aws.amazon.com/sns/latest/dg/fifo-high-throughput.html
// [doc] https://docs.aws.amazon.com/sns/latest/dg/fifo-message-grouping.html
// [doc] https://docs.aws.amazon.com/sns/latest/dg/fifo-message-dedup.html
// [doc] https://aws.amazon.com/sns/pricing/
// Facts and assumptions: docs/models/messaging.md#sns-fifo
// Not thread safe: one topic per replication.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/core/component.hpp"
#include "models/messaging/api_client.hpp"
#include "models/messaging/dedup_window.hpp"
#include "models/messaging/fifo_queue.hpp"
#include "sim/index_pool.hpp"
#include "sim/ring.hpp"
#include "models/messaging/topic_config.hpp"
#include "sim/token_bucket.hpp"
#include "sim/simulation.hpp"

namespace loadcast::models {

// SNS FIFO publish limit (messages per second) for a mode and region.
double fifo_publish_limit(bool high_throughput, const std::string& region);

struct FifoTopicStats {
  std::uint64_t published = 0;        // accepted, not duplicates
  std::uint64_t duplicates = 0;       // dropped by deduplication
  std::uint64_t publish_calls = 0;    // served publish calls
  std::uint64_t throttled = 0;        // throttled attempts
  std::uint64_t failed = 0;           // publishes throttled on every attempt: failed
  std::uint64_t billed_publishes = 0; // 64 KB chunks
  std::uint64_t publish_bytes = 0;
  std::uint64_t deliveries = 0;       // messages handed to subscriptions
  std::uint64_t delivery_bytes = 0;
};

class FifoTopic {
 public:
  // `shared_messages`: the regional messages/s pool this topic draws from (owned by the caller,
  // outliving the topic); null: the topic's own bucket of config.messages_per_s.
  FifoTopic(sim::Simulation& sim, const TopicConfig& config, EventLog* events, sim::TokenBucket* shared_messages = nullptr);
  FifoTopic(const FifoTopic&) = delete;
  FifoTopic& operator=(const FifoTopic&) = delete;

  void subscribe(FifoQueue* queue) { subscriptions_.push_back(queue); }
  // Publish for `job`. `client` may be null (fire and forget).
  void publish(const MessageSpec& message, MessageClient* client, Request* job);

  const std::string& name() const { return config_.name; }
  const TopicConfig& config() const { return config_; }
  const FifoTopicStats& stats() const { return stats_; }
  std::size_t pending_deliveries() const { return ring_.size(); }
  std::size_t awaiting_retry() const { return awaiting_retry_; }
  const std::string* cause_throttled() const { return &cause_throttled_; }
  // The `topics.<name>` entry of the result.
  reports::Json accounting() const;

 private:
  struct Call {
    MessageSpec spec;
    MessageClient* client = nullptr;
    Request* job = nullptr;
    std::uint32_t attempt = 0;
    bool duplicate = false;
    bool failed = false;
  };

  void issue(std::uint32_t call);
  bool admit(const MessageSpec& spec);
  void complete(std::uint32_t call);
  void deliver_next();
  void push_delivery(const MessageSpec& spec);

  sim::Simulation& sim_;
  TopicConfig config_;
  EventLog* events_;
  sim::Rng rng_;
  ApiClient api_;
  DedupWindow dedup_;
  sim::TokenBucket own_messages_;
  sim::TokenBucket* messages_;  // own_messages_ or the regional pool
  sim::TokenBucket bytes_;
  std::vector<sim::TokenBucket> groups_;
  std::vector<FifoQueue*> subscriptions_;
  sim::IndexPool<Call> calls_;
  sim::Ring<MessageSpec> ring_;  // deliveries in flight, publish order
  sim::Time last_delivery_ = 0;
  ThrottleEpisodes throttles_;
  std::size_t awaiting_retry_ = 0;
  std::string cause_throttled_;
  FifoTopicStats stats_;
};

}  // namespace loadcast::models
