// WorkerMetrics: everything one worker thread measures, owned by that thread alone.
//
// Per request class: scheduled count, outcomes by Cause, HTTP statuses, and the latency
// histogram measured from the intended send time (coordinated-omission free). Per worker: the
// latency from the actual send (uncorrected), timer/event-loop lag, bytes, sends inside the
// measured window, requests that waited for a connection (backlogged) or were sent late with
// one free (sent_late: the generator's own lag), and a per-second series (completions,
// failures, completions per class, latency histogram) keyed by whole seconds since the run's start;
// per class also the durations the responses' Server-Timing headers reported (any status). As in the
// simulator, latency is recorded for successful requests only; every outcome (ok, error,
// timeout, drop) counts as a completion of its second, and every non-ok one as a failure. HTTP statuses are counted whenever a response arrived.
// No locks, no atomics: each worker updates its own instance and the runner merges them after
// the threads have joined (LoadTotals::add).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "loadgen/outcome.hpp"
#include "loadgen/server_timing.hpp"
#include "reports/histogram.hpp"
#include "reports/result.hpp"
#include "sim/time.hpp"

namespace loadcast::loadgen {

inline constexpr std::size_t kStatusSlots = 1000;  // three-digit statuses
// A request sent this long after its intended time, with a connection free, was sent late by
// the generator itself (its timers or loop fell behind), not by the target.
inline constexpr sim::Time kLateSend = 10 * sim::kMillisecond;

struct ClassStats {
  std::uint64_t scheduled = 0;
  std::array<std::uint64_t, kCauseCount> causes{};
  std::vector<std::uint64_t> statuses = std::vector<std::uint64_t>(kStatusSlots);
  reports::Histogram latency;  // intended send -> response complete
  ServerTimingStats server_timing;  // what the responses' Server-Timing headers reported

  void add(const ClassStats& o);
  // Accounting view; in_flight is supplied by the caller.
  reports::RequestCounts counts(std::uint64_t in_flight) const;
};

// One flow's sessions (user journeys), those whose intended start is in the measured window:
// every session started ends exactly one way: started = completed + failed + in_flight +
// dropped (in_flight: unfinished when the run stopped; dropped: never given a virtual user).
// Checks are counted per check of the flow (passes, fails); requests per step of the flow
// (setup's first, then the steps'), with the latency of the successful ones.
struct StepStats {
  std::uint64_t requests = 0;
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
  reports::Histogram latency;  // intended send -> response, successes
};

struct FlowStats {
  std::uint64_t started = 0;
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;
  std::uint64_t in_flight = 0;
  std::uint64_t dropped = 0;
  std::map<std::string, std::uint64_t> failed_by_cause;
  reports::Histogram duration;  // completed sessions: intended start -> last response
  std::vector<std::uint64_t> check_passes;
  std::vector<std::uint64_t> check_fails;
  std::vector<StepStats> steps;

  void add(const FlowStats& o);
  bool balanced() const { return started == completed + failed + in_flight + dropped; }
};

struct SecondStats {
  std::uint64_t completions = 0;
  std::uint64_t failures = 0;  // errors + timeouts + dropped that ended in this second
  reports::Histogram latency;
  // Completions per request class (indexed like the classes of the totals that hold it; empty
  // until a completion is added): what `loadcast calibrate` divides the CPU among.
  std::vector<std::uint64_t> class_completions;
};

class WorkerMetrics {
 public:
  explicit WorkerMetrics(std::size_t classes);

  // Flows: one FlowStats per flow, `checks[f]` checks and `steps[f]` steps each (before the run).
  void set_flows(const std::vector<std::size_t>& checks, const std::vector<std::size_t>& steps);
  std::vector<FlowStats>& flows() { return flows_; }
  const std::vector<FlowStats>& flows() const { return flows_; }

  // Requests intended before `measure_from` (the warm-up) are not counted anywhere; sends
  // before `window_end` count towards the achieved rate.
  void start(sim::Time t0, sim::Time measure_from, sim::Time window_end) {
    t0_ = t0;
    measure_from_ = measure_from;
    window_end_ = window_end;
  }
  bool measured(sim::Time intended) const { return intended >= measure_from_; }
  void on_scheduled(std::size_t cls, sim::Time intended) {
    if (measured(intended)) ++classes_[cls].scheduled;
  }
  // `waited`: the request sat in the backlog for a free connection before this send.
  void on_sent(sim::Time intended, sim::Time sent, bool waited = false) {
    if (!measured(intended)) return;
    ++sent_;
    if (sent < window_end_) ++sent_in_window_;
    if (!waited && sent - intended > kLateSend) ++sent_late_;
  }
  // Open model: a due request found no free connection and went to the backlog.
  void on_backlogged(sim::Time intended) {
    if (measured(intended)) ++backlogged_;
  }
  void on_dropped(std::size_t cls, Cause cause, sim::Time intended, sim::Time now);
  void on_completed(std::size_t cls, const Completion& c, sim::Time intended);
  // Lateness of a scheduled send (pacer or think-time timer) behind its intended time.
  void on_lag(sim::Time lateness) { lag_.record(lateness < 0 ? 0 : lateness); }
  // Lateness of the worker's periodic monitor tick: how busy the event loop is.
  void on_loop_lag(sim::Time lateness) { loop_lag_.record(lateness < 0 ? 0 : lateness); }
  // Flushes the current second; call once after the loop has stopped.
  void finish();

  std::vector<ClassStats>& classes() { return classes_; }
  const std::vector<ClassStats>& classes() const { return classes_; }
  const reports::Histogram& uncorrected() const { return uncorrected_; }
  const reports::Histogram& lag() const { return lag_; }
  const reports::Histogram& loop_lag() const { return loop_lag_; }
  const std::map<std::int64_t, std::string>& second_histograms() const { return second_hist_; }
  const std::map<std::int64_t, std::pair<std::uint64_t, std::uint64_t>>& second_counts() const { return second_counts_; }
  // Completions per class in each second with any (indexed like classes()).
  const std::map<std::int64_t, std::vector<std::uint64_t>>& second_class_counts() const { return second_class_counts_; }
  std::uint64_t sent() const { return sent_; }
  std::uint64_t sent_in_window() const { return sent_in_window_; }
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t backlogged() const { return backlogged_; }
  std::uint64_t sent_late() const { return sent_late_; }

 private:
  void roll(sim::Time now);
  void flush_second();

  std::vector<ClassStats> classes_;
  std::vector<FlowStats> flows_;
  reports::Histogram uncorrected_;
  reports::Histogram lag_;
  reports::Histogram loop_lag_;
  sim::Time t0_ = 0;
  sim::Time measure_from_ = 0;
  sim::Time window_end_ = sim::kTimeMax;
  std::uint64_t sent_ = 0;
  std::uint64_t sent_in_window_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t backlogged_ = 0;
  std::uint64_t sent_late_ = 0;
  // Current second, flushed to the compact serialized form when the next one begins.
  std::int64_t second_ = -1;
  std::uint64_t second_completions_ = 0;
  std::uint64_t second_failures_ = 0;
  reports::Histogram second_latency_;
  std::map<std::int64_t, std::string> second_hist_;
  std::map<std::int64_t, std::pair<std::uint64_t, std::uint64_t>> second_counts_;  // completions, failures
  std::vector<std::uint64_t> second_class_;  // completions per class in the current second
  std::map<std::int64_t, std::vector<std::uint64_t>> second_class_counts_;
};

}  // namespace loadcast::loadgen
