// RunOutput: what one replication produced; merge_replications() turns R of them into the
// loadcast.result/v1 Result.
//
// Merging is deterministic (replication order, never completion order): counts add, histograms
// add, percentiles come from the merged histogram, 95 % Student-t intervals across the
// per-replication means and percentiles (R >= 2), station and section numbers are averaged over
// replications, time series are averaged per interval (a per-code count series that a
// replication lacks counts as 0 there), events come from replication 0 (one representative
// timeline). Throughput is per replication.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "reports/histogram.hpp"
#include "reports/result.hpp"

namespace loadcast::models {

// Names of the system-wide series (stable: reports and gates read them). `http_5xx` and the
// per-code `http_500`, `http_502`, ... are counts of responses in the interval (not rates); a
// per-code series exists only for codes that occurred in the run (zero in its other intervals).
namespace series {
inline constexpr const char* kRequestsPerS = "requests_per_s";
inline constexpr const char* kArrivalsPerS = "arrivals_per_s";
inline constexpr const char* kLatencyP50 = "latency_p50_ms";
inline constexpr const char* kLatencyP95 = "latency_p95_ms";
inline constexpr const char* kLatencyP99 = "latency_p99_ms";
inline constexpr const char* kErrorsPerS = "errors_per_s";
inline constexpr const char* kHttp5xx = "http_5xx";
inline std::string http_status(int code) { return "http_" + std::to_string(code); }
// A series counting events per interval: a replication without it had none (0, not unknown).
inline bool is_status_count(const std::string& name) { return name.size() == 8 && name.rfind("http_5", 0) == 0 && name != kHttp5xx; }
}  // namespace series

struct ClassRun {
  std::string name;
  reports::RequestCounts requests;
  reports::Histogram latency;
};

struct RunOutput {
  reports::RequestCounts requests;
  reports::Histogram latency;
  std::vector<ClassRun> classes;
  std::map<std::string, reports::StationResult> stations;
  reports::TimeSeries timeseries;
  std::vector<reports::Event> events;
  reports::Json sections = reports::Json::object();
  double measured_s = 0.0;  // duration minus warm-up
  std::uint64_t events_processed = 0;
};

struct MergeInfo {
  std::string scenario;
  std::uint64_t seed = 0;
  double warmup_s = 0.0;
};

reports::Result merge_replications(std::vector<RunOutput>& runs, const MergeInfo& info);

}  // namespace loadcast::models
