// Http1Engine and Https1Engine: HTTP/1.1 on Asio, one keep-alive connection per slot — over
// plain TCP or over TLS, one template over the stream type (PlainStream, TlsStream). Each
// connection writes pre-serialized requests with a direct non-blocking write, sets TCP_NODELAY
// and keeps one read pending while open (an idle keep-alive close is noticed at once, and Asio's
// edge-triggered reactor never misses data); buffers are allocated on first use and TLS
// connections share one decryption buffer. A request on a reused connection that the server
// closed before a byte of the response is retried once on a new connection; any other failure
// completes the request with its Cause (the TLS handshake counts as connecting) and closes the
// connection. Responses are judged by http_policy.hpp: HeaderScanner delimits each header, which
// ResponseParser parses with the body, interim 1xx responses skipped. One lazily re-armed
// deadline timer per connection. Single-threaded (the worker's).
// Design and failure causes: docs/load-generator.md#engines and
// docs/load-generator.md#accounting-and-failures
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "loadgen/engine.hpp"
#include "loadgen/plain_stream.hpp"
#include "loadgen/tls_stream.hpp"

namespace loadcast::loadgen {

template <typename Stream>
class BasicHttp1Engine final : public Engine {
 public:
  // Throws std::runtime_error when TLS cannot be set up (an unreadable --cacert).
  BasicHttp1Engine(boost::asio::io_context& io, EngineListener& listener, RequestSource source, EngineOptions options,
                   std::vector<boost::asio::ip::tcp::endpoint> endpoints, const StreamSetup& setup, std::size_t slots);
  ~BasicHttp1Engine() override;

  std::size_t slots() const override;
  void preconnect() override;
  std::size_t connecting() const override { return connecting_; }
  std::uint64_t connect_failures() const override { return connect_failures_; }
  std::size_t open_connections() const override;
  void start(std::size_t slot, std::size_t cls, sim::Time intended) override;
  bool runs_flows() const override { return true; }
  void start_prepared(std::size_t slot, std::size_t cls, sim::Time intended, std::string_view request,
                      bool capture) override;
  std::size_t busy() const override { return busy_; }
  bool written(std::size_t slot) const override;
  void shutdown() override;
  ConnectionEvents events() const override;

 private:
  class Connection;
  friend class Connection;

  boost::asio::io_context& io_;
  EngineListener& listener_;
  RequestSource source_;
  EngineOptions options_;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints_;
  typename Stream::Context context_;
  std::unique_ptr<char[]> shared_read_;  // Stream::kReadsOnDemand: the one read buffer of all connections
  std::string header_scratch_;           // a complete response header rewritten for Beast, shared by all connections
  std::vector<std::unique_ptr<Connection>> connections_;
  std::size_t connecting_ = 0;
  std::size_t busy_ = 0;
  std::uint64_t connect_failures_ = 0;
  std::size_t next_endpoint_ = 0;
  ConnectionEvents events_;
};

using Http1Engine = BasicHttp1Engine<PlainStream>;
using Https1Engine = BasicHttp1Engine<TlsStream>;

extern template class BasicHttp1Engine<PlainStream>;
extern template class BasicHttp1Engine<TlsStream>;

}  // namespace loadcast::loadgen
