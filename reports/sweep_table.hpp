// SweepTable: the outcome of a what-if sweep, one row per grid point, and its writers: CSV,
// Markdown, a self-contained HTML page with a chart of the objective against a latency
// percentile marking the Pareto frontier, and sweep.json (loadcast.sweep/v1) that shards write
// and merge_sweeps() joins.
//
// A sweep answers a question: the point with the lowest `minimize` metric (default the monthly
// cost; the event's own cost when the run is shorter than its cost period) among the points
// where every `where` expression holds (the threshold language, on any metric of the point's
// result: a count missing from requests.by_cause/by_status reads as 0) and whose error rate is
// at most max_error_rate (a configuration that sheds load looks fast). answer() says it in one
// sentence, or which point came closest when none qualifies. `columns` are the metrics shown.
//
// Pareto frontier: among the qualifying points, those no other point beats on both the objective
// and the `pareto` latency metric (lower is better for both; a tie on one needs a strict win on
// the other). Points without an objective value are not charted.
// Pure data and formatting; thread safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reports/result.hpp"

namespace loadcast::reports {

inline constexpr const char* kSweepSchema = "loadcast.sweep/v1";
inline constexpr const char* kDefaultObjective = "cost.monthly_usd.total";
inline constexpr const char* kEventObjective = "cost.event_usd.total";
inline constexpr const char* kDefaultPareto = "latency_ms.p95";

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
  // The metrics the sweep asked for (where, minimize, pareto, columns): NaN when null.
  std::map<std::string, double> metrics;
  bool feasible = true;                 // every `where` holds and the error rate is allowed
  std::vector<std::string> violated;    // the `where` expressions that do not hold
  std::size_t bottlenecks = 0;          // findings.bottlenecks of its result
  std::string top_bottleneck;           // the summary of the first one

  // Fills the metrics from a run's result: the fixed ones, and `metrics` for each name given.
  static SweepPoint from_result(const Result& r, const std::vector<std::string>& metrics = {});
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
  std::vector<std::string> where;               // --where expressions
  std::string minimize = kDefaultObjective;     // --minimize
  std::string pareto = kDefaultPareto;          // --pareto
  std::vector<std::string> columns;             // --metrics (empty: the default columns)
  std::vector<SweepPoint> points;               // sorted by index

  // Every metric the points must carry: where's, minimize, pareto and the columns.
  std::vector<std::string> wanted_metrics() const;
  // The columns shown: `columns`, or p95, p99, error rate, ok throughput and the cost columns.
  std::vector<std::string> shown_columns() const;
  // A point's value of `metric` (NaN when it has none).
  double value(const SweepPoint& p, const std::string& metric) const;
  // Sets each point's `feasible` and `violated` from `where` and max_error_rate, then the
  // frontier (see above).
  void judge();
  void mark_frontier();
  // The qualifying point with the lowest objective (ties: the lower pareto metric, then the
  // lower index); nullopt when none qualifies or none has the objective.
  std::optional<std::size_t> best() const;
  // One sentence: the answer, or the closest point when none qualifies.
  std::string answer() const;

  std::string csv() const;
  std::string markdown() const;
  std::string html() const;
  Json to_json() const;
  static SweepTable from_json(const Json& j);  // throws std::runtime_error naming the key
};

// Joins shard tables of the same sweep (same scenario, grid, seed, replications and question)
// into one with every point; throws std::runtime_error when they differ, a point is out of the
// grid, missing (all missing indices listed) or given twice (the point and both of its sources
// named). `sources[k]` names shards[k] in messages (its file); shard labels are used without it.
SweepTable merge_sweeps(const std::vector<SweepTable>& shards, const std::vector<std::string>& sources = {});

}  // namespace loadcast::reports
