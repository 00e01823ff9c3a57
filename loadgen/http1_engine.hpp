// Http1Engine and Https1Engine: HTTP/1.1 on Asio, one keep-alive connection per slot — over
// plain TCP or over TLS. One template over the stream type (PlainStream, TlsStream), so both
// run the same connection code.
//
// Each connection sends pre-serialized requests with a direct non-blocking write (falling back
// to waiting for writability on a short write), sets TCP_NODELAY, and always keeps one read
// pending while open — so a server closing an idle keep-alive connection is noticed at once and
// Asio's edge-triggered reactor never misses data. Responses are judged by the policy of
// http_policy.hpp: each header is delimited by HeaderScanner, rewritten for Beast into one
// buffer the engine's connections share, and parsed with the body by ResponseParser, interim
// 1xx responses skipped; bytes are read into a
// per-connection buffer allocated on first use (bodies are counted, not kept), which keeps an
// idle connection to a few hundred bytes of user memory; over TLS they are decrypted into one
// buffer the engine's connections share, and a connection keeps bytes only while a header is
// incomplete, so a TLS connection costs little more than OpenSSL's state (~14 KB). A
// request on a reused connection that the server closed before sending a byte of the response
// is retried once on a new connection (the keep-alive race every HTTP client handles); any
// other failure completes the request with its Cause — a connection that fails while the
// request is still being written, before any response, is a write error; a failed TLS
// handshake (certificate, name, protocol) or a TLS failure afterwards is a tls_error; the TLS
// handshake counts as connecting (its deadline is a connect timeout) — and closes the
// connection; the next request on that slot reconnects, resuming the TLS session.
// Deadlines use one lazily re-armed timer per connection, so a timer operation happens about
// once per timeout period rather than once per request. Single-threaded (the worker's thread).
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
  std::size_t busy() const override { return busy_; }
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
