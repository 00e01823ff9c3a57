// TlsStream: TLS over a TCP connection with OpenSSL — the same members as PlainStream, so the
// native engines are one template over either. TlsContext is what one engine's streams share: a
// Boost.Asio ssl::context (verification on unless --insecure, the system CAs plus --cacert, the
// host checked as a name or an IP), SNI, ALPN offering one protocol, a one-entry session cache
// so reconnects resume (streams are marked shut down before SSL_free, which keeps sessions
// resumable), and a cap of kMaxHandshakes connects under way (a handshake holds ~35 KB).
// OpenSSL reads and writes the socket itself through a small BIO (recv/send, MSG_NOSIGNAL,
// read-ahead) that notes whether the last recv drained the socket: reads are speculative only
// when data may be waiting, else they wait on Asio's edge-triggered reactor. Reads happen when
// the handler is about to run (kReadsOnDemand), so an engine may give all its streams one
// buffer. asio::ssl::stream is not used: four 17 KiB buffers per stream and a copy of every
// byte (docs/load-generator.md#engines has the measurements). Errors: a failed handshake, an
// ALPN refusal, a TLS failure afterwards are tls_category() codes (tls_error); a peer closing,
// with or without close_notify, is eof; a reset is its errno. Single-threaded.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>

#include "loadgen/engine.hpp"

namespace loadcast::loadgen {

enum class TlsErrc {
  kHandshake = 1,  // the handshake failed: certificate not trusted or wrong name, protocol mismatch, ...
  kAlpn,           // the server did not agree to the one protocol offered by ALPN
  kProtocol,       // a TLS failure after the handshake (bad record, unexpected message)
};
const boost::system::error_category& tls_category();
boost::system::error_code make_error_code(TlsErrc e);
inline bool is_tls_error(const boost::system::error_code& ec) { return ec.category() == tls_category(); }

// What the socket BIO tells the stream about its last system call.
struct SocketState {
  int fd = -1;
  bool drained = false;  // the last recv returned less than asked (or would block): the socket is empty
  int error = 0;         // errno of a failed recv/send
};

class TlsStream;

class TlsContext {
 public:
  // Connects (TCP and TLS handshake) in flight at once per engine; the others wait their turn.
  static constexpr std::size_t kMaxHandshakes = 128;

  // Throws std::runtime_error when the CA file cannot be loaded.
  TlsContext(const EngineOptions& options, const StreamSetup& setup);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // A client SSL on `state`'s socket, offering the cached session.
  SSL* open(SocketState& state);
  // Counts the handshake and checks the protocol ALPN chose.
  boost::system::error_code finish_handshake(SSL* ssl);
  std::uint64_t handshakes() const { return handshakes_; }
  std::uint64_t resumed() const { return resumed_; }

  // Handshake admission (kMaxHandshakes): a stream enrolls once; admit() says whether its
  // connect may start now, else it is queued and TlsStream::admitted() is called later;
  // release() ends an admitted connect. After stop() nothing queued is started.
  std::size_t enroll(TlsStream* stream);
  void leave(std::size_t index) { streams_[index] = nullptr; }
  bool admit(std::size_t index, std::uint32_t gen);
  void release();
  void stop() { stopped_ = true; }

 private:
  static int on_new_session(SSL* ssl, SSL_SESSION* session);

  boost::asio::ssl::context ctx_;
  std::string sni_;   // empty for IP literals (RFC 6066 section 3)
  std::string alpn_;  // the protocol offered, e.g. "h2"
  bool alpn_required_ = false;
  SSL_SESSION* session_ = nullptr;
  std::uint64_t handshakes_ = 0;
  std::uint64_t resumed_ = 0;
  std::vector<TlsStream*> streams_;                           // by enrolment index (null: gone)
  std::deque<std::pair<std::size_t, std::uint32_t>> waiting_;  // index and generation of each queued connect
  std::size_t in_flight_ = 0;
  bool stopped_ = false;
};

class TlsStream {
 public:
  using Context = TlsContext;
  static constexpr bool kTls = true;
  static constexpr bool kReadsOnDemand = true;

  TlsStream(boost::asio::io_context& io, Context& context)
      : socket_(io), context_(context), index_(context.enroll(this)) {}
  ~TlsStream() {
    close();
    context_.leave(index_);
  }
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  // handler(error_code) once connected and the handshake is done (or either failed); waits
  // for its turn first when kMaxHandshakes connects are under way.
  template <typename Handler>
  void async_connect(const boost::asio::ip::tcp::endpoint& ep, Handler&& handler) {
    if (!context_.admit(index_, gen_)) {
      queued_endpoint_ = ep;
      queued_handler_ = std::forward<Handler>(handler);
      return;
    }
    connect_now(ep, std::forward<Handler>(handler));
  }

  // The context's turn for a queued connect.
  void admitted() {
    auto handler = std::move(queued_handler_);
    queued_handler_ = nullptr;
    connect_now(queued_endpoint_, std::move(handler));
  }
  std::uint32_t generation() const { return gen_; }

  std::size_t write_some(boost::asio::const_buffer b, boost::system::error_code& ec);

  template <typename Handler>
  void async_wait_write(Handler&& handler) {
    socket_.async_wait(write_wants_read_ ? kWaitRead : kWaitWrite,
                       [this, gen = gen_, h = std::forward<Handler>(handler)](const boost::system::error_code& ec) mutable {
                         h(gen != gen_ ? boost::system::error_code(boost::asio::error::operation_aborted) : ec);
                       });
  }

  // handler(error_code, bytes). Bytes are read into `b` when the handler is about to run, so
  // `b` may be shared with other streams whose handlers run synchronously.
  template <typename Handler>
  void async_read_some(boost::asio::mutable_buffer b, Handler&& handler) {
    if (!readable_now()) return wait_read(b, std::forward<Handler>(handler));
    boost::asio::post(socket_.get_executor(), [this, b, gen = gen_, h = std::forward<Handler>(handler)]() mutable {
      if (gen != gen_) return h(boost::system::error_code(boost::asio::error::operation_aborted), 0);
      read_into(b, std::move(h));
    });
  }

  // What can be read now without waiting: bytes, or would_block when the socket is known empty
  // and OpenSSL holds nothing (then async_read_some waits).
  std::size_t read_ready(boost::asio::mutable_buffer b, boost::system::error_code& ec) {
    if (readable_now()) return read_some(b, ec);
    ec = boost::asio::error::would_block;
    return 0;
  }

  void close();

 private:
  static constexpr auto kWaitRead = boost::asio::ip::tcp::socket::wait_read;
  static constexpr auto kWaitWrite = boost::asio::ip::tcp::socket::wait_write;

  bool readable_now() const { return ssl_ != nullptr && (!state_.drained || SSL_has_pending(ssl_) == 1); }
  void start();
  void end_admission() {
    if (!admitted_) return;
    admitted_ = false;
    context_.release();
  }

  template <typename Handler>
  void connect_now(const boost::asio::ip::tcp::endpoint& ep, Handler&& handler) {
    admitted_ = true;
    socket_.async_connect(ep, [this, gen = gen_, h = std::forward<Handler>(handler)](
                                  const boost::system::error_code& ec) mutable {
      if (gen != gen_) return h(boost::system::error_code(boost::asio::error::operation_aborted));
      if (ec) {
        end_admission();
        return h(ec);
      }
      start();
      handshake(std::move(h));
    });
  }

  // SSL_read once: bytes, or would_block (then read_wants_write_ says which way to wait).
  std::size_t read_some(boost::asio::mutable_buffer b, boost::system::error_code& ec);
  boost::system::error_code failure(int ssl_error);

  template <typename Handler>
  void handshake(Handler&& h) {
    const int r = SSL_do_handshake(ssl_);
    if (r == 1) {
      end_admission();
      return h(context_.finish_handshake(ssl_));
    }
    const int e = SSL_get_error(ssl_, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
      const auto ec = failure(e);
      end_admission();
      return h(ec);
    }
    socket_.async_wait(e == SSL_ERROR_WANT_READ ? kWaitRead : kWaitWrite,
                       [this, gen = gen_, h = std::forward<Handler>(h)](const boost::system::error_code& ec) mutable {
                         if (gen != gen_) return h(boost::system::error_code(boost::asio::error::operation_aborted));
                         if (ec) return h(ec);
                         handshake(std::move(h));
                       });
  }

  template <typename Handler>
  void wait_read(boost::asio::mutable_buffer b, Handler&& handler) {
    socket_.async_wait(read_wants_write_ ? kWaitWrite : kWaitRead,
                       [this, b, gen = gen_, h = std::forward<Handler>(handler)](const boost::system::error_code& ec) mutable {
                         if (gen != gen_) return h(boost::system::error_code(boost::asio::error::operation_aborted), 0);
                         if (ec) return h(ec, 0);
                         read_into(b, std::move(h));
                       });
  }

  template <typename Handler>
  void read_into(boost::asio::mutable_buffer b, Handler&& h) {
    boost::system::error_code ec;
    const std::size_t n = read_some(b, ec);
    // Only handshake messages (a TLS 1.3 session ticket) arrived: wait on.
    if (ec == boost::asio::error::would_block) return wait_read(b, std::forward<Handler>(h));
    h(ec, n);
  }

  boost::asio::ip::tcp::socket socket_;
  Context& context_;
  std::size_t index_;
  SSL* ssl_ = nullptr;
  SocketState state_;
  std::uint32_t gen_ = 0;
  bool admitted_ = false;  // a connect of this stream holds one of the context's handshake turns
  boost::asio::ip::tcp::endpoint queued_endpoint_;
  std::function<void(const boost::system::error_code&)> queued_handler_;
  bool read_wants_write_ = false;
  bool write_wants_read_ = false;
};

}  // namespace loadcast::loadgen

template <>
struct boost::system::is_error_code_enum<loadcast::loadgen::TlsErrc> : std::true_type {};
