// LoadConfig: one run of the load generator, as the CLI (quick or scenario mode) builds it.
//
// The workload is the scenario's (workload::WorkloadSpec): open model — a global arrival-rate
// schedule with Poisson or uniform arrivals — or closed model — a global user-count schedule
// with think time. Rates and user counts are totals across threads and shards; `connections`
// is this process's pool for the open model (split over its threads), and each closed-model
// user owns one request slot (a connection, or an HTTP/2 stream). validate() returns every
// problem as a sentence — including a request plan that cannot be built (bad header names,
// methods, framing headers), an unreadable CA file, a start epoch out of range, and h2c through
// a libcurl that cannot reuse h2c connections — and the runner refuses to start with any.
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

// Which engines send the requests: kNative (the default) — HTTP/1.1 over TCP or TLS, HTTP/2
// over TLS (ALPN h2) or cleartext (h2c, prior knowledge), all on Asio, HTTP/2 on nghttp2 — or
// kCurl, libcurl for everything (what the native engines do not do: proxies from the
// environment; and a second implementation to compare with).
enum class EngineChoice { kNative, kCurl };

// The engine a run uses, from the choice, the scheme and --http2.
enum class EngineKind { kHttp1, kHttp1Tls, kHttp2Tls, kH2c, kCurlHttp1, kCurlHttp2 };

// Stable names, written to `load.engine`: http1, http1-tls, http2, h2c, libcurl-http1.1, libcurl-http2.
const char* engine_name(EngineKind kind);

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
  EngineChoice engine_choice = EngineChoice::kNative;
  OverloadPolicy overload = OverloadPolicy::kQueue;
  std::uint64_t max_backlog = 100000;  // open model, per process
  std::uint64_t seed = 1;
  std::uint64_t shard = 0;
  std::uint64_t shards = 1;
  std::optional<double> start_at;  // Unix epoch seconds at which t = 0 of the schedule falls
  bool use_curl() const { return engine_choice == EngineChoice::kCurl; }
  EngineKind engine_kind() const;
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
