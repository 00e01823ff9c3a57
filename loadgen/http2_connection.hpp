// The connection of the HTTP/2 engines (http2_engine.hpp says what it does): one TCP or TLS
// stream, one nghttp2 client session, and its slots — the requests it carries as streams.
// Internal to loadgen/http2_engine.cpp, which includes it once (with http2_callbacks.hpp, what
// nghttp2 calls back); not a header for other code.
// Single-threaded (the worker's thread).
#pragma once

#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nghttp2/nghttp2.h>

#include <boost/asio/steady_timer.hpp>

#include "loadgen/clock.hpp"
#include "loadgen/http2_engine.hpp"
#include "loadgen/http_policy.hpp"
#include "loadgen/stream_errors.hpp"

namespace loadcast::loadgen {

namespace http2_detail {

constexpr std::size_t kReadBuffer = 16 * 1024;
constexpr std::size_t kWriteBatch = 16 * 1024;
// As h2load's default (-w 30 -W 30): flow control never holds a response back on loopback.
constexpr std::int32_t kWindow = (1 << 30) - 1;
// Re-sends of one request the server did not process (REFUSED_STREAM, above a GOAWAY).
constexpr std::uint8_t kMaxRetries = 2;

inline nghttp2_nv field(std::string_view name, std::string_view value, std::uint8_t flags) {
  return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(), flags};
}

}  // namespace http2_detail

// One request as nghttp2 takes it: the fields and the name/value array pointing into them.
template <typename Stream>
struct BasicHttp2Engine<Stream>::Prepared {
  Http2Request request;
  std::vector<nghttp2_nv> nv;

  void build(const ClassPlan& c, bool tls, std::uint8_t flags) {
    using http2_detail::field;
    nv.clear();
    nv.push_back(field(":method", c.method, flags));
    nv.push_back(field(":scheme", tls ? "https" : "http", flags));
    nv.push_back(field(":authority", request.authority, flags));
    nv.push_back(field(":path", request.path, flags));
    for (const auto& [name, value] : request.fields) nv.push_back(field(name, value, flags));
  }
};

template <typename Stream>
class BasicHttp2Engine<Stream>::Connection {
  static constexpr std::size_t kReadBuffer = http2_detail::kReadBuffer;
  static constexpr std::size_t kWriteBatch = http2_detail::kWriteBatch;
  static constexpr std::int32_t kWindow = http2_detail::kWindow;
  static constexpr std::uint8_t kMaxRetries = http2_detail::kMaxRetries;
  using error_code = boost::system::error_code;

 public:
  Connection(BasicHttp2Engine& engine, std::size_t first, std::size_t count)
      : engine_(engine), first_(first), stream_(engine.io_, engine.context_), timer_(engine.io_), slots_(count) {
    for (std::size_t i = 0; i < count; ++i) slots_[i].owner = this;
  }
  ~Connection() { teardown(); }

  bool open() const { return phase_ == Phase::kReady || phase_ == Phase::kGoingAway; }

  void preconnect() {
    if (phase_ == Phase::kClosed) connect();
  }

  void start(std::size_t local, std::size_t cls, sim::Time intended) {
    Slot& s = slots_[local];
    s.busy = true;
    ++engine_.busy_;
    ++s.request_gen;
    s.cls = cls;
    s.intended = intended;
    s.retries = 0;
    s.reset_response();
    s.deadline = steady_now() + engine_.options_.timeout;
    prepare(s);
    arm_timer(s.deadline);
    if (phase_ == Phase::kReady) {
      submit(local);
      if (!in_io_) flush();
      return;
    }
    pending_.push_back(local);
    if (phase_ == Phase::kClosed) connect();
  }

  // The request on stream slot `local` went out: its HEADERS frame was handed to the socket.
  bool written(std::size_t local) const { return slots_[local].busy && slots_[local].headers_sent; }

  // Abandons everything without callbacks.
  void shutdown() {
    timer_.cancel();
    teardown();
    pending_.clear();
    for (auto& s : slots_) {
      if (!s.busy) continue;
      s.busy = false;
      --engine_.busy_;
    }
  }

 private:
  enum class Phase { kClosed, kConnecting, kSettings, kReady, kGoingAway };

  struct Slot {
    Connection* owner = nullptr;
    std::size_t cls = 0;
    sim::Time intended = 0;
    sim::Time sent = 0;
    sim::Time deadline = 0;
    std::uint64_t request_gen = 0;
    std::int32_t stream_id = -1;  // >= 0: submitted on the current session
    int status = 0;
    std::uint64_t bytes = 0;
    std::uint64_t header_bytes = 0;
    int interim = 0;  // interim (1xx) responses skipped
    std::uint8_t retries = 0;
    bool busy = false;
    bool complete = false;       // the response ended (END_STREAM received)
    bool malformed = false;      // we reset it: header over the limit, a status the policy refuses
    bool reset_by_peer = false;  // RST_STREAM received
    bool headers_sent = false;
    bool request_sent = false;  // END_STREAM sent
    bool got_some = false;      // any of the response arrived
    const Prepared* request = nullptr;
    std::unique_ptr<Prepared> own;  // templated classes: this slot's rendered request
    std::size_t body_offset = 0;

    void reset_response() {
      sent = 0;
      status = 0;
      bytes = 0;
      header_bytes = 0;
      interim = 0;
      complete = malformed = reset_by_peer = headers_sent = request_sent = got_some = false;
      body_offset = 0;
    }
  };

  static bool connecting_phase(Phase p) { return p == Phase::kConnecting || p == Phase::kSettings; }

  void set_phase(Phase p) {
    const bool was = connecting_phase(phase_);
    const bool now = connecting_phase(p);
    if (was && !now) --engine_.connecting_;
    if (!was && now) ++engine_.connecting_;
    phase_ = p;
  }

  void prepare(Slot& s) {
    const auto& plan = *engine_.source_.plan;
    if (const Prepared* fixed = engine_.fixed_[s.cls].get()) {
      s.request = fixed;
      return;
    }
    if (!s.own) s.own = std::make_unique<Prepared>();
    plan.http2(s.cls, *engine_.source_.cursor, *engine_.source_.rng, s.own->request);
    s.own->build(plan.at(s.cls), Stream::kTls, NGHTTP2_NV_FLAG_NONE);
    s.request = s.own.get();
  }

  // --- connection life ---

  void connect() {
    set_phase(Phase::kConnecting);
    const auto& eps = engine_.endpoints_;
    const auto& ep = eps[engine_.next_endpoint_++ % eps.size()];
    stream_.async_connect(ep, [this, gen = gen_](const error_code& ec) { on_connect(gen, ec); });
  }

  void on_connect(std::uint32_t gen, const error_code& ec) {
    if (gen != gen_) return;
    if (ec) return fail_unusable(connect_cause(ec));
    ++engine_.events_.connects;
    if (nghttp2_session_client_new2(&session_, engine_.callbacks_, this, engine_.option_) != 0) {
      session_ = nullptr;
      return fail_unusable(Cause::kTransportError);
    }
    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<std::uint32_t>(kWindow)},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, engine_.options_.header_limit}};
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, sizeof settings / sizeof settings[0]);
    nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, kWindow);
    set_phase(Phase::kSettings);
    if (!Stream::kReadsOnDemand && !read_buffer_) read_buffer_ = std::make_unique<char[]>(kReadBuffer);
    arm_read();
    flush();
  }

  // The server's first SETTINGS: the session is usable; send what waited for it.
  void on_ready() {
    set_phase(Phase::kReady);
    while (!pending_.empty() && phase_ == Phase::kReady) {
      const std::size_t local = pending_.front();
      pending_.pop_front();
      submit(local);
    }
  }

  void submit(std::size_t local) {
    Slot& s = slots_[local];
    const Prepared& p = *s.request;
    s.body_offset = 0;
    nghttp2_data_provider body{};
    body.source.ptr = &s;
    body.read_callback = &Callbacks::read_body;
    const bool has_body = !p.request.body.empty();
    const std::int32_t id =
        nghttp2_submit_request(session_, nullptr, p.nv.data(), p.nv.size(), has_body ? &body : nullptr, &s);
    if (id < 0) {
      // Stream ids used up (2^30 requests) or no memory: finish this connection, send on a new one.
      pending_.push_front(local);
      set_phase(Phase::kGoingAway);
      return;
    }
    s.stream_id = id;
    ++active_;
  }

  // Reading on demand (TLS), every connection decrypts into the engine's one buffer.
  char* read_buffer() { return Stream::kReadsOnDemand ? engine_.shared_read_.get() : read_buffer_.get(); }

  void arm_read() {
    if (reading_ || !session_) return;
    reading_ = true;
    stream_.async_read_some(boost::asio::buffer(read_buffer(), kReadBuffer),
                            [this, gen = gen_](const error_code& ec, std::size_t n) { on_read(gen, ec, n); });
  }

  void on_read(std::uint32_t gen, const error_code& ec, std::size_t n) {
    if (gen != gen_) return;
    reading_ = false;
    error_code rec = ec;
    // Everything already at hand goes to nghttp2 before anything is sent: over TLS that is
    // every record OpenSSL read ahead (nginx writes HEADERS and DATA as separate records), so
    // the requests the completions start leave in one write.
    while (!rec) {
      ssize_t rv = 0;
      {
        const InIo guard(*this);
        rv = nghttp2_session_mem_recv(session_, reinterpret_cast<const std::uint8_t*>(read_buffer()), n);
      }
      if (gen != gen_) return;
      if (rv < 0) return fail_connection(Cause::kMalformedResponse, false);
      n = stream_.read_ready(boost::asio::buffer(read_buffer(), kReadBuffer), rec);
    }
    if (rec != boost::asio::error::would_block) {
      if (rec == boost::asio::error::operation_aborted) return;
      return fail_connection(is_tls_error(rec) ? Cause::kTlsError : Cause::kReset, !is_tls_error(rec));
    }
    flush();
    if (gen != gen_) return;
    if (!after_io()) return;
    arm_read();
  }

  // Sends what nghttp2 has to send, in batches, until it has nothing or the socket is full.
  void flush() {
    if (in_io_ || writing_ || !session_) return;
    const std::uint32_t gen = gen_;
    for (;;) {
      bool fatal = false;
      {
        const InIo guard(*this);
        while (gen == gen_ && out_.size() < kWriteBatch) {
          const std::uint8_t* data = nullptr;
          const ssize_t n = nghttp2_session_mem_send(session_, &data);
          if (n < 0) {
            fatal = true;
            break;
          }
          if (n == 0) break;
          out_.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
        }
      }
      if (gen != gen_) return;
      if (fatal) return fail_connection(Cause::kTransportError, false);
      if (out_.empty()) return;
      while (written_ < out_.size()) {
        error_code ec;
        const std::size_t n = stream_.write_some(boost::asio::buffer(out_.data() + written_, out_.size() - written_), ec);
        if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
          writing_ = true;
          stream_.async_wait_write([this, gen](const error_code& wec) {
            if (gen != gen_) return;
            writing_ = false;
            if (wec) return fail_connection(is_tls_error(wec) ? Cause::kTlsError : Cause::kReset, !is_tls_error(wec));
            flush();
            if (gen == gen_) after_io();
          });
          return;
        }
        if (ec) return fail_connection(is_tls_error(ec) ? Cause::kTlsError : Cause::kReset, !is_tls_error(ec));
        written_ += n;
      }
      out_.clear();
      written_ = 0;
    }
  }

  // After reading or writing: ends a connection that is done. False when it was ended.
  bool after_io() {
    if (!session_) return false;
    if (phase_ == Phase::kGoingAway && active_ == 0 && !writing_) {
      retire();
      return false;
    }
    if (nghttp2_session_want_read(session_) == 0 && nghttp2_session_want_write(session_) == 0) {
      if (local_error_) fail_connection(Cause::kMalformedResponse, false);
      else if (active_ == 0) retire();
      else fail_connection(Cause::kReset, true);
      return false;
    }
    return true;
  }

  // A graceful end (after GOAWAY, nothing left open): reconnect if requests wait.
  void retire() {
    teardown();
    if (!pending_.empty()) connect();
  }

  // The connection failed before it could carry requests: those waiting for it fail with it.
  void fail_unusable(Cause cause) {
    teardown();
    if (pending_.empty()) {
      ++engine_.connect_failures_;
      return;
    }
    std::vector<std::size_t> failed(pending_.begin(), pending_.end());
    pending_.clear();
    for (const std::size_t local : failed) finish_failure(local, cause);
  }

  // The connection failed: its streams end with `cause`, except the keep-alive race's
  // (`retry_unanswered`), which go to a new connection with those that were waiting.
  void fail_connection(Cause cause, bool retry_unanswered) {
    if (!open()) return fail_unusable(local_error_ ? Cause::kMalformedResponse : cause);
    std::vector<std::pair<std::size_t, Cause>> failed;
    for (std::size_t local = 0; local < slots_.size(); ++local) {
      Slot& s = slots_[local];
      if (!s.busy || s.stream_id < 0) continue;
      const bool covered = goaway_ && s.stream_id <= goaway_last_;
      s.stream_id = -1;
      if (retry_unanswered && !s.got_some && served_ > 0 && s.retries == 0 && !covered) {
        ++s.retries;
        ++engine_.events_.retries;
        s.reset_response();
        pending_.push_back(local);
        continue;
      }
      failed.emplace_back(local, cause == Cause::kReset && !s.request_sent ? Cause::kWriteError : cause);
    }
    teardown();
    if (!pending_.empty()) connect();
    for (const auto& [local, c] : failed) finish_failure(local, c);
  }

  void teardown() {
    if (session_ != nullptr) {
      // Inside one of its callbacks (the listener stopped the run): deleted once nghttp2 returns.
      if (in_io_) zombie_ = session_;
      else nghttp2_session_del(session_);
      session_ = nullptr;
    }
    ++gen_;
    stream_.close();
    set_phase(Phase::kClosed);
    reading_ = false;
    writing_ = false;
    out_.clear();
    written_ = 0;
    active_ = 0;
    served_ = 0;
    goaway_ = false;
    goaway_last_ = 0;
    local_error_ = false;
    for (auto& s : slots_) s.stream_id = -1;
  }

  // --- completions ---

  void finish_response(std::size_t local) {
    Slot& s = slots_[local];
    Completion c;
    c.status = s.status;
    c.cause = cause_of_status(s.status, engine_.source_.plan->at(s.cls).expect_status);
    c.sent = s.sent;
    c.done = steady_now();
    c.bytes = s.bytes;
    ++served_;
    deliver(local, c);
  }

  void finish_failure(std::size_t local, Cause cause) {
    Slot& s = slots_[local];
    Completion c;
    c.cause = cause;
    c.sent = s.sent;
    c.done = steady_now();
    c.bytes = s.bytes;
    deliver(local, c);
  }

  void deliver(std::size_t local, const Completion& c) {
    Slot& s = slots_[local];
    if (!s.busy) return;  // abandoned by a shutdown from an earlier completion
    s.busy = false;
    --engine_.busy_;
    engine_.listener_.on_complete(first_ + local, s.cls, s.intended, c);
  }

  // --- deadlines ---

  void arm_timer(sim::Time deadline) {
    if (timer_armed_) return;
    timer_armed_ = true;
    timer_.expires_at(boost::asio::steady_timer::time_point(std::chrono::nanoseconds(deadline)));
    timer_.async_wait([this](const error_code& ec) { on_timer(ec); });
  }

  void on_timer(const error_code& ec) {
    timer_armed_ = false;
    if (ec == boost::asio::error::operation_aborted) return;
    const sim::Time now = steady_now();
    std::vector<std::pair<std::size_t, std::uint64_t>> expired;
    sim::Time next = 0;
    for (std::size_t local = 0; local < slots_.size(); ++local) {
      const Slot& s = slots_[local];
      if (!s.busy) continue;
      if (s.deadline <= now) expired.emplace_back(local, s.request_gen);
      else if (next == 0 || s.deadline < next) next = s.deadline;
    }
    // Armed before expiring: requests started from the completions have later deadlines.
    if (next != 0) arm_timer(next);
    for (const auto& [local, request_gen] : expired) {
      Slot& s = slots_[local];
      if (s.busy && s.request_gen == request_gen) expire(local);
    }
    if (session_ && !in_io_) {
      flush();
      if (session_) after_io();
    }
  }

  void expire(std::size_t local) {
    Slot& s = slots_[local];
    Cause cause = Cause::kReadTimeout;
    if (s.stream_id >= 0) {
      nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, s.stream_id, NGHTTP2_CANCEL);
      s.stream_id = -1;
      --active_;
    } else {
      const auto it = std::find(pending_.begin(), pending_.end(), local);
      if (it != pending_.end()) pending_.erase(it);
      cause = Cause::kConnectTimeout;
    }
    finish_failure(local, cause);
  }

  // --- nghttp2 callbacks (user_data is the Connection; stream data is the Slot) ---

  // Marks a call into nghttp2 (whose callbacks may complete requests, and so start new ones or
  // stop the run): no nested flush, and a session torn down meanwhile is deleted on the way out.
  struct InIo {
    explicit InIo(Connection& c) : c_(c), was_(c.in_io_) { c.in_io_ = true; }
    ~InIo() {
      c_.in_io_ = was_;
      if (!was_ && c_.zombie_ != nullptr) {
        nghttp2_session_del(c_.zombie_);
        c_.zombie_ = nullptr;
      }
    }
    InIo(const InIo&) = delete;
    InIo& operator=(const InIo&) = delete;
    Connection& c_;
    bool was_;
  };

  // The slot of a stream of `session`, or null for a stream we gave up on (timed out). The
  // frames of one response arrive together: the last answer is kept (checked against the
  // slot's stream id, which is unique within the session) to skip nghttp2's stream map.
  Slot* slot_of(nghttp2_session* session, std::int32_t stream_id) {
    if (last_slot_ != nullptr && last_slot_->stream_id == stream_id) return last_slot_;
    auto* s = static_cast<Slot*>(nghttp2_session_get_stream_user_data(session, stream_id));
    if (s == nullptr || s->stream_id != stream_id) return nullptr;
    last_slot_ = s;
    return s;
  }
  // The connection a callback of `session` is for; null when that session was torn down from an
  // earlier callback of the same call (nghttp2 is then told to stop).
  static Connection* live(nghttp2_session* session, void* user) {
    auto* self = static_cast<Connection*>(user);
    return self->session_ == session ? self : nullptr;
  }

 public:
  // nghttp2's callbacks (http2_callbacks.hpp): user_data is the Connection, stream data the Slot.
  struct Callbacks;
  friend struct Callbacks;

 private:
  std::size_t local_of(const Slot* s) const { return static_cast<std::size_t>(s - slots_.data()); }

 private:
  BasicHttp2Engine& engine_;
  std::size_t first_;
  Stream stream_;
  boost::asio::steady_timer timer_;
  std::vector<Slot> slots_;
  std::deque<std::size_t> pending_;  // busy slots waiting for a usable session
  nghttp2_session* session_ = nullptr;
  nghttp2_session* zombie_ = nullptr;  // torn down inside a callback: deleted when nghttp2 returns
  Slot* last_slot_ = nullptr;          // slot_of()'s last answer
  std::unique_ptr<char[]> read_buffer_;  // its own read buffer, unless reading on demand
  std::string out_;
  std::size_t written_ = 0;
  Phase phase_ = Phase::kClosed;
  std::uint32_t gen_ = 0;
  std::size_t active_ = 0;   // streams submitted on this session and not closed
  std::uint64_t served_ = 0;  // responses completed on this session
  std::int32_t goaway_last_ = 0;
  bool goaway_ = false;
  bool local_error_ = false;  // we found a connection-level protocol error
  bool reading_ = false;
  bool writing_ = false;
  bool in_io_ = false;
  bool timer_armed_ = false;
};

}  // namespace loadcast::loadgen
