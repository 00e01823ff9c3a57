// Engine: the protocol side of a worker, behind a small interface (h2load's Session idea).
//
// An engine owns `slots()` request slots — connections for the HTTP/1.1 engine, transfer
// handles for the libcurl engine — on the worker's io_context. The worker starts a request on
// an idle slot; the engine renders it from the RequestSource, sends it, enforces the deadline
// and reports exactly one Completion per started request through EngineListener::on_complete,
// after which the slot is idle again (the listener may start the next request from inside the
// callback). Failures are classified (outcome.hpp), never thrown. shutdown() abandons
// in-flight requests without callbacks; busy() tells the worker how many that were.
// Single-threaded: every call happens on the worker's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "loadgen/outcome.hpp"
#include "loadgen/request_plan.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace loadcast::loadgen {

// Where an engine gets the bytes of a request: the shared plan plus the worker's own cursor and
// random stream.
struct RequestSource {
  const RequestPlan* plan = nullptr;
  PlanCursor* cursor = nullptr;
  sim::Rng* rng = nullptr;
};

struct EngineOptions {
  sim::Time timeout = 10 * sim::kSecond;  // per request, from the moment it is started
  std::uint32_t header_limit = 64 * 1024;  // response header bytes
  bool http2 = false;                      // libcurl engine: negotiate HTTP/2
  bool insecure = false;                   // libcurl engine: skip TLS verification
  std::string cacert;                      // libcurl engine: extra CA bundle (PEM file)
  std::uint64_t streams = 1;               // libcurl engine, HTTP/2: streams per connection
};

class EngineListener {
 public:
  virtual void on_complete(std::size_t slot, std::size_t cls, sim::Time intended, const Completion& c) = 0;

 protected:
  ~EngineListener() = default;
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::size_t slots() const = 0;
  // Opens connections ahead of the run where the protocol allows it; connecting() falls to 0
  // when every attempt has finished. Failures here are not requests and are only counted.
  virtual void preconnect() = 0;
  virtual std::size_t connecting() const = 0;
  virtual std::uint64_t connect_failures() const = 0;
  virtual std::size_t open_connections() const = 0;
  // Starts a request of class `cls` on idle slot `slot`; `intended` is its intended send time.
  virtual void start(std::size_t slot, std::size_t cls, sim::Time intended) = 0;
  virtual std::size_t busy() const = 0;
  virtual void shutdown() = 0;
};

}  // namespace loadcast::loadgen
