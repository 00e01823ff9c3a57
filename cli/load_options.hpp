// Options shared by `loadcast load` and `loadcast validate`: how the command line (and, in
// scenario mode, the scenario file) becomes a loadgen::LoadConfig, plus the SIGINT/SIGTERM
// handling that lets a run stop cleanly and still write its partial result.
// Throws UsageError for bad flags. Not thread safe (called once from main's thread), except
// stop_flag(), which the signal handler sets and the workers read.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "loadgen/load_config.hpp"
#include "scenarios/loader/scenario.hpp"

namespace loadcast::cli {

// The options every load run accepts (engine, pacing, output, sharding).
std::vector<OptionSpec> load_option_specs();

// Applies the shared options to `config` (threads, connections, timeout, overload, shard...).
void apply_load_options(const Args& args, loadgen::LoadConfig& config);

// Scenario mode: the scenario's workload, duration, seed and name against `target`; `-d`
// overrides the duration and `-c` the open model's connection pool (default: enough for the
// peak rate at 250 ms per response, 10 to 10,000); `-c` with a closed model is a UsageError
// (every user has its own connection).
loadgen::LoadConfig config_from_scenario(const scenario::Scenario& sc, const std::string& target, const Args& args);

// Installs SIGINT/SIGTERM handlers that set the flag once (a second signal kills the process).
void install_stop_handlers();
const std::atomic<bool>& stop_flag();

// The --set PATH=VALUE overrides of scenario mode; throws UsageError.
std::vector<scenario::Override> scenario_overrides(const Args& args);

// "i/N" -> (i, N); throws UsageError.
std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text);

}  // namespace loadcast::cli
