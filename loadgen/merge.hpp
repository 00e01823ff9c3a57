// merge_results(): combine the results of shards of one distributed load run exactly.
//
// Shards of a run are the `--shard i/N` slices of one schedule started at one `--start-at`
// epoch. Their counts add, their histograms (per class, uncorrected, timer and loop lag, and
// one per second) add bucket by bucket, so the merged percentiles and per-second series are
// those of the whole run — never averages of percentiles. Refuses (std::invalid_argument with
// the file at fault) to merge results that are not load results, come from different runs
// (scenario, target, model, shard count, start epoch or the run fingerprint — seed, arrival
// process, schedule, duration, warm-up, request classes — differ), repeat a shard or carry a
// shard index not below the shard count; merging a subset of the shards is allowed: `warnings`
// names the missing indices, and the result records them (load.shard.missing, always written,
// empty when every shard is there; load.merge_warnings). Pure function; thread safe.
#pragma once

#include <string>
#include <vector>

#include "loadgen/load_result.hpp"
#include "reports/result.hpp"

namespace loadcast::loadgen {

struct NamedResult {
  std::string name;  // file name, for messages
  reports::Result result;
};

struct MergeOutput {
  reports::Result result;
  LoadInfo info;
  std::vector<std::string> warnings;
};

MergeOutput merge_results(const std::vector<NamedResult>& inputs);

}  // namespace loadcast::loadgen
