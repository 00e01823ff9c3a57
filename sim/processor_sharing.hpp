// ProcessorSharing: a server of (possibly fractional) capacity c shared equally by the n jobs
// present, each job limited to one unit (one core): a job progresses at rate min(1, c/n).
//
// Used for a generic PS station, a Fargate task's CPU (c = min(threads, vCPU)) and an Aurora
// instance's CPU (c proportional to ACU). Implementation (SimGrid's lazy fluid model): every job
// progresses at the same rate, so a virtual clock V of attained service advances at r(n) and a
// job of size x arriving at V0 leaves when V = V0 + x. Finish tags sit in a min-heap; exactly one
// completion event is pending, rescheduled whenever n or c changes. V restarts at 0 whenever the
// server empties, which keeps doubles precise over long runs. Jobs that finish in the same event
// leave in (tag, arrival) order.
// The owner's hook is a template argument, `ProcessorSharing<&Task::on_cpu_done>`: the owner
// type and the job handle (`void Owner::hook(Job)`, Job small, copyable and comparable with ==)
// come from it, and a finished job is handed back by a direct, typed call.
// Invariants: busy() == min(n, c); the pending event, if any, is for the smallest tag.
// Not thread safe.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/simulation.hpp"

namespace loadcast::sim {

namespace detail {
// Owner and job types of a hook `void Owner::hook(Job)`.
template <auto kHook>
struct HookTraits;
template <typename O, typename J, void (O::*kHook)(J)>
struct HookTraits<kHook> {
  using Owner = O;
  using Job = J;
};
}  // namespace detail

template <auto kDone>
class ProcessorSharing {
 public:
  using Owner = typename detail::HookTraits<kDone>::Owner;
  using Job = typename detail::HookTraits<kDone>::Job;

  ProcessorSharing(Simulation& sim, double capacity, Owner& owner) : sim_(sim), capacity_(capacity), owner_(owner) {}
  ProcessorSharing(const ProcessorSharing&) = delete;
  ProcessorSharing& operator=(const ProcessorSharing&) = delete;

  // Adds a job needing `work_s` seconds of one core.
  void add(Job job, double work_s) {
    advance();
    if (heap_.empty()) virtual_ = 0.0;
    push(Entry{virtual_ + (work_s > 0.0 ? work_s : 0.0), seq_++, job});
    reschedule();
  }

  // Removes a job before it finishes (e.g. a health check that timed out). Returns false if the
  // job is not present.
  bool remove(const Job& job) {
    advance();
    auto it = std::find_if(heap_.begin(), heap_.end(), [&job](const Entry& e) { return e.job == job; });
    if (it == heap_.end()) return false;
    heap_.erase(it);
    std::make_heap(heap_.begin(), heap_.end(), Later{});
    reschedule();
    return true;
  }

  // Changes the capacity (e.g. Aurora scaling); progress so far is kept.
  void set_capacity(double capacity) {
    advance();
    capacity_ = capacity;
    reschedule();
  }

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
  // Calls fn(job) for every job present, in no particular order (e.g. to discard a dead task's
  // work).
  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (const auto& e : heap_) fn(e.job);
  }

 private:
  struct Entry {
    double finish;       // virtual-time tag
    std::uint64_t seq;   // FIFO among equal tags, for determinism
    Job job;
  };
  // Two tags closer than this (seconds of work) finish in the same event: rounding of the
  // completion time to whole nanoseconds must not leave a job a hair short of its tag.
  static constexpr double kEpsilon = 1e-10;

  // Heap order (std::*_heap build a max-heap, so the comparison is reversed). A function
  // object, not a function pointer, so the heap operations inline it.
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return b.finish < a.finish || (b.finish == a.finish && b.seq < a.seq);
    }
  };

  // Brings V up to now.
  void advance() {
    const Time now = sim_.now();
    if (now > last_ && !heap_.empty()) virtual_ += rate() * to_seconds(now - last_);
    last_ = now;
  }

  void push(Entry e) {
    heap_.push_back(e);
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }

  void pop_top() {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
  }

  // Replaces the pending completion event.
  void reschedule() {
    if (pending_.valid()) sim_.cancel(pending_);
    pending_ = {};
    if (heap_.empty()) return;
    const double r = rate();
    if (r <= 0.0) return;  // zero capacity: jobs wait until capacity returns
    const double left = heap_.front().finish - virtual_;
    const double delay_ns = left <= 0.0 ? 0.0 : std::ceil(left / r * 1e9);
    // Work that would outlast the range of time finishes never (until the population changes).
    pending_ = sim_.schedule(saturated_ns(delay_ns), [this] { on_event(); });
  }

  void on_event() {
    pending_ = {};
    advance();
    // Collect every job whose tag has been reached, then notify: the owner may add jobs.
    done_.clear();
    while (!heap_.empty() && heap_.front().finish <= virtual_ + kEpsilon) {
      done_.push_back(heap_.front().job);
      pop_top();
    }
    if (heap_.empty()) virtual_ = 0.0;
    reschedule();
    for (std::size_t i = 0; i < done_.size(); ++i) (owner_.*kDone)(done_[i]);
  }

  Simulation& sim_;
  double capacity_;
  Owner& owner_;
  std::vector<Entry> heap_;
  std::vector<Job> done_;  // reused by on_event; on_event never re-enters itself
  double virtual_ = 0.0;
  Time last_ = 0;
  std::uint64_t seq_ = 0;
  EventId pending_;
};

}  // namespace loadcast::sim
