// Options shared by `loadcast load` and `loadcast validate`: the flags every load run accepts and
// how they land in the loadgen::LoadConfig that app/load.hpp builds, plus the SIGINT/SIGTERM
// handling that lets a run (or the testbed) stop cleanly and still write its partial result.
// Throws UsageError for bad flags. Not thread safe (called once from main's thread), except
// stop_flag(), which the signal handler sets and the workers read.
#pragma once

#include <atomic>
#include <vector>

#include "cli/args.hpp"
#include "loadgen/load_config.hpp"

namespace loadcast::cli {

// The options every load run accepts (engine, pacing, output, sharding).
std::vector<OptionSpec> load_option_specs();

// Applies the shared options to `config` (threads, connections, timeout, overload, shard...).
void apply_load_options(const Args& args, loadgen::LoadConfig& config);

// Installs SIGINT/SIGTERM handlers that set the flag once (a second signal kills the process).
void install_stop_handlers();
const std::atomic<bool>& stop_flag();

}  // namespace loadcast::cli
