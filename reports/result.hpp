// Result: what one run of either engine produced, in the `loadcast.result/v1` format.
//
// Both `loadcast sim` (kind "sim") and `loadcast load` (kind "load") fill the same struct, so
// results compare, merge and gate the same way. The typed part holds what every run has;
// `sections` holds the rest by top-level key ("services", "databases", "queues", "load", ...),
// so a model can add a section without touching this file. Keys are only ever added, never
// renamed. to_json() writes keys in a fixed order, so equal results give byte-identical files.
//
// Request accounting, for every run and every class:
//   total = ok + errors + timeouts + dropped + in_flight
// `errors` are failed responses and connection failures (5xx, refused, reset...), `timeouts`
// requests abandoned by the client's timeout, `dropped` requests never sent (open-model overload
// or a station's queue limit), `in_flight` unfinished when the run ended. by_status counts HTTP
// statuses (simulated or received); by_cause names why each failure happened.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/histogram.hpp"

namespace loadcast::reports {

using Json = nlohmann::ordered_json;

inline constexpr const char* kResultSchema = "loadcast.result/v1";

struct RequestCounts {
  std::uint64_t total = 0;
  std::uint64_t ok = 0;
  std::uint64_t errors = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t dropped = 0;
  std::uint64_t in_flight = 0;
  std::map<std::string, std::uint64_t> by_status;
  std::map<std::string, std::uint64_t> by_cause;

  double error_rate() const {
    const std::uint64_t done = ok + errors + timeouts + dropped;
    return done ? static_cast<double>(errors + timeouts + dropped) / static_cast<double>(done) : 0.0;
  }
  bool balanced() const { return total == ok + errors + timeouts + dropped + in_flight; }
  void merge(const RequestCounts& o);
};

// A statistic computed from no samples: NaN in memory, null in result.json, "—" in reports, and a
// threshold on it fails ("no samples"). Never 0, which would pass a latency threshold.
inline constexpr double kNoSamples = std::numeric_limits<double>::quiet_NaN();

// Milliseconds; every field is kNoSamples when the histogram is empty (nothing succeeded).
struct LatencySummary {
  double mean = kNoSamples, p50 = kNoSamples, p90 = kNoSamples, p95 = kNoSamples, p99 = kNoSamples,
         p999 = kNoSamples, max = kNoSamples;
  static LatencySummary from(const Histogram& h);
  bool has_samples() const { return !std::isnan(mean); }
};

// {"mean", "p50", "p90", "p95", "p99", "p999", "max"}, as result.json writes every latency summary.
Json latency_json(const LatencySummary& l);

struct ClassResult {
  RequestCounts requests;
  double throughput_rps = 0.0;     // completed requests (ok or failed) per second
  double ok_throughput_rps = 0.0;  // successful requests per second
  LatencySummary latency_ms;
  Histogram histogram;
};

struct StationResult {
  std::uint64_t servers = 0;
  std::string discipline;
  double utilization = 0.0;    // mean busy fraction of the servers
  double mean_queue = 0.0;     // time-average number waiting (not in service)
  double mean_in_system = 0.0; // time-average number present
  std::uint64_t arrivals = 0;
  std::uint64_t completions = 0;
  std::uint64_t rejected = 0;
  double mean_wait_ms = kNoSamples;  // time in queue before service (FCFS); null when none started
  double wait_p95_ms = kNoSamples;
  double wait_p99_ms = kNoSamples;
};

struct Event {
  double t_s = 0.0;
  std::string type;
  std::string target;
  std::optional<double> from;
  std::optional<double> to;
  std::string reason;
};

struct TimeSeries {
  double interval_s = 60.0;
  std::vector<double> t_s;  // start of each interval
  std::map<std::string, std::vector<double>> series;
  // Appends one interval; series absent from `values` get NaN (written as null).
  void ensure(const std::string& name) {
    auto& s = series[name];
    if (s.size() < t_s.size()) s.resize(t_s.size(), std::numeric_limits<double>::quiet_NaN());
  }
};

struct ThresholdVerdict {
  std::string expr;
  double value = 0.0;  // NaN: the metric is null (no samples), and the verdict fails
  bool ok = false;
  std::string detail;  // e.g. the baseline comparison
};

struct Interval95 {
  double low = 0.0;
  double high = 0.0;
};

struct Result {
  std::string schema = kResultSchema;
  std::string kind = "sim";
  std::string scenario;
  std::uint64_t seed = 0;
  std::uint64_t replications = 1;
  double duration_s = 0.0;   // measured span (after warm-up), per replication
  double warmup_s = 0.0;
  RequestCounts requests;    // summed over replications
  double throughput_rps = 0.0;     // completed requests (ok + errors + timeouts) per second
  double ok_throughput_rps = 0.0;  // successful requests per second: what the system served
  LatencySummary latency_ms;
  std::map<std::string, Interval95> latency_ms_ci95;  // when replications >= 2
  // When replications >= 2: 95 % intervals of the per-replication values, keyed by the metric's
  // path in this JSON ("latency_ms.p95", "classes.search.requests.error_rate",
  // "cost.monthly_usd.total"), as the gate reads them.
  std::map<std::string, Interval95> ci95;
  std::map<std::string, ClassResult> classes;
  std::map<std::string, StationResult> stations;
  std::vector<Event> events;
  TimeSeries timeseries;
  std::vector<ThresholdVerdict> thresholds;
  Histogram latency_histogram;
  Json sections = Json::object();  // services, databases, queues, cost, load, ...

  Json to_json() const;
  static Result from_json(const Json& j);  // throws std::runtime_error with the key at fault
};

// Reads/writes a result file. load_result throws std::runtime_error naming the file.
Result load_result(const std::string& path);
void save_result(const Result& r, const std::string& path);

}  // namespace loadcast::reports
