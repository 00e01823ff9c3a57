// CurlEngine: HTTPS and HTTP/2 through libcurl's multi_socket API, driven by the worker's Asio
// io_context — written from libcurl's documented contract (curl_multi_socket_action(3),
// CURLMOPT_SOCKETFUNCTION(3), CURLMOPT_TIMERFUNCTION(3)), not from the withdrawn asiohiper
// example. One multi handle per worker thread, one reused easy handle per slot; admission
// control is ours (never more transfers than connections × streams). The socket callback only
// mirrors the wanted directions of any descriptor into a private level-triggered epoll set that
// Asio waits on (CURL_POLL_REMOVE is not a close: libcurl owns closing); the timer callback never
// acts inside libcurl (a 0 timeout is posted; a generation counter drops stale expirations).
// Completed transfers are drained after every socket_action; a transfer that failed on a reused
// connection before any response byte is re-sent once; headers over header_limit are malformed.
// The response policy of http_policy.hpp is enforced from the header callback (every status line
// and field, interim responses included): what it refuses aborts the transfer as malformed_response.
// Single-threaded: everything runs on the worker's thread.
// The options, failures and limits: docs/load-generator.md#engines and
// docs/load-generator.md#accounting-and-failures
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
  bool written(std::size_t slot) const override;
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
  bool request_written(const Transfer& t) const;
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
