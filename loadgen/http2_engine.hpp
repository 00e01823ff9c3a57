// Http2Engine (TLS, ALPN h2) and H2cEngine (cleartext, prior knowledge): HTTP/2 on nghttp2's
// client session API over Asio — one template over the stream type, like the HTTP/1.1 engines.
//
// Slots are streams: slot s belongs to connection s / streams (`--streams`, like h2load's -m),
// so a connection never carries more requests than it has slots. A connection opens (TCP, then
// TLS), sends the preface with SETTINGS (no push, 1 GiB stream and connection windows, the
// header limit as MAX_HEADER_LIST_SIZE) and submits nothing until the server's SETTINGS
// arrive, so its MAX_CONCURRENT_STREAMS caps the streams from the first request (nghttp2 queues
// requests over the cap until a stream closes). Frames are produced with mem_send into one
// write batch per turn of the loop (16 KiB, one write — one TLS record — for many streams'
// frames), and received data goes to mem_recv; flow control (windows, WINDOW_UPDATE) and header
// compression are nghttp2's; request bodies go out as the server's windows allow.
// Outcomes, each request completed exactly once (the accounting invariant):
// - a stream that ends with its response complete: the status decides (cause_of_status);
// - over the header limit or a field nghttp2's HTTP checks refuse (response_parser.hpp): we
//   reset the stream, malformed_response; a connection-level protocol error (a bad frame):
//   every open stream of that connection is malformed_response and the connection is dropped;
// - RST_STREAM from the server: REFUSED_STREAM is retried (the server did not process it),
//   any other code is `reset`;
// - GOAWAY: no new streams on that connection; streams above its last-stream-id were not
//   processed and are retried on a new connection, counted as unprocessed; streams at or below
//   it finish; the connection reconnects once its last stream is done;
// - the connection failing (reset, close, TLS failure): its open streams fail with `reset`
//   (`write_error` if the request was not all sent; `tls_error`), except those with nothing
//   received on a connection that already served a response and not covered by a GOAWAY — the
//   keep-alive race — which are retried once; requests waiting for a connection that fails
//   before it was usable fail with the connect cause;
// - the deadline: a connect timeout while waiting for a usable connection, else a read timeout
//   (the stream is reset with CANCEL); one lazily re-armed timer per connection.
// A request is re-sent at most twice for a refusal or GOAWAY; retries are counted
// (ConnectionEvents). Single-threaded (the worker's thread).
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
