// What `loadcast load` does: build the run's LoadConfig — quick mode (one URL, like wrk/wrk2)
// or scenario mode (the scenario's workload with a connection pool sized for its peak rate) —
// check it and its thresholds before any request is sent, run it, and judge the thresholds on
// the result. The command line's shared load options (threads, connections, timeouts...) are
// applied by the caller between building and checking. Throws UsageError for what can be
// refused before the run. Call from one thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/exit_code.hpp"
#include "loadgen/load_config.hpp"
#include "loadgen/load_thresholds.hpp"
#include "loadgen/resource_sampler.hpp"
#include "loadgen/runner.hpp"
#include "scenarios/loader/scenario.hpp"

namespace loadcast::app {

// Quick mode: the one request every arrival sends.
struct QuickRequest {
  std::string url;
  std::string method = "GET";
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
};

// The target (the URL's origin), the label (the whole URL) and the one request class.
loadgen::LoadConfig quick_load(const QuickRequest& request);

// Quick mode's load model.
struct QuickModel {
  std::optional<double> rate;           // open model at this many requests/s in total; none: closed
  std::optional<std::string> arrivals;  // open model: "uniform" (default) or "poisson"
  bool overload_options = false;        // --on-overload or --max-backlog was given (open model only)
};

// Open at `rate`, or closed with one looping user per connection (per HTTP/2 stream), like wrk:
// call after config.connections and the engine's streams are final.
void set_quick_model(loadgen::LoadConfig& config, const QuickModel& model);

// Scenario mode's default pool: enough connections for the peak rate at 250 ms per response
// (assumption: a budget, not a measured latency), 10 to 10,000.
std::uint64_t connection_pool(double peak_rps);

// The scenario's workload, name, duration, warm-up and seed against `target`; the open model's
// pool from connection_pool(). `connections_given`: -c was set, which a closed model refuses
// (every user has its own connection).
loadgen::LoadConfig scenario_load(const scenario::Scenario& sc, const std::string& target, bool connections_given);

// Everything judged before the run: the config (validate()) and the threshold expressions
// against the keys a load result has (loadgen/load_thresholds.hpp).
loadgen::ThresholdPlan check_load(const loadgen::LoadConfig& config, const std::vector<std::string>& scenario_thresholds,
                                  const std::vector<std::string>& explicit_thresholds);

// The proxy libcurl would use for the run's target (http_proxy for http://, https_proxy or
// HTTPS_PROXY for https://, else all_proxy or ALL_PROXY; not when no_proxy/NO_PROXY is * or
// names the host or a domain of it), as a warning when the native engines will connect
// directly instead; empty otherwise. `env` looks a variable up (getenv by default).
std::string ignored_proxy(const loadgen::LoadConfig& config,
                          const std::function<const char*(const char*)>& env = [](const char* n) { return std::getenv(n); });

struct LoadRun {
  loadgen::RunOutput output;  // result.thresholds judged; load.thresholds_not_applicable listed
  Verdict verdict;            // run_failed: no request succeeded, or the counts do not balance
};

// loadgen::run_load() with `samples` read around it (each read once before: a UsageError when
// one cannot be read; readings every 200 ms from before the schedule to after its drain) and
// their series added to the result (loadgen::add_samples). FdLimitError becomes a UsageError.
loadgen::RunOutput run_sampled(const loadgen::LoadConfig& config, const std::atomic<bool>& stop,
                               const std::vector<loadgen::SampleSpec>& samples);

// `samples` (--sample): sources of the target's CPU read during the run
// (loadgen/resource_sampler.hpp); each is read once before the run, and one that cannot be read
// is a UsageError. Their series join the result's (resources.<name>.cpu_vcpu, ...).
LoadRun run_load(const loadgen::LoadConfig& config, const loadgen::ThresholdPlan& thresholds,
                 const std::atomic<bool>& stop, const std::vector<loadgen::SampleSpec>& samples = {});

}  // namespace loadcast::app
