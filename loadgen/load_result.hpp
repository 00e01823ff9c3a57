// From measurements to `result.json` (kind "load"), and back for merging shards. LoadTotals is
// the exact, mergeable state of a run (per-class counts by cause and status, histograms, the
// per-second series, counters): worker metrics add into it after the threads join, shard results
// in `loadcast merge` — histograms add bucket by bucket, so merged percentiles are those of the
// whole run. LoadInfo describes the run. build_result() writes the simulator's keys plus the
// `load` section (per-second series capped at ceil(warm-up + duration + drain) seconds);
// totals_from_result() and info_from_result() read them back (std::runtime_error naming the
// missing key). With flows, `sessions` (all flows: started = completed + failed + in_flight +
// dropped, failures by cause, durations), `flows.<name>` (the same per flow, and per step) and
// `checks` (passes, fails, rate, per check) are written too — the simulator's keys plus what
// only a measurement has — and read back. Not thread safe; plain values.
// Keys: docs/results.md and docs/load-generator.md#result-time-series-self-monitoring
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/engine.hpp"
#include "loadgen/metrics.hpp"
#include "reports/histogram.hpp"
#include "reports/result.hpp"

namespace loadcast::loadgen {

struct LoadTotals {
  std::vector<std::string> class_names;
  std::vector<ClassStats> classes;
  std::vector<std::uint64_t> class_in_flight;
  reports::Histogram uncorrected;
  reports::Histogram timer_lag;
  reports::Histogram loop_lag;
  std::map<std::int64_t, SecondStats> seconds;
  std::uint64_t sent = 0;
  std::uint64_t sent_in_window = 0;
  std::uint64_t bytes = 0;
  std::uint64_t backlogged = 0;  // open model: waited in the backlog for a connection
  std::uint64_t sent_late = 0;   // sent > kLateSend after the intended time with a connection free

  // Flows (workload.flows): per flow its sessions and checks; empty without flows.
  std::vector<std::string> flow_names;
  std::vector<std::vector<std::string>> check_names;  // per flow
  std::vector<std::vector<std::string>> step_names;   // per flow: "setup:<name>" for setup's, then the steps'
  std::vector<FlowStats> flows;

  explicit LoadTotals(std::vector<std::string> names = {});
  void add_flow(const std::string& name, const std::vector<std::string>& checks, const std::vector<std::string>& steps);
  void add_worker(const WorkerMetrics& w, const std::vector<std::uint64_t>& in_flight_by_class);
  // Adds another run's totals; classes are matched by name.
  void add(const LoadTotals& o);
  reports::RequestCounts counts() const;
};

struct LoadInfo {
  std::string scenario;
  std::string target;
  std::string model;   // "open" or "closed"
  std::string engine;  // engine_name(): http1, http1-tls, http2, h2c, libcurl-http1.1, libcurl-http2
  std::uint64_t seed = 0;
  double duration_s = 0.0;    // measured span: schedule run after the warm-up (shorter when stopped)
  double warmup_s = 0.0;
  double drain_s = 0.0;       // how long in-flight requests could finish after the schedule
  double target_rps = 0.0;    // open model: this run's share of the schedule's mean rate
  std::uint64_t threads = 0;
  std::uint64_t connections = 0;  // open model: the pool; closed: users / streams per connection
  std::uint64_t users = 0;        // closed model: peak users of this run
  std::string overload = "queue";
  std::uint64_t max_backlog = 0;
  std::uint64_t shards = 1;
  std::vector<std::uint64_t> shard_indices{0};
  std::optional<double> start_epoch;
  // Wall-clock time of the schedule's start (the first warm-up second), seconds since the epoch:
  // what lines the per-second series up with CloudWatch periods (loadcast calibrate).
  std::optional<double> started_epoch;
  reports::Json fingerprint = reports::Json::object();  // LoadConfig::fingerprint()
  double cpu_s = 0.0;                 // all worker threads
  double wall_s = 0.0;                // longest worker run, incl. drain
  double max_thread_utilization = 0.0;
  std::uint64_t rss_peak_kib = 0;
  std::uint64_t preconnect_failures = 0;
  std::uint64_t open_connections_peak = 0;
  std::uint64_t connect_backoffs = 0;      // a slot rested after a failed connect (connect_backoff.hpp)
  std::uint64_t fds_needed = 0;            // descriptors the run needed (fd_limit.hpp)
  std::uint64_t fd_limit = 0;              // RLIMIT_NOFILE soft limit in force for the run
  std::uint64_t fd_limit_raised_from = 0;  // the soft limit before the run raised it; 0: not raised
  ConnectionEvents connection_events;  // summed over threads (and shards when merged)
  bool stopped_early = false;
  std::map<std::string, int> expect_status;  // request class -> the status it expects (expect_status)
  std::vector<std::string> warnings;
};

// Fills saturation verdict and warnings from the totals; returns generator_saturated. The open
// model's rate is judged against the arrivals actually scheduled in the window (the schedule
// is known, so Poisson variation and the uniform schedule's R·d − 1 are not shortfalls), and a
// warning names what happened: requests dropped, waiting for a connection, or sent late by
// the generator.
bool assess(const LoadTotals& totals, LoadInfo& info);

reports::Result build_result(const LoadTotals& totals, const LoadInfo& info);
LoadTotals totals_from_result(const reports::Result& r);
LoadInfo info_from_result(const reports::Result& r);

}  // namespace loadcast::loadgen
