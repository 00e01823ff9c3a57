// A small HTTP/2 server (cleartext, prior knowledge) for the HTTP/2 fault tests, on nghttp2's
// server session API on 127.0.0.1: one thread accepts, one thread per connection runs a
// session over a blocking socket with poll. It serves 200 "ok" or misbehaves as told — resets
// streams, refuses streams, says GOAWAY, sends a bad frame, never answers, sends headers over
// the client's limit — and counts what it saw (requests, connections, the most streams open at
// once, request body bytes). Everything stops in the destructor.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nghttp2/nghttp2.h>

namespace loadcast::test {

enum class H2Behaviour {
  kServe,         // 200 "ok" for every request (after `delay_ms`)
  kResetStreams,  // RST_STREAM(INTERNAL_ERROR) for every request
  kRefuseBeyond,  // advertises no limit but refuses (REFUSED_STREAM) streams beyond `limit` open at once
  kGoawayAfter,   // after `goaway_after` requests on a connection: GOAWAY(last = that stream), answers
                  // the streams up to it, ignores the later ones, closes once those are answered
  kBadFrame,      // answers the first request with a SETTINGS frame of bad length (FRAME_SIZE_ERROR)
  kSilent,        // never answers
  kBigHeaders,    // answers with 80 KB of header fields (over the client's 64 KiB limit)
  kScripted,      // the response `script` describes (the hostile-server suite)
};

// kScripted: interim HEADERS frames with the statuses of `interim` (each repeated `repeat`
// times), then unless `final_status` is empty a response with `:status` final_status (":none":
// no :status field) whose header list, counted as the client counts it (name + value + 32 per
// field), is `header_bytes` long when that is set.
struct H2Script {
  std::vector<std::string> interim;
  int repeat = 1;
  std::string final_status = "200";
  std::size_t header_bytes = 0;
};

struct H2ServerOptions {
  H2Behaviour how = H2Behaviour::kServe;
  std::uint32_t max_concurrent = 100;     // SETTINGS_MAX_CONCURRENT_STREAMS advertised (0: not sent)
  std::uint32_t initial_window = 65535;   // SETTINGS_INITIAL_WINDOW_SIZE advertised
  std::uint32_t limit = 2;                // kRefuseBeyond
  std::uint32_t goaway_after = 5;         // kGoawayAfter
  int delay_ms = 0;                       // kServe, kRefuseBeyond: hold each response this long
  H2Script script;                        // kScripted
};

class H2Server {
 public:
  explicit H2Server(H2ServerOptions options) : options_(options) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind failed");
    ::listen(fd_, 128);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~H2Server() {
    stop_ = true;
    if (accept_thread_.joinable()) accept_thread_.join();
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& t : conns_) t.join();
    ::close(fd_);
  }
  H2Server(const H2Server&) = delete;
  H2Server& operator=(const H2Server&) = delete;

  std::string url(const std::string& path = "/") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::uint64_t requests() const { return requests_; }
  std::uint64_t connections() const { return connections_; }
  std::uint32_t max_open_streams() const { return max_open_; }
  std::uint64_t body_bytes() const { return body_bytes_; }

 private:
  struct Conn {
    H2Server* server = nullptr;
    int fd = -1;
    nghttp2_session* session = nullptr;
    std::uint32_t open = 0;
    std::uint64_t requests = 0;
    std::int32_t goaway_last = -1;   // >= 0: GOAWAY sent with this last stream
    std::set<std::int32_t> open_ids;
    std::set<std::int32_t> owed;     // streams at or below goaway_last not yet closed
    bool bad_frame_due = false;
    std::deque<std::pair<std::chrono::steady_clock::time_point, std::int32_t>> later;  // delayed responses
    std::vector<std::string> names;   // kScripted: the fields of the last response
    std::vector<std::string> values;
  };

  void accept_loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      ++connections_;
      std::lock_guard<std::mutex> lock(mu_);
      conns_.emplace_back([this, c] { serve(c); });
    }
  }

  static bool send_all(int fd, const std::uint8_t* data, std::size_t n) {
    std::size_t off = 0;
    while (off < n) {
      const ssize_t w = ::send(fd, data + off, n - off, MSG_NOSIGNAL);
      if (w <= 0) return false;
      off += static_cast<std::size_t>(w);
    }
    return true;
  }

  static ssize_t read_ok(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t length, std::uint32_t* flags,
                         nghttp2_data_source*, void*) {
    const std::size_t n = std::min<std::size_t>(length, 2);
    std::memcpy(buf, "ok", n);
    *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }

  static void respond(Conn& c, std::int32_t stream_id) {
    static const std::string big(4000, 'a');
    std::vector<nghttp2_nv> nv;
    const auto add = [&nv](const char* name, const std::string& value) {
      nv.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(name)),
                    reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), std::strlen(name), value.size(),
                    NGHTTP2_NV_FLAG_NONE});
    };
    static const std::string status = "200";
    static const std::string type = "text/plain";
    static const std::vector<std::string> names = [] {
      std::vector<std::string> v;
      for (int i = 0; i < 20; ++i) v.push_back("x-big-" + std::to_string(i));
      return v;
    }();
    add(":status", status);
    add("content-type", type);
    if (c.server->options_.how == H2Behaviour::kBigHeaders) {
      for (const auto& n : names) add(n.c_str(), big);
    }
    nghttp2_data_provider prd{};
    prd.read_callback = &H2Server::read_ok;
    nghttp2_submit_response(c.session, stream_id, nv.data(), nv.size(), &prd);
  }

  static void add_nv(std::vector<nghttp2_nv>& nv, const std::string& name, const std::string& value) {
    nv.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
                  reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
                  NGHTTP2_NV_FLAG_NONE});
  }

  static void respond_scripted(Conn& c, std::int32_t stream_id) {
    static const std::string kStatus = ":status";
    const H2Script& sc = c.server->options_.script;
    for (const auto& status : sc.interim) {
      for (int i = 0; i < sc.repeat; ++i) {
        std::vector<nghttp2_nv> nv;
        add_nv(nv, kStatus, status);
        nghttp2_submit_headers(c.session, NGHTTP2_FLAG_NONE, stream_id, nullptr, nv.data(), nv.size(), nullptr);
      }
    }
    if (sc.final_status.empty()) return;
    // Names and values live in the Conn until the next response (nghttp2 copies them on submit).
    auto& names = c.names;
    auto& values = c.values;
    names.clear();
    values.clear();
    if (sc.final_status != ":none") {
      names.push_back(kStatus);
      values.push_back(sc.final_status);
    }
    names.push_back("content-type");
    values.push_back("text/plain");
    if (sc.header_bytes > 0) {
      std::size_t used = 0;
      for (std::size_t i = 0; i < names.size(); ++i) used += names[i].size() + values[i].size() + 32;
      for (int i = 0; used < sc.header_bytes; ++i) {
        std::string name = "x-fill-" + std::to_string(100 + i);
        const std::size_t room = sc.header_bytes - used;
        if (room < name.size() + 32) throw std::logic_error("header_bytes cannot be met exactly");
        const std::size_t value = std::min<std::size_t>(4000, room - name.size() - 32);
        used += name.size() + value + 32;
        names.push_back(std::move(name));
        values.push_back(std::string(value, 'a'));
      }
    }
    std::vector<nghttp2_nv> nv;
    for (std::size_t i = 0; i < names.size(); ++i) add_nv(nv, names[i], values[i]);
    nghttp2_data_provider prd{};
    prd.read_callback = &H2Server::read_ok;
    nghttp2_submit_response(c.session, stream_id, nv.data(), nv.size(), &prd);
  }

  // A request is complete (END_STREAM received): answer, or misbehave.
  static void on_request(Conn& c, std::int32_t stream_id) {
    H2Server& s = *c.server;
    ++s.requests_;
    ++c.requests;
    switch (s.options_.how) {
      case H2Behaviour::kServe:
      case H2Behaviour::kRefuseBeyond:
      case H2Behaviour::kBigHeaders:
        if (s.options_.delay_ms > 0) {
          c.later.emplace_back(std::chrono::steady_clock::now() + std::chrono::milliseconds(s.options_.delay_ms), stream_id);
        } else {
          respond(c, stream_id);
        }
        break;
      case H2Behaviour::kResetStreams:
        nghttp2_submit_rst_stream(c.session, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_INTERNAL_ERROR);
        break;
      case H2Behaviour::kGoawayAfter:
        if (c.goaway_last >= 0 && stream_id > c.goaway_last) break;  // not processed
        respond(c, stream_id);
        if (c.goaway_last < 0 && c.requests >= s.options_.goaway_after) {
          c.goaway_last = stream_id;
          for (const auto id : c.open_ids) {
            if (id <= stream_id) c.owed.insert(id);
          }
          nghttp2_submit_goaway(c.session, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_NO_ERROR, nullptr, 0);
        }
        break;
      case H2Behaviour::kBadFrame:
        c.bad_frame_due = true;
        break;
      case H2Behaviour::kSilent: break;
      case H2Behaviour::kScripted: respond_scripted(c, stream_id); break;
    }
  }

  static int on_begin_headers(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    auto& c = *static_cast<Conn*>(user);
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    ++c.open;
    auto& max = c.server->max_open_;
    std::uint32_t seen = max.load();
    while (c.open > seen && !max.compare_exchange_weak(seen, c.open)) {
    }
    if (c.server->options_.how == H2Behaviour::kRefuseBeyond && c.open > c.server->options_.limit) {
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id, NGHTTP2_REFUSED_STREAM);
    }
    c.open_ids.insert(frame->hd.stream_id);
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    auto& c = *static_cast<Conn*>(user);
    const bool request = frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA;
    if (request && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) on_request(c, frame->hd.stream_id);
    return 0;
  }

  static int on_data(nghttp2_session*, std::uint8_t, std::int32_t, const std::uint8_t*, std::size_t len, void* user) {
    static_cast<Conn*>(user)->server->body_bytes_ += len;
    return 0;
  }

  static int on_stream_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t, void* user) {
    auto& c = *static_cast<Conn*>(user);
    if (c.open > 0) --c.open;
    c.open_ids.erase(stream_id);
    c.owed.erase(stream_id);
    return 0;
  }

  void serve(int fd) {
    Conn c;
    c.server = this;
    c.fd = fd;
    nghttp2_session_callbacks* cb = nullptr;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_begin_headers_callback(cb, &H2Server::on_begin_headers);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, &H2Server::on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, &H2Server::on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, &H2Server::on_stream_close);
    nghttp2_option* opt = nullptr;
    nghttp2_option_new(&opt);
    nghttp2_option_set_max_send_header_block_length(opt, 256 * 1024);
    nghttp2_session_server_new2(&c.session, cb, &c, opt);
    nghttp2_option_del(opt);
    nghttp2_session_callbacks_del(cb);
    std::vector<nghttp2_settings_entry> settings = {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, options_.initial_window}};
    if (options_.max_concurrent > 0) settings.push_back({NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, options_.max_concurrent});
    nghttp2_submit_settings(c.session, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
    std::uint8_t buf[16384];
    bool ok = true;
    while (ok && !stop_) {
      const auto now = std::chrono::steady_clock::now();
      while (!c.later.empty() && c.later.front().first <= now) {
        respond(c, c.later.front().second);
        c.later.pop_front();
      }
      const std::uint8_t* data = nullptr;
      ssize_t n = 0;
      while ((n = nghttp2_session_mem_send(c.session, &data)) > 0) {
        if (!send_all(fd, data, static_cast<std::size_t>(n))) ok = false;
      }
      if (c.bad_frame_due) {
        // SETTINGS must carry a multiple of 6 bytes: 5 is a connection error (FRAME_SIZE_ERROR).
        static const std::uint8_t bad[] = {0, 0, 5, 4, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5};
        send_all(fd, bad, sizeof bad);
        c.bad_frame_due = false;
      }
      if (c.goaway_last >= 0 && c.owed.empty()) break;  // everything up to the GOAWAY answered
      if (nghttp2_session_want_read(c.session) == 0 && nghttp2_session_want_write(c.session) == 0) break;
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, c.later.empty() ? 20 : 2) <= 0) continue;
      const ssize_t r = ::recv(fd, buf, sizeof buf, 0);
      if (r <= 0) break;
      if (nghttp2_session_mem_recv(c.session, buf, static_cast<std::size_t>(r)) < 0) break;
    }
    nghttp2_session_del(c.session);
    // A lingering close, as nginx's: stop sending, read what the client still sends until it
    // closes (at most 500 ms), then close. Closing with unread data makes the kernel reset the
    // connection, and the client may then lose the responses just sent (CI saw a GOAWAY test
    // count one answered stream as reset).
    ::shutdown(fd, SHUT_WR);
    const auto linger_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
    while (!stop_ && std::chrono::steady_clock::now() < linger_until) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      if (::recv(fd, buf, sizeof buf, 0) <= 0) break;
    }
    ::close(fd);
  }

  H2ServerOptions options_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread accept_thread_;
  std::mutex mu_;
  std::vector<std::thread> conns_;
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> connections_{0};
  std::atomic<std::uint32_t> max_open_{0};
  std::atomic<std::uint64_t> body_bytes_{0};
};

}  // namespace loadcast::test
