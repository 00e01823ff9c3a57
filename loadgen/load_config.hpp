// LoadConfig: one run of the load generator, as the CLI (quick or scenario mode) builds it.
//
// The workload is the scenario's (sim::WorkloadSpec): open model — a global arrival-rate
// schedule with Poisson or uniform arrivals — or closed model — a global user-count schedule
// with think time. Rates and user counts are totals across threads and shards; `connections`
// is this process's pool for the open model (split over its threads), and each closed-model
// user owns one connection. validate() returns every problem as a sentence; the runner refuses
// to start with any. Plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/arrivals.hpp"
#include "loadgen/engine.hpp"
#include "loadgen/url.hpp"
#include "sim/time.hpp"
#include "sim/workload.hpp"

namespace loadcast::loadgen {

enum class OverloadPolicy { kQueue, kDrop };

struct LoadConfig {
  Url target;
  sim::WorkloadSpec workload;
  std::string scenario;  // scenario name; empty in quick mode
  std::string label;     // how the target is shown (quick mode: the full URL); default: origin
  sim::Time duration = 10 * sim::kSecond;
  sim::Time warmup = 0;  // requests intended before this are sent but not measured
  std::optional<sim::Time> drain;  // wait for in-flight requests after the schedule; default: timeout
  std::uint64_t threads = 2;
  std::uint64_t connections = 10;
  EngineOptions engine;
  OverloadPolicy overload = OverloadPolicy::kQueue;
  std::uint64_t max_backlog = 100000;  // open model, per process
  std::uint64_t seed = 1;
  std::uint64_t shard = 0;
  std::uint64_t shards = 1;
  std::optional<double> start_at;  // Unix epoch seconds at which t = 0 of the schedule falls
  bool use_curl() const { return target.tls() || engine.http2; }
  // Concurrent requests one connection carries: the HTTP/2 streams, else 1.
  std::uint64_t streams_per_connection() const { return engine.http2 ? engine.streams : 1; }

  std::vector<std::string> validate() const;
};

}  // namespace loadcast::loadgen
