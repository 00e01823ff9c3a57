// CpuQuota: Linux CFS bandwidth control for a group of jobs — within each period the group may
// run for at most quota x period of CPU time (core-seconds); once that budget is spent nobody in
// the group runs until the next period boundary, where the budget is refilled in full (unused
// budget does not carry over). [doc] https://docs.kernel.org/scheduler/sched-bwc.html
// (cpu.cfs_quota_us, cpu.cfs_period_us; default period 100 ms; cpu.cfs_burst_us 0 by default).
//
// The value tracks the budget left in the current period and the period's end; the caller says
// how many cores the group keeps busy while it runs (constant between two calls), and gets back
// how long it ran. Period boundaries fall every `period` from when the quota was set (the
// cgroup's period timer starts with the group). Not modelled: the per-CPU "slice" (5 ms) in
// which the kernel hands out the budget, which can strand part of it on idle CPUs.
// It counts, as cpu.stat's nr_periods and nr_throttled do, the periods in which the group ran
// (had runnable jobs) and, of those, the ones whose budget ran out while jobs still wanted to
// run; a period is counted once it has ended. (The kernel's period timer also ticks once more
// after the group goes idle; such a trailing idle period is not counted here.)
// Invariants: 0 <= left <= budget; now < period_end after every call. Plain value, not thread
// safe.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "sim/time.hpp"

namespace loadcast::sim {

// Seconds as whole nanoseconds, rounded up, ignoring a rounding error of under a hundredth of a
// nanosecond (so 0.002 s of work left at half speed is 4 ms, not 4 ms + 1 ns).
// ProcessorSharing's completion test allows 0.1 ns of work, so the event is never early.
inline Time ceil_ns(double seconds) { return saturated_ns(std::max(0.0, std::ceil(seconds * 1e9 - 0.01))); }

// CFS periods in which a group ran, and of those the ones throttled (cpu.stat's nr_periods,
// nr_throttled).
struct CfsPeriods {
  std::uint64_t ran = 0, throttled = 0;
};

class CpuQuota {
 public:
  CpuQuota() = default;  // no quota: never throttled

  // A quota of `quota` cores per `period` (budget quota x period core-seconds), periods counted
  // from `now`. A later call with the same period keeps the phase and what this period already
  // used (a capacity change mid-period).
  void set(double quota, Time period, Time now) {
    const double budget = quota * to_seconds(period);
    if (!limited_ || period != period_) {
      limited_ = true;
      period_ = period;
      period_s_ = to_seconds(period);
      period_end_ = now + period;
      left_ = budget;
    } else {
      left_ = std::max(0.0, left_ - budget_ + budget);
    }
    budget_ = budget;
  }
  void clear() { limited_ = false; }

  // Periods ended so far in which jobs ran, and of those, the ones throttled.
  std::uint64_t periods() const { return nr_periods_; }
  std::uint64_t throttled() const { return nr_throttled_; }

  bool limited() const { return limited_; }
  double budget() const { return budget_; }  // core-seconds per period
  Time period() const { return period_; }

  // Moves from `from` to `to` (>= from) with `busy` cores running while the budget lasts (0: no
  // jobs, only the refills happen). Returns the seconds the jobs ran.
  double run(Time from, Time to, double busy) {
    if (!limited_) return busy > 0.0 ? to_seconds(to - from) : 0.0;
    if (to < period_end_) return spend(to_seconds(to - from), busy);
    double ran = spend(to_seconds(period_end_ - from), busy);
    close_period();
    const Time full = (to - period_end_) / period_;  // whole periods after this one's end
    if (full > 0 && busy > 0.0) {
      ran += static_cast<double>(full) * std::min(period_s_, budget_ / busy);
      nr_periods_ += static_cast<std::uint64_t>(full);
      if (budget_ / busy < period_s_ - kSlack) nr_throttled_ += static_cast<std::uint64_t>(full);
    }
    period_end_ += (full + 1) * period_;
    left_ = budget_;
    return ran + spend(to_seconds(to - (period_end_ - period_)), busy);
  }

  // How long from `from` until jobs keeping `busy` (> 0) cores running have run `run_s` seconds,
  // rounded up to whole nanoseconds; kTimeMax when the budget is zero.
  Time until_run(Time from, double run_s, double busy) const {
    if (!limited_) return ceil_ns(run_s);
    if (budget_ <= 0.0) return kTimeMax;
    const double here = std::min(to_seconds(period_end_ - from), left_ / busy);
    if (run_s <= here + 1e-12) return ceil_ns(std::min(run_s, here));  // (rounding: the budget's last ns)
    const double per_period = std::min(period_s_, budget_ / busy);
    const double rest = run_s - here;
    // It finishes in the k-th period after this one (k >= 0), with `tail` seconds of it left.
    // (rest / per_period may land a rounding error above a whole number: a tail of under a
    // tenth of a nanosecond belongs to the period before.)
    double k = std::max(0.0, std::ceil(rest / per_period) - 1.0);
    double tail = rest - k * per_period;
    if (tail < 1e-10 && k > 0.0) {
      k -= 1.0;
      tail += per_period;
    }
    const double ns = static_cast<double>(period_end_ - from) + k * static_cast<double>(period_) + std::ceil(tail * 1e9);
    if (!(ns < 9.0e18)) return kTimeMax;  // beyond the range of time: never
    return (period_end_ - from) + static_cast<Time>(k) * period_ + ceil_ns(tail);
  }

 private:
  // A budget that lasts to within a nanosecond of the span is not throttled (rounding).
  static constexpr double kSlack = 1e-9;

  // Runs for up to `span` seconds of this period, while the budget lasts.
  double spend(double span, double busy) {
    if (busy <= 0.0 || span <= 0.0) return 0.0;
    const double ran = std::min(span, left_ / busy);
    left_ = std::max(0.0, left_ - ran * busy);
    ran_this_ = true;
    if (ran < span - kSlack) throttled_this_ = true;
    return ran;
  }

  // The current period has ended: count it.
  void close_period() {
    nr_periods_ += ran_this_ ? 1 : 0;
    nr_throttled_ += throttled_this_ ? 1 : 0;
    ran_this_ = throttled_this_ = false;
  }

  bool limited_ = false;
  Time period_ = 0;
  double period_s_ = 0.0;
  double budget_ = 0.0;
  double left_ = 0.0;
  Time period_end_ = 0;
  bool ran_this_ = false;        // jobs ran in the current period
  bool throttled_this_ = false;  // and its budget ran out while they wanted more
  std::uint64_t nr_periods_ = 0;
  std::uint64_t nr_throttled_ = 0;
};

}  // namespace loadcast::sim
