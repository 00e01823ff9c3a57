// Simulation: the clock, the future-event set and the seed of one replication.
//
// The engine knows nothing about models. A model holds a `Simulation&`, schedules its own
// callbacks with schedule()/schedule_at(), cancels them with cancel() (lazy, O(1)) and draws its
// randomness from stream(name). run_until(t) runs every event with time <= t in (time, sequence)
// order and leaves the clock at t. A delay past the end of time saturates at kTimeMax, and an
// event at kTimeMax never runs. Two guards end a run that would not: more than
// kMaxEventsPerInstant events without the clock advancing throw NoProgress (a model looping at
// one instant), and an interrupt flag (set by a signal handler) stops the run at the next check,
// leaving the clock at the last event run (interrupted() says so). Both are checked every
// kInterruptCheck events, not per event: the run loop then pays a count and a test per event.
// No globals: several Simulations may run on several threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "sim/callback.hpp"
#include "sim/event_queue.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace loadcast::sim {

// The clock stopped advancing: a model schedules events at one instant without end.
class NoProgress : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Simulation {
 public:
  // Far more than any instant of a real run holds (a million users starting at t = 0 make a few
  // million), reached in seconds by a loop.
  static constexpr std::uint64_t kMaxEventsPerInstant = std::uint64_t{1} << 26;

  explicit Simulation(std::uint64_t seed = 1, std::uint64_t replication = 0)
      : seed_(seed), replication_(replication) {}

  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  Time now() const { return queue_.now(); }
  std::uint64_t seed() const { return seed_; }
  std::uint64_t replication() const { return replication_; }

  // The callback is taken by reference and moved once, into the event queue's slot.
  EventId schedule(Time delay, Callback&& fn) {
    return queue_.schedule_at(add_saturated(now(), delay), std::move(fn));
  }
  EventId schedule_at(Time when, Callback&& fn) {
    return queue_.schedule_at(when > now() ? when : now(), std::move(fn));
  }
  // A lambda goes straight into the event queue's slot (no intermediate Callback).
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback>>>
  EventId schedule(Time delay, F&& fn) {
    return queue_.schedule_at(now() + (delay > 0 ? delay : 0), std::forward<F>(fn));
  }
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback>>>
  EventId schedule_at(Time when, F&& fn) {
    return queue_.schedule_at(when > now() ? when : now(), std::forward<F>(fn));
  }
  // One stream of events that each schedule the next, in time order (an open model's arrivals),
  // kept outside the heap (EventQueue::claim_stream): the same order as ordinary events, less
  // work per event. False when the simulation has one already: schedule ordinary events then.
  bool claim_stream(void (*fn)(void*), void* ctx) { return queue_.claim_stream(fn, ctx); }
  // The stream's next event at `when` (clamped to now); at most one is pending.
  void schedule_stream_at(Time when) { queue_.schedule_stream(when > now() ? when : now()); }
  bool cancel(EventId id) { return queue_.cancel(id); }
  bool is_pending(EventId id) const { return queue_.is_pending(id); }

  // Runs events up to and including time `until`, then sets the clock to `until` (unless stop()
  // was called, in which case the clock stays at the stopping event).
  void run_until(Time until) {
    stopped_ = false;
    const Time limit = until < kTimeMax ? until : kTimeMax - 1;
    while (!stopped_ && queue_.run_one(limit)) after_event();
    if (!stopped_) queue_.advance_to(until);
  }

  // Runs until no event is left (but those at kTimeMax, which never run) or stop() is called.
  // The clock stays at the last event run.
  void run() {
    stopped_ = false;
    while (!stopped_ && queue_.run_one(kTimeMax - 1)) after_event();
  }

  void stop() { stopped_ = true; }

  // The flag, when set, stops run_until() within kInterruptCheck events. Not owned.
  void set_interrupt(const std::atomic<bool>* flag) { interrupt_ = flag; }
  bool interrupted() const { return interrupted_; }

  std::uint64_t events_processed() const { return events_; }
  std::size_t events_pending() const { return queue_.pending(); }

  Rng stream(std::string_view name) const { return Rng::stream(seed_, replication_, name); }

 private:
  static constexpr std::uint64_t kInterruptCheck = 4096;

  // Per event a count and one test; every kInterruptCheck events the interrupt flag and the
  // clock. The clock never goes back, so the same time at two consecutive checks means no
  // advance between them: NoProgress is thrown within kInterruptCheck events of the
  // kMaxEventsPerInstant-th event at one instant.
  void after_event() {
    if (++events_ % kInterruptCheck != 0) [[likely]] return;
    if (queue_.now() != instant_) {
      instant_ = queue_.now();
      events_at_instant_ = 0;
    } else if ((events_at_instant_ += kInterruptCheck) > kMaxEventsPerInstant) {
      throw NoProgress("the simulation stopped advancing: more than " + std::to_string(kMaxEventsPerInstant) +
                       " events at t = " + std::to_string(to_seconds(instant_)) +
                       " s without the clock moving (a model that loops at one instant)");
    }
    if (interrupt_ != nullptr && interrupt_->load(std::memory_order_relaxed)) {
      interrupted_ = true;
      stopped_ = true;
    }
  }

  EventQueue<> queue_;
  std::uint64_t seed_;
  std::uint64_t replication_;
  std::uint64_t events_ = 0;
  bool stopped_ = false;
  Time instant_ = 0;
  std::uint64_t events_at_instant_ = 0;
  const std::atomic<bool>* interrupt_ = nullptr;
  bool interrupted_ = false;
};

}  // namespace loadcast::sim
