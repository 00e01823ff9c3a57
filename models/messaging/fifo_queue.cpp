#include "models/messaging/fifo_queue.hpp"

#include <algorithm>
#include <cassert>
#include <functional>

#include "cost/billing.hpp"

namespace loadcast::models {

namespace {

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  std::uint64_t s = a ^ (b * 0x9E3779B97F4A7C15ull);
  return sim::splitmix64(s);
}

}  // namespace

const char* to_string(SqsAction a) {
  switch (a) {
    case SqsAction::kSend: return "SendMessage";
    case SqsAction::kReceive: return "ReceiveMessage";
    case SqsAction::kDelete: return "DeleteMessage";
  }
  return "?";
}

double fifo_api_limit(bool high_throughput, const std::string& region) {
  if (!high_throughput) return 300.0;
  if (region == "us-east-1" || region == "us-west-2" || region == "eu-west-1") return 70000.0;
  if (region == "us-east-2" || region == "eu-central-1") return 19000.0;
  if (region == "ap-south-1" || region == "ap-southeast-1" || region == "ap-southeast-2" || region == "ap-northeast-1") {
    return 9000.0;
  }
  return 4500.0;
}

FifoQueue::FifoQueue(sim::Simulation& sim, const QueueConfig& config, EventLog* events)
    : sim_(sim),
      config_(config),
      events_(events),
      rng_(sim.stream("queue." + config.name)),
      api_(config_.client, rng_),
      dedup_(config.dedup_window),
      cause_throttled_("sqs_throttled:" + config.name) {
  const double depth_s = sim::to_seconds(config.api_burst);
  for (auto& l : limiters_) l = sim::TokenBucket(config.api_calls_per_s, std::max(1.0, config.api_calls_per_s * depth_s));
}

// ---- API calls -----------------------------------------------------------------------------

void FifoQueue::send(const MessageSpec& message, MessageClient* client, Request* job) {
  const std::uint32_t i = calls_.acquire();
  Call& c = calls_[i];
  c = Call{};
  c.action = SqsAction::kSend;
  c.client = client;
  c.job = job;
  c.spec = message;
  issue(i);
}

void FifoQueue::receive(MessageClient* client, ConsumerId consumer, std::uint32_t max_messages, sim::Time wait) {
  const std::uint32_t i = calls_.acquire();
  Call& c = calls_[i];
  c = Call{};
  c.action = SqsAction::kReceive;
  c.client = client;
  c.consumer = consumer;
  c.max = std::clamp<std::uint32_t>(max_messages, 1, kMaxReceiveBatch);
  c.wait = wait > 0 ? wait : 0;
  issue(i);
}

void FifoQueue::delete_messages(std::span<const Receipt> receipts, MessageClient* client, ConsumerId consumer) {
  assert(receipts.size() <= kMaxReceiveBatch && "DeleteMessageBatch takes at most 10 entries");
  const std::uint32_t i = calls_.acquire();
  Call& c = calls_[i];
  c = Call{};
  c.action = SqsAction::kDelete;
  c.client = client;
  c.consumer = consumer;
  c.count = static_cast<std::uint32_t>(std::min<std::size_t>(receipts.size(), kMaxReceiveBatch));
  for (std::uint32_t k = 0; k < c.count; ++k) c.msgs[k].receipt = receipts[k];
  issue(i);
}

void FifoQueue::deliver(const MessageSpec& message) {
  ++stats_.calls;
  stats_.billed_requests += cost::sqs_billed_requests(message.bytes);
  stats_.sns_deliveries += cost::sqs_billed_requests(message.bytes);
  stats_.payload_bytes += message.bytes;
  enqueue(message, false);
  serve_waiters();
}

void FifoQueue::issue(std::uint32_t i) {
  Call& c = calls_[i];
  if (!admit(c)) {
    retry(i);
    return;
  }
  ++stats_.calls;
  switch (c.action) {
    case SqsAction::kSend:
      apply_send(c);
      respond(i);
      serve_waiters();
      break;
    case SqsAction::kReceive:
      ++stats_.receive_calls;
      if (take(c) > 0 || c.wait == 0) {
        respond(i);
      } else {
        park(i);
      }
      break;
    case SqsAction::kDelete:
      apply_delete(c);
      respond(i);
      serve_waiters();
      break;
  }
}

bool FifoQueue::admit(Call& c) {
  const sim::Time now = sim_.now();
  const auto a = static_cast<std::size_t>(c.action);
  sim::TokenBucket* per_group = nullptr;
  if (c.action == SqsAction::kSend && config_.group_calls_per_s > 0.0) per_group = &group_limiter(c.spec.group);
  if (!limiters_[a].can_take(now) || (per_group != nullptr && !per_group->can_take(now))) {
    ++stats_.throttled[a];
    note_throttle(c.action);
    return false;
  }
  limiters_[a].take();
  if (per_group != nullptr) per_group->take();
  return true;
}

void FifoQueue::retry(std::uint32_t i) {
  Call& c = calls_[i];
  const auto a = static_cast<std::size_t>(c.action);
  const std::optional<sim::Time> delay = api_.retry_delay(c.attempt);
  if (!delay) {
    // The SDK gives up: the last attempt's throttling error reaches the client.
    c.failed = true;
    ++stats_.failed[a];
    respond(i);
    return;
  }
  ++awaiting_retry_[a];
  sim_.schedule(*delay, [this, i] {
    --awaiting_retry_[static_cast<std::size_t>(calls_[i].action)];
    issue(i);
  });
}

void FifoQueue::note_throttle(SqsAction a) {
  const auto k = static_cast<std::size_t>(a);
  const sim::Time now = sim_.now();
  if (throttles_[k].throttled(now) && events_ != nullptr) {
    events_->add(now, "throttled", config_.name, std::nullopt, std::nullopt,
                 std::string(to_string(a)) + " over " + std::to_string(static_cast<long long>(limiters_[k].rate())) +
                     " calls/s; " + api_.retry_policy());
  }
}

void FifoQueue::respond(std::uint32_t i) {
  sim_.schedule(api_.latency(), [this, i] { complete(i); });
}

void FifoQueue::complete(std::uint32_t i) {
  Call& c = calls_[i];
  if (c.failed) {
    if (c.client != nullptr) {
      switch (c.action) {
        case SqsAction::kSend: c.client->on_send_failed(c.job, &cause_throttled_); break;
        case SqsAction::kReceive: c.client->on_receive_failed(c.consumer, &cause_throttled_); break;
        case SqsAction::kDelete: c.client->on_delete_failed(c.consumer, &cause_throttled_); break;
      }
    }
    calls_.release(i);
    return;
  }
  std::uint64_t bytes = 0;
  switch (c.action) {
    case SqsAction::kSend:
      bytes = c.spec.bytes;
      break;
    case SqsAction::kReceive:
      for (std::uint32_t k = 0; k < c.count; ++k) bytes += c.msgs[k].spec.bytes;
      if (c.count == 0) ++stats_.empty_receives;
      break;
    case SqsAction::kDelete:
      break;
  }
  stats_.billed_requests += cost::sqs_billed_requests(bytes);
  stats_.payload_bytes += bytes;
  if (c.client != nullptr) {
    switch (c.action) {
      case SqsAction::kSend: c.client->on_sent(c.job, c.duplicate); break;
      case SqsAction::kReceive: c.client->on_received(c.consumer, std::span<const ReceivedMessage>(c.msgs.data(), c.count)); break;
      case SqsAction::kDelete: c.client->on_deleted(c.consumer, c.deleted, c.deleted_mask); break;
    }
  }
  calls_.release(i);
}

// ---- actions ---------------------------------------------------------------------------------

void FifoQueue::apply_send(Call& c) {
  const std::uint64_t key = config_.high_throughput ? mix(c.spec.group, c.spec.dedup) : c.spec.dedup;
  if (dedup_.check_and_insert(key, sim_.now())) {
    c.duplicate = true;
    ++stats_.duplicates;
    return;
  }
  enqueue(c.spec, false);
}

void FifoQueue::apply_delete(Call& c) {
  for (std::uint32_t k = 0; k < c.count; ++k) {
    const Receipt r = c.msgs[k].receipt;
    if (r.message >= msgs_.capacity()) {
      ++stats_.stale_deletes;
      continue;
    }
    Msg& m = msgs_[r.message];
    if (m.state != State::kInFlight || m.generation != r.generation) {
      ++stats_.stale_deletes;
      continue;
    }
    const std::uint32_t g = m.spec.group;
    resolve_in_flight(r.message);
    remove_stored(r.message);
    free_message(r.message);
    ++stats_.deleted;
    ++c.deleted;
    c.deleted_mask |= 1u << k;
    maybe_available(g);
  }
}

std::uint32_t FifoQueue::take(Call& c) {
  c.count = 0;
  if (in_flight_ >= static_cast<std::size_t>(config_.in_flight_limit)) return 0;
  const std::size_t room = static_cast<std::size_t>(config_.in_flight_limit) - in_flight_;
  const std::uint32_t limit = static_cast<std::uint32_t>(std::min<std::size_t>(c.max, room));
  const std::uint32_t b = batches_.acquire();
  Batch& batch = batches_[b];
  batch.count = 0;
  const sim::Time now = sim_.now();
  while (c.count < limit && !heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
    const Available top = heap_.back();
    heap_.pop_back();
    Group& g = groups_[top.group];
    g.queued = false;
    if (!servable(g)) continue;
    if (msgs_[g.head].seq != top.seq) {  // the head changed (retention) since it was queued
      maybe_available(top.group);
      continue;
    }
    while (c.count < limit && g.head != sim::kNoIndex) {
      const std::uint32_t mi = g.head;
      Msg& m = msgs_[mi];
      g.head = m.group_next;
      if (g.head == sim::kNoIndex) g.tail = sim::kNoIndex;
      m.group_next = sim::kNoIndex;
      m.state = State::kInFlight;
      ++m.receives;
      ++m.generation;
      m.batch = b;
      ++g.in_flight;
      --visible_;
      ++in_flight_;
      const Receipt r{mi, m.generation};
      batch.receipts[batch.count++] = r;
      ReceivedMessage& out = c.msgs[c.count++];
      out.receipt = r;
      out.spec = m.spec;
      out.group_seq = m.group_seq;
      out.sent = m.sent;
      out.receive_count = m.receives;
    }
  }
  if (batch.count == 0) {
    batches_.release(b);
    return 0;
  }
  stats_.received += batch.count;
  batch.unresolved = batch.count;
  batch.timer = sim_.schedule_at(now + config_.visibility_timeout, [this, b] { on_visibility_timeout(b); });
  return c.count;
}

void FifoQueue::park(std::uint32_t i) {
  Call& c = calls_[i];
  c.prev = waiters_tail_;
  c.next = sim::kNoIndex;
  if (waiters_tail_ != sim::kNoIndex) calls_[waiters_tail_].next = i;
  else waiters_head_ = i;
  waiters_tail_ = i;
  ++waiters_;
  c.timer = sim_.schedule(c.wait, [this, i] { on_wait_end(i); });
}

void FifoQueue::unpark(std::uint32_t i) {
  Call& c = calls_[i];
  if (c.prev != sim::kNoIndex) calls_[c.prev].next = c.next;
  else waiters_head_ = c.next;
  if (c.next != sim::kNoIndex) calls_[c.next].prev = c.prev;
  else waiters_tail_ = c.prev;
  c.prev = c.next = sim::kNoIndex;
  --waiters_;
}

void FifoQueue::on_wait_end(std::uint32_t i) {
  unpark(i);
  calls_[i].count = 0;
  respond(i);
}

void FifoQueue::serve_waiters() {
  while (waiters_head_ != sim::kNoIndex && !heap_.empty()) {
    const std::uint32_t i = waiters_head_;
    if (take(calls_[i]) == 0) break;
    sim_.cancel(calls_[i].timer);
    unpark(i);
    respond(i);
  }
}

}  // namespace loadcast::models
