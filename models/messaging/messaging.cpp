#include "models/messaging/messaging.hpp"

#include <algorithm>

#include "models/core/run_output.hpp"
#include "cost/usage.hpp"

namespace loadcast::models {

std::uint32_t draw_group(const PublishConfig& step, sim::Rng& rng) {
  if (step.skew) return static_cast<std::uint32_t>(step.skew->sample(rng)) - 1;
  return static_cast<std::uint32_t>(rng.below(static_cast<std::uint64_t>(step.groups)));
}

Messaging::Messaging(sim::Simulation& sim, const std::vector<QueueConfig>& queues,
                     const std::vector<TopicConfig>& topics, RequestSink& sink, EventLog* events)
    : sim_(sim), sink_(sink), events_(events), feed_rng_(sim.stream("messaging.feeds")) {
  for (const auto& qc : queues) queues_.push_back(std::make_unique<FifoQueue>(sim, qc, events));
  for (std::size_t i = 0; i < queues.size(); ++i) {
    const QueueConfig& qc = queues[i];
    if (!qc.dead_letter_queue.empty() && qc.max_receive_count > 0) {
      queues_[i]->set_dead_letter_queue(queues_[qc.dead_letter_index].get());
    }
    for (const auto& f : qc.schedules) feeds_.push_back(Feed{i, f});
  }
  publish_pools_.resize(2);
  for (const auto& tc : topics) {
    sim::TokenBucket* pool = nullptr;
    if (tc.publish_quota_scope == PublishQuotaScope::kRegion) {
      // The first topic of the mode sizes the pool; the loader checks that the others agree.
      auto& p = publish_pools_[tc.high_throughput ? 1 : 0];
      if (!p) {
        const double depth = std::max(1.0, tc.messages_per_s * sim::to_seconds(tc.api_burst));
        p = std::make_unique<sim::TokenBucket>(tc.messages_per_s, depth);
      }
      pool = p.get();
    }
    topics_.push_back(std::make_unique<FifoTopic>(sim, tc, events, pool));
    for (std::size_t q : tc.subscription_indices) topics_.back()->subscribe(queues_[q].get());
  }
  topic_sampled_.assign(topics_.size(), 0);
}

Messaging::~Messaging() = default;

void Messaging::start() {
  for (std::size_t i = 0; i < feeds_.size(); ++i) {
    sim_.schedule_at(feeds_[i].config.start, [this, i] { fire(i); });
  }
}

void Messaging::fire(std::size_t i) {
  const Feed& f = feeds_[i];
  FifoQueue& q = *queues_[f.queue];
  for (std::int64_t k = 0; k < f.config.messages; ++k) {
    MessageSpec m;
    m.dedup = next_dedup();
    m.tag = static_cast<std::uint64_t>(sim_.now());
    m.group = static_cast<std::uint32_t>(feed_rng_.below(static_cast<std::uint64_t>(f.config.groups)));
    m.bytes = static_cast<std::uint32_t>(f.config.bytes);
    q.send(m, nullptr, nullptr);
  }
  sim_.schedule(f.config.every, [this, i] { fire(i); });
}

std::uint64_t Messaging::next_dedup() {
  std::uint64_t s = 0xD1CEu + (++dedup_counter_ << 1);
  return sim::splitmix64(s);
}

void Messaging::publish(Request* r, const PublishConfig& step, sim::Rng& rng) {
  publish_message(step, rng, next_dedup(), sim_.now(), this, r);
}

void Messaging::publish_message(const PublishConfig& step, sim::Rng& rng, std::uint64_t dedup, sim::Time origin,
                                MessageClient* client, Request* job) {
  MessageSpec m;
  m.dedup = dedup;
  m.tag = static_cast<std::uint64_t>(origin);
  m.bytes = static_cast<std::uint32_t>(step.bytes);
  m.group = draw_group(step, rng);
  if (step.to_topic) topics_[step.target_index]->publish(m, client, job);
  else queues_[step.target_index]->send(m, client, job);
}

void Messaging::on_sent(Request* job, bool duplicate) {
  (void)duplicate;
  sink_.step_done(job);
}

void Messaging::on_send_failed(Request* job, const std::string* cause) {
  sink_.step_failed(job, Failure{Failure::Kind::kError, 500, cause});
}

void Messaging::sample(sim::Time start, sim::Time end, SeriesRow& row) {
  (void)start;
  (void)end;
  for (auto& q : queues_) q->sample(row);
  for (std::size_t i = 0; i < topics_.size(); ++i) {
    const std::uint64_t published = topics_[i]->stats().published;
    row.set(topics_[i]->name() + ".published", static_cast<double>(published - topic_sampled_[i]));
    topic_sampled_[i] = published;
  }
}

void Messaging::add_usage(cost::Usage& usage) const {
  for (const auto& q : queues_) {
    cost::SqsUsage& u = usage.sqs_for(q->name(), true);
    u.requests += static_cast<double>(q->stats().billed_requests);
    u.sns_deliveries += static_cast<double>(q->stats().sns_deliveries);
    u.empty_receives += static_cast<double>(q->stats().empty_receives);
    u.payload_bytes += static_cast<double>(q->stats().payload_bytes);
  }
  for (const auto& t : topics_) {
    cost::SnsUsage& u = usage.sns_for(t->name(), true);
    u.publish_requests += static_cast<double>(t->stats().billed_publishes);
    u.publish_bytes += static_cast<double>(t->stats().publish_bytes);
    u.deliveries += static_cast<double>(t->stats().deliveries);
    u.delivery_bytes += static_cast<double>(t->stats().delivery_bytes);
  }
}

void Messaging::finish(RunOutput& out) {
  reports::Json& queues = out.sections["queues"];
  for (const auto& q : queues_) queues[q->name()] = q->accounting();
  if (!topics_.empty()) {
    reports::Json& topics = out.sections["topics"];
    for (const auto& t : topics_) topics[t->name()] = t->accounting();
  }
  if (events_ != nullptr) {
    for (const auto& q : queues_) {
      if (q->stats().dead_lettered > kListedEvents) {
        events_->add(sim_.now(), "dlq_moves", q->name(), std::nullopt, static_cast<double>(q->stats().dead_lettered),
                     "messages moved to the dead-letter queue in the run (the first " + std::to_string(kListedEvents) +
                         " are listed)");
      }
      if (q->stats().expired > 0) {
        events_->add(sim_.now(), "messages_expired_total", q->name(), std::nullopt, static_cast<double>(q->stats().expired),
                     "messages lost to the retention period in the run, in " + std::to_string(q->expiry_episodes()) +
                         " episode(s) (the first " + std::to_string(kListedEvents) + " are listed)");
      }
    }
  }
}

}  // namespace loadcast::models
