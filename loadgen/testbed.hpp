// Testbed: a real HTTP/1.1 server with known queueing behaviour — the target for tests and for
// validating the simulator against measurements.
//
// C worker slots serve requests in arrival (FIFO) order; a request that finds every slot busy
// waits in an unbounded FIFO queue. A request holds its slot for a service time drawn, when it
// arrives, from a distribution (sim::parse_distribution text such as "exp(20ms)") using the
// named stream `stream` of the seed (default "testbed.service"). Sleep mode holds the slot on an
// Asio timer of the server's one event-loop thread (no thread per request; thousands can be in
// service). Slots keep their own schedule: a slot freed by a request whose service was due to
// end at T starts the next queued request at T, not when the timer's wake-up was noticed, so
// wake-up latency (~0.1 ms, more on a busy machine) delays that one response but never
// accumulates into later requests' waits. Cpu mode burns the service time as thread CPU on one
// of C burner threads, so CPU contention shows, like a real service. The testbed is thus an
// M/G/c (FCFS) station whose service law is exactly the one written on the command line.
// Naming the simulator's stream of a scenario step ("class.<name>.step.<i>") and its seed gives
// the testbed the very service times the simulation draws, request for request in arrival
// order: measured and predicted runs then share one sample path (common random numbers).
// Extras: `fail_rate` answers that fraction of requests 500 after their service; a stall
// (DURATION@AT, AT counted from start-up) freezes the server — no service starts, none ends —
// for DURATION; `/health` answers 200 at once without taking a slot. Responses are small
// (Content-Length, keep-alive unless the client asked to close).
// Robustness: a connection that has not sent a complete request header within
// `header_timeout` of the server starting to wait for one (after accepting it, or after the
// previous response) is closed and counted — half-open and abandoned connections do not hold a
// descriptor forever (assumption: 10 s, a parameter; nginx's client_header_timeout is 60 s, ALB's
// idle timeout 60 s — the testbed is short-lived and local, so it frees them sooner). When
// accept() finds no free descriptor (EMFILE/ENFILE) — or fails otherwise — the server stops
// accepting for a backoff (10 ms doubling to 100 ms, reset by the next accepted connection)
// instead of retrying at once: the pending connection keeps the listening socket readable,
// so an immediate retry would spin the event loop at 100 % CPU until a descriptor frees up.
// Thread safety: construct, then run() on one thread; stop() may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
