// ReplicationMerger: folds replications into the loadcast.result/v1 Result one at a time, in
// replication order, so memory does not grow with the number of replications.
//
// Merging is deterministic (replication order, never completion order): counts add, histograms
// add, percentiles come from the merged histogram, station and section numbers are averaged over
// replications, time series are averaged per interval (a per-code count series that a
// replication lacks counts as 0 there), events come from replication 0 (one representative
// timeline). Throughput is per replication. Usage is merged by resource name
// (cost::Usage::merge) and divided by R, so a resource that exists in only some replications (a
// reader added by replica auto scaling) is kept with its mean. Every floating-point sum runs in
// replication order, so folding R replications gives the bits that merging all R at once gave.
// With R >= 2, Result::ci95 holds 95 % Student-t intervals of the per-replication values of
// every metric the gate compares: latency_ms.{mean,p50,p95,p99}, requests.error_rate,
// throughput_rps, the same per class (classes.<name>.latency_ms.p95, ...; a class without
// completions in a replication leaves that replication out) and cost.monthly_usd.total when
// MergeInfo::monthly_cost prices each replication's usage. latency_ms_ci95 keeps the latency
// intervals under their old keys.
//
// Memory: what a replication leaves behind once folded is scalars for the intervals — 7 doubles
// (8 with cost) plus 5 per request class — not its histograms, series or usage. The running
// merge holds one histogram per class and one overall (bounded as reports/histogram.hpp says),
// replication 0's time series and events, and the per-interval sums of the series.
// Not thread safe: run_replications_in_order calls add() from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/core/run_output.hpp"

namespace loadcast::models {

class ReplicationMerger {
 public:
  explicit ReplicationMerger(MergeInfo info);
  ReplicationMerger(ReplicationMerger&&) noexcept;
  ReplicationMerger& operator=(ReplicationMerger&&) noexcept;
  ~ReplicationMerger();

  // Folds the next replication (replication order) into the merge.
  void add(RunOutput run);

  std::size_t replications() const { return replications_; }
  std::uint64_t events_processed() const { return events_processed_; }
  // Each replication's mean latency (ns), in replication order: the precision rule's samples.
  const std::vector<double>& latency_means_ns() const { return latency_means_ns_; }
  // The replications' usage merged and scaled by 1 / R (one replication's as it is); nullopt
  // when the model meters nothing.
  std::optional<cost::Usage> mean_usage() const;

  // The merged Result; the merger is spent afterwards.
  reports::Result finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::size_t replications_ = 0;
  std::uint64_t events_processed_ = 0;
  std::vector<double> latency_means_ns_;
};

}  // namespace loadcast::models
