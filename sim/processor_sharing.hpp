// ProcessorSharing: a server of (possibly fractional) capacity c shared equally by the n jobs
// present, each job limited to one unit (one core): a job progresses at rate min(1, c/n).
//
// Used for a generic PS station, a Fargate task's CPU (c = min(threads, vCPU)) and an Aurora
// instance's CPU (c proportional to ACU). Implementation (SimGrid's lazy fluid model): every job
// progresses at the same rate, so a virtual clock V of attained service advances at r(n) and a
// job of size x arriving at V0 leaves when V = V0 + x. Finish tags sit in a min-heap; exactly one
// completion event is pending, rescheduled whenever n or c changes. V restarts at 0 whenever the
// server empties, which keeps doubles precise over long runs.
// Invariants: busy() == min(n, c); the pending event, if any, is for the smallest tag.
// Not thread safe.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/simulation.hpp"

namespace loadcast::sim {

class ProcessorSharing {
 public:
  // Called for each finished job with the token given to add().
  using Listener = void (*)(void* owner, void* token);

  ProcessorSharing(sim::Simulation& sim, double capacity, Listener on_done, void* owner)
      : sim_(sim), capacity_(capacity), on_done_(on_done), owner_(owner) {}
  ProcessorSharing(const ProcessorSharing&) = delete;
  ProcessorSharing& operator=(const ProcessorSharing&) = delete;

  // Adds a job needing `work_s` seconds of one core.
  void add(void* token, double work_s);
  // Removes a job before it finishes (e.g. its task died). Returns false if not present.
  bool remove(void* token);
  // Changes the capacity (e.g. Aurora scaling); progress so far is kept.
  void set_capacity(double capacity);

  std::size_t jobs() const { return heap_.size(); }
  double capacity() const { return capacity_; }
  double busy() const {
    const double n = static_cast<double>(heap_.size());
    return n < capacity_ ? n : capacity_;
  }
  // Per-job progress rate: min(1, c/n).
  double rate() const {
    if (heap_.empty()) return 0.0;
    const double share = capacity_ / static_cast<double>(heap_.size());
    return share < 1.0 ? share : 1.0;
  }
  // Remaining work of every job, in seconds (for tests and for killing a task).
  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (const auto& e : heap_) fn(e.token);
  }

 private:
  struct Entry {
    double finish;       // virtual-time tag
    std::uint64_t seq;   // FIFO among equal tags, for determinism
    void* token;
  };
  static bool before(const Entry& a, const Entry& b) {
    return a.finish < b.finish || (a.finish == b.finish && a.seq < b.seq);
  }

  void advance();     // brings V up to now
  void reschedule();  // replaces the pending completion event
  void on_event();
  void push(Entry e);
  void pop_top();

  sim::Simulation& sim_;
  double capacity_;
  Listener on_done_;
  void* owner_;
  std::vector<Entry> heap_;
  std::vector<void*> done_;  // reused by on_event; on_event never re-enters itself
  double virtual_ = 0.0;
  sim::Time last_ = 0;
  std::uint64_t seq_ = 0;
  sim::EventId pending_;
};

}  // namespace loadcast::sim
