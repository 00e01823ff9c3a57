// Station<Job, Owner>: the generic queueing building block — c servers, FCFS or processor
// sharing, an optional queue limit — and its statistics.
//
// FCFS: an arrival starts service if a server is free, otherwise waits in FIFO order; with a
// queue limit K, an arrival that finds K waiting is rejected: arrive() returns false and the job
// stays with the caller. PS: all present jobs share the c servers, each getting at most one
// (ProcessorSharing); the queue limit then caps the number present beyond c.
// The owner is a template argument, called directly: `owner.served(job)` hands back a job whose
// service ended; `owner.counted(job)` says whether a job is part of the statistics (e.g. it
// arrived after the warm-up); `owner.waited(wait_ns)` reports the wait before service of each
// counted FCFS job as it starts (zero when a server was free), for an owner that keeps their
// distribution. Statistics since restart_statistics() (the end of a warm-up): utilization =
// time-average busy servers / c, mean queue = time-average number waiting, mean in system;
// arrivals, completions, rejections and the mean wait count the counted jobs.
// The time integrals (busy servers and present jobs over time; waiting jobs are their difference)
// and the sum of the waits are exact integers (jobs × nanoseconds, nanoseconds, in 128 bits),
// converted to seconds once when stats() reads them: no division per event, and no rounding but
// the final one. FCFS keeps each integral as a sum of instants, one addition per arrival,
// service start and end (the integral of present jobs to t is Σ departures − Σ arrivals +
// present · t); processor sharing, whose busy servers change without a job event, integrates
// over each interval between changes.
// Job is a small copyable handle (a pointer, an index). Not thread safe.
#pragma once

#include <cstdint>
#include <optional>

#include "sim/processor_sharing.hpp"
#include "sim/rng.hpp"
#include "sim/ring.hpp"
#include "sim/simulation.hpp"
#include "sim/stats.hpp"

namespace loadcast::sim {

enum class Discipline { kFcfs, kPs };

struct StationParams {
  int servers = 1;
  Discipline discipline = Discipline::kFcfs;
  std::optional<int> queue_limit;  // waiting jobs (FCFS) or jobs beyond `servers` (PS); none: unbounded
};

struct StationStats {
  double utilization = 0.0;     // mean busy fraction of the servers
  double mean_queue = 0.0;      // time-average number waiting (not in service)
  double mean_in_system = 0.0;  // time-average number present
  double mean_wait_s = 0.0;     // FCFS: mean time waiting before service
  std::uint64_t arrivals = 0;
  std::uint64_t completions = 0;
  std::uint64_t rejected = 0;
};

template <typename Job, typename Owner>
class Station {
 public:
  Station(Simulation& sim, const StationParams& params, Owner& owner)
      : sim_(sim),
        params_(params),
        owner_(owner),
        ps_(sim, static_cast<double>(params.servers), *this),
        queue_(kInitialQueue) {}
  Station(const Station&) = delete;
  Station& operator=(const Station&) = delete;

  // A job needing `service_s` seconds of one server arrives now. False: the queue is full and
  // the job was rejected; the caller disposes of it.
  [[nodiscard]] bool arrive(Job job, double service_s) {
    const Time now = sim_.now();
    const bool counted = owner_.counted(job);
    if (counted) ++arrivals_;
    if (params_.discipline == Discipline::kPs) return arrive_ps(job, service_s, counted);
    if (busy_ < static_cast<std::size_t>(params_.servers)) {
      present_sum_ -= instant(now);
      ++present_;
      if (counted) {
        ++waits_;
        owner_.waited(Time{0});
      }
      start(job, service_s, now);
      return true;
    }
    if (params_.queue_limit && queue_.size() >= static_cast<std::size_t>(*params_.queue_limit)) {
      if (counted) ++rejected_;
      return false;
    }
    queue_.push_back(Waiting{job, service_s, now});
    present_sum_ -= instant(now);
    ++present_;
    return true;
  }

  // End of the warm-up: statistics start again from now.
  void restart_statistics() {
    const Time now = sim_.now();
    advance(now);
    stats_start_ = now;
    busy_area_ = present_area_ = 0;
    busy_base_ = busy_sum_ + wide_product(busy_, instant(now));
    present_base_ = present_sum_ + wide_product(present_, instant(now));
    wait_sum_ns_ = 0;
    waits_ = 0;
    arrivals_ = completions_ = rejected_ = 0;
  }

  // Statistics from restart_statistics() (or the start) to now.
  StationStats stats() const {
    const Time now = sim_.now();
    // Integrate up to now without changing state.
    const Time span = now - stats_start_;
    Uint128 busy_ns = 0, present_ns = 0;
    if (params_.discipline == Discipline::kPs) {
      const auto tail = static_cast<std::uint64_t>(now - last_change_);
      busy_ns = busy_area_ + wide_product(busy_now(), tail);
      present_ns = present_area_ + wide_product(present_, tail);
    } else {
      // Modulo 2^128 the sums' differences are exact: the integrals are below 2^128.
      busy_ns = busy_sum_ + wide_product(busy_, instant(now)) - busy_base_;
      present_ns = present_sum_ + wide_product(present_, instant(now)) - present_base_;
    }
    const double busy_area = to_double(busy_ns);
    // Waiting = present − busy at every instant, so its integral is the exact difference.
    const double queue_area = to_double(present_ns - busy_ns);
    const double present_area = to_double(present_ns);
    StationStats out;
    if (span > 0) {
      const auto span_ns = static_cast<double>(span);
      out.utilization = busy_area / span_ns / static_cast<double>(params_.servers);
      out.mean_queue = queue_area / span_ns;
      out.mean_in_system = present_area / span_ns;
    }
    out.mean_wait_s = waits_ > 0 ? to_double(wait_sum_ns_) / static_cast<double>(waits_) / 1e9 : 0.0;
    out.arrivals = arrivals_;
    out.completions = completions_;
    out.rejected = rejected_;
    return out;
  }

  const StationParams& params() const { return params_; }
  // Jobs present: waiting or in service.
  std::size_t present() const { return present_; }

 private:
  struct Waiting {
    Job job;
    double service_s;
    Time arrived;
  };
  static constexpr std::size_t kInitialQueue = 64;

  bool arrive_ps(Job job, double service_s, bool counted) {
    advance(sim_.now());
    if (params_.queue_limit &&
        present_ >= static_cast<std::size_t>(params_.servers) + static_cast<std::size_t>(*params_.queue_limit)) {
      if (counted) ++rejected_;
      return false;
    }
    ++present_;
    ps_.add(job, service_s);
    return true;
  }

  // Busy servers: FCFS, those serving; PS, the jobs present up to the c servers.
  std::size_t busy_now() const {
    if (params_.discipline == Discipline::kPs) {
      const auto c = static_cast<std::size_t>(params_.servers);
      return present_ < c ? present_ : c;
    }
    return busy_;
  }

  static double to_double(Uint128 x) { return static_cast<double>(x); }
  static std::uint64_t instant(Time t) { return static_cast<std::uint64_t>(t); }
  // 64 × 64 → 128 bits: one multiplication instruction.
  static Uint128 wide_product(std::uint64_t a, std::uint64_t b) { return static_cast<Uint128>(a) * b; }

  // PS: integrals of busy servers and present jobs since stats_start_ (jobs × ns), advanced once
  // per state change.
  void advance(Time now) {
    if (now == last_change_) return;
    const auto dt = static_cast<std::uint64_t>(now - last_change_);
    busy_area_ += wide_product(busy_now(), dt);
    present_area_ += wide_product(present_, dt);
    last_change_ = now;
  }

  void start(Job job, double service_s, Time now) {
    busy_sum_ -= instant(now);
    ++busy_;
    sim_.schedule(from_seconds(service_s), [this, job] { finish(job); });
  }

  void finish(Job job) {
    const Time now = sim_.now();
    busy_sum_ += instant(now);
    present_sum_ += instant(now);
    --busy_;
    --present_;
    if (owner_.counted(job)) ++completions_;
    if (!queue_.empty()) {
      const Waiting next = queue_.pop_front();
      if (owner_.counted(next.job)) {
        const Time wait = now - next.arrived;
        wait_sum_ns_ += static_cast<Uint128>(wait);
        ++waits_;
        owner_.waited(wait);
      }
      start(next.job, next.service_s, now);
    }
    owner_.served(job);
  }

  void on_ps_done(Job job) {
    // present_ still counts the finished job, so the interval before now is integrated with the
    // population it really had.
    advance(sim_.now());
    --present_;
    if (owner_.counted(job)) ++completions_;
    owner_.served(job);
  }

  Simulation& sim_;
  StationParams params_;
  Owner& owner_;
  ProcessorSharing<&Station::on_ps_done> ps_;
  Ring<Waiting> queue_;  // FCFS: waiting jobs, oldest first
  std::size_t busy_ = 0;     // FCFS: servers in use
  std::size_t present_ = 0;
  Time stats_start_ = 0;
  Time last_change_ = 0;
  Uint128 busy_area_ = 0;     // PS: busy servers × ns
  Uint128 present_area_ = 0;  // PS: present jobs × ns
  // FCFS, modulo 2^128: Σ service ends − Σ service starts, Σ departures − Σ arrivals (ns), and
  // the integrals they made at the last restart of the statistics.
  Uint128 busy_sum_ = 0;
  Uint128 present_sum_ = 0;
  Uint128 busy_base_ = 0;
  Uint128 present_base_ = 0;
  Uint128 wait_sum_ns_ = 0;   // counted FCFS waits
  std::uint64_t waits_ = 0;
  std::uint64_t arrivals_ = 0;
  std::uint64_t completions_ = 0;
  std::uint64_t rejected_ = 0;
};

}  // namespace loadcast::sim
