// Http2Engine (TLS, ALPN h2) and H2cEngine (cleartext, prior knowledge): HTTP/2 on nghttp2's
// client session API over Asio — one template over the stream type, like the HTTP/1.1 engines.
// Slots are streams: slot s belongs to connection s / streams (--streams, h2load's -m). A
// connection submits nothing until the server's SETTINGS arrive, so MAX_CONCURRENT_STREAMS caps
// it from the start; it feeds nghttp2 everything already read, then writes its frames in one
// batch. Flow control and header compression are nghttp2's. Each request completes exactly once
// with a cause of outcome.hpp: the status; malformed_response for a header over the limit, a
// field nghttp2 refuses or a bad frame on the connection; reset for RST_STREAM; the deadline's
// timeout (the stream reset with CANCEL). What the server did not process — REFUSED_STREAM,
// streams above a GOAWAY's last-stream-id (no new stream after it; reconnect once the others
// finish) — is re-sent at most twice, and a stream with nothing received on a connection that
// failed after serving is re-sent once (the keep-alive race); all counted in ConnectionEvents.
// The rules in full: docs/load-generator.md#accounting-and-failures. Single-threaded.
#pragma once

#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "loadgen/engine.hpp"
#include "loadgen/plain_stream.hpp"
#include "loadgen/tls_stream.hpp"

struct nghttp2_session_callbacks;
struct nghttp2_option;

namespace loadcast::loadgen {

template <typename Stream>
class BasicHttp2Engine final : public Engine {
 public:
  // `slots` streams in all, `streams` per connection. Throws std::runtime_error when TLS or
  // nghttp2 cannot be set up.
  BasicHttp2Engine(boost::asio::io_context& io, EngineListener& listener, RequestSource source, EngineOptions options,
                   std::vector<boost::asio::ip::tcp::endpoint> endpoints, const StreamSetup& setup, std::size_t slots);
  ~BasicHttp2Engine() override;
  BasicHttp2Engine(const BasicHttp2Engine&) = delete;
  BasicHttp2Engine& operator=(const BasicHttp2Engine&) = delete;

  std::size_t slots() const override { return slot_count_; }
  void preconnect() override;
  std::size_t connecting() const override { return connecting_; }
  std::uint64_t connect_failures() const override { return connect_failures_; }
  std::size_t open_connections() const override;
  void start(std::size_t slot, std::size_t cls, sim::Time intended) override;
  std::size_t busy() const override { return busy_; }
  bool written(std::size_t slot) const override;
  void shutdown() override;
  ConnectionEvents events() const override;

 private:
  struct Prepared;
  class Connection;
  friend class Connection;

  boost::asio::io_context& io_;
  EngineListener& listener_;
  RequestSource source_;
  EngineOptions options_;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints_;
  typename Stream::Context context_;
  std::unique_ptr<char[]> shared_read_;  // Stream::kReadsOnDemand: the one read buffer of all connections
  std::size_t slot_count_ = 0;
  std::size_t streams_ = 1;
  nghttp2_session_callbacks* callbacks_ = nullptr;
  nghttp2_option* option_ = nullptr;
  std::vector<std::unique_ptr<Prepared>> fixed_;  // per class: its request, when it has no parameters
  std::vector<std::unique_ptr<Connection>> connections_;
  std::size_t connecting_ = 0;
  std::size_t busy_ = 0;
  std::uint64_t connect_failures_ = 0;
  std::size_t next_endpoint_ = 0;
  ConnectionEvents events_;
};

using Http2Engine = BasicHttp2Engine<TlsStream>;
using H2cEngine = BasicHttp2Engine<PlainStream>;

extern template class BasicHttp2Engine<TlsStream>;
extern template class BasicHttp2Engine<PlainStream>;

}  // namespace loadcast::loadgen
