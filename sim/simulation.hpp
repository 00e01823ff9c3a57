// Simulation: the clock, the future-event set and the seed of one replication.
//
// The engine knows nothing about models. A model holds a `Simulation&`, schedules its own
// callbacks with schedule()/schedule_at(), cancels them with cancel() (lazy, O(1)) and draws its
// randomness from stream(name). run_until(t) runs every event with time <= t in (time, sequence)
// order and leaves the clock at t. No globals: several Simulations may run on several threads.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include "sim/callback.hpp"
#include "sim/event_queue.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace loadcast::sim {

class Simulation {
 public:
  explicit Simulation(std::uint64_t seed = 1, std::uint64_t replication = 0)
      : seed_(seed), replication_(replication) {}

  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  Time now() const { return queue_.now(); }
  std::uint64_t seed() const { return seed_; }
  std::uint64_t replication() const { return replication_; }

  // The callback is taken by reference and moved once, into the event queue's slot.
  EventId schedule(Time delay, Callback&& fn) {
    return queue_.schedule_at(now() + (delay > 0 ? delay : 0), std::move(fn));
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
  bool cancel(EventId id) { return queue_.cancel(id); }
  bool is_pending(EventId id) const { return queue_.is_pending(id); }

  // Runs events up to and including time `until`, then sets the clock to `until` (unless stop()
  // was called, in which case the clock stays at the stopping event).
  void run_until(Time until) {
    stopped_ = false;
    while (!stopped_ && queue_.run_one(until)) ++events_;
    if (!stopped_) queue_.advance_to(until);
  }

  // Runs until no event is left or stop() is called.
  void run() {
    stopped_ = false;
    while (!stopped_ && queue_.run_one(kTimeMax)) ++events_;
  }

  void stop() { stopped_ = true; }

  std::uint64_t events_processed() const { return events_; }
  std::size_t events_pending() const { return queue_.pending(); }

  Rng stream(std::string_view name) const { return Rng::stream(seed_, replication_, name); }

 private:
  EventQueue<> queue_;
  std::uint64_t seed_;
  std::uint64_t replication_;
  std::uint64_t events_ = 0;
  bool stopped_ = false;
};

}  // namespace loadcast::sim
