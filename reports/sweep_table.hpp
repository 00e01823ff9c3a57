// SweepTable: the outcome of a what-if sweep, one row per grid point (latency, errors,
// throughput, monthly cost), and its writers: CSV, Markdown, a self-contained HTML page with a
// cost-against-p95 chart marking the Pareto frontier, and sweep.json (loadcast.sweep/v1) that
// shards write and merge_sweeps() joins.
//
// Pareto frontier: the points no other point beats on both monthly cost and p95 latency (lower
// is better for both; a tie on one needs a strict win on the other). Only points whose error
// rate is at most max_error_rate take part, because a configuration that sheds load looks fast;
// the others are listed but never on the frontier. Points without a cost are not charted.
// Pure data and formatting; thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reports/result.hpp"

namespace loadcast::reports {

inline constexpr const char* kSweepSchema = "loadcast.sweep/v1";

struct SweepPoint {
  std::size_t index = 0;                                   // position in the full grid
  std::vector<std::pair<std::string, std::string>> values;  // path -> value, grid order
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;
  std::optional<Interval95> p95_ci, p99_ci;                // with replications >= 2
  double error_rate = 0;
  double throughput_rps = 0;
  std::uint64_t requests = 0;
  std::optional<double> monthly_usd;
  bool frontier = false;

  // Fills the metrics from a run's result.
  static SweepPoint from_result(const Result& r);
};

struct SweepTable {
  std::string scenario;
  std::vector<std::string> paths;               // grid keys, in --grid order
  std::vector<std::vector<std::string>> grid;   // values per path
  std::size_t total_points = 0;                 // product of the grid sizes
  std::uint64_t seed = 0;
  std::uint64_t replications = 1;
  double max_error_rate = 0.01;
  std::string shard;                            // "i/N" when this is one shard
  std::vector<SweepPoint> points;               // sorted by index

  // Marks frontier points (see above).
  void mark_frontier();

  std::string csv() const;
  std::string markdown() const;
  std::string html() const;
  Json to_json() const;
  static SweepTable from_json(const Json& j);  // throws std::runtime_error naming the key
};

// Joins shard tables of the same sweep (same scenario, grid, seed and replications) into one
// with every point; throws std::runtime_error when they differ or points are missing/duplicated.
SweepTable merge_sweeps(const std::vector<SweepTable>& shards);

}  // namespace loadcast::reports
