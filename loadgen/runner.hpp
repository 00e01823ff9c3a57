// run_load(): one load run from a LoadConfig to a Result.
//
// Resolves the target once, splits the work over `threads` workers (connections or users
// divided evenly; a worker with nothing to do is not started), lets every worker open its
// connections, then starts them all at one instant t0 — now, or the steady time matching
// `--start-at` so that shards on several machines share the schedule's origin — and joins
// them. The workers' metrics are merged exactly into LoadTotals and turned into the result
// (load_result.hpp). `stop` (set from a SIGINT/SIGTERM handler) ends the run early; the partial
// result is still complete and balanced. Throws std::invalid_argument when config.validate()
// finds a problem (start time out of range, bad request plan...) and std::runtime_error for
// setup failures (host not resolvable, libcurl unusable). Call from one thread.
#pragma once

#include <atomic>

#include "loadgen/load_config.hpp"
#include "loadgen/load_result.hpp"
#include "reports/result.hpp"

namespace loadcast::loadgen {

struct RunOutput {
  LoadTotals totals;
  LoadInfo info;
  reports::Result result;
};

RunOutput run_load(const LoadConfig& config, const std::atomic<bool>& stop);

// What a run of `config` is, before it runs (target, model, engine, threads, connections or
// users, schedule's target rate, shard, fingerprint); run_load() fills in the measurements.
LoadInfo describe_run(const LoadConfig& config);
// The result of a run of `config` that measured nothing: every key a real result has, for
// checking threshold expressions before the run.
reports::Result skeleton_result(const LoadConfig& config);

// Peak resident set of this process (VmHWM), KiB; 0 when unavailable.
std::uint64_t peak_rss_kib();

}  // namespace loadcast::loadgen
