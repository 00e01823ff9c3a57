#include "loadgen/http1_engine.hpp"

#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "loadgen/clock.hpp"
#include "loadgen/http_policy.hpp"
#include "loadgen/response_parser.hpp"
#include "loadgen/stream_errors.hpp"

namespace loadcast::loadgen {

namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kReadChunk = 8 * 1024;

}  // namespace

template <typename Stream>
class BasicHttp1Engine<Stream>::Connection {
 public:
  Connection(BasicHttp1Engine& engine, std::size_t slot)
      : engine_(engine), slot_(slot), stream_(engine.io_, engine.context_), timer_(engine.io_) {}

  bool busy() const { return busy_; }
  // send() ran for the current request: its bytes went (or are going) to a socket.
  bool written() const { return busy_ && sent_ > 0; }
  bool open() const { return phase_ != Phase::kClosed && phase_ != Phase::kConnecting; }

  void preconnect() {
    if (phase_ == Phase::kClosed && !busy_) connect();
  }

  void start(std::size_t cls, sim::Time intended) {
    const auto& src = engine_.source_;
    start_bytes(cls, intended, src.plan->http1(cls, *src.cursor, *src.rng, scratch_), false);
  }

  // `bytes` stay valid until the request completes (this connection's scratch, the plan's
  // prebuilt string, or the caller's buffer for a flow step).
  void start_bytes(std::size_t cls, sim::Time intended, std::string_view bytes, bool capture) {
    busy_ = true;
    ++engine_.busy_;
    cls_ = cls;
    intended_ = intended;
    retried_ = false;
    sent_ = 0;
    bytes_ = 0;
    capture_ = capture;
    const auto& src = engine_.source_;
    out_ = bytes;
    head_ = src.plan->at(cls).head;
    expect_status_ = src.plan->at(cls).expect_status;
    deadline_ = steady_now() + engine_.options_.timeout;
    arm_timer();
    if (phase_ == Phase::kIdle) send();
    else if (phase_ == Phase::kClosed) connect();
    // kConnecting: a preconnect is under way; on_connect sends.
  }

  void shutdown() {
    timer_.cancel();
    close();
    if (busy_) {
      busy_ = false;
      --engine_.busy_;
    }
  }

 private:
  enum class Phase { kClosed, kConnecting, kIdle, kWriting, kWaiting };

  void connect() {
    phase_ = Phase::kConnecting;
    ++engine_.connecting_;
    const auto& eps = engine_.endpoints_;
    const auto& ep = eps[engine_.next_endpoint_++ % eps.size()];
    stream_.async_connect(ep, [this, gen = gen_](const error_code& ec) { on_connect(gen, ec); });
  }

  void on_connect(std::uint32_t gen, const error_code& ec) {
    if (gen != gen_) return;
    --engine_.connecting_;
    phase_ = Phase::kClosed;
    if (ec) {
      close();
      if (busy_) finish_failure(connect_cause(ec));
      else ++engine_.connect_failures_;
      return;
    }
    ++engine_.events_.connects;
    phase_ = Phase::kIdle;
    served_ = 0;
    arm_read();
    if (busy_) send();
  }

  void send() {
    sent_ = steady_now();
    written_ = 0;
    phase_ = Phase::kWriting;
    interim_ = 0;
    header_room_ = engine_.options_.header_limit;
    new_parser();
    try_write();
  }

  void try_write() {
    while (written_ < out_.size()) {
      error_code ec;
      const std::size_t n = stream_.write_some(asio::buffer(out_.data() + written_, out_.size() - written_), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) {
        stream_.async_wait_write([this, gen = gen_](const error_code& wec) {
          if (gen != gen_) return;
          if (wec) return on_transport_error(wec, Cause::kWriteError);
          try_write();
        });
        return;
      }
      if (ec) return is_tls_error(ec) ? finish_failure(Cause::kTlsError) : on_transport_error(ec, Cause::kWriteError);
      written_ += n;
    }
    if (phase_ == Phase::kWriting) phase_ = Phase::kWaiting;
  }

  // A parser for the next response of the request; HeaderScanner enforces the header limit on
  // the raw bytes, so Beast's own (on the rewritten header, which can only grow) never binds first.
  void new_parser() {
    parser_.emplace(2 * engine_.options_.header_limit + 64, head_, capture_ ? &captured_ : nullptr, &timing_);
    scanner_.reset();
  }

  void arm_read() {
    if (reading_ || phase_ == Phase::kClosed || phase_ == Phase::kConnecting) return;
    reading_ = true;
    const asio::mutable_buffer into = Stream::kReadsOnDemand ? asio::buffer(engine_.shared_read_.get(), kReadChunk)
                                                             : buffer_.prepare(kReadChunk);
    stream_.async_read_some(into, [this, gen = gen_](const error_code& ec, std::size_t n) { on_read(gen, ec, n); });
  }

  void on_read(std::uint32_t gen, const error_code& ec, std::size_t n) {
    if (gen != gen_) return;
    reading_ = false;
    if (ec) return on_read_error(ec);
    bytes_ += n;
    // Parsed where the bytes are: the connection's buffer, or (reading on demand) the engine's
    // shared one, unless a partial header from an earlier read waits in the connection's.
    bool in_shared = false;
    if constexpr (Stream::kReadsOnDemand) {
      in_shared = buffer_.size() == 0;
      if (!in_shared) buffer_.commit(asio::buffer_copy(buffer_.prepare(n), asio::buffer(engine_.shared_read_.get(), n)));
    } else {
      buffer_.commit(n);
    }
    if (!busy_ || !parser_) {
      // Bytes nobody asked for (a server's farewell 408, garbage): the connection is unusable.
      close();
      return;
    }
    asio::const_buffer in = in_shared ? asio::const_buffer(engine_.shared_read_.get(), n) : buffer_.data();
    while (in.size() > 0 && !parser_->is_done()) {
      std::size_t used = 0;
      if (!parser_->is_header_done()) {
        // The header is taken whole once its end is here (until then its bytes stay in front).
        const std::size_t end = scanner_.scan(static_cast<const char*>(in.data()), in.size());
        if ((end == 0 ? in.size() : end) > header_room_) return finish_failure(Cause::kMalformedResponse);
        if (end == 0) break;
        header_room_ -= end;
        std::string& header = engine_.header_scratch_;
        normalise_header(std::string_view(static_cast<const char*>(in.data()), end), header);
        error_code pec;
        const std::size_t took = parser_->put(asio::buffer(header), pec);
        if (pec == boost::beast::http::error::need_more) pec = {};
        if (pec || took != header.size() || !parser_->is_header_done()) return finish_failure(Cause::kMalformedResponse);
        used = end;
        scanner_.reset();
      } else {
        error_code pec;
        used = parser_->put(in, pec);
        if (pec == boost::beast::http::error::need_more) pec = {};
        if (pec) return finish_failure(Cause::kMalformedResponse);
      }
      in += used;
      if (!in_shared) buffer_.consume(used);
      if (parser_->is_done() && interim_status(parser_->status())) {
        // An interim response (100 Continue, 103 Early Hints...): the final one follows.
        if (++interim_ > kMaxInterimResponses) return finish_failure(Cause::kMalformedResponse);
        new_parser();
        continue;
      }
      if (used == 0) break;
    }
    // What the parser did not take (a partial header, or bytes after the response) stays.
    if (in_shared && in.size() > 0) buffer_.commit(asio::buffer_copy(buffer_.prepare(in.size()), in));
    if (parser_->is_done()) return finish_response();
    arm_read();
  }

  void on_read_error(const error_code& ec) {
    if (ec == asio::error::operation_aborted) return;
    if (!busy_) {
      close();  // the server closed an idle connection
      return;
    }
    if (ec == asio::error::eof && parser_ && parser_->is_header_done() && parser_->need_eof()) {
      error_code pec;
      parser_->put_eof(pec);
      if (!pec && parser_->is_done()) return finish_response();
    }
    // Failing before the request was fully written, with no answer begun: it could not be sent.
    const bool answered = bytes_ > 0;
    if (is_tls_error(ec)) return finish_failure(Cause::kTlsError);
    on_transport_error(ec, phase_ == Phase::kWriting && !answered ? Cause::kWriteError : Cause::kReset);
  }

  void on_transport_error(const error_code& ec, Cause cause) {
    const bool nothing_received = bytes_ == 0;
    if (busy_ && served_ > 0 && nothing_received && !retried_ && (is_reset(ec) || cause == Cause::kWriteError)) {
      // The server closed this kept-alive connection as we reused it: retry once, fresh.
      retried_ = true;
      ++engine_.events_.retries;
      close();
      connect();
      return;
    }
    finish_failure(cause);
  }

  void finish_response() {
    Completion c;
    c.status = parser_->status();
    c.cause = cause_of_status(c.status, expect_status_);
    c.sent = sent_;
    c.done = steady_now();
    c.bytes = bytes_;
    if (capture_) c.response = &captured_;
    if (timing_.headers > 0) c.server_timing = &timing_;
    // Leftover bytes, or a response that ended while the request was still being written,
    // leave the connection in an unknown state: close it.
    const bool keep = parser_->keep_alive() && buffer_.size() == 0 && phase_ == Phase::kWaiting;
    parser_.reset();
    // Reading on demand, the connection's buffer only ever holds a partial header: let it go.
    if (Stream::kReadsOnDemand && buffer_.size() == 0 && buffer_.capacity() > 0) buffer_.shrink_to_fit();
    ++served_;
    if (keep) {
      phase_ = Phase::kIdle;
      arm_read();
    } else {
      close();
    }
    deliver(c);
  }

  // A failure has no status: only complete responses are counted by status and latency.
  void finish_failure(Cause cause) {
    Completion c;
    c.cause = cause;
    c.sent = sent_;
    c.done = steady_now();
    c.bytes = bytes_;
    close();
    deliver(c);
  }

  void deliver(const Completion& c) {
    busy_ = false;
    --engine_.busy_;
    bytes_ = 0;
    engine_.listener_.on_complete(slot_, cls_, intended_, c);
  }

  void close() {
    if (phase_ == Phase::kConnecting) --engine_.connecting_;
    ++gen_;
    stream_.close();
    phase_ = Phase::kClosed;
    reading_ = false;
    buffer_.clear();
    parser_.reset();
  }

  void arm_timer() {
    if (timer_armed_) return;
    timer_armed_ = true;
    timer_.expires_at(asio::steady_timer::time_point(std::chrono::nanoseconds(deadline_)));
    timer_.async_wait([this](const error_code& ec) { on_timer(ec); });
  }

  void on_timer(const error_code& ec) {
    timer_armed_ = false;
    if (ec == asio::error::operation_aborted || !busy_) return;
    if (steady_now() < deadline_) return arm_timer();
    const Cause cause = phase_ == Phase::kConnecting ? Cause::kConnectTimeout : Cause::kReadTimeout;
    finish_failure(cause);
  }

  BasicHttp1Engine& engine_;
  std::size_t slot_;
  Stream stream_;
  asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<ResponseParser> parser_;
  HeaderScanner scanner_;
  std::size_t header_room_ = 0;  // header bytes the request's responses may still use
  int interim_ = 0;              // interim responses skipped for this request
  std::string scratch_;
  std::string_view out_;
  CapturedResponse captured_;  // the response, for a request started with capture
  ServerTimingRecord timing_;  // the final response's Server-Timing fields
  bool capture_ = false;
  std::size_t written_ = 0;
  Phase phase_ = Phase::kClosed;
  bool busy_ = false;
  bool reading_ = false;
  bool timer_armed_ = false;
  bool retried_ = false;
  bool head_ = false;
  int expect_status_ = 0;
  std::uint32_t gen_ = 0;
  std::uint64_t served_ = 0;
  std::uint64_t bytes_ = 0;
  std::size_t cls_ = 0;
  sim::Time intended_ = 0;
  sim::Time sent_ = 0;
  sim::Time deadline_ = 0;
};

template <typename Stream>
BasicHttp1Engine<Stream>::BasicHttp1Engine(asio::io_context& io, EngineListener& listener, RequestSource source,
                                           EngineOptions options, std::vector<tcp::endpoint> endpoints,
                                           const StreamSetup& setup, std::size_t slots)
    : io_(io),
      listener_(listener),
      source_(source),
      options_(std::move(options)),
      endpoints_(std::move(endpoints)),
      context_(options_, setup) {
  if (Stream::kReadsOnDemand) shared_read_ = std::make_unique<char[]>(kReadChunk);
  connections_.reserve(slots);
  for (std::size_t i = 0; i < slots; ++i) connections_.push_back(std::make_unique<Connection>(*this, i));
}

template <typename Stream>
BasicHttp1Engine<Stream>::~BasicHttp1Engine() {
  shutdown();
}

template <typename Stream>
std::size_t BasicHttp1Engine<Stream>::slots() const {
  return connections_.size();
}

template <typename Stream>
void BasicHttp1Engine<Stream>::preconnect() {
  for (auto& c : connections_) c->preconnect();
}

template <typename Stream>
std::size_t BasicHttp1Engine<Stream>::open_connections() const {
  std::size_t n = 0;
  for (const auto& c : connections_) {
    if (c->open()) ++n;
  }
  return n;
}

template <typename Stream>
void BasicHttp1Engine<Stream>::start(std::size_t slot, std::size_t cls, sim::Time intended) {
  connections_[slot]->start(cls, intended);
}

template <typename Stream>
void BasicHttp1Engine<Stream>::start_prepared(std::size_t slot, std::size_t cls, sim::Time intended,
                                              std::string_view request, bool capture) {
  connections_[slot]->start_bytes(cls, intended, request, capture);
}

template <typename Stream>
bool BasicHttp1Engine<Stream>::written(std::size_t slot) const {
  return connections_[slot]->written();
}

template <typename Stream>
void BasicHttp1Engine<Stream>::shutdown() {
  context_.stop();
  for (auto& c : connections_) c->shutdown();
}

template <typename Stream>
ConnectionEvents BasicHttp1Engine<Stream>::events() const {
  ConnectionEvents e = events_;
  e.tls_handshakes = context_.handshakes();
  e.tls_resumed = context_.resumed();
  return e;
}

template class BasicHttp1Engine<PlainStream>;
template class BasicHttp1Engine<TlsStream>;

}  // namespace loadcast::loadgen
