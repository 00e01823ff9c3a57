// Messaging: the messaging tier of one replication — its SQS FIFO queues, SNS FIFO topics and
// their subscriptions, scheduled feeds (EventBridge Scheduler → SQS), the regional SNS publish
// pools, and the `publish` step: a request's publish draws a message group (uniform or Zipf),
// publishes one message with a fresh deduplication id and hands the request back when the call
// returns (500 if throttled on every attempt); workers publish through publish_message() with a
// deduplication id derived from the message they process, so a message processed twice
// publishes duplicates that the 5-minute deduplication drops. A message's `tag` carries the time
// its chain started. Records the queues' and topics' series, sections and end-of-run events.
// [doc] https://docs.aws.amazon.com/sns/latest/dg/fifo-message-dedup.html
// Facts and assumptions: docs/models/messaging.md#behaviour
// Not thread safe: one per replication.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/core/component.hpp"
#include "models/messaging/fifo_queue.hpp"
#include "models/messaging/fifo_topic.hpp"
#include "models/messaging/publish_config.hpp"
#include "models/messaging/queue_config.hpp"
#include "models/messaging/topic_config.hpp"
#include "models/core/request.hpp"
#include "sim/simulation.hpp"
#include "sim/token_bucket.hpp"

namespace loadcast::cost {
struct Usage;
}  // namespace loadcast::cost

namespace loadcast::models {


// The message group of one publish: uniform over [0, groups), or zipf(s) ranks 1..groups mapped
// to groups 0..groups-1 (group 0 the hottest).
std::uint32_t draw_group(const PublishConfig& step, sim::Rng& rng);

class Messaging final : public Component, public MessageClient {
 public:
  Messaging(sim::Simulation& sim, const std::vector<QueueConfig>& queues, const std::vector<TopicConfig>& topics,
            RequestSink& sink, EventLog* events);
  ~Messaging() override;
  Messaging(const Messaging&) = delete;
  Messaging& operator=(const Messaging&) = delete;

  // Starts the scheduled feeds.
  void start();

  // The publish step of request `r`: returns it to the sink when the call completes.
  void publish(Request* r, const PublishConfig& step, sim::Rng& rng);
  // One message to the step's target for `job`, on behalf of any client. `origin` is the
  // chain's start time (carried in the message tag).
  void publish_message(const PublishConfig& step, sim::Rng& rng, std::uint64_t dedup, sim::Time origin,
                       MessageClient* client, Request* job);

  FifoQueue& queue(std::size_t i) { return *queues_[i]; }
  FifoTopic& topic(std::size_t i) { return *topics_[i]; }
  std::size_t queue_count() const { return queues_.size(); }
  std::size_t topic_count() const { return topics_.size(); }

  // Adds the SQS and SNS meters to `usage`.
  void add_usage(cost::Usage& usage) const;

  void on_sent(Request* job, bool duplicate) override;
  void on_send_failed(Request* job, const std::string* cause) override;
  void sample(sim::Time start, sim::Time end, SeriesRow& row) override;
  void finish(RunOutput& out) override;

 private:
  struct Feed {
    std::size_t queue;
    ScheduleFeedConfig config;
  };
  void fire(std::size_t feed);
  std::uint64_t next_dedup();

  sim::Simulation& sim_;
  RequestSink& sink_;
  EventLog* events_;
  std::vector<std::unique_ptr<FifoQueue>> queues_;
  std::vector<std::unique_ptr<sim::TokenBucket>> publish_pools_;  // [0] default mode, [1] high throughput
  std::vector<std::unique_ptr<FifoTopic>> topics_;
  std::vector<Feed> feeds_;
  std::vector<std::uint64_t> topic_sampled_;
  sim::Rng feed_rng_;
  std::uint64_t dedup_counter_ = 0;
};

}  // namespace loadcast::models
