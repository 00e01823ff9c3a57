// What `loadcast merge` does: join shard outputs exactly, by their schema — the result.json
// files (or output directories) of one distributed load run (loadcast.result/v1,
// loadgen::merge_results: counts and histograms add) or the sweep.json files (or output
// directories) of one sharded sweep (loadcast.sweep/v1, app/sweep.hpp merge_sweep_files).
// Throws UsageError naming the file for what cannot be merged. Call from one thread.
#pragma once

#include <string>
#include <vector>

#include "loadgen/merge.hpp"

namespace loadcast::app {

enum class MergeKind { kLoad, kSweep };

// The schema every path has; throws UsageError for an unreadable file, another schema, or a mix.
MergeKind merge_kind(const std::vector<std::string>& paths);

// The load results at `paths` (a directory stands for its result.json), merged.
loadgen::MergeOutput merge_load_files(const std::vector<std::string>& paths);

// Where a merged sweep is written, as a path without extension: OUT.json gets OUT.csv, .md and
// .html beside it; a directory, or a path without .json, gets OUT/sweep.{json,csv,md,html}.
std::string sweep_output_base(const std::string& out);

}  // namespace loadcast::app
