// ProcessorSharing: a server of `cores` (possibly fractional) shared equally by the n jobs
// present, each job limited to one core: a job progresses at rate min(1, cores/n); optionally
// under a CPU quota (sim::CpuQuota, Linux CFS bandwidth control): the jobs run at that rate only
// while the period's budget lasts, then wait for the next period. Used for a PS station, a
// Fargate task's CPU and an Aurora instance's CPU. SimGrid's lazy fluid model: a virtual clock of
// attained service, finish tags in a min-heap, exactly one pending completion event (throttled
// stretches folded into its time). The owner's hook is a template argument,
// `ProcessorSharing<&Task::on_cpu_done>` (`void Owner::hook(Job)`, Job small, copyable and
// comparable with ==), so a finished job is handed back by a direct, typed call.
// Invariants: the pending event, if any, is for the smallest tag; used() grows by min(n, cores)
// per second of running. Not thread safe. The model: docs/engine.md
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/cpu_quota.hpp"
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

  ProcessorSharing(Simulation& sim, double cores, Owner& owner) : sim_(sim), cores_(cores), owner_(owner) {}
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

  // Changes the cores and drops any quota; progress so far is kept.
  void set_capacity(double cores) {
    advance();
    cores_ = cores;
    quota_.clear();
    reschedule();
  }

  // `cores` at full speed under a quota of `quota` cores per `period` (CFS bandwidth control).
  // A quota of at least `cores` can never throttle, so it is dropped. Progress so far is kept,
  // and so are the period's phase and what this period used when only the numbers change.
  void set_quota(double cores, double quota, Time period) {
    advance();
    cores_ = cores;
    if (quota >= cores) quota_.clear();
    else quota_.set(quota, period, last_);
    reschedule();
  }

  std::size_t jobs() const { return heap_.size(); }
  // Long-run capacity in cores: the quota when there is one, else the cores.
  double capacity() const { return quota_.limited() ? quota_.budget() / to_seconds(quota_.period()) : cores_; }
  double cores() const { return cores_; }
  bool has_quota() const { return quota_.limited(); }
  // Cores in use while the jobs run: min(n, cores) (under a quota, not while throttled).
  double busy() const {
    const double n = static_cast<double>(heap_.size());
    return n < cores_ ? n : cores_;
  }
  // Per-job progress rate while running: min(1, cores/n).
  double rate() const {
    if (heap_.empty()) return 0.0;
    const double share = cores_ / static_cast<double>(heap_.size());
    return share < 1.0 ? share : 1.0;
  }
  // Core-seconds used since the start (the integral of busy cores while running), at `now` >= the
  // last change.
  double used(Time now) const {
    if (now <= last_ || heap_.empty()) return used_;
    CpuQuota q = quota_;
    return used_ + busy() * q.run(last_, now, busy());
  }
  // CFS periods ended by `now` (>= the last change) in which jobs ran, and of those the ones
  // throttled (CpuQuota::periods, ::throttled); both 0 without a quota.
  CfsPeriods periods(Time now) const {
    CpuQuota q = quota_;
    if (now > last_ && q.limited()) q.run(last_, now, busy());
    return {q.periods(), q.throttled()};
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

  // Brings V, the quota and the core-seconds used up to now.
  void advance() {
    const Time now = sim_.now();
    if (now <= last_) return;
    if (!heap_.empty()) {
      const double b = busy();
      const double ran = quota_.limited() ? quota_.run(last_, now, b) : to_seconds(now - last_);
      virtual_ += rate() * ran;
      used_ += b * ran;
    } else if (quota_.limited()) {
      quota_.run(last_, now, 0.0);
    }
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
    Time delay = 0;
    if (left > 0.0) {
      delay = quota_.limited() ? quota_.until_run(last_, left / r, busy()) : ceil_ns(left / r);
      // A zero quota, or work that would outlast the range of time: it finishes never (until the
      // population or the quota changes).
      if (delay == kTimeMax) return;
    }
    pending_ = sim_.schedule(delay, [this] { on_event(); });
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
  double cores_;
  CpuQuota quota_;
  Owner& owner_;
  std::vector<Entry> heap_;
  std::vector<Job> done_;  // reused by on_event; on_event never re-enters itself
  double virtual_ = 0.0;
  double used_ = 0.0;  // core-seconds used up to last_
  Time last_ = 0;
  std::uint64_t seq_ = 0;
  EventId pending_;
};

}  // namespace loadcast::sim
