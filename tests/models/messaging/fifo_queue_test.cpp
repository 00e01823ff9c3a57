// SQS FIFO queue behaviour, driven directly from a Simulation with a simple in-test consumer.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <map>
#include <vector>

#include "models/messaging/fifo_queue.hpp"
#include "sim/simulation.hpp"

using namespace loadcast;
using models::FifoQueue;
using models::MessageSpec;
using models::QueueConfig;
using models::ReceivedMessage;

namespace {

QueueConfig queue_config(const std::string& name) {
  QueueConfig c;
  c.name = name;
  return c;
}

// Pollers that process each message of a batch in turn for `work`, delete it on success, and on
// a failure (probability `fail`) abandon the rest of that group's messages in the batch, so the
// queue's redelivery keeps the group in order — what a correct FIFO consumer does.
class Consumer : public models::MessageClient {
 public:
  Consumer(sim::Simulation& sim, FifoQueue& q, int pollers, sim::Time work, sim::Time wait, double fail = 0.0)
      : sim_(sim), q_(q), work_(work), wait_(wait), fail_(fail), rng_(sim.stream("test.consumer")), state_(static_cast<std::size_t>(pollers)) {}

  void start() {
    for (std::size_t p = 0; p < state_.size(); ++p) q_.receive(this, models::ConsumerId{static_cast<std::uint32_t>(p)}, 10, wait_);
  }

  void on_received(models::ConsumerId consumer, std::span<const ReceivedMessage> messages) override {
    const std::uint32_t token = consumer.index;
    Poller& p = state_[token];
    p.batch.assign(messages.begin(), messages.end());
    p.next = 0;
    p.failed_group = UINT32_MAX;
    next(token);
  }
  void on_deleted(models::ConsumerId consumer, std::uint32_t deleted, std::uint32_t) override {
    deletes_ += deleted;
    next(consumer.index);
  }

  std::uint64_t processed = 0;                                   // successful processings
  std::uint64_t attempts = 0;                                    // all processings
  std::map<std::uint32_t, std::vector<std::uint64_t>> deleted_seq;  // per group, in delete order
  std::uint64_t deletes_ = 0;
  std::vector<sim::Time> starts;

 private:
  struct Poller {
    std::vector<ReceivedMessage> batch;
    std::size_t next = 0;
    std::uint32_t failed_group = UINT32_MAX;
  };

  void next(std::uint32_t token) {
    Poller& p = state_[token];
    while (p.next < p.batch.size() && p.batch[p.next].spec.group == p.failed_group) ++p.next;
    if (p.next >= p.batch.size()) {
      q_.receive(this, models::ConsumerId{token}, 10, wait_);
      return;
    }
    ++attempts;
    sim_.schedule(work_, [this, token] { done(token); });
  }

  void done(std::uint32_t token) {
    Poller& p = state_[token];
    const ReceivedMessage m = p.batch[p.next++];
    if (fail_ > 0.0 && rng_.uniform() < fail_) {
      p.failed_group = m.spec.group;
      next(token);
      return;
    }
    ++processed;
    deleted_seq[m.spec.group].push_back(m.group_seq);
    q_.delete_messages(std::span<const models::Receipt>(&m.receipt, 1), this, models::ConsumerId{token});
  }

  sim::Simulation& sim_;
  FifoQueue& q_;
  sim::Time work_;
  sim::Time wait_;
  double fail_;
  sim::Rng rng_;
  std::vector<Poller> state_;
};

// Records what a hand-driven client gets back.
class Recorder : public models::MessageClient {
 public:
  void on_sent(models::Request*, bool duplicate) override { duplicate ? ++duplicates : ++accepted; }
  void on_received(models::ConsumerId, std::span<const ReceivedMessage> messages) override {
    batches.emplace_back(messages.begin(), messages.end());
  }
  void on_deleted(models::ConsumerId, std::uint32_t n, std::uint32_t) override { deleted += n; }
  void on_send_failed(models::Request*, const std::string* cause) override { call_failed(models::SqsAction::kSend, cause); }
  void on_receive_failed(models::ConsumerId, const std::string* cause) override {
    call_failed(models::SqsAction::kReceive, cause);
  }
  void on_delete_failed(models::ConsumerId, const std::string* cause) override {
    call_failed(models::SqsAction::kDelete, cause);
  }
  void call_failed(models::SqsAction action, const std::string* cause) {
    ++failed[static_cast<std::size_t>(action)];
    last_cause = *cause;
  }
  std::vector<std::vector<ReceivedMessage>> batches;
  std::uint64_t accepted = 0, duplicates = 0, deleted = 0;
  std::array<std::uint64_t, models::kSqsActions> failed{};
  std::string last_cause;
};

void preload(FifoQueue& q, int messages, std::uint32_t groups) {
  for (int i = 0; i < messages; ++i) {
    q.deliver(MessageSpec{static_cast<std::uint64_t>(i + 1), 0, static_cast<std::uint32_t>(i) % groups, 1024});
  }
}

}  // namespace

TEST_CASE("FifoQueue: throughput never exceeds groups over processing time") {
  const std::uint32_t groups = 4;
  const sim::Time p = 100 * sim::kMillisecond;
  const sim::Time horizon = 60 * sim::kSecond;
  const double bound = groups * sim::to_seconds(horizon) / sim::to_seconds(p);  // G/p x T = 2400
  for (int consumers : {1, 2, 4, 16, 64}) {
    sim::Simulation sim(7);
    auto cfg = queue_config("q");
    FifoQueue q(sim, cfg, nullptr);
    preload(q, 4000, groups);
    Consumer c(sim, q, consumers, p, 20 * sim::kSecond);
    c.start();
    sim.run_until(horizon);
    INFO("consumers " << consumers << " deleted " << q.stats().deleted);
    CHECK(static_cast<double>(q.stats().deleted) <= bound);
    // With at least one poller per group the bound is nearly reached (API latency costs a little).
    if (consumers >= static_cast<int>(groups)) CHECK(static_cast<double>(q.stats().deleted) >= 0.85 * bound);
    // One poller works one batch at a time: about 1/p.
    if (consumers == 1) CHECK(static_cast<double>(q.stats().deleted) <= sim::to_seconds(horizon) / sim::to_seconds(p));
    CHECK(q.balanced());
  }
}

TEST_CASE("FifoQueue: order within each group is preserved under failures and redelivery") {
  sim::Simulation sim(11);
  auto cfg = queue_config("orders");
  cfg.visibility_timeout = 2 * sim::kSecond;
  FifoQueue q(sim, cfg, nullptr);
  preload(q, 600, 8);
  Consumer c(sim, q, 6, 20 * sim::kMillisecond, 20 * sim::kSecond, 0.2);
  c.start();
  sim.run_until(30 * sim::kMinute);
  REQUIRE(q.stats().deleted == 600);
  CHECK(q.stats().redelivered > 0);
  REQUIRE(c.deleted_seq.size() == 8);
  for (const auto& [group, seqs] : c.deleted_seq) {
    INFO("group " << group);
    REQUIRE(seqs.size() == 75);
    for (std::size_t i = 0; i < seqs.size(); ++i) CHECK(seqs[i] == i + 1);
  }
  CHECK(q.balanced());
}

TEST_CASE("FifoQueue: DLQ arrivals match N times f to the power k") {
  const int n = 4000;
  const double f = 0.5;
  const int k = 3;
  sim::Simulation sim(5);
  auto cfg = queue_config("work");
  cfg.visibility_timeout = 1 * sim::kSecond;
  cfg.max_receive_count = k;
  cfg.dead_letter_queue = "work-dlq";
  auto dlq_cfg = queue_config("work-dlq");
  FifoQueue q(sim, cfg, nullptr);
  FifoQueue dlq(sim, dlq_cfg, nullptr);
  q.set_dead_letter_queue(&dlq);
  preload(q, n, n);  // one message per group: each message's attempts are independent
  // Few pollers: 5 x 50 deletes/s stays under the 300 calls/s limit, so no delete comes back
  // late (a throttled delete arriving after the timeout would add a receive).
  Consumer c(sim, q, 5, 10 * sim::kMillisecond, 20 * sim::kSecond, f);
  c.start();
  sim.run_until(20 * sim::kMinute);
  const double expected = n * std::pow(f, k);                      // 500
  const double sd = std::sqrt(n * std::pow(f, k) * (1 - std::pow(f, k)));
  const double dead = static_cast<double>(q.stats().dead_lettered);
  INFO("dead-lettered " << dead << " expected " << expected << " +- " << 3.29 * sd);
  CHECK(std::abs(dead - expected) <= 3.29 * sd);  // 99.9 % binomial interval
  CHECK(q.stats().deleted + q.stats().dead_lettered == static_cast<std::uint64_t>(n));
  CHECK(dlq.stats().redriven_in == q.stats().dead_lettered);
  CHECK(dlq.visible() == q.stats().dead_lettered);
  CHECK(q.balanced());
  CHECK(dlq.balanced());
}

TEST_CASE("FifoQueue: an undeleted message reappears after the visibility timeout") {
  sim::Simulation sim(1);
  auto cfg = queue_config("vt");
  cfg.visibility_timeout = 30 * sim::kSecond;
  FifoQueue q(sim, cfg, nullptr);
  Recorder r;
  q.send(MessageSpec{1, 0, 7, 100}, &r, nullptr);
  q.send(MessageSpec{2, 0, 7, 100}, &r, nullptr);
  sim.run_until(sim::kSecond);
  REQUIRE(r.accepted == 2);

  SECTION("the whole group is returned in one batch and then blocked until the timeout") {
    q.receive(&r, {}, 1, 0);  // one message: the group is now in flight
    sim.run_until(2 * sim::kSecond);
    REQUIRE(r.batches.size() == 1);
    REQUIRE(r.batches[0].size() == 1);
    CHECK(r.batches[0][0].group_seq == 1);
    CHECK(r.batches[0][0].receive_count == 1);
    q.receive(&r, {}, 10, 0);  // the group is blocked: nothing, even though message 2 is visible
    sim.run_until(3 * sim::kSecond);
    REQUIRE(r.batches.size() == 2);
    CHECK(r.batches[1].empty());
    CHECK(q.visible() == 1);
    CHECK(q.in_flight() == 1);

    // Long poll from 15 s: it is answered when the timeout returns message 1 at 31 s.
    sim.run_until(15 * sim::kSecond);
    q.receive(&r, {}, 10, 20 * sim::kSecond);
    sim.run_until(30 * sim::kSecond + sim::kSecond);
    CHECK(r.batches.size() == 2);
    sim.run_until(32 * sim::kSecond);
    REQUIRE(r.batches.size() == 3);
    REQUIRE(r.batches[2].size() == 2);
    CHECK(r.batches[2][0].group_seq == 1);
    CHECK(r.batches[2][0].receive_count == 2);
    CHECK(r.batches[2][1].group_seq == 2);
    CHECK(q.stats().redelivered == 1);

    // The first receipt of message 1 is stale now; the new one deletes.
    q.delete_messages(std::span<const models::Receipt>(&r.batches[0][0].receipt, 1), &r, {});
    sim.run_until(33 * sim::kSecond);
    CHECK(r.deleted == 0);
    CHECK(q.stats().stale_deletes == 1);
    const models::Receipt both[2] = {r.batches[2][0].receipt, r.batches[2][1].receipt};
    q.delete_messages(both, &r, {});
    sim.run_until(34 * sim::kSecond);
    CHECK(r.deleted == 2);
    CHECK(q.stored() == 0);
    CHECK(q.balanced());
  }
}

TEST_CASE("FifoQueue: short polling makes far more empty receives than long polling") {
  auto idle = [](sim::Time wait) {
    sim::Simulation sim(3);
    auto cfg = queue_config("idle");
    FifoQueue q(sim, cfg, nullptr);
    Consumer c(sim, q, 1, sim::kMillisecond, wait);
    c.start();
    sim.run_until(10 * sim::kMinute);
    // Every served call is billed (the last one may still be on its way back).
    CHECK(q.stats().calls - q.stats().billed_requests <= 1);
    return q.stats().empty_receives;
  };
  const auto long_poll = idle(20 * sim::kSecond);
  const auto short_poll = idle(0);
  // 600 s / (20 s wait + 2 x 10 ms latency) = 29.97 long polls; short polls every 10 ms.
  CHECK(long_poll >= 29);
  CHECK(long_poll <= 30);
  CHECK(short_poll >= 59000);
  CHECK(short_poll <= 60000);
}

TEST_CASE("FifoQueue: duplicates inside the five minute window are dropped and counted") {
  sim::Simulation sim(1);
  auto cfg = queue_config("dedup");
  FifoQueue q(sim, cfg, nullptr);
  Recorder r;
  q.send(MessageSpec{42, 0, 0, 100}, &r, nullptr);
  sim.run_until(sim::kMinute);
  q.send(MessageSpec{42, 0, 0, 100}, &r, nullptr);  // same id after 1 min: dropped
  q.send(MessageSpec{43, 0, 0, 100}, &r, nullptr);
  sim.run_until(5 * sim::kMinute + sim::kSecond);
  q.send(MessageSpec{42, 0, 0, 100}, &r, nullptr);  // the window of the first send is over
  sim.run_until(6 * sim::kMinute);
  CHECK(r.accepted == 3);
  CHECK(r.duplicates == 1);
  CHECK(q.stats().duplicates == 1);
  CHECK(q.visible() == 3);
  CHECK(q.balanced());
}

TEST_CASE("FifoQueue: calls over the per-action limit are throttled and retried") {
  auto run = [](bool high_throughput, int max_attempts, Recorder& r, std::uint64_t& accepted_in_first_second) {
    sim::Simulation sim(9);
    auto cfg = queue_config("busy");
    cfg.high_throughput = high_throughput;
    cfg.api_calls_per_s = models::fifo_api_limit(high_throughput, "ap-northeast-1");
    cfg.client.max_attempts = max_attempts;
    if (high_throughput) cfg.group_calls_per_s = 300;
    FifoQueue q(sim, cfg, nullptr);
    for (std::uint32_t i = 0; i < 1000; ++i) q.send(MessageSpec{i + 1, 0, i % 100, 100}, &r, nullptr);
    sim.run_until(sim::kSecond);
    accepted_in_first_second = q.stats().sent;
    sim.run_until(5 * sim::kMinute);
    // Nothing hangs: every call was answered, accepted or failed.
    CHECK(q.awaiting_retry(models::SqsAction::kSend) == 0);
    CHECK(r.accepted + r.failed[0] == 1000);
    CHECK(q.stats().sent == r.accepted);
    CHECK(q.stats().failed[0] == r.failed[0]);
    CHECK(q.balanced());
    return q.stats().throttled[0];
  };
  std::uint64_t first = 0;
  SECTION("the SDK's standard mode gives up after 3 attempts: the rest fail") {
    Recorder r;
    CHECK(run(false, 3, r, first) > 0);
    CHECK(first <= 600);  // 300 calls/s plus one second of burst
    CHECK(first >= 300);
    CHECK(r.failed[0] > 0);
    CHECK(r.last_cause == "sqs_throttled:busy");
    // A call fails only after three throttled attempts.
    CHECK(r.failed[0] * 3 <= 1000 * 3 - 300);
  }
  SECTION("with enough attempts every send gets through") {
    Recorder r;
    CHECK(run(false, 100, r, first) > 0);
    CHECK(r.accepted == 1000);
    CHECK(r.failed[0] == 0);
  }
  SECTION("high throughput in Tokyo takes the burst without a throttle") {
    Recorder r;
    CHECK(run(true, 3, r, first) == 0);  // 9,000 calls/s
    CHECK(first == 1000);
    CHECK(r.accepted == 1000);
  }
}

TEST_CASE("FifoQueue: a throttled receive and delete fail after the last attempt and the message reappears") {
  sim::Simulation sim(2);
  auto cfg = queue_config("thin");
  cfg.api_calls_per_s = 1.0;  // one call per second per action, a bucket of one
  cfg.visibility_timeout = 10 * sim::kSecond;
  cfg.client.max_attempts = 2;
  cfg.client.retry_base = 10 * sim::kMillisecond;
  FifoQueue q(sim, cfg, nullptr);
  q.deliver(MessageSpec{1, 0, 0, 100});
  q.deliver(MessageSpec{2, 0, 1, 100});
  Recorder r;
  q.receive(&r, {}, 10, 0);  // takes the receive bucket's token: both messages
  q.receive(&r, {}, 10, 0);  // throttled on both attempts, 10-20 ms apart: fails
  sim.run_until(100 * sim::kMillisecond);
  REQUIRE(r.batches.size() == 1);
  REQUIRE(r.batches[0].size() == 2);
  CHECK(r.failed[1] == 1);
  CHECK(q.stats().failed[1] == 1);
  q.delete_messages(std::span<const models::Receipt>(&r.batches[0][0].receipt, 1), &r, {});  // served
  q.delete_messages(std::span<const models::Receipt>(&r.batches[0][1].receipt, 1), &r, {});  // fails
  sim.run_until(sim::kSecond);
  CHECK(r.deleted == 1);
  CHECK(r.failed[2] == 1);
  CHECK(r.last_cause == "sqs_throttled:thin");
  CHECK(q.in_flight() == 1);
  // The message whose delete failed comes back at the visibility timeout.
  sim.run_until(10 * sim::kSecond + sim::kMillisecond);
  CHECK(q.stats().redelivered == 1);
  CHECK(q.visible() == 1);
  CHECK(q.awaiting_retry(models::SqsAction::kDelete) == 0);
  CHECK(q.balanced());
}

TEST_CASE("FifoQueue: the in-flight limit caps what a receive returns") {
  sim::Simulation sim(1);
  auto cfg = queue_config("cap");
  cfg.in_flight_limit = 5;
  FifoQueue q(sim, cfg, nullptr);
  preload(q, 20, 20);
  Recorder r;
  q.receive(&r, {}, 10, 0);
  q.receive(&r, {}, 10, 0);
  sim.run_until(sim::kSecond);
  REQUIRE(r.batches.size() == 2);
  CHECK(r.batches[0].size() == 5);
  CHECK(r.batches[1].empty());
  CHECK(q.in_flight() == 5);
}

TEST_CASE("FifoQueue: messages past the retention period are lost and counted") {
  sim::Simulation sim(1);
  auto cfg = queue_config("old");
  cfg.retention = 60 * sim::kSecond;
  FifoQueue q(sim, cfg, nullptr);
  preload(q, 10, 3);
  Recorder r;
  q.receive(&r, {}, 10, 0);  // some in flight when they expire
  sim.run_until(59 * sim::kSecond);
  CHECK(q.stats().expired == 0);
  CHECK(q.oldest_age() == 59 * sim::kSecond);
  sim.run_until(61 * sim::kSecond);
  CHECK(q.stats().expired == 10);
  CHECK(q.stored() == 0);
  CHECK(q.balanced());
}

TEST_CASE("FifoQueue: a backlog in one group hides later groups beyond the look-ahead") {
  auto second_receive = [](std::int64_t lookahead) {
    sim::Simulation sim(1);
    auto cfg = queue_config("hol");
    cfg.lookahead = lookahead;
    FifoQueue q(sim, cfg, nullptr);
    for (int i = 0; i < 150; ++i) q.deliver(MessageSpec{static_cast<std::uint64_t>(i + 1), 0, 0, 100});
    q.deliver(MessageSpec{1000, 0, 1, 100});
    Recorder r;
    q.receive(&r, {}, 10, 0);
    sim.run_until(sim::kSecond);
    q.receive(&r, {}, 10, 0);
    sim.run_until(2 * sim::kSecond);
    REQUIRE(r.batches.size() == 2);
    CHECK(r.batches[0].size() == 10);
    return r.batches[1].size();
  };
  CHECK(second_receive(100) == 0);   // group 1's message is the 151st: not found
  CHECK(second_receive(1000) == 1);  // found
}

TEST_CASE("FifoQueue: a message moved to the DLQ unblocks the rest of its group") {
  sim::Simulation sim(1);
  auto cfg = queue_config("poison");
  cfg.visibility_timeout = 10 * sim::kSecond;
  cfg.max_receive_count = 1;
  cfg.dead_letter_queue = "poison-dlq";
  FifoQueue q(sim, cfg, nullptr);
  FifoQueue dlq(sim, queue_config("poison-dlq"), nullptr);
  q.set_dead_letter_queue(&dlq);
  q.deliver(MessageSpec{1, 0, 3, 100});
  q.deliver(MessageSpec{2, 0, 3, 100});
  Recorder r;
  q.receive(&r, {}, 1, 0);  // the poison message, never deleted
  sim.run_until(11 * sim::kSecond);
  CHECK(q.stats().dead_lettered == 1);
  q.receive(&r, {}, 10, 0);
  sim.run_until(12 * sim::kSecond);
  REQUIRE(r.batches.size() == 2);
  REQUIRE(r.batches[1].size() == 1);
  CHECK(r.batches[1][0].group_seq == 2);
  CHECK(dlq.visible() == 1);
  CHECK(q.balanced());
}
