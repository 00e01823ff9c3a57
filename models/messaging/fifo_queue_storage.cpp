// FifoQueue's storage (fifo_queue.hpp): messages in enqueue order with the look-ahead window,
// message groups and the heap of groups that can serve, visibility timeouts, redrive to the
// dead-letter queue, retention; and what the queue reports. The API calls are in fifo_queue.cpp.
#include <algorithm>
#include <cassert>
#include <functional>

#include "models/messaging/fifo_queue.hpp"

namespace loadcast::models {

// ---- storage ---------------------------------------------------------------------------------

FifoQueue::Group& FifoQueue::group(std::uint32_t id) {
  if (id >= groups_.size()) groups_.resize(static_cast<std::size_t>(id) + 1);
  return groups_[id];
}

sim::TokenBucket& FifoQueue::group_limiter(std::uint32_t id) {
  if (id >= group_limiters_.size()) {
    const double depth = std::max(1.0, config_.group_calls_per_s * sim::to_seconds(config_.api_burst));
    group_limiters_.resize(static_cast<std::size_t>(id) + 1, sim::TokenBucket(config_.group_calls_per_s, depth));
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
  if (g.tail != sim::kNoIndex) msgs_[g.tail].group_next = i;
  else g.head = i;
  g.tail = i;
  ++visible_;
  visible_peak_ = std::max(visible_peak_, visible_);
  if (redriven) ++stats_.redriven_in;
  else ++stats_.sent;
  maybe_available(spec.group);
  schedule_retention();
}

bool FifoQueue::servable(const Group& g) const {
  return g.in_flight == 0 && g.head != sim::kNoIndex && msgs_[g.head].in_window;
}

void FifoQueue::maybe_available(std::uint32_t id) {
  Group& g = groups_[id];
  if (g.queued || !servable(g)) return;
  g.queued = true;
  heap_.push_back(Available{msgs_[g.head].seq, id});
  std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
}

void FifoQueue::append_stored(std::uint32_t i) {
  Msg& m = msgs_[i];
  m.prev = stored_tail_;
  m.next = sim::kNoIndex;
  if (stored_tail_ != sim::kNoIndex) msgs_[stored_tail_].next = i;
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
  // The oldest message's age only grows until it leaves: its age then is a local maximum.
  if (i == stored_head_) oldest_age_peak_ = std::max(oldest_age_peak_, sim_.now() - m.sent);
  if (m.in_window) {
    if (horizon_ == i) horizon_ = m.prev;
    --window_count_;
    m.in_window = false;
  }
  if (m.prev != sim::kNoIndex) msgs_[m.prev].next = m.next;
  else stored_head_ = m.next;
  if (m.next != sim::kNoIndex) msgs_[m.next].prev = m.prev;
  else stored_tail_ = m.prev;
  m.prev = m.next = sim::kNoIndex;
  // The look-ahead window slides by one message.
  if (window_count_ < static_cast<std::size_t>(config_.lookahead)) {
    const std::uint32_t next = horizon_ == sim::kNoIndex ? stored_head_ : msgs_[horizon_].next;
    if (next != sim::kNoIndex && !msgs_[next].in_window) {
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
  m.batch = sim::kNoIndex;
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
    m.batch = sim::kNoIndex;
    if (dlq_ != nullptr && config_.max_receive_count > 0 && m.receives >= static_cast<std::uint32_t>(config_.max_receive_count)) {
      move_to_dlq(r.message);
    } else {
      ++m.generation;
      m.state = State::kVisible;
      m.group_next = g.head;
      g.head = r.message;
      if (g.tail == sim::kNoIndex) g.tail = r.message;
      ++visible_;
      visible_peak_ = std::max(visible_peak_, visible_);
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
  if (retention_pending_ || stored_head_ == sim::kNoIndex) return;
  retention_pending_ = true;
  retention_event_ = sim_.schedule_at(msgs_[stored_head_].sent + config_.retention, [this] { on_retention(); });
}

void FifoQueue::on_retention() {
  retention_pending_ = false;
  const sim::Time now = sim_.now();
  std::uint64_t expired = 0;
  while (stored_head_ != sim::kNoIndex && msgs_[stored_head_].sent + config_.retention <= now) {
    const std::uint32_t i = stored_head_;
    Msg& m = msgs_[i];
    const std::uint32_t gid = m.spec.group;
    if (m.state == State::kVisible) {
      Group& g = groups_[gid];
      assert(g.head == i && "the oldest visible message heads its group");
      g.head = m.group_next;
      if (g.head == sim::kNoIndex) g.tail = sim::kNoIndex;
      m.group_next = sim::kNoIndex;
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
  return stored_head_ == sim::kNoIndex ? 0 : sim_.now() - msgs_[stored_head_].sent;
}

sim::Time FifoQueue::oldest_age_peak() const { return std::max(oldest_age_peak_, oldest_age()); }

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
  j["oldest_age_peak_s"] = sim::to_seconds(oldest_age_peak());
  j["visible_peak"] = visible_peak_;
  j["api_calls_per_s"] = config_.api_calls_per_s;
  j["high_throughput"] = config_.high_throughput;
  j["balanced"] = balanced();
  return j;
}

}  // namespace loadcast::models
