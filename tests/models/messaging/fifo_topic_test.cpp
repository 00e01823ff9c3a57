// SNS FIFO topic behaviour: fan-out with group ids and order, deduplication, publish limits.
#include <catch2/catch.hpp>

#include <map>
#include <utility>
#include <vector>

#include "models/messaging/fifo_queue.hpp"
#include "models/messaging/fifo_topic.hpp"
#include "models/messaging/messaging.hpp"
#include "sim/simulation.hpp"

using namespace loadcast;
using models::FifoQueue;
using models::FifoTopic;
using models::MessageSpec;

namespace {

class Recorder : public models::MessageClient {
 public:
  void on_sent(models::Request*, bool duplicate) override { duplicate ? ++duplicates : ++accepted; }
  void on_send_failed(models::Request*, const std::string* cause) override { call_failed(models::SqsAction::kSend, cause); }
  void on_receive_failed(models::ConsumerId, const std::string* cause) override {
    call_failed(models::SqsAction::kReceive, cause);
  }
  void on_delete_failed(models::ConsumerId, const std::string* cause) override {
    call_failed(models::SqsAction::kDelete, cause);
  }
  void call_failed(models::SqsAction action, const std::string* cause) {
    CHECK(action == models::SqsAction::kSend);
    last_cause = *cause;
    ++failed;
  }
  std::uint64_t failed = 0;
  std::string last_cause;
  void on_received(models::ConsumerId, std::span<const models::ReceivedMessage> messages) override {
    for (const auto& m : messages) got.push_back(m);
  }
  std::vector<models::ReceivedMessage> got;
  std::uint64_t accepted = 0, duplicates = 0;
};

models::QueueConfig queue(const std::string& name) {
  models::QueueConfig c;
  c.name = name;
  c.visibility_timeout = sim::kHour;
  return c;
}

}  // namespace

TEST_CASE("FifoTopic: every subscribed queue gets every message with its group in publish order") {
  sim::Simulation sim(2);
  models::TopicConfig tc;
  tc.name = "orders";
  tc.delivery_latency = sim::Distribution::uniform(0.001, 0.050);  // random, yet order must hold
  FifoTopic topic(sim, tc, nullptr);
  FifoQueue a(sim, queue("a"), nullptr);
  FifoQueue b(sim, queue("b"), nullptr);
  topic.subscribe(&a);
  topic.subscribe(&b);
  Recorder publisher;
  std::map<std::uint32_t, std::uint64_t> published_per_group;
  for (std::uint64_t i = 0; i < 200; ++i) {
    const auto group = static_cast<std::uint32_t>(i % 5);
    // tag = the publish order within the group
    topic.publish(MessageSpec{i + 1, ++published_per_group[group], group, 256}, &publisher, nullptr);
  }
  sim.run_until(10 * sim::kSecond);
  CHECK(publisher.accepted == 200);
  CHECK(topic.stats().deliveries == 400);
  for (FifoQueue* q : {&a, &b}) {
    INFO(q->name());
    CHECK(q->visible() == 200);
    // Drain with receives (each group's messages come out in order).
    Recorder consumer;
    for (int k = 0; k < 40; ++k) q->receive(&consumer, {}, 10, 0);
    sim.run_until(sim.now() + sim::kSecond);
    REQUIRE(consumer.got.size() == 50);  // one batch per group (10 each), groups then blocked
    std::map<std::uint32_t, std::uint64_t> last;
    for (const auto& m : consumer.got) {
      CHECK(m.spec.tag == m.group_seq);  // queue order within the group = publish order
      CHECK(m.spec.tag > last[m.spec.group]);
      last[m.spec.group] = m.spec.tag;
    }
    CHECK(last.size() == 5);
  }
}

TEST_CASE("FifoTopic: duplicate publishes are dropped before fan-out") {
  sim::Simulation sim(1);
  models::TopicConfig tc;
  tc.name = "t";
  FifoTopic topic(sim, tc, nullptr);
  FifoQueue q(sim, queue("q"), nullptr);
  topic.subscribe(&q);
  Recorder r;
  topic.publish(MessageSpec{7, 0, 0, 100}, &r, nullptr);
  topic.publish(MessageSpec{7, 0, 0, 100}, &r, nullptr);
  sim.run_until(sim::kSecond);
  CHECK(r.accepted == 1);
  CHECK(r.duplicates == 1);
  CHECK(topic.stats().duplicates == 1);
  CHECK(q.visible() == 1);
}

TEST_CASE("FifoTopic: one hot group is throttled at 300 messages per second") {
  auto burst = [](int max_attempts, Recorder& r, std::uint64_t& first_second) {
    sim::Simulation sim(4);
    models::TopicConfig tc;
    tc.name = "hot";
    tc.client.max_attempts = max_attempts;
    FifoTopic topic(sim, tc, nullptr);
    FifoQueue q(sim, queue("q"), nullptr);
    topic.subscribe(&q);
    for (std::uint64_t i = 0; i < 1200; ++i) topic.publish(MessageSpec{i + 1, 0, 0, 100}, &r, nullptr);
    sim.run_until(sim::kSecond);
    first_second = topic.stats().published;
    sim.run_until(2 * sim::kMinute);
    CHECK(topic.stats().throttled > 0);
    CHECK(topic.awaiting_retry() == 0);
    CHECK(topic.stats().failed == r.failed);
    CHECK(q.visible() == topic.stats().published);  // every accepted message was delivered
    return topic.stats().published;
  };
  SECTION("with the SDK's 3 attempts the publishes beyond the limit fail") {
    Recorder r;
    std::uint64_t first = 0;
    const auto published = burst(3, r, first);
    CHECK(first <= 600);  // 300/s plus one second of burst
    CHECK(r.failed > 0);
    CHECK(r.accepted + r.failed == 1200);
    CHECK(published == r.accepted);
    CHECK(r.last_cause == "sns_throttled:hot");
  }
  SECTION("with enough attempts every publish gets through") {
    Recorder r;
    std::uint64_t first = 0;
    CHECK(burst(100, r, first) == 1200);
    CHECK(first <= 600);
    CHECK(r.failed == 0);
    CHECK(r.accepted == 1200);
  }
  models::TopicConfig tc;
  tc.name = "hot";
  // Spread over 100 groups the same load stays under every limit.
  sim::Simulation sim2(4);
  FifoTopic spread(sim2, tc, nullptr);
  Recorder r2;
  for (std::uint64_t i = 0; i < 1200; ++i) spread.publish(MessageSpec{i + 1, 0, static_cast<std::uint32_t>(i % 100), 100}, &r2, nullptr);
  sim2.run_until(sim::kSecond);
  CHECK(spread.stats().throttled == 0);
  CHECK(spread.stats().published == 1200);
}

TEST_CASE("FifoTopic: topics in region scope share one publish quota, in topic scope each has its own") {
  // Two topics, 2,000 publishes each at t = 0 over 1,000 groups (two per group: the 300/s group
  // limit never binds) with one attempt, so a throttled publish fails at once. The 3,000
  // messages/s quota has one second of burst: 3,000 publishes pass at t = 0.
  class Sink : public models::RequestSink {
   public:
    void step_done(models::Request*) override {}
    void step_failed(models::Request*, const models::Failure&) override {}
    void respond_early(models::Request*, const models::Failure&) override {}
  };
  auto run = [](models::PublishQuotaScope scope, Recorder& first, Recorder& second) {
    sim::Simulation sim(6);
    std::vector<models::QueueConfig> queues{queue("qa"), queue("qb")};
    std::vector<models::TopicConfig> topics(2);
    for (std::size_t i = 0; i < 2; ++i) {
      topics[i].name = i == 0 ? "a" : "b";
      topics[i].subscriptions = {queues[i].name};
      topics[i].subscription_indices = {i};
      topics[i].publish_quota_scope = scope;
      topics[i].client.max_attempts = 1;
    }
    Sink sink;
    models::Messaging messaging(sim, queues, topics, sink, nullptr);
    for (std::uint64_t i = 0; i < 2000; ++i) {
      messaging.topic(0).publish(MessageSpec{i + 1, 0, static_cast<std::uint32_t>(i % 1000), 100}, &first, nullptr);
    }
    for (std::uint64_t i = 0; i < 2000; ++i) {
      messaging.topic(1).publish(MessageSpec{i + 1, 0, static_cast<std::uint32_t>(i % 1000), 100}, &second, nullptr);
    }
    sim.run_until(sim::kSecond);
    CHECK(messaging.queue(0).visible() == first.accepted);
    CHECK(messaging.queue(1).visible() == second.accepted);
    return std::pair{messaging.topic(0).stats().throttled, messaging.topic(1).stats().throttled};
  };
  SECTION("region: the first topic takes 2,000 of the pool's 3,000, the second gets the other 1,000") {
    Recorder a, b;
    const auto [throttled_a, throttled_b] = run(models::PublishQuotaScope::kRegion, a, b);
    CHECK(a.accepted == 2000);
    CHECK(throttled_a == 0);
    CHECK(b.accepted == 1000);
    CHECK(b.failed == 1000);
    CHECK(throttled_b == 1000);
    CHECK(b.last_cause == "sns_throttled:b");
  }
  SECTION("topic: each topic has 3,000 of its own and nothing is throttled") {
    Recorder a, b;
    const auto [throttled_a, throttled_b] = run(models::PublishQuotaScope::kTopic, a, b);
    CHECK(a.accepted == 2000);
    CHECK(b.accepted == 2000);
    CHECK(throttled_a + throttled_b == 0);
    CHECK(a.failed + b.failed == 0);
  }
}
