// Engine: the protocol side of a worker, behind a small interface (h2load's Session idea).
//
// An engine owns `slots()` request slots — connections for the HTTP/1.1 engines (plain and
// TLS), streams of a connection for the HTTP/2 engine (slot s on connection s / streams),
// transfer handles for the libcurl engine — on the worker's io_context. The worker starts a request on
// an idle slot; the engine renders it from the RequestSource, sends it, enforces the deadline
// and reports exactly one Completion per started request through EngineListener::on_complete,
// after which the slot is idle again (the listener may start the next request from inside the
// callback). Failures are classified (outcome.hpp), never thrown. shutdown() abandons
// in-flight requests without callbacks; busy() tells the worker how many that were.
// Single-threaded: every call happens on the worker's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>

#include "loadgen/http_policy.hpp"
#include "loadgen/outcome.hpp"
#include "loadgen/request_plan.hpp"
#include "reports/field_list.hpp"
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
  std::uint32_t header_limit = kHeaderLimit;  // response header bytes (http_policy.hpp says how they count)
  bool http2 = false;                      // HTTP/2: ALPN h2 over TLS, prior knowledge (h2c) over http://
  bool insecure = false;                   // TLS: skip certificate verification
  std::string cacert;                      // TLS: extra CA certificates (PEM file)
  std::uint64_t streams = 1;               // HTTP/2: concurrent streams per connection
};

// What the connections of one native engine share: the name TLS checks and how ALPN is used.
struct StreamSetup {
  std::string host;             // SNI (host names only) and the name the certificate must carry
  std::string alpn;             // TLS: the one protocol offered ("http/1.1" or "h2")
  bool alpn_required = false;   // TLS: fail the handshake unless the server picks `alpn`
  std::size_t connections = 0;  // connections the engine holds (TLS trades CPU for memory above a few hundred)
};

// Connection-level events of a run, summed over engines and shards.
struct ConnectionEvents {
  std::uint64_t connects = 0;             // connections established (TCP, and TLS when used)
  std::uint64_t tls_handshakes = 0;       // completed TLS handshakes
  std::uint64_t tls_resumed = 0;          // of which resumed a cached session
  std::uint64_t goaways = 0;              // HTTP/2 GOAWAY frames received
  std::uint64_t streams_refused = 0;      // HTTP/2 streams reset with REFUSED_STREAM
  std::uint64_t streams_unprocessed = 0;  // HTTP/2 streams above a GOAWAY's last-stream-id
  std::uint64_t retries = 0;              // requests re-sent (not processed, or the keep-alive race)

  void add(const ConnectionEvents& o);
};

// The fields of ConnectionEvents, in the order `load.connection_events` lists them.
inline constexpr auto kConnectionEventFields = std::tuple{
    reports::field("connects", &ConnectionEvents::connects),
    reports::field("tls_handshakes", &ConnectionEvents::tls_handshakes),
    reports::field("tls_resumed", &ConnectionEvents::tls_resumed),
    reports::field("goaways", &ConnectionEvents::goaways),
    reports::field("streams_refused", &ConnectionEvents::streams_refused),
    reports::field("streams_unprocessed", &ConnectionEvents::streams_unprocessed),
    reports::field("retries", &ConnectionEvents::retries)};

inline void ConnectionEvents::add(const ConnectionEvents& o) {
  reports::for_each_field(kConnectionEventFields, [&](const auto& f) { this->*f.member += o.*f.member; });
}

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
  // Flows (workload.flows): whether this engine runs them (start_prepared()); the runner
  // refuses a scenario with flows on an engine that does not.
  virtual bool runs_flows() const { return false; }
  // Starts a request of class `cls` whose HTTP/1.1 bytes the caller rendered (`request` stays
  // valid until its completion); with `capture`, the Completion carries the response.
  virtual void start_prepared(std::size_t /*slot*/, std::size_t /*cls*/, sim::Time /*intended*/,
                              std::string_view /*request*/, bool /*capture*/) {
    throw std::logic_error("this engine does not run flows (the runner refuses them first)");
  }
  virtual std::size_t busy() const = 0;
  // Whether the request started on `slot` (still unfinished) has been written to a socket; one
  // still waiting for its connection has not, and is no request in flight when the run stops.
  virtual bool written(std::size_t slot) const = 0;
  virtual void shutdown() = 0;
  virtual ConnectionEvents events() const { return {}; }
};

}  // namespace loadcast::loadgen
