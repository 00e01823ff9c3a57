// The outcome of one request and the load generator's error taxonomy.
//
// Every scheduled request ends in exactly one Cause; verdict_of() maps causes onto the result's
// accounting buckets (reports::RequestCounts): kNone is ok; connect and read timeouts are
// `timeouts`; requests never sent (backlog full under `--on-overload`, or still queued when the
// run stopped, or waiting for a connection that was never made when the run stopped) are
// `dropped`; everything else is an `error`. cause_name() gives the stable
// snake_case key written to `requests.by_cause`. Plain data and pure functions: thread safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/time.hpp"

namespace loadcast::loadgen {

enum class Cause : std::uint8_t {
  kNone,               // a response arrived and was accepted
  kHttp4xx,            // status 400-499 (or the class's expect_status differs and it is 4xx)
  kHttp5xx,            // status 500-599
  kUnexpectedStatus,   // a final 2xx/3xx status other than the class's expect_status
  kConnectRefused,     // ECONNREFUSED
  kConnectTimeout,     // the request's deadline passed while connecting
  kConnectError,       // any other connect failure (unreachable, no address, ...)
  kFdLimit,            // no descriptor for the socket: EMFILE (the process's RLIMIT_NOFILE) or ENFILE (the system's)
  kReadTimeout,        // the deadline passed while sending or waiting for the response
  kReset,              // connection reset, closed by the server before the response ended, HTTP/2 stream reset
  kWriteError,         // sending the request failed, or the connection failed before it was all sent
  kMalformedResponse,  // unparseable status line or header, header over the limit, bad chunking, HTTP/2 protocol error
  kTlsError,           // TLS handshake or certificate verification failed, no ALPN agreement, or TLS failed later
  kTransportError,     // any other failure reported by libcurl (native engines: nghttp2 out of memory)
  kBacklogFull,        // open model: no free connection and the backlog was full (or policy drop)
  kNotSentAtStop,      // still in the backlog when the run stopped
};

inline constexpr std::size_t kCauseCount = 16;

enum class Verdict { kOk, kError, kTimeout, kDropped };

constexpr Verdict verdict_of(Cause c) {
  switch (c) {
    case Cause::kNone: return Verdict::kOk;
    case Cause::kConnectTimeout:
    case Cause::kReadTimeout: return Verdict::kTimeout;
    case Cause::kBacklogFull:
    case Cause::kNotSentAtStop: return Verdict::kDropped;
    default: return Verdict::kError;
  }
}

// A connection could not be made: the worker backs off before that slot's next request
// (connect_backoff.hpp).
constexpr bool is_connect_failure(Cause c) {
  return c == Cause::kConnectRefused || c == Cause::kConnectTimeout || c == Cause::kConnectError ||
         c == Cause::kFdLimit;
}

constexpr const char* cause_name(Cause c) {
  constexpr std::array<const char*, kCauseCount> kNames = {
      "ok",          "http_4xx",    "http_5xx", "unexpected_status",  "connect_refused",
      "connect_timeout", "connect_error", "fd_limit", "read_timeout", "reset", "write_error",
      "malformed_response", "tls_error", "transport_error", "backlog_full", "not_sent_at_stop"};
  return kNames[static_cast<std::size_t>(c)];
}

// The cause for a final status (100-599, interim ones skipped: http_policy.hpp), given the
// class's expected status (0: any 2xx-3xx is ok).
constexpr Cause cause_of_status(int status, int expect_status) {
  if (status >= 500) return Cause::kHttp5xx;
  if (status >= 400) return Cause::kHttp4xx;
  if (expect_status != 0 && status != expect_status) return Cause::kUnexpectedStatus;
  return Cause::kNone;
}

// A response kept for a flow step that reads it (extract, checks, cookies): its header fields
// as received and its body, cut at kCaptureLimit bytes (`truncated` then says so).
inline constexpr std::size_t kCaptureLimit = 1024 * 1024;
// The strings are reused from response to response (no allocation once they have grown).
struct CapturedResponse {
  std::vector<std::pair<std::string, std::string>> headers;  // the first header_count are this response's
  std::size_t header_count = 0;
  std::string body;
  bool truncated = false;

  void clear() {
    header_count = 0;
    body.clear();
    truncated = false;
  }
  void add_header(std::string_view name, std::string_view value) {
    if (header_count == headers.size()) headers.emplace_back();
    headers[header_count].first.assign(name);
    headers[header_count].second.assign(value);
    ++header_count;
  }
  void append_body(std::string_view bytes) {
    const std::size_t room = kCaptureLimit - body.size();
    if (bytes.size() > room) truncated = true;
    body.append(bytes.substr(0, room));
  }
};

struct ServerTimingRecord;  // loadgen/server_timing.hpp

// What an engine reports when a request it was given finishes.
struct Completion {
  Cause cause = Cause::kNone;
  int status = 0;           // HTTP status when a response header arrived, else 0
  sim::Time sent = 0;       // when the request was written to a socket (0: never written, e.g. no connection)
  sim::Time done = 0;       // when the outcome was known
  std::uint64_t bytes = 0;  // response bytes read
  // The response, when the request was started with capture (a complete response only);
  // valid during the on_complete callback.
  const CapturedResponse* response = nullptr;
  // The response's Server-Timing header fields, when it had any (the native HTTP/1.1 engine);
  // valid during the on_complete callback.
  const ServerTimingRecord* server_timing = nullptr;
};

}  // namespace loadcast::loadgen
