// The future-event set: events ordered by (time, scheduling sequence), with lazy cancellation.
//
// Layout follows OMNeT++'s cEventHeap: a d-ary min-heap of 16-byte keys in one contiguous
// vector, plus a FIFO lane for events scheduled at the current instant (zero-delay events never
// touch the heap). Callbacks live in a slot pool indexed by the key, so heap moves copy 16 bytes.
// Invariants:
//   * events run in (time, sequence) order, so equal times run in scheduling order;
//   * every heap event at time == now was scheduled before any FIFO-lane event (the lane holds
//     only events scheduled *at* now), so draining heap-at-now first keeps that order;
//   * a cancelled event keeps its slot until its key is popped (lazy deletion), then the slot
//     returns to the free list. Steady state allocates nothing: vectors only grow;
//   * the key of the event running stays at the heap's top until the first event it schedules
//     into the heap replaces it (one sift-down where a pop and a push would sift twice) or the
//     next event is taken: most events schedule one (a service end its successor's, an arrival
//     the next arrival);
//   * one stream of events (an open model's arrivals: each schedules the next, in time order)
//     may be kept outside the heap: its pending key is compared with the heap's top instead of
//     being pushed and popped. Its keys take sequence numbers like any event's, so the order is
//     the one the heap would give; a stream event due at now goes to the FIFO lane like any other.
// Not thread safe: one queue belongs to one Simulation on one thread.
#pragma once

#include <cassert>
#include <cstdint>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/callback.hpp"
#include "sim/ring.hpp"
#include "sim/time.hpp"

namespace loadcast::sim {

struct EventId {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

// Heap key: time, then (sequence << 24 | slot). Sequence is unique and increasing, so comparing
// the packed word compares sequences.
struct EventKey {
  Time time;
  std::uint64_t order;
  std::uint32_t slot() const { return static_cast<std::uint32_t>(order & 0xFFFFFFu); }
};

inline bool earlier(const EventKey& a, const EventKey& b) {
  return a.time < b.time || (a.time == b.time && a.order < b.order);
}

// A d-ary min-heap (Arity 2 = binary, 4 = quaternary). tests/bench/event_queue_bench.cpp
// compares them; the Simulation uses the faster one (kDefaultArity).
// The keys live in a vector used as plain storage (its size is the capacity; n_ keys are in the
// heap), so a push is a bounds check and the sift, with the growth out of line: the hot path
// carries no reallocation code and inlines into the event queue.
template <unsigned Arity>
class DaryHeap {
  static_assert(Arity >= 2);

 public:
  bool empty() const { return n_ == 0; }
  std::size_t size() const { return n_; }
  const EventKey& top() const { return keys_.front(); }
  void reserve(std::size_t n) {
    if (n > keys_.size()) keys_.resize(n);
  }

  void push(EventKey key) {
    if (n_ == keys_.size()) [[unlikely]] grow();
    std::size_t i = n_++;
    while (i > 0) {
      std::size_t parent = (i - 1) / Arity;
      if (!earlier(key, keys_[parent])) break;
      keys_[i] = keys_[parent];
      i = parent;
    }
    keys_[i] = key;
  }

  void pop() {
    const std::size_t n = --n_;
    if (n == 0) return;
    sift_down(keys_[n], n);
  }

  // Removes the top and adds `key` in one sift-down: a pop followed by a push, without the
  // push's sift-up.
  void replace_top(EventKey key) { sift_down(key, n_); }

 private:
  [[gnu::noinline]] void grow() { keys_.resize(keys_.empty() ? 64 : keys_.size() * 2); }

  // Places `key` in the hole at the root of the first n keys.
  void sift_down(EventKey key, std::size_t n) {
    std::size_t i = 0;
    for (;;) {
      std::size_t first = i * Arity + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t end = first + Arity < n ? first + Arity : n;
      for (std::size_t c = first + 1; c < end; ++c) {
        if (earlier(keys_[c], keys_[best])) best = c;
      }
      if (!earlier(keys_[best], key)) break;
      keys_[i] = keys_[best];
      i = best;
    }
    keys_[i] = key;
  }

  std::vector<EventKey> keys_;
  std::size_t n_ = 0;
};

// Binary: measured faster on the shipped scenarios (bookmark-prod 0.896 s vs 0.929 s, the POS
// day 2.51 s vs 2.54 s, medians of 5, one core) and on the hold model at 1,024 and 65,536
// pending events; 4-ary won only at a handful of pending events (M/M/4: 0.921 s vs 0.938 s).
// Results are identical either way: (time, sequence) is a total order.
inline constexpr unsigned kDefaultArity = 2;

template <unsigned Arity = kDefaultArity>
class EventQueue {
 public:
  static constexpr std::uint32_t kMaxSlots = 1u << 24;

  Time now() const { return now_; }
  std::uint64_t scheduled_count() const { return sequence_; }
  // Live events: the keys held (the heap's but a spent top, the lane's, the stream's) less the
  // cancelled ones not yet discarded. Counted here rather than on every schedule and run.
  std::size_t pending() const {
    return heap_.size() - (top_spent_ ? 1 : 0) + lane_.size() + (stream_armed_ ? 1 : 0) - cancelled_;
  }

  EventId schedule_at(Time when, Callback&& fn) {
    const std::uint32_t slot = acquire_slot();
    slots_[slot].fn = std::move(fn);
    return enqueue(when, slot);
  }
  // A lambda is built in its slot directly (Callback::emplace), not moved there.
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback>>>
  EventId schedule_at(Time when, F&& fn) {
    const std::uint32_t slot = acquire_slot();
    slots_[slot].fn.emplace(std::forward<F>(fn));
    return enqueue(when, slot);
  }

  // The stream kept outside the heap: `fn(ctx)` runs its events. False if the queue has one
  // already (the caller then schedules ordinary events).
  bool claim_stream(void (*fn)(void*), void* ctx) {
    if (stream_fn_ != nullptr) return false;
    stream_fn_ = fn;
    stream_ctx_ = ctx;
    return true;
  }
  // The stream's next event, at `when` (>= now); at most one is pending.
  void schedule_stream(Time when) {
    assert(stream_fn_ != nullptr && !stream_armed_ && when >= now_);
    if (when == now_) {
      // At now: the lane, in scheduling order with the other events of this instant.
      schedule_at(when, [fn = stream_fn_, ctx = stream_ctx_] { fn(ctx); });
      return;
    }
    const std::uint64_t seq = sequence_++;
    stream_key_ = EventKey{when, (seq << 24) | 0xFFFFFFu};
    stream_armed_ = true;
  }

  // Lazy: the callback is destroyed now, the key is discarded when it reaches the top.
  bool cancel(EventId id) {
    if (!id.valid() || id.slot >= slots_.size()) return false;
    Slot& s = slots_[id.slot];
    if (s.generation != id.generation || !s.armed) return false;
    s.armed = false;
    s.fn.reset();
    ++s.generation;
    ++cancelled_;
    return true;
  }

  bool is_pending(EventId id) const {
    return id.valid() && id.slot < slots_.size() && slots_[id.slot].generation == id.generation &&
           slots_[id.slot].armed;
  }

  // Time of the next live event, or kTimeMax. Discards cancelled keys on the way.
  Time next_time() {
    drop_spent_top();
    if (!lane_.empty()) return now_;
    const Time stream = stream_armed_ ? stream_key_.time : kTimeMax;
    while (!heap_.empty()) {
      const EventKey& k = heap_.top();
      if (slots_[k.slot()].armed) return k.time < stream ? k.time : stream;
      --cancelled_;
      release_slot(k.slot());
      heap_.pop();
    }
    return stream;
  }

  // Runs the next live event whose time is <= limit. Returns false when there is none.
  // An event taken from the heap leaves its key at the top while it runs ("spent"): the first
  // event its callback schedules into the heap takes the top's place with one sift-down
  // (replace_top) instead of a pop and a push; if it schedules none, the key is popped before
  // the next event is taken. The keys are unique, so the heap pops the same order either way.
  // The stream's pending event runs when its key is earlier than the heap's top: at now before
  // the lane (it was scheduled before this instant), later only when the lane is empty.
  bool run_one(Time limit) {
    drop_spent_top();
    for (;;) {
      std::uint32_t slot;
      if (stream_armed_ && (heap_.empty() || earlier(stream_key_, heap_.top())) &&
          (stream_key_.time == now_ || lane_.empty())) {
        if (stream_key_.time > limit) return false;
        now_ = stream_key_.time;
        stream_armed_ = false;
        stream_fn_(stream_ctx_);
        return true;
      }
      if (!heap_.empty() && heap_.top().time == now_) {
        slot = heap_.top().slot();
        if (!slots_[slot].armed) {
          --cancelled_;
          heap_.pop();
          release_slot(slot);
          continue;
        }
      } else if (!lane_.empty()) {
        slot = lane_.pop_front();
        if (!slots_[slot].armed) {
          --cancelled_;
          release_slot(slot);
          continue;
        }
        run_slot(slot);
        return true;
      } else {
        if (heap_.empty()) return false;
        const EventKey k = heap_.top();
        slot = k.slot();
        if (!slots_[slot].armed) {
          --cancelled_;
          heap_.pop();
          release_slot(slot);
          continue;
        }
        if (k.time > limit) return false;
        now_ = k.time;
      }
      top_spent_ = true;
      run_slot(slot);
      return true;
    }
  }

  void advance_to(Time t) {
    if (t > now_) now_ = t;
  }

 private:
  static constexpr std::size_t kFirstLane = 64;

  struct Slot {
    Callback fn;
    std::uint32_t generation = 0;
    std::uint32_t next_free = UINT32_MAX;
    bool armed = false;
  };

  // Disarms the armed `slot`, frees it and runs its callback (from a copy: the callback may
  // schedule events that take the slot again).
  void run_slot(std::uint32_t slot) {
    Slot& s = slots_[slot];
    s.armed = false;
    ++s.generation;
    release_slot(slot);
    s.fn.run_detached();
  }

  // Arms `slot`, whose callback is set, for time `when`.
  EventId enqueue(Time when, std::uint32_t slot) {
    assert(when >= now_ && "cannot schedule in the past");
    Slot& s = slots_[slot];
    s.armed = true;
    const std::uint64_t seq = sequence_++;
    assert(seq < (std::uint64_t{1} << 40) && "event sequence exhausted");
    if (when == now_) {
      lane_.push_back(slot);
    } else if (top_spent_) {
      top_spent_ = false;
      heap_.replace_top(EventKey{when, (seq << 24) | slot});
    } else {
      heap_.push(EventKey{when, (seq << 24) | slot});
    }
    return EventId{slot, s.generation};
  }

  std::uint32_t acquire_slot() {
    if (free_head_ != UINT32_MAX) [[likely]] {
      const std::uint32_t slot = free_head_;
      free_head_ = slots_[slot].next_free;
      return slot;
    }
    return new_slot();
  }

  [[gnu::noinline]] std::uint32_t new_slot() {
    if (slots_.size() >= kMaxSlots) {
      throw std::length_error("event queue: more than 16,777,216 pending events");
    }
    slots_.emplace_back();
    return static_cast<std::uint32_t>(slots_.size() - 1);
  }

  // The key of the event that ran last, still at the heap's top when nothing replaced it.
  void drop_spent_top() {
    if (top_spent_) {
      top_spent_ = false;
      heap_.pop();
    }
  }

  void release_slot(std::uint32_t slot) {
    slots_[slot].next_free = free_head_;
    free_head_ = slot;
  }

  Time now_ = 0;
  std::uint64_t sequence_ = 0;
  std::size_t cancelled_ = 0;  // cancelled events whose keys are still held
  DaryHeap<Arity> heap_;
  std::vector<Slot> slots_;
  std::uint32_t free_head_ = UINT32_MAX;
  bool top_spent_ = false;  // the heap's top is the key of the event running (or that ran last)
  bool stream_armed_ = false;  // stream_key_ is pending
  EventKey stream_key_{};
  void (*stream_fn_)(void*) = nullptr;
  void* stream_ctx_ = nullptr;
  Ring<std::uint32_t> lane_{kFirstLane};  // slots of events scheduled at now, in order
};

}  // namespace loadcast::sim
