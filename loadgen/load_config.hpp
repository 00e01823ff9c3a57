// LoadConfig: one run of the load generator, as the CLI (quick or scenario mode) builds it.
//
// The workload is the scenario's (workload::WorkloadSpec): open model — a global arrival-rate
// schedule with Poisson or uniform arrivals — or closed model — a global user-count schedule
// with think time. Rates and user counts are totals across threads and shards; `connections`
// is this process's pool for the open model (split over its threads), and each closed-model
// user owns one request slot (a connection, or an HTTP/2 stream). validate() returns every
// problem as a sentence — including a request plan that cannot be built (bad header names,
// methods, framing headers), an unreadable CA file, a start epoch out of range, and h2c on a
// libcurl that cannot reuse h2c connections — and the runner refuses to start with any.
// fingerprint() identifies the run a shard belongs to (what `loadcast merge` compares). Plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/arrivals.hpp"
#include "loadgen/engine.hpp"
#include "loadgen/url.hpp"
#include "reports/result.hpp"
#include "sim/time.hpp"
#include "workload/workload_spec.hpp"

namespace loadcast::loadgen {

enum class OverloadPolicy { kQueue, kDrop };

// Which engine sends the requests: kAuto picks the Asio HTTP/1.1 engine for plain http:// and
// libcurl for https:// or HTTP/2; kCurl forces libcurl for plain HTTP/1.1 too (to compare the
// engines, or for libcurl's behaviour); kHttp1 insists on the Asio engine.
enum class EngineChoice { kAuto, kHttp1, kCurl };

struct LoadConfig {
  Url target;
  workload::WorkloadSpec workload;
  std::string scenario;  // scenario name; empty in quick mode
  std::string label;     // how the target is shown (quick mode: the full URL); default: origin
  sim::Time duration = 10 * sim::kSecond;
  sim::Time warmup = 0;  // requests intended before this are sent but not measured
  std::optional<sim::Time> drain;  // wait for in-flight requests after the schedule; default: timeout
  std::uint64_t threads = 2;
  std::uint64_t connections = 10;
  EngineOptions engine;
  EngineChoice engine_choice = EngineChoice::kAuto;
  OverloadPolicy overload = OverloadPolicy::kQueue;
  std::uint64_t max_backlog = 100000;  // open model, per process
  std::uint64_t seed = 1;
  std::uint64_t shard = 0;
  std::uint64_t shards = 1;
  std::optional<double> start_at;  // Unix epoch seconds at which t = 0 of the schedule falls
  bool use_curl() const { return target.tls() || engine.http2 || engine_choice == EngineChoice::kCurl; }
  // Concurrent requests one connection carries: the HTTP/2 streams, else 1.
  std::uint64_t streams_per_connection() const { return engine.http2 ? engine.streams : 1; }
  sim::Time drain_time() const { return drain.value_or(engine.timeout); }

  std::vector<std::string> validate() const;
  // What identifies the run: seed, model and arrival process, a hash of the rate or user
  // schedule (and think time), configured duration and warm-up, and the request classes
  // (names, and a hash of their weights and HTTP side). Equal for every shard of one run.
  reports::Json fingerprint() const;
};

// Empty when `epoch_s` is usable as --start-at at wall time `now_s`; else a sentence (a
// millisecond epoch gets a hint). See clock.hpp for the limits.
std::string start_at_problem(double epoch_s, double now_s);

}  // namespace loadcast::loadgen
