#include "loadgen/curl_engine.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <stdexcept>

#include <boost/asio/post.hpp>

#include "loadgen/clock.hpp"
#include "loadgen/http_policy.hpp"

namespace loadcast::loadgen {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr int kEventBatch = 256;
// Marks a descriptor present in the epoll set (fd_events_), whatever its directions.
constexpr std::uint32_t kRegistered = 1u << 31;

// curl_global_init is not thread safe: run it once, before the first engine, under the
// function-local static's initialisation guard.
void global_init() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK) throw std::runtime_error(std::string("libcurl initialisation failed: ") + curl_easy_strerror(rc));
}

Cause cause_of(CURL* easy, CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT: {
      long err = 0;
      curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &err);
      if (err == EMFILE || err == ENFILE) return Cause::kFdLimit;
      return err == ECONNREFUSED ? Cause::kConnectRefused : Cause::kConnectError;
    }
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return Cause::kConnectError;
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t pretransfer = 0;
      curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
      return pretransfer == 0 ? Cause::kConnectTimeout : Cause::kReadTimeout;
    }
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED: return Cause::kTlsError;
    case CURLE_SEND_ERROR: return Cause::kWriteError;
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE: return Cause::kReset;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_UNSUPPORTED_PROTOCOL: return Cause::kMalformedResponse;
    default: return Cause::kTransportError;
  }
}

// Failures that, with nothing of the response received on a reused connection, mean the
// server closed that connection as the request went out.
bool retryable(CURLcode code) {
  return code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR || code == CURLE_GOT_NOTHING || code == CURLE_HTTP2 ||
         code == CURLE_HTTP2_STREAM;
}

curl_slist* build_headers(const std::vector<std::string>& lines) {
  curl_slist* list = nullptr;
  for (const auto& line : lines) list = curl_slist_append(list, line.c_str());
  // No "Expect: 100-continue" round trip before bodies.
  return curl_slist_append(list, "Expect:");
}

}  // namespace

std::string curl_http2_problem(unsigned version_num, const std::string& version, bool has_http2, bool cleartext) {
  if (!has_http2) return "--http2: this libcurl (" + version + ") was built without HTTP/2 support";
  constexpr unsigned kFirstGoodH2c = 0x080000;  // 8.0.0
  if (cleartext && version_num < kFirstGoodH2c) {
    return "--http2 over http:// (h2c) needs libcurl 8.0.0 or later; this libcurl is " + version +
           ", which fails every second request on a reused h2c connection (curl PR #10643). "
           "Use an https:// target for HTTP/2, or drop --http2";
  }
  return {};
}

std::string curl_http2_problem(bool cleartext) {
  const curl_version_info_data* v = curl_version_info(CURLVERSION_NOW);
  return curl_http2_problem(v->version_num, v->version, (v->features & CURL_VERSION_HTTP2) != 0, cleartext);
}

CurlEngine::CurlEngine(asio::io_context& io, EngineListener& listener, RequestSource source, EngineOptions options,
                       const Url& target, std::size_t slots)
    : io_(io), listener_(listener), source_(source), options_(std::move(options)), target_(target), timer_(io) {
  global_init();
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::runtime_error("epoll_create1 failed");
  inner_ = std::make_unique<asio::posix::stream_descriptor>(io_, epoll_fd_);
  multi_ = curl_multi_init();
  if (multi_ == nullptr) throw std::runtime_error("curl_multi_init failed");
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlEngine::socket_cb);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlEngine::timer_cb);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(slots + 16));
  curl_multi_setopt(multi_, CURLMOPT_MAX_CONCURRENT_STREAMS, static_cast<long>(options_.streams));
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, options_.http2 ? CURLPIPE_MULTIPLEX : CURLPIPE_NOTHING);
  if (options_.http2) {
    // Without a cap, the transfers of the first instant (no connection exists yet, so none can
    // be waited for) each open their own: 100 slots of 10 x 10 streams became ~90 connections
    // carrying a stream or two each. With it, libcurl opens the connections the slots need
    // and holds the rest of the first burst until they are up; afterwards the slots fit the
    // connections exactly (our admission control), so its pending queue stays empty.
    const auto connections = static_cast<long>((slots + options_.streams - 1) / options_.streams);
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, connections);
  }

  const auto& plan = *source_.plan;
  for (std::size_t c = 0; c < plan.size(); ++c) {
    const auto& cp = plan.at(c);
    if (cp.templated) {
      class_headers_.push_back(nullptr);
      continue;
    }
    std::vector<std::string> lines;
    for (const auto& [name, value] : cp.headers) lines.push_back(name + ": " + value.render({}));
    class_headers_.push_back(build_headers(lines));
  }

  const long version = options_.http2 ? (target_.tls() ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE)
                                      : CURL_HTTP_VERSION_1_1;
  const long timeout_ms = static_cast<long>((options_.timeout + sim::kMillisecond - 1) / sim::kMillisecond);
  transfers_.reserve(slots);
  for (std::size_t i = 0; i < slots; ++i) {
    auto t = std::make_unique<Transfer>();
    t->slot = i;
    t->engine = this;
    t->easy = curl_easy_init();
    if (t->easy == nullptr) throw std::runtime_error("curl_easy_init failed");
    CURL* e = t->easy;
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &CurlEngine::write_cb);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &CurlEngine::header_cb);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, version);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, options_.insecure ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options_.insecure ? 0L : 2L);
    if (!options_.cacert.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options_.cacert.c_str());
    if (options_.http2) curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 0L);
    transfers_.push_back(std::move(t));
  }
  arm_inner();
}

CurlEngine::~CurlEngine() {
  shutdown();
  for (auto& t : transfers_) {
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->own_headers);
  }
  for (auto* h : class_headers_) curl_slist_free_all(h);
  // Cleanup may still call the socket callback (REMOVE): the epoll set must outlive it.
  if (multi_ != nullptr) curl_multi_cleanup(multi_);
  error_code ignored;
  inner_->close(ignored);
}

void CurlEngine::start(std::size_t slot, std::size_t cls, sim::Time intended) {
  Transfer& t = *transfers_[slot];
  const auto& plan = *source_.plan;
  const auto& cp = plan.at(cls);
  t.cls = cls;
  t.intended = intended;
  t.bytes = 0;
  t.busy = true;
  t.retried = false;
  ++busy_;
  t.sent = steady_now();
  CURL* e = t.easy;
  // libcurl keeps options between transfers: a fixed request set up last time is sent again
  // as it is (copying the URL and headers per request was a measurable share of the cost).
  if (!cp.templated && t.configured_cls == static_cast<std::ptrdiff_t>(cls)) return add(t);
  t.configured_cls = cp.templated ? -1 : static_cast<std::ptrdiff_t>(cls);
  plan.parts(cls, *source_.cursor, *source_.rng, t.parts);
  curl_easy_setopt(e, CURLOPT_URL, t.parts.url.c_str());
  curl_slist_free_all(t.own_headers);
  t.own_headers = nullptr;
  curl_slist* headers = class_headers_[cls];
  if (headers == nullptr) headers = t.own_headers = build_headers(t.parts.header_lines);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);  // resets any method of the previous request
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, static_cast<const char*>(nullptr));
  if (cp.head) {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (cp.has_body) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.parts.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.parts.body.data());
    if (cp.method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, cp.method.c_str());
  } else if (cp.method != "GET") {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, cp.method.c_str());
  }
  add(t);
}

void CurlEngine::add(Transfer& t) {
  t.check = {};
  if (curl_multi_add_handle(multi_, t.easy) != CURLM_OK) {
    // Reported from the loop, not from inside start(): the listener may start again at once.
    asio::post(io_, [this, &t] {
      if (closed_ || !t.busy) return;
      Completion c;
      c.cause = Cause::kTransportError;
      c.done = steady_now();
      t.busy = false;
      --busy_;
      listener_.on_complete(t.slot, t.cls, t.intended, c);
    });
  }
}

// libcurl counts the bytes of the request it issued on the current transfer (reset when the
// transfer starts): none means it never got as far as writing the request to a socket.
bool CurlEngine::request_written(const Transfer& t) const {
  long request_bytes = 0;
  curl_easy_getinfo(t.easy, CURLINFO_REQUEST_SIZE, &request_bytes);
  return request_bytes > 0;
}

bool CurlEngine::written(std::size_t slot) const {
  const Transfer& t = *transfers_[slot];
  return t.busy && request_written(t);
}

void CurlEngine::shutdown() {
  if (closed_) return;
  closed_ = true;
  ++timer_gen_;
  timer_.cancel();
  error_code ignored;
  inner_->cancel(ignored);
  for (auto& t : transfers_) {
    if (!t->busy) continue;
    curl_multi_remove_handle(multi_, t->easy);
    t->busy = false;
    --busy_;
  }
}

int CurlEngine::socket_cb(CURL*, curl_socket_t fd, int what, void* userp, void*) {
  auto* self = static_cast<CurlEngine*>(userp);
  if (what == CURL_POLL_REMOVE) {
    // Not a close: libcurl owns the descriptor and may hand it back later.
    if (epoll_ctl(self->epoll_fd_, EPOLL_CTL_DEL, fd, nullptr) == 0 && self->watched_ > 0) --self->watched_;
    if (static_cast<std::size_t>(fd) < self->fd_events_.size()) self->fd_events_[static_cast<std::size_t>(fd)] = 0;
    return 0;
  }
  epoll_event ev{};
  ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
  ev.data.fd = fd;
  // libcurl often repeats the directions it already asked for; a syscall per repeat was about
  // one epoll_ctl per request. (libcurl reports REMOVE before it closes a socket, so a cached
  // entry never outlives its descriptor.)
  auto& known = self->fd_events_;
  const auto index = static_cast<std::size_t>(fd);
  if (index < known.size() && known[index] == (ev.events | kRegistered)) return 0;
  if (epoll_ctl(self->epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) {
    if (errno != ENOENT || epoll_ctl(self->epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return 0;
    ++self->watched_;
  }
  if (index >= known.size()) known.resize(index + 1, 0);
  known[index] = ev.events | kRegistered;
  return 0;
}

int CurlEngine::timer_cb(CURLM*, long timeout_ms, void* userp) {
  auto* self = static_cast<CurlEngine*>(userp);
  const std::uint64_t gen = ++self->timer_gen_;
  self->timer_.cancel();
  if (timeout_ms < 0 || self->closed_) return 0;
  if (timeout_ms == 0) {
    // Acting now would re-enter libcurl from its own callback: post it instead.
    asio::post(self->io_, [self, gen] {
      if (gen == self->timer_gen_ && !self->closed_) self->action(CURL_SOCKET_TIMEOUT, 0);
    });
    return 0;
  }
  self->timer_.expires_after(std::chrono::milliseconds(timeout_ms));
  self->timer_.async_wait([self, gen](const error_code& ec) {
    if (!ec && gen == self->timer_gen_ && !self->closed_) self->action(CURL_SOCKET_TIMEOUT, 0);
  });
  return 0;
}

std::size_t CurlEngine::write_cb(char*, std::size_t size, std::size_t n, void* userp) {
  static_cast<Transfer*>(userp)->bytes += size * n;
  return size * n;
}

std::size_t CurlEngine::header_cb(char* data, std::size_t size, std::size_t n, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  if (t->check.refused || !t->engine->accept_header_line(t->check, std::string_view(data, size * n))) {
    t->check.refused = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR); complete() reports malformed_response
  }
  return size * n;
}

bool CurlEngine::accept_header_line(HeaderCheck& check, std::string_view line) const {
  check.bytes += line.size();
  if (check.bytes > options_.header_limit) return false;
  if (check.final_done) return true;  // trailers: counted, not judged
  std::string_view text = line;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (check.at_status_line) {
    std::optional<int> status = parse_http1_status_line(text);
    // Over HTTP/2 libcurl reports the status as "HTTP/2 200".
    if (options_.http2 && text.size() >= 10 && text.substr(0, 7) == "HTTP/2 ") {
      status = parse_http1_status_line("HTTP/1.1 " + std::string(text.substr(7)));
    }
    if (!status || !status_in_range(*status) || *status == 101) return false;
    check = HeaderCheck{check.bytes, check.interim, *status};
    check.at_status_line = false;
    return true;
  }
  if (text.empty()) {  // the end of a response's header
    if (!interim_status(check.status)) {
      check.final_done = true;
      return true;
    }
    check.at_status_line = true;
    return ++check.interim <= kMaxInterimResponses;
  }
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return true;  // libcurl's own grammar judges the field
  const auto named = [&](std::string_view want) {
    if (colon != want.size()) return false;
    for (std::size_t i = 0; i < colon; ++i) {
      if ((text[i] | 0x20) != want[i]) return false;
    }
    return true;
  };
  if (named("transfer-encoding")) {
    check.transfer_encoding = true;
  } else if (named("content-length")) {
    // A list ("42, 42") or repeated fields are one value when they agree (RFC 9112 section 6.3).
    std::string_view rest = text.substr(colon + 1);
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (item.empty() || item.size() > 18) return false;
      std::uint64_t v = 0;
      for (const char c : item) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
      }
      if (check.has_length && v != check.length) return false;
      check.has_length = true;
      check.length = v;
    }
  }
  return !(check.transfer_encoding && check.has_length);
}

void CurlEngine::action(curl_socket_t fd, int bits) {
  int running = 0;
  curl_multi_socket_action(multi_, fd, bits, &running);
  drain_messages();
}

void CurlEngine::drain_messages() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode code = msg->data.result;
    Transfer* t = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &t);
    curl_multi_remove_handle(multi_, easy);
    if (t != nullptr && t->busy) complete(*t, code);
  }
}

void CurlEngine::complete(Transfer& t, CURLcode code) {
  long header_bytes = 0;
  curl_easy_getinfo(t.easy, CURLINFO_HEADER_SIZE, &header_bytes);
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  if (code != CURLE_OK && !t.retried && retryable(code) && status == 0 && header_bytes <= 0 && t.bytes == 0) {
    long connects = 0;
    curl_easy_getinfo(t.easy, CURLINFO_NUM_CONNECTS, &connects);
    if (connects == 0) {
      // Sent on a connection the server was closing: once more, on whatever libcurl picks now.
      t.retried = true;
      return add(t);
    }
  }
  Completion c;
  c.sent = request_written(t) ? t.sent : 0;
  c.done = steady_now();
  c.bytes = t.bytes + static_cast<std::uint64_t>(header_bytes > 0 ? header_bytes : 0);
  if (t.check.refused) {
    c.cause = Cause::kMalformedResponse;
  } else if (code == CURLE_OK && !options_.http2 && !t.check.final_done) {
    // libcurl 7.88 reports a connection closed in the middle of the header as a complete
    // response; the native engine calls that a reset, and so do we.
    c.cause = Cause::kReset;
  } else if (code == CURLE_OK) {
    c.status = static_cast<int>(status);
    c.cause = cause_of_status(c.status, source_.plan->at(t.cls).expect_status);
  } else if (code == CURLE_OUT_OF_MEMORY && status > 0) {
    c.cause = Cause::kMalformedResponse;  // a header line over libcurl's limit (CURL_MAX_HTTP_HEADER)
  } else {
    c.cause = cause_of(t.easy, code);
    if (c.cause == Cause::kReset && status == 0 && source_.plan->at(t.cls).has_body) {
      // The connection failed before the whole request went out: it could not be sent.
      curl_off_t uploaded = 0;
      curl_easy_getinfo(t.easy, CURLINFO_SIZE_UPLOAD_T, &uploaded);
      if (static_cast<std::uint64_t>(uploaded) < t.parts.body.size()) c.cause = Cause::kWriteError;
    }
  }
  t.busy = false;
  --busy_;
  listener_.on_complete(t.slot, t.cls, t.intended, c);
}

void CurlEngine::arm_inner() {
  if (inner_waiting_ || closed_) return;
  inner_waiting_ = true;
  inner_->async_wait(asio::posix::stream_descriptor::wait_read, [this](const error_code& ec) {
    inner_waiting_ = false;
    if (ec || closed_) return;
    on_inner_ready();
  });
}

void CurlEngine::on_inner_ready() {
  epoll_event events[kEventBatch];
  const int n = epoll_wait(epoll_fd_, events, kEventBatch, 0);
  for (int i = 0; i < n && !closed_; ++i) {
    int bits = 0;
    if (events[i].events & (EPOLLIN | EPOLLHUP)) bits |= CURL_CSELECT_IN;
    if (events[i].events & EPOLLOUT) bits |= CURL_CSELECT_OUT;
    if (events[i].events & EPOLLERR) bits |= CURL_CSELECT_ERR;
    action(events[i].data.fd, bits);
  }
  if (closed_) return;
  if (n == kEventBatch) {
    // More may be ready: yield to other handlers, then look again.
    asio::post(io_, [this] {
      if (!closed_) on_inner_ready();
    });
    return;
  }
  arm_inner();
}

}  // namespace loadcast::loadgen
