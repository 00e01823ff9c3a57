#include "models/messaging/fifo_topic.hpp"

#include <algorithm>

#include "cost/billing.hpp"

namespace loadcast::models {

double fifo_publish_limit(bool high_throughput, const std::string& region) {
  if (!high_throughput) return 3000.0;
  if (region == "us-east-1") return 30000.0;
  if (region == "us-west-2" || region == "eu-west-1") return 9000.0;
  return 3000.0;
}

FifoTopic::FifoTopic(sim::Simulation& sim, const TopicConfig& config, EventLog* events, sim::TokenBucket* shared_messages)
    : sim_(sim),
      config_(config),
      events_(events),
      rng_(sim.stream("topic." + config.name)),
      api_(config_.client, rng_),
      dedup_(config.dedup_window),
      ring_(64),
      cause_throttled_("sns_throttled:" + config.name) {
  const double depth_s = sim::to_seconds(config.api_burst);
  own_messages_ = sim::TokenBucket(config.messages_per_s, std::max(1.0, config.messages_per_s * depth_s));
  messages_ = shared_messages != nullptr ? shared_messages : &own_messages_;
  bytes_ = sim::TokenBucket(config.bytes_per_s, std::max(1.0, config.bytes_per_s * depth_s));
}

void FifoTopic::publish(const MessageSpec& message, MessageClient* client, Request* job) {
  const std::uint32_t i = calls_.acquire();
  Call& c = calls_[i];
  c = Call{};
  c.spec = message;
  c.client = client;
  c.job = job;
  issue(i);
}

bool FifoTopic::admit(const MessageSpec& spec) {
  const sim::Time now = sim_.now();
  sim::TokenBucket* group = nullptr;
  if (config_.group_messages_per_s > 0.0) {
    if (spec.group >= groups_.size()) {
      const double depth = std::max(1.0, config_.group_messages_per_s * sim::to_seconds(config_.api_burst));
      groups_.resize(static_cast<std::size_t>(spec.group) + 1, sim::TokenBucket(config_.group_messages_per_s, depth));
    }
    group = &groups_[spec.group];
  }
  const auto bytes = static_cast<double>(spec.bytes);
  if (!messages_->can_take(now) || !bytes_.can_take(now, bytes) || (group != nullptr && !group->can_take(now))) return false;
  messages_->take();
  bytes_.take(bytes);
  if (group != nullptr) group->take();
  return true;
}

void FifoTopic::issue(std::uint32_t i) {
  Call& c = calls_[i];
  const sim::Time now = sim_.now();
  if (!admit(c.spec)) {
    ++stats_.throttled;
    if (throttles_.throttled(now) && events_ != nullptr) {
      events_->add(now, "throttled", config_.name, std::nullopt, std::nullopt,
                   std::string(messages_ == &own_messages_ ? "Publish over the topic's limit; "
                                                           : "Publish over the topic's limit or the region's shared publish quota; ") +
                       api_.retry_policy());
    }
    const std::optional<sim::Time> delay = api_.retry_delay(c.attempt);
    if (!delay) {
      // The SDK gives up: the last attempt's throttling error reaches the publisher.
      c.failed = true;
      ++stats_.failed;
      sim_.schedule(api_.latency(), [this, i] { complete(i); });
      return;
    }
    ++awaiting_retry_;
    sim_.schedule(*delay, [this, i] {
      --awaiting_retry_;
      issue(i);
    });
    return;
  }
  ++stats_.publish_calls;
  stats_.billed_publishes += cost::sqs_billed_requests(c.spec.bytes);
  stats_.publish_bytes += c.spec.bytes;
  std::uint64_t key = c.spec.dedup;
  if (config_.high_throughput) {
    std::uint64_t s = key ^ (static_cast<std::uint64_t>(c.spec.group) * 0x9E3779B97F4A7C15ull);
    key = sim::splitmix64(s);
  }
  if (dedup_.check_and_insert(key, now)) {
    c.duplicate = true;
    ++stats_.duplicates;
  } else {
    ++stats_.published;
    push_delivery(c.spec);
  }
  sim_.schedule(api_.latency(), [this, i] { complete(i); });
}

void FifoTopic::complete(std::uint32_t i) {
  Call& c = calls_[i];
  if (c.client != nullptr) {
    if (c.failed) c.client->on_send_failed(c.job, &cause_throttled_);
    else c.client->on_sent(c.job, c.duplicate);
  }
  calls_.release(i);
}

void FifoTopic::push_delivery(const MessageSpec& spec) {
  ring_.push_back(spec);
  // In publish order: never before the previous delivery (equal times run in schedule order).
  sim::Time at = sim::add_saturated(sim_.now(), config_.delivery_latency.sample_time(rng_));
  if (at < last_delivery_) at = last_delivery_;
  last_delivery_ = at;
  sim_.schedule_at(at, [this] { deliver_next(); });
}

void FifoTopic::deliver_next() {
  const MessageSpec spec = ring_.pop_front();
  for (FifoQueue* q : subscriptions_) {
    q->deliver(spec);
    ++stats_.deliveries;
    stats_.delivery_bytes += spec.bytes;
  }
}

reports::Json FifoTopic::accounting() const {
  reports::Json j;
  j["published"] = stats_.published;
  j["duplicates_dropped"] = stats_.duplicates;
  j["deliveries"] = stats_.deliveries;
  j["pending_deliveries"] = ring_.size();
  j["subscriptions"] = subscriptions_.size();
  j["publish_quota_scope"] = to_string(config_.publish_quota_scope);
  j["throttled"] = stats_.throttled;
  j["throttled_failed"] = stats_.failed;
  j["publishes_awaiting_retry"] = awaiting_retry_;
  j["billed_publishes"] = stats_.billed_publishes;
  j["publish_bytes"] = stats_.publish_bytes;
  return j;
}

}  // namespace loadcast::models
