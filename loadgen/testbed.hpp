// Testbed: a real HTTP/1.1 server with known queueing behaviour — an M/G/c (FCFS) station whose
// service law is exactly the one written on the command line — the target for tests and for
// validating the simulator against measurements. C worker slots serve requests in FIFO order;
// a service time drawn on arrival from the named stream `stream` of the seed (so naming a
// scenario step's stream, "class.<name>.step.<i>", gives the simulator's very service times)
// is slept on an Asio timer (slots keep their own schedule, so wake-up latency never
// accumulates) or burnt as CPU on one of C threads. Extras: `fail_rate`, a stall, `/health`, and a
// small stateful API (/login, /orders, /orders/{id}: testbed_api.hpp) served through the same
// slots, for user-journey tests.
// Robustness: a connection without a complete request header within `header_timeout` is closed
// (assumption: 10 s, a parameter), and accept() failing (EMFILE/ENFILE) backs off 10 ms doubling
// to 100 ms instead of spinning the event loop.
// Thread safety: construct, then run() on one thread; stop() may be called from any thread.
// Options and behaviour: docs/load-generator.md#the-testbed
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/testbed_api.hpp"
#include "sim/distribution.hpp"
#include "sim/time.hpp"

namespace loadcast::loadgen {

enum class ServiceMode { kSleep, kCpu };

struct TestbedConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (see Testbed::port())
  std::uint64_t workers = 1;
  sim::Distribution service = sim::Distribution::constant(0.0);
  ServiceMode mode = ServiceMode::kSleep;
  double fail_rate = 0.0;
  sim::Time stall_at = 0;
  sim::Time stall_for = 0;  // 0: no stall
  std::uint64_t seed = 1;
  std::string stream = "testbed.service";
  sim::Time header_timeout = 10 * sim::kSecond;
  std::uint64_t orders_kept = TestbedApi::kDefaultOrdersKept;  // the stateful API's order window

  std::vector<std::string> validate() const;
};

// Parses "500ms@3s" into (duration, at); nullopt with `error` set when malformed.
struct StallParse {
  sim::Time duration = 0;
  sim::Time at = 0;
  std::string error;
};
StallParse parse_stall(const std::string& text);

struct TestbedStats {
  std::uint64_t connections = 0;
  std::uint64_t requests = 0;  // served from a slot (health checks excluded)
  std::uint64_t failed = 0;    // answered 500 by fail_rate
  std::uint64_t health = 0;
  std::uint64_t max_queue = 0;
  std::uint64_t bad_requests = 0;
  std::uint64_t header_timeouts = 0;  // connections closed without a complete request header in time
  std::uint64_t accept_errors = 0;    // accept() failures, each followed by a backoff
  std::uint64_t accept_emfile = 0;    // of which: no descriptor (EMFILE/ENFILE)
  // Sleep mode: how late service-end timers fired (ns). A busy or noisy machine shows here;
  // measurements taken while it is large say more about the machine than about the model.
  double wakeup_lag_p99_ns = 0.0;
  std::int64_t wakeup_lag_max_ns = 0;
  ApiStats api;  // the stateful API (/login, /orders): testbed_api.hpp
};

class Testbed {
 public:
  // Binds the listening socket (config.host is an IP address or a name to resolve); throws
  // std::invalid_argument for a host that resolves to nothing, std::runtime_error naming the
  // address when it cannot listen there.
  explicit Testbed(TestbedConfig config);
  ~Testbed();
  Testbed(const Testbed&) = delete;
  Testbed& operator=(const Testbed&) = delete;

  std::uint16_t port() const;
  // Serves until stop() (or `*stop_flag` becomes true, checked every 100 ms).
  void run(const std::atomic<bool>* stop_flag = nullptr);
  void stop();
  TestbedStats stats() const;  // call after run() returned

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loadcast::loadgen
