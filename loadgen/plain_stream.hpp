// PlainStream: a TCP connection as the native engines use it — the plain half of the stream
// pair the engines are templated on (tls_stream.hpp is the other half, with the same members).
//
// async_connect() connects and then sets TCP_NODELAY and non-blocking mode, so write_some()
// is a direct non-blocking send (would_block when the socket buffer is full) and
// async_wait_write() waits for room. async_read_some() is Asio's own (a speculative read, then
// the reactor), so a read is always pending cheaply while a connection is open. close() drops
// the socket; completions already queued arrive with operation_aborted or are told apart by
// the caller's generation counter. Context is what one engine shares between its streams
// (nothing for plain TCP; certificates and sessions for TLS). Single-threaded.
#pragma once

#include <cstdint>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "loadgen/engine.hpp"

namespace loadcast::loadgen {

class PlainStream {
 public:
  struct Context {
    Context(const EngineOptions&, const StreamSetup&) {}
    std::uint64_t handshakes() const { return 0; }
    std::uint64_t resumed() const { return 0; }
    void stop() {}
  };
  static constexpr bool kTls = false;
  // Asio reads into the buffer when data arrives: each stream needs its own.
  static constexpr bool kReadsOnDemand = false;

  PlainStream(boost::asio::io_context& io, Context&) : socket_(io) {}

  // handler(error_code) once connected (or failed).
  template <typename Handler>
  void async_connect(const boost::asio::ip::tcp::endpoint& ep, Handler&& handler) {
    socket_.async_connect(ep, [this, h = std::forward<Handler>(handler)](const boost::system::error_code& ec) mutable {
      if (!ec) {
        boost::system::error_code ignored;
        socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
        socket_.non_blocking(true, ignored);
      }
      h(ec);
    });
  }

  std::size_t write_some(boost::asio::const_buffer b, boost::system::error_code& ec) { return socket_.write_some(b, ec); }

  // handler(error_code) when write_some() may make progress again.
  template <typename Handler>
  void async_wait_write(Handler&& handler) {
    socket_.async_wait(boost::asio::ip::tcp::socket::wait_write, std::forward<Handler>(handler));
  }

  // handler(error_code, bytes): at least one byte, or an error (eof when the peer closed).
  template <typename Handler>
  void async_read_some(boost::asio::mutable_buffer b, Handler&& handler) {
    socket_.async_read_some(b, std::forward<Handler>(handler));
  }

  // Nothing is known to be waiting without a system call: always would_block (async_read_some's
  // speculative read finds what is there).
  std::size_t read_ready(boost::asio::mutable_buffer, boost::system::error_code& ec) {
    ec = boost::asio::error::would_block;
    return 0;
  }

  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  boost::asio::ip::tcp::socket socket_;
};

}  // namespace loadcast::loadgen
