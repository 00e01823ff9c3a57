// CurlEngine: HTTPS and HTTP/2 through libcurl's multi_socket API, driven by the worker's
// Asio io_context.
//
// Written from libcurl's documented contract (curl_multi_socket_action(3),
// CURLMOPT_SOCKETFUNCTION(3), CURLMOPT_TIMERFUNCTION(3)), not from the withdrawn asiohiper
// example:
// - One multi handle per worker thread (a multi handle is single-threaded); one easy handle per
//   slot, reused; CURLOPT_NOSIGNAL on every handle; CURLOPT_PIPEWAIT and
//   CURLMOPT_MAX_CONCURRENT_STREAMS (= --streams) for HTTP/2, so transfers multiplex instead
//   of opening extra connections, and CURLMOPT_MAX_HOST_CONNECTIONS = slots / streams so the
//   first burst (before any connection exists to wait for) does not open one per transfer.
//   Admission control is ours (never more transfers than slots = connections x streams), so
//   libcurl's pending queue holds at most that first burst and a closing connection's share.
// - Sockets: the socket callback may hand us any descriptor (transfer sockets, resolver or
//   happy-eyeballs sockets), for any easy handle. We keep no per-transfer socket state: the
//   callback only mirrors the wanted directions into a private level-triggered epoll set
//   (ADD/MOD, skipped when the directions are those already set), and CURL_POLL_REMOVE deletes
//   the descriptor from that set — it is not a close,
//   the same descriptor may come back and libcurl keeps ownership of closing it. The epoll
//   descriptor itself is what Asio waits on, so level-triggered readiness survives Asio's
//   edge-triggered reactor.
// - Timer: one steady_timer; each callback replaces the deadline, -1 deletes it, and a 0
//   timeout is posted to the io_context — never acted on inside the callback, which would
//   recurse into libcurl. A generation counter drops stale expirations.
// - After every socket_action the completed transfers are drained with curl_multi_info_read and
//   reported; the listener may start the next transfer from that report.
// - A transfer that failed on a reused connection before anything of its response arrived (the
//   server closed the connection, or sent HTTP/2 GOAWAY, at its keepalive_requests limit, just
//   as the request went out) is re-sent once, as the HTTP/1.1 engine does; a second failure,
//   or any failure on a fresh connection, is reported.
// - The response policy of http_policy.hpp is enforced from the header callback, which sees
//   every status line and field libcurl receives, interim responses included: header bytes
//   over options.header_limit, more interim responses than the cap, a status line or status
//   the policy refuses (000, 600, 999, an unrequested 101, "HTTP/3.0" over HTTP/1), differing
//   Content-Lengths, Content-Length with Transfer-Encoding abort the transfer as a
//   malformed_response at once (libcurl alone would count 600 as a 5xx, wait for 1xx forever,
//   or wait out the timeout on a contradicted Content-Length). A single header line over
//   libcurl's own 100 KiB limit fails inside libcurl with a status already read: malformed too.
// Single-threaded: everything runs on the worker's thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "loadgen/engine.hpp"
#include "loadgen/url.hpp"

namespace loadcast::loadgen {

// Empty when this libcurl can carry the run, else a sentence naming the version: HTTP/2 needs
// libcurl built with nghttp2, and h2c (HTTP/2 over http://, prior knowledge) needs libcurl
// 8.0.0 or later — before it, the second request on a reused h2c connection fails with an
// HTTP/2 framing error (https://github.com/curl/curl/pull/10643, in 8.0.0). HTTP/2 over TLS
// is not affected.
std::string curl_http2_problem(bool cleartext);
// The same judgement for a given libcurl (version_num as in curl_version_info_data).
std::string curl_http2_problem(unsigned version_num, const std::string& version, bool has_http2, bool cleartext);

class CurlEngine final : public Engine {
 public:
  // Throws std::runtime_error when libcurl cannot be initialised.
  CurlEngine(boost::asio::io_context& io, EngineListener& listener, RequestSource source, EngineOptions options,
             const Url& target, std::size_t slots);
  ~CurlEngine() override;
  CurlEngine(const CurlEngine&) = delete;
  CurlEngine& operator=(const CurlEngine&) = delete;

  std::size_t slots() const override { return transfers_.size(); }
  void preconnect() override {}
  std::size_t connecting() const override { return 0; }
  std::uint64_t connect_failures() const override { return 0; }
  // Descriptors libcurl currently asks us to watch.
  std::size_t open_connections() const override { return watched_; }
  void start(std::size_t slot, std::size_t cls, sim::Time intended) override;
  std::size_t busy() const override { return busy_; }
  void shutdown() override;

 private:
  // What the header callback has seen of the current transfer's responses.
  struct HeaderCheck {
    std::uint64_t bytes = 0;         // header bytes, interim responses included
    int interim = 0;                 // interim responses seen
    int status = 0;                  // status of the response whose header is being read
    bool at_status_line = true;      // the next line starts a response
    bool final_done = false;         // the final response's header ended (later lines: trailers)
    bool transfer_encoding = false;  // this response has Transfer-Encoding
    bool has_length = false;         // this response has Content-Length ...
    std::uint64_t length = 0;        // ... of this value
    bool refused = false;            // the policy refused the response: malformed_response
  };

  struct Transfer {
    CurlEngine* engine = nullptr;
    CURL* easy = nullptr;
    std::size_t slot = 0;
    std::size_t cls = 0;
    bool busy = false;
    bool retried = false;  // already re-sent once after its reused connection went away
    sim::Time intended = 0;
    sim::Time sent = 0;
    std::uint64_t bytes = 0;
    RenderedParts parts;
    HeaderCheck check;
    std::ptrdiff_t configured_cls = -1;  // class whose fixed request the handle is set up for
    curl_slist* own_headers = nullptr;  // templated headers of the current request
  };

  static int socket_cb(CURL* easy, curl_socket_t fd, int what, void* userp, void* socketp);
  static int timer_cb(CURLM* multi, long timeout_ms, void* userp);
  static std::size_t write_cb(char* data, std::size_t size, std::size_t n, void* userp);
  static std::size_t header_cb(char* data, std::size_t size, std::size_t n, void* userp);
  // False when the policy refuses the response with this header line.
  bool accept_header_line(HeaderCheck& check, std::string_view line) const;

  void add(Transfer& t);
  void action(curl_socket_t fd, int bits);
  void drain_messages();
  void complete(Transfer& t, CURLcode code);
  void arm_inner();
  void on_inner_ready();

  boost::asio::io_context& io_;
  EngineListener& listener_;
  RequestSource source_;
  EngineOptions options_;
  Url target_;
  CURLM* multi_ = nullptr;
  int epoll_fd_ = -1;
  std::unique_ptr<boost::asio::posix::stream_descriptor> inner_;
  boost::asio::steady_timer timer_;
  std::uint64_t timer_gen_ = 0;
  bool inner_waiting_ = false;
  bool closed_ = false;
  std::size_t busy_ = 0;
  std::size_t watched_ = 0;
  std::vector<std::uint32_t> fd_events_;  // by descriptor: epoll events registered (0: none)
  std::vector<std::unique_ptr<Transfer>> transfers_;
  std::vector<curl_slist*> class_headers_;  // per class, when its headers are not templated
};

}  // namespace loadcast::loadgen
