// RunOutput: what one replication produced. ReplicationMerger (models/core/replication_merger.hpp)
// folds them, one at a time in replication order, into the loadcast.result/v1 Result and the
// mean of their typed cost::Usage, which travels beside the Result until the result file is
// written (cost/usage_json.hpp); merge_replications() and mean_usage() fold a whole vector.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cost/usage.hpp"
#include "reports/histogram.hpp"
#include "reports/result.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

// Names of the system-wide series (stable: reports and gates read them). `http_5xx` and the
// per-code `http_500`, `http_502`, ... are counts of responses in the interval (not rates); a
// per-code series exists only for codes that occurred in the run (zero in its other intervals).
namespace series {
inline constexpr const char* kRequestsPerS = "requests_per_s";
inline constexpr const char* kArrivalsPerS = "arrivals_per_s";
inline constexpr const char* kLatencyMean = "latency_mean_ms";
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
  // What the run metered for its bill; nullopt when no component meters (stations only).
  std::optional<cost::Usage> usage;
  double measured_s = 0.0;  // duration minus warm-up
  std::uint64_t events_processed = 0;

  // The usage a component adds its meters to in finish(): started by the first one to ask,
  // metered from 0 to `end` (the end of the run). Each component adds its own records, so their
  // order in the usage lists is the order the components finish.
  cost::Usage& metered_usage(sim::Time end);
};

struct MergeInfo {
  std::string scenario;
  std::uint64_t seed = 0;
  double warmup_s = 0.0;
  // Prices one replication's usage (the monthly total), for the interval of
  // cost.monthly_usd.total; nullopt when it cannot be priced. Unset: no cost interval.
  std::function<std::optional<double>(const cost::Usage& usage)> monthly_cost;
};

// Folds `runs` (moved from) through a ReplicationMerger.
reports::Result merge_replications(std::vector<RunOutput>& runs, const MergeInfo& info);

// The replications' usage merged in replication order and scaled by 1 / R (one replication's is
// returned as it is); nullopt when the model meters nothing. Every replication runs the same
// model, so either all have a usage or none has.
std::optional<cost::Usage> mean_usage(const std::vector<RunOutput>& runs);

}  // namespace loadcast::models
