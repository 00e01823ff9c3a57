#include "models/fifo_queue.hpp"

#include <algorithm>
#include <cassert>
#include <functional>

#include "models/billing.hpp"

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
      dedup_(config.dedup_window),
      cause_throttled_("sqs_throttled:" + config.name) {
  const double depth_s = sim::to_seconds(config.api_burst);
  for (auto& l : limiters_) l = TokenBucket(config.api_calls_per_s, std::max(1.0, config.api_calls_per_s * depth_s));
}

// ---- API calls -----------------------------------------------------------------------------

void FifoQueue::send(const MessageSpec& message, MessageClient* client, std::uint64_t token) {
  const std::uint32_t i = calls_.acquire();
  Call& c = calls_[i];
  c = Call{};
  c.action = SqsAction::kSend;
  c.client = client;
  c.token = token;
  c.spec = message;
  issue(i);
}

void FifoQueue::receive(MessageClient* client, std::uint64_t token, std::uint32_t max_messages, sim::Time wait) {
  const std::uint32_t i = calls_.acquire();
  Call& c = calls_[i];
  c = Call{};
  c.action = SqsAction::kReceive;
  c.client = client;
  c.token = token;
  c.max = std::clamp<std::uint32_t>(max_messages, 1, kMaxReceiveBatch);
  c.wait = wait > 0 ? wait : 0;
  issue(i);
}

void FifoQueue::delete_messages(std::span<const Receipt> receipts, MessageClient* client, std::uint64_t token) {
  assert(receipts.size() <= kMaxReceiveBatch && "DeleteMessageBatch takes at most 10 entries");
  const std::uint32_t i = calls_.acquire();
  Call& c = calls_[i];
  c = Call{};
  c.action = SqsAction::kDelete;
  c.client = client;
  c.token = token;
  c.count = static_cast<std::uint32_t>(std::min<std::size_t>(receipts.size(), kMaxReceiveBatch));
  for (std::uint32_t k = 0; k < c.count; ++k) c.msgs[k].receipt = receipts[k];
  issue(i);
}

void FifoQueue::deliver(const MessageSpec& message) {
  ++stats_.calls;
  stats_.billed_requests += sqs_billed_requests(message.bytes);
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
  TokenBucket* per_group = nullptr;
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
  if (++c.attempt >= static_cast<std::uint32_t>(std::max(config_.client.max_attempts, 1))) {
    // The SDK gives up: the last attempt's throttling error reaches the client.
    c.failed = true;
    ++stats_.failed[a];
    respond(i);
    return;
  }
  ++awaiting_retry_[a];
  sim_.schedule(latency() + backoff(c.attempt - 1), [this, i] {
    --awaiting_retry_[static_cast<std::size_t>(calls_[i].action)];
    issue(i);
  });
}

void FifoQueue::note_throttle(SqsAction a) {
  const auto k = static_cast<std::size_t>(a);
  const sim::Time now = sim_.now();
  // One event per throttling episode: the first throttle after a minute without any.
  if (!throttling_[k] || now - last_throttle_[k] >= sim::kMinute) {
    if (events_ != nullptr) {
      events_->add(now, "throttled", config_.name, std::nullopt, std::nullopt,
                   std::string(to_string(a)) + " over " + std::to_string(static_cast<long long>(limiters_[k].rate())) +
                       " calls/s; retried with backoff, " + std::to_string(config_.client.max_attempts) +
                       " attempts at most");
    }
  }
  throttling_[k] = true;
  last_throttle_[k] = now;
}

void FifoQueue::respond(std::uint32_t i) {
  sim_.schedule(latency(), [this, i] { complete(i); });
}

void FifoQueue::complete(std::uint32_t i) {
  Call& c = calls_[i];
  if (c.failed) {
    if (c.client != nullptr) c.client->on_call_failed(c.token, c.action, &cause_throttled_);
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
  stats_.billed_requests += sqs_billed_requests(bytes);
  stats_.payload_bytes += bytes;
  if (c.client != nullptr) {
    switch (c.action) {
      case SqsAction::kSend: c.client->on_sent(c.token, c.duplicate); break;
      case SqsAction::kReceive: c.client->on_received(c.token, std::span<const ReceivedMessage>(c.msgs.data(), c.count)); break;
      case SqsAction::kDelete: c.client->on_deleted(c.token, c.deleted, c.deleted_mask); break;
    }
  }
  calls_.release(i);
}

sim::Time FifoQueue::latency() { return config_.client.latency.sample_time(rng_); }

sim::Time FifoQueue::backoff(std::uint32_t attempt) {
  // Full jitter: uniform(0, min(cap, base * 2^attempt)).
  double ceiling = sim::to_seconds(config_.client.retry_base);
  const double cap = sim::to_seconds(config_.client.retry_max);
  for (std::uint32_t k = 0; k < attempt && ceiling < cap; ++k) ceiling *= 2.0;
  if (ceiling > cap) ceiling = cap;
  return sim::from_seconds(ceiling * rng_.uniform());
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
    if (g.head == kNoIndex || g.in_flight > 0 || !msgs_[g.head].in_window) continue;
    if (msgs_[g.head].seq != top.seq) {  // the head changed (retention) since it was queued
      maybe_available(top.group);
      continue;
    }
    while (c.count < limit && g.head != kNoIndex) {
      const std::uint32_t mi = g.head;
      Msg& m = msgs_[mi];
      g.head = m.group_next;
      if (g.head == kNoIndex) g.tail = kNoIndex;
      m.group_next = kNoIndex;
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
  c.next = kNoIndex;
  if (waiters_tail_ != kNoIndex) calls_[waiters_tail_].next = i;
  else waiters_head_ = i;
  waiters_tail_ = i;
  ++waiters_;
  c.timer = sim_.schedule(c.wait, [this, i] { on_wait_end(i); });
}

void FifoQueue::unpark(std::uint32_t i) {
  Call& c = calls_[i];
  if (c.prev != kNoIndex) calls_[c.prev].next = c.next;
  else waiters_head_ = c.next;
  if (c.next != kNoIndex) calls_[c.next].prev = c.prev;
  else waiters_tail_ = c.prev;
  c.prev = c.next = kNoIndex;
  --waiters_;
}

void FifoQueue::on_wait_end(std::uint32_t i) {
  unpark(i);
  calls_[i].count = 0;
  respond(i);
}

void FifoQueue::serve_waiters() {
  while (waiters_head_ != kNoIndex && !heap_.empty()) {
    const std::uint32_t i = waiters_head_;
    if (take(calls_[i]) == 0) break;
    sim_.cancel(calls_[i].timer);
    unpark(i);
    respond(i);
  }
}

// ---- storage ---------------------------------------------------------------------------------

FifoQueue::Group& FifoQueue::group(std::uint32_t id) {
  if (id >= groups_.size()) groups_.resize(static_cast<std::size_t>(id) + 1);
  return groups_[id];
}

TokenBucket& FifoQueue::group_limiter(std::uint32_t id) {
  if (id >= group_limiters_.size()) {
    const double depth = std::max(1.0, config_.group_calls_per_s * sim::to_seconds(config_.api_burst));
    group_limiters_.resize(static_cast<std::size_t>(id) + 1, TokenBucket(config_.group_calls_per_s, depth));
  }
  return group_limiters_[id];
}

void FifoQueue::enqueue(const MessageSpec& spec, bool redriven) {
  const std::uint32_t i = msgs_.acquire();
  Group& g = group(spec.group);
  Msg& m = msgs_[i];
  const std::uint32_t generation = m.generation;
  m = Msg{};
  m.generation = generation + 1;
  m.spec = spec;
  m.seq = ++seq_;
  m.group_seq = ++g.next_seq;
  m.sent = sim_.now();
  m.state = State::kVisible;
  append_stored(i);
  if (g.tail != kNoIndex) msgs_[g.tail].group_next = i;
  else g.head = i;
  g.tail = i;
  ++visible_;
  if (redriven) ++stats_.redriven_in;
  else ++stats_.sent;
  maybe_available(spec.group);
  schedule_retention();
}

void FifoQueue::maybe_available(std::uint32_t id) {
  Group& g = groups_[id];
  if (g.queued || g.head == kNoIndex || g.in_flight > 0 || !msgs_[g.head].in_window) return;
  g.queued = true;
  heap_.push_back(Available{msgs_[g.head].seq, id});
  std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
}

void FifoQueue::append_stored(std::uint32_t i) {
  Msg& m = msgs_[i];
  m.prev = stored_tail_;
  m.next = kNoIndex;
  if (stored_tail_ != kNoIndex) msgs_[stored_tail_].next = i;
  else stored_head_ = i;
  stored_tail_ = i;
  if (window_count_ < static_cast<std::size_t>(config_.lookahead)) {
    m.in_window = true;
    horizon_ = i;
    ++window_count_;
  }
}

void FifoQueue::remove_stored(std::uint32_t i) {
  Msg& m = msgs_[i];
  if (m.in_window) {
    if (horizon_ == i) horizon_ = m.prev;
    --window_count_;
    m.in_window = false;
  }
  if (m.prev != kNoIndex) msgs_[m.prev].next = m.next;
  else stored_head_ = m.next;
  if (m.next != kNoIndex) msgs_[m.next].prev = m.prev;
  else stored_tail_ = m.prev;
  m.prev = m.next = kNoIndex;
  // The look-ahead window slides by one message.
  if (window_count_ < static_cast<std::size_t>(config_.lookahead)) {
    const std::uint32_t next = horizon_ == kNoIndex ? stored_head_ : msgs_[horizon_].next;
    if (next != kNoIndex && !msgs_[next].in_window) {
      Msg& n = msgs_[next];
      n.in_window = true;
      horizon_ = next;
      ++window_count_;
      if (n.state == State::kVisible && groups_[n.spec.group].head == next) maybe_available(n.spec.group);
    }
  }
}

void FifoQueue::free_message(std::uint32_t i) {
  Msg& m = msgs_[i];
  m.state = State::kFree;
  ++m.generation;
  msgs_.release(i);
}

void FifoQueue::resolve_in_flight(std::uint32_t i) {
  Msg& m = msgs_[i];
  --groups_[m.spec.group].in_flight;
  --in_flight_;
  const std::uint32_t b = m.batch;
  m.batch = kNoIndex;
  Batch& batch = batches_[b];
  if (--batch.unresolved == 0) {
    sim_.cancel(batch.timer);
    batches_.release(b);
  }
}

void FifoQueue::on_visibility_timeout(std::uint32_t b) {
  Batch& batch = batches_[b];
  std::array<std::uint32_t, kMaxReceiveBatch> touched{};
  std::uint32_t touched_count = 0;
  // Back to the head of their groups in their original order: walk the batch backwards.
  for (std::uint32_t k = batch.count; k-- > 0;) {
    const Receipt r = batch.receipts[k];
    Msg& m = msgs_[r.message];
    if (m.state != State::kInFlight || m.generation != r.generation) continue;
    const std::uint32_t gid = m.spec.group;
    touched[touched_count++] = gid;
    Group& g = groups_[gid];
    --g.in_flight;
    --in_flight_;
    m.batch = kNoIndex;
    if (dlq_ != nullptr && config_.max_receive_count > 0 && m.receives >= static_cast<std::uint32_t>(config_.max_receive_count)) {
      move_to_dlq(r.message);
    } else {
      ++m.generation;
      m.state = State::kVisible;
      m.group_next = g.head;
      g.head = r.message;
      if (g.tail == kNoIndex) g.tail = r.message;
      ++visible_;
      ++stats_.redelivered;
    }
  }
  // Every group that lost its in-flight messages may serve again (a message moved to the DLQ
  // unblocks the ones queued behind it).
  for (std::uint32_t k = 0; k < touched_count; ++k) maybe_available(touched[k]);
  batches_.release(b);
  serve_waiters();
}

void FifoQueue::move_to_dlq(std::uint32_t i) {
  const MessageSpec spec = msgs_[i].spec;
  const std::uint32_t receives = msgs_[i].receives;
  remove_stored(i);
  free_message(i);
  ++stats_.dead_lettered;
  if (events_ != nullptr && ++dlq_events_ <= kListedEvents) {
    events_->add(sim_.now(), "dlq_move", config_.name, std::nullopt, std::nullopt,
                 "group " + std::to_string(spec.group) + " message moved to " + dlq_->name() + " after " +
                     std::to_string(receives) + " receives");
  }
  dlq_->enqueue(spec, true);
  dlq_->serve_waiters();
}

void FifoQueue::schedule_retention() {
  if (retention_pending_ || stored_head_ == kNoIndex) return;
  retention_pending_ = true;
  retention_event_ = sim_.schedule_at(msgs_[stored_head_].sent + config_.retention, [this] { on_retention(); });
}

void FifoQueue::on_retention() {
  retention_pending_ = false;
  const sim::Time now = sim_.now();
  std::uint64_t expired = 0;
  while (stored_head_ != kNoIndex && msgs_[stored_head_].sent + config_.retention <= now) {
    const std::uint32_t i = stored_head_;
    Msg& m = msgs_[i];
    const std::uint32_t gid = m.spec.group;
    if (m.state == State::kVisible) {
      Group& g = groups_[gid];
      assert(g.head == i && "the oldest visible message heads its group");
      g.head = m.group_next;
      if (g.head == kNoIndex) g.tail = kNoIndex;
      m.group_next = kNoIndex;
      --visible_;
    } else {
      resolve_in_flight(i);
    }
    remove_stored(i);
    free_message(i);
    ++stats_.expired;
    ++expired;
    maybe_available(gid);
  }
  if (expired > 0) {
    // One event per episode: the first expiry after a minute without any.
    const bool episode = expiry_episodes_ == 0 || now - last_expiry_ >= sim::kMinute;
    last_expiry_ = now;
    if (episode && ++expiry_episodes_ <= kListedEvents && events_ != nullptr) {
      events_->add(now, "messages_expired", config_.name, std::nullopt, static_cast<double>(expired),
                   "retention period of " + sim::format_duration(config_.retention) + " ran out (" +
                       std::to_string(stats_.expired) + " expired so far)");
    }
  }
  schedule_retention();
  serve_waiters();
}

// ---- observation -------------------------------------------------------------------------------

sim::Time FifoQueue::oldest_age() const {
  return stored_head_ == kNoIndex ? 0 : sim_.now() - msgs_[stored_head_].sent;
}

bool FifoQueue::balanced() const {
  return stats_.sent + stats_.redriven_in ==
         stats_.deleted + stats_.dead_lettered + stats_.expired + visible_ + in_flight_;
}

void FifoQueue::sample(SeriesRow& row) {
  const std::string& n = config_.name;
  row.set(n + ".visible", static_cast<double>(visible_));
  row.set(n + ".in_flight", static_cast<double>(in_flight_));
  row.set(n + ".oldest_age_s", sim::to_seconds(oldest_age()));
  row.set(n + ".dlq", static_cast<double>(stats_.dead_lettered));
  row.set(n + ".empty_receives", static_cast<double>(stats_.empty_receives - sampled_.empty_receives));
  row.set(n + ".sent", static_cast<double>(stats_.sent + stats_.redriven_in - sampled_.sent - sampled_.redriven_in));
  row.set(n + ".deleted", static_cast<double>(stats_.deleted - sampled_.deleted));
  row.set(n + ".expired", static_cast<double>(stats_.expired - sampled_.expired));
  std::uint64_t throttled = 0;
  for (std::size_t a = 0; a < kSqsActions; ++a) throttled += stats_.throttled[a] - sampled_.throttled[a];
  row.set(n + ".throttled", static_cast<double>(throttled));
  sampled_ = stats_;
}

reports::Json FifoQueue::accounting() const {
  reports::Json j;
  j["published"] = stats_.sent + stats_.redriven_in;
  j["sent"] = stats_.sent;
  j["redriven_in"] = stats_.redriven_in;
  j["deleted"] = stats_.deleted;
  j["dead_lettered"] = stats_.dead_lettered;
  j["expired"] = stats_.expired;
  j["visible"] = visible_;
  j["in_flight"] = in_flight_;
  j["duplicates_dropped"] = stats_.duplicates;
  j["received"] = stats_.received;
  j["redelivered"] = stats_.redelivered;
  j["stale_deletes"] = stats_.stale_deletes;
  j["receive_calls"] = stats_.receive_calls;
  j["empty_receives"] = stats_.empty_receives;
  reports::Json thr;
  for (std::size_t a = 0; a < kSqsActions; ++a) thr[to_string(static_cast<SqsAction>(a))] = stats_.throttled[a];
  j["throttled"] = thr;
  reports::Json failed;
  reports::Json waiting;
  for (std::size_t a = 0; a < kSqsActions; ++a) {
    failed[to_string(static_cast<SqsAction>(a))] = stats_.failed[a];
    waiting[to_string(static_cast<SqsAction>(a))] = awaiting_retry_[a];
  }
  j["throttled_failed"] = failed;
  j["calls_awaiting_retry"] = waiting;
  j["billed_requests"] = stats_.billed_requests;
  j["oldest_age_s"] = sim::to_seconds(oldest_age());
  j["balanced"] = balanced();
  return j;
}

}  // namespace loadcast::models
