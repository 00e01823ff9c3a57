// What-if sweeps (`loadcast sweep`): a grid of scenario overrides
// (`--grid services.web.autoscaling.min=1,2,4`), every combination simulated and summarised in
// a SweepTable (reports/sweep_table.hpp), written with one result per point.
//
// The grid is the cartesian product of the axes in the order given, the last axis varying
// fastest; point k of the full grid is the same on every machine, and shard i of N runs the
// points with k % N == i (0-based, like `loadcast load --shard`), so shards can run anywhere and
// merge exactly. Every point uses the same seed (common random numbers: differences between
// points come from the configuration, not from the draw). Points run in parallel; each point's
// result is independent of the thread count, so the table is deterministic.
// Every point of the shard is loaded and validated before any runs: one bad value stops the
// sweep with every problem reported (scenario::LoadError), each prefixed by its point; so is the
// question (--where, --minimize, --pareto, --metrics), against a short run of the first point.
// Each point's result carries its findings; the table its answer.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "app/simulate.hpp"
#include "reports/result.hpp"
#include "reports/sweep_table.hpp"
#include "scenarios/loader/scenario.hpp"

namespace loadcast::app {

struct GridAxis {
  std::string path;
  std::vector<std::string> values;
};

// "path=v1,v2,..." with commas inside (), [] or {} kept in the value, e.g.
// "workload.requests[0].steps[0].service=exp(1ms),lognormal(mean=2ms, p99=9ms)".
// Throws std::invalid_argument with a sentence when malformed.
GridAxis parse_grid(const std::string& text);
// Every `--grid` text in order; throws UsageError("--grid <reason>") at the first malformed one.
std::vector<GridAxis> parse_grids(const std::vector<std::string>& texts);

std::size_t grid_size(const std::vector<GridAxis>& axes);
// The assignments of point `index` (0 <= index < grid_size).
std::vector<std::pair<std::string, std::string>> grid_point(const std::vector<GridAxis>& axes, std::size_t index);

struct SweepOptions {
  std::vector<scenario::Override> base;  // --set overrides applied to every point
  std::vector<GridAxis> axes;
  SimOptions sim;              // seed, replications, duration; `threads` is the sweep's thread budget
  std::size_t shard = 0;
  std::size_t shards = 1;
  double max_error_rate = 0.01;
  // The question (reports/sweep_table.hpp): --where expressions every answer must satisfy, the
  // metric to minimize (empty: the monthly cost, or the event's own cost when the run is
  // shorter than its cost period), the latency metric of the Pareto frontier, and the columns.
  std::vector<std::string> where;
  std::string minimize;
  std::string pareto = reports::kDefaultPareto;
  std::vector<std::string> columns;
};

struct SweepRun {
  reports::SweepTable table;
  std::vector<reports::Result> results;  // parallel to table.points
};

inline constexpr std::size_t kMaxSweepPoints = 100000;

// Throws UsageError before anything runs when a --where is malformed or a metric of the question
// is not one a result of the scenario has (with the metric meant, as thresholds do).
SweepRun run_sweep(const std::string& scenario_path, const SweepOptions& options);

// DIR/sweep.{json,csv,md,html} and DIR/points/<k>.json, the result of each point.
void write_sweep_run(const SweepRun& run, const std::string& dir);

// The sweep.json files (or output directories) of the shards of one sweep, joined into the table
// of the whole grid (reports::merge_sweeps); throws UsageError naming the file or the mismatch.
reports::SweepTable merge_sweep_files(const std::vector<std::string>& paths);

}  // namespace loadcast::app
